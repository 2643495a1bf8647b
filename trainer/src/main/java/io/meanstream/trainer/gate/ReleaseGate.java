package io.meanstream.trainer.gate;

import java.util.Locale;

/**
 * Decides whether a candidate may replace the served model, from a paired comparison with the best released
 * model on the same images. The candidate is refused only when it is worse with the stated confidence, by
 * more than the tolerance: the upper confidence bound of (candidate - best) accuracy lies below
 * {@code -margin}. When no outcome of the comparison could show that ({@link PairedComparison#insufficient()}),
 * the gate says so and lets the candidate through: refusing on noise would freeze the served model, as a
 * lucky score on a handful of images once did.
 */
public record ReleaseGate(double confidence, double margin) {

    public enum Decision { RELEASE, REFUSE, INSUFFICIENT }

    /** The decision, the comparison behind it (null without a best model) and a sentence for logs. */
    public record Verdict(Decision decision, PairedComparison comparison, String reason) {
        public boolean released() {
            return decision != Decision.REFUSE;
        }
    }

    public ReleaseGate {
        if (!(confidence > 0.5 && confidence < 1)) {
            throw new IllegalArgumentException("release confidence must be in (0.5, 1), got " + confidence);
        }
        if (!(margin >= 0 && margin <= 1)) {
            throw new IllegalArgumentException("release margin must be in [0, 1], got " + margin);
        }
    }

    /** Judges the candidate against the best model, from per-image correctness on the same evidence. */
    public Verdict judge(boolean[] bestCorrect, boolean[] candidateCorrect) {
        PairedComparison c = PairedComparison.of(bestCorrect, candidateCorrect, confidence);
        String numbers = String.format(Locale.ROOT, "n=%d images, %d discordant (candidate only %d, best only %d), "
                        + "accuracy difference %+.4f, %.0f%% bounds [%+.4f, %+.4f], p=%.4g", c.evidence(), c.discordant(),
                c.candidateOnly(), c.bestOnly(), c.diff(), confidence * 100, c.diffLow(), c.diffHigh(), c.pValue());
        if (c.insufficient()) {
            return new Verdict(Decision.INSUFFICIENT, c, "insufficient evidence: " + numbers);
        }
        if (c.diffHigh() < -margin) {
            return new Verdict(Decision.REFUSE, c, String.format(Locale.ROOT, "worse than the best model by more than %.3f: %s",
                    margin, numbers));
        }
        return new Verdict(Decision.RELEASE, c, "not shown worse than the best model: " + numbers);
    }

    /** The verdict when no released model exists to compare with. */
    public Verdict withoutBest(int evidence) {
        return new Verdict(Decision.INSUFFICIENT, null, "insufficient evidence: no released model to compare with (n=" + evidence + " images)");
    }
}

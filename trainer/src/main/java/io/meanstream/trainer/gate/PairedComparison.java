package io.meanstream.trainer.gate;

/**
 * Two models judged on the very same images: McNemar's exact test and an interval for the accuracy
 * difference, both from the discordant pairs only (images exactly one of the two models gets right), since
 * images both get right or both get wrong say nothing about which is better.
 *
 * <p>Under "equally accurate", each of the {@code m} discordant images is won by either model with
 * probability 1/2, so the one-sided p-value that the candidate is worse is P(X >= bestOnly) for
 * X ~ Binomial(m, 1/2). The interval converts one-sided Clopper-Pearson bounds on the share of discordant
 * images the candidate loses into bounds on the difference {@code (candidateOnly - bestOnly) / n}, given
 * {@code m}; it is the exact dual of the test: the upper bound is below 0 exactly when p < 1 - confidence.
 *
 * @param evidence      images both models were scored on
 * @param candidateOnly images only the candidate classifies correctly
 * @param bestOnly      images only the best model classifies correctly
 * @param confidence    of each one-sided bound (0.95: together a 90 % two-sided interval)
 * @param pValue        one-sided exact McNemar p-value of "the candidate is less accurate"
 * @param diff          candidate accuracy minus best accuracy on the evidence
 * @param diffLow       lower bound of {@code diff} at the confidence
 * @param diffHigh      upper bound of {@code diff} at the confidence
 */
public record PairedComparison(int evidence, int candidateOnly, int bestOnly, double confidence, double pValue, double diff,
                               double diffLow, double diffHigh) {

    /** Compares per-image correctness of the best model and the candidate (same images, same order). */
    public static PairedComparison of(boolean[] bestCorrect, boolean[] candidateCorrect, double confidence) {
        if (bestCorrect.length != candidateCorrect.length) {
            throw new IllegalArgumentException("the models were judged on different images: " + bestCorrect.length + " vs "
                    + candidateCorrect.length);
        }
        int candidateOnly = 0;
        int bestOnly = 0;
        for (int i = 0; i < bestCorrect.length; i++) {
            if (candidateCorrect[i] && !bestCorrect[i]) {
                candidateOnly++;
            } else if (bestCorrect[i] && !candidateCorrect[i]) {
                bestOnly++;
            }
        }
        return of(bestCorrect.length, candidateOnly, bestOnly, confidence);
    }

    public static PairedComparison of(int evidence, int candidateOnly, int bestOnly, double confidence) {
        if (candidateOnly < 0 || bestOnly < 0 || candidateOnly + bestOnly > evidence) {
            throw new IllegalArgumentException("discordant counts " + candidateOnly + " + " + bestOnly + " exceed " + evidence + " images");
        }
        if (!(confidence > 0.5 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0.5, 1), got " + confidence);
        }
        int m = candidateOnly + bestOnly;
        if (m == 0) {
            return new PairedComparison(evidence, 0, 0, confidence, 1.0, 0, 0, 0);
        }
        double alpha = 1 - confidence;
        double share = (double) m / evidence;
        double lossLow = Binomial.lowerBound(bestOnly, m, alpha);
        double lossHigh = Binomial.upperBound(bestOnly, m, alpha);
        return new PairedComparison(evidence, candidateOnly, bestOnly, confidence, Binomial.upperTail(bestOnly, m, 0.5),
                (double) (candidateOnly - bestOnly) / evidence, share * (1 - 2 * lossHigh), share * (1 - 2 * lossLow));
    }

    /** Images exactly one of the two models classifies correctly. */
    public int discordant() {
        return candidateOnly + bestOnly;
    }

    /**
     * True when even the worst outcome (every discordant image lost by the candidate) could not show the
     * candidate worse at this confidence: with fewer than 5 discordant images at 95 %, no data can.
     */
    public boolean insufficient() {
        return Math.pow(0.5, discordant()) >= 1 - confidence;
    }
}

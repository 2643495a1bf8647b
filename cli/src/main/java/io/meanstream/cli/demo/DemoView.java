package io.meanstream.cli.demo;

import io.meanstream.schema.ModelRelease;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link DemoStatus} as the demo's console frame: pure, so it is unit-tested. */
final class DemoView {

    private static final int BAR = 30;

    private DemoView() {
    }

    static List<String> render(DemoStatus s) {
        List<String> lines = new ArrayList<>();
        DemoObserver.Snapshot t = s.topics();
        double fraction = s.plannedMillis() <= 0 ? 0 : Math.min(1, (double) s.elapsedMillis() / s.plannedMillis());
        int filled = (int) Math.round(fraction * BAR);
        lines.add(String.format(Locale.ROOT, "meanstream demo  [%s%s] %3.0f%%  %s / %s", "#".repeat(filled), " ".repeat(BAR - filled),
                100 * fraction, clock(s.elapsedMillis()), clock(s.plannedMillis())));
        double seconds = Math.max(1e-3, s.elapsedMillis() / 1000.0);
        lines.add(String.format(Locale.ROOT, "  feed          %,d images (%.1f/s), %,d of %,d labels given (%,d answering label requests)%s",
                s.imagesSent(), s.imagesSent() / seconds, s.labelsSent(), s.labelsPlanned(), s.requestedLabels(),
                s.peopleLabels() > 0 ? String.format(Locale.ROOT, "; %,d by people in the labeler", s.peopleLabels()) : ""));
        lines.add(s.trainerStep() <= 0
                ? String.format(Locale.ROOT, "  trainer       waiting for labels (labeled pool %d, holdout %d)", s.labeledPool(), s.holdout())
                : String.format(Locale.ROOT, "  trainer       step %,d  class loss %s  consistency %s (weight %s)  labeled pool %d + holdout %d",
                s.trainerStep(), num(s.classLoss(), 3), num(s.consistencyLoss(), 4), num(s.consistencyWeight(), 1), s.labeledPool(), s.holdout()));
        DemoObserver.Release newest = t.releases().isEmpty() ? null : t.releases().get(t.releases().size() - 1);
        lines.add(newest == null
                ? "  models        none released yet (images wait for the first model)"
                : String.format(Locale.ROOT, "  models        %d released, newest v%d (step %,d, holdout accuracy %s), streams-app serving %s",
                t.releases().size(), newest.version(), newest.trainerStep(), num(newest.holdoutAccuracy(), 3),
                s.servingVersion() < 0 ? "none" : "v" + s.servingVersion()));
        if (s.baseline() != null) {
            ModelRelease last = s.baseline().isEmpty() ? null : s.baseline().get(s.baseline().size() - 1);
            lines.add(last == null
                    ? "  baseline      supervised-only trainer (own JVM): none released yet"
                    : String.format(Locale.ROOT, "  baseline      supervised-only trainer (own JVM): %d released, newest v%d (step %,d, holdout accuracy %s)",
                    s.baseline().size(), last.getVersion(), last.getTrainerStep(),
                    num(last.getMetrics().getOrDefault("holdoutAccuracy", Double.NaN), 3)));
        }
        lines.add(String.format(Locale.ROOT, "  predictions   %,d (%s)", t.predictions(), perVersion(t.predictionsPerVersion())));
        lines.add(t.judged() == 0
                ? "  quality       no prediction judged by a label yet"
                : String.format(Locale.ROOT, "  quality       prequential accuracy: whole run %s, last window %s, newest judged version %s; %,d predictions judged",
                num(t.overallAccuracy(), 3), num(t.lastWindowAccuracy(), 3), newestJudged(t), t.judged()));
        lines.add(String.format(Locale.ROOT, "  dead letters  %,d%s", t.deadLetters(),
                t.deadLettersByReason().isEmpty() ? "" : " " + t.deadLettersByReason()));
        return lines;
    }

    private static String newestJudged(DemoObserver.Snapshot t) {
        long version = t.quality().stream().mapToLong(q -> q.getModelVersion()).max().orElse(-1);
        return version < 0 ? "-" : "v" + version + " " + num(t.accuracyOf(version), 3);
    }

    private static String perVersion(Map<Long, Long> perVersion) {
        if (perVersion.isEmpty()) {
            return "no model yet";
        }
        StringBuilder b = new StringBuilder();
        perVersion.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append('v').append(e.getKey()).append(": ").append(String.format(Locale.ROOT, "%,d", e.getValue()));
        });
        return b.toString();
    }

    static String clock(long millis) {
        long s = Math.max(0, millis) / 1000;
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    static String num(double v, int digits) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }
}

package io.meanstream.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for work of known length. On a terminal it redraws in place (at most 10 times
 * a second); when the output is a file or pipe it prints a line at every 10% so logs stay readable.
 */
public final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String unit;
    private final long total;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private long lastDrawNanos;
    private int lastDecile = -1;

    public ProgressBar(PrintStream out, String unit, long total) {
        this(out, unit, total, System.console() != null);
    }

    public ProgressBar(PrintStream out, String unit, long total, boolean interactive) {
        this.out = out;
        this.unit = unit;
        this.total = Math.max(1, total);
        this.interactive = interactive;
    }

    /** Shows {@code done} of the total and an optional suffix; cheap to call on every item. */
    public void update(long done, String suffix) {
        long now = System.nanoTime();
        if (interactive) {
            if (done < total && now - lastDrawNanos < 100_000_000L) {
                return;
            }
            lastDrawNanos = now;
            out.print("\r" + line(done, suffix, now));
            if (done >= total) {
                out.println();
            }
        } else {
            int decile = (int) (10 * Math.min(done, total) / total);
            if (decile != lastDecile) {
                lastDecile = decile;
                out.println(line(done, suffix, now));
            }
        }
        out.flush();
    }

    private String line(long done, String suffix, long now) {
        double fraction = Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        return String.format(Locale.ROOT, "[%s%s] %3.0f%% %d/%d %s, %.0f %s/s%s", "#".repeat(filled), " ".repeat(WIDTH - filled),
                100 * fraction, done, total, unit, done / seconds, unit, suffix == null || suffix.isEmpty() ? "" : ", " + suffix);
    }
}

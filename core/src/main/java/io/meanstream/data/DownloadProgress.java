package io.meanstream.data;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line console progress bar for a download: name, bar, percent, megabytes and speed, redrawn
 * in place with carriage returns at most every 200 ms. The only console output of the library.
 */
final class DownloadProgress {

    private static final long REDRAW_INTERVAL_NANOS = 200_000_000L;
    private static final int BAR_WIDTH = 30;
    private static final double MB = 1024.0 * 1024.0;

    private final PrintStream out;
    private final String name;
    private final long totalBytes;
    private final long startNanos;
    private long bytes;
    private long lastDrawNanos;

    /** @param totalBytes expected size, or a negative value when the server did not say */
    DownloadProgress(PrintStream out, String name, long totalBytes) {
        this.out = out;
        this.name = name;
        this.totalBytes = totalBytes;
        this.startNanos = System.nanoTime();
        this.lastDrawNanos = startNanos - REDRAW_INTERVAL_NANOS;
    }

    void advance(int count) {
        bytes += count;
        long now = System.nanoTime();
        if (now - lastDrawNanos >= REDRAW_INTERVAL_NANOS) {
            lastDrawNanos = now;
            draw(now);
        }
    }

    void finish() {
        draw(System.nanoTime());
        out.println();
        out.flush();
    }

    private void draw(long now) {
        double seconds = Math.max((now - startNanos) / 1e9, 1e-3);
        double speed = bytes / MB / seconds;
        String line;
        if (totalBytes > 0) {
            double fraction = Math.min(1.0, (double) bytes / totalBytes);
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            line = String.format(Locale.ROOT, "\r%s [%s%s] %3d%% %6.1f/%.1f MB %6.2f MB/s", name,
                    "#".repeat(filled), " ".repeat(BAR_WIDTH - filled), (int) Math.floor(fraction * 100),
                    bytes / MB, totalBytes / MB, speed);
        } else {
            line = String.format(Locale.ROOT, "\r%s %6.1f MB %6.2f MB/s", name, bytes / MB, speed);
        }
        out.print(line);
        out.flush();
    }
}

package io.meanstream.cli.feed;

import io.meanstream.config.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A label delay: one duration ({@code 30s}) or a uniform range ({@code 5s..2m}). Units: ms, s, m, h, d.
 * Human labelers answer after minutes to days; the feeder draws each label's delay from this range.
 */
public record DelayRange(Duration min, Duration max) {

    public DelayRange {
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("label delay range " + min + ".." + max + " is empty or negative");
        }
    }

    public static DelayRange none() {
        return new DelayRange(Duration.ZERO, Duration.ZERO);
    }

    public static DelayRange parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        int dots = t.indexOf("..");
        if (dots < 0) {
            Duration d = duration(t);
            return new DelayRange(d, d);
        }
        return new DelayRange(duration(t.substring(0, dots)), duration(t.substring(dots + 2)));
    }

    static Duration duration(String text) {
        return Durations.parse(text);
    }

    /** A delay drawn uniformly from the range. */
    public Duration draw(SplittableRandom random) {
        long span = max.toMillis() - min.toMillis();
        return span == 0 ? min : min.plusMillis(random.nextLong(span + 1));
    }

    @Override
    public String toString() {
        return min.equals(max) ? min.toString() : min + ".." + max;
    }
}

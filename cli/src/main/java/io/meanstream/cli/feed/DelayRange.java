package io.meanstream.cli.feed;

import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A label delay: one duration ({@code 30s}) or a uniform range ({@code 5s..2m}). Units: ms, s, m, h, d.
 * Human labelers answer after minutes to days; the feeder draws each label's delay from this range.
 */
public record DelayRange(Duration min, Duration max) {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

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
        String t = text.strip();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 500ms, 30s, 5m, 2h or 1d");
        }
        double value = Double.parseDouble(m.group(1));
        long unitMillis = switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 86_400_000;
        };
        return Duration.ofMillis(Math.round(value * unitMillis));
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

package io.meanstream.cli.feed;

import java.util.Locale;

/**
 * Which images the simulated annotator labels. {@code random}: the images the feed's plan picked. {@code requested}:
 * at each of the same label moments, the oldest open label request of the streams-app (an image this feed sent), and
 * the planned image only while none is open (the cold start, before the first model asks). Both give the same number
 * of labels at the same moments, so an A/B of the two differs only in which images were labeled.
 */
public enum LabelPolicy {
    RANDOM, REQUESTED;

    public static LabelPolicy parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("label policy must be random or requested, not '" + s + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

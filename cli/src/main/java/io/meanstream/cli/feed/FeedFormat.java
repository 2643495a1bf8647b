package io.meanstream.cli.feed;

import java.util.Locale;

/**
 * The form of the records the feeder produces: {@code AVRO}, the typed contracts in single-object encoding; or
 * {@code RAW}, what a producer in any language sends: the encoded image as the value with a content-type and
 * CloudEvents headers, and labels as JSON.
 */
public enum FeedFormat {
    AVRO,
    RAW;

    public static FeedFormat parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "avro" -> AVRO;
            case "raw" -> RAW;
            default -> throw new IllegalArgumentException("--format must be avro or raw, got " + text);
        };
    }
}

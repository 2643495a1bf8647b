package io.meanstream.records;

import java.util.Locale;

/** How the streams-app writes predictions: Avro single-object encoding, or JSON in CloudEvents binary mode. */
public enum PredictionFormat {
    AVRO,
    JSON;

    /** {@code avro} or {@code json}, any case. */
    public static PredictionFormat parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("prediction format '" + value + "' is not avro or json", e);
        }
    }
}

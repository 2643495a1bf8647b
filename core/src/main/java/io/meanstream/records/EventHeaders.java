package io.meanstream.records;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The record headers meanstream reads and writes: {@code content-type} and the CloudEvents attributes of the
 * Kafka protocol binding in binary mode ({@code ce_id}, {@code ce_time}, {@code ce_source}, ...).
 */
public final class EventHeaders {

    public static final String CONTENT_TYPE = "content-type";
    public static final String CE_SPECVERSION = "ce_specversion";
    public static final String CE_ID = "ce_id";
    public static final String CE_SOURCE = "ce_source";
    public static final String CE_TYPE = "ce_type";
    public static final String CE_TIME = "ce_time";
    public static final String CE_SUBJECT = "ce_subject";

    public static final String PNG = "image/png";
    public static final String JPEG = "image/jpeg";
    public static final String JSON = "application/json";
    public static final String AVRO = "application/avro";

    private EventHeaders() {
    }

    /** The last value of a header as UTF-8, or null when absent (or when there are no headers). */
    public static String text(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8).trim();
    }

    /** The media type of {@code content-type}, lower case and without parameters ({@code ; charset=...}); null when absent. */
    public static String mediaType(Headers headers) {
        String value = text(headers, CONTENT_TYPE);
        if (value == null || value.isEmpty()) {
            return null;
        }
        int semicolon = value.indexOf(';');
        return (semicolon < 0 ? value : value.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /** {@code ce_time} (RFC 3339), or {@code fallback} when absent; a malformed value is rejected. */
    public static Instant time(Headers headers, Instant fallback) {
        String value = text(headers, CE_TIME);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        return parseTime(value, "header " + CE_TIME);
    }

    /** An RFC 3339 timestamp such as {@code 2026-12-01T10:00:00Z} or {@code 2026-12-01T11:00:00+01:00}. */
    static Instant parseTime(String value, String what) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new RecordRejectedException("INVALID_TIME", what + " '" + abbreviate(value)
                    + "' is not an RFC 3339 timestamp like 2026-12-01T10:00:00Z");
        }
    }

    /** Adds a header as UTF-8 text. */
    public static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}

package io.meanstream.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that are not a record of the expected contract. Extends Kafka's {@link SerializationException}
 * so Kafka Streams' deserialization exception handler sees it; every service turns it into a dead letter.
 */
public final class MalformedRecordException extends SerializationException {

    /** Why the bytes were refused; stable codes for the dead-letter topic and metrics. */
    public enum Kind {
        /** Null or empty value where a record was expected. */
        EMPTY,
        /** Not Avro single-object encoding: the two marker bytes C3 01 or the fingerprint are missing. */
        BAD_HEADER,
        /** The writer schema's fingerprint is in no schema store this service knows. */
        UNKNOWN_SCHEMA,
        /** The header is fine, the body does not decode with the writer schema (truncated, garbage, too long). */
        CORRUPT_BODY,
        /** The writer schema cannot be resolved against the reader schema (incompatible evolution). */
        INCOMPATIBLE_SCHEMA
    }

    private static final long serialVersionUID = 1L;
    private final Kind kind;
    private final String recordType;

    public MalformedRecordException(Kind kind, String recordType, String message, Throwable cause) {
        super("Malformed " + recordType + " record (" + kind + "): " + message, cause);
        this.kind = kind;
        this.recordType = recordType;
    }

    public Kind kind() {
        return kind;
    }

    /** The Avro record name the bytes were expected to hold. */
    public String recordType() {
        return recordType;
    }

    /** The dead-letter error type: {@code MALFORMED_AVRO_<KIND>}. */
    public String errorType() {
        return "MALFORMED_AVRO_" + kind;
    }
}

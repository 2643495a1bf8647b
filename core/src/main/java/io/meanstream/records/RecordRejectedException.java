package io.meanstream.records;

import io.meanstream.serde.MalformedRecordException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record value that no reader of its topic accepts, with a stable error type for the dead-letter topic
 * ({@code MISSING_KEY}, {@code CONTENT_TYPE_MISMATCH}, {@code MALFORMED_JSON}, {@code MALFORMED_AVRO_*}, ...)
 * and a message that says what was expected and what was found.
 */
public final class RecordRejectedException extends SerializationException {

    private static final long serialVersionUID = 1L;
    private final String errorType;

    public RecordRejectedException(String errorType, String message) {
        super(message);
        this.errorType = errorType;
    }

    RecordRejectedException(MalformedRecordException cause) {
        super(cause.getMessage(), cause);
        this.errorType = cause.errorType();
    }

    public String errorType() {
        return errorType;
    }
}

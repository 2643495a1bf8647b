package io.meanstream.kafka;

import io.meanstream.schema.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * Builds {@link DeadLetter} records. The original bytes are kept verbatim (so nothing is lost and the
 * record can be replayed once fixed) up to {@link #MAX_VALUE_BYTES}; beyond that they are truncated and
 * flagged, because the record that was too large for us is also too large for the dead-letter topic.
 */
public final class DeadLetters {

    /** Largest raw value copied into a dead letter. */
    public static final int MAX_VALUE_BYTES = 1 << 20;

    private DeadLetters() {
    }

    public static DeadLetter of(String service, String stage, String errorType, String errorMessage,
                                String topic, int partition, long offset, byte[] key, byte[] value) {
        int size = value == null ? 0 : value.length;
        boolean truncated = size > MAX_VALUE_BYTES;
        byte[] kept = value == null ? null : truncated ? Arrays.copyOf(value, MAX_VALUE_BYTES) : value;
        return DeadLetter.newBuilder()
                .setSourceTopic(topic == null ? "" : topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(kept == null ? null : ByteBuffer.wrap(kept))
                .setValueSize(size)
                .setValueTruncated(truncated)
                .setStage(stage)
                .setService(service)
                .setErrorType(errorType)
                .setErrorMessage(errorMessage == null ? "(no message)" : errorMessage)
                .setTime(Instant.now())
                .build();
    }
}

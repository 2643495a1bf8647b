package io.meanstream.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SystemLimitException;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one generated Avro record type, in Avro single-object encoding: {@code C3 01}, the
 * 8-byte fingerprint of the writer schema, then the binary body. The reader looks the writer schema up
 * in a {@link FingerprintSchemaStore} and resolves it against its own schema, so a newer reader reads
 * older records and the other way round (within Avro's evolution rules).
 *
 * <p>Any bytes that do not decode give a {@link MalformedRecordException} with a precise {@link
 * MalformedRecordException.Kind}; nothing else escapes {@link #deserialize}. Encoders and decoders are
 * thread-safe, so one instance may be shared.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    /** Largest bytes field (an image or an inline ONNX model); larger ones go by URI. */
    public static final int MAX_BYTES_FIELD = 32 << 20;
    /** Largest string field: ids, names, error messages. */
    public static final int MAX_STRING_FIELD = 1 << 20;
    /** Largest array or map: class probabilities, class names, metrics. */
    public static final int MAX_COLLECTION = 1 << 20;

    static {
        // Avro allocates a field's buffer from its length prefix before reading it, so a few corrupt bytes
        // could ask for gigabytes. These limits (read once by Avro) bound that to what our contracts need.
        setIfAbsent(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, MAX_BYTES_FIELD);
        setIfAbsent(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, MAX_STRING_FIELD);
        setIfAbsent(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, MAX_COLLECTION);
    }

    private static void setIfAbsent(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    public AvroSerde(Schema readerSchema, FingerprintSchemaStore store) {
        this.schema = Objects.requireNonNull(readerSchema, "readerSchema");
        store.register(readerSchema);
        SpecificData model = SpecificData.getForSchema(readerSchema);
        this.encoder = new BinaryMessageEncoder<>(model, readerSchema);
        this.decoder = new BinaryMessageDecoder<>(model, readerSchema, store);
    }

    /** The schema this serde writes and reads into. */
    public Schema schema() {
        return schema;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null; // a tombstone on compacted topics
        }
        try {
            ByteBuffer buffer = encoder.encode(data);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | AvroRuntimeException | NullPointerException | ClassCastException e) {
            throw new SerializationException("Cannot serialize " + schema.getName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Same as {@link #deserialize(String, byte[])} for callers outside Kafka. */
    public T decode(byte[] data) {
        return deserialize(null, data);
    }

    /** Same as {@link #serialize(String, Object)} for callers outside Kafka. */
    public byte[] encode(T data) {
        return serialize(null, data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null; // tombstone
        }
        String type = schema.getName();
        if (data.length == 0) {
            throw new MalformedRecordException(MalformedRecordException.Kind.EMPTY, type, "0 bytes" + onTopic(topic), null);
        }
        try {
            return decoder.decode(data);
        } catch (BadHeaderException e) {
            throw new MalformedRecordException(MalformedRecordException.Kind.BAD_HEADER, type,
                    "not Avro single-object encoding (" + data.length + " bytes" + onTopic(topic) + "): " + e.getMessage(), e);
        } catch (MissingSchemaException e) {
            throw new MalformedRecordException(MalformedRecordException.Kind.UNKNOWN_SCHEMA, type,
                    e.getMessage() + onTopic(topic) + "; the writer used a schema this build does not know", e);
        } catch (AvroTypeException e) {
            throw new MalformedRecordException(MalformedRecordException.Kind.INCOMPATIBLE_SCHEMA, type,
                    e.getMessage() + onTopic(topic), e);
        } catch (IOException | RuntimeException e) {
            // EOFException (truncated), AvroRuntimeException, SystemLimitException, negative lengths, ...
            throw new MalformedRecordException(MalformedRecordException.Kind.CORRUPT_BODY, type,
                    e.getClass().getSimpleName() + ": " + e.getMessage() + " (" + data.length + " bytes" + onTopic(topic) + ")", e);
        }
    }

    private static String onTopic(String topic) {
        return topic == null ? "" : ", topic " + topic;
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the schema store is given at construction
    }

    @Override
    public void close() {
        // stateless
    }
}

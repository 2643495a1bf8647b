package io.meanstream.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Writer schemas by their CRC-64-AVRO fingerprint, the 8 bytes that Avro single-object encoding puts
 * after its C3 01 marker. Thread-safe; registering is idempotent.
 */
public final class FingerprintSchemaStore implements SchemaStore {

    private final Map<Long, Schema> byFingerprint = new ConcurrentHashMap<>();

    /** Registers a schema and returns its fingerprint. */
    public long register(Schema schema) {
        long fingerprint = fingerprint(schema);
        byFingerprint.putIfAbsent(fingerprint, schema);
        return fingerprint;
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    public int size() {
        return byFingerprint.size();
    }

    /** The fingerprint Avro's single-object encoding writes for this schema. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** Lower-case hex of the fingerprint, as written into model provenance and logs. */
    public static String fingerprintHex(Schema schema) {
        return String.format("%016x", fingerprint(schema));
    }
}

package io.meanstream.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.schema.DeadLetter;
import io.meanstream.schema.Image;
import io.meanstream.schema.ImageEncoding;
import io.meanstream.schema.Label;
import io.meanstream.schema.ModelRelease;
import io.meanstream.schema.Normalisation;
import io.meanstream.schema.Prediction;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    static Image image(String id) {
        return Image.newBuilder().setId(id).setEventTime(Instant.ofEpochMilli(1_700_000_000_123L)).setSource("test")
                .setEncoding(ImageEncoding.RAW_U8).setWidth(2).setHeight(2).setChannels(1)
                .setData(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 255})).build();
    }

    @Test
    void everyContractRoundTrips() {
        Image img = image("img-1");
        assertEquals(img, ContractSerdes.image().decode(ContractSerdes.image().encode(img)));

        Label label = Label.newBuilder().setImageId("img-1").setClassIndex(7).setClassName("Sneaker")
                .setAnnotator("alice").setTime(Instant.ofEpochMilli(5)).build();
        assertEquals(label, ContractSerdes.label().decode(ContractSerdes.label().encode(label)));
        Label anonymous = Label.newBuilder().setImageId("x").setClassIndex(0).setTime(Instant.EPOCH).build();
        Label back = ContractSerdes.label().decode(ContractSerdes.label().encode(anonymous));
        assertNull(back.getClassName());
        assertEquals("unknown", back.getAnnotator());

        Prediction p = Prediction.newBuilder().setImageId("img-1").setModelName("fmnist").setModelVersion(3)
                .setClassIndex(1).setClassName("Trouser").setConfidence(0.9f).setProbabilities(List.of(0.1f, 0.9f))
                .setImageTime(Instant.ofEpochMilli(1)).setScoredTime(Instant.ofEpochMilli(2)).build();
        assertEquals(p, ContractSerdes.prediction().decode(ContractSerdes.prediction().encode(p)));

        ModelRelease m = ModelRelease.newBuilder().setName("fmnist").setVersion(12).setCreatedTime(Instant.ofEpochMilli(9))
                .setTrainerStep(1000).setOnnx(ByteBuffer.wrap(new byte[] {8, 1})).setSha256("ab").setInputShape(List.of(1, 28, 28))
                .setNormalisation(Normalisation.newBuilder().setMean(List.of(0.286f)).setStd(List.of(0.353f)).build())
                .setClassNames(List.of("a", "b")).setMetrics(Map.of("holdoutAccuracy", 0.8)).build();
        ModelRelease mBack = ContractSerdes.modelRelease().decode(ContractSerdes.modelRelease().encode(m));
        assertEquals(m, mBack);
        assertEquals("REJECT", mBack.getNormalisation().getResize());

        DeadLetter d = DeadLetter.newBuilder().setSourceTopic("t").setSourcePartition(0).setSourceOffset(42)
                .setValue(ByteBuffer.wrap(new byte[] {0})).setStage("deserialize").setErrorType("MALFORMED_AVRO_BAD_HEADER")
                .setErrorMessage("boom").setTime(Instant.ofEpochMilli(3)).build();
        assertEquals(d, ContractSerdes.deadLetter().decode(ContractSerdes.deadLetter().encode(d)));
    }

    @Test
    void encodingIsSingleObjectWithTheSchemaFingerprint() {
        byte[] bytes = ContractSerdes.image().encode(image("a"));
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(FingerprintSchemaStore.fingerprint(Image.getClassSchema()), fingerprint);
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertNull(ContractSerdes.label().serialize("labels", null));
        assertNull(ContractSerdes.label().deserialize("labels", null));
    }

    @Test
    void newerReaderReadsRecordsOfTheOlderSchema() {
        // Backward compatibility: a v2 reader (one more optional field, tags) reads what v1 producers wrote.
        FingerprintSchemaStore store = new FingerprintSchemaStore();
        store.register(Image.getClassSchema());
        AvroSerde<io.meanstream.schema.v2.Image> v2 = new AvroSerde<>(io.meanstream.schema.v2.Image.getClassSchema(), store);
        byte[] v1Bytes = new AvroSerde<Image>(Image.getClassSchema(), store).encode(image("old"));

        io.meanstream.schema.v2.Image read = v2.decode(v1Bytes);
        assertEquals("old", read.getId());
        assertEquals(io.meanstream.schema.v2.ImageEncoding.RAW_U8, read.getEncoding());
        assertNull(read.getCameraId());
        assertEquals(List.of(), read.getTags());
        assertArrayEquals(new byte[] {1, 2, 3, (byte) 255}, toArray(read.getData()));
    }

    @Test
    void olderReaderReadsRecordsOfTheNewerSchemaOnceTheStoreKnowsIt() {
        FingerprintSchemaStore store = new FingerprintSchemaStore();
        AvroSerde<io.meanstream.schema.v2.Image> v2 = new AvroSerde<>(io.meanstream.schema.v2.Image.getClassSchema(), store);
        io.meanstream.schema.v2.Image newer = io.meanstream.schema.v2.Image.newBuilder().setId("new").setEventTime(Instant.EPOCH)
                .setSource("cam").setEncoding(io.meanstream.schema.v2.ImageEncoding.PNG).setWidth(1).setHeight(1).setChannels(1)
                .setData(ByteBuffer.wrap(new byte[] {9})).setCameraId("c-7").setTags(List.of("night")).build();
        byte[] v2Bytes = v2.encode(newer);

        // A store that never saw v2 cannot decode it and says so with a typed error...
        FingerprintSchemaStore oldStore = new FingerprintSchemaStore();
        AvroSerde<Image> v1Unaware = new AvroSerde<>(Image.getClassSchema(), oldStore);
        MalformedRecordException unknown = assertThrows(MalformedRecordException.class, () -> v1Unaware.decode(v2Bytes));
        assertEquals(MalformedRecordException.Kind.UNKNOWN_SCHEMA, unknown.kind());

        // ...and with v2 in the store the v1 reader drops the new fields (forward compatibility).
        AvroSerde<Image> v1 = new AvroSerde<>(Image.getClassSchema(), store);
        Image read = v1.decode(v2Bytes);
        assertEquals("new", read.getId());
        assertEquals(ImageEncoding.PNG, read.getEncoding());
        assertArrayEquals(new byte[] {9}, toArray(read.getData()));
    }

    @Test
    void evolvedSchemaIsCompatibleBothWaysByAvroRules() {
        Schema v1 = Image.getClassSchema();
        Schema v2 = io.meanstream.schema.v2.Image.getClassSchema();
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(v2, v1).getType());
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(v1, v2).getType());
    }

    @Test
    void everyHistoricalSchemaResolvesAgainstTheCurrentOne() {
        for (Schema old : SchemaStores.historicalSchemas()) {
            Schema current = SchemaStores.currentSchemas().stream()
                    .filter(s -> s.getFullName().equals(old.getFullName())).findFirst()
                    .orElseThrow(() -> new AssertionError("history has " + old.getFullName() + " with no current schema"));
            assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                    SchemaCompatibility.checkReaderWriterCompatibility(current, old).getType(), old.toString());
        }
        assertTrue(SchemaStores.defaultStore().size() >= SchemaStores.currentSchemas().size());
    }

    @Test
    void malformedBytesGiveTypedErrors() {
        AvroSerde<Image> serde = ContractSerdes.image();
        assertKind(MalformedRecordException.Kind.EMPTY, serde, new byte[0]);
        assertKind(MalformedRecordException.Kind.BAD_HEADER, serde, "not avro at all".getBytes());
        assertKind(MalformedRecordException.Kind.BAD_HEADER, serde, new byte[] {(byte) 0xC3});

        byte[] good = serde.encode(image("x"));
        assertKind(MalformedRecordException.Kind.CORRUPT_BODY, serde, Arrays.copyOf(good, good.length - 3));
        assertKind(MalformedRecordException.Kind.CORRUPT_BODY, serde, Arrays.copyOf(good, 10)); // header only

        byte[] unknownFingerprint = good.clone();
        unknownFingerprint[5] ^= 0x55;
        assertKind(MalformedRecordException.Kind.UNKNOWN_SCHEMA, serde, unknownFingerprint);

        // A Label's bytes are not an Image: a different fingerprint, and the store would resolve Label
        // against Image only if they were compatible, which they are not.
        byte[] label = ContractSerdes.label().encode(Label.newBuilder().setImageId("x").setClassIndex(1).setTime(Instant.EPOCH).build());
        MalformedRecordException wrongType = assertThrows(MalformedRecordException.class, () -> serde.decode(label));
        assertTrue(wrongType.kind() == MalformedRecordException.Kind.INCOMPATIBLE_SCHEMA
                || wrongType.kind() == MalformedRecordException.Kind.CORRUPT_BODY, wrongType.kind().toString());
    }

    @Test
    void hugeLengthPrefixIsRefusedWithoutAllocatingIt() {
        AvroSerde<Image> serde = ContractSerdes.image();
        byte[] header = Arrays.copyOf(serde.encode(image("x")), 10);
        // body: id = string whose zig-zag varint length claims ~2^31 bytes
        byte[] body = {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 'a'};
        byte[] bytes = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, bytes, header.length, body.length);
        assertKind(MalformedRecordException.Kind.CORRUPT_BODY, serde, bytes);
    }

    @Test
    void randomGarbageAfterAValidHeaderNeverEscapesAsAnotherException() {
        AvroSerde<Image> serde = ContractSerdes.image();
        byte[] header = Arrays.copyOf(serde.encode(image("x")), 10);
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = Arrays.copyOf(header, 10 + random.nextInt(64));
            for (int j = 10; j < bytes.length; j++) {
                bytes[j] = (byte) random.nextInt(256);
            }
            try {
                serde.decode(bytes);
            } catch (MalformedRecordException expected) {
                assertEquals(MalformedRecordException.Kind.CORRUPT_BODY, expected.kind(), expected.getMessage());
            }
        }
    }

    private static void assertKind(MalformedRecordException.Kind kind, AvroSerde<?> serde, byte[] bytes) {
        MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> serde.deserialize("topic-x", bytes));
        assertEquals(kind, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("topic-x"), e.getMessage());
        assertEquals("MALFORMED_AVRO_" + kind, e.errorType());
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}

package io.meanstream.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.schema.Label;
import io.meanstream.serde.ContractSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelRecordsTest {

    private static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot");
    private static final long TIMESTAMP = 1_764_000_000_000L;
    private final LabelRecords reader = new LabelRecords();

    private Label read(String key, Headers headers, String json) {
        return reader.read(key, headers, json.getBytes(StandardCharsets.UTF_8), TIMESTAMP, CLASSES);
    }

    private RecordRejectedException rejected(String key, Headers headers, String json) {
        return assertThrows(RecordRejectedException.class, () -> read(key, headers, json));
    }

    private static Headers json() {
        Headers h = new RecordHeaders();
        EventHeaders.add(h, EventHeaders.CONTENT_TYPE, "application/json; charset=utf-8");
        return h;
    }

    @Test
    void jsonByClassNameWithEverything() {
        Label l = read("cam-3/000123", json(),
                "{\"imageId\": \"cam-3/000123\", \"class\": \"Sandal\", \"annotator\": \"alice\", \"time\": \"2026-12-01T10:00:00Z\"}");
        assertEquals("cam-3/000123", l.getImageId());
        assertEquals(5, l.getClassIndex());
        assertEquals("Sandal", l.getClassName());
        assertEquals("alice", l.getAnnotator());
        assertEquals(Instant.parse("2026-12-01T10:00:00Z"), l.getTime());
    }

    @Test
    void jsonByIndexWithoutHeaderAndDefaults() {
        Label l = read("a", null, "  {\"imageId\": \"a\", \"class\": 9}");
        assertEquals(9, l.getClassIndex());
        assertEquals("Ankle boot", l.getClassName());
        assertEquals("unknown", l.getAnnotator());
        assertEquals(Instant.ofEpochMilli(TIMESTAMP), l.getTime());
        assertEquals(Instant.ofEpochMilli(42), read("a", null, "{\"imageId\": \"a\", \"class\": 9, \"time\": 42}").getTime());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a | {\"imageId\": \"a\", \"class\": \"Sandals\"}      | UNKNOWN_CLASS",
            "a | {\"imageId\": \"a\", \"class\": 10}               | UNKNOWN_CLASS",
            "a | {\"imageId\": \"a\", \"class\": -1}               | UNKNOWN_CLASS",
            "a | {\"class\": \"Bag\"}                              | MISSING_FIELD",
            "a | {\"imageId\": \"a\"}                              | MISSING_FIELD",
            "a | {\"imageId\": \"b\", \"class\": \"Bag\"}          | KEY_MISMATCH",
            "a | {\"imageId\": \"a\", \"class\": \"Bag\"           | MALFORMED_JSON",
            "a | {\"imageId\": \"a\", \"class\": true}             | INVALID_FIELD",
            "a | {\"imageId\": 7, \"class\": \"Bag\"}              | INVALID_FIELD",
            "a | {\"imageId\": \"a\", \"class\": 1, \"time\": \"noon\"} | INVALID_TIME",
            "  | {\"imageId\": \"a\", \"class\": \"Bag\"}          | MISSING_KEY",
    })
    void badJsonIsRefusedWithItsReason(String key, String json, String errorType) {
        RecordRejectedException e = rejected(key, json(), json);
        assertEquals(errorType, e.errorType(), e.getMessage());
        assertTrue(!e.getMessage().isBlank());
    }

    @Test
    void oversizedJsonIsRefusedBeforeParsing() {
        char[] pad = new char[LabelRecords.MAX_JSON_BYTES];
        Arrays.fill(pad, ' ');
        assertEquals("OVERSIZED", rejected("a", json(), "{\"imageId\": \"a\", \"class\": 1}" + new String(pad)).errorType());
    }

    @Test
    void contentTypeDecides() {
        assertEquals("CONTENT_TYPE_MISMATCH", rejected("a", json(), "imageId=a class=1").errorType());
        Headers avro = new RecordHeaders();
        EventHeaders.add(avro, EventHeaders.CONTENT_TYPE, "application/avro");
        assertEquals("CONTENT_TYPE_MISMATCH", rejected("a", avro, "{\"imageId\": \"a\", \"class\": 1}").errorType());
        Headers text = new RecordHeaders();
        EventHeaders.add(text, EventHeaders.CONTENT_TYPE, "text/plain");
        assertEquals("UNSUPPORTED_CONTENT_TYPE", rejected("a", text, "{\"imageId\": \"a\", \"class\": 1}").errorType());
    }

    @Test
    void avroIsCheckedTheSameWay() {
        byte[] good = ContractSerdes.label().encode(Label.newBuilder().setImageId("a").setClassIndex(3).setTime(Instant.EPOCH).build());
        assertEquals(3, reader.read("a", null, good, TIMESTAMP, CLASSES).getClassIndex());
        byte[] outOfRange = ContractSerdes.label().encode(Label.newBuilder().setImageId("a").setClassIndex(42).setTime(Instant.EPOCH).build());
        assertEquals("UNKNOWN_CLASS", assertThrows(RecordRejectedException.class,
                () -> reader.read("a", null, outOfRange, TIMESTAMP, CLASSES)).errorType());
        assertEquals("KEY_MISMATCH", assertThrows(RecordRejectedException.class,
                () -> reader.read("b", null, good, TIMESTAMP, CLASSES)).errorType());
        assertEquals("MALFORMED_AVRO_BAD_HEADER", assertThrows(RecordRejectedException.class,
                () -> reader.read("a", null, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, TIMESTAMP, CLASSES)).errorType());
    }

    @Test
    void aTombstoneIsNothing() {
        assertNull(reader.read("a", null, null, TIMESTAMP, CLASSES));
    }
}

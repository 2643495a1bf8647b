package io.meanstream.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meanstream.schema.Prediction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class PredictionRecordsTest {

    private final Prediction prediction = Prediction.newBuilder().setImageId("cam-3/000123").setModelName("fashion-mnist").setModelVersion(7)
            .setClassIndex(5).setClassName("Sandal").setConfidence(0.75f).setProbabilities(List.of(0.25f, 0.75f))
            .setImageTime(Instant.parse("2026-12-01T10:00:00Z")).setScoredTime(Instant.parse("2026-12-01T10:00:00.042Z")).build();

    @Test
    void jsonIsACloudEventInBinaryModeThatReadsBack() throws Exception {
        Headers headers = new RecordHeaders();
        byte[] value = PredictionRecords.serializer(PredictionFormat.JSON).serialize("t", headers, prediction);
        JsonNode json = new ObjectMapper().readTree(value);
        assertEquals("Sandal", json.get("className").textValue());
        assertEquals(7, json.get("modelVersion").intValue());
        assertEquals("2026-12-01T10:00:00.042Z", json.get("scoredTime").textValue());
        assertEquals("application/json", EventHeaders.text(headers, "content-type"));
        assertEquals("1.0", EventHeaders.text(headers, "ce_specversion"));
        assertEquals("cam-3/000123@7", EventHeaders.text(headers, "ce_id"));
        assertEquals("cam-3/000123", EventHeaders.text(headers, "ce_subject"));
        assertEquals("io.meanstream.prediction", EventHeaders.text(headers, "ce_type"));
        assertEquals("2026-12-01T10:00:00.042Z", EventHeaders.text(headers, "ce_time"));
        assertEquals(prediction, PredictionRecords.read(value));
    }

    @Test
    void avroStaysTheDefaultFormWithoutHeaders() {
        Headers headers = new RecordHeaders();
        byte[] value = PredictionRecords.serializer(PredictionFormat.AVRO).serialize("t", headers, prediction);
        assertEquals((byte) 0xC3, value[0]);
        assertEquals(0, headers.toArray().length);
        assertEquals(prediction, PredictionRecords.read(value));
    }

    @Test
    void neitherFormIsRefused() {
        assertEquals("MALFORMED_JSON", assertThrows(RecordRejectedException.class,
                () -> PredictionRecords.read("{\"imageId\": ".getBytes(StandardCharsets.UTF_8))).errorType());
        assertTrue(assertThrows(RecordRejectedException.class, () -> PredictionRecords.read(new byte[] {1, 2, 3})).errorType()
                .startsWith("MALFORMED_AVRO"));
        assertEquals(PredictionFormat.JSON, PredictionFormat.parse(" Json "));
        assertThrows(IllegalArgumentException.class, () -> PredictionFormat.parse("xml"));
    }
}

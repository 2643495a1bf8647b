package io.meanstream.records;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.image.ImageEncoder;
import io.meanstream.image.ImageLimits;
import io.meanstream.image.ImagePipeline;
import io.meanstream.image.TensorSpec;
import io.meanstream.image.TestImages;
import io.meanstream.schema.Image;
import io.meanstream.schema.ImageEncoding;
import io.meanstream.serde.ContractSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class ImageRecordsTest {

    private final ImageRecords reader = new ImageRecords();
    private final byte[] png = ImageEncoder.png(TestImages.random(28, 28, 1, 1));
    private final byte[] jpeg = ImageEncoder.jpeg(TestImages.random(28, 28, 3, 2), 0.9f);
    private static final long TIMESTAMP = 1_764_000_000_000L;

    private static Headers headers(String... pairs) {
        Headers h = new RecordHeaders();
        for (int i = 0; i < pairs.length; i += 2) {
            EventHeaders.add(h, pairs[i], pairs[i + 1]);
        }
        return h;
    }

    private RecordRejectedException rejected(String key, Headers headers, byte[] value) {
        return assertThrows(RecordRejectedException.class, () -> reader.read(key, headers, value, TIMESTAMP));
    }

    @Test
    void avroWithoutHeaderIsTheTypedContract() {
        Image image = Image.newBuilder().setId("a").setEventTime(Instant.ofEpochMilli(5)).setSource("cam").setEncoding(ImageEncoding.PNG)
                .setWidth(28).setHeight(28).setChannels(1).setData(ByteBuffer.wrap(png)).build();
        byte[] avro = ContractSerdes.image().encode(image);
        assertEquals(image, reader.read("a", new RecordHeaders(), avro, TIMESTAMP));
        assertEquals(image, reader.read("a", headers("content-type", "application/avro"), avro, TIMESTAMP));
    }

    @Test
    void pngWithoutHeaderIsDetectedByItsSignatureAndTakesTheRecordTimestamp() {
        Image image = reader.read("cam-3/000123", new RecordHeaders(), png, TIMESTAMP);
        assertEquals("cam-3/000123", image.getId());
        assertEquals(ImageEncoding.PNG, image.getEncoding());
        assertEquals(Instant.ofEpochMilli(TIMESTAMP), image.getEventTime());
        assertEquals("unknown", image.getSource());
        assertEquals(0, image.getWidth()); // taken from the PNG header by the image library
        assertArrayEquals(png, ContractSerdes.image().decode(ContractSerdes.image().encode(image)).getData().array());
        // and the image library decodes it like any other PNG
        float[] chw = new ImagePipeline(ImageLimits.defaults(), TensorSpec.fashionMnist()).decodeToChw(image);
        assertEquals(28 * 28, chw.length);
    }

    @Test
    void jpegWithHeaderAndCloudEventsAttributes() {
        Image image = reader.read("j1", headers("content-type", "image/jpeg; quality=90", "ce_id", "j1", "ce_time", "2026-12-01T11:00:00+01:00",
                "ce_source", "/cameras/3", "ce_specversion", "1.0"), jpeg, TIMESTAMP);
        assertEquals(ImageEncoding.JPEG, image.getEncoding());
        assertEquals(Instant.parse("2026-12-01T10:00:00Z"), image.getEventTime());
        assertEquals("/cameras/3", image.getSource());
    }

    @Test
    void jpegWithoutHeaderIsDetected() {
        assertEquals(ImageEncoding.JPEG, reader.read("j", null, jpeg, TIMESTAMP).getEncoding());
    }

    @Test
    void aHeaderThatLiesIsRefused() {
        RecordRejectedException e = rejected("x", headers("content-type", "image/png"), jpeg);
        assertEquals("CONTENT_TYPE_MISMATCH", e.errorType());
        assertTrue(e.getMessage().contains("FF D8 FF"), e.getMessage());
        assertEquals("CONTENT_TYPE_MISMATCH", rejected("x", headers("content-type", "image/jpeg"), png).errorType());
        assertEquals("CONTENT_TYPE_MISMATCH", rejected("x", headers("content-type", "application/avro"), png).errorType());
        assertEquals("CONTENT_TYPE_MISMATCH", rejected("x", headers("content-type", "image/png"),
                "not an image".getBytes(StandardCharsets.UTF_8)).errorType());
    }

    @Test
    void otherContentTypesAreRefused() {
        RecordRejectedException e = rejected("x", headers("content-type", "image/gif"), png);
        assertEquals("UNSUPPORTED_CONTENT_TYPE", e.errorType());
        assertTrue(e.getMessage().contains("image/gif"));
    }

    @Test
    void anEncodedImageNeedsAKey() {
        assertEquals("MISSING_KEY", rejected(null, new RecordHeaders(), png).errorType());
        assertEquals("MISSING_KEY", rejected("", headers("content-type", "image/png"), png).errorType());
    }

    @Test
    void ceIdMustBeTheKey() {
        assertEquals("KEY_MISMATCH", rejected("a", headers("ce_id", "b"), png).errorType());
    }

    @Test
    void aBadCeTimeIsRefused() {
        RecordRejectedException e = rejected("a", headers("ce_time", "yesterday"), png);
        assertEquals("INVALID_TIME", e.errorType());
        assertTrue(e.getMessage().contains("yesterday"));
    }

    @Test
    void unknownBytesWithoutHeaderAreReadAsAvroAndRefusedAsSuch() {
        assertEquals("MALFORMED_AVRO_BAD_HEADER", rejected("a", null, "{\"not\": \"an image\"}".getBytes(StandardCharsets.UTF_8)).errorType());
        assertEquals("MALFORMED_AVRO_EMPTY", rejected("a", null, new byte[0]).errorType());
    }

    @Test
    void aTombstoneIsNothing() {
        assertNull(reader.read("a", null, null, TIMESTAMP));
    }
}

package io.meanstream.trainer.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.image.DecodedImage;
import io.meanstream.image.ImageEncoder;
import io.meanstream.kafka.Topics;
import io.meanstream.schema.DeadLetter;
import io.meanstream.schema.Image;
import io.meanstream.schema.ImageEncoding;
import io.meanstream.schema.Label;
import io.meanstream.schema.LabeledImage;
import io.meanstream.serde.ContractSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The label join topology, driven record by record with TopologyTestDriver. */
class LabelJoinTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final Duration MAX_DELAY = Duration.ofHours(1);
    static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot");

    Topics topics = Topics.defaults();
    TopologyTestDriver driver;
    TestInputTopic<String, byte[]> images;
    TestInputTopic<String, byte[]> labels;
    TestInputTopic<String, byte[]> poolIn;
    TestOutputTopic<String, byte[]> pool;
    TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "label-join-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(LabelJoin.buildTopology(topics, CLASS_NAMES, MAX_DELAY), props, T0);
        images = driver.createInputTopic(topics.images().name(), new StringSerializer(), new ByteArraySerializer());
        labels = driver.createInputTopic(topics.labels().name(), new StringSerializer(), new ByteArraySerializer());
        poolIn = driver.createInputTopic(topics.labeledImages().name(), new StringSerializer(), new ByteArraySerializer());
        pool = driver.createOutputTopic(topics.labeledImages().name(), new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    static byte[] image(String id) {
        return ContractSerdes.image().encode(Image.newBuilder().setId(id).setEventTime(T0).setSource("t").setEncoding(ImageEncoding.RAW_U8)
                .setWidth(1).setHeight(1).setChannels(1).setData(ByteBuffer.wrap(new byte[] {7})).build());
    }

    static byte[] label(String id, int cls) {
        return ContractSerdes.label().encode(Label.newBuilder().setImageId(id).setClassIndex(cls).setTime(T0).build());
    }

    /** Reads the pool output and, like Kafka would, feeds it back to the topology's pool table. */
    List<LabeledImage> drainPool() {
        List<TestRecord<String, byte[]>> records = pool.readRecordsToList();
        records.forEach(r -> poolIn.pipeInput(r.key(), r.value(), r.timestamp()));
        return records.stream().map(r -> ContractSerdes.labeledImage().decode(r.value())).toList();
    }

    List<DeadLetter> drainDeadLetters() {
        return deadLetters.readValuesToList().stream().map(v -> ContractSerdes.deadLetter().decode(v)).toList();
    }

    @Test
    void labelAfterItsImageJoins() {
        images.pipeInput("a", image("a"), T0);
        labels.pipeInput("a", label("a", 3), T0.plus(Duration.ofMinutes(20)));
        List<LabeledImage> out = drainPool();
        assertEquals(1, out.size());
        assertEquals("a", out.get(0).getImageId());
        assertEquals(3, out.get(0).getLabel().getClassIndex());
        assertEquals("a", out.get(0).getImage().getId());
    }

    @Test
    void labelBeforeItsImageJoinsWhenTheImageArrives() {
        labels.pipeInput("b", label("b", 5), T0);
        assertTrue(drainPool().isEmpty(), "nothing to join yet");
        images.pipeInput("b", image("b"), T0.plus(Duration.ofMinutes(30)));
        List<LabeledImage> out = drainPool();
        assertEquals(1, out.size());
        assertEquals(5, out.get(0).getLabel().getClassIndex());
    }

    @Test
    void aCorrectionReplacesThePoolEntryEvenLongAfterTheImage() {
        images.pipeInput("c", image("c"), T0);
        labels.pipeInput("c", label("c", 1), T0.plus(Duration.ofMinutes(1)));
        assertEquals(1, drainPool().size());
        labels.pipeInput("c", label("c", 2), T0.plus(Duration.ofDays(3)));
        List<LabeledImage> out = drainPool();
        assertEquals(1, out.size(), "the correction is written under the same key");
        assertEquals(2, out.get(0).getLabel().getClassIndex());
        assertEquals("c", out.get(0).getImage().getId(), "with the image from the pool");
        assertTrue(drainDeadLetters().isEmpty());
    }

    @Test
    void aLabelTombstoneWithdrawsThePoolEntry() {
        images.pipeInput("w", image("w"), T0);
        labels.pipeInput("w", label("w", 4), T0.plus(Duration.ofMinutes(1)));
        assertEquals(1, drainPool().size());
        labels.pipeInput("w", null, T0.plus(Duration.ofMinutes(2)));
        List<TestRecord<String, byte[]>> out = pool.readRecordsToList();
        assertEquals(1, out.size());
        assertEquals("w", out.get(0).key());
        assertNull(out.get(0).value(), "a tombstone on the pool topic");
        assertTrue(drainDeadLetters().isEmpty(), "a withdrawal is not an error");
        out.forEach(r -> poolIn.pipeInput(r.key(), r.value(), r.timestamp()));
        labels.pipeInput("w", label("w", 6), T0.plus(Duration.ofMinutes(3)));
        List<LabeledImage> relabeled = drainPool();
        assertEquals(1, relabeled.size(), "a new label joins the image again");
        assertEquals(6, relabeled.get(0).getLabel().getClassIndex());
    }

    @Test
    void aLabelWhoseImageNeverComesIsADeadLetterOnceTheWindowCloses() {
        labels.pipeInput("ghost", label("ghost", 4), T0);
        images.pipeInput("other", image("other"), T0.plus(Duration.ofMinutes(30)));
        assertTrue(drainDeadLetters().isEmpty(), "still within the delay bound");
        // Stream time passes the bound plus the grace period.
        images.pipeInput("later", image("later"), T0.plus(MAX_DELAY).plus(Duration.ofMinutes(5)));
        List<DeadLetter> dead = drainDeadLetters();
        assertEquals(1, dead.size());
        assertEquals("UNKNOWN_IMAGE", dead.get(0).getErrorType());
        assertEquals("join-label", dead.get(0).getStage());
        assertTrue(dead.get(0).getErrorMessage().contains("ghost"), dead.get(0).getErrorMessage());
        assertEquals(4, ContractSerdes.label().decode(toArray(dead.get(0).getValue())).getClassIndex(), "the label is kept");
        assertTrue(drainPool().isEmpty());
    }

    @Test
    void badLabelsAreDeadLettersWithTheirCoordinatesAndTheJoinGoesOn() {
        labels.pipeInput("x", label("x", 12), T0);
        labels.pipeInput("y", "garbage".getBytes(), T0);
        labels.pipeInput("z", label("other-id", 1), T0);
        images.pipeInput("bad-image", "not avro".getBytes(), T0);
        images.pipeInput("ok", image("ok"), T0);
        labels.pipeInput("ok", label("ok", 9), T0.plus(Duration.ofSeconds(1)));
        List<DeadLetter> dead = drainDeadLetters();
        assertEquals(List.of("UNKNOWN_CLASS", "MALFORMED_AVRO_BAD_HEADER", "KEY_MISMATCH"),
                dead.stream().map(DeadLetter::getErrorType).toList());
        assertEquals(topics.labels().name(), dead.get(0).getSourceTopic());
        assertEquals(0L, dead.get(0).getSourceOffset());
        assertEquals(1L, dead.get(1).getSourceOffset());
        assertEquals("garbage", new String(toArray(dead.get(1).getValue())), "raw bytes kept verbatim");
        assertTrue(dead.get(0).getErrorMessage().contains("outside [0, 10)"), dead.get(0).getErrorMessage());
        List<LabeledImage> out = drainPool();
        assertEquals(1, out.size(), "the good record after the bad ones is processed");
        assertEquals(Map.of("ok", 9), Map.of(out.get(0).getImageId(), out.get(0).getLabel().getClassIndex()));
    }

    @Test
    void anEncodedPngJoinsAJsonLabelAndEntersThePoolAsAnAvroImage() {
        byte[] png = ImageEncoder.png(DecodedImage.fromSlice(2, 2, 1, new byte[] {0, 64, (byte) 128, (byte) 255}, 0));
        Headers pngHeaders = new RecordHeaders();
        pngHeaders.add("content-type", "image/png".getBytes(StandardCharsets.UTF_8));
        pngHeaders.add("ce_source", "/cameras/3".getBytes(StandardCharsets.UTF_8));
        images.pipeInput(new TestRecord<>("cam-3/000123", png, pngHeaders, T0));
        Headers jsonHeaders = new RecordHeaders();
        jsonHeaders.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        labels.pipeInput(new TestRecord<>("cam-3/000123", "{\"imageId\": \"cam-3/000123\", \"class\": \"Sandal\", \"annotator\": \"alice\"}"
                .getBytes(StandardCharsets.UTF_8), jsonHeaders, T0.plusSeconds(20)));
        labels.pipeInput(new TestRecord<>("cam-3/000124", "{\"imageId\": \"cam-3/000124\", \"class\": \"Sandals\"}"
                .getBytes(StandardCharsets.UTF_8), jsonHeaders, T0.plusSeconds(21)));
        List<LabeledImage> out = drainPool();
        assertEquals(1, out.size());
        assertEquals(5, out.get(0).getLabel().getClassIndex());
        assertEquals("alice", out.get(0).getLabel().getAnnotator());
        assertEquals(ImageEncoding.PNG, out.get(0).getImage().getEncoding());
        assertEquals("/cameras/3", out.get(0).getImage().getSource());
        assertEquals(T0, out.get(0).getImage().getEventTime());
        List<DeadLetter> dead = drainDeadLetters();
        assertEquals(List.of("UNKNOWN_CLASS"), dead.stream().map(DeadLetter::getErrorType).toList());
        assertTrue(dead.get(0).getErrorMessage().contains("Sandals"), dead.get(0).getErrorMessage());
    }

    static byte[] toArray(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}

package io.meanstream.streams.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.meanstream.data.DatasetLocator;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.ImageEncoder;
import io.meanstream.image.ImageLimits;
import io.meanstream.image.ImageNormaliser;
import io.meanstream.image.TensorSpec;
import io.meanstream.kafka.Topics;
import io.meanstream.onnx.ModelProvenance;
import io.meanstream.onnx.OnnxScorer;
import io.meanstream.ops.ServiceMetrics;
import io.meanstream.records.PredictionFormat;
import io.meanstream.records.PredictionRecords;
import io.meanstream.schema.DeadLetter;
import io.meanstream.schema.Image;
import io.meanstream.schema.ImageEncoding;
import io.meanstream.schema.Prediction;
import io.meanstream.serde.ContractSerdes;
import io.meanstream.streams.model.ModelHolder;
import io.meanstream.trainer.engine.MeanTeacherConfig;
import io.meanstream.trainer.engine.MeanTeacherEngine;
import io.meanstream.trainer.export.OnnxExporter;
import io.meanstream.trainer.model.NetworkSpec;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scoring topology record by record: micro-batches, waiting for a model, bad input, exactly one prediction each. */
class ScoringTopologyTest {

    static byte[] model;
    static LabeledImages test;

    Topics topics = Topics.defaults();
    ModelHolder holder;
    ServiceMetrics metrics;
    TopologyTestDriver driver;
    TestInputTopic<String, byte[]> images;
    TestOutputTopic<String, byte[]> predictions;
    TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeAll
    static void exportModel() throws Exception {
        NetworkSpec spec = NetworkSpec.convNet(1, 28, 28, 10, 4, 0.3f, false);
        try (MeanTeacherEngine engine = new MeanTeacherEngine(MeanTeacherConfig.builder().widthFactor(4).build(), spec,
                new float[] {-0.81f}, Device.cpu())) {
            model = OnnxExporter.export(engine.teacher(), new ModelProvenance("fmnist", 1, 1, Instant.now(), "convnet-w4",
                    FashionMnist.CLASS_NAMES, TensorSpec.fashionMnist(), 0, 0, Map.of(), "0", Map.of()));
        }
        test = FashionMnist.load(FashionMnist.Split.TEST, DatasetLocator.fashionMnist().allowDownload(false).build());
    }

    @BeforeEach
    void start() {
        start(PredictionFormat.AVRO);
    }

    void start(PredictionFormat format) {
        holder = new ModelHolder();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scoring-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        ScoringOptions options = new ScoringOptions(4, Duration.ofMillis(100), 20, ImageLimits.defaults(), format);
        metrics = new ServiceMetrics();
        driver = new TopologyTestDriver(ScoringTopology.buildTopology(topics, options, holder, metrics.meters()), props);
        images = driver.createInputTopic(topics.images().name(), new StringSerializer(), new ByteArraySerializer());
        predictions = driver.createOutputTopic(topics.predictions().name(), new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        holder.close();
        metrics.close();
    }

    void loadModel() throws Exception {
        holder.swap(OnnxScorer.load(model, 1));
    }

    static Image image(int i) {
        return Image.newBuilder().setId("fmnist-test-" + i).setEventTime(Instant.now()).setSource("t").setEncoding(ImageEncoding.RAW_U8)
                .setWidth(28).setHeight(28).setChannels(1).setData(ByteBuffer.wrap(test.image(i).pixels())).build();
    }

    void send(int i) {
        images.pipeInput("fmnist-test-" + i, ContractSerdes.image().encode(image(i)));
    }

    List<Prediction> drainPredictions() {
        return predictions.readValuesToList().stream().map(v -> ContractSerdes.prediction().decode(v)).toList();
    }

    List<DeadLetter> drainDeadLetters() {
        return deadLetters.readValuesToList().stream().map(v -> ContractSerdes.deadLetter().decode(v)).toList();
    }

    /**
     * Encoded images with CloudEvents headers are scored like Avro ones and predicted in JSON with CloudEvents
     * headers; a PNG without a key and a header that lies are dead letters with their reasons. One of the encoded
     * images waits for the first model in the store, so its headers (event time) survive being stored.
     */
    @Test
    void encodedImagesInJsonPredictionsOut() throws Exception {
        stop();
        start(PredictionFormat.JSON);
        byte[] png = ImageEncoder.png(test.image(0));
        Instant captured = Instant.parse("2026-12-01T10:00:00Z");
        images.pipeInput(new TestRecord<>("cam-1", png, headers("content-type", "image/png", "ce_time", captured.toString())));
        loadModel();
        driver.advanceWallClockTime(Duration.ofMillis(150));
        images.pipeInput(new TestRecord<>("cam-2", ImageEncoder.jpeg(test.image(1), 0.95f), headers("content-type", "image/jpeg")));
        images.pipeInput(new TestRecord<>(null, png, headers("content-type", "image/png")));
        images.pipeInput(new TestRecord<>("liar", png, headers("content-type", "image/jpeg")));
        send(2);

        List<TestRecord<String, byte[]>> out = predictions.readRecordsToList();
        assertEquals(List.of("cam-1", "cam-2", "fmnist-test-2"), out.stream().map(TestRecord::key).toList());
        for (TestRecord<String, byte[]> r : out) {
            assertEquals("application/json", new String(r.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8));
            assertEquals(r.key() + "@1", new String(r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8));
            Prediction p = PredictionRecords.read(r.value());
            assertEquals(r.key(), p.getImageId());
            assertEquals(FashionMnist.CLASS_NAMES.get(p.getClassIndex()), p.getClassName());
        }
        assertEquals(captured, PredictionRecords.read(out.get(0).value()).getImageTime());
        List<DeadLetter> dead = drainDeadLetters();
        assertEquals(List.of("MISSING_KEY", "CONTENT_TYPE_MISMATCH"), dead.stream().map(DeadLetter::getErrorType).toList());
        assertTrue(dead.get(1).getErrorMessage().contains("image/jpeg"), dead.get(1).getErrorMessage());
        assertEquals(png.length, dead.get(1).getValue().remaining(), "the value is kept verbatim");
    }

    private static Headers headers(String... pairs) {
        Headers h = new RecordHeaders();
        for (int i = 0; i < pairs.length; i += 2) {
            h.add(pairs[i], pairs[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    /** The per-stage latency histograms see every scored image; one that waited for a model has no batching wait. */
    @Test
    void stageLatenciesCountEveryScoredImage() throws Exception {
        send(0); // no model yet: waits in the store
        loadModel();
        driver.advanceWallClockTime(Duration.ofMillis(150));
        for (int i = 1; i < 4; i++) {
            send(i);
        }
        assertEquals(4, drainPredictions().size());
        String text = metrics.scrape();
        assertTrue(text.contains("meanstream_streams_queue_seconds_count 4\n"), text);
        assertTrue(text.contains("meanstream_streams_batch_wait_seconds_count 3\n"), text);
        assertTrue(text.contains("meanstream_streams_forward_wait_seconds_count 4\n"), text);
    }

    /**
     * The test driver commits after every record, so this checks the commit hook: an image held in the
     * in-memory batch is scored and forwarded by the commit that follows it, never left behind the committed
     * offset (without the hook, these 3 images would wait for the 100 ms batch wait). Batching itself, which
     * needs a real poll loop, is checked against a real broker in StreamsAppTest.
     */
    @Test
    void everyImageIsScoredAtTheLatestByTheCommitAfterIt() throws Exception {
        loadModel();
        for (int i = 0; i < 3; i++) {
            send(i);
            assertEquals(List.of("fmnist-test-" + i), drainPredictions().stream().map(Prediction::getImageId).toList(),
                    "scored by the commit after image " + i);
        }
        for (int i = 3; i < 10; i++) {
            send(i);
        }
        List<Prediction> first = drainPredictions();
        driver.advanceWallClockTime(Duration.ofMillis(150));
        List<Prediction> rest = drainPredictions();
        assertEquals(7, first.size());
        assertEquals(0, rest.size(), "nothing left for the wall-clock wait");
        // Exactly one prediction per image, equal to scoring it directly.
        try (OnnxScorer direct = OnnxScorer.load(model, 1)) {
            ImageNormaliser normaliser = new ImageNormaliser(TensorSpec.fashionMnist());
            List<Prediction> all = new java.util.ArrayList<>(first);
            all.addAll(rest);
            assertEquals(7, all.stream().map(Prediction::getImageId).distinct().count());
            for (Prediction p : all) {
                int i = Integer.parseInt(p.getImageId().substring("fmnist-test-".length()));
                OnnxScorer.Scores s = direct.score(normaliser.toChw(test.image(i)), 1);
                assertEquals(s.argMax(0), p.getClassIndex());
                assertEquals(s.probability(0, s.argMax(0)), p.getConfidence(), 1e-6f);
                assertEquals(FashionMnist.CLASS_NAMES.get(p.getClassIndex()), p.getClassName());
                assertEquals(1L, p.getModelVersion());
                assertEquals(1.0, p.getProbabilities().stream().mapToDouble(Float::doubleValue).sum(), 1e-5);
            }
        }
    }

    @Test
    void imagesBeforeTheFirstModelWaitAndAreScoredWhenItArrives() throws Exception {
        for (int i = 0; i < 5; i++) {
            send(i);
        }
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertTrue(drainPredictions().isEmpty(), "nothing scored with no model");
        assertTrue(drainDeadLetters().isEmpty(), "and nothing lost");
        loadModel();
        driver.advanceWallClockTime(Duration.ofMillis(150));
        assertEquals(5, drainPredictions().size());
    }

    @Test
    void waitingIsBoundedAndTheOverflowIsKeptAsDeadLetters() {
        for (int i = 0; i < 22; i++) {
            send(i);
        }
        List<DeadLetter> dead = drainDeadLetters();
        assertEquals(2, dead.size());
        assertEquals("NO_MODEL", dead.get(0).getErrorType());
        assertEquals(ContractSerdes.image().decode(toArray(dead.get(0).getValue())).getId(), "fmnist-test-20", "the image is kept verbatim");
    }

    @Test
    void badRecordsBecomeDeadLettersAndTheGoodOnesAroundThemAreScored() throws Exception {
        loadModel();
        send(0);
        images.pipeInput("junk", "not avro".getBytes());
        Image corrupt = image(1);
        corrupt.setEncoding(ImageEncoding.PNG);
        corrupt.setData(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0}));
        images.pipeInput("corrupt", ContractSerdes.image().encode(corrupt));
        Image small = Image.newBuilder(image(2)).setId("small").setWidth(10).setHeight(10).setData(ByteBuffer.wrap(new byte[100])).build();
        images.pipeInput("small", ContractSerdes.image().encode(small));
        images.pipeInput("huge", new byte[ImageLimits.defaults().maxBytes() + 10_000]);
        send(3);
        driver.advanceWallClockTime(Duration.ofMillis(150));
        List<DeadLetter> dead = drainDeadLetters();
        assertEquals(List.of("MALFORMED_AVRO_BAD_HEADER", "OVERSIZED", "CORRUPT", "SIZE_MISMATCH"),
                dead.stream().map(DeadLetter::getErrorType).sorted((a, b) -> order(a) - order(b)).toList());
        dead.forEach(d -> assertEquals("streams-app", d.getService()));
        assertEquals(List.of("fmnist-test-0", "fmnist-test-3"), drainPredictions().stream().map(Prediction::getImageId).sorted().toList());
    }

    static int order(String type) {
        return List.of("MALFORMED_AVRO_BAD_HEADER", "OVERSIZED", "CORRUPT", "SIZE_MISMATCH").indexOf(type);
    }

    static byte[] toArray(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}

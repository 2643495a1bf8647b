package io.meanstream.streams.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.data.FashionMnist;
import io.meanstream.image.ImageLimits;
import io.meanstream.kafka.Topics;
import io.meanstream.ops.ServiceMetrics;
import io.meanstream.schema.Label;
import io.meanstream.schema.LabelRequest;
import io.meanstream.schema.Prediction;
import io.meanstream.serde.ContractSerdes;
import io.meanstream.streams.model.ModelHolder;
import io.meanstream.streams.scoring.ScoringOptions;
import io.meanstream.streams.scoring.ScoringTopology;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** Label requests from the streams-app's topology: the most uncertain images, in budget, withdrawn once labeled, never twice. */
class LabelRequestTopologyTest {

    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    final Topics topics = Topics.defaults();

    @Test
    void requestsTheMostUncertainWithinTheBudgetWithdrawsAnsweredOnesAndNeverAsksTwice() throws Exception {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "requests-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("requests-test").toString());
        // 6 a minute, chosen every 10 s: one request per window.
        LabelRequestOptions options = new LabelRequestOptions(6, 100, Duration.ofSeconds(10));
        try (ServiceMetrics metrics = new ServiceMetrics(); ModelHolder holder = new ModelHolder();
             TopologyTestDriver driver = new TopologyTestDriver(ScoringTopology.build(topics, new ScoringOptions(4, Duration.ofMillis(100), 10,
                     ImageLimits.defaults()), holder, metrics.meters(), FashionMnist.CLASS_NAMES, null, options), props, T0)) {
            TestInputTopic<String, byte[]> predictions = driver.createInputTopic(topics.predictions().name(), new StringSerializer(),
                    new ByteArraySerializer());
            TestInputTopic<String, byte[]> labels = driver.createInputTopic(topics.labels().name(), new StringSerializer(), new ByteArraySerializer());
            TestOutputTopic<String, byte[]> requests = driver.createOutputTopic(topics.labelRequests().name(), new StringDeserializer(),
                    new ByteArrayDeserializer());

            predictions.pipeInput("sure", prediction("sure", 1, 0.98f, 0.01f, 17L), T0);
            predictions.pipeInput("torn", prediction("torn", 1, 0.51f, 0.49f, 18L), T0);
            predictions.pipeInput("unsure", prediction("unsure", 1, 0.6f, 0.3f, 19L), T0);
            predictions.pipeInput("nowhere", prediction("nowhere", 1, 0.5f, 0.5f, null), T0); // no image location: not requestable
            driver.advanceWallClockTime(Duration.ofSeconds(10));
            List<TestRecord<String, byte[]>> first = requests.readRecordsToList();
            assertEquals(1, first.size(), "one request in a window's budget");
            LabelRequest torn = ContractSerdes.labelRequest().decode(first.get(0).value());
            assertEquals("torn", torn.getImageId());
            assertEquals(0.98, torn.getUncertainty(), 1e-6);
            assertEquals(topics.images().name(), torn.getImageTopic());
            assertEquals(18L, torn.getImageOffset());
            assertEquals(3, torn.getImagePartition());
            assertEquals(0, torn.getPredictedClass());
            assertEquals("T-shirt/top", torn.getPredictedClassName());
            assertEquals(1L, torn.getModelVersion());

            // The next window: the same image scored by a newer model is not asked again; the next most uncertain is.
            predictions.pipeInput("torn", prediction("torn", 2, 0.5f, 0.5f, 18L), T0.plusSeconds(11));
            predictions.pipeInput("unsure", prediction("unsure", 2, 0.6f, 0.3f, 19L), T0.plusSeconds(11));
            driver.advanceWallClockTime(Duration.ofSeconds(10));
            assertEquals(List.of("unsure"), keys(requests.readRecordsToList()));

            // A label answers "torn": its request is withdrawn with a tombstone; a label for an image never requested is not.
            labels.pipeInput("torn", ContractSerdes.label().encode(Label.newBuilder().setImageId("torn").setClassIndex(2).setTime(T0)
                    .setRequested(true).build()), T0.plusSeconds(25));
            labels.pipeInput("sure", ContractSerdes.label().encode(Label.newBuilder().setImageId("sure").setClassIndex(0).setTime(T0).build()),
                    T0.plusSeconds(25));
            List<TestRecord<String, byte[]>> withdrawn = requests.readRecordsToList();
            assertEquals(List.of("torn"), keys(withdrawn));
            assertNull(withdrawn.get(0).value());
        }
    }

    static List<String> keys(List<TestRecord<String, byte[]>> records) {
        List<String> out = new ArrayList<>();
        records.forEach(r -> out.add(r.key()));
        return out;
    }

    /** A prediction of class 0 with {@code top} and a runner-up of {@code second} (class 1), of the image at partition 3, {@code offset}. */
    static byte[] prediction(String id, long version, float top, float second, Long offset) {
        List<Float> p = new ArrayList<>(List.of(top, second));
        float rest = (1 - top - second) / 8;
        for (int k = 2; k < 10; k++) {
            p.add(rest);
        }
        return ContractSerdes.prediction().encode(Prediction.newBuilder().setImageId(id).setModelName("fashion-mnist").setModelVersion(version)
                .setClassIndex(0).setClassName("T-shirt/top").setConfidence(top).setProbabilities(p).setImageTime(T0).setScoredTime(T0)
                .setImagePartition(offset == null ? null : 3).setImageOffset(offset).build());
    }
}

package io.meanstream.streams.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.data.FashionMnist;
import io.meanstream.image.ImageLimits;
import io.meanstream.kafka.Topics;
import io.meanstream.ops.ServiceMetrics;
import io.meanstream.schema.Label;
import io.meanstream.schema.Prediction;
import io.meanstream.schema.Quality;
import io.meanstream.serde.ContractSerdes;
import io.meanstream.streams.model.ModelHolder;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/** Prequential quality: predictions judged by labels that come later, per model version and window. */
class QualityTopologyTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void countsCorrectPredictionsPerVersionAndWindowWithTheConfusionMatrix() {
        Topics topics = Topics.defaults();
        try (ServiceMetrics metrics = new ServiceMetrics(); ModelHolder holder = new ModelHolder(); TopologyTestDriver driver = driver(topics, holder, metrics)) {
            TestInputTopic<String, byte[]> predictions = driver.createInputTopic(topics.predictions().name(), new StringSerializer(), new ByteArraySerializer());
            TestInputTopic<String, byte[]> labels = driver.createInputTopic(topics.labels().name(), new StringSerializer(), new ByteArraySerializer());
            TestOutputTopic<String, byte[]> quality = driver.createOutputTopic(topics.quality().name(), new StringDeserializer(), new ByteArrayDeserializer());

            // v1 predicts class 0 for images a, b, c; labels (20 minutes later) say 0, 0, 2.
            for (String id : List.of("a", "b", "c")) {
                predictions.pipeInput(id, prediction(id, 1, 0), T0);
            }
            labels.pipeInput("a", label("a", 0), T0.plus(Duration.ofMinutes(20)));
            labels.pipeInput("b", label("b", 0), T0.plus(Duration.ofMinutes(21)));
            labels.pipeInput("c", label("c", 2), T0.plus(Duration.ofMinutes(22)));
            // v2, later: one prediction, right.
            predictions.pipeInput("d", prediction("d", 2, 1), T0.plus(Duration.ofMinutes(30)));
            labels.pipeInput("d", label("d", 1), T0.plus(Duration.ofMinutes(31)));
            // A label for an image that was never predicted judges nothing.
            labels.pipeInput("zzz", label("zzz", 1), T0.plus(Duration.ofMinutes(32)));

            Map<String, Quality> latest = new LinkedHashMap<>();
            for (TestRecord<String, byte[]> r : quality.readRecordsToList()) {
                latest.put(r.key(), ContractSerdes.quality().decode(r.value()));
            }
            Quality v1 = latest.values().stream().filter(q -> q.getModelVersion() == 1).reduce((x, y) -> y).orElseThrow();
            assertEquals(3, v1.getCount());
            assertEquals(2, v1.getCorrect());
            assertEquals(2.0 / 3, v1.getAccuracy(), 1e-12);
            assertEquals(3, v1.getNumClasses());
            // row = true class, column = predicted: (0,0) twice, (2,0) once
            assertEquals(List.of(2L, 0L, 0L, 0L, 0L, 0L, 1L, 0L, 0L), v1.getConfusion());
            assertEquals(T0.plus(Duration.ofMinutes(20)), v1.getWindowStart(), "windows by judgment time");
            Quality v2 = latest.values().stream().filter(q -> q.getModelVersion() == 2).reduce((x, y) -> y).orElseThrow();
            assertEquals(1, v2.getCount());
            assertEquals(1.0, v2.getAccuracy());
            assertTrue(metrics.scrape().contains("meanstream_streams_prequential_accuracy 1.0\n"), metrics.scrape());
            assertTrue(metrics.scrape().contains("meanstream_streams_prequential_accuracy_version 2.0\n"), metrics.scrape());
        }
    }

    @Test
    void aLabelGivenBeforeThePredictionDoesNotJudgeIt() {
        Topics topics = Topics.defaults();
        try (ServiceMetrics metrics = new ServiceMetrics(); ModelHolder holder = new ModelHolder(); TopologyTestDriver driver = driver(topics, holder, metrics)) {
            TestInputTopic<String, byte[]> predictions = driver.createInputTopic(topics.predictions().name(), new StringSerializer(), new ByteArraySerializer());
            TestInputTopic<String, byte[]> labels = driver.createInputTopic(topics.labels().name(), new StringSerializer(), new ByteArraySerializer());
            TestOutputTopic<String, byte[]> quality = driver.createOutputTopic(topics.quality().name(), new StringDeserializer(), new ByteArrayDeserializer());
            // The image waited for the first model: its label (given at T0 - 5 min) came before the prediction at T0.
            labels.pipeInput("early", ContractSerdes.label().encode(Label.newBuilder().setImageId("early").setClassIndex(0)
                    .setTime(T0.minus(Duration.ofMinutes(5))).build()), T0.minus(Duration.ofMinutes(5)));
            predictions.pipeInput("early", prediction("early", 1, 0), T0);
            // A label at the very moment of the prediction still judges it.
            predictions.pipeInput("same", prediction("same", 1, 1), T0);
            labels.pipeInput("same", label("same", 2), T0);
            List<Quality> out = quality.readRecordsToList().stream().map(r -> ContractSerdes.quality().decode(r.value())).toList();
            assertEquals(1, out.size(), out.toString());
            assertEquals(1, out.get(0).getCount());
            assertEquals(0, out.get(0).getCorrect(), "only 'same' was judged (and it was wrong)");
            assertTrue(metrics.scrape().contains("meanstream_streams_prequential_label_first_total 1.0\n"), metrics.scrape());
        }
    }

    /** The scoring topology (with quality) under test: windows of 10 minutes, labels judged within an hour. */
    static TopologyTestDriver driver(Topics topics, ModelHolder holder, ServiceMetrics metrics) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "quality-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return new TopologyTestDriver(ScoringTopology.buildTopology(topics, new ScoringOptions(4, Duration.ofMillis(100), 10,
                ImageLimits.defaults()), holder, metrics.meters(), FashionMnist.CLASS_NAMES, Duration.ofHours(1), Duration.ofMinutes(10)), props);
    }

    static byte[] prediction(String id, long version, int cls) {
        return ContractSerdes.prediction().encode(Prediction.newBuilder().setImageId(id).setModelName("m").setModelVersion(version)
                .setClassIndex(cls).setClassName("c" + cls).setConfidence(0.9f).setProbabilities(List.of(0.1f, 0.1f, 0.1f))
                .setImageTime(T0).setScoredTime(T0).build());
    }

    static byte[] label(String id, int cls) {
        return ContractSerdes.label().encode(Label.newBuilder().setImageId(id).setClassIndex(cls).setTime(T0).build());
    }
}

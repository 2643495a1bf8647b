package io.meanstream.streams.scoring;

import io.meanstream.kafka.Topics;
import io.meanstream.ops.Meters;
import io.meanstream.ops.SettableGauge;
import io.meanstream.schema.Label;
import io.meanstream.schema.Prediction;
import io.meanstream.schema.Quality;
import io.meanstream.serde.AvroSerde;
import io.meanstream.records.LabelRecords;
import io.meanstream.records.PredictionRecords;
import io.meanstream.records.RecordRejectedException;
import io.meanstream.serde.ContractSerdes;
import io.meanstream.serde.MalformedRecordException;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.kstream.TimeWindows;

/**
 * Live (prequential) quality: each prediction is judged by the label that arrives for its image, usually
 * much later (within {@code maxLabelDelay} either way), and the verdicts are counted per model version and
 * tumbling window of {@code window}: count, correct, accuracy and the confusion matrix, to the compacted
 * quality topic and to metrics. This is the number that shows the pipeline learning. A corrected label
 * judges the prediction again (each label event counts once).
 *
 * <p>Prequential means test, then train: only a label given at or after the prediction was made judges it.
 * A label that came first (labels given early, or images that waited for the first model) may already have
 * been trained on by the model that scored the image, which would flatter the number; such pairs are
 * counted in a metric and left out.
 */
public final class QualityTopology {

    private QualityTopology() {
    }

    /** A prediction and the true class given by its label. */
    record Judged(Verdictable prediction, int trueClass, Instant labelTime) {
    }

    /** Labels judge predictions made at most {@code maxLabelDelay} apart; verdicts are counted per {@code window}. */
    public record Options(Duration maxLabelDelay, Duration window) {
    }

    /**
     * The predictions and labels topics, parsed (unreadable records dropped): read once and shared by the quality
     * join and the label requests, since a topology reads a topic through one source.
     */
    public record Inputs(KStream<String, Prediction> predictions, KStream<String, Label> labels) {
        public static Inputs of(StreamsBuilder builder, Topics topics, List<String> classNames) {
            LabelRecords labelReader = new LabelRecords();
            KStream<String, Prediction> predictions = builder
                    .stream(topics.predictions().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("quality-predictions"))
                    .flatMapValues(v -> readPrediction(v), Named.as("parse-prediction"));
            KStream<String, Label> labels = builder
                    .stream(topics.labels().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("quality-labels"))
                    .processValues(() -> new ReadLabel(labelReader, classNames), Named.as("parse-quality-label"))
                    .filter((k, v) -> v != null, Named.as("parsed-quality-labels"));
            return new Inputs(predictions, labels);
        }
    }

    public static void addTo(Inputs inputs, Topics topics, Options options, Meters meters) {
        Duration maxLabelDelay = options.maxLabelDelay();
        Duration window = options.window();
        AvroSerde<Label> labelSerde = ContractSerdes.label();
        AvroSerde<Quality> qualitySerde = ContractSerdes.quality();
        SettableGauge accuracy = meters.gauge("streams.prequential.accuracy",
                "Accuracy of the newest model version on its latest window of labeled predictions");
        SettableGauge accuracyVersion = meters.gauge("streams.prequential.accuracy.version", "Model version the prequential accuracy is about");
        Counter judged = meters.counter("streams.prequential.judged", "Predictions judged by a later label");
        Counter labelFirst = meters.counter("streams.prequential.label.first",
                "Prediction-label pairs left out because the label was given before the prediction (it may have been trained on)");

        KStream<String, Verdictable> predictions = inputs.predictions().mapValues(Verdictable::of, Named.as("verdictable"));
        KStream<String, Label> labels = inputs.labels();

        predictions
                .join(labels, (p, l) -> new Judged(p, l.getClassIndex(), l.getTime()),
                        JoinWindows.ofTimeDifferenceAndGrace(maxLabelDelay, Duration.ofMinutes(1)),
                        StreamJoined.with(Serdes.String(), Verdictable.serde(), labelSerde).withName("judge").withStoreName("judge"))
                .filter((k, j) -> j.trueClass() >= 0 && j.trueClass() < j.prediction().numClasses(), Named.as("known-class"))
                .filter((k, j) -> {
                    boolean after = !j.labelTime().isBefore(j.prediction().scoredTime());
                    if (!after) {
                        labelFirst.increment();
                    }
                    return after;
                }, Named.as("test-then-train"))
                .selectKey((k, j) -> j.prediction().modelName() + "@" + j.prediction().modelVersion(), Named.as("by-version"))
                .mapValues(j -> verdict(j), Named.as("verdict"))
                .groupByKey(Grouped.with("by-version", Serdes.String(), qualitySerde))
                .windowedBy(TimeWindows.ofSizeAndGrace(window, maxLabelDelay))
                .reduce(QualityTopology::add, Named.as("count-window"),
                        Materialized.<String, Quality, org.apache.kafka.streams.state.WindowStore<org.apache.kafka.common.utils.Bytes, byte[]>>as("quality-windows")
                                .withKeySerde(Serdes.String()).withValueSerde(qualitySerde))
                .toStream(Named.as("window-updates"))
                .map((w, q) -> {
                    Quality out = Quality.newBuilder(q).setWindowStart(Instant.ofEpochMilli(w.window().start()))
                            .setWindowEnd(Instant.ofEpochMilli(w.window().end())).build();
                    return KeyValue.pair(String.format(Locale.ROOT, "%s@%d", w.key(), w.window().start()), out);
                }, Named.as("window-key"))
                .peek((k, q) -> {
                    judged.increment();
                    if (q.getModelVersion() >= (long) accuracyVersion.value()) {
                        accuracyVersion.set(q.getModelVersion());
                        accuracy.set(q.getAccuracy());
                    }
                }, Named.as("quality-metrics"))
                .to(topics.quality().name(), Produced.with(Serdes.String(), qualitySerde));
    }

    /** One judged prediction as a one-count Quality. */
    private static Quality verdict(Judged j) {
        int k = j.prediction().numClasses();
        List<Long> confusion = new ArrayList<>(k * k);
        for (int i = 0; i < k * k; i++) {
            confusion.add(0L);
        }
        confusion.set(j.trueClass() * k + j.prediction().classIndex(), 1L);
        boolean right = j.trueClass() == j.prediction().classIndex();
        return Quality.newBuilder().setModelName(j.prediction().modelName()).setModelVersion(j.prediction().modelVersion())
                .setWindowStart(Instant.EPOCH).setWindowEnd(Instant.EPOCH).setCount(1).setCorrect(right ? 1 : 0)
                .setAccuracy(right ? 1.0 : 0.0).setNumClasses(k).setConfusion(confusion).build();
    }

    private static Quality add(Quality a, Quality b) {
        List<Long> confusion = new ArrayList<>(a.getConfusion());
        for (int i = 0; i < confusion.size() && i < b.getConfusion().size(); i++) {
            confusion.set(i, confusion.get(i) + b.getConfusion().get(i));
        }
        long count = a.getCount() + b.getCount();
        long correct = a.getCorrect() + b.getCorrect();
        return Quality.newBuilder(a).setCount(count).setCorrect(correct).setAccuracy((double) correct / count).setConfusion(confusion).build();
    }

    private static List<Prediction> readPrediction(byte[] bytes) {
        try {
            Prediction p = PredictionRecords.read(bytes);
            return p == null ? List.of() : List.of(p);
        } catch (RecordRejectedException e) {
            return List.of(); // only the scoring processor writes this topic
        }
    }

    /** A label of either form, checked; null when refused (the trainer, which learns from labels, dead-letters it). */
    static final class ReadLabel implements FixedKeyProcessor<String, byte[], Label> {
        private final LabelRecords reader;
        private final List<String> classNames;
        private FixedKeyProcessorContext<String, Label> context;

        ReadLabel(LabelRecords reader, List<String> classNames) {
            this.reader = reader;
            this.classNames = List.copyOf(classNames);
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Label> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            Label label;
            try {
                label = reader.read(record.key(), record.headers(), record.value(), record.timestamp(), classNames);
            } catch (RecordRejectedException e) {
                label = null;
            }
            context.forward(record.withValue(label));
        }
    }
}

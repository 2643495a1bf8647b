package io.meanstream.cli.demo;

import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicSpec;
import io.meanstream.kafka.Topics;
import io.meanstream.records.PredictionRecords;
import io.meanstream.schema.DeadLetter;
import io.meanstream.schema.ModelRelease;
import io.meanstream.schema.Prediction;
import io.meanstream.schema.Quality;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Watches the topics as a user would (read_committed, from the beginning): predictions, prequential quality,
 * model releases, dead letters and the labels given. The demo's console and report and the live learning
 * benchmark are built from what this sees, so they show what actually reached Kafka, not what a service
 * believes it sent.
 */
final class DemoObserver implements Runnable, AutoCloseable {

    /** A released model as announced on the models topic. */
    record Release(long version, long trainerStep, long createdMillis, double holdoutAccuracy) {
    }

    /** An immutable view for the console and the report. */
    record Snapshot(long predictions, Map<Long, Long> predictionsPerVersion, List<Release> releases, List<Quality> quality,
                    long deadLetters, Map<String, Long> deadLettersByReason, long unreadable) {

        /** The newest window's accuracy of the newest version that has one (NaN before any label judged a prediction). */
        double lastWindowAccuracy() {
            return quality.stream().max((a, b) -> a.getWindowStart() != b.getWindowStart()
                            ? Long.compare(a.getWindowStart().toEpochMilli(), b.getWindowStart().toEpochMilli())
                            : Long.compare(a.getModelVersion(), b.getModelVersion()))
                    .map(Quality::getAccuracy).orElse(Double.NaN);
        }

        /** Accuracy over every judged prediction of one version (NaN when none). */
        double accuracyOf(long version) {
            long count = 0;
            long correct = 0;
            for (Quality q : quality) {
                if (q.getModelVersion() == version) {
                    count += q.getCount();
                    correct += q.getCorrect();
                }
            }
            return count == 0 ? Double.NaN : (double) correct / count;
        }

        /** Accuracy over every judged prediction of the run, all versions (NaN when none). */
        double overallAccuracy() {
            long count = judged();
            return count == 0 ? Double.NaN : (double) quality.stream().mapToLong(Quality::getCorrect).sum() / count;
        }

        long judged() {
            return quality.stream().mapToLong(Quality::getCount).sum();
        }

        long newestVersion() {
            return releases.isEmpty() ? -1 : releases.get(releases.size() - 1).version();
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Object lock = new Object();
    private long predictions;
    private final Map<Long, Long> perVersion = new TreeMap<>();
    private final List<Release> releases = new ArrayList<>();
    private final Map<String, Quality> quality = new TreeMap<>();
    private long deadLetters;
    private final Map<String, Long> byReason = new TreeMap<>();
    private long unreadable;
    private final List<ModelRelease> releasedModels = new ArrayList<>();
    private final Map<Long, Long> firstScored = new TreeMap<>();
    private final List<GivenLabel> labels = new ArrayList<>();

    /** A label as it reached the labels topic: its image and the record timestamp (when it was given). */
    record GivenLabel(String imageId, long givenMillis) {
    }

    private final String servedModel;

    /** Watches {@code topics}; {@link Snapshot#releases()} holds the releases of {@code servedModel} only. */
    DemoObserver(KafkaClientConfig kafka, Topics topics, String servedModel) {
        this.topics = topics;
        this.servedModel = servedModel;
        this.consumer = new KafkaConsumer<>(kafka.consumer(null, "meanstream-demo-observer"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicSpec<?, ?> t : List.of(topics.predictions(), topics.quality(), topics.models(), topics.deadLetters(), topics.labels())) {
            consumer.partitionsFor(t.name()).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    @Override
    public void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    try {
                        accept(r);
                    } catch (RuntimeException e) { // a record this observer cannot read must not stop the view
                        synchronized (lock) {
                            unreadable++;
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        String topic = r.topic();
        if (topic.equals(topics.predictions().name())) {
            Prediction p = PredictionRecords.read(r.value());
            synchronized (lock) {
                predictions++;
                perVersion.merge(p.getModelVersion(), 1L, Long::sum);
                firstScored.merge(p.getModelVersion(), p.getScoredTime().toEpochMilli(), Math::min);
            }
        } else if (topic.equals(topics.quality().name())) {
            Quality q = topics.quality().valueSerde().deserializer().deserialize(topic, r.value());
            synchronized (lock) {
                quality.put(q.getModelVersion() + "@" + q.getWindowStart().toEpochMilli(), q);
            }
        } else if (topic.equals(topics.models().name())) {
            ModelRelease m = topics.models().valueSerde().deserializer().deserialize(topic, r.value());
            Double holdout = m.getMetrics().get("holdoutAccuracy");
            synchronized (lock) {
                releasedModels.add(m);
                if (!m.getName().equals(servedModel)) {
                    return;
                }
                releases.add(new Release(m.getVersion(), m.getTrainerStep(), m.getCreatedTime().toEpochMilli(),
                        holdout == null ? Double.NaN : holdout));
                releases.sort((a, b) -> Long.compare(a.version(), b.version()));
            }
        } else if (topic.equals(topics.labels().name())) {
            synchronized (lock) {
                labels.add(new GivenLabel(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), r.timestamp()));
            }
        } else if (topic.equals(topics.deadLetters().name())) {
            DeadLetter d = topics.deadLetters().valueSerde().deserializer().deserialize(topic, r.value());
            synchronized (lock) {
                deadLetters++;
                byReason.merge(d.getService() + "/" + d.getStage() + "/" + d.getErrorType(), 1L, Long::sum);
            }
        }
    }

    Snapshot snapshot() {
        synchronized (lock) {
            return new Snapshot(predictions, Map.copyOf(perVersion), List.copyOf(releases), List.copyOf(quality.values()),
                    deadLetters, Map.copyOf(byReason), unreadable);
        }
    }

    /** Every release seen, with its model bytes or URI, in arrival order. */
    List<ModelRelease> releasedModels() {
        synchronized (lock) {
            return List.copyOf(releasedModels);
        }
    }

    /** When each model version scored its first image (epoch ms of the earliest prediction seen): when it was served. */
    Map<Long, Long> firstScoredMillis() {
        synchronized (lock) {
            return Map.copyOf(firstScored);
        }
    }

    /** The labels given so far, in the order read. */
    List<GivenLabel> labels() {
        synchronized (lock) {
            return List.copyOf(labels);
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
    }
}

package io.meanstream.labeler;

import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.ops.Worker;
import io.meanstream.records.LabelRecords;
import io.meanstream.records.PredictionRecords;
import io.meanstream.schema.Label;
import io.meanstream.schema.Prediction;
import io.meanstream.serde.ContractSerdes;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labeler's one reader of the topics, without a consumer group (every replica sees everything): the label
 * requests from their beginning (compacted: the open ones), the newest images' positions and the newest
 * predictions (a tail of each partition), prequential quality from its beginning (compacted), and today's labels.
 * It feeds {@link RequestQueue}, {@link RecentImages} and {@link LiveStats}; a record it cannot read is logged and
 * skipped (the services that own those topics dead-letter bad input; the labeler only displays it).
 */
final class StreamReader implements Worker.Session {

    private static final Logger log = LoggerFactory.getLogger(StreamReader.class);

    private final KafkaClientConfig kafka;
    private final Topics topics;
    private final List<String> classNames;
    private final RequestQueue requests;
    private final RecentImages recent;
    private final LiveStats stats;
    private final int tail;
    private final LabelRecords labelReader = new LabelRecords();
    private volatile boolean caughtUp;
    private volatile boolean stopping;
    private volatile long skipped;

    StreamReader(KafkaClientConfig kafka, Topics topics, List<String> classNames, RequestQueue requests, RecentImages recent, LiveStats stats,
                 int tail) {
        this.kafka = kafka;
        this.topics = topics;
        this.classNames = classNames;
        this.requests = requests;
        this.recent = recent;
        this.stats = stats;
        this.tail = tail;
    }

    @Override
    public void run(Worker worker) throws Exception {
        worker.activity("reading requests, images, predictions, quality and labels");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumer(null, "meanstream-labeler"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            Map<TopicPartition, Long> ends = position(consumer);
            while (!stopping) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        apply(r);
                    } catch (RuntimeException e) {
                        skipped++;
                        log.warn("skipped an unreadable record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                    }
                }
                if (!caughtUp && ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                    log.info("caught up: {} open label requests, {} recent images", requests.size(), recent.size());
                }
                worker.progressed();
            }
        }
    }

    /** Assigns every partition of the five topics at its starting point; returns the end offsets to catch up to. */
    private Map<TopicPartition, Long> position(KafkaConsumer<String, byte[]> consumer) {
        List<TopicPartition> all = new ArrayList<>();
        Map<String, List<TopicPartition>> byTopic = new HashMap<>();
        for (String topic : List.of(topics.labelRequests().name(), topics.images().name(), topics.predictions().name(), topics.quality().name(),
                topics.labels().name())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            byTopic.put(topic, partitions);
            all.addAll(partitions);
        }
        consumer.assign(all);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(all);
        Map<TopicPartition, Long> ends = consumer.endOffsets(all);
        for (String topic : List.of(topics.images().name(), topics.predictions().name())) {
            List<TopicPartition> partitions = byTopic.get(topic);
            long perPartition = (tail + partitions.size() - 1) / partitions.size();
            partitions.forEach(tp -> consumer.seek(tp, Math.max(begin.get(tp), ends.get(tp) - perPartition)));
        }
        consumer.seekToBeginning(byTopic.get(topics.labelRequests().name()));
        consumer.seekToBeginning(byTopic.get(topics.quality().name()));
        long midnight = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        Map<TopicPartition, Long> times = new HashMap<>();
        byTopic.get(topics.labels().name()).forEach(tp -> times.put(tp, midnight));
        Map<TopicPartition, OffsetAndTimestamp> today = consumer.offsetsForTimes(times);
        today.forEach((tp, o) -> consumer.seek(tp, o == null ? ends.get(tp) : o.offset()));
        return ends;
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        String topic = r.topic();
        if (r.key() == null) {
            return;
        }
        if (topic.equals(topics.labelRequests().name())) {
            requests.put(r.key(), r.value() == null ? null : ContractSerdes.labelRequest().decode(r.value()));
        } else if (topic.equals(topics.images().name())) {
            if (r.value() != null) {
                recent.add(r.key(), r.partition(), r.offset());
            }
        } else if (topic.equals(topics.predictions().name())) {
            Prediction p = PredictionRecords.read(r.value());
            if (p != null) {
                stats.prediction(p);
            }
        } else if (topic.equals(topics.quality().name())) {
            if (r.value() != null) {
                stats.quality(ContractSerdes.quality().decode(r.value()));
            }
        } else if (topic.equals(topics.labels().name())) {
            if (r.value() == null) {
                stats.withdrawn(r.key());
            } else {
                Label label = labelReader.read(r.key(), r.headers(), r.value(), r.timestamp(), classNames);
                stats.label(label.getImageId(), label.getAnnotator(), label.getTime().toEpochMilli());
            }
        }
    }

    /** True once the topics have been read up to where they ended at the start. */
    boolean caughtUp() {
        return caughtUp;
    }

    long skipped() {
        return skipped;
    }

    void stop() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }
}

package io.meanstream.streams.service;

import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.onnx.OnnxScorer;
import io.meanstream.ops.Metrics;
import io.meanstream.schema.ModelRelease;
import io.meanstream.streams.model.ModelHolder;
import io.meanstream.streams.model.ModelLoader;
import io.meanstream.streams.model.ModelRefusedException;
import io.meanstream.streams.model.ModelSelection;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the models topic from the beginning (it is compacted and small): every release the
 * {@link ModelSelection} wants is loaded, verified and warmed up off the scoring path, then swapped in. A
 * release that fails is refused, logged and counted, and the current model keeps serving.
 */
final class ModelFollower implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelFollower.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Topics topics;
    private final ModelSelection selection;
    private final ModelLoader loader;
    private final ModelHolder holder;
    private final Metrics.Counter swaps;
    private final Metrics.Counter refused;
    private volatile boolean stopping;

    ModelFollower(KafkaClientConfig kafka, Topics topics, ModelSelection selection, ModelLoader loader, ModelHolder holder, Metrics metrics) {
        this.consumer = new KafkaConsumer<>(kafka.consumer(null, "meanstream-streams-models"), new StringDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        this.selection = selection;
        this.loader = loader;
        this.holder = holder;
        this.swaps = metrics.counter("streams_model_swaps_total", "Models swapped in");
        this.refused = metrics.counter("streams_models_refused_total", "Releases refused (verification or loading failed)");
        metrics.gauge("streams_model_version", "Version of the model being served (-1: none yet)").sample(holder::version);
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.models().name()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stopping) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    handle(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("model follower failed; the current model keeps serving", e);
        } finally {
            consumer.close();
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
        ModelRelease release;
        try {
            release = topics.models().valueSerde().deserializer().deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            refused.inc();
            log.warn("unreadable model release at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return;
        }
        if (!selection.wants(release, holder.version())) {
            return;
        }
        try {
            OnnxScorer scorer = loader.load(release);
            holder.swap(scorer);
            swaps.inc();
            log.info("now serving {} v{} (trainer step {})", release.getName(), release.getVersion(), release.getTrainerStep());
        } catch (ModelRefusedException e) {
            refused.inc();
            log.warn("refused model release: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        stopping = true;
        consumer.wakeup();
    }
}

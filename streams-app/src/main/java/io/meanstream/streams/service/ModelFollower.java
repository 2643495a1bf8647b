package io.meanstream.streams.service;

import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicHistory;
import io.meanstream.kafka.Topics;
import io.meanstream.onnx.OnnxScorer;
import io.meanstream.ops.ServiceMetrics;
import io.meanstream.ops.Worker;
import io.meanstream.schema.ModelRelease;
import io.meanstream.streams.model.ModelHolder;
import io.meanstream.streams.model.ModelLoader;
import io.meanstream.streams.model.ModelRefusedException;
import io.meanstream.streams.model.ModelSelection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
 * Follows the models topic from the beginning (it is compacted and small). At start it reads up to the end
 * first and loads only the release to serve (the newest wanted one; an older one if that is refused), not
 * every version in history; after that, every release the {@link ModelSelection} wants is loaded, verified
 * and warmed up off the scoring path, then swapped in. A release that fails is refused, logged and counted,
 * and the current model keeps serving. Runs as a {@link Worker} session: after a failure it starts over with a new
 * consumer and catches up to releases newer than the one it serves.
 */
final class ModelFollower implements Worker.Session, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelFollower.class);

    private final KafkaClientConfig kafka;
    private final Topics topics;
    private final ModelSelection selection;
    private final ModelLoader loader;
    private final ModelHolder holder;
    private final ServiceMetrics metrics;
    private final Counter swaps;
    private final Counter refused;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean stopping;

    ModelFollower(KafkaClientConfig kafka, Topics topics, ModelSelection selection, ModelLoader loader, ModelHolder holder, ServiceMetrics metrics) {
        this.kafka = kafka;
        this.metrics = metrics;
        this.topics = topics;
        this.selection = selection;
        this.loader = loader;
        this.holder = holder;
        this.swaps = metrics.meters().counter("streams.model.swaps", "Models swapped in");
        this.refused = metrics.meters().counter("streams.models.refused", "Releases refused (verification or loading failed)");
        metrics.meters().gauge("streams.model.version", "Version of the model being served (-1: none yet)", holder::version);
    }

    boolean stopping() {
        return stopping;
    }

    @Override
    public void run(Worker worker) throws Exception {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer(null, "meanstream-streams-models"),
                new StringDeserializer(), new ByteArrayDeserializer());
             AutoCloseable consumerMetrics = metrics.bindWhileOpen(new KafkaClientMetrics(c))) {
            consumer = c;
            if (stopping) {
                return; // closed before this consumer existed to be woken up
            }
            worker.activity("reading the models topic's history");
            catchUp(c, TopicHistory.assignFromBeginning(c, topics.models().name()));
            worker.activity("following new releases");
            while (!stopping) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    ModelRelease release = parse(r);
                    if (selection.wants(release, holder.version())) {
                        worker.activity("loading v" + release.getVersion());
                        load(release);
                        worker.activity("following new releases");
                    }
                }
                worker.progressed();
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    /** Reads the history up to the current end, then serves the newest wanted release (newer than the served one) that loads. */
    private void catchUp(KafkaConsumer<String, byte[]> c, List<TopicPartition> partitions) {
        List<ModelRelease> wanted = new ArrayList<>();
        long serving = holder.version();
        TopicHistory.readToEnd(c, partitions, Duration.ofDays(365), () -> stopping, r -> {
            ModelRelease release = parse(r);
            if (selection.wants(release, serving)) {
                wanted.add(release);
            }
        });
        wanted.sort(Comparator.comparingLong(ModelRelease::getVersion).reversed());
        for (ModelRelease release : wanted) {
            if (load(release)) {
                return;
            }
        }
    }

    /** The release in {@code r}, or null (counted as refused) when it does not parse. */
    private ModelRelease parse(ConsumerRecord<String, byte[]> r) {
        try {
            return topics.models().valueSerde().deserializer().deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            refused.increment();
            log.warn("unreadable model release at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return null;
        }
    }

    private boolean load(ModelRelease release) {
        try {
            OnnxScorer scorer = loader.load(release);
            holder.swap(scorer);
            swaps.increment();
            log.info("now serving {} v{} (trainer step {})", release.getName(), release.getVersion(), release.getTrainerStep());
            return true;
        } catch (ModelRefusedException e) {
            refused.increment();
            log.warn("refused model release: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        stopping = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }
}

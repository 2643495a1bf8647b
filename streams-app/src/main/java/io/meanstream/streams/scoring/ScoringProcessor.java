package io.meanstream.streams.scoring;

import io.meanstream.image.ImageDecodingException;
import io.meanstream.image.ImageLimits;
import io.meanstream.image.ImagePipeline;
import io.meanstream.kafka.DeadLetters;
import io.meanstream.onnx.ModelProvenance;
import io.meanstream.onnx.OnnxModelException;
import io.meanstream.onnx.OnnxScorer;
import io.meanstream.ops.Metrics;
import io.meanstream.schema.DeadLetter;
import io.meanstream.schema.Image;
import io.meanstream.schema.Prediction;
import io.meanstream.serde.AvroSerde;
import io.meanstream.serde.ContractSerdes;
import io.meanstream.serde.MalformedRecordException;
import io.meanstream.streams.model.ModelHolder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Scores images in micro-batches with the served model. A batch is scored when it is full, when its oldest
 * image has waited {@code maxWait} (wall-clock punctuation), or when the task commits, whichever comes first:
 * the batch lives in memory, and the {@link CommitHook} scores and forwards it at the start of every commit,
 * in the same exactly-once transaction as the input offsets, so no committed image is ever left unscored.
 * Images that arrive before any model is loaded cannot be scored at the commit; they wait in a changelogged
 * store (up to a bound) that survives crashes and rebalances, and are scored when the first model arrives.
 * Bad records become dead letters; nothing stops the processor.
 */
final class ScoringProcessor implements Processor<String, byte[], Object, Object> {

    static final String STORE = "pending-images";
    static final String COMMIT_HOOK = "score-at-commit";
    static final String PREDICTIONS = "predictions-sink";
    static final String DEAD_LETTERS = "dead-letters-sink";
    static final String SERVICE = "streams-app";

    private final ScoringOptions options;
    private final ModelHolder models;
    private final AvroSerde<Image> imageSerde = ContractSerdes.image();
    private final ImageLimits limits;
    /** Images waiting for the first model, in arrival order, parsed once; mirrors the store, read back only after a restore. */
    private final Map<String, Pending> waiting = new LinkedHashMap<>();
    /** Images accepted while a model is served, not yet scored; in memory only, scored at the latest at the next commit. */
    private final List<Pending> batch = new ArrayList<>();
    /** Wall-clock time the oldest image of {@link #batch} arrived. */
    private long batchStartedMs;
    private final Metrics.Histogram scoringSeconds;
    private final Metrics.Histogram batchSizes;
    private final Metrics.Histogram endToEndSeconds;
    private final Metrics.Counter scored;
    private final Metrics.Counter deadLetters;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> store;
    /** The context as Kafka Streams' internal type, to forward from the commit hook; null where it is not one. */
    private InternalProcessorContext<Object, Object> internal;
    private ProcessorNode<?, ?, ?, ?> node;
    private ImagePipeline pipeline;
    private long pipelineVersion = -1;

    ScoringProcessor(ScoringOptions options, ModelHolder models, Metrics metrics) {
        this.options = options;
        this.models = models;
        this.limits = options.limits();
        this.scoringSeconds = metrics.histogram("streams_scoring_seconds", "ONNX Runtime time per micro-batch",
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1);
        this.batchSizes = metrics.histogram("streams_batch_size", "Images per micro-batch", 1, 2, 4, 8, 16, 32, 64, 128, 256);
        this.endToEndSeconds = metrics.histogram("streams_end_to_end_seconds", "Image event time to prediction",
                0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);
        this.scored = metrics.counter("streams_images_scored_total", "Images scored");
        this.deadLetters = metrics.counter("streams_dead_letters_total", "Records the streams-app sent to the dead-letter topic");
    }

    /** A waiting image: as stored, and parsed. */
    private record Pending(PendingCodec codec, Image image) {
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        try (KeyValueIterator<String, byte[]> it = store.all()) { // restored after a crash or rebalance
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                PendingCodec codec = PendingCodec.decode(kv.value);
                waiting.put(kv.key, new Pending(codec, imageSerde.deserialize(codec.topic(), codec.value())));
            }
        }
        if (context instanceof InternalProcessorContext<Object, Object> ipc) {
            internal = ipc;
            node = ipc.currentNode(); // this processor's node: Kafka Streams sets it while initialising each node
            CommitHook hook = context.getStateStore(COMMIT_HOOK);
            hook.onCommit(this::scoreBeforeCommit);
        }
        // Checked twice per wait, and a batch is scored only once its oldest image has waited maxWait: scoring
        // every batch at each tick degenerates when a tick's scoring takes longer than the tick (Kafka Streams
        // then processes one record per task between ticks, and every ORT call scores one image).
        Duration tick = options.maxWait().dividedBy(2).compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : options.maxWait().dividedBy(2);
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, now -> {
            if (!waiting.isEmpty() || (!batch.isEmpty() && now - batchStartedMs >= options.maxWait().toMillis())) {
                flush();
            }
        });
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        byte[] value = record.value();
        if (value == null) {
            return;
        }
        if (value.length > limits.maxBytes() + 4096) {
            deadLetter("deserialize", "OVERSIZED", "record of " + value.length + " bytes exceeds the image limit of " + limits.maxBytes(),
                    meta.topic(), meta.partition(), meta.offset(), record.key(), value);
            return;
        }
        Image image;
        try {
            image = imageSerde.deserialize(meta.topic(), value); // parsed now, so a bad record is dead-lettered at once
        } catch (MalformedRecordException e) {
            deadLetter("deserialize", e.errorType(), e.getMessage(), meta.topic(), meta.partition(), meta.offset(), record.key(), value);
            return;
        }
        PendingCodec p = new PendingCodec(meta.topic(), meta.partition(), meta.offset(), record.timestamp(), record.key(), value);
        if (internal != null && waiting.isEmpty() && models.version() >= 0) {
            if (batch.isEmpty()) {
                batchStartedMs = context.currentSystemTimeMs();
            }
            batch.add(new Pending(p, image)); // the common case: in memory until scored, at the latest at the commit
            if (batch.size() >= options.batchSize()) {
                flush();
            }
            return;
        }
        awaitModel(new Pending(p, image));
    }

    /** Keeps an image that cannot be scored now in the changelogged store, bounded by {@code maxPending}. */
    private void awaitModel(Pending p) {
        PendingCodec c = p.codec();
        if (waiting.size() >= options.maxPending()) {
            deadLetter("await-model", "NO_MODEL", "no model is loaded and " + waiting.size() + " images already wait",
                    c.topic(), c.partition(), c.offset(), c.key(), c.value());
            return;
        }
        store.put(c.storeKey(), c.encode());
        waiting.put(c.storeKey(), p);
    }

    /** Scores the images waiting for a model (if one is loaded now), then the in-memory batch. */
    private void flush() {
        if (waiting.isEmpty() && batch.isEmpty()) {
            return;
        }
        try (ModelHolder.Lease lease = models.acquire()) {
            if (lease == null) {
                return; // no model yet: the waiting images stay in the store; the batch is empty (see process)
            }
            OnnxScorer scorer = lease.scorer();
            ImagePipeline pipe = pipelineFor(scorer.provenance());
            while (!waiting.isEmpty()) {
                List<Pending> next = new ArrayList<>(Math.min(options.batchSize(), waiting.size()));
                Iterator<Map.Entry<String, Pending>> it = waiting.entrySet().iterator();
                while (it.hasNext() && next.size() < options.batchSize()) {
                    Map.Entry<String, Pending> entry = it.next();
                    it.remove();
                    store.delete(entry.getKey()); // in the same transaction as the prediction
                    next.add(entry.getValue());
                }
                scoreBatch(scorer, pipe, next);
            }
            for (int from = 0; from < batch.size(); from += options.batchSize()) {
                scoreBatch(scorer, pipe, batch.subList(from, Math.min(batch.size(), from + options.batchSize())));
            }
            batch.clear();
        }
    }

    /**
     * Called by the {@link CommitHook} at the start of each commit of this task: nothing in memory may outlive
     * it. Kafka Streams calls it outside of {@code process} and punctuation, so this processor's node and a
     * record context are set around the forwards, the way its own caching stores forward at a commit.
     */
    private void scoreBeforeCommit() {
        if (batch.isEmpty()) {
            return;
        }
        ProcessorNode<?, ?, ?, ?> previousNode = internal.currentNode();
        internal.setCurrentNode(node);
        try {
            flush();
            if (!batch.isEmpty()) { // the model went away: keep the images durably instead
                List<Pending> unscored = new ArrayList<>(batch);
                batch.clear();
                unscored.forEach(this::awaitModel);
            }
        } finally {
            internal.setCurrentNode(previousNode);
        }
    }

    private ImagePipeline pipelineFor(ModelProvenance p) {
        if (pipeline == null || pipelineVersion != p.version()) {
            pipeline = new ImagePipeline(limits, p.input());
            pipelineVersion = p.version();
        }
        return pipeline;
    }

    private void scoreBatch(OnnxScorer scorer, ImagePipeline pipe, List<Pending> items) {
        ModelProvenance model = scorer.provenance();
        int size = model.input().channels() * model.input().height() * model.input().width();
        List<PendingCodec> batch = new ArrayList<>(items.size());
        List<Image> images = new ArrayList<>(items.size());
        float[] x = new float[items.size() * size];
        for (Pending item : items) {
            PendingCodec p = item.codec();
            try {
                // Decoded with the served model's input spec, by the same library the trainer uses.
                pipe.decodeToChw(item.image(), x, batch.size() * size);
                batch.add(p);
                images.add(item.image());
            } catch (ImageDecodingException e) {
                deadLetter("decode-image", e.reason().name(), e.getMessage(), p.topic(), p.partition(), p.offset(), p.key(), p.value());
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        OnnxScorer.Scores scores;
        try {
            scores = scorer.score(x, batch.size());
        } catch (OnnxModelException e) {
            for (PendingCodec p : batch) {
                deadLetter("score", "SCORING_FAILED", e.getMessage(), p.topic(), p.partition(), p.offset(), p.key(), p.value());
            }
            return;
        }
        scoringSeconds.observe((System.nanoTime() - start) / 1e9);
        batchSizes.observe(batch.size());
        Instant scoredAt = Instant.now();
        ProcessorRecordContext previousRecord = internal == null ? null : internal.recordContext();
        for (int i = 0; i < batch.size(); i++) {
            Image image = images.get(i);
            int best = scores.argMax(i);
            List<Float> probabilities = new ArrayList<>(scores.numClasses());
            for (int k = 0; k < scores.numClasses(); k++) {
                probabilities.add(scores.probability(i, k));
            }
            Prediction prediction = Prediction.newBuilder().setImageId(image.getId()).setModelName(model.name())
                    .setModelVersion(model.version()).setClassIndex(best).setClassName(model.classNames().get(best))
                    .setConfidence(scores.probability(i, best)).setProbabilities(probabilities).setImageTime(image.getEventTime())
                    .setScoredTime(scoredAt).build();
            PendingCodec source = batch.get(i);
            if (internal != null) { // the prediction's record context is its image's, also when forwarded at a commit
                internal.setRecordContext(new ProcessorRecordContext(source.timestamp(), source.offset(), source.partition(),
                        source.topic(), new RecordHeaders()));
            }
            context.forward(new Record<Object, Object>(image.getId(), prediction, source.timestamp()), PREDICTIONS);
            endToEndSeconds.observe(Math.max(0, Duration.between(image.getEventTime(), scoredAt).toNanos() / 1e9));
        }
        if (internal != null) {
            internal.setRecordContext(previousRecord);
        }
        scored.add(batch.size());
    }

    private void deadLetter(String stage, String type, String message, String topic, int partition, long offset, String key, byte[] value) {
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        DeadLetter d = DeadLetters.of(SERVICE, stage, type, message, topic, partition, offset, keyBytes, value);
        context.forward(new Record<Object, Object>(keyBytes, d, context.currentSystemTimeMs()), DEAD_LETTERS);
        deadLetters.inc();
    }

}

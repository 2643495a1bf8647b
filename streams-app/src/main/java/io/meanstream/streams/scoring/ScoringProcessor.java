package io.meanstream.streams.scoring;

import io.meanstream.image.ImageDecodingException;
import io.meanstream.image.ImageLimits;
import io.meanstream.image.ImagePipeline;
import io.meanstream.kafka.DeadLetters;
import io.meanstream.onnx.ModelProvenance;
import io.meanstream.onnx.OnnxModelException;
import io.meanstream.onnx.OnnxScorer;
import io.meanstream.records.ImageRecords;
import io.meanstream.records.RecordRejectedException;
import io.meanstream.schema.DeadLetter;
import io.meanstream.schema.Image;
import io.meanstream.schema.Prediction;
import io.meanstream.streams.model.ModelHolder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * Scores images in micro-batches with the served model. The batch is shared by all scoring tasks of a stream
 * thread ({@link ThreadBatch}) and scored when it is full, when its oldest image has waited {@code maxWait}
 * (wall-clock punctuation), or when any of its tasks commits, whichever comes first: it lives in memory, and
 * the {@link CommitHook} scores it and forwards the task's predictions at the start of every commit, in the
 * same exactly-once transaction as the input offsets, so no committed image is ever left unscored.
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
    /** Batch entry time of an image that waited for the first model: its wait is not a batching wait. */
    private static final long WAITED_FOR_MODEL = Long.MIN_VALUE;

    private final ScoringOptions options;
    private final ModelHolder models;
    private final ImageRecords imageReader = new ImageRecords();
    private final ImageLimits limits;
    /** Images waiting for the first model, in arrival order, parsed once; mirrors the store, read back only after a restore. */
    private final Map<String, Pending> waiting = new LinkedHashMap<>();
    /** Outcomes of this task's images scored in the thread's batch (possibly by another task), to forward here. */
    private final List<Runnable> outbox = new ArrayList<>();
    private boolean closed;
    private final ScoringMeters meters;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> store;
    /**
     * The context as Kafka Streams' internal type, to forward from the commit hook; null where it is not one. Its
     * {@code currentNode}/{@code setCurrentNode}, {@code recordContext}/{@code setRecordContext} and the
     * {@code ProcessorRecordContext} constructor are internals verified on Kafka Streams 4.4.0 to 4.4.0 (see
     * {@link CommitHook}; {@code KafkaStreamsInternalsPinTest} fails outside that range or when they change).
     */
    private InternalProcessorContext<Object, Object> internal;
    private ProcessorNode<?, ?, ?, ?> node;
    private ImagePipeline pipeline;
    private long pipelineVersion = -1;

    ScoringProcessor(ScoringOptions options, ModelHolder models, ScoringMeters meters) {
        this.options = options;
        this.models = models;
        this.limits = options.limits();
        this.meters = meters;
    }

    /** An image to score: as received (and stored, while it waits for a model), and parsed. */
    record Pending(PendingCodec codec, Image image) {
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        try (KeyValueIterator<String, byte[]> it = store.all()) { // restored after a crash or rebalance
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                PendingCodec codec = PendingCodec.decode(kv.value);
                waiting.put(kv.key, new Pending(codec, imageReader.read(codec.key(), codec.headers(), codec.value(), codec.timestamp())));
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
        Duration tick = Duration.ofMillis(Math.max(1, options.maxWait().toMillis() / 2));
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, now -> {
            if (!waiting.isEmpty()) {
                scoreWaiting();
            }
            ThreadBatch shared = ThreadBatch.ofCurrentThread();
            if (!shared.isEmpty() && now - shared.oldestMs() >= options.maxWait().toMillis()) {
                scoreThreadBatch();
            }
            forwardOutbox();
        });
    }

    @Override
    public void close() {
        closed = true;
        ThreadBatch.ofCurrentThread().take(this); // only a close without commit finds any: they are replayed
        outbox.clear();
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
            // parsed now, so a bad record is dead-lettered at once
            image = imageReader.read(record.key(), record.headers(), value, record.timestamp());
        } catch (RecordRejectedException e) {
            deadLetter("deserialize", e.errorType(), e.getMessage(), meta.topic(), meta.partition(), meta.offset(), record.key(), value);
            return;
        }
        meters.queue.record(Math.max(0, context.currentSystemTimeMs() - record.timestamp()), TimeUnit.MILLISECONDS);
        PendingCodec p = new PendingCodec(meta.topic(), meta.partition(), meta.offset(), record.timestamp(), record.key(), record.headers(), value);
        if (internal != null && waiting.isEmpty() && models.version() >= 0) {
            // the common case: in memory until scored, at the latest at the next commit
            ThreadBatch shared = ThreadBatch.ofCurrentThread();
            shared.add(this, new Pending(p, image), context.currentSystemTimeMs());
            if (shared.size() >= options.batchSize()) {
                scoreThreadBatch();
            }
            forwardOutbox();
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

    /** Scores the images of this task that wait in the store, if a model is loaded now. */
    private void scoreWaiting() {
        try (ModelHolder.Lease lease = models.acquire()) {
            if (lease == null) {
                return; // no model yet: they keep waiting in the store
            }
            OnnxScorer scorer = lease.scorer();
            ImagePipeline pipe = pipelineFor(scorer.provenance());
            while (!waiting.isEmpty()) {
                List<ThreadBatch.Entry> next = new ArrayList<>(Math.min(options.batchSize(), waiting.size()));
                Iterator<Map.Entry<String, Pending>> it = waiting.entrySet().iterator();
                while (it.hasNext() && next.size() < options.batchSize()) {
                    Map.Entry<String, Pending> entry = it.next();
                    it.remove();
                    store.delete(entry.getKey()); // in the same transaction as the prediction
                    next.add(new ThreadBatch.Entry(this, entry.getValue(), WAITED_FOR_MODEL));
                }
                scoreBatch(scorer, pipe, next);
            }
        }
    }

    /**
     * Scores every image in this stream thread's batch, of all its tasks, in calls of up to batchSize images.
     * Without a model (only while shutting down) the images stay in the batch; each task's commit stores its own.
     */
    private void scoreThreadBatch() {
        ThreadBatch shared = ThreadBatch.ofCurrentThread();
        if (shared.isEmpty()) {
            return;
        }
        try (ModelHolder.Lease lease = models.acquire()) {
            if (lease == null) {
                return;
            }
            List<ThreadBatch.Entry> entries = shared.takeAll();
            OnnxScorer scorer = lease.scorer();
            ImagePipeline pipe = pipelineFor(scorer.provenance());
            for (int from = 0; from < entries.size(); from += options.batchSize()) {
                scoreBatch(scorer, pipe, entries.subList(from, Math.min(entries.size(), from + options.batchSize())));
            }
        }
    }

    /** Forwards the outcomes of this task's scored images. */
    private void forwardOutbox() {
        if (!outbox.isEmpty()) {
            List<Runnable> outcomes = new ArrayList<>(outbox);
            outbox.clear();
            outcomes.forEach(Runnable::run);
        }
    }

    /**
     * Called by the {@link CommitHook} at the start of each commit of this task: nothing of it in memory may
     * outlive the commit. Kafka Streams calls it outside of {@code process} and punctuation, so this
     * processor's node is set around the forwards, the way its own caching stores forward at a commit.
     */
    private void scoreBeforeCommit() {
        if (ThreadBatch.ofCurrentThread().isEmpty() && outbox.isEmpty()) {
            return;
        }
        ProcessorNode<?, ?, ?, ?> previousNode = internal.currentNode();
        internal.setCurrentNode(node);
        try {
            scoreThreadBatch();
            forwardOutbox();
            ThreadBatch.ofCurrentThread().take(this).forEach(this::awaitModel); // left only when no model: kept durably
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

    /** Scores one ORT call's worth of images; each outcome goes to the outbox of the task that read the image. */
    private void scoreBatch(OnnxScorer scorer, ImagePipeline pipe, List<ThreadBatch.Entry> entries) {
        ModelProvenance model = scorer.provenance();
        int size = model.input().channels() * model.input().height() * model.input().width();
        List<ThreadBatch.Entry> batch = new ArrayList<>(entries.size());
        float[] x = new float[entries.size() * size];
        for (ThreadBatch.Entry entry : entries) {
            if (entry.owner().closed) {
                continue; // its task closed without a commit: the image is replayed from the task's offsets
            }
            PendingCodec p = entry.image().codec();
            try {
                // Decoded with the served model's input spec, by the same library the trainer uses.
                pipe.decodeToChw(entry.image().image(), x, batch.size() * size);
                batch.add(entry);
            } catch (ImageDecodingException e) {
                ScoringProcessor owner = entry.owner();
                owner.outbox.add(() -> owner.deadLetter("decode-image", e.reason().name(), e.getMessage(), p.topic(), p.partition(),
                        p.offset(), p.key(), p.value()));
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
            for (ThreadBatch.Entry entry : batch) {
                PendingCodec p = entry.image().codec();
                ScoringProcessor owner = entry.owner();
                owner.outbox.add(() -> owner.deadLetter("score", "SCORING_FAILED", e.getMessage(), p.topic(), p.partition(), p.offset(),
                        p.key(), p.value()));
            }
            return;
        }
        meters.scoring.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        meters.batchSize.record(batch.size());
        Instant scoredAt = Instant.now();
        long scoredNanos = System.nanoTime();
        for (int i = 0; i < batch.size(); i++) {
            ThreadBatch.Entry entry = batch.get(i);
            PendingCodec source = entry.image().codec();
            Image image = entry.image().image();
            int best = scores.argMax(i);
            List<Float> probabilities = new ArrayList<>(scores.numClasses());
            for (int k = 0; k < scores.numClasses(); k++) {
                probabilities.add(scores.probability(i, k));
            }
            Prediction prediction = Prediction.newBuilder().setImageId(image.getId()).setModelName(model.name())
                    .setModelVersion(model.version()).setClassIndex(best).setClassName(model.classNames().get(best))
                    .setConfidence(scores.probability(i, best)).setProbabilities(probabilities).setImageTime(image.getEventTime())
                    .setScoredTime(scoredAt).setImagePartition(source.partition()).setImageOffset(source.offset()).build();
            if (entry.addedNanos() != WAITED_FOR_MODEL) {
                meters.batchWait.record(scoredNanos - entry.addedNanos(), TimeUnit.NANOSECONDS);
            }
            ScoringProcessor owner = entry.owner();
            owner.outbox.add(() -> {
                meters.forwardWait.record(System.nanoTime() - scoredNanos, TimeUnit.NANOSECONDS);
                owner.forwardPrediction(source, prediction);
            });
            meters.endToEnd.record(Math.max(0, Duration.between(image.getEventTime(), scoredAt).toNanos()), TimeUnit.NANOSECONDS);
        }
        meters.scored.increment(batch.size());
    }

    private void forwardPrediction(PendingCodec source, Prediction prediction) {
        forward(new Record<>(prediction.getImageId(), prediction, source.timestamp()), PREDICTIONS,
                source.topic(), source.partition(), source.offset());
    }

    /**
     * Forwards with the record context of the input record it is about (topic, partition, offset), also when
     * it runs at a commit or for another image than the one being processed; the current context is restored.
     */
    private void forward(Record<Object, Object> record, String child, String topic, int partition, long offset) {
        if (internal == null) {
            context.forward(record, child);
            return;
        }
        ProcessorRecordContext previous = internal.recordContext();
        internal.setRecordContext(new ProcessorRecordContext(record.timestamp(), offset, partition, topic, new RecordHeaders()));
        try {
            context.forward(record, child);
        } finally {
            internal.setRecordContext(previous);
        }
    }

    private void deadLetter(String stage, String type, String message, String topic, int partition, long offset, String key, byte[] value) {
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        DeadLetter d = DeadLetters.of(SERVICE, stage, type, message, topic, partition, offset, keyBytes, value);
        forward(new Record<>(keyBytes, d, context.currentSystemTimeMs()), DEAD_LETTERS, topic, partition, offset);
        meters.deadLetters.increment();
    }

}

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
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Scores images in micro-batches with the served model. Every accepted image is first written to a
 * changelogged store of pending images and only deleted when its prediction is forwarded, in the same
 * exactly-once transaction; so a crash or rebalance never loses an image, and images that arrive before any
 * model wait there (up to a bound) until the first model is loaded. A batch is scored when it is full or
 * when the oldest pending image has waited {@code maxWait} (wall-clock punctuation). Bad records become dead
 * letters; nothing stops the processor.
 */
final class ScoringProcessor implements Processor<String, byte[], Object, Object> {

    static final String STORE = "pending-images";
    static final String PREDICTIONS = "predictions-sink";
    static final String DEAD_LETTERS = "dead-letters-sink";
    static final String SERVICE = "streams-app";

    private final ScoringOptions options;
    private final ModelHolder models;
    private final AvroSerde<Image> imageSerde = ContractSerdes.image();
    private final ImageLimits limits;
    /** Pending images in arrival order, parsed once; mirrors the store, which is only read back after a restore. */
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Metrics.Histogram scoringSeconds;
    private final Metrics.Histogram batchSizes;
    private final Metrics.Histogram endToEndSeconds;
    private final Metrics.Counter scored;
    private final Metrics.Counter deadLetters;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> store;
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
                pending.put(kv.key, new Pending(codec, imageSerde.deserialize(codec.topic(), codec.value())));
            }
        }
        context.schedule(options.maxWait(), PunctuationType.WALL_CLOCK_TIME, now -> flush(false));
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
        if (pending.size() >= options.maxPending()) {
            deadLetter("await-model", "NO_MODEL", "no model is loaded and " + pending.size() + " images already wait",
                    meta.topic(), meta.partition(), meta.offset(), record.key(), value);
            return;
        }
        store.put(p.storeKey(), p.encode());
        pending.put(p.storeKey(), new Pending(p, image));
        if (pending.size() >= options.batchSize()) {
            flush(true);
        }
    }

    /** Scores pending images with the current model; with {@code fullOnly}, only complete batches. */
    private void flush(boolean fullOnly) {
        if (pending.isEmpty()) {
            return;
        }
        try (ModelHolder.Lease lease = models.acquire()) {
            if (lease == null) {
                return; // no model yet: the images keep waiting in the store
            }
            OnnxScorer scorer = lease.scorer();
            ImagePipeline pipe = pipelineFor(scorer.provenance());
            while (!pending.isEmpty() && (!fullOnly || pending.size() >= options.batchSize())) {
                scoreBatch(scorer, pipe);
            }
        }
    }

    private ImagePipeline pipelineFor(ModelProvenance p) {
        if (pipeline == null || pipelineVersion != p.version()) {
            pipeline = new ImagePipeline(limits, p.input());
            pipelineVersion = p.version();
        }
        return pipeline;
    }

    private void scoreBatch(OnnxScorer scorer, ImagePipeline pipe) {
        ModelProvenance model = scorer.provenance();
        int size = model.input().channels() * model.input().height() * model.input().width();
        int capacity = Math.min(options.batchSize(), pending.size());
        List<PendingCodec> batch = new ArrayList<>(capacity);
        List<Image> images = new ArrayList<>(capacity);
        float[] x = new float[capacity * size];
        Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext() && batch.size() < capacity) {
            Map.Entry<String, Pending> entry = it.next();
            it.remove();
            store.delete(entry.getKey());
            PendingCodec p = entry.getValue().codec();
            Image image = entry.getValue().image();
            try {
                // Decoded with the served model's input spec, by the same library the trainer uses.
                pipe.decodeToChw(image, x, batch.size() * size);
                batch.add(p);
                images.add(image);
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
            context.forward(new Record<Object, Object>(image.getId(), prediction, batch.get(i).timestamp()), PREDICTIONS);
            endToEndSeconds.observe(Math.max(0, Duration.between(image.getEventTime(), scoredAt).toNanos() / 1e9));
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

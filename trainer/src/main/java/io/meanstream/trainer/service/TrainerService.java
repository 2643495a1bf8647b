package io.meanstream.trainer.service;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.meanstream.image.ImageDecodingException;
import io.meanstream.image.ImageLimits;
import io.meanstream.image.ImagePipeline;
import io.meanstream.kafka.DeadLetters;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.TopicHistory;
import io.meanstream.kafka.Topics;
import io.meanstream.ops.Meters;
import io.meanstream.ops.OpsServer;
import io.meanstream.ops.StreamsLiveness;
import io.meanstream.ops.Worker;
import io.meanstream.ops.WorkerHealth;
import io.meanstream.ops.ServiceMetrics;
import io.meanstream.ops.SettableGauge;
import io.meanstream.records.ImageRecords;
import io.meanstream.records.RecordRejectedException;
import io.meanstream.schema.DeadLetter;
import io.meanstream.schema.Image;
import io.meanstream.schema.LabeledImage;
import io.meanstream.serde.MalformedRecordException;
import io.meanstream.trainer.data.TrainingBatch;
import io.meanstream.trainer.engine.MeanTeacherEngine;
import io.meanstream.trainer.engine.StepStats;
import io.meanstream.trainer.join.LabelJoin;
import io.meanstream.trainer.model.NetworkSpec;
import io.meanstream.trainer.stream.HoldoutSplit;
import io.meanstream.trainer.stream.LabeledPool;
import io.meanstream.trainer.stream.UnlabeledBuffer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer service: the label join (Kafka Streams) fills the compacted labeled-images topic; a pool
 * consumer reads that topic into the {@link LabeledPool} (from the beginning at every start: the pool is
 * rebuilt from labeled images only); an image consumer fills the {@link UnlabeledBuffer}; the training
 * loop runs Mean Teacher steps once enough labels exist, checkpoints, commits image offsets that the
 * checkpoint covers, and releases gated teachers ({@link Releaser}). Bad records go to the dead-letter
 * topic; the service keeps going. Each worker reports to {@link WorkerHealth}: a transient failure restarts its
 * loop after a backoff, a dead or stuck one turns {@code /health} red (the releaser and checkpoints run on the
 * training loop's thread, which names them when they hang).
 */
public final class TrainerService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrainerService.class);
    static final String SERVICE = "trainer";

    private final TrainerConfig config;
    private final KafkaClientConfig kafka;
    private final Topics topics;
    private final ServiceMetrics metrics = new ServiceMetrics();
    private final ImagePipeline pipeline;
    private final ImageRecords imageReader = new ImageRecords();
    private final LabeledPool pool;
    private final UnlabeledBuffer buffer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final MeanTeacherEngine engine;
    private final Checkpoints checkpoints;
    private final Releaser releaser;
    private final KafkaStreams join;
    private final WorkerHealth health;
    private final StreamsLiveness joinLiveness;
    private final OpsServer ops;
    private final Map<Integer, Long> imagePositions = new ConcurrentHashMap<>();
    private final AtomicReference<Map<TopicPartition, OffsetAndMetadata>> pendingCommit = new AtomicReference<>();
    private final CountDownLatch trainingStopped = new CountDownLatch(1);
    private final Thread poolThread;
    private final Thread imageThread;
    private final Thread trainThread;
    private volatile boolean stopping;
    private volatile boolean poolCaughtUp;
    private volatile String state = "starting";

    private final Counter stepsTotal;
    private final Counter samplesTotal;
    private final Counter deadLettersTotal;
    private final SettableGauge classLoss;
    private final SettableGauge consistencyLoss;
    private final SettableGauge logitDistance;
    private final SettableGauge consistencyWeight;
    private final SettableGauge emaAlpha;
    private final SettableGauge stepsPerSecond;
    private final SettableGauge samplesPerSecond;

    public TrainerService(TrainerConfig config, KafkaClientConfig kafka, Topics topics) throws Exception {
        this.config = config;
        this.kafka = kafka;
        this.topics = topics;
        this.pipeline = new ImagePipeline(ImageLimits.defaults(), config.input());
        this.pool = new LabeledPool(new HoldoutSplit(config.holdoutFraction()), config.classNames().size(), config.engine().seed());
        this.buffer = new UnlabeledBuffer(config.bufferSize(), config.bufferMaxUses(), config.engine().seed());
        try (Admin admin = Admin.create(kafka.admin("meanstream-trainer-admin"))) {
            new TopicBootstrapper(admin).ensure(topics.all());
        }
        this.producer = new KafkaProducer<>(kafka.producer("meanstream-trainer"), new ByteArraySerializer(), new ByteArraySerializer());
        metrics.bind(new KafkaClientMetrics(producer));
        NetworkSpec spec = NetworkSpec.convNet(config.input().channels(), config.input().height(), config.input().width(),
                config.classNames().size(), config.engine().widthFactor(), config.engine().dropout(), config.engine().twoHeads());
        float[] pad = new float[config.input().channels()];
        for (int c = 0; c < pad.length; c++) {
            pad[c] = -config.input().mean()[c] / config.input().std()[c];
        }
        this.engine = new MeanTeacherEngine(config.engine(), spec, pad, config.djlDevice());
        this.checkpoints = new Checkpoints(config.checkpointDir(), config.checkpointKeep());
        this.releaser = new Releaser(config, topics, producer, metrics.meters());

        Meters meters = metrics.meters();
        stepsTotal = meters.counter("trainer.steps", "Training steps taken (continues across restarts)");
        samplesTotal = meters.counter("trainer.samples", "Rows trained on since this process started");
        deadLettersTotal = meters.counter("trainer.dead.letters", "Records the trainer sent to the dead-letter topic");
        classLoss = meters.gauge("trainer.class.loss", "Cross-entropy on the labeled rows of the last step");
        consistencyLoss = meters.gauge("trainer.consistency.loss", "Unweighted consistency cost of the last step");
        logitDistance = meters.gauge("trainer.logit.distance", "Two-head logit distance of the last step");
        consistencyWeight = meters.gauge("trainer.consistency.weight", "Consistency weight (ramp-up) of the last step");
        emaAlpha = meters.gauge("trainer.ema.alpha", "Teacher EMA decay of the last step");
        stepsPerSecond = meters.gauge("trainer.steps.per.second", "Training steps per second over the last release interval");
        samplesPerSecond = meters.gauge("trainer.samples.per.second", "Rows per second over the last release interval");
        meters.gauge("trainer.labeled.pool.size", "Labeled images trained on", pool::trainingSize);
        meters.gauge("trainer.holdout.size", "Labeled images held out for release gates", pool::holdoutSize);
        meters.gauge("trainer.held.back.labels", "New training labels held back to judge the next release candidate", pool::heldBackSize);
        meters.gauge("trainer.label.corrections", "Labels that replaced an earlier label", pool::corrections);
        meters.gauge("trainer.buffer.fill", "Unlabeled images in the buffer / capacity", () -> (double) buffer.size() / buffer.capacity());
        meters.counter("trainer.buffer.dropped", "Unlabeled images dropped unused (arriving faster than training)", buffer::dropped);
        meters.gauge("trainer.consumer.lag", "Images not yet read (end offset - position), summed over partitions", this::imageLag);

        long restoredStep = restoreCheckpoint();
        releaser.recoverVersions(kafka, restoredStep);

        this.join = new KafkaStreams(LabelJoin.buildTopology(topics, config.classNames(), config.maxLabelDelay()), streamsProperties());
        metrics.bind(new KafkaStreamsMetrics(join));
        this.health = new WorkerHealth(config.stallTimeout());
        this.joinLiveness = StreamsLiveness.watch("label-join", join, health);
        this.ops = new OpsServer("0.0.0.0", config.httpPort(), metrics, this::readiness, health::liveness);
        this.poolThread = workerThread("labeled-pool", this::consumePool, "trainer-pool");
        this.imageThread = workerThread("image-consumer", this::consumeImages, "trainer-images");
        Worker loop = health.worker("training-loop");
        this.trainThread = new Thread(() -> {
            try {
                loop.run(this::train, () -> stopping);
            } finally {
                trainingStopped.countDown();
            }
        }, "trainer-loop");
    }

    private Thread workerThread(String worker, Worker.Session session, String threadName) {
        Worker w = health.worker(worker);
        return new Thread(() -> w.run(session, () -> stopping), threadName);
    }

    /** Starts everything and returns; {@link #close()} stops it gracefully. */
    public TrainerService start() {
        ops.start();
        join.start();
        poolThread.start();
        imageThread.start();
        trainThread.start();
        log.info("trainer started: model {}, {} classes, input {}, device {}, /metrics on port {}", config.modelName(),
                config.classNames().size(), config.input().describe(), config.device(), ops.port());
        return this;
    }

    public int httpPort() {
        return ops.port();
    }

    public Meters metrics() {
        return metrics.meters();
    }

    public long steps() {
        return engine.steps();
    }

    public long releasedVersion() {
        return releaser.releasedVersion();
    }

    public LabeledPool pool() {
        return pool;
    }

    private Properties streamsProperties() {
        Properties p = new Properties();
        p.putAll(kafka.properties());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "meanstream-trainer-join-" + config.modelName().replaceAll("[^A-Za-z0-9_-]", "_"));
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
        p.put(StreamsConfig.producerPrefix("max.request.size"), Integer.toString(32 << 20));
        p.put(StreamsConfig.consumerPrefix("max.partition.fetch.bytes"), Integer.toString(32 << 20));
        return p;
    }

    /** Whether the service is alive, worker by worker (what {@code /health} answers). */
    public OpsServer.Readiness liveness() {
        return health.liveness();
    }

    private OpsServer.Readiness readiness() {
        if (joinLiveness.state() != KafkaStreams.State.RUNNING) {
            return OpsServer.Readiness.notReady("label join is " + joinLiveness.state());
        }
        if (!poolCaughtUp) {
            return OpsServer.Readiness.notReady("rebuilding the labeled pool");
        }
        return trainThread.isAlive() ? OpsServer.Readiness.ready(state) : OpsServer.Readiness.notReady("training loop stopped: " + state);
    }

    // ---------------------------------------------------------------- pool

    private void consumePool(Worker worker) throws Exception {
        worker.activity("reading labeled images");
        Map<String, Object> props = kafka.consumer(null, "meanstream-trainer-pool");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
             AutoCloseable consumerMetrics = metrics.bindWhileOpen(new KafkaClientMetrics(consumer))) {
            List<TopicPartition> partitions = TopicHistory.assignFromBeginning(consumer, topics.labeledImages().name());
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (!stopping) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (r.value() == null) { // a withdrawn label
                        if (r.key() != null) {
                            pool.remove(r.key());
                        }
                        continue;
                    }
                    try {
                        LabeledImage li = topics.labeledImages().valueSerde().deserializer().deserialize(r.topic(), r.value());
                        float[] chw = pipeline.decodeToChw(li.getImage());
                        pool.put(li.getImageId(), chw, li.getLabel().getClassIndex());
                    } catch (MalformedRecordException e) {
                        deadLetter("read-labeled-image", e.errorType(), e.getMessage(), r);
                    } catch (ImageDecodingException e) {
                        deadLetter("decode-labeled-image", e.reason().name(), e.getMessage(), r);
                    } catch (IllegalArgumentException e) {
                        deadLetter("read-labeled-image", "UNKNOWN_CLASS", e.getMessage(), r);
                    }
                }
                if (!poolCaughtUp && partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp))) {
                    poolCaughtUp = true;
                    log.info("labeled pool rebuilt from {}: {} training + {} holdout images", topics.labeledImages().name(),
                            pool.trainingSize(), pool.holdoutSize());
                }
                worker.progressed();
            }
        }
    }

    // ---------------------------------------------------------------- images

    private void consumeImages(Worker worker) throws Exception {
        worker.activity("reading images");
        Map<String, Object> props = kafka.consumer("meanstream-trainer-" + config.modelName(), "meanstream-trainer-images");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
             AutoCloseable consumerMetrics = metrics.bindWhileOpen(new KafkaClientMetrics(consumer))) {
            consumer.subscribe(List.of(topics.images().name()));
            while (!stopping) {
                Map<TopicPartition, OffsetAndMetadata> commit = pendingCommit.getAndSet(null);
                if (commit != null) {
                    commit.keySet().retainAll(consumer.assignment());
                    consumer.commitSync(commit);
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                long lag = 0;
                for (TopicPartition tp : consumer.assignment()) {
                    lag += consumer.currentLag(tp).orElse(0);
                }
                imageLag = lag;
                for (ConsumerRecord<String, byte[]> r : records) {
                    try {
                        Image image = imageReader.read(r.key(), r.headers(), r.value(), r.timestamp());
                        if (image != null) {
                            float[] chw = pipeline.decodeToChw(image); // decoded in every mode: bad images are dead letters
                            if (config.engine().unlabeledBatchSize() > 0) { // supervised mode draws no unlabeled images
                                buffer.add(chw, r.partition(), r.offset());
                            }
                        }
                    } catch (RecordRejectedException e) {
                        deadLetter("read-image", e.errorType(), e.getMessage(), r);
                    } catch (ImageDecodingException e) {
                        deadLetter("decode-image", e.reason().name(), e.getMessage(), r);
                    }
                    imagePositions.put(r.partition(), r.offset() + 1); // after the buffer has it (see checkpoint())
                }
                worker.progressed();
            }
        }
    }

    private volatile long imageLag;

    private double imageLag() {
        return imageLag;
    }

    private void deadLetter(String stage, String type, String message, ConsumerRecord<String, byte[]> r) {
        byte[] key = r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8);
        DeadLetter d = DeadLetters.of(SERVICE, stage, type, message, r.topic(), r.partition(), r.offset(), key, r.value());
        byte[] bytes = topics.deadLetters().valueSerde().serializer().serialize(topics.deadLetters().name(), d);
        producer.send(new ProducerRecord<>(topics.deadLetters().name(), key, bytes), (meta, e) -> {
            if (e != null) {
                log.error("cannot write a dead letter for {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
            }
        });
        deadLettersTotal.increment();
        log.warn("dead letter from {}-{}@{} at {}: {} {}", r.topic(), r.partition(), r.offset(), stage, type, message);
    }

    // ---------------------------------------------------------------- training

    private void train(Worker worker) throws Exception {
        int labeled = config.engine().labeledBatchSize();
        int unlabeled = config.engine().unlabeledBatchSize();
        int size = config.input().channels() * config.input().height() * config.input().width();
        long lastCheckpointStep = engine.steps();
        long lastCheckpointNanos = System.nanoTime();
        long lastReleaseStep = engine.steps();
        long lastReleaseNanos = System.nanoTime();
        try (NDManager manager = engine.newManager()) {
            while (!stopping) {
                worker.progressed(); // a finished step, or a check that found nothing to train on yet
                if (engine.steps() == lastReleaseStep) {
                    lastReleaseNanos = System.nanoTime(); // nothing trained since the last release: its timer starts at the next step
                }
                if (!poolCaughtUp || !pool.hasEnough(config.minLabels(), config.minLabelsPerClass())) {
                    state = "waiting for labels: " + pool.trainingSize() + " of " + config.minLabels();
                    worker.activity(state);
                    Thread.sleep(200);
                    continue;
                }
                List<float[]> images = buffer.take(unlabeled, 500);
                if (images == null) {
                    state = "waiting for unlabeled images";
                    worker.activity(state);
                    continue;
                }
                state = "training";
                worker.activity("training step " + (engine.steps() + 1));
                // Test-then-train once a released model exists to be judged (see Releaser): new labels wait for the next gate.
                pool.holdBackNewLabels(releaser.hasBest() ? config.releaseHoldBack() : 0);
                List<LabeledPool.Example> examples = pool.next(labeled);
                float[] x = new float[(labeled + unlabeled) * size];
                long[] y = new long[labeled];
                for (int i = 0; i < labeled; i++) {
                    System.arraycopy(examples.get(i).chw(), 0, x, i * size, size);
                    y[i] = examples.get(i).classIndex();
                }
                for (int i = 0; i < unlabeled; i++) {
                    System.arraycopy(images.get(i), 0, x, (labeled + i) * size, size);
                }
                StepStats stats;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray input = manager.create(x, new Shape(labeled + unlabeled, config.input().channels(), config.input().height(),
                            config.input().width()));
                    stats = engine.step(new TrainingBatch(input, manager.create(y), labeled));
                }
                record(stats, labeled + unlabeled);

                long now = System.nanoTime();
                if (engine.steps() - lastReleaseStep >= config.releaseEverySteps() || now - lastReleaseNanos >= config.releaseEvery().toNanos()) {
                    double seconds = (now - lastReleaseNanos) / 1e9;
                    stepsPerSecond.set((engine.steps() - lastReleaseStep) / seconds);
                    samplesPerSecond.set((engine.steps() - lastReleaseStep) * (labeled + unlabeled) / seconds);
                    worker.activity("releasing (step " + engine.steps() + ")");
                    releaser.tryRelease(engine, pool, Map.copyOf(imagePositions));
                    lastReleaseStep = engine.steps();
                    lastReleaseNanos = System.nanoTime();
                }
                if (engine.steps() - lastCheckpointStep >= config.checkpointEverySteps()
                        || now - lastCheckpointNanos >= config.checkpointEvery().toNanos()) {
                    worker.activity("checkpointing (step " + engine.steps() + ")");
                    checkpoint();
                    lastCheckpointStep = engine.steps();
                    lastCheckpointNanos = System.nanoTime();
                }
            }
            if (engine.steps() > lastCheckpointStep) {
                checkpoint(); // graceful shutdown: the finished steps are not lost
            }
        }
    }

    private void record(StepStats s, int rows) {
        stepsTotal.increment();
        samplesTotal.increment(rows);
        classLoss.set(s.classLoss());
        consistencyLoss.set(s.consistencyLoss());
        logitDistance.set(s.logitDistance());
        consistencyWeight.set(s.consistencyWeight());
        emaAlpha.set(s.emaAlpha());
    }

    /**
     * Writes a checkpoint, then lets the image consumer commit the offsets it covers: per partition, up to the
     * oldest buffered image never drawn (older images were trained on, or dropped on purpose).
     */
    private void checkpoint() throws Exception {
        Map<Integer, Long> positions = Map.copyOf(imagePositions); // before the buffer snapshot: see consumeImages
        Map<Integer, Long> unused = buffer.oldestUnusedOffsets();
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        positions.forEach((partition, next) -> commit.put(new TopicPartition(topics.images().name(), partition),
                new OffsetAndMetadata(Math.min(next, unused.getOrDefault(partition, Long.MAX_VALUE)))));
        checkpoints.write(engine, releaser.state());
        pendingCommit.set(commit);
    }

    private long restoreCheckpoint() throws Exception {
        byte[] extra = checkpoints.restoreNewest(engine);
        if (extra != null) {
            releaser.restoreState(extra);
            stepsTotal.increment(engine.steps()); // the step count continues across restarts
            log.info("resumed from checkpoint at step {}", engine.steps());
        }
        return engine.steps();
    }

    /** Graceful stop: finish the current step, checkpoint, close consumers, the join and the producer. */
    @Override
    public void close() throws Exception {
        stopping = true;
        trainingStopped.await(5, TimeUnit.MINUTES);
        trainThread.join(TimeUnit.MINUTES.toMillis(1));
        poolThread.join(10_000);
        imageThread.join(10_000);
        join.close(Duration.ofSeconds(30));
        producer.close(Duration.ofSeconds(30));
        ops.close();
        metrics.close();
        engine.close();
        log.info("trainer stopped at step {}", engine.steps());
    }
}

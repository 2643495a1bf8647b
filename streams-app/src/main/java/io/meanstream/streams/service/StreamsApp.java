package io.meanstream.streams.service;

import io.meanstream.config.Settings;
import io.meanstream.image.ImageLimits;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.Topics;
import io.meanstream.ops.Meters;
import io.meanstream.ops.OpsServer;
import io.meanstream.ops.StreamsLiveness;
import io.meanstream.ops.Worker;
import io.meanstream.ops.WorkerHealth;
import io.meanstream.ops.ServiceMetrics;
import io.meanstream.streams.model.ExecutionProvider;
import io.meanstream.streams.model.ModelHolder;
import io.meanstream.streams.model.ModelLoader;
import io.meanstream.streams.model.ModelSelection;
import io.meanstream.streams.requests.LabelRequestOptions;
import io.meanstream.streams.scoring.QualityTopology;
import io.meanstream.streams.scoring.ScoringOptions;
import io.meanstream.streams.scoring.ScoringTopology;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams-app: config, then the topology, a model follower, the ops server; start; close. Readiness comes
 * from the Kafka Streams state listener and the model holder, never from sleeping.
 */
public final class StreamsApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamsApp.class);

    private final ServiceMetrics metrics = new ServiceMetrics();
    private final ModelHolder holder = new ModelHolder();
    private final KafkaStreams streams;
    private final ModelFollower follower;
    private final Thread followerThread;
    private final WorkerHealth health;
    private final StreamsLiveness streamsLiveness;
    private final OpsServer ops;

    public StreamsApp(Settings s, KafkaClientConfig kafka, Topics topics) {
        try (Admin admin = Admin.create(kafka.admin("meanstream-streams-admin"))) {
            new TopicBootstrapper(admin).ensure(topics.all());
        }
        ExecutionProvider provider = ExecutionProvider.resolve(s.get(StreamsAppSettings.PROVIDER), () -> {
            log.warn("CUDA is not available; scoring on the CPU");
            metrics.meters().gauge("streams.cuda.fallback", "1 when auto fell back from CUDA to the CPU").set(1);
        });
        ScoringOptions options = new ScoringOptions(s.get(StreamsAppSettings.BATCH_SIZE), s.get(StreamsAppSettings.BATCH_WAIT),
                s.get(StreamsAppSettings.MAX_PENDING), ImageLimits.defaults(),
                s.get(StreamsAppSettings.PREDICTION_FORMAT));
        QualityTopology.Options quality = s.get(StreamsAppSettings.QUALITY)
                ? new QualityTopology.Options(s.get(StreamsAppSettings.QUALITY_MAX_LABEL_DELAY), s.get(StreamsAppSettings.QUALITY_WINDOW)) : null;
        LabelRequestOptions requests = s.get(StreamsAppSettings.LABEL_REQUESTS_PER_MINUTE) > 0
                ? new LabelRequestOptions(s.get(StreamsAppSettings.LABEL_REQUESTS_PER_MINUTE), s.get(StreamsAppSettings.LABEL_REQUESTS_MAX_OUTSTANDING),
                        s.get(StreamsAppSettings.LABEL_REQUESTS_WINDOW)) : null;
        this.streams = new KafkaStreams(ScoringTopology.build(topics, options, holder, metrics.meters(), s.get(StreamsAppSettings.CLASS_NAMES),
                quality, requests), properties(s, kafka));
        this.health = new WorkerHealth(s.get(StreamsAppSettings.STALL_TIMEOUT));
        this.streamsLiveness = StreamsLiveness.watch("kafka-streams", streams, health);
        metrics.bind(new KafkaStreamsMetrics(streams));
        long pinned = s.get(StreamsAppSettings.MODEL_VERSION);
        ModelSelection selection = new ModelSelection(s.get(StreamsAppSettings.MODEL_NAME), pinned < 0 ? ModelSelection.FOLLOW_NEWEST : pinned);
        this.follower = new ModelFollower(kafka, topics, selection,
                new ModelLoader(s.get(StreamsAppSettings.ORT_THREADS), provider, s.get(StreamsAppSettings.BATCH_SIZE)), holder, metrics);
        Worker followerWorker = health.worker("model-follower");
        this.followerThread = new Thread(() -> followerWorker.run(follower, follower::stopping), "model-follower");
        this.ops = new OpsServer("0.0.0.0", s.get(StreamsAppSettings.HTTP_PORT), metrics, this::readiness, health::liveness);
        ops.handle("/predict", new PredictHandler(holder));
    }

    static Properties properties(Settings s, KafkaClientConfig kafka) {
        Properties p = new Properties();
        p.putAll(kafka.properties());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, s.get(StreamsAppSettings.APPLICATION_ID));
        p.put(StreamsConfig.STATE_DIR_CONFIG, s.get(StreamsAppSettings.STATE_DIR));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.get(StreamsAppSettings.STREAM_THREADS));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, s.get(StreamsAppSettings.GUARANTEE));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(s.get(StreamsAppSettings.COMMIT_INTERVAL).toMillis()));
        // Values are read as bytes and parsed by the processor (bad ones become dead letters), so the
        // deserialization handler only ever sees broken keys; those are logged and skipped, never fatal.
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class.getName());
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ContinueOnRecordTooLarge.class.getName());
        p.put(StreamsConfig.producerPrefix("max.request.size"), Integer.toString(32 << 20));
        p.put(StreamsConfig.consumerPrefix("max.partition.fetch.bytes"), Integer.toString(32 << 20));
        // Defaults measured with bench-streams (docs/benchmarks.md); MEANSTREAM_KAFKA_* settings override them.
        // Fetch up to 10 ms worth of images at a time: at a steady rate the consumer otherwise returns a few
        // images per poll, and Kafka Streams' per-iteration work (task selection, punctuation and commit checks,
        // metrics) then costs more CPU per image than the scoring.
        clientDefault(p, false, "fetch.min.bytes", "65536");
        clientDefault(p, false, "fetch.max.wait.ms", "10");
        if (StreamsConfig.AT_LEAST_ONCE.equals(s.get(StreamsAppSettings.GUARANTEE))) {
            // Without transactions nothing waits for a commit, so Kafka Streams' 100 ms producer linger would
            // be the largest part of the latency.
            clientDefault(p, true, "linger.ms", "5");
            // poll.ms: how long Kafka Streams' loop may block in poll waiting for input (100 ms by default). Measured,
            // not derived: 10 ms cut the half-load p99 from 173-179 ms to 81-134 ms in three of four bench-streams
            // runs; under exactly-once the commits dominate and it does not help.
            p.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, "10");
        }
        return p;
    }

    /** Sets a default for Kafka Streams' main consumer or its producer unless the user set that property. */
    private static void clientDefault(Properties p, boolean producer, String property, String value) {
        List<String> userKeys = producer ? List.of(property, StreamsConfig.producerPrefix(property))
                : List.of(property, StreamsConfig.consumerPrefix(property), StreamsConfig.mainConsumerPrefix(property));
        if (userKeys.stream().noneMatch(p::containsKey)) {
            p.put(producer ? StreamsConfig.producerPrefix(property) : StreamsConfig.mainConsumerPrefix(property), value);
        }
    }

    private OpsServer.Readiness readiness() {
        if (state() != KafkaStreams.State.RUNNING) {
            return OpsServer.Readiness.notReady("Kafka Streams is " + state());
        }
        long version = holder.version();
        return version < 0 ? OpsServer.Readiness.notReady("no model loaded yet") : OpsServer.Readiness.ready("serving model v" + version);
    }

    /** Whether the app is alive: Kafka Streams (scoring and the quality join) and the model follower (what {@code /health} answers). */
    public OpsServer.Readiness liveness() {
        return health.liveness();
    }

    public StreamsApp start() {
        ops.start();
        followerThread.start();
        streams.start();
        return this;
    }

    public int httpPort() {
        return ops.port();
    }

    public long modelVersion() {
        return holder.version();
    }

    public KafkaStreams.State state() {
        return streamsLiveness.state();
    }

    public Meters metrics() {
        return metrics.meters();
    }

    @Override
    public void close() throws InterruptedException {
        streams.close(Duration.ofSeconds(60));
        follower.close();
        followerThread.join(10_000);
        holder.close();
        ops.close();
        metrics.close();
    }
}

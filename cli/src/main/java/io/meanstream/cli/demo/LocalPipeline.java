package io.meanstream.cli.demo;

import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.LocalKafkaBroker;
import io.meanstream.streams.service.StreamsApp;
import io.meanstream.streams.service.StreamsAppSettings;
import io.meanstream.trainer.service.TrainerConfig;
import io.meanstream.trainer.service.TrainerService;
import io.meanstream.trainer.service.TrainerSettings;
import io.meanstream.trainer.stream.HoldoutSplit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * The whole pipeline in this JVM, started in three steps so a caller can report each: an embedded broker,
 * the topics, then the trainer service and the streams-app (the same classes as the {@code trainer} and
 * {@code streams-app} commands). Closing stops them in reverse order. The demo and the live learning
 * benchmark both run on it, with the same service settings ({@link #trainerSettings}).
 */
final class LocalPipeline implements AutoCloseable {

    private final LocalKafkaBroker broker;
    private final KafkaClientConfig kafka;
    private final Topics topics = Topics.fromEnv();
    private TrainerService trainer;
    private StreamsApp app;
    private TrainerConfig trainerConfig;

    private LocalPipeline(LocalKafkaBroker broker) {
        this.broker = broker;
        this.kafka = KafkaClientConfig.ofBootstrap(broker.bootstrapServers());
    }

    /** Step 1: a single-node KRaft broker on {@code dataDir}. */
    static LocalPipeline startBroker(Path dataDir) throws Exception {
        return new LocalPipeline(LocalKafkaBroker.builder().dataDir(dataDir).build().start(Duration.ofSeconds(120)));
    }

    /** Step 2: the meanstream topics, created where missing. */
    TopicBootstrapper.Report createTopics() {
        try (Admin admin = Admin.create(kafka.admin("meanstream-local-pipeline"))) {
            return new TopicBootstrapper(admin).ensure(topics.all());
        }
    }

    /** Step 3: the trainer service and the streams-app, started. */
    void startServices(Settings trainerSettings, Settings streamsSettings) throws Exception {
        trainerConfig = TrainerConfig.from(trainerSettings);
        trainer = new TrainerService(trainerConfig, kafka, topics).start();
        app = new StreamsApp(streamsSettings, kafka, topics).start();
    }

    /**
     * The trainer's settings for a run of minutes on 2 shared cores: training starts after 20 labels with one
     * of each class, a model is released every 150 steps or 2 minutes, one PyTorch thread by default (the
     * broker, the streams-app and the feed need the other core), ephemeral HTTP port, state under {@code work}.
     * {@code overrides} (any trainer setting) win.
     */
    static Settings trainerSettings(Path work, long seed, int threads, Map<String, String> overrides) {
        return Settings.resolve(TrainerSettings.all(), trainerEnv(work, seed, threads, overrides), null);
    }

    /** {@link #trainerSettings} as environment variables, e.g. for a trainer in another JVM. */
    static Map<String, String> trainerEnv(Path work, long seed, int threads, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of(
                TrainerSettings.MIN_LABELS.env(), "20",
                TrainerSettings.MIN_LABELS_PER_CLASS.env(), "1",
                TrainerSettings.RELEASE_EVERY_STEPS.env(), "150",
                TrainerSettings.RELEASE_EVERY.env(), "2m",
                TrainerSettings.THREADS.env(), Integer.toString(threads),
                TrainerSettings.HTTP_PORT.env(), "0",
                TrainerSettings.SEED.env(), Long.toString(seed)));
        env.put(TrainerSettings.CHECKPOINT_DIR.env(), work.resolve("checkpoints").toString());
        env.put(TrainerSettings.MODEL_STORE.env(), work.resolve("models").toString());
        env.put(TrainerSettings.STATE_DIR.env(), work.resolve("trainer-streams").toString());
        env.putAll(overrides);
        return env;
    }

    /**
     * {@code overrides} with label requests at twice the pace of the planned label moments, so a moment of the
     * simulated annotator finds a request open (unless the user set the pace).
     */
    static Map<String, String> withRequestPace(Map<String, String> overrides, double labelsPerMinute) {
        Map<String, String> out = new HashMap<>(overrides);
        out.putIfAbsent(StreamsAppSettings.LABEL_REQUESTS_PER_MINUTE.env(), Double.toString(Math.max(1, 2 * labelsPerMinute)));
        return out;
    }

    /** The streams-app's settings: ephemeral HTTP port, state under {@code work}; {@code overrides} win. */
    static Settings streamsSettings(Path work, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of(
                StreamsAppSettings.HTTP_PORT.env(), "0",
                StreamsAppSettings.STATE_DIR.env(), work.resolve("streams-app").toString()));
        env.putAll(overrides);
        return Settings.resolve(StreamsAppSettings.all(), env, null);
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    KafkaClientConfig kafka() {
        return kafka;
    }

    Topics topics() {
        return topics;
    }

    TrainerService trainer() {
        return trainer;
    }

    /** The served model's name. */
    String modelName() {
        return trainerConfig.modelName();
    }

    /** Which labeled images the trainer keeps out of training to judge releases. */
    HoldoutSplit holdoutSplit() {
        return new HoldoutSplit(trainerConfig.holdoutFraction());
    }

    StreamsApp app() {
        return app;
    }

    @Override
    public void close() throws Exception {
        try (LocalKafkaBroker b = broker; TrainerService t = trainer; StreamsApp a = app) {
            // closed in reverse order: the streams-app, the trainer, then the broker
        }
    }
}

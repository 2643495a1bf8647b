package io.meanstream.labeler;

import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.Topics;
import io.meanstream.ops.OpsServer;
import io.meanstream.ops.ServiceMetrics;
import io.meanstream.ops.Worker;
import io.meanstream.ops.WorkerHealth;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labeler service: wires the topic reader (a worker), the image store, the label writer, the desk, the web app
 * and the ops endpoint; start; close. People answer the streams-app's label requests (or label recent images) in a
 * browser; each answer is a {@code Label} on the labels topic with the annotator's name.
 */
public final class Labeler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Labeler.class);

    private final Settings settings;
    private final ServiceMetrics metrics = new ServiceMetrics();
    private final WorkerHealth health;
    private final StreamReader reader;
    private final Thread readerThread;
    private final ImageStore images;
    private final LabelWriter writer;
    private final LabelerApp web;
    private final OpsServer ops;
    private final Topics topics;
    private final KafkaClientConfig kafka;
    private final LiveStats stats;

    public Labeler(Settings s, KafkaClientConfig kafka, Topics topics, Accounts accounts) {
        this.settings = s;
        this.kafka = kafka;
        this.topics = topics;
        List<String> classNames = s.get(LabelerSettings.CLASS_NAMES);
        int recentCount = s.get(LabelerSettings.RECENT_IMAGES);
        RequestQueue requests = new RequestQueue();
        RecentImages recent = new RecentImages(recentCount);
        this.stats = new LiveStats(Math.max(5_000, 5 * recentCount));
        this.health = new WorkerHealth(s.get(LabelerSettings.STALL_TIMEOUT));
        this.reader = new StreamReader(kafka, topics, classNames, requests, recent, stats, recentCount);
        Worker readerWorker = health.worker("topic-reader");
        this.readerThread = new Thread(() -> readerWorker.run(reader, reader::stopping), "labeler-topic-reader");
        this.images = new ImageStore(kafka, topics);
        this.writer = new LabelWriter(kafka, topics);
        LabelDesk desk = new LabelDesk(classNames, requests, recent, stats, writer, images);
        this.web = new LabelerApp(desk, accounts, s.get(LabelerSettings.SESSION_TIMEOUT), s.get(LabelerSettings.SECURE_COOKIE));
        var meters = metrics.meters();
        meters.gauge("labeler.requests.open", "Open label requests", requests::size);
        meters.gauge("labeler.recent.images", "Recent images remembered for labeling", recent::size);
        meters.gauge("labeler.labels.today", "Labels given today (UTC), by anyone", stats::labelsToday);
        meters.counter("labeler.records.skipped", "Records the labeler could not read (logged and skipped)", reader::skipped);
        this.ops = new OpsServer("0.0.0.0", s.get(LabelerSettings.OPS_PORT), metrics, this::readiness, health::liveness);
    }

    /** Accounts from {@code MEANSTREAM_LABELER_ACCOUNTS_FILE}. */
    public static Accounts accounts(Settings s) {
        return Accounts.load(Path.of(s.get(LabelerSettings.ACCOUNTS_FILE)));
    }

    public Labeler start() throws Exception {
        try (Admin admin = Admin.create(kafka.admin("meanstream-labeler-admin"))) {
            new TopicBootstrapper(admin).ensure(topics.all());
        }
        readerThread.start();
        web.start("0.0.0.0", settings.get(LabelerSettings.HTTP_PORT));
        ops.start();
        log.info("labeler on port {} (ops {}), labels to {}", web.port(), ops.port(), topics.labels().name());
        return this;
    }

    /** The labeling page's port (the ephemeral one when configured 0). */
    public int port() {
        return web.port();
    }

    /** Labels given today (UTC) by {@code annotator}, as read back from the labels topic. */
    public long labelsToday(String annotator) {
        return stats.labelsToday(annotator);
    }

    public int opsPort() {
        return ops.port();
    }

    private OpsServer.Readiness readiness() {
        return reader.caughtUp() ? OpsServer.Readiness.ready("caught up with the topics")
                : OpsServer.Readiness.notReady("reading the topics' history");
    }

    @Override
    public void close() throws Exception {
        reader.stop();
        readerThread.join(10_000);
        web.close();
        ops.close();
        writer.close();
        images.close();
        metrics.close();
    }
}

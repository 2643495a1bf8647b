package io.meanstream.cli.demo;

import io.meanstream.cli.ProgressBar;
import io.meanstream.cli.feed.DelayRange;
import io.meanstream.cli.feed.Feeder;
import io.meanstream.cli.feed.LabelPolicy;
import io.meanstream.data.LabeledImages;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.Topics;
import io.meanstream.ops.Meters;
import io.meanstream.schema.ModelRelease;
import io.meanstream.service.StopSignals;
import io.meanstream.streams.service.StreamsApp;
import io.meanstream.trainer.service.TrainerService;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one JVM on an embedded broker: broker, topics, trainer service, streams-app, a
 * Fashion-MNIST feed with sparse delayed labels, a live console view, and a report at the end.
 *
 * <p>One JVM, not several: a new user gets one process to start and one Ctrl-C to stop, the view reads the
 * services' own numbers directly, and on 2 cores three extra JVMs would cost memory and start-up time for
 * no benefit. The services are the same classes the separate {@code trainer} and {@code streams-app}
 * commands run (and the end-to-end tests run them in separate JVMs, where crashes are simulated).
 */
public final class Demo {

    private static final Logger log = LoggerFactory.getLogger(Demo.class);

    /** The demo's knobs, from the command line. */
    public record Options(double minutes, int labelsPerClass, double rate, DelayRange labelDelay, Path reportDir, Path kafkaDataDir,
                          long seed, int trainerThreads, boolean logToConsole, Map<String, String> serviceSettings, boolean baseline,
                          LabelPolicy labelPolicy, int labelerPort) {
    }

    private final Options options;
    private final PrintStream out;
    private final boolean interactive;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean interrupted;

    public Demo(Options options, PrintStream out, boolean interactive) {
        this.options = options;
        this.out = out;
        this.interactive = interactive;
    }

    /** Runs to the end of the planned minutes (or Ctrl-C), writes the report and returns its summary. */
    public DemoReport.Summary run(LabeledImages train, LabeledImages test) throws Exception {
        Files.createDirectories(options.reportDir());
        if (!options.logToConsole()) {
            ServiceLogs.toFile(options.reportDir().resolve("demo.log"));
            out.println("service logs: " + options.reportDir().resolve("demo.log"));
        }
        // Ctrl-C ends the run early; the report is still written, while the JVM is fully alive (StopSignals says why).
        StopSignals.install(() -> {
            interrupted = true;
            stopRequested.countDown();
        });
        Path work = Files.createTempDirectory("meanstream-demo-");
        try {
            return runWith(train, test, work);
        } finally {
            LocalFiles.deleteQuietly(work);
        }
    }

    private DemoReport.Summary runWith(LabeledImages train, LabeledImages test, Path work) throws Exception {
        long plannedMillis = (long) (options.minutes() * 60_000);
        int planned = (int) Math.min(train.count(), Math.max(1, Math.round(options.rate() * plannedMillis / 1000.0)));
        out.println("1/5 starting Kafka (embedded KRaft broker)...");
        Path kafkaDir = options.kafkaDataDir() != null ? options.kafkaDataDir() : work.resolve("kafka");
        try (LocalPipeline pipeline = LocalPipeline.startBroker(kafkaDir)) {
            TopicBootstrapper.Report report = pipeline.createTopics();
            out.printf("2/5 Kafka on %s, topics ready (%d created, %d existing)%n", pipeline.bootstrapServers(),
                    report.created().size(), report.existing().size());
            out.println("3/5 starting the trainer (DJL/PyTorch) and the streams-app (Kafka Streams + ONNX Runtime)...");
            pipeline.startServices(LocalPipeline.trainerSettings(work, options.seed(), options.trainerThreads(), options.serviceSettings()),
                    LocalPipeline.streamsSettings(work, LocalPipeline.withRequestPace(options.serviceSettings(),
                            (double) options.labelsPerClass() * train.classNames().size() / options.minutes())));
            DemoLabeler labeler = DemoLabeler.start(pipeline, options.labelerPort());
            KafkaClientConfig kafka = pipeline.kafka();
            Topics topics = pipeline.topics();
            TrainerService trainer = pipeline.trainer();
            StreamsApp app = pipeline.app();
            try (labeler;
                 BaselineTrainer baselineTrainer = options.baseline() ? startBaseline(pipeline, work) : null;
                 DemoObserver observer = new DemoObserver(kafka, topics, pipeline.modelName())) {
                out.printf("    trainer /metrics on http://127.0.0.1:%d/metrics, streams-app on http://127.0.0.1:%d/metrics%n",
                        trainer.httpPort(), app.httpPort());
                out.printf("    labeler on %s : sign in as %s with the one-time password %s (valid for this run) to label beside the simulation%n",
                        labeler.url(), DemoLabeler.USER, labeler.password());
                Thread observing = new Thread(observer, "demo-observer");
                observing.setDaemon(true);
                observing.start();

                out.printf("4/5 streaming %,d Fashion-MNIST training images at %.0f/s with %d labels per class (delay %s, %s images); Ctrl-C stops%n",
                        planned, options.rate(), options.labelsPerClass(), options.labelDelay(), options.labelPolicy().label());
                long start = System.currentTimeMillis();
                LiveFeed feed = LiveFeed.start(pipeline, train, planned, options.rate(), options.seed(), options.labelsPerClass(),
                        options.labelDelay(), options.labelPolicy());
                Feeder feeder = feed.feeder();
                long labelsPlanned = Math.min((long) options.labelsPerClass() * train.classNames().size(), planned);

                LiveConsole console = new LiveConsole(out, interactive);
                while (!stopRequested.await(1, TimeUnit.SECONDS)) {
                    long elapsed = System.currentTimeMillis() - start;
                    console.show(DemoView.render(status(elapsed, plannedMillis, feeder, labeler, labelsPlanned, trainer, app, observer, baselineTrainer)), false);
                    if (elapsed >= plannedMillis || !feed.isRunning()) {
                        break;
                    }
                }
                Exception feedFailure = feed.stop();
                if (feedFailure != null) {
                    log.error("the feed failed", feedFailure);
                    out.println("the feed failed: " + feedFailure.getMessage());
                }
                awaitPredictions(observer, feeder.imagesSent(), app);
                long elapsed = System.currentTimeMillis() - start;
                console.show(DemoView.render(status(elapsed, plannedMillis, feeder, labeler, labelsPlanned, trainer, app, observer, baselineTrainer)), true);
                if (baselineTrainer != null) {
                    baselineTrainer.close(); // its releases are on the topic; scoring them needs the core it trains on
                }

                out.println("5/5 scoring every released model on the 10,000 Fashion-MNIST test images...");
                DemoObserver.Snapshot topicsSeen = observer.snapshot();
                List<DemoObserver.GivenLabel> labels = observer.labels();
                Map<String, Long> firstDrawn = ReleaseHistory.firstDrawn(labels, trainer.pool());
                List<ModelRelease> served = observer.releasedModels().stream().filter(m -> m.getName().equals(pipeline.modelName())).toList();
                // Releases of another model on the topic: a baseline trainer a user runs beside the demo (in its own JVM).
                List<ModelRelease> baseline = observer.releasedModels().stream().filter(m -> !m.getName().equals(pipeline.modelName())).toList();
                ProgressBar bar = new ProgressBar(out, "models", Math.max(1, served.size() + baseline.size()), interactive);
                List<ReleaseHistory.ReleasePoint> points = ReleaseHistory.points(served, labels, observer.firstScoredMillis(), topicsSeen, start,
                        test, done -> bar.update(done, "served model"));
                List<ReleaseHistory.ReleasePoint> baselinePoints = ReleaseHistory.points(baseline, labels, Map.of(), topicsSeen, start, test,
                        done -> bar.update(served.size() + done, "baseline"));
                DemoReport.Story story = new DemoReport.Story(points, baselinePoints, ReleaseHistory.delays(labels, firstDrawn,
                        pipeline.holdoutSplit(), served, observer.firstScoredMillis()));
                ReleaseHistory.ReleasePoint newest = points.isEmpty() ? null : points.get(points.size() - 1);
                DemoReport.Summary summary = new DemoReport.Summary(elapsed / 60_000.0, options.labelsPerClass(), options.rate(),
                        feeder.imagesSent(), feeder.labelsSent(), topicsSeen.predictions(), points.size(),
                        newest == null ? -1 : newest.version(), newest == null ? -1 : newest.trainerStep(),
                        topicsSeen.lastWindowAccuracy(), topicsSeen.overallAccuracy(),
                        topicsSeen.judged(), newest == null ? Double.NaN : newest.testAccuracy(), topicsSeen.deadLetters(),
                        topicsSeen.deadLettersByReason(), trainer.steps(), interrupted);
                DemoReport.writeQuietly(options.reportDir(), start, topicsSeen, summary, story, out);
                out.println("stopping the services...");
                return summary;
            }
        }
    }

    /** The supervised-only trainer in its own JVM, on the demo trainer's settings, logging to the report directory. */
    private BaselineTrainer startBaseline(LocalPipeline pipeline, Path work) throws IOException {
        Path log = options.reportDir().resolve("baseline.log");
        BaselineTrainer baseline = BaselineTrainer.start(pipeline.bootstrapServers(), pipeline.modelName(),
                LocalPipeline.trainerEnv(work, options.seed(), options.trainerThreads(), options.serviceSettings()), work.resolve("baseline"), log);
        out.printf("    supervised-only baseline: trainer %s in its own JVM, %d PyTorch thread(s), log %s%n", baseline.modelName(),
                options.trainerThreads(), log);
        return baseline;
    }

    /** After the feed: give the streams-app a little time to score what was sent (only when a model exists). */
    private void awaitPredictions(DemoObserver observer, long images, StreamsApp app) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(interrupted ? 5 : 30);
        while (System.nanoTime() < deadline && app.modelVersion() >= 0 && observer.snapshot().predictions() < images) {
            Thread.sleep(200);
        }
    }

    private static DemoStatus status(long elapsed, long planned, Feeder feeder, DemoLabeler labeler, long labelsPlanned, TrainerService trainer,
                                     StreamsApp app, DemoObserver observer, BaselineTrainer baseline) {
        Meters m = trainer.metrics();
        return new DemoStatus(elapsed, planned, feeder.imagesSent(), feeder.labelsSent(), feeder.requestedLabelsSent(), labeler.labelsByPeople(),
                labelsPlanned, trainer.steps(),
                m.value("trainer.class.loss"), m.value("trainer.consistency.loss"), m.value("trainer.consistency.weight"),
                (long) m.value("trainer.labeled.pool.size"), (long) m.value("trainer.holdout.size"),
                app.modelVersion(), observer.snapshot(), baseline == null ? null
                : observer.releasedModels().stream().filter(r -> r.getName().equals(baseline.modelName())).toList());
    }

    /** Redraws the view in place on a terminal; prints it every 30 s into a pipe or file. */
    private static final class LiveConsole {
        private final PrintStream out;
        private final boolean interactive;
        private int drawnLines;
        private long lastPrint;

        LiveConsole(PrintStream out, boolean interactive) {
            this.out = out;
            this.interactive = interactive;
        }

        void show(List<String> lines, boolean last) {
            if (interactive) {
                StringBuilder b = new StringBuilder();
                if (drawnLines > 0) {
                    b.append("\033[").append(drawnLines).append('F'); // cursor up to the first line of the last frame
                }
                for (String line : lines) {
                    b.append(line).append("\033[K\n");
                }
                b.append("\033[J");
                out.print(b);
                out.flush();
                drawnLines = lines.size();
            } else if (last || System.currentTimeMillis() - lastPrint >= 30_000) {
                lastPrint = System.currentTimeMillis();
                lines.forEach(out::println);
                out.flush();
            }
        }
    }
}

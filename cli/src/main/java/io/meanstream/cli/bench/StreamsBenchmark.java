package io.meanstream.cli.bench;

import io.meanstream.config.Settings;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.ImageNormaliser;
import io.meanstream.image.TensorSpec;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.FreePorts;
import io.meanstream.kafka.local.LocalKafkaBroker;
import io.meanstream.onnx.OnnxScorer;
import io.meanstream.schema.Image;
import io.meanstream.schema.ImageEncoding;
import io.meanstream.schema.ModelRelease;
import io.meanstream.schema.Normalisation;
import io.meanstream.schema.Prediction;
import io.meanstream.streams.service.StreamsAppSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The streams-app benchmark: the same model on the same machine, side by side in one run.
 * <ol>
 *   <li>the raw ONNX Runtime batched loop on pre-normalised images (images/s: the limit);</li>
 *   <li>the streams-app in its own JVM, end to end through a real broker: maximum throughput (a backlog of
 *       images, time until all are predicted), then latency image event time to prediction received at a
 *       steady 50% and 100% of that throughput (p50/p99), and the app's peak RSS.</li>
 * </ol>
 */
public final class StreamsBenchmark {

    public record Result(Map<String, Object> values) {
    }

    /** Images slower than this count as slow (the half-load p99 target), ... */
    private static final double STALL_THRESHOLD_MS = 100;
    /** ... and slow images less than this far apart (image time) belong to the same stall. */
    private static final long STALL_GAP_MS = 50;
    /** How often the CPU time of every thread is sampled, and how many of the busiest thread groups are reported. */
    private static final long CPU_SAMPLE_MS = 100;
    private static final int BUSIEST_THREADS = 8;
    private static final String APP_GC_LOG = "streams-app-gc.log";

    private final PrintStream log;

    public StreamsBenchmark(PrintStream log) {
        this.log = log;
    }

    public Result run(byte[] onnx, LabeledImages images, int warmUp, int loadWarmUp, int backlog, int seconds, int batch, Path work) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("batchSize", batch);
        out.put("warmUpImages", warmUp);
        out.put("backlogImages", backlog);
        out.put("loadWarmUpSeconds", loadWarmUp);
        out.put("loadSeconds", seconds);
        out.put("modelBytes", onnx.length);
        Map<String, String> overrides = new TreeMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("MEANSTREAM_STREAMS_")) {
                overrides.put(k, v);
            }
        });
        out.put("streamsAppSettings", overrides);
        // The app inherits this environment: its MEANSTREAM_KAFKA_* client settings are part of the run's setup.
        Map<String, String> kafkaSettings = new TreeMap<>(KafkaClientConfig.resolve(null, null, System.getenv()).redacted());
        kafkaSettings.remove("bootstrap.servers"); // the embedded broker's, set below
        out.put("kafkaClientSettings", kafkaSettings);
        double raw = rawLoop(onnx, images, batch);
        out.put("rawOrtImagesPerSecond", Math.round(raw));
        List<GcPauses.Pause> benchPauses = GcPauses.recordThisJvm();

        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(work.resolve("kafka")).build().start(Duration.ofSeconds(120))) {
            KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(broker.bootstrapServers());
            Topics topics = Topics.defaults();
            try (Admin admin = Admin.create(kafka.admin("bench"))) {
                new TopicBootstrapper(admin).ensure(topics.all());
                // The broker stamps each image with its append time; the app gives every prediction its
                // image's record timestamp, so the latency splits at the broker append as well.
                admin.incrementalAlterConfigs(Map.of(new org.apache.kafka.common.config.ConfigResource(
                        org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topics.images().name()),
                        List.of(new org.apache.kafka.clients.admin.AlterConfigOp(new org.apache.kafka.clients.admin.ConfigEntry(
                                "message.timestamp.type", "LogAppendTime"), org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
                        .all().get();
            }
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("bench"), new StringSerializer(), new ByteArraySerializer());
                 KafkaConsumer<String, Prediction> predictions = consumer(kafka, topics)) {
                publish(producer, topics, onnx);
                int httpPort = FreePorts.next();
                Process app = startApp(broker.bootstrapServers(), work, batch, httpPort);
                // Every thread's CPU time in both JVMs and the machine's, sampled beside the run (no profiler).
                ThreadCpu cpu = new ThreadCpu(Map.of("app", app.pid(), "bench", ProcessHandle.current().pid()), CPU_SAMPLE_MS);
                try {
                    ReadyProbe.await(httpPort, app::isAlive, Duration.ofMinutes(3), Duration.ofMillis(200),
                            "the streams-app (log: " + work.resolve("streams-app.log") + ")");
                    // 0. warm-up, not measured: a fresh JVM spends a large share of the 2 cores in the JIT
                    // compiler during its first tens of thousands of images (measured: 0.65 cores in the app and
                    // 0.26 in this JVM during a cold 40,000-image backlog), which is not the steady state.
                    if (warmUp > 0) {
                        send(producer, topics, images, 0, warmUp, 0);
                        drain(predictions, warmUp, Duration.ofMinutes(10), null, 0);
                        awaitIdle(kafka, Duration.ofMinutes(5));
                        // the app's /metrics, read at each load's boundaries, is served once before anything is measured
                        StageHistograms.fetchQuietly(httpPort);
                        log.printf("warm-up: %d images through the app%n", warmUp);
                    }
                    // 1. throughput: a backlog of images, then the time until all have a prediction
                    long t0 = System.nanoTime();
                    long backlogStartMs = System.currentTimeMillis();
                    send(producer, topics, images, warmUp, backlog, 0);
                    int got = drain(predictions, backlog, Duration.ofMinutes(10), null, 0);
                    double e2e = got / ((System.nanoTime() - t0) / 1e9);
                    out.put("backlogCpu", cpu.window(backlogStartMs, System.currentTimeMillis(), BUSIEST_THREADS));
                    out.put("endToEndImagesPerSecond", Math.round(e2e));
                    out.put("endToEndShareOfRaw", Math.round(1000 * e2e / raw) / 1000.0);
                    log.printf("end to end: %d predictions, %.0f images/s (%.0f%% of the raw loop)%n", got, e2e, 100 * e2e / raw);
                    // 2. latency at 50% and 100% of the measured throughput. Each load starts from an idle app
                    // (the quality join has caught up with the backlog's predictions: its consumer group has no
                    // lag) and a warm-up at the same rate whose latencies are not counted, so the numbers are
                    // the steady state, not the tail of the previous phase.
                    int sent = warmUp + backlog;
                    for (double load : new double[] {0.5, 1.0}) {
                        double rate = e2e * load;
                        long idleMs = awaitIdle(kafka, Duration.ofMinutes(5));
                        out.put((load == 0.5 ? "halfLoad" : "fullLoad") + "IdleWaitMs", idleMs);
                        int warm = (int) (rate * loadWarmUp);
                        int n = (int) (rate * seconds);
                        int from = sent;
                        sent += warm + n;
                        List<Latency> latencies = new ArrayList<>();
                        // The app's stage histograms are read when the load warm-up has been sent and at the end.
                        AtomicReference<StageHistograms> afterWarmUp = new AtomicReference<>();
                        Thread sender = new Thread(() -> {
                            send(producer, topics, images, from, warm, rate);
                            afterWarmUp.set(StageHistograms.fetchQuietly(httpPort));
                            send(producer, topics, images, from + warm, n, rate);
                        });
                        sender.start();
                        drain(predictions, warm + n, Duration.ofMinutes(5), latencies, from + warm);
                        sender.join();
                        String tag = load == 0.5 ? "halfLoad" : "fullLoad";
                        out.put(tag + "Rate", Math.round(rate));
                        double[] sorted = percentiles(out, tag, latencies, l -> l.received());
                        // Where the time goes: image time -> broker append (the producer), append -> scored
                        // (consumed, batched, scored), scored -> received (the commit and the consumer).
                        double[] toBroker = percentiles(out, tag + "ToBroker", latencies, l -> l.appended());
                        double[] toScored = percentiles(out, tag + "BrokerToScored", latencies, l -> l.scored() - l.appended());
                        double[] toReceived = percentiles(out, tag + "ScoredToReceived", latencies, l -> l.received() - l.scored());
                        percentiles(out, tag + "ToScored", latencies, l -> l.scored());
                        log.printf("  image -> broker append p50 %.1f / p99 %.1f ms; append -> scored p50 %.1f / p99 %.1f ms; "
                                        + "scored -> received p50 %.1f / p99 %.1f ms%n", percentile(toBroker, 0.5), percentile(toBroker, 0.99),
                                percentile(toScored, 0.5), percentile(toScored, 0.99), percentile(toReceived, 0.5), percentile(toReceived, 0.99));
                        appStages(out, tag, afterWarmUp.get(), StageHistograms.fetchQuietly(httpPort));
                        stalls(out, tag, latencies, GcPauses.parse(readLines(work.resolve(APP_GC_LOG))), benchPauses, cpu);
                        log.printf("%.0f%% load (%.0f images/s): p50 %.1f ms, p99 %.1f ms over %d images%n", 100 * load, rate,
                                percentile(sorted, 0.5), percentile(sorted, 0.99), sorted.length);
                    }
                    out.put("appPeakRssMiB", peakRssMiB(app.pid()));
                } finally {
                    cpu.close();
                    app.destroy();
                    app.waitFor();
                }
            }
        }
        // The raw loop again, after the broker and the app are gone: on this machine it varies by +-10% from
        // run to run, so the share of raw is also given against the mean of the two.
        double rawAfter = rawLoop(onnx, images, batch);
        out.put("rawOrtAfterImagesPerSecond", Math.round(rawAfter));
        Object e2e = out.get("endToEndImagesPerSecond");
        if (e2e instanceof Long rate) {
            out.put("endToEndShareOfRawMean", Math.round(2000.0 * rate / (raw + rawAfter)) / 1000.0);
        }
        return new Result(out);
    }

    /**
     * Waits until the streams-app's consumer group has committed every record of its input topics (images,
     * predictions for the quality join, labels): the app is idle. Returns the wait in ms.
     */
    private long awaitIdle(KafkaClientConfig kafka, Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        try (Admin admin = Admin.create(kafka.admin("bench-lag"))) {
            String group = Settings.resolve(StreamsAppSettings.all(), System.getenv(), null).get(StreamsAppSettings.APPLICATION_ID);
            while (System.nanoTime() - t0 < timeout.toNanos()) {
                Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()));
                var ends = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                        org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get();
                long lag = 0;
                for (var e : committed.entrySet()) {
                    if (e.getValue() != null) {
                        lag += Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset());
                    }
                }
                // At most one transaction marker per partition may sit after the last committed record.
                if (!committed.isEmpty() && lag <= committed.size()) {
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    log.printf("streams-app idle (no consumer lag) after %d ms%n", ms);
                    return ms;
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the streams-app did not catch up within " + timeout);
    }

    private double rawLoop(byte[] onnx, LabeledImages images, int batch) throws Exception {
        ImageNormaliser normaliser = new ImageNormaliser(TensorSpec.fashionMnist());
        int size = 784;
        int n = 2048;
        float[] all = new float[n * size];
        for (int i = 0; i < n; i++) {
            normaliser.toChw(images.image(i), all, i * size);
        }
        try (OnnxScorer scorer = OnnxScorer.load(onnx, 1)) {
            for (int i = 0; i < 20; i++) {
                scorer.score(Arrays.copyOfRange(all, 0, batch * size), batch); // warm-up
            }
            long t0 = System.nanoTime();
            int scored = 0;
            while (System.nanoTime() - t0 < 10_000_000_000L) {
                int from = (scored % n) / batch * batch;
                if (from + batch > n) {
                    from = 0;
                }
                scorer.score(Arrays.copyOfRange(all, from * size, (from + batch) * size), batch);
                scored += batch;
            }
            double rate = scored / ((System.nanoTime() - t0) / 1e9);
            log.printf("raw ONNX Runtime loop: %.0f images/s (batch %d, 1 thread)%n", rate, batch);
            return rate;
        }
    }

    private static void publish(KafkaProducer<String, byte[]> producer, Topics topics, byte[] onnx) throws Exception {
        OnnxScorer probe = OnnxScorer.load(onnx, 1);
        var p = probe.provenance();
        probe.close();
        ModelRelease release = ModelRelease.newBuilder().setName(p.name()).setVersion(p.version()).setCreatedTime(Instant.now())
                .setTrainerStep(p.trainerStep()).setOnnx(ByteBuffer.wrap(onnx)).setSha256(OnnxScorer.sha256(onnx))
                .setInputShape(List.of(1, 28, 28)).setNormalisation(Normalisation.newBuilder().setMean(List.of(0.286f)).setStd(List.of(0.353f)).build())
                .setClassNames(p.classNames()).build();
        producer.send(new ProducerRecord<>(topics.models().name(), Topics.modelKey(p.name(), p.version()),
                topics.models().valueSerde().serializer().serialize("", release))).get();
    }

    /**
     * Inside the app, from its /metrics over the measured part of a load phase (bucket upper bounds): record
     * timestamp -> processed, processed -> scored, scored -> handed to the producer.
     */
    private void appStages(Map<String, Object> out, String tag, StageHistograms before, StageHistograms after) {
        if (before == null || after == null) {
            log.println("  inside the app: /metrics not readable");
            return;
        }
        StringBuilder line = new StringBuilder("  inside the app (bucket upper bounds):");
        for (StageHistograms.Stage stage : StageHistograms.Stage.values()) {
            double p50 = after.quantileMsSince(before, stage, 0.5);
            double p99 = after.quantileMsSince(before, stage, 0.99);
            out.put(tag + "App" + stage.label + "P50AtMostMs", Double.isFinite(p50) ? p50 : -1);
            out.put(tag + "App" + stage.label + "P99AtMostMs", Double.isFinite(p99) ? p99 : -1);
            line.append(String.format(" %s p50 <= %.1f / p99 <= %.1f ms;", stage.label, p50, p99));
        }
        log.println(line);
    }

    private Process startApp(String bootstrap, Path work, int batch, int httpPort) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Xlog:gc:file=" + work.resolve(APP_GC_LOG) + ":time", "-cp", System.getProperty("java.class.path"), "io.meanstream.cli.Meanstream", "streams-app")
                .redirectErrorStream(true).redirectOutput(work.resolve("streams-app.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("MEANSTREAM_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("MEANSTREAM_STREAMS_STATE_DIR", work.resolve("streams-state").toString());
        env.put("MEANSTREAM_STREAMS_HTTP_PORT", Integer.toString(httpPort)); // the benchmark reads its /metrics
        env.put("MEANSTREAM_STREAMS_BATCH_SIZE", Integer.toString(batch));
        env.put("MEANSTREAM_MODEL_NAME", "fashion-mnist");
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("MEANSTREAM_STREAMS_") && !k.equals("MEANSTREAM_STREAMS_HTTP_PORT") && !k.equals("MEANSTREAM_STREAMS_STATE_DIR")) {
                env.put(k, v); // lets a benchmark run try other streams-app settings
            }
        });
        return pb.start();
    }

    private static void send(KafkaProducer<String, byte[]> producer, Topics topics, LabeledImages images, int from, int n, double rate) {
        long t0 = System.nanoTime();
        for (int k = 0; k < n; k++) {
            if (rate > 0) {
                long due = t0 + (long) (k * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            int i = (from + k) % images.count();
            Image image = Image.newBuilder().setId("bench-" + (from + k)).setEventTime(Instant.now()).setSource("bench")
                    .setEncoding(ImageEncoding.RAW_U8).setWidth(28).setHeight(28).setChannels(1)
                    .setData(ByteBuffer.wrap(images.image(i).pixels())).build();
            producer.send(new ProducerRecord<>(topics.images().name(), image.getId(), topics.images().valueSerde().serializer().serialize("", image)));
        }
        producer.flush();
    }

    private static KafkaConsumer<String, Prediction> consumer(KafkaClientConfig kafka, Topics topics) {
        KafkaConsumer<String, Prediction> c = new KafkaConsumer<>(kafka.with(Map.of("isolation.level", "read_committed",
                "auto.offset.reset", "earliest")), new StringDeserializer(), topics.predictions().valueSerde().deserializer());
        List<TopicPartition> parts = c.partitionsFor(topics.predictions().name()).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        c.assign(parts);
        c.seekToEnd(parts);
        parts.forEach(c::position);
        return c;
    }

    /**
     * Reads n predictions; the latency of those for images numbered {@code countFrom} or later goes to {@code latencies}.
     * Every prediction is decoded and timed, counted or not: a measuring path that ran only inside the measured window
     * would be interpreted and JIT-compiled there (measured: this JVM's compiler threads took 0.5-0.6 of the two cores
     * in the first seconds of the half-load window, when only the measured images were decoded).
     */
    private static int drain(KafkaConsumer<String, Prediction> c, int n, Duration timeout, List<Latency> latencies, int countFrom) {
        int got = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (got < n && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, Prediction> r : c.poll(Duration.ofMillis(20))) {
                got++;
                Prediction p = r.value();
                Instant now = Instant.now();
                long image = p.getImageTime().toEpochMilli();
                // r.timestamp(): the image's broker append time, which the app gives its prediction
                Latency latency = new Latency(image, r.timestamp() - image, p.getScoredTime().toEpochMilli() - image,
                        Duration.between(p.getImageTime(), now).toNanos() / 1e6);
                if (latencies != null && Integer.parseInt(r.key().substring("bench-".length())) >= countFrom) {
                    latencies.add(latency);
                }
            }
        }
        return got;
    }

    /** The image's event time (epoch ms); ms from it to its broker append, to its scoring and to its prediction's receipt. */
    private record Latency(long imageMs, double appended, double scored, double received) {
    }

    /**
     * Images slower than {@link #STALL_THRESHOLD_MS}, grouped into stalls ({@link Stalls}), and the GC pauses of
     * both JVMs in the measured window and in the worst stalls' windows: whether the latency tail is spread
     * queueing or a few pauses, and whether garbage collection explains them.
     */
    private void stalls(Map<String, Object> out, String tag, List<Latency> latencies, List<GcPauses.Pause> appPauses,
                        List<GcPauses.Pause> benchPauses, ThreadCpu cpu) {
        if (latencies.isEmpty()) {
            return;
        }
        long[] imageMs = latencies.stream().mapToLong(Latency::imageMs).toArray();
        double[] received = latencies.stream().mapToDouble(Latency::received).toArray();
        List<Stalls.Stall> stalls = Stalls.find(imageMs, received, STALL_THRESHOLD_MS, STALL_GAP_MS);
        long from = Arrays.stream(imageMs).min().orElseThrow();
        long to = Arrays.stream(imageMs).max().orElseThrow() + (long) Arrays.stream(received).max().orElseThrow();
        out.put(tag + "SlowImages", stalls.stream().mapToInt(Stalls.Stall::images).sum());
        out.put(tag + "Stalls", stalls.size());
        out.put(tag + "AppGcPauses", gcSummary(GcPauses.within(appPauses, from, to)));
        out.put(tag + "BenchGcPauses", gcSummary(GcPauses.within(benchPauses, from, to)));
        out.put(tag + "Cpu", cpu.window(from, to, BUSIEST_THREADS));
        List<Map<String, Object>> worst = new ArrayList<>();
        for (Stalls.Stall s : stalls.subList(0, Math.min(3, stalls.size()))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("atSecond", Math.round((s.startMs() - from) / 100.0) / 10.0);
            m.put("spanMs", s.endMs() - s.startMs());
            m.put("images", s.images());
            m.put("maxLatencyMs", Math.round(s.maxLatencyMs()));
            m.put("appGcPausedMs", Math.round(GcPauses.pausedMs(appPauses, s.startMs(), s.windowEndMs())));
            m.put("benchGcPausedMs", Math.round(GcPauses.pausedMs(benchPauses, s.startMs(), s.windowEndMs())));
            m.put("cpu", cpu.window(s.startMs(), s.windowEndMs(), BUSIEST_THREADS));
            worst.add(m);
        }
        out.put(tag + "WorstStalls", worst);
        log.printf("  %d images over %.0f ms in %d stalls; worst: %s; GC pauses in the window: app %s, benchmark JVM %s; CPU in the window: %s%n",
                out.get(tag + "SlowImages"), STALL_THRESHOLD_MS, stalls.size(), worst, out.get(tag + "AppGcPauses"),
                out.get(tag + "BenchGcPauses"), out.get(tag + "Cpu"));
    }

    private static Map<String, Object> gcSummary(List<GcPauses.Pause> pauses) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", pauses.size());
        m.put("totalMs", Math.round(pauses.stream().mapToDouble(GcPauses.Pause::durationMs).sum()));
        m.put("maxMs", Math.round(pauses.stream().mapToDouble(GcPauses.Pause::durationMs).max().orElse(0)));
        return m;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Puts {@code <key>P50Ms} and {@code <key>P99Ms} of one latency component; returns its sorted values. */
    private static double[] percentiles(Map<String, Object> out, String key, List<Latency> latencies,
                                        ToDoubleFunction<Latency> component) {
        double[] sorted = latencies.stream().mapToDouble(component).sorted().toArray();
        out.put(key + "P50Ms", percentile(sorted, 0.50));
        out.put(key + "P99Ms", percentile(sorted, 0.99));
        return sorted;
    }

    private static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return Math.round(sorted[Math.max(0, i)] * 10) / 10.0;
    }

    private static long peakRssMiB(long pid) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(Path.of("/proc/" + pid + "/status"))))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}

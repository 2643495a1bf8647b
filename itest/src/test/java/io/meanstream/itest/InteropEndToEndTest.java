package io.meanstream.itest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.data.DatasetLocator;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.ImageEncoder;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.FreePorts;
import io.meanstream.records.PredictionRecords;
import io.meanstream.schema.DeadLetter;
import io.meanstream.schema.Image;
import io.meanstream.schema.ImageEncoding;
import io.meanstream.schema.Label;
import io.meanstream.schema.LabeledImage;
import io.meanstream.schema.Prediction;
import io.meanstream.serde.ContractSerdes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producers and consumers that are not meanstream's own, against the real pipeline (a broker, the trainer and
 * the streams-app, each in its own JVM, predictions in JSON): Debian's {@code kcat} and the Python client in
 * {@code examples/python/} (Debian's {@code python3-confluent-kafka}) send PNG files with headers and JSON
 * labels, and bad records of each new kind; then the README's three snippets (kcat, Python, Java with Avro)
 * run exactly as written there. Asserted: the trainer joins the JSON labels with the encoded images (its
 * labeled pool and a release need them: no other labels exist), every image has exactly one JSON prediction
 * with CloudEvents headers, the Python client reads them, and each bad record is a dead letter with its
 * reason from each service that reads it, and nothing else is.
 */
class InteropEndToEndTest {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final int PYTHON_IMAGES = 150;
    static final int KCAT_IMAGES = 50;

    private LabeledImages train;
    private Path work;
    private String bootstrap;
    private final Set<String> goodIds = new HashSet<>();
    private final Set<String> labeledIds = new HashSet<>();

    @Test
    void kcatPythonAndJavaThroughThePipeline(@TempDir Path work) throws Exception {
        this.work = work;
        train = FashionMnist.load(FashionMnist.Split.TRAIN, DatasetLocator.fashionMnist().allowDownload(false).build());
        int kafkaPort = FreePorts.next();
        int controllerPort = FreePorts.next();
        int trainerPort = FreePorts.next();
        int appPort = FreePorts.next();
        bootstrap = "127.0.0.1:" + kafkaPort;
        Map<String, String> trainerEnv = ServiceEnv.smallTrainer(bootstrap, work, trainerPort, Map.of(
                "MEANSTREAM_TRAINER_MIN_LABELS", "20", "MEANSTREAM_TRAINER_RELEASE_EVERY_STEPS", "30"));
        Map<String, String> appEnv = ServiceEnv.streamsApp(bootstrap, work, appPort, Map.of("MEANSTREAM_STREAMS_PREDICTION_FORMAT", "json"));
        KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(bootstrap);
        Topics topics = Topics.fromEnv();

        try (ChildJvm broker = ChildJvm.meanstream("kafka", work, "kafka", "--port", Integer.toString(kafkaPort),
                "--controller-port", Integer.toString(controllerPort), "--data-dir", work.resolve("kafka").toString())) {
            broker.awaitLine(l -> l.contains("Kafka is running on"), Duration.ofMinutes(2));
            try (ChildJvm trainer = ChildJvm.meanstream("trainer", work, trainerEnv, "trainer");
                 ChildJvm app = ChildJvm.meanstream("streams-app", work, appEnv, "streams-app")) {
                // Python: 150 PNG files, 4 labels per class by name, and its three bad records.
                List<String> pythonFiles = writePngs("python", "", 0, PYTHON_IMAGES);
                List<String> args = new ArrayList<>(List.of("--id-prefix", "py-", "images"));
                args.addAll(pythonFiles);
                python(args);
                python(labelArgs("py-", 0, PYTHON_IMAGES, 4));
                python(List.of("--id-prefix", "py-", "bad"));
                // kcat: 50 PNG files with a content-type header, 2 labels per class as JSON, and three bad records.
                List<String> kcatFiles = writePngs("kcat", "kcat-", PYTHON_IMAGES, KCAT_IMAGES);
                for (String file : kcatFiles) {
                    String id = Path.of(file).getFileName().toString().replace(".png", "");
                    kcat(null, "-P", "-t", "meanstream.images", "-k", id, "-H", "content-type=image/png", file);
                }
                kcatLabels(PYTHON_IMAGES, KCAT_IMAGES, 2);
                Path jpeg = work.resolve("kcat-bad.jpg");
                Files.write(jpeg, ImageEncoder.jpeg(train.image(0), 0.9f));
                kcat(null, "-P", "-t", "meanstream.images", "-H", "content-type=image/png", pythonFiles.get(0)); // no key
                kcat(null, "-P", "-t", "meanstream.images", "-k", "kcat-bad-lying-header", "-H", "content-type=image/png", jpeg.toString());
                kcat("{\"imageId\": \"kcat-bad-json\", \"class\": Sandal}", "-P", "-t", "meanstream.labels", "-k", "kcat-bad-json",
                        "-H", "content-type=application/json");

                // Training starts on these labels only; once the first model scored the images, the README's
                // snippets run as written.
                trainer.awaitLine(l -> l.contains("released ") && l.contains(" v1 at step"), Duration.ofMinutes(4));
                awaitPredictions(kafka, topics, Set.copyOf(goodIds));
                Path snippets = Files.createDirectories(work.resolve("snippets"));
                Files.write(snippets.resolve("sandal.png"), ImageEncoder.png(train.image(sandal())));
                Files.createSymbolicLink(snippets.resolve("examples"), REPO.resolve("examples"));
                String kcatOut = bash(snippets, Snippets.of(REPO.resolve("README.md"), "kcat", "bash"));
                String pythonOut = bash(snippets, Snippets.of(REPO.resolve("README.md"), "python", "bash"));
                readmeJavaSnippet(bootstrap, Files.readAllBytes(snippets.resolve("sandal.png")));
                goodIds.addAll(List.of("cam-3/000123", "sandal", "java-sandal"));
                labeledIds.addAll(List.of("cam-3/000123", "sandal", "java-sandal"));
                assertTrue(kcatOut.contains("\"className\""), "kcat printed JSON predictions:\n" + kcatOut);
                assertTrue(pythonOut.contains("\"modelVersion\""), "the Python client printed a prediction:\n" + pythonOut);

                // Every image exactly once, in JSON with CloudEvents headers.
                Map<String, Integer> predicted = awaitPredictions(kafka, topics, Set.copyOf(goodIds));
                Map<String, Integer> notOnce = new TreeMap<>();
                goodIds.forEach(id -> {
                    if (predicted.getOrDefault(id, 0) != 1) {
                        notOnce.put(id, predicted.getOrDefault(id, 0));
                    }
                });
                assertTrue(notOnce.isEmpty(), "images without exactly one prediction: " + notOnce);
                assertEquals(goodIds, predicted.keySet(), "predictions only for good images");

                // The Python client reads them all.
                String all = python(List.of("predictions", "--expect", Integer.toString(goodIds.size()), "--timeout", "60"));
                assertEquals(goodIds.size(), all.lines().filter(l -> l.startsWith("{")).map(l -> l.split("\"")[3]).distinct().count());

                // The trainer joined every JSON label with its encoded image.
                Set<String> pooled = new HashSet<>();
                readUntil(kafka, topics.labeledImages().name(), r -> {
                    LabeledImage li = ContractSerdes.labeledImage().decode(r.value());
                    pooled.add(li.getImageId());
                }, () -> pooled.containsAll(labeledIds), Duration.ofMinutes(2));
                assertEquals(labeledIds, pooled);

                // Bad records: a dead letter per service that reads them, with the reason; none for good ones.
                Map<String, List<String>> dead = new TreeMap<>();
                readUntil(kafka, topics.deadLetters().name(), r -> {
                    DeadLetter d = ContractSerdes.deadLetter().decode(r.value());
                    String key = d.getKey() == null ? "<no key>" : StandardCharsets.UTF_8.decode(d.getKey().duplicate()).toString();
                    dead.computeIfAbsent(key, k -> new ArrayList<>()).add(d.getService() + " " + d.getErrorType());
                    dead.get(key).sort(null);
                }, () -> dead.values().stream().mapToInt(List::size).sum() >= 10, Duration.ofMinutes(2));
                Map<String, List<String>> expected = new TreeMap<>(Map.of(
                        "<no key>", List.of("streams-app MISSING_KEY", "streams-app MISSING_KEY", "trainer MISSING_KEY", "trainer MISSING_KEY"),
                        "py-bad-lying-header", List.of("streams-app CONTENT_TYPE_MISMATCH", "trainer CONTENT_TYPE_MISMATCH"),
                        "kcat-bad-lying-header", List.of("streams-app CONTENT_TYPE_MISMATCH", "trainer CONTENT_TYPE_MISMATCH"),
                        "py-bad-json", List.of("trainer MALFORMED_JSON"),
                        "kcat-bad-json", List.of("trainer MALFORMED_JSON")));
                assertEquals(expected, dead);

                app.terminate();
                trainer.terminate();
                assertTrue(List.of(0, 143).contains(app.awaitExit(Duration.ofMinutes(1))), app.output());
                assertTrue(List.of(0, 143).contains(trainer.awaitExit(Duration.ofMinutes(2))), trainer.output());
            }
        }
    }

    /** Reads every prediction; each must be JSON with its CloudEvents headers. Returns predictions per image id. */
    private static Map<String, Integer> awaitPredictions(KafkaClientConfig kafka, Topics topics, Set<String> expected) {
        Map<String, Integer> predicted = new HashMap<>();
        List<String> problems = new ArrayList<>();
        readUntil(kafka, topics.predictions().name(), r -> {
            predicted.merge(r.key(), 1, Integer::sum);
            Prediction p = PredictionRecords.read(r.value());
            if (!"application/json".equals(header(r, "content-type")) || !(p.getImageId() + "@" + p.getModelVersion())
                    .equals(header(r, "ce_id")) || !p.getImageId().equals(r.key())) {
                problems.add(r.key() + ": " + header(r, "content-type") + " " + header(r, "ce_id"));
            }
        }, () -> predicted.keySet().containsAll(expected), Duration.ofMinutes(3));
        assertTrue(problems.isEmpty(), problems.toString());
        return predicted;
    }

    // snippet: java
    static void readmeJavaSnippet(String bootstrap, byte[] png) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            Image image = Image.newBuilder().setId("java-sandal").setEventTime(Instant.now()).setSource("/examples/java")
                    .setEncoding(ImageEncoding.PNG).setWidth(0).setHeight(0).setChannels(0).setData(ByteBuffer.wrap(png)).build();
            producer.send(new ProducerRecord<>("meanstream.images", image.getId(), ContractSerdes.image().encode(image)));
            Label label = Label.newBuilder().setImageId("java-sandal").setClassIndex(5).setAnnotator("alice").setTime(Instant.now()).build();
            producer.send(new ProducerRecord<>("meanstream.labels", label.getImageId(), ContractSerdes.label().encode(label)));
        }
    }
    // end snippet

    /** The README's Java snippet is this test's code, line for line. */
    @Test
    void readmeJavaSnippetIsTheTestedCode() throws IOException {
        String source = Files.readString(REPO.resolve("itest/src/test/java/io/meanstream/itest/InteropEndToEndTest.java"));
        List<String> tested = source.substring(source.indexOf("// snippet: java"), source.indexOf("// end snippet")).lines()
                .map(String::strip).filter(l -> !l.isEmpty()).toList();
        tested = tested.subList(2, tested.size() - 1); // the block inside the method
        List<String> readme = Snippets.of(REPO.resolve("README.md"), "java", "java").lines().map(String::strip)
                .filter(l -> !l.isEmpty()).toList();
        assertEquals(tested, readme);
    }

    /** Index of the first sandal in the training set beyond the images sent in bulk. */
    private int sandal() {
        for (int i = PYTHON_IMAGES + KCAT_IMAGES; ; i++) {
            if (train.label(i) == 5) {
                return i;
            }
        }
    }

    private List<String> writePngs(String dir, String prefix, int from, int count) throws IOException {
        Path folder = Files.createDirectories(work.resolve(dir));
        List<String> files = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            String id = String.format(Locale.ROOT, "%03d", i);
            Path file = folder.resolve(prefix + id + ".png");
            Files.write(file, ImageEncoder.png(train.image(i)));
            files.add(file.toString());
            goodIds.add((prefix.isEmpty() ? "py-" : prefix) + id);
        }
        return files;
    }

    /** {@code labels py-000=Sandal ...}: the first {@code perClass} images of each class, by class name. */
    private List<String> labelArgs(String prefix, int from, int count, int perClass) {
        List<String> args = new ArrayList<>(List.of("labels", "--annotator", "python-itest"));
        int[] given = new int[10];
        for (int i = from; i < from + count; i++) {
            if (given[train.label(i)]++ < perClass) {
                String id = prefix + String.format(Locale.ROOT, "%03d", i);
                args.add(id + "=" + FashionMnist.CLASS_NAMES.get(train.label(i)));
                labeledIds.add(id);
            }
        }
        return args;
    }

    private void kcatLabels(int from, int count, int perClass) throws Exception {
        int[] given = new int[10];
        for (int i = from; i < from + count; i++) {
            if (given[train.label(i)]++ < perClass) {
                String id = "kcat-" + String.format(Locale.ROOT, "%03d", i);
                kcat("{\"imageId\": \"" + id + "\", \"class\": " + train.label(i) + ", \"annotator\": \"kcat-itest\"}", "-P",
                        "-t", "meanstream.labels", "-k", id, "-H", "content-type=application/json");
                labeledIds.add(id);
            }
        }
    }

    private String kcat(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("kcat", "-b", bootstrap));
        command.addAll(List.of(args));
        return run(new ProcessBuilder(command).directory(work.toFile()), stdin);
    }

    private String python(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", REPO.resolve("examples/python/meanstream_client.py").toString(),
                "--bootstrap", bootstrap));
        command.addAll(args);
        return run(new ProcessBuilder(command).directory(work.toFile()), null);
    }

    /** Runs a README snippet in bash, with Debian's python3 first on the PATH (it has confluent-kafka). */
    private String bash(Path dir, String script) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(dir.toFile());
        builder.environment().put("BOOTSTRAP", bootstrap);
        builder.environment().put("PATH", "/usr/bin:" + builder.environment().getOrDefault("PATH", "/bin"));
        return run(builder, null);
    }

    private static String run(ProcessBuilder builder, String stdin) throws Exception {
        Process p = builder.redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "still running: " + builder.command());
        assertEquals(0, p.exitValue(), builder.command() + " failed:\n" + out);
        return out;
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Reads a topic from the beginning until {@code done} holds, then on to the end offsets of that moment. */
    private static void readUntil(KafkaClientConfig kafka, String topic, Consumer<ConsumerRecord<String, byte[]>> sink,
                                  java.util.function.BooleanSupplier done, Duration timeout) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer(null, "itest-interop"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>();
            await().atMost(timeout).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
                c.poll(Duration.ofMillis(300)).forEach(sink);
                if (end.isEmpty() && done.getAsBoolean()) {
                    end.putAll(c.endOffsets(parts)); // then drain to here: a duplicate written before now is seen
                }
                return !end.isEmpty() && end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
            });
        }
    }
}

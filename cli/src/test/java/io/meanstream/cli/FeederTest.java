package io.meanstream.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.cli.feed.DelayRange;
import io.meanstream.cli.feed.FashionMnistSource;
import io.meanstream.cli.feed.FeedFormat;
import io.meanstream.cli.feed.FeedOptions;
import io.meanstream.cli.feed.FeedPlan;
import io.meanstream.cli.feed.FeedResult;
import io.meanstream.cli.feed.Feeder;
import io.meanstream.cli.feed.ImageFolderSource;
import io.meanstream.cli.feed.LabelPolicy;
import io.meanstream.data.DatasetLocator;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.DecodedImage;
import io.meanstream.image.ImageDecoder;
import io.meanstream.image.ImageEncoder;
import io.meanstream.image.ImageLimits;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.SharedTestBroker;
import io.meanstream.records.ImageRecords;
import io.meanstream.records.LabelRecords;
import io.meanstream.schema.Image;
import io.meanstream.schema.Label;
import io.meanstream.schema.LabelRequest;
import io.meanstream.serde.ContractSerdes;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feeder against the real embedded broker and the real Fashion-MNIST files. */
class FeederTest {

    static LabeledImages train;

    @BeforeAll
    static void loadData() throws Exception {
        train = FashionMnist.load(FashionMnist.Split.TRAIN, DatasetLocator.fashionMnist().allowDownload(false).build());
    }

    @Test
    void feedsImagesAndLabelsPerClassWithDelays() throws Exception {
        Topics topics = Topics.withSuffix(".feeder-test");
        Feeder feeder = new Feeder(KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers()), topics, quiet());
        FeedOptions options = new FeedOptions(1000, 0, 7, true, 5, null, DelayRange.parse("50ms..300ms"), false);
        FeedResult result = feeder.feed(new FashionMnistSource(train, FashionMnist.Split.TRAIN, io.meanstream.schema.ImageEncoding.PNG), options);

        assertEquals(1000, result.imagesSent());
        assertEquals(50, result.labelsSent());
        assertArrayEquals(new int[] {5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, result.labelsPerClass());

        List<ConsumerRecord<String, byte[]>> images = readAll(topics.images().name(), 1000);
        List<ConsumerRecord<String, byte[]>> labels = readAll(topics.labels().name(), 50);
        assertEquals(1000, images.size());
        assertEquals(50, labels.size());
        assertEquals(1000, images.stream().map(ConsumerRecord::key).distinct().count(), "every image once");

        ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
        Map<String, Long> imageTimes = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : images) {
            Image image = topics.images().valueSerde().deserializer().deserialize(r.topic(), r.value());
            assertEquals(r.key(), image.getId());
            imageTimes.put(image.getId(), r.timestamp());
            int index = Integer.parseInt(image.getId().substring("fmnist-train-".length()));
            byte[] data = new byte[image.getData().remaining()];
            image.getData().get(data);
            DecodedImage decoded = decoder.decode(io.meanstream.image.ImageEncoding.PNG, data, 28, 28, 1);
            assertArrayEquals(train.image(index).pixels(), decoded.pixels(), "PNG carries the exact pixels");
        }
        for (ConsumerRecord<String, byte[]> r : labels) {
            Label label = topics.labels().valueSerde().deserializer().deserialize(r.topic(), r.value());
            int index = Integer.parseInt(label.getImageId().substring("fmnist-train-".length()));
            assertEquals(train.label(index), label.getClassIndex(), "simulated labels are the true classes");
            assertEquals(FashionMnist.CLASS_NAMES.get(label.getClassIndex()), label.getClassName());
            assertTrue(imageTimes.containsKey(label.getImageId()), "labels only for fed images");
            assertTrue(r.timestamp() >= imageTimes.get(label.getImageId()) + 40, "label comes after its delay");
            assertEquals(result.labels().get(label.getImageId()), label.getClassIndex());
        }
    }

    /** The raw form is what the trainer and the streams-app read as encoded images and JSON labels: same ids, pixels and classes. */
    @Test
    void rawFormatSendsEncodedImagesWithHeadersAndJsonLabels() throws Exception {
        Topics topics = Topics.withSuffix(".raw-format-test");
        Feeder feeder = new Feeder(KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers()), topics, quiet());
        FeedResult result = feeder.feed(new FashionMnistSource(train, FashionMnist.Split.TRAIN, io.meanstream.schema.ImageEncoding.JPEG),
                new FeedOptions(100, 0, 3, true, 2, null, null, false, false, FeedFormat.RAW));
        assertEquals(20, result.labelsSent());
        ImageRecords imageReader = new ImageRecords();
        for (ConsumerRecord<String, byte[]> r : readAll(topics.images().name(), 100)) {
            assertEquals("image/jpeg", new String(r.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8));
            Image image = imageReader.read(r.key(), r.headers(), r.value(), r.timestamp());
            assertEquals(r.key(), image.getId());
            assertEquals(io.meanstream.schema.ImageEncoding.JPEG, image.getEncoding());
            assertEquals("fashion-mnist-train", image.getSource());
        }
        LabelRecords labelReader = new LabelRecords();
        for (ConsumerRecord<String, byte[]> r : readAll(topics.labels().name(), 20)) {
            assertEquals('{', r.value()[0]);
            Label label = labelReader.read(r.key(), r.headers(), r.value(), r.timestamp(), FashionMnist.CLASS_NAMES);
            assertEquals(result.labels().get(r.key()), label.getClassIndex());
            assertEquals("meanstream-feeder", label.getAnnotator());
        }
    }

    @Test
    void labelsFirstProducesEveryLabelBeforeAnyImage() throws Exception {
        Topics topics = Topics.withSuffix(".labels-first-test");
        Feeder feeder = new Feeder(KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers()), topics, quiet());
        FeedResult result = feeder.feed(new FashionMnistSource(train, FashionMnist.Split.TRAIN, io.meanstream.schema.ImageEncoding.RAW_U8),
                new FeedOptions(200, 0, 1, true, null, 0.1, null, true));
        assertEquals(20, result.labelsSent());
        long lastLabel = readAll(topics.labels().name(), 20).stream().mapToLong(ConsumerRecord::timestamp).max().orElseThrow();
        long firstImage = readAll(topics.images().name(), 200).stream().mapToLong(ConsumerRecord::timestamp).min().orElseThrow();
        assertTrue(lastLabel <= firstImage, "labels before images");
    }

    @Test
    void paceFollowsTheRate() throws Exception {
        Topics topics = Topics.withSuffix(".rate-test");
        Feeder feeder = new Feeder(KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers()), topics, quiet());
        FeedResult result = feeder.feed(new FashionMnistSource(train, FashionMnist.Split.TRAIN, io.meanstream.schema.ImageEncoding.RAW_U8),
                new FeedOptions(40, 20, 1, false, 0, null, null, false));
        // 40 images at 20/s: the last one is due at 1.95 s.
        assertTrue(result.elapsed().compareTo(Duration.ofMillis(1900)) >= 0, result.elapsed().toString());
    }

    /**
     * The simulated annotator with the requested policy: at the planned label moments it answers open label requests
     * for images it sent (with their true class, marked requested), skips withdrawn ones and ones for images it never
     * sent, and gives the planned labels otherwise: as many labels as the random policy.
     */
    @Test
    void theRequestedPolicyAnswersOpenRequestsAtThePlannedLabelMoments() throws Exception {
        Topics topics = Topics.withSuffix(".feeder-requested-test");
        KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers());
        FashionMnistSource source = new FashionMnistSource(train, FashionMnist.Split.TRAIN, io.meanstream.schema.ImageEncoding.PNG);
        FeedOptions options = new FeedOptions(300, 0, 5, true, 2, null, DelayRange.parse("20ms..60ms"), false, true, FeedFormat.AVRO,
                LabelPolicy.REQUESTED);
        FeedPlan plan = FeedPlan.of(source, options);
        List<String> unplanned = new ArrayList<>();
        for (int k = 0; unplanned.size() < 3; k++) {
            if (!plan.labeled().get(k)) {
                unplanned.add(source.id(plan.order()[k]));
            }
        }
        try (Admin admin = Admin.create(kafka.admin("t"))) {
            new TopicBootstrapper(admin).ensure(topics.all());
        }
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.producer("t"), new StringSerializer(), new ByteArraySerializer())) {
            for (String id : List.of(unplanned.get(0), unplanned.get(1), unplanned.get(2), "never-sent")) {
                p.send(new ProducerRecord<>(topics.labelRequests().name(), id, ContractSerdes.labelRequest().encode(request(id, topics))));
            }
            p.send(new ProducerRecord<>(topics.labelRequests().name(), unplanned.get(1), null)); // withdrawn before any answer
        }

        FeedResult result = new Feeder(kafka, topics, quiet()).feed(source, options);

        assertEquals(20, result.labelsSent(), "as many labels as the plan has moments");
        assertEquals(2, result.requestedLabels());
        Map<String, Label> given = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : readAll(topics.labels().name(), 20)) {
            given.put(r.key(), topics.labels().valueSerde().deserializer().deserialize(r.topic(), r.value()));
        }
        for (String id : List.of(unplanned.get(0), unplanned.get(2))) {
            assertTrue(given.get(id).getRequested(), id + " answered as a request");
            assertEquals(train.label(Integer.parseInt(id.substring("fmnist-train-".length()))), given.get(id).getClassIndex(), "its true class");
        }
        assertTrue(!given.containsKey(unplanned.get(1)) && !given.containsKey("never-sent"), given.keySet().toString());
        assertEquals(18, given.values().stream().filter(l -> !l.getRequested()).count(), "the other moments label planned images");
    }

    static LabelRequest request(String id, Topics topics) {
        return LabelRequest.newBuilder().setImageId(id).setModelName("fashion-mnist").setModelVersion(1).setUncertainty(0.9)
                .setPredictedClass(0).setPredictedClassName("T-shirt/top").setProbabilities(List.of(0.5f, 0.4f))
                .setRequestedTime(java.time.Instant.now()).setImageTopic(topics.images().name()).setImagePartition(0).setImageOffset(0)
                .build();
    }

    @Test
    void planIsDeterministicForASeed() {
        FashionMnistSource source = new FashionMnistSource(train, FashionMnist.Split.TRAIN, io.meanstream.schema.ImageEncoding.RAW_U8);
        FeedOptions options = new FeedOptions(500, 0, 3, true, null, 0.2, null, false);
        FeedPlan a = FeedPlan.of(source, options);
        FeedPlan b = FeedPlan.of(source, options);
        assertArrayEquals(a.order(), b.order());
        assertEquals(a.labeled(), b.labeled());
        assertEquals(100, a.labeled().cardinality());
        FeedPlan other = FeedPlan.of(source, new FeedOptions(500, 0, 4, true, null, 0.2, null, false));
        assertTrue(!java.util.Arrays.equals(a.order(), other.order()));
    }

    @Test
    void spreadLabelsGiveExactlyKPerClassOverTheWholeFeed() {
        FashionMnistSource source = new FashionMnistSource(train, FashionMnist.Split.TRAIN, io.meanstream.schema.ImageEncoding.RAW_U8);
        FeedPlan plan = FeedPlan.of(source, new FeedOptions(5000, 0, 9, true, 10, null, null, false, true));
        int[] perClass = new int[10];
        int lastHalf = 0;
        for (int k = plan.labeled().nextSetBit(0); k >= 0; k = plan.labeled().nextSetBit(k + 1)) {
            perClass[source.classIndex(plan.order()[k])]++;
            if (k >= 2500) {
                lastHalf++;
            }
        }
        assertArrayEquals(new int[] {10, 10, 10, 10, 10, 10, 10, 10, 10, 10}, perClass);
        // First-K labeling would put all 100 labels in the first few hundred images; spread ones keep coming.
        assertTrue(lastHalf >= 30 && lastHalf <= 70, "labels in the second half: " + lastHalf);
        FeedPlan firstK = FeedPlan.of(source, new FeedOptions(5000, 0, 9, true, 10, null, null, false, false));
        assertTrue(firstK.labeled().previousSetBit(4999) < 500, "first-K labels all come early");
    }

    @Test
    void requestStopEndsTheFeedEarlyAndCountsWhatWasSent() throws Exception {
        Topics topics = Topics.withSuffix(".stop-test");
        Feeder feeder = new Feeder(KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers()), topics, quiet());
        Thread stopper = new Thread(() -> {
            Awaitility.await("20 images sent").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(10))
                    .until(() -> feeder.imagesSent() >= 20);
            feeder.requestStop();
        });
        stopper.start();
        FeedResult result = feeder.feed(new FashionMnistSource(train, FashionMnist.Split.TRAIN, io.meanstream.schema.ImageEncoding.RAW_U8),
                new FeedOptions(1000, 50, 1, false, 100, null, DelayRange.parse("10s"), false));
        stopper.join();
        assertTrue(result.imagesSent() >= 20 && result.imagesSent() < 1000, "stopped early: " + result.imagesSent());
        assertEquals(0, result.labelsSent(), "labels not yet due when stopped were never given");
        assertEquals(result.imagesSent(), feeder.imagesSent());
    }

    @Test
    void feedsAnImageFolderAsIs(@TempDir Path dir) throws Exception {
        for (String cls : List.of("cat", "dog")) {
            Files.createDirectories(dir.resolve(cls));
            for (int i = 0; i < 3; i++) {
                byte[] pixels = new byte[8 * 8 * 3];
                java.util.Arrays.fill(pixels, (byte) (cls.equals("cat") ? 10 * i : 200));
                Files.write(dir.resolve(cls).resolve(i + ".png"), ImageEncoder.png(new DecodedImage(8, 8, 3, pixels)));
            }
        }
        Topics topics = Topics.withSuffix(".folder-test");
        Feeder feeder = new Feeder(KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers()), topics, quiet());
        FeedResult result = feeder.feed(new ImageFolderSource(dir), new FeedOptions(-1, 0, 1, false, 1, null, null, false));
        assertEquals(6, result.imagesSent());
        assertArrayEquals(new int[] {1, 1}, result.labelsPerClass());
        List<ConsumerRecord<String, byte[]>> images = readAll(topics.images().name(), 6);
        Image first = topics.images().valueSerde().deserializer().deserialize("t", images.get(0).value());
        assertEquals(io.meanstream.schema.ImageEncoding.PNG, first.getEncoding());
        assertTrue(first.getId().startsWith("file:cat/") || first.getId().startsWith("file:dog/"), first.getId());
    }

    static PrintStream quiet() {
        return new PrintStream(java.io.OutputStream.nullOutputStream());
    }

    static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        Properties p = new Properties();
        p.putAll(KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers()).consumer(null, "test-reader"));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // Anything beyond the expected count would be a duplicate: read a little longer to catch it.
            consumer.poll(Duration.ofMillis(300)).forEach(out::add);
            return out;
        }
    }
}

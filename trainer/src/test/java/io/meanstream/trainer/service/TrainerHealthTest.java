package io.meanstream.trainer.service;

import static io.meanstream.trainer.service.TrainerServiceTest.config;
import static io.meanstream.trainer.service.TrainerServiceTest.http;
import static io.meanstream.trainer.service.TrainerServiceTest.image;
import static io.meanstream.trainer.service.TrainerServiceTest.produce;
import static io.meanstream.trainer.service.TrainerServiceTest.produceUnlabeled;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.data.DatasetLocator;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.FreePorts;
import io.meanstream.kafka.local.LocalKafkaBroker;
import io.meanstream.kafka.local.SharedTestBroker;
import io.meanstream.ops.OpsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import io.meanstream.schema.Label;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's {@code /health} sees every worker: wedged ones and killed ones turn it red by name, and a broker
 * outage is ridden out by the same process (its workers retry; nothing restarts it).
 */
class TrainerHealthTest {

    static LabeledImages train;

    @BeforeAll
    static void data() throws Exception {
        train = FashionMnist.load(FashionMnist.Split.TRAIN, DatasetLocator.fashionMnist().allowDownload(false).build());
    }

    @Test
    void aWedgedOrKilledWorkerTurnsHealthRedWithItsName(@TempDir Path dir) throws Exception {
        Topics topics = Topics.withSuffix(".trainer-health-test");
        KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers());
        TrainerConfig config = config(dir, "fmnist-health-test", Map.of("MEANSTREAM_TRAINER_BATCH_SIZE", "32",
                "MEANSTREAM_TRAINER_STALL_TIMEOUT", "10s"));
        try (TrainerService service = new TrainerService(config, kafka, topics).start()) {
            produce(topics, kafka, train);
            await().atMost(Duration.ofMinutes(2)).until(() -> service.steps() > 5);
            HttpResponse<String> green = health(service);
            assertEquals(200, green.statusCode(), green.body());
            assertEquals("ok: alive: image-consumer, label-join, labeled-pool, training-loop\n", green.body());

            // Wedge: hold the labeled pool's lock while a new label arrives; the pool reader blocks inside it with work
            // in hand, and so does the training loop at its next draw.
            synchronized (service.pool()) {
                produceLabeled(topics, kafka, 1500, 10);
                await().atMost(Duration.ofSeconds(60)).until(() -> service.liveness().reason().contains("training-loop has made no progress"));
                await().atMost(Duration.ofSeconds(60)).until(() -> service.liveness().reason().contains("labeled-pool has made no progress for"));
                OpsServer.Readiness red = service.liveness();
                assertTrue(!red.ready() && red.reason().contains("while reading labeled images"), red.reason());
                HttpResponse<String> probe = health(service);
                assertEquals(503, probe.statusCode());
                assertTrue(probe.body().startsWith("failed: "), probe.body());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> service.liveness().ready());

            for (String[] kill : new String[][] {{"trainer-images", "image-consumer died: interrupted"},
                    {"trainer-pool", "labeled-pool died: interrupted"}, {"trainer-loop", "training-loop died: interrupted"},
                    {"meanstream-trainer-join-fmnist-health-test", "label-join "}}) {
                Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().contains(kill[0])).forEach(Thread::interrupt);
                await().atMost(Duration.ofSeconds(60)).until(() -> service.liveness().reason().contains(kill[1]));
                assertEquals(503, health(service).statusCode());
            }
        }
    }

    @Test
    void aBrokerOutageIsRiddenOutWithoutARestart(@TempDir Path dir) throws Exception {
        int port = FreePorts.next();
        int controllerPort = FreePorts.next();
        Path data = dir.resolve("kafka");
        LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(data).port(port).controllerPort(controllerPort).build()
                .start(Duration.ofSeconds(60));
        Topics topics = Topics.withSuffix(".trainer-outage-test");
        KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(broker.bootstrapServers());
        TrainerConfig config = config(dir, "fmnist-outage-test", Map.of("MEANSTREAM_TRAINER_BATCH_SIZE", "32",
                "MEANSTREAM_TRAINER_RELEASE_EVERY_STEPS", "20"));
        try (TrainerService service = new TrainerService(config, kafka, topics).start()) {
            produce(topics, kafka, train);
            await().atMost(Duration.ofMinutes(2)).until(() -> service.releasedVersion() >= 1);
            broker.close();
            broker = LocalKafkaBroker.builder().dataDir(data).port(port).controllerPort(controllerPort).build().start(Duration.ofSeconds(60));
            long before = service.releasedVersion();
            produceUnlabeled(topics, kafka, train, 2000, 300);
            await().atMost(Duration.ofMinutes(3)).until(() -> service.releasedVersion() > before);
            assertTrue(service.liveness().ready(), service.liveness().reason());
            assertTrue(http(service.httpPort(), "/health").startsWith("ok: "));
        } finally {
            broker.close();
        }
    }

    static void produceLabeled(Topics topics, KafkaClientConfig kafka, int from, int count) {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.producer("test"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = from; i < from + count; i++) {
                String id = "fmnist-train-" + i;
                p.send(new ProducerRecord<>(topics.images().name(), id, topics.images().valueSerde().serializer().serialize("", image(train, i))));
                p.send(new ProducerRecord<>(topics.labels().name(), id, topics.labels().valueSerde().serializer().serialize("",
                        Label.newBuilder().setImageId(id).setClassIndex(train.label(i)).setTime(Instant.now()).build())));
            }
        }
    }

    static HttpResponse<String> health(TrainerService service) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

package io.meanstream.k8s;

import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.SharedTestBroker;
import io.meanstream.streams.service.StreamsApp;
import io.meanstream.streams.service.StreamsAppSettings;
import io.meanstream.trainer.service.TrainerConfig;
import io.meanstream.trainer.service.TrainerService;
import io.meanstream.trainer.service.TrainerSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The trainer and the streams-app as they run in their pods, on the in-process broker, for reading their /metrics. */
final class RunningServices implements AutoCloseable {

    private final TrainerService trainer;
    private final StreamsApp streamsApp;
    private final HttpClient http = HttpClient.newHttpClient();

    RunningServices(Path dir) throws Exception {
        Topics topics = Topics.withSuffix(".dashboard-test");
        KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers());
        Map<String, String> trainerEnv = new HashMap<>(Map.of("MEANSTREAM_MODEL_NAME", "dashboard-test", "MEANSTREAM_TRAINER_HTTP_PORT", "0",
                "MEANSTREAM_TRAINER_WIDTH", "8", "MEANSTREAM_TRAINER_THREADS", "1"));
        trainerEnv.put("MEANSTREAM_TRAINER_CHECKPOINT_DIR", dir.resolve("checkpoints").toString());
        trainerEnv.put("MEANSTREAM_TRAINER_STATE_DIR", dir.resolve("trainer-streams").toString());
        trainerEnv.put("MEANSTREAM_TRAINER_MODEL_STORE", dir.resolve("models").toString());
        trainer = new TrainerService(TrainerConfig.from(Settings.resolve(TrainerSettings.all(), trainerEnv, null)), kafka, topics).start();
        Map<String, String> streamsEnv = new HashMap<>(Map.of("MEANSTREAM_MODEL_NAME", "dashboard-test", "MEANSTREAM_STREAMS_HTTP_PORT", "0",
                "MEANSTREAM_STREAMS_APPLICATION_ID", "dashboard-test"));
        streamsEnv.put("MEANSTREAM_STREAMS_STATE_DIR", dir.resolve("streams-app").toString());
        streamsApp = new StreamsApp(Settings.resolve(StreamsAppSettings.all(), streamsEnv, null), kafka, topics).start();
    }

    String trainerMetrics() throws Exception {
        return get(trainer.httpPort());
    }

    String streamsAppMetrics() throws Exception {
        return get(streamsApp.httpPort());
    }

    private String get(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Override
    public void close() throws Exception {
        try (TrainerService t = trainer) {
            streamsApp.close();
        }
    }
}

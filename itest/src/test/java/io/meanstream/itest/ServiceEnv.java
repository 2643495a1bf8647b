package io.meanstream.itest;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Environments of the services the end-to-end tests start in child JVMs, with their state under the test's directory. */
final class ServiceEnv {

    private ServiceEnv() {
    }

    /** The small, fast test trainer (width 8, batches of 32 with 8 labeled, one thread); {@code extra} wins. */
    static Map<String, String> smallTrainer(String bootstrap, Path work, int httpPort, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "MEANSTREAM_KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "MEANSTREAM_TRAINER_WIDTH", "8", "MEANSTREAM_TRAINER_BATCH_SIZE", "32", "MEANSTREAM_TRAINER_LABELED_BATCH_SIZE", "8",
                "MEANSTREAM_TRAINER_HTTP_PORT", Integer.toString(httpPort), "MEANSTREAM_TRAINER_THREADS", "1"));
        env.put("MEANSTREAM_TRAINER_CHECKPOINT_DIR", work.resolve("checkpoints").toString());
        env.put("MEANSTREAM_TRAINER_STATE_DIR", work.resolve("trainer-streams").toString());
        env.put("MEANSTREAM_TRAINER_MODEL_STORE", work.resolve("models").toString());
        env.putAll(extra);
        return env;
    }

    /** A streams-app; {@code extra} wins. */
    static Map<String, String> streamsApp(String bootstrap, Path work, int httpPort, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "MEANSTREAM_KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "MEANSTREAM_STREAMS_HTTP_PORT", Integer.toString(httpPort),
                "MEANSTREAM_STREAMS_STATE_DIR", work.resolve("streams-app").toString()));
        env.putAll(extra);
        return env;
    }
}

package io.meanstream.cli;

import io.meanstream.config.Setting;
import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a started service until SIGTERM/Ctrl-C, then closes it: what the trainer and streams-app commands share. */
final class Services {

    private static final Logger log = LoggerFactory.getLogger(Services.class);

    private Services() {
    }

    /** Starts a service from its settings, as the trainer and streams-app commands do. */
    interface Starter {
        AutoCloseable start(Settings settings, KafkaClientConfig kafka) throws Exception;
    }

    /**
     * Resolves {@code settings} (environment over {@code configFile} over defaults) and the Kafka client
     * configuration, logs both (secrets redacted), starts the service and runs it until SIGTERM/Ctrl-C.
     */
    static int run(String name, List<Setting<?>> settings, Path configFile, String bootstrap, Starter starter) throws Exception {
        Settings resolved = Settings.resolve(settings, System.getenv(), configFile);
        KafkaClientConfig kafka = KafkaClientConfig.resolve(bootstrap, null);
        log.info("{} settings:\n{}  kafka: {}", name, resolved.describe(), kafka);
        return runUntilStopped(name, starter.start(resolved, kafka));
    }

    /**
     * Blocks until SIGTERM or SIGINT, then closes {@code service} on this thread, while the JVM (and ONNX
     * Runtime's native environment) is still alive; returns 0 after a clean close, 1 otherwise.
     */
    static int runUntilStopped(String name, AutoCloseable service) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        StopSignals.install(stop::countDown);
        stop.await();
        log.info("{}: stopping (finishing in-flight work, then closing)", name);
        try {
            service.close();
            log.info("{}: stopped cleanly", name);
            return 0;
        } catch (Exception e) {
            log.error("{}: unclean shutdown", name, e);
            return 1;
        }
    }
}

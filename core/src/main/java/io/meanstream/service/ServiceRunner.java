package io.meanstream.service;

import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a service in this JVM until SIGTERM/Ctrl-C, then closes it. The services' main classes, the CLI's
 * service commands and its {@code kafka} command share this, so all of them resolve, log and stop alike.
 */
public final class ServiceRunner {

    private static final Logger log = LoggerFactory.getLogger(ServiceRunner.class);

    private ServiceRunner() {
    }

    /**
     * The body of a service's main class: settings from the environment alone (what a pod sets), then
     * {@link #run}, then exits the JVM with its code. Whatever stops the start (a bad setting, an unreachable
     * broker, a native library that does not load) is logged and exits with 1, so threads already started
     * cannot keep a half-started service alive.
     */
    public static void runAndExit(Service service) {
        int code;
        try {
            code = run(service, null, null);
        } catch (Throwable e) {
            log.error("{}: cannot start", service.name(), e);
            code = 1;
        }
        System.exit(code);
    }

    /**
     * Resolves the service's settings (environment over {@code configFile} over defaults) and the Kafka client
     * configuration ({@code bootstrap}, if not null, over the environment), logs both with secrets redacted,
     * starts the service and runs it until stopped; returns 0 after a clean close, 1 otherwise. A failure to
     * start is thrown.
     */
    public static int run(Service service, Path configFile, String bootstrap) throws Exception {
        Settings resolved = Settings.resolve(service.settings(), System.getenv(), configFile);
        KafkaClientConfig kafka = KafkaClientConfig.resolve(bootstrap, null);
        log.info("{} settings:\n{}  kafka: {}", service.name(), resolved.describe(), kafka);
        return runUntilStopped(service.name(), service.start(resolved, kafka));
    }

    /**
     * Blocks until SIGTERM or SIGINT, then closes {@code service} on this thread, while the JVM (and ONNX
     * Runtime's native environment) is still alive; returns 0 after a clean close, 1 otherwise.
     */
    public static int runUntilStopped(String name, AutoCloseable service) throws InterruptedException {
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

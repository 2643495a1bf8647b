package io.meanstream.cli;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a started service until SIGTERM/Ctrl-C, then closes it: the service commands and {@code kafka} share this. */
final class Services {

    private static final Logger log = LoggerFactory.getLogger(Services.class);

    private Services() {
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

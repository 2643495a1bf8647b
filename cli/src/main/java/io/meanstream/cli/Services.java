package io.meanstream.cli;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a started service until SIGTERM/Ctrl-C, then closes it: what the trainer and streams-app commands share. */
final class Services {

    private static final Logger log = LoggerFactory.getLogger(Services.class);

    private Services() {
    }

    /** Blocks until the JVM is asked to stop; the shutdown hook closes {@code service} and lets the JVM exit. */
    static int runUntilStopped(String name, AutoCloseable service) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("{}: stopping (finishing in-flight work, then closing)", name);
            try {
                service.close();
            } catch (Exception e) {
                log.error("{}: unclean shutdown", name, e);
            }
            done.countDown();
        }, name + "-shutdown"));
        done.await();
        return 0;
    }
}

package io.meanstream.service;

import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT (Ctrl-C) as a request to stop, handled while the JVM is still fully alive.
 *
 * <p>Why not a shutdown hook: the JVM runs all hooks at once, and ONNX Runtime registers its own hook that
 * releases its native environment. A service still scoring (in-flight batches while Kafka Streams closes,
 * the demo's final evaluation) would then abort the process (exit 134) instead of stopping cleanly. With a
 * signal handler the command finishes its work first and then exits normally; a second signal forces the
 * exit.
 */
public final class StopSignals {

    private StopSignals() {
    }

    /** Calls {@code onStop} once, on the first SIGTERM or SIGINT; the second one exits at once with 130. */
    public static void install(Runnable onStop) {
        AtomicInteger count = new AtomicInteger();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (count.incrementAndGet() == 1) {
                    System.err.println("meanstream: SIG" + signal.getName() + " received, stopping (again to force)");
                    onStop.run();
                } else {
                    System.err.println("meanstream: second signal, exiting now");
                    System.exit(130);
                }
            });
        }
    }
}

package io.meanstream.kafka.local;

import java.time.Duration;

/**
 * One broker per test JVM: started on first use in a temporary directory, stopped and deleted when the
 * JVM exits. Tests isolate themselves with unique topic names instead of paying a broker start each.
 */
public final class SharedTestBroker {

    private static LocalKafkaBroker broker;

    private SharedTestBroker() {
    }

    /** Bootstrap servers of the shared broker, starting it if needed. */
    public static synchronized String bootstrapServers() {
        return broker().bootstrapServers();
    }

    public static synchronized LocalKafkaBroker broker() {
        if (broker == null) {
            LocalKafkaBroker started = LocalKafkaBroker.builder().temporary().build().start(Duration.ofSeconds(60));
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-test-broker-shutdown"));
            broker = started;
        }
        return broker;
    }
}

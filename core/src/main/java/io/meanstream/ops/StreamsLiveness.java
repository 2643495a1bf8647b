package io.meanstream.ops;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness of a Kafka Streams instance, from public API only: dead in ERROR (it never recovers by itself) or with
 * no stream thread left; stuck when a stream thread has not polled for the stall timeout (a processor wedged inside
 * a record) or the instance has been out of RUNNING (e.g. rebalancing) that long. Owns the instance's state
 * listener (Kafka Streams allows one) and exposes the state for readiness.
 */
public final class StreamsLiveness implements WorkerHealth.Check {

    private static final Logger log = LoggerFactory.getLogger(StreamsLiveness.class);

    private final String name;
    private final KafkaStreams streams;
    private final LongSupplier nanos;
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;
    private volatile long stateSince;

    private StreamsLiveness(String name, KafkaStreams streams, LongSupplier nanos) {
        this.name = name;
        this.streams = streams;
        this.nanos = nanos;
        this.stateSince = nanos.getAsLong();
    }

    /** Watches {@code streams} (call before it starts) and registers it with {@code health} under {@code name}. */
    public static StreamsLiveness watch(String name, KafkaStreams streams, WorkerHealth health) {
        StreamsLiveness liveness = new StreamsLiveness(name, streams, System::nanoTime);
        streams.setStateListener((now, before) -> {
            liveness.state = now;
            liveness.stateSince = liveness.nanos.getAsLong();
            log.info("{}: Kafka Streams {} -> {}", name, before, now);
        });
        health.register(name, liveness);
        return liveness;
    }

    public KafkaStreams.State state() {
        return state;
    }

    @Override
    public Optional<String> problem(Duration stallTimeout) {
        KafkaStreams.State s = state;
        if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.PENDING_ERROR) {
            return Optional.of(name + " is " + s);
        }
        if (s == KafkaStreams.State.CREATED || s == KafkaStreams.State.PENDING_SHUTDOWN || s == KafkaStreams.State.NOT_RUNNING) {
            return Optional.empty(); // not started yet, or closed on purpose
        }
        if (streams.metadataForLocalThreads().isEmpty()) {
            return Optional.of(name + " has no stream thread left");
        }
        long outOfRunning = nanos.getAsLong() - stateSince;
        if (s != KafkaStreams.State.RUNNING) {
            // A rebalance may hold a thread inside one poll: it is judged by how long it lasts, not by the poll's age.
            return outOfRunning > stallTimeout.toNanos()
                    ? Optional.of(name + " has been " + s + " for " + Duration.ofNanos(outOfRunning).toSeconds() + " s") : Optional.empty();
        }
        return stalestStreamThread(stallTimeout);
    }

    /** A stream thread's main consumer that has not polled for the stall timeout: the thread is wedged. */
    private Optional<String> stalestStreamThread(Duration stallTimeout) {
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName m = e.getKey();
            String client = m.tags().getOrDefault("client-id", "");
            if (m.name().equals("last-poll-seconds-ago") && m.group().equals("consumer-metrics")
                    && client.contains("-StreamThread-") && client.endsWith("-consumer") && !client.endsWith("-restore-consumer")) {
                Object value = e.getValue().metricValue();
                if (value instanceof Number seconds && seconds.doubleValue() > stallTimeout.toSeconds()) {
                    return Optional.of(name + ": " + client.substring(client.indexOf("StreamThread-"), client.length() - "-consumer".length())
                            + " has not polled for " + seconds.longValue() + " s (wedged in a record?)");
                }
            }
        }
        return Optional.empty();
    }
}

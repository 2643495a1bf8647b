package io.meanstream.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;

/**
 * Liveness of a service made of long-running workers: {@code /health} is red, naming each worker and its last
 * error, once any worker is dead or stuck (see {@link Worker}) or any other registered check fails (e.g. a
 * Kafka Streams instance, see {@link StreamsLiveness}). Kubernetes' liveness probe then restarts the pod, the one
 * cure for a thread that no longer runs.
 */
public final class WorkerHealth {

    /** A named liveness check that is not a {@link Worker}: empty while alive, else why not. */
    @FunctionalInterface
    public interface Check {
        Optional<String> problem(Duration stallTimeout);
    }

    private final Duration stallTimeout;
    private final LongSupplier nanos;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Map<String, Check> checks = new ConcurrentSkipListMap<>();

    /** Workers retry after 1 s, doubling up to 30 s, and are stuck after {@code stallTimeout} without progress. */
    public WorkerHealth(Duration stallTimeout) {
        this(stallTimeout, System::nanoTime, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public WorkerHealth(Duration stallTimeout, LongSupplier nanos, Duration initialBackoff, Duration maxBackoff) {
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("the stall timeout must be positive, not " + stallTimeout);
        }
        this.stallTimeout = stallTimeout;
        this.nanos = nanos;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /** Registers a worker; its thread should run its loop through {@link Worker#run}. */
    public Worker worker(String name) {
        Worker worker = new Worker(name, nanos, initialBackoff, maxBackoff);
        register(name, worker::problem);
        return worker;
    }

    public void register(String name, Check check) {
        if (checks.putIfAbsent(name, check) != null) {
            throw new IllegalArgumentException("a worker named " + name + " is registered already");
        }
    }

    public Duration stallTimeout() {
        return stallTimeout;
    }

    /** Red with every problem found, or green naming the workers watched. */
    public OpsServer.Readiness liveness() {
        List<String> problems = new ArrayList<>();
        checks.values().forEach(c -> c.problem(stallTimeout).ifPresent(problems::add));
        return problems.isEmpty()
                ? OpsServer.Readiness.ready("alive: " + String.join(", ", checks.keySet()))
                : OpsServer.Readiness.notReady(String.join("; ", problems));
    }
}

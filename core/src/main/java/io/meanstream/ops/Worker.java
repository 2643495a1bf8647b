package io.meanstream.ops;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The liveness of one long-running worker thread, as {@link WorkerHealth} judges it: the worker says when it made
 * progress (a loop iteration finished, with or without work), and {@link #run} restarts its session after a
 * transient failure with exponential backoff. It is dead once its session ends by an interrupt or an
 * {@link Error} while the service is not stopping, and stuck when it has not progressed for the stall timeout
 * (wedged, or failing at every retry).
 */
public final class Worker {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    /** One attempt at the worker's job: opens what it needs (e.g. a consumer), loops until stopping, closes it. */
    @FunctionalInterface
    public interface Session {
        void run(Worker worker) throws Exception;
    }

    private final String name;
    private final LongSupplier nanos;
    private final IntervalFunction backoff;
    private volatile long lastProgress;
    private volatile String activity = "starting";
    private volatile String lastError;
    private volatile String deathCause;
    private volatile boolean stopped;
    private int failuresInARow;

    Worker(String name, LongSupplier nanos, Duration initialBackoff, Duration maxBackoff) {
        this.name = name;
        this.nanos = nanos;
        // Jittered so that workers failing on the same broker outage do not retry in lock step.
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(initialBackoff, 2.0, 0.25, maxBackoff);
        this.lastProgress = nanos.getAsLong();
    }

    public String name() {
        return name;
    }

    /** A loop iteration finished (found work and did it, or found none): the worker is not stuck. */
    public void progressed() {
        lastProgress = nanos.getAsLong();
        failuresInARow = 0;
    }

    /** What the worker is doing now, named when it is found stuck (e.g. "releasing", "waiting for labels"). */
    public void activity(String activity) {
        this.activity = activity;
    }

    /**
     * Runs {@code session} on the calling thread until it returns while {@code stopping} is true. A session that
     * throws an {@link Exception} is retried after a backoff (growing with the failures since the last progress); an
     * interrupt or an {@link Error} ends the worker as dead (unless the service is stopping), and so does a session
     * that returns while the service is not stopping.
     */
    public void run(Session session, BooleanSupplier stopping) {
        try {
            while (true) {
                try {
                    session.run(this);
                    if (!stopping.getAsBoolean()) {
                        died("its loop ended while the service is running");
                    }
                    return;
                } catch (InterruptedException | InterruptException e) {
                    if (!stopping.getAsBoolean()) {
                        died("interrupted");
                    }
                    return;
                } catch (Exception e) {
                    if (stopping.getAsBoolean()) {
                        return;
                    }
                    long waitMillis = backoff.apply(++failuresInARow);
                    lastError = e.toString();
                    log.warn("{} failed ({} in a row since its last progress); retrying in {} ms", name, failuresInARow, waitMillis, e);
                    Thread.sleep(waitMillis); // a backoff before the retry, not synchronisation
                }
            }
        } catch (InterruptedException e) {
            if (!stopping.getAsBoolean()) {
                died("interrupted while backing off");
            }
        } catch (Error e) {
            died(e.toString());
            throw e;
        } finally {
            stopped = true;
        }
    }

    private void died(String cause) {
        deathCause = cause;
        log.error("{} died: {}{}", name, cause, lastError == null ? "" : " (last error: " + lastError + ")");
    }

    /** Why the worker cannot make progress, or empty while it is alive and progressing (or stopped on purpose). */
    Optional<String> problem(Duration stallTimeout) {
        if (deathCause != null) {
            return Optional.of(name + " died: " + deathCause + (lastError == null ? "" : "; last error: " + lastError));
        }
        if (stopped) {
            return Optional.empty();
        }
        long idleNanos = nanos.getAsLong() - lastProgress;
        if (idleNanos > stallTimeout.toNanos()) {
            return Optional.of(name + " has made no progress for " + Duration.ofNanos(idleNanos).toSeconds() + " s while "
                    + activity + (lastError == null ? "" : "; last error: " + lastError));
        }
        return Optional.empty();
    }
}

package io.meanstream.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WorkerHealthTest {

    final AtomicLong clock = new AtomicLong();
    final WorkerHealth health = new WorkerHealth(Duration.ofSeconds(60), clock::get, Duration.ofMillis(1), Duration.ofMillis(5));

    void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    @Test
    void aWorkerThatStopsProgressingIsStuckAfterTheStallTimeoutAndNamesWhatItWasDoing() {
        Worker pool = health.worker("labeled-pool");
        Worker loop = health.worker("training-loop");
        pool.activity("reading labeled images");
        advance(Duration.ofSeconds(59));
        assertTrue(health.liveness().ready(), health.liveness().reason());
        pool.progressed(); // an idle loop iteration counts: waiting for work is not being stuck
        loop.progressed();
        advance(Duration.ofSeconds(59));
        assertTrue(health.liveness().ready());
        advance(Duration.ofSeconds(2));
        OpsServer.Readiness red = health.liveness();
        assertFalse(red.ready());
        assertTrue(red.reason().contains("labeled-pool has made no progress for 61 s while reading labeled images"), red.reason());
        assertTrue(red.reason().contains("training-loop has made no progress"), red.reason()); // every problem is named
        pool.progressed();
        assertTrue(health.liveness().reason().startsWith("training-loop"), health.liveness().reason());
    }

    @Test
    void transientFailuresAreRetriedWithBackoffAndRecoverWithoutADeath() throws Exception {
        Worker worker = health.worker("image-consumer");
        AtomicInteger sessions = new AtomicInteger();
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch recovered = new CountDownLatch(1);
        Thread t = new Thread(() -> worker.run(w -> {
            if (sessions.incrementAndGet() <= 3) {
                throw new IOException("broker unreachable #" + sessions.get());
            }
            w.progressed();
            recovered.countDown();
            while (!stopping.get()) {
                Thread.sleep(5);
            }
        }, stopping::get));
        t.start();
        recovered.await();
        assertTrue(health.liveness().ready(), health.liveness().reason());
        advance(Duration.ofSeconds(61)); // no progress since the recovery: stuck, and the last error says why it might be
        assertTrue(health.liveness().reason().contains("image-consumer has made no progress for 61 s while starting; last error: "
                + "java.io.IOException: broker unreachable #3"), health.liveness().reason());
        stopping.set(true);
        t.join();
        assertTrue(health.liveness().ready(), "a worker stopped on purpose is not a problem: " + health.liveness().reason());
    }

    @Test
    void aFailingWorkerIsStuckOnceItHasRetriedForTheStallTimeout() {
        Worker worker = health.worker("model-follower");
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicInteger attempts = new AtomicInteger();
        Thread t = new Thread(() -> worker.run(w -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("topic authorization failed");
        }, stopping::get));
        t.start();
        await().until(() -> attempts.get() >= 3);
        assertTrue(health.liveness().ready());
        advance(Duration.ofSeconds(61));
        assertTrue(health.liveness().reason().contains("last error: java.lang.IllegalStateException: topic authorization failed"),
                health.liveness().reason());
        stopping.set(true);
        await().until(() -> t.getState() == Thread.State.TERMINATED);
    }

    @Test
    void anInterruptedWorkerIsDeadWithItsName() {
        Worker worker = health.worker("training-loop");
        Thread t = new Thread(() -> worker.run(w -> {
            while (true) {
                w.progressed();
                Thread.sleep(10);
            }
        }, () -> false));
        t.start();
        t.interrupt();
        await().until(() -> !health.liveness().ready());
        assertTrue(health.liveness().reason().startsWith("training-loop died: interrupted"), health.liveness().reason());
    }

    @Test
    void aLoopThatEndsWhileTheServiceRunsIsDeadAndAnErrorTooButAStopIsNot() throws Exception {
        Worker ended = health.worker("pool");
        Thread a = new Thread(() -> ended.run(w -> { }, () -> false));
        a.start();
        a.join();
        assertTrue(health.liveness().reason().contains("pool died: its loop ended while the service is running"), health.liveness().reason());

        WorkerHealth other = new WorkerHealth(Duration.ofSeconds(60));
        Worker crashed = other.worker("releaser");
        Thread b = new Thread(() -> crashed.run(w -> {
            throw new OutOfMemoryError("Java heap space");
        }, () -> false));
        b.setUncaughtExceptionHandler((thread, e) -> { });
        b.start();
        b.join();
        assertTrue(other.liveness().reason().contains("releaser died: java.lang.OutOfMemoryError: Java heap space"), other.liveness().reason());

        WorkerHealth third = new WorkerHealth(Duration.ofSeconds(60));
        Worker stopped = third.worker("images");
        stopped.run(w -> { }, () -> true);
        assertTrue(third.liveness().ready());
    }
}

package io.meanstream.streams.model;

import io.meanstream.onnx.OnnxModelException;
import io.meanstream.onnx.OnnxScorer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model being served, swapped atomically. Scoring takes a {@link Lease}; a swap makes new leases get the
 * new model at once, while batches already running keep the old one, which is closed when its last lease is
 * returned. So no batch ever runs on a closed session and no old session leaks.
 */
public final class ModelHolder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelHolder.class);

    private final AtomicReference<Served> current = new AtomicReference<>();

    /** A model with a reference count: one for being current, one per lease. */
    private static final class Served {
        final OnnxScorer scorer;
        final AtomicInteger references = new AtomicInteger(1);

        Served(OnnxScorer scorer) {
            this.scorer = scorer;
        }

        boolean tryAcquire() {
            while (true) {
                int n = references.get();
                if (n == 0) {
                    return false; // already closed
                }
                if (references.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (references.decrementAndGet() == 0) {
                try {
                    scorer.close();
                    log.info("closed model {} v{}", scorer.provenance().name(), scorer.provenance().version());
                } catch (OnnxModelException e) {
                    log.warn("closing model v{} failed: {}", scorer.provenance().version(), e.getMessage());
                }
            }
        }
    }

    /** The model for one batch; return it with {@link #close()}. */
    public static final class Lease implements AutoCloseable {
        private final Served served;
        private boolean closed;

        private Lease(Served served) {
            this.served = served;
        }

        public OnnxScorer scorer() {
            return served.scorer;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                served.release();
            }
        }
    }

    /** A lease on the current model, or null when no model has been loaded yet. */
    public Lease acquire() {
        while (true) {
            Served s = current.get();
            if (s == null) {
                return null;
            }
            if (s.tryAcquire()) {
                return new Lease(s);
            }
            // lost a race with a swap that retired s; read the new current model
        }
    }

    /** Serves {@code scorer} from now on; the previous model closes once its running batches finish. */
    public void swap(OnnxScorer scorer) {
        Served previous = current.getAndSet(new Served(scorer));
        if (previous != null) {
            previous.release();
        }
    }

    /** Version of the model being served, or -1. */
    public long version() {
        Served s = current.get();
        return s == null ? -1 : s.scorer.provenance().version();
    }

    @Override
    public void close() {
        Served s = current.getAndSet(null);
        if (s != null) {
            s.release();
        }
    }
}

package io.meanstream.streams.scoring;

import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory micro-batch of one stream thread: the images of all the scoring tasks that thread runs, scored
 * together. Per task, a short batch wait left one or two images per ONNX Runtime call at a steady rate (the
 * images topic has 6 partitions, so 6 tasks share the images), and those small calls kept the stream thread
 * busy enough at half load to queue images for hundreds of ms. Each scored image's outcome goes back to the
 * task that read it, which forwards it in its own context at its next process, punctuation or commit.
 * Confined to its stream thread: Kafka Streams runs a task's processing, punctuation and commits on one thread.
 */
final class ThreadBatch {

    private static final ThreadLocal<ThreadBatch> OF_THREAD = ThreadLocal.withInitial(ThreadBatch::new);

    /** An image, the task (processor) that read it, and when it joined a batch ({@link System#nanoTime()}). */
    record Entry(ScoringProcessor owner, ScoringProcessor.Pending image, long addedNanos) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private long oldestMs;

    static ThreadBatch ofCurrentThread() {
        return OF_THREAD.get();
    }

    void add(ScoringProcessor owner, ScoringProcessor.Pending image, long nowMs) {
        if (entries.isEmpty()) {
            oldestMs = nowMs;
        }
        entries.add(new Entry(owner, image, System.nanoTime()));
    }

    int size() {
        return entries.size();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Wall-clock time the oldest image in the batch was added. */
    long oldestMs() {
        return oldestMs;
    }

    /** All entries, in arrival order; the batch is empty afterwards. */
    List<Entry> takeAll() {
        List<Entry> all = new ArrayList<>(entries);
        entries.clear();
        return all;
    }

    /** Takes out the images of one task (to keep them durably, or to drop them when it closes without a commit). */
    List<ScoringProcessor.Pending> take(ScoringProcessor owner) {
        List<ScoringProcessor.Pending> own = new ArrayList<>();
        entries.removeIf(e -> e.owner() == owner && own.add(e.image()));
        return own;
    }
}

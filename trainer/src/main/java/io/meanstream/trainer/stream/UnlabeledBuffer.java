package io.meanstream.trainer.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The bounded shuffle buffer of unlabeled images between the image consumer and the training loop. When
 * images arrive faster than training uses them, the oldest are dropped (and counted); when slower, each
 * image is drawn up to {@code maxUses} times before it is retired, and the training loop waits when nothing
 * usable is left. Draws are uniform over the images in the buffer, seeded.
 */
public final class UnlabeledBuffer {

    private static final class Slot {
        final float[] chw;
        final int partition;
        final long offset;
        int uses;

        Slot(float[] chw, int partition, long offset) {
            this.chw = chw;
            this.partition = partition;
            this.offset = offset;
        }
    }

    private final int capacity;
    private final int maxUses;
    private final List<Slot> slots;
    private final SplittableRandom random;
    private long added;
    private long dropped;
    private long retired;

    public UnlabeledBuffer(int capacity, int maxUses, long seed) {
        if (capacity < 1 || maxUses < 1) {
            throw new IllegalArgumentException("capacity and maxUses must be >= 1");
        }
        this.capacity = capacity;
        this.maxUses = maxUses;
        this.slots = new ArrayList<>(capacity);
        this.random = new SplittableRandom(seed);
    }

    /** Adds an image with no source position (tests, offline use). */
    public void add(float[] chw) {
        add(chw, -1, -1);
    }

    /**
     * Adds an image read from {@code partition} at {@code offset}; when full, the oldest image is dropped to
     * make room.
     */
    public synchronized void add(float[] chw, int partition, long offset) {
        added++;
        if (slots.size() == capacity) {
            Slot evicted = slots.remove(0); // the list is kept in arrival order: index 0 is the oldest
            if (evicted.uses == 0) {
                dropped++; // never trained on
            }
        }
        slots.add(new Slot(chw, partition, offset));
        notifyAll();
    }

    /** Draws {@code n} distinct images, waiting up to {@code timeoutMillis} for enough; null on timeout. */
    public synchronized List<float[]> take(int n, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (slots.size() < n) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return null;
            }
            wait(left);
        }
        // n distinct images (a partial Fisher-Yates over slot indices), uniform over the buffer.
        int[] index = new int[slots.size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        List<float[]> out = new ArrayList<>(n);
        List<Integer> usedUp = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(index.length - i);
            int t = index[i];
            index[i] = index[j];
            index[j] = t;
            Slot slot = slots.get(index[i]);
            out.add(slot.chw);
            if (++slot.uses >= maxUses) {
                usedUp.add(index[i]);
            }
        }
        usedUp.sort(java.util.Comparator.reverseOrder()); // remove from the back so indices stay valid
        for (int k : usedUp) {
            slots.remove(k);
            retired++;
        }
        return out;
    }

    /**
     * Per partition, the smallest offset of an image still in the buffer that was never drawn: a checkpoint
     * taken now covers every image before it (trained on, or dropped on purpose), so consumer offsets may be
     * committed up to it, and images from it on are read again after a crash.
     */
    public synchronized java.util.Map<Integer, Long> oldestUnusedOffsets() {
        java.util.Map<Integer, Long> out = new java.util.HashMap<>();
        for (Slot s : slots) {
            if (s.uses == 0 && s.partition >= 0) {
                out.merge(s.partition, s.offset, Math::min);
            }
        }
        return out;
    }

    public synchronized int size() {
        return slots.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Images dropped before they were ever used (arrivals faster than training). */
    public synchronized long dropped() {
        return dropped;
    }

    public synchronized long added() {
        return added;
    }

    /** Images removed after {@code maxUses} draws. */
    public synchronized long retired() {
        return retired;
    }
}

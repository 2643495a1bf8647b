package io.meanstream.trainer.data;

import java.util.SplittableRandom;

/**
 * Draws two-stream minibatches by index: a fixed number of labeled examples, cycled forever over the
 * labeled pool (reshuffled at every pass), followed by unlabeled examples, cycled the same way over the
 * unlabeled pool. Deterministic for a seed. With an empty unlabeled share it yields labeled rows only.
 */
public final class TwoStreamSampler {

    private final Cycle labeled;
    private final Cycle unlabeled;
    private final int labeledPerBatch;
    private final int unlabeledPerBatch;

    public TwoStreamSampler(int[] labeledPool, int[] unlabeledPool, int labeledPerBatch, int unlabeledPerBatch, long seed) {
        if (labeledPool.length == 0) {
            throw new IllegalArgumentException("the labeled pool is empty");
        }
        if (unlabeledPerBatch > 0 && unlabeledPool.length == 0) {
            throw new IllegalArgumentException("the unlabeled pool is empty but batches need " + unlabeledPerBatch + " unlabeled rows");
        }
        SplittableRandom random = new SplittableRandom(seed);
        this.labeled = new Cycle(labeledPool, random.split());
        this.unlabeled = new Cycle(unlabeledPool, random.split());
        this.labeledPerBatch = labeledPerBatch;
        this.unlabeledPerBatch = unlabeledPerBatch;
    }

    public int labeledPerBatch() {
        return labeledPerBatch;
    }

    /** The next batch's indices: labeledPerBatch labeled ones first, then unlabeledPerBatch unlabeled ones. */
    public int[] next() {
        int[] out = new int[labeledPerBatch + unlabeledPerBatch];
        for (int i = 0; i < labeledPerBatch; i++) {
            out[i] = labeled.next();
        }
        for (int i = 0; i < unlabeledPerBatch; i++) {
            out[labeledPerBatch + i] = unlabeled.next();
        }
        return out;
    }

    /** Completed passes over the labeled pool. */
    public long labeledEpochs() {
        return labeled.passes;
    }

    /** An endless shuffled walk over a pool: every element once per pass, a new order each pass. */
    private static final class Cycle {
        private final int[] order;
        private final SplittableRandom random;
        private int position;
        private long passes;

        Cycle(int[] pool, SplittableRandom random) {
            this.order = pool.clone();
            this.random = random;
            shuffle();
        }

        int next() {
            if (position == order.length) {
                passes++;
                position = 0;
                shuffle();
            }
            return order[position++];
        }

        private void shuffle() {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
    }
}

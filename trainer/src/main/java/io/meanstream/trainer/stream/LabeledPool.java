package io.meanstream.trainer.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The labeled examples the trainer knows, by image id: each normalised image with its latest class, on the
 * training side or the holdout side of a {@link HoldoutSplit}. A later label for the same image replaces
 * the earlier one (the old class stops being trained on at once). Training draws labeled examples by
 * cycling forever over the training side in a shuffled order, reshuffled (and extended with new
 * examples) at every pass. Thread-safe: the pool consumer adds while the training loop draws.
 *
 * <p>Test-then-train: once {@link #holdBackNewLabels} is on, a training-side image labeled for the first
 * time is held back (up to a bound) instead of joining the training side. No model has trained on it, so it
 * judges the next release candidate and the best released model on equal terms; {@link #admitHeldBack()}
 * then hands it over to training. Corrections of images already trained on are never held back: the old
 * label was learnt.
 */
public final class LabeledPool {

    /** One labeled example: the CHW tensor and its class. */
    public record Example(String imageId, float[] chw, int classIndex) {
    }

    private final HoldoutSplit holdout;
    private final int numClasses;
    private final Map<String, Example> training = new HashMap<>();
    private final Map<String, Example> held = new HashMap<>();
    private final Map<String, Example> heldBack = new LinkedHashMap<>();
    private int holdBackMax;
    private final int[] perClass;
    private final SplittableRandom random;
    private List<String> order = new ArrayList<>();
    private int position;
    private long passes;
    private long corrections;
    /** When each image was first drawn for training (epoch ms): a model exported later has learned from it. */
    private final Map<String, Long> firstDrawn = new HashMap<>();

    public LabeledPool(HoldoutSplit holdout, int numClasses, long seed) {
        this.holdout = holdout;
        this.numClasses = numClasses;
        this.perClass = new int[numClasses];
        this.random = new SplittableRandom(seed);
    }

    /** Adds or replaces the example of an image; returns true when it replaced an earlier label. */
    public synchronized boolean put(String imageId, float[] chw, int classIndex) {
        if (classIndex < 0 || classIndex >= numClasses) {
            throw new IllegalArgumentException("class " + classIndex + " outside [0, " + numClasses + ")");
        }
        Map<String, Example> side = holdout.isHoldout(imageId) ? held
                : !training.containsKey(imageId) && (heldBack.containsKey(imageId) || heldBack.size() < holdBackMax) ? heldBack
                : training;
        Example previous = side.put(imageId, new Example(imageId, chw, classIndex));
        if (side == training) {
            if (previous != null) {
                perClass[previous.classIndex()]--;
            }
            perClass[classIndex]++;
        }
        if (previous != null) {
            corrections++;
        }
        return previous != null;
    }

    /** Removes an image's example, wherever it is (a withdrawn label); returns true when there was one. */
    public synchronized boolean remove(String imageId) {
        Example trained = training.remove(imageId);
        if (trained != null) {
            perClass[trained.classIndex()]--;
        }
        Example other = held.remove(imageId);
        Example back = heldBack.remove(imageId);
        return trained != null || other != null || back != null;
    }

    public synchronized int trainingSize() {
        return training.size();
    }

    public synchronized int holdoutSize() {
        return held.size();
    }

    /** Training examples per class. */
    public synchronized int[] perClass() {
        return perClass.clone();
    }

    public synchronized long corrections() {
        return corrections;
    }

    /** Completed passes over the training side. */
    public synchronized long passes() {
        return passes;
    }

    /** True when training may start: at least {@code minTotal} examples and {@code minPerClass} of every class. */
    public synchronized boolean hasEnough(int minTotal, int minPerClass) {
        if (training.size() < minTotal) {
            return false;
        }
        for (int c : perClass) {
            if (c < minPerClass) {
                return false;
            }
        }
        return true;
    }

    /** The next {@code n} training examples of the endless shuffled cycle (the latest label of each). */
    public synchronized List<Example> next(int n) {
        if (training.isEmpty()) {
            throw new IllegalStateException("the labeled pool is empty");
        }
        List<Example> out = new ArrayList<>(n);
        while (out.size() < n) {
            if (position >= order.size()) {
                order = new ArrayList<>(training.keySet());
                order.sort(null); // a stable base order, so the shuffle depends only on the seed
                for (int i = order.size() - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    String t = order.get(i);
                    order.set(i, order.get(j));
                    order.set(j, t);
                }
                position = 0;
                passes++;
            }
            Example e = training.get(order.get(position++));
            if (e != null) { // null: withdrawn since the pass began
                out.add(e);
            }
        }
        long now = System.currentTimeMillis();
        out.forEach(e -> firstDrawn.putIfAbsent(e.imageId(), now));
        return out;
    }

    /** When an image's label was first drawn for training (epoch ms), or -1 if never: label-to-model delays are measured from it. */
    public synchronized long firstDrawnMillis(String imageId) {
        return firstDrawn.getOrDefault(imageId, -1L);
    }

    /**
     * From now on, hold back up to {@code max} newly labeled training-side images until {@link #admitHeldBack()}
     * (0: none, labels are trained on at once).
     */
    public synchronized void holdBackNewLabels(int max) {
        holdBackMax = Math.max(0, max);
    }

    public synchronized int heldBackSize() {
        return heldBack.size();
    }

    /** The held-back examples in arrival order; they join the training side now. */
    public synchronized List<Example> admitHeldBack() {
        List<Example> out = new ArrayList<>(heldBack.values());
        for (Example e : out) {
            training.put(e.imageId(), e);
            perClass[e.classIndex()]++;
        }
        heldBack.clear();
        return out;
    }

    /** Up to {@code n} training-side examples in id order, a snapshot that draws nothing (e.g. to probe an export). */
    public synchronized List<Example> trainingExamples(int n) {
        return training.values().stream().sorted((a, b) -> a.imageId().compareTo(b.imageId())).limit(n).toList();
    }

    /** A snapshot of the holdout examples, for release gates. */
    public synchronized List<Example> holdoutExamples() {
        List<Example> out = new ArrayList<>(held.values());
        out.sort((a, b) -> a.imageId().compareTo(b.imageId()));
        return out;
    }
}

package io.meanstream.cli.feed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The deterministic part of a feed: which images in which order, and which of them get a label. The same
 * source, options and seed always give the same plan.
 */
public record FeedPlan(int[] order, BitSet labeled) {

    public static FeedPlan of(FeedSource source, FeedOptions options) {
        SplittableRandom random = new SplittableRandom(options.seed());
        int n = options.limit() < 0 ? source.size() : Math.min(options.limit(), source.size());
        int[] all = new int[source.size()];
        Arrays.setAll(all, i -> i);
        if (options.shuffle()) {
            for (int i = all.length - 1; i > 0; i--) { // Fisher-Yates
                int j = random.nextInt(i + 1);
                int t = all[i];
                all[i] = all[j];
                all[j] = t;
            }
        }
        int[] order = Arrays.copyOf(all, n);
        BitSet labeled = new BitSet(n);
        if (options.labelsPerClass() != null && options.spreadLabels()) {
            List<List<Integer>> byClass = new ArrayList<>();
            for (int c = 0; c < source.classNames().size(); c++) {
                byClass.add(new ArrayList<>());
            }
            for (int k = 0; k < n; k++) {
                byClass.get(source.classIndex(order[k])).add(k);
            }
            for (List<Integer> positions : byClass) {
                sample(positions, Math.min(options.labelsPerClass(), positions.size()), random).forEach(labeled::set);
            }
        } else if (options.labelsPerClass() != null) {
            int[] perClass = new int[source.classNames().size()];
            for (int k = 0; k < n; k++) {
                int c = source.classIndex(order[k]);
                if (perClass[c] < options.labelsPerClass()) {
                    perClass[c]++;
                    labeled.set(k);
                }
            }
        } else if (options.labelFraction() != null) {
            List<Integer> positions = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                positions.add(k);
            }
            sample(positions, (int) Math.round(options.labelFraction() * n), random).forEach(labeled::set);
        }
        return new FeedPlan(order, labeled);
    }

    /** A uniform sample of {@code wanted} elements without replacement (partial Fisher-Yates, in place). */
    private static List<Integer> sample(List<Integer> positions, int wanted, SplittableRandom random) {
        int n = positions.size();
        for (int i = 0; i < wanted; i++) {
            int j = i + random.nextInt(n - i);
            Integer t = positions.get(i);
            positions.set(i, positions.get(j));
            positions.set(j, t);
        }
        return positions.subList(0, wanted);
    }

    public int size() {
        return order.length;
    }
}

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
        if (options.labelsPerClass() != null) {
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
            int wanted = (int) Math.round(options.labelFraction() * n);
            for (int i = 0; i < wanted; i++) { // partial Fisher-Yates: a uniform sample without replacement
                int j = i + random.nextInt(n - i);
                Integer t = positions.get(i);
                positions.set(i, positions.get(j));
                positions.set(j, t);
                labeled.set(positions.get(i));
            }
        }
        return new FeedPlan(order, labeled);
    }

    public int size() {
        return order.length;
    }
}

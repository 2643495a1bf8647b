package io.meanstream.trainer.offline;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Splits a training set into a labeled subset of K images per class (drawn with a seed) and the rest. */
public record LabeledSubset(int[] labeled, int[] unlabeled) {

    public static LabeledSubset perClass(int[] labels, int numClasses, int perClass, long seed) {
        int[] order = new int[labels.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] taken = new int[numClasses];
        List<Integer> labeled = new ArrayList<>();
        List<Integer> unlabeled = new ArrayList<>();
        for (int i : order) {
            if (taken[labels[i]] < perClass) {
                taken[labels[i]]++;
                labeled.add(i);
            } else {
                unlabeled.add(i);
            }
        }
        for (int c = 0; c < numClasses; c++) {
            if (taken[c] < perClass) {
                throw new IllegalArgumentException("class " + c + " has only " + taken[c] + " images, " + perClass + " labels asked");
            }
        }
        return new LabeledSubset(labeled.stream().mapToInt(Integer::intValue).sorted().toArray(),
                unlabeled.stream().mapToInt(Integer::intValue).sorted().toArray());
    }
}

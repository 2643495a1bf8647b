package io.meanstream.cli.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Groups a load phase's slow images into stalls, so that a latency tail can be told apart: many short, spread
 * delays (queueing at a busy moment) or a few windows in which every image waited (a pause somewhere: a
 * garbage collection, a commit, a log roll). A stall is a run of images slower than a threshold whose image
 * times lie within a gap of each other.
 */
final class Stalls {

    /** Image times (epoch ms) of the first and last slow image, how many there were and the worst latency. */
    record Stall(long startMs, long endMs, int images, double maxLatencyMs) {

        /** The window in which whatever held these images up must have happened. */
        long windowEndMs() {
            return endMs + (long) Math.ceil(maxLatencyMs);
        }
    }

    private Stalls() {
    }

    /**
     * @param imageMs   each image's event time, epoch ms, in any order
     * @param latencyMs the same images' latencies
     * @return the stalls, worst latency first
     */
    static List<Stall> find(long[] imageMs, double[] latencyMs, double thresholdMs, long gapMs) {
        if (imageMs.length != latencyMs.length) {
            throw new IllegalArgumentException("one latency per image");
        }
        Integer[] order = new Integer[imageMs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingLong(i -> imageMs[i]));
        List<Stall> stalls = new ArrayList<>();
        long start = 0;
        long end = 0;
        int count = 0;
        double max = 0;
        for (int i : order) {
            if (latencyMs[i] <= thresholdMs) {
                continue;
            }
            if (count > 0 && imageMs[i] - end > gapMs) {
                stalls.add(new Stall(start, end, count, max));
                count = 0;
            }
            if (count == 0) {
                start = imageMs[i];
                max = 0;
            }
            end = imageMs[i];
            count++;
            max = Math.max(max, latencyMs[i]);
        }
        if (count > 0) {
            stalls.add(new Stall(start, end, count, max));
        }
        stalls.sort(Comparator.comparingDouble(Stall::maxLatencyMs).reversed());
        return stalls;
    }
}

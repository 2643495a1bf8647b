package io.meanstream.trainer.engine;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a training step's time goes, summed over the steps so far. PyTorch's CPU operators run
 * synchronously, so a wall-clock reading around each phase is that phase's cost; on a GPU the readings
 * would include waiting for earlier queued work. Costs five {@code nanoTime} calls per step.
 */
public final class PhaseTimes {

    /** The phases of one step, in order. */
    public enum Phase { AUGMENT, TEACHER_FORWARD, STUDENT_FORWARD_BACKWARD, OPTIMIZER, EMA }

    private final EnumMap<Phase, Long> nanos = new EnumMap<>(Phase.class);
    private long steps;

    PhaseTimes() {
        for (Phase p : Phase.values()) {
            nanos.put(p, 0L);
        }
    }

    void add(Phase phase, long elapsedNanos) {
        nanos.merge(phase, elapsedNanos, Long::sum);
    }

    void stepDone() {
        steps++;
    }

    /** Steps measured so far. */
    public long steps() {
        return steps;
    }

    /** Mean milliseconds per step for each phase, in phase order (empty before the first step). */
    public Map<String, Double> msPerStep() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (steps == 0) {
            return out;
        }
        for (Phase p : Phase.values()) {
            out.put(camelCase(p), Math.round(nanos.get(p) / 1e6 / steps * 100) / 100.0);
        }
        return out;
    }

    /** Forgets what was measured (e.g. after warm-up steps). */
    public void reset() {
        nanos.replaceAll((p, v) -> 0L);
        steps = 0;
    }

    private static String camelCase(Phase p) {
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (char c : p.name().toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }
}

package io.meanstream.trainer.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a training step's time goes, summed over the steps so far. PyTorch's CPU operators run
 * synchronously, so a wall-clock reading around each phase is that phase's cost; on a GPU the readings
 * would include waiting for earlier queued work. Costs one {@code nanoTime} call per phase.
 */
public final class PhaseTimes {

    /** The phases of one step, in order, with their names in reports. */
    enum Phase {
        AUGMENT("augment"), TEACHER_FORWARD("teacherForward"), STUDENT_FORWARD_BACKWARD("studentForwardBackward"),
        OPTIMIZER("optimizer"), EMA("ema");

        private final String label;

        Phase(String label) {
            this.label = label;
        }
    }

    private final long[] nanos = new long[Phase.values().length];
    private long steps;

    /** Charges the time since {@code sinceNanos} to {@code phase}; returns now, the start of the next phase. */
    long lap(Phase phase, long sinceNanos) {
        long now = System.nanoTime();
        nanos[phase.ordinal()] += now - sinceNanos;
        return now;
    }

    void stepDone() {
        steps++;
    }

    /** Mean milliseconds per step for each phase, in phase order (empty before the first step). */
    public Map<String, Double> msPerStep() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Phase p : steps == 0 ? new Phase[0] : Phase.values()) {
            out.put(p.label, Math.round(nanos[p.ordinal()] / 1e6 / steps * 100) / 100.0);
        }
        return out;
    }
}

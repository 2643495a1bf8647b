package io.meanstream.trainer.engine;

/** The step-indexed schedules of the method, as pure functions so they can be tested exactly. */
public final class Schedules {

    private Schedules() {
    }

    /**
     * The paper's sigmoid-shaped ramp-up, exp(-5 (1 - t)^2) with t = step / rampupSteps clipped to [0, 1]:
     * about 0.0067 at the start, 1 from rampupSteps on.
     */
    public static double sigmoidRampup(long step, int rampupSteps) {
        if (rampupSteps <= 0) {
            return 1.0;
        }
        double t = Math.max(0.0, Math.min(1.0, (double) step / rampupSteps));
        double phase = 1.0 - t;
        return Math.exp(-5.0 * phase * phase);
    }

    /** The consistency weight at a step: the configured weight times the ramp-up. */
    public static double consistencyWeight(MeanTeacherConfig c, long step) {
        return c.consistencyWeight() * sigmoidRampup(step, c.consistencyRampupSteps());
    }

    /**
     * EMA decay for the teacher after {@code step} optimizer steps (1-based): min(1 - 1/(step+1), decay).
     * Early on the teacher is a true average of the few students so far instead of being stuck at its
     * random initialisation.
     */
    public static double emaAlpha(long step, double decay) {
        return Math.min(1.0 - 1.0 / (step + 1.0), decay);
    }

    /**
     * The EMA decay ceiling at a step: {@code emaDecay} while the consistency weight ramps up, then
     * {@code emaDecayAfterRampup} (the paper uses 0.99 and 0.999). With no ramp-up the late decay holds from the start.
     */
    public static double emaDecay(MeanTeacherConfig c, long step) {
        return step < c.consistencyRampupSteps() ? c.emaDecay() : c.emaDecayAfterRampup();
    }

    /** Linear warm-up from 0 over lrWarmupSteps, then constant or cosine decay to 0 at totalSteps. */
    public static double learningRate(MeanTeacherConfig c, long step) {
        double lr = c.learningRate();
        if (c.lrWarmupSteps() > 0 && step < c.lrWarmupSteps()) {
            return lr * (step + 1) / c.lrWarmupSteps();
        }
        if (c.lrSchedule() == MeanTeacherConfig.LrSchedule.COSINE) {
            double t = Math.min(1.0, (double) step / c.totalSteps());
            return lr * 0.5 * (1.0 + Math.cos(Math.PI * t));
        }
        return lr;
    }
}

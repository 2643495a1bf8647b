package io.meanstream.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SchedulesTest {

    @Test
    void sigmoidRampupFollowsExpMinusFiveOneMinusTSquared() {
        assertEquals(Math.exp(-5), Schedules.sigmoidRampup(0, 100), 1e-12);
        assertEquals(Math.exp(-5 * 0.25), Schedules.sigmoidRampup(50, 100), 1e-12);
        assertEquals(Math.exp(-5 * 0.01), Schedules.sigmoidRampup(90, 100), 1e-12);
        assertEquals(1.0, Schedules.sigmoidRampup(100, 100), 0);
        assertEquals(1.0, Schedules.sigmoidRampup(5000, 100), 0);
        assertEquals(1.0, Schedules.sigmoidRampup(0, 0), 0, "no ramp-up: full weight from the start");
    }

    @Test
    void consistencyWeightIsTheConfiguredWeightTimesTheRampup() {
        MeanTeacherConfig c = MeanTeacherConfig.builder().consistencyWeight(8f).consistencyRampupSteps(1000).build();
        assertEquals(8 * Math.exp(-5 * 0.25), Schedules.consistencyWeight(c, 500), 1e-7);
        assertEquals(8.0, Schedules.consistencyWeight(c, 1000), 1e-7);
    }

    @Test
    void emaAlphaIsAnAverageEarlyThenTheDecay() {
        assertEquals(0.5, Schedules.emaAlpha(1, 0.99), 1e-12);
        assertEquals(0.9, Schedules.emaAlpha(9, 0.99), 1e-12);
        assertEquals(0.99, Schedules.emaAlpha(99, 0.99), 1e-12);
        assertEquals(0.99, Schedules.emaAlpha(100_000, 0.99), 1e-12);
        assertEquals(0.999, Schedules.emaAlpha(100_000, 0.999), 1e-12);
    }

    @Test
    void emaDecayIsTheEarlyDecayDuringTheRampupThenTheLateOne() {
        MeanTeacherConfig c = MeanTeacherConfig.builder().consistencyRampupSteps(3000).emaDecay(0.99f).emaDecayAfterRampup(0.999f).build();
        assertEquals(0.99f, Schedules.emaDecay(c, 1), 0);
        assertEquals(0.99f, Schedules.emaDecay(c, 2999), 0);
        assertEquals(0.999f, Schedules.emaDecay(c, 3000), 0);
        assertEquals(0.999f, Schedules.emaDecay(c, 100_000), 0);
        MeanTeacherConfig noRampup = c.toBuilder().consistencyRampupSteps(0).build();
        assertEquals(0.999f, Schedules.emaDecay(noRampup, 1), 0, "no ramp-up: the late decay from the start");
    }

    @Test
    void learningRateWarmsUpLinearlyThenFollowsCosineOrStaysConstant() {
        MeanTeacherConfig cosine = MeanTeacherConfig.builder().learningRate(0.1f).lrWarmupSteps(10).totalSteps(110)
                .lrSchedule(MeanTeacherConfig.LrSchedule.COSINE).build();
        assertEquals(0.1 * 1 / 10, Schedules.learningRate(cosine, 0), 1e-7);
        assertEquals(0.1 * 10 / 10, Schedules.learningRate(cosine, 9), 1e-7);
        assertEquals(0.1 * 0.5 * (1 + Math.cos(Math.PI * 55 / 110)), Schedules.learningRate(cosine, 55), 1e-7);
        assertEquals(0.0, Schedules.learningRate(cosine, 110), 1e-7);
        MeanTeacherConfig constant = cosine.toBuilder().lrSchedule(MeanTeacherConfig.LrSchedule.CONSTANT).build();
        assertEquals(0.1, Schedules.learningRate(constant, 100_000), 1e-7);
    }
}

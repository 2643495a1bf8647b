package io.meanstream.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MeanTeacherConfigTest {

    @Test
    void defaultsAreTheBenchmarkedMeanTeacherSettings() {
        MeanTeacherConfig c = MeanTeacherConfig.builder().build();
        assertEquals(MeanTeacherConfig.Mode.MEAN_TEACHER, c.mode());
        assertTrue(c.twoHeads());
        assertEquals(400f, c.consistencyWeight());
        assertEquals(3000, c.consistencyRampupSteps());
        assertEquals(0.99f, c.emaDecay());
        assertEquals(0.999f, c.emaDecayAfterRampup());
        assertEquals(0.01f, c.logitDistanceCost());
        assertEquals(12, c.cutoutPixels());
        assertEquals(0f, c.inputNoiseStd());
        assertEquals(96, c.unlabeledBatchSize());
    }

    @Test
    void supervisedOnlyTrainsOneHeadOnTheLabeledRows() {
        MeanTeacherConfig c = MeanTeacherConfig.builder().mode(MeanTeacherConfig.Mode.SUPERVISED).twoHeads(true).build();
        assertFalse(c.twoHeads(), "no consistency cost, so no consistency head");
        assertEquals(0, c.unlabeledBatchSize());
        assertEquals(32, c.rowsPerStep());
        assertEquals(false, c.describe().get("twoHeads"));
    }

    @Test
    void emaDecaysOutsideZeroToOneAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> MeanTeacherConfig.builder().emaDecayAfterRampup(1f).build());
        assertThrows(IllegalArgumentException.class, () -> MeanTeacherConfig.builder().emaDecayAfterRampup(-0.1f).build());
    }

    @Test
    void meanTeacherNeedsUnlabeledRows() {
        assertThrows(IllegalArgumentException.class, () -> MeanTeacherConfig.builder().batchSize(32).labeledBatchSize(32).build());
    }
}

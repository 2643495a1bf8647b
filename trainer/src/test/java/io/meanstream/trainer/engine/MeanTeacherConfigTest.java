package io.meanstream.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MeanTeacherConfigTest {

    @Test
    void settingsFlowIntoTheConfigAndItsDescriptionAndToBuilderKeepsThem() {
        MeanTeacherConfig c = MeanTeacherConfig.builder().batchSize(64).labeledBatchSize(16).consistencyWeight(7f)
                .emaDecayAfterRampup(0.995f).optimizer(MeanTeacherConfig.OptimizerType.ADAM).cutoutPixels(5).seed(42).build();
        assertEquals(48, c.unlabeledBatchSize());
        assertEquals(64, c.rowsPerStep());
        Map<String, Object> d = c.describe();
        assertEquals(16, d.get("labeledBatchSize"));
        assertEquals(7f, d.get("consistencyWeight"));
        assertEquals(0.995f, d.get("emaDecayAfterRampup"));
        assertEquals("adam", d.get("optimizer"));
        assertEquals(42L, d.get("seed"));
        assertEquals(c, c.toBuilder().build(), "toBuilder keeps every setting");

        MeanTeacherConfig changed = c.toBuilder().consistencyWeight(9f).build();
        assertEquals(9f, changed.consistencyWeight(), "an override on top of an existing config wins");
        assertEquals(c.describe().keySet(), changed.describe().keySet());
        d.forEach((key, value) -> {
            if (!key.equals("consistencyWeight")) {
                assertEquals(value, changed.describe().get(key), key);
            }
        });
        assertNotEquals(c, changed);
    }

    @Test
    void supervisedOnlyTrainsOneHeadOnTheLabeledRows() {
        MeanTeacherConfig c = MeanTeacherConfig.builder().mode(MeanTeacherConfig.Mode.SUPERVISED).labeledBatchSize(24).twoHeads(true).build();
        assertFalse(c.twoHeads(), "no consistency cost, so no consistency head");
        assertEquals(0, c.unlabeledBatchSize());
        assertEquals(24, c.rowsPerStep());
        assertEquals(false, c.describe().get("twoHeads"));
    }

    @Test
    void invalidValuesAreRefusedNamingTheSetting() {
        assertMessage("emaDecayAfterRampup must be in [0, 1)", () -> MeanTeacherConfig.builder().emaDecayAfterRampup(1f).build());
        assertMessage("emaDecayAfterRampup must be in [0, 1)", () -> MeanTeacherConfig.builder().emaDecayAfterRampup(-0.1f).build());
        assertMessage("labeledBatchSize must be in [1, batchSize]", () -> MeanTeacherConfig.builder().batchSize(16).labeledBatchSize(32).build());
        assertMessage("dropout must be in [0, 1)", () -> MeanTeacherConfig.builder().dropout(1f).build());
        assertMessage("a cosine schedule needs totalSteps > 0",
                () -> MeanTeacherConfig.builder().lrSchedule(MeanTeacherConfig.LrSchedule.COSINE).totalSteps(0).build());
    }

    @Test
    void meanTeacherNeedsUnlabeledRows() {
        assertMessage("Mean Teacher needs unlabeled rows", () -> MeanTeacherConfig.builder().batchSize(32).labeledBatchSize(32).build());
        assertEquals(0, MeanTeacherConfig.builder().mode(MeanTeacherConfig.Mode.SUPERVISED).batchSize(32).labeledBatchSize(32).build()
                .unlabeledBatchSize(), "supervised-only needs none");
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}

package io.meanstream.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.config.Settings;
import io.meanstream.trainer.engine.MeanTeacherConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trainer's settings map onto the engine's configuration. */
class TrainerConfigTest {

    private static TrainerConfig config(Map<String, String> env) {
        return TrainerConfig.from(Settings.resolve(TrainerSettings.all(), env, null));
    }

    @Test
    void theModeDefaultsToMeanTeacher() {
        MeanTeacherConfig engine = config(Map.of()).engine();
        assertEquals(MeanTeacherConfig.Mode.MEAN_TEACHER, engine.mode());
        assertEquals(32, engine.unlabeledBatchSize(), "32 labeled + 32 unlabeled rows a step");
    }

    @Test
    void supervisedModeTrainsOnTheLabeledRowsOnly() {
        MeanTeacherConfig engine = config(Map.of("MEANSTREAM_TRAINER_MODE", " Supervised ")).engine();
        assertEquals(MeanTeacherConfig.Mode.SUPERVISED, engine.mode());
        assertEquals(0, engine.unlabeledBatchSize());
        assertEquals(32, engine.rowsPerStep());
        assertEquals("supervised", engine.mode().label());
    }

    @Test
    void anUnknownModeIsRefusedWithTheVariableAndTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(Map.of("MEANSTREAM_TRAINER_MODE", "semi")));
        assertTrue(e.getMessage().contains("MEANSTREAM_TRAINER_MODE='semi': expected mean-teacher or supervised"), e.getMessage());
    }
}

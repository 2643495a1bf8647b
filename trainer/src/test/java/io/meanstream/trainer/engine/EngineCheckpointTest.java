package io.meanstream.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.meanstream.trainer.data.TrainingBatch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EngineCheckpointTest {

    @Test
    void restoresStepParametersStatisticsAndOptimizerState() throws Exception {
        MeanTeacherConfig config = MeanTeacherEngineTest.config().build();
        byte[] checkpoint;
        List<float[]> student;
        List<float[]> teacher;
        try (MeanTeacherEngine engine = new MeanTeacherEngine(config, MeanTeacherEngineTest.SMALL, MeanTeacherEngineTest.PAD, Device.cpu());
             NDManager m = engine.newManager()) {
            for (int s = 0; s < 4; s++) {
                engine.step(MeanTeacherEngineTest.batch(m, s));
            }
            checkpoint = EngineCheckpoint.write(engine, new byte[] {42, 7});
            student = MeanTeacherEngineTest.snapshot(engine.student().getParameters().values());
            teacher = MeanTeacherEngineTest.snapshot(engine.teacher().getParameters().values());
        }
        try (MeanTeacherEngine fresh = new MeanTeacherEngine(config.toBuilder().seed(99).build(), MeanTeacherEngineTest.SMALL,
                MeanTeacherEngineTest.PAD, Device.cpu());
             NDManager m = fresh.newManager()) {
            byte[] extra = EngineCheckpoint.restore(fresh, checkpoint);
            assertArrayEquals(new byte[] {42, 7}, extra);
            assertEquals(4, fresh.steps());
            assertSame(student, MeanTeacherEngineTest.snapshot(fresh.student().getParameters().values()));
            assertSame(teacher, MeanTeacherEngineTest.snapshot(fresh.teacher().getParameters().values()));
            for (Parameter p : fresh.teacher().getParameters().values()) {
                assertTrue(!p.requiresGradient(), "the restored teacher stays frozen");
            }
            StepStats next = fresh.step(MeanTeacherEngineTest.batch(m, 9));
            assertEquals(5, next.step(), "the step count continues");
            assertTrue(Float.isFinite(next.totalLoss()));
        }
    }

    @ParameterizedTest
    @EnumSource(MeanTeacherConfig.OptimizerType.class)
    void optimizerStateRoundTripsOneBufferSetPerParameter(MeanTeacherConfig.OptimizerType type) throws Exception {
        MeanTeacherConfig config = MeanTeacherEngineTest.config().optimizer(type).build();
        byte[] saved;
        try (MeanTeacherEngine engine = new MeanTeacherEngine(config, MeanTeacherEngineTest.SMALL, MeanTeacherEngineTest.PAD, Device.cpu());
             NDManager m = engine.newManager()) {
            for (int s = 0; s < 3; s++) {
                assertTrue(Float.isFinite(engine.step(MeanTeacherEngineTest.batch(m, s)).totalLoss()));
            }
            saved = optimizerState(engine);
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved));
            if (type == MeanTeacherConfig.OptimizerType.ADAM) {
                assertEquals(3, in.readLong(), "Adam's update count comes first");
            }
            int perParameter = type == MeanTeacherConfig.OptimizerType.ADAM ? 2 : 1;
            assertEquals(perParameter * engine.student().getParameters().values().stream().filter(Parameter::requiresGradient).count(),
                    in.readInt(), "buffers");
        }
        try (MeanTeacherEngine fresh = new MeanTeacherEngine(config, MeanTeacherEngineTest.SMALL, MeanTeacherEngineTest.PAD, Device.cpu())) {
            fresh.optimizer().loadState(new DataInputStream(new ByteArrayInputStream(saved)));
            assertArrayEquals(saved, optimizerState(fresh));
        }
    }

    private static byte[] optimizerState(MeanTeacherEngine engine) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            engine.optimizer().saveState(out);
        }
        return bytes.toByteArray();
    }

    @Test
    void refusesTruncatedCorruptedAndMismatchedCheckpoints() throws Exception {
        MeanTeacherConfig config = MeanTeacherEngineTest.config().build();
        try (MeanTeacherEngine engine = new MeanTeacherEngine(config, MeanTeacherEngineTest.SMALL, MeanTeacherEngineTest.PAD, Device.cpu());
             NDManager m = engine.newManager()) {
            engine.step(MeanTeacherEngineTest.batch(m, 1));
            byte[] good = EngineCheckpoint.write(engine, new byte[0]);
            IOException truncated = assertThrows(IOException.class, () -> EngineCheckpoint.restore(engine, Arrays.copyOf(good, good.length / 2)));
            assertTrue(truncated.getMessage().contains("CRC"), truncated.getMessage());
            byte[] flipped = good.clone();
            flipped[good.length / 3] ^= 1;
            assertThrows(IOException.class, () -> EngineCheckpoint.restore(engine, flipped));
            try (MeanTeacherEngine other = new MeanTeacherEngine(config.toBuilder().widthFactor(8).build(),
                    io.meanstream.trainer.model.NetworkSpec.convNet(1, 12, 12, 5, 8, 0.2f, false), MeanTeacherEngineTest.PAD, Device.cpu())) {
                IOException mismatch = assertThrows(IOException.class, () -> EngineCheckpoint.restore(other, good));
                assertTrue(mismatch.getMessage().contains("convnet-w4"), mismatch.getMessage());
            }
        }
    }

    static void assertSame(List<float[]> expected, List<float[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "parameter " + i);
        }
    }
}

package io.meanstream.trainer.service;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.meanstream.config.Settings;
import io.meanstream.image.TensorSpec;
import io.meanstream.trainer.engine.MeanTeacherConfig;
import io.meanstream.trainer.gate.ReleaseGate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The trainer service's configuration, resolved and validated from {@link TrainerSettings}. */
public record TrainerConfig(String modelName, List<String> classNames, TensorSpec input, Duration maxLabelDelay,
                            double holdoutFraction, int minLabels, int minLabelsPerClass, int bufferSize, int bufferMaxUses,
                            int releaseEverySteps, Duration releaseEvery, ReleaseGate releaseGate, int releaseHoldBack,
                            int releaseInlineLimit,
                            Path modelStore, Path checkpointDir, int checkpointEverySteps, Duration checkpointEvery,
                            int checkpointKeep, Path stateDir, String device, int threads, int httpPort, Duration stallTimeout,
                            MeanTeacherConfig engine) {

    public static TrainerConfig from(Settings s) {
        List<String> classes = Arrays.stream(s.get(TrainerSettings.CLASS_NAMES).split(",")).map(String::strip).toList();
        int[] shape = Arrays.stream(s.get(TrainerSettings.INPUT_SHAPE).split(",")).mapToInt(v -> Integer.parseInt(v.strip())).toArray();
        if (shape.length != 3) {
            throw new IllegalArgumentException("MEANSTREAM_INPUT_SHAPE must be channels,height,width");
        }
        TensorSpec input = new TensorSpec(shape[0], shape[1], shape[2], floats(s.get(TrainerSettings.INPUT_MEAN), shape[0]),
                floats(s.get(TrainerSettings.INPUT_STD), shape[0]),
                TensorSpec.ResizePolicy.valueOf(s.get(TrainerSettings.INPUT_RESIZE).strip().toUpperCase(Locale.ROOT)));
        MeanTeacherConfig engine = MeanTeacherConfig.builder()
                .mode(s.get(TrainerSettings.MODE))
                .batchSize(s.get(TrainerSettings.BATCH_SIZE))
                .labeledBatchSize(s.get(TrainerSettings.LABELED_BATCH_SIZE))
                .consistencyWeight(s.get(TrainerSettings.CONSISTENCY).floatValue())
                .consistencyRampupSteps(s.get(TrainerSettings.CONSISTENCY_RAMPUP))
                .twoHeads(s.get(TrainerSettings.TWO_HEADS))
                .logitDistanceCost(s.get(TrainerSettings.LOGIT_DISTANCE_COST).floatValue())
                .emaDecay(s.get(TrainerSettings.EMA_DECAY).floatValue())
                .emaDecayAfterRampup(s.get(TrainerSettings.EMA_DECAY_AFTER_RAMPUP).floatValue())
                .learningRate(s.get(TrainerSettings.LEARNING_RATE).floatValue())
                .lrSchedule(MeanTeacherConfig.LrSchedule.CONSTANT)
                .widthFactor(s.get(TrainerSettings.WIDTH))
                .horizontalFlip(s.get(TrainerSettings.HFLIP))
                .seed(s.get(TrainerSettings.SEED))
                .build();
        return new TrainerConfig(s.get(TrainerSettings.MODEL_NAME), classes, input, s.get(TrainerSettings.MAX_LABEL_DELAY),
                s.get(TrainerSettings.HOLDOUT_FRACTION), s.get(TrainerSettings.MIN_LABELS), s.get(TrainerSettings.MIN_LABELS_PER_CLASS),
                s.get(TrainerSettings.BUFFER_SIZE), s.get(TrainerSettings.BUFFER_MAX_USES), s.get(TrainerSettings.RELEASE_EVERY_STEPS),
                s.get(TrainerSettings.RELEASE_EVERY),
                new ReleaseGate(s.get(TrainerSettings.RELEASE_CONFIDENCE), s.get(TrainerSettings.RELEASE_MARGIN)),
                s.get(TrainerSettings.RELEASE_HOLD_BACK), s.get(TrainerSettings.RELEASE_INLINE_LIMIT),
                Path.of(s.get(TrainerSettings.MODEL_STORE)), Path.of(s.get(TrainerSettings.CHECKPOINT_DIR)),
                s.get(TrainerSettings.CHECKPOINT_EVERY_STEPS), s.get(TrainerSettings.CHECKPOINT_EVERY), s.get(TrainerSettings.CHECKPOINT_KEEP),
                Path.of(s.get(TrainerSettings.STATE_DIR)), s.get(TrainerSettings.DEVICE), s.get(TrainerSettings.THREADS),
                s.get(TrainerSettings.HTTP_PORT), s.get(TrainerSettings.STALL_TIMEOUT), engine);
    }

    private static float[] floats(String csv, int channels) {
        String[] parts = csv.split(",");
        float[] out = new float[channels];
        for (int c = 0; c < channels; c++) {
            out[c] = Float.parseFloat(parts[parts.length == 1 ? 0 : c].strip());
        }
        if (parts.length != 1 && parts.length != channels) {
            throw new IllegalArgumentException("expected 1 or " + channels + " values, got '" + csv + "'");
        }
        return out;
    }

    /** The DJL device; asking for a GPU that is not there fails here, at start, with a clear message. */
    public Device djlDevice() {
        String d = device.strip().toLowerCase(Locale.ROOT);
        if (d.equals("cpu")) {
            return Device.cpu();
        }
        if (d.startsWith("gpu")) {
            int index = d.contains(":") ? Integer.parseInt(d.substring(d.indexOf(':') + 1)) : 0;
            int available = Engine.getInstance().getGpuCount();
            if (index >= available) {
                throw new IllegalStateException("MEANSTREAM_TRAINER_DEVICE=" + device + " but " + available
                        + " GPU(s) are visible to PyTorch (build with -Pgpu for the CUDA native library, and check the driver)");
            }
            return Device.gpu(index);
        }
        throw new IllegalArgumentException("MEANSTREAM_TRAINER_DEVICE must be cpu or gpu[:N], got " + device);
    }
}

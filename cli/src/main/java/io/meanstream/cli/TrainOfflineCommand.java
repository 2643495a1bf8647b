package io.meanstream.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.TensorSpec;
import io.meanstream.trainer.engine.MeanTeacherConfig;
import io.meanstream.trainer.offline.OfflineTraining;
import io.meanstream.onnx.ModelProvenance;
import io.meanstream.onnx.OnnxScorer;
import io.meanstream.schema.Image;
import io.meanstream.serde.FingerprintSchemaStore;
import io.meanstream.trainer.engine.MeanTeacherEngine;
import io.meanstream.trainer.engine.PyTorchThreads;
import io.meanstream.trainer.export.OnnxExporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code meanstream train-offline}: the Mean Teacher engine on Fashion-MNIST files, evaluated on the test set. */
@Command(name = "train-offline", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train on Fashion-MNIST with K labels per class (the rest of the training set unlabeled),",
                "evaluate student and teacher on the 10,000 test images, end with one JSON line."})
final class TrainOfflineCommand implements Callable<Integer> {

    @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "Data set (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Mixin
    DatasetOptions data;

    @Option(names = "--labels-per-class", defaultValue = "100", description = "Labeled images per class (default: ${DEFAULT-VALUE}).")
    int labelsPerClass;

    @Option(names = "--steps", defaultValue = "4000", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--mode", defaultValue = "mean-teacher", description = "supervised or mean-teacher (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the labeled subset, batches, noise and initialisation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", description = "Rows per Mean Teacher batch (default 128).")
    Integer batchSize;

    @Option(names = "--labeled-batch-size", description = "Labeled rows per batch (default 32).")
    Integer labeledBatchSize;

    @Option(names = "--consistency", description = "Consistency cost weight after ramp-up (default 400).")
    Float consistency;

    @Option(names = "--consistency-type", description = "mse or kl (default mse).")
    String consistencyType;

    @Option(names = "--consistency-rampup", description = "Ramp-up steps of the consistency weight (default 3000).")
    Integer consistencyRampup;

    @Option(names = "--ema-decay", description = "Teacher EMA decay while the consistency weight ramps up (default 0.99).")
    Float emaDecay;

    @Option(names = "--ema-decay-after-rampup", description = "Teacher EMA decay once the ramp-up is over (default 0.999).")
    Float emaDecayAfterRampup;

    @Option(names = "--two-heads", negatable = true,
            description = "Separate classification and consistency heads with a logit-distance cost (default: on).")
    Boolean twoHeads;

    @Option(names = "--logit-distance-cost", description = "Weight of the logit distance between the two heads.")
    Float logitDistanceCost;

    @Option(names = "--optimizer", description = "sgd (Nesterov) or adam.")
    String optimizer;

    @Option(names = "--lr", description = "Peak learning rate.")
    Float learningRate;

    @Option(names = "--weight-decay", description = "Weight decay.")
    Float weightDecay;

    @Option(names = "--lr-warmup", description = "Linear warm-up steps.")
    Integer lrWarmup;

    @Option(names = "--lr-schedule", description = "cosine (to 0 at --steps) or constant.")
    String lrSchedule;

    @Option(names = "--translate", description = "Random translation, pixels.")
    Integer translate;

    @Option(names = "--hflip", negatable = true, description = "Random horizontal flips.")
    Boolean hflip;

    @Option(names = "--input-noise", description = "Std of the Gaussian input noise (on normalised inputs).")
    Float inputNoise;

    @Option(names = "--cutout", description = "Cutout: erase a random square of this many pixels per side (0: off).")
    Integer cutout;

    @Option(names = "--weak-teacher-input", negatable = true,
            description = "The teacher sees translation/flip only; cutout and Gaussian noise perturb the student's copy alone.")
    Boolean weakTeacherInput;

    @Option(names = "--dropout", description = "Dropout rate on the pooled features, before the head(s) (default 0).")
    Float dropout;

    @Option(names = "--width", description = "ConvNet width factor (default 24: 161,554 parameters on 1x28x28).")
    Integer width;

    @Option(names = "--threads", defaultValue = "2", description = "PyTorch intra-op threads (default: ${DEFAULT-VALUE}, measured fastest on the 2-core machine).")
    int threads;

    @Option(names = "--eval-every", defaultValue = "0", description = "Evaluate on the test set every N steps (default: only at the end).")
    int evalEvery;

    @Option(names = "--log-every", defaultValue = "200", description = "Progress line every N steps (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Option(names = "--export", paramLabel = "FILE", description = "Write the trained teacher as an ONNX model to FILE.")
    Path export;

    @Option(names = "--model-name", defaultValue = "fashion-mnist", description = "Model name in the exported metadata (default: ${DEFAULT-VALUE}).")
    String modelName;

    @Override
    public Integer call() throws Exception {
        if (!"fashion-mnist".equalsIgnoreCase(dataset)) {
            throw new IllegalArgumentException("unknown --dataset " + dataset + " (known: fashion-mnist)");
        }
        PyTorchThreads.configure(threads);
        MeanTeacherConfig config = config();
        LabeledImages train = data.load(FashionMnist.Split.TRAIN);
        LabeledImages test = data.load(FashionMnist.Split.TEST);
        System.err.println("config: " + config.describe());
        TensorSpec input = TensorSpec.fashionMnist();
        BiConsumer<MeanTeacherEngine, OfflineTraining.EvalPoint> exporter = export == null ? null
                : (engine, last) -> writeModel(engine, input, train, last.teacherAccuracy());
        OfflineTraining.Result r = OfflineTraining.run(train, test, input, new OfflineTraining.Options(
                config, labelsPerClass, steps, evalEvery, logEvery, Device.cpu(), System.err::println, exporter));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mode", config.describe().get("mode"));
        json.put("labelsPerClass", labelsPerClass);
        json.put("seed", seed);
        json.put("studentAccuracy", round(r.studentAccuracy(), 4));
        json.put("teacherAccuracy", round(r.teacherAccuracy(), 4));
        json.put("steps", r.steps());
        json.put("samplesPerSecond", round(r.samplesPerSecond(), 1));
        json.put("msPerStep", round(r.msPerStep(), 2));
        json.put("msPerStepByPhase", r.msPerStepByPhase());
        json.put("threads", threads);
        json.put("peakRssMiB", r.peakRssBytes() >> 20);
        json.put("rssAfterWarmupMiB", r.rssAfterWarmupBytes() >> 20);
        json.put("rssAtEndMiB", r.rssAtEndBytes() >> 20);
        json.put("seconds", round(r.seconds(), 1));
        json.put("curve", r.curve());
        json.put("config", config.describe());
        System.out.println(new ObjectMapper().writeValueAsString(json));
        return 0;
    }

    /** Exports the teacher with its provenance, written atomically (temp file, then rename). */
    private void writeModel(MeanTeacherEngine engine, TensorSpec input, LabeledImages train, double accuracy) {
        MeanTeacherConfig c = engine.config();
        long labeledSeen = engine.steps() * c.labeledBatchSize();
        long unlabeledSeen = engine.steps() * c.unlabeledBatchSize();
        try {
            ModelProvenance provenance = new ModelProvenance(modelName, 1, engine.steps(), Instant.now(),
                    engine.spec().architecture(), train.classNames(), input, labeledSeen, unlabeledSeen, Map.of(),
                    FingerprintSchemaStore.fingerprintHex(Image.getClassSchema()), Map.of("testAccuracy", accuracy), c.mode().label());
            byte[] onnx = OnnxExporter.export(engine.teacher(), provenance);
            Path target = export.toAbsolutePath();
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            Files.write(tmp, onnx);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.err.printf("exported the teacher to %s (%d bytes, sha256 %s, test accuracy %.4f)%n", target, onnx.length,
                    OnnxScorer.sha256(onnx), accuracy);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the model to " + export, e);
        }
    }

    private MeanTeacherConfig config() {
        MeanTeacherConfig.Builder b = MeanTeacherConfig.builder().seed(seed).totalSteps(steps);
        b.mode(switch (mode.toLowerCase(Locale.ROOT)) {
            case "supervised" -> MeanTeacherConfig.Mode.SUPERVISED;
            case "mean-teacher", "mt" -> MeanTeacherConfig.Mode.MEAN_TEACHER;
            default -> throw new IllegalArgumentException("--mode must be supervised or mean-teacher, got " + mode);
        });
        if (batchSize != null) b.batchSize(batchSize);
        if (labeledBatchSize != null) b.labeledBatchSize(labeledBatchSize);
        if (consistency != null) b.consistencyWeight(consistency);
        if (consistencyType != null) b.consistencyType(MeanTeacherConfig.ConsistencyType.valueOf(consistencyType.toUpperCase(Locale.ROOT)));
        if (consistencyRampup != null) b.consistencyRampupSteps(consistencyRampup);
        if (emaDecay != null) b.emaDecay(emaDecay);
        if (emaDecayAfterRampup != null) b.emaDecayAfterRampup(emaDecayAfterRampup);
        if (twoHeads != null) b.twoHeads(twoHeads);
        if (logitDistanceCost != null) b.logitDistanceCost(logitDistanceCost);
        if (optimizer != null) b.optimizer(optimizer.equalsIgnoreCase("adam") ? MeanTeacherConfig.OptimizerType.ADAM : MeanTeacherConfig.OptimizerType.SGD_NESTEROV);
        if (learningRate != null) b.learningRate(learningRate);
        if (weightDecay != null) b.weightDecay(weightDecay);
        if (lrWarmup != null) b.lrWarmupSteps(lrWarmup);
        if (lrSchedule != null) b.lrSchedule(MeanTeacherConfig.LrSchedule.valueOf(lrSchedule.toUpperCase(Locale.ROOT)));
        if (translate != null) b.translatePixels(translate);
        if (hflip != null) b.horizontalFlip(hflip);
        if (inputNoise != null) b.inputNoiseStd(inputNoise);
        if (cutout != null) b.cutoutPixels(cutout);
        if (weakTeacherInput != null) b.weakTeacherInput(weakTeacherInput);
        if (dropout != null) b.dropout(dropout);
        if (width != null) b.widthFactor(width);
        return b.build();
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}

package io.meanstream.trainer.engine;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.meanstream.trainer.data.TrainingBatch;
import io.meanstream.trainer.model.MeanTeacherNet;
import io.meanstream.trainer.model.NetworkSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Mean Teacher (Tarvainen &amp; Valpola 2017) on DJL. Each {@link #step}:
 * <ol>
 *   <li>the student and the teacher get the same batch with independently drawn noise;</li>
 *   <li>the teacher runs in training mode (dropout, batch statistics) outside the gradient collector; its
 *       parameters are frozen, so no gradient can reach it;</li>
 *   <li>loss = cross-entropy on the labeled rows + ramped-up consistency weight * consistency cost between
 *       student and teacher softmax outputs on all rows (+ logit distance between the two student heads);</li>
 *   <li>Nesterov SGD (or Adam) updates the student;</li>
 *   <li>the teacher's trainable parameters become the EMA of the student's:
 *       t = alpha * t + (1 - alpha) * s, alpha = min(1 - 1/(step + 1), decay).</li>
 * </ol>
 * BatchNorm running statistics are not averaged: the teacher's own forward passes (training mode, PyTorch
 * momentum 0.1) keep its running mean and variance, so they describe the activations of the teacher's
 * weights, which is what the exported teacher normalises with. Averaging the student's statistics instead
 * would describe a different network (the student's weights), lagged by the EMA.
 *
 * <p>In supervised mode the same engine trains on the labeled rows alone and keeps the EMA teacher (whose
 * forward pass still runs, to keep its BatchNorm statistics), so the comparison with Mean Teacher isolates
 * the consistency cost. Every step runs in its own {@link NDScope},
 * so native memory does not grow with the number of steps.
 */
public final class MeanTeacherEngine implements AutoCloseable {

    private final MeanTeacherConfig config;
    private final NetworkSpec spec;
    private final Model studentModel;
    private final Model teacherModel;
    private final MeanTeacherNet student;
    private final MeanTeacherNet teacher;
    private final ParameterStore studentStore;
    private final ParameterStore teacherStore;
    private final List<Parameter> trainable = new ArrayList<>();
    private final List<Parameter> teacherTrainable = new ArrayList<>();
    private final ParameterOptimizer optimizer;
    private final Augmenter augmenter;
    private final Augmenter teacherAugmenter;
    private final PhaseTimes phaseTimes = new PhaseTimes();
    private long step;

    /**
     * @param padValue per channel, the normalised value of a black pixel (see {@link Augmenter})
     */
    public MeanTeacherEngine(MeanTeacherConfig config, NetworkSpec spec, float[] padValue, Device device) {
        this.config = config;
        this.spec = spec;
        Engine.getInstance().setRandomSeed((int) config.seed());
        Shape inputShape = new Shape(1, spec.channels(), spec.height(), spec.width());
        this.studentModel = Model.newInstance("student", device);
        this.teacherModel = Model.newInstance("teacher", device);
        this.student = new MeanTeacherNet(spec);
        this.teacher = new MeanTeacherNet(spec);
        studentModel.setBlock(student);
        teacherModel.setBlock(teacher);
        student.initialize(studentModel.getNDManager(), DataType.FLOAT32, inputShape);
        teacher.initialize(teacherModel.getNDManager(), DataType.FLOAT32, inputShape);
        List<Parameter> studentParams = student.getParameters().values();
        List<Parameter> teacherParams = teacher.getParameters().values();
        for (int i = 0; i < studentParams.size(); i++) {
            Parameter s = studentParams.get(i);
            Parameter t = teacherParams.get(i);
            s.getArray().copyTo(t.getArray()); // the teacher starts as the student
            if (s.requiresGradient()) {
                trainable.add(s);
                teacherTrainable.add(t);
            }
        }
        teacher.freezeParameters(true);
        this.studentStore = new ParameterStore(studentModel.getNDManager(), false);
        this.teacherStore = new ParameterStore(teacherModel.getNDManager(), false);
        this.optimizer = config.optimizer() == MeanTeacherConfig.OptimizerType.ADAM
                ? new Adam(studentModel.getNDManager(), config.weightDecay())
                : new NesterovSgd(studentModel.getNDManager(), config.momentum(), config.weightDecay());
        this.augmenter = new Augmenter(config.translatePixels(), config.horizontalFlip(), config.inputNoiseStd(), config.cutoutPixels(),
                padValue);
        // Weak teacher input: the teacher's targets come from translated/flipped images only, the student must
        // match them under the full perturbation (cutout, Gaussian noise) too.
        this.teacherAugmenter = config.weakTeacherInput()
                ? new Augmenter(config.translatePixels(), config.horizontalFlip(), 0f, 0, padValue) : augmenter;
    }

    public MeanTeacherConfig config() {
        return config;
    }

    public NetworkSpec spec() {
        return spec;
    }

    /** Optimizer steps taken so far. */
    public long steps() {
        return step;
    }

    public Model studentModel() {
        return studentModel;
    }

    public Model teacherModel() {
        return teacherModel;
    }

    public MeanTeacherNet student() {
        return student;
    }

    public MeanTeacherNet teacher() {
        return teacher;
    }

    public ParameterOptimizer optimizer() {
        return optimizer;
    }

    /** Where the steps' time went, summed over all steps so far. */
    public PhaseTimes phaseTimes() {
        return phaseTimes;
    }

    /** Sets the step counter (when resuming from a checkpoint). */
    public void setSteps(long steps) {
        this.step = steps;
    }

    /** One Mean Teacher (or supervised) step on a two-stream batch. */
    public StepStats step(TrainingBatch batch) {
        noGradOutsideCollector();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            boolean meanTeacher = config.mode() == MeanTeacherConfig.Mode.MEAN_TEACHER;
            int labeled = batch.labeledCount();
            double weight = meanTeacher ? Schedules.consistencyWeight(config, step) : 0.0;
            double lr = Schedules.learningRate(config, step);
            long mark = System.nanoTime();
            NDArray studentInput = augmenter.apply(batch.images());
            NDArray teacherInput = teacherAugmenter.apply(batch.images());
            mark = phaseTimes.lap(PhaseTimes.Phase.AUGMENT, mark);

            // The teacher's forward also maintains its BatchNorm running statistics, so it runs in supervised
            // mode too (its output is then unused): otherwise the EMA teacher would be evaluated with the
            // statistics of its random initialisation.
            NDArray teacherLogits = teacher.forward(teacherStore, new NDList(teacherInput), true).get(0).stopGradient();
            mark = phaseTimes.lap(PhaseTimes.Phase.TEACHER_FORWARD, mark);

            NDArray classLoss;
            NDArray consistency;
            NDArray distance;
            NDArray total;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDList out = student.forward(studentStore, new NDList(studentInput), true);
                NDArray classLogits = out.get(0);
                NDArray consistencyLogits = spec.twoHeads() ? out.get(1) : classLogits;
                classLoss = classLoss(classLogits, batch.labels(), labeled);
                total = classLoss;
                if (meanTeacher) {
                    consistency = Losses.consistency(config.consistencyType(), consistencyLogits, teacherLogits);
                    total = total.add(consistency.mul((float) weight));
                } else {
                    consistency = classLoss.zerosLike();
                }
                if (spec.twoHeads()) {
                    distance = Losses.logitDistance(classLogits, consistencyLogits);
                    total = total.add(distance.mul(config.logitDistanceCost()));
                } else {
                    distance = classLoss.zerosLike();
                }
                collector.backward(total);
            }
            mark = phaseTimes.lap(PhaseTimes.Phase.STUDENT_FORWARD_BACKWARD, mark);
            optimizer.step(trainable, lr);
            step++;
            mark = phaseTimes.lap(PhaseTimes.Phase.OPTIMIZER, mark);
            double alpha = Schedules.emaAlpha(step, Schedules.emaDecay(config, step));
            updateTeacher(alpha);
            phaseTimes.lap(PhaseTimes.Phase.EMA, mark);
            phaseTimes.stepDone();
            float[] values = NDArrays.stack(new NDList(classLoss, consistency, distance, total)).toFloatArray();
            return new StepStats(step, values[0], values[1], values[2], values[3], weight, alpha, lr);
        }
    }

    /**
     * PyTorch's grad mode is per thread and on by default; DJL turns it off only on the thread that started
     * the engine. A step on another thread (the trainer service's training loop) would then record graphs for
     * the teacher and the optimizer and refuse the in-place updates of leaf parameters.
     */
    private static void noGradOutsideCollector() {
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    }

    /** Cross-entropy over the first {@code labeled} rows only: unlabeled rows never reach it. */
    public static NDArray classLoss(NDArray logits, NDArray labels, int labeled) {
        return Losses.crossEntropy(logits.get(new NDIndex(":" + labeled)), labels);
    }

    /** t = alpha * t + (1 - alpha) * s for every trainable parameter; running statistics are the teacher's own. */
    private void updateTeacher(double alpha) {
        float a = (float) alpha;
        for (int i = 0; i < trainable.size(); i++) {
            NDArray t = teacherTrainable.get(i).getArray();
            t.muli(a).addi(trainable.get(i).getArray().mul(1f - a));
        }
    }

    /**
     * Class logits of the student or the teacher in inference mode (no dropout, running statistics), as
     * exported and served. The result belongs to the input's manager.
     */
    public NDArray predictLogits(boolean ofTeacher, NDArray images) {
        noGradOutsideCollector();
        MeanTeacherNet net = ofTeacher ? teacher : student;
        return net.forward(ofTeacher ? teacherStore : studentStore, new NDList(images), false).get(0);
    }

    /** A manager on the engine's device for batches and evaluation. */
    public NDManager newManager() {
        return studentModel.getNDManager().newSubManager();
    }

    @Override
    public void close() {
        optimizer.close();
        studentModel.close();
        teacherModel.close();
    }
}

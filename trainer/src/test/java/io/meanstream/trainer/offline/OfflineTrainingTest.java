package io.meanstream.trainer.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.meanstream.data.DatasetLocator;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.TensorSpec;
import io.meanstream.trainer.engine.MeanTeacherConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A few real steps on real Fashion-MNIST through the offline entry point. */
class OfflineTrainingTest {

    static LabeledImages train;
    static LabeledImages test;

    @BeforeAll
    static void load() throws Exception {
        DatasetLocator locator = DatasetLocator.fashionMnist().allowDownload(false).build();
        train = subset(FashionMnist.load(FashionMnist.Split.TRAIN, locator), 3000);
        test = subset(FashionMnist.load(FashionMnist.Split.TEST, locator), 500);
    }

    static LabeledImages subset(LabeledImages all, int n) {
        return new LabeledImages(n, all.channels(), all.height(), all.width(),
                Arrays.copyOf(all.pixels(), n * all.imageBytes()), Arrays.copyOf(all.labels(), n), all.classNames());
    }

    @Test
    void twoStepSmokeRunReturnsAResult() {
        List<String> log = new ArrayList<>();
        MeanTeacherConfig config = MeanTeacherConfig.builder().batchSize(32).labeledBatchSize(8).totalSteps(2).widthFactor(8).build();
        OfflineTraining.Result r = OfflineTraining.run(train, test, TensorSpec.fashionMnist(),
                new OfflineTraining.Options(config, 10, 2, 0, 1, Device.cpu(), log::add, null));
        assertEquals(2, r.steps());
        assertEquals(100, r.labeled());
        assertEquals(2900, r.unlabeled());
        assertTrue(Float.isFinite(r.lastStep().totalLoss()) && r.lastStep().totalLoss() > 0);
        assertTrue(r.teacherAccuracy() >= 0 && r.teacherAccuracy() <= 1);
        assertTrue(r.samplesPerSecond() > 0 && r.msPerStep() > 0);
        assertEquals(List.of("augment", "teacherForward", "studentForwardBackward", "optimizer", "ema"),
                List.copyOf(r.msPerStepByPhase().keySet()));
        double phases = r.msPerStepByPhase().values().stream().mapToDouble(Double::doubleValue).sum();
        assertTrue(r.msPerStepByPhase().get("studentForwardBackward") > 0 && phases <= r.msPerStep() + 0.05,
                r.msPerStepByPhase() + " vs " + r.msPerStep() + " ms per step");
        assertTrue(log.stream().anyMatch(l -> l.startsWith("step 2/2")), log.toString());
    }

    @Test
    void learnsSomethingInAFewHundredSupervisedSteps() {
        MeanTeacherConfig config = MeanTeacherConfig.builder().mode(MeanTeacherConfig.Mode.SUPERVISED).labeledBatchSize(32)
                .totalSteps(150).lrWarmupSteps(20).widthFactor(8).build();
        OfflineTraining.Result r = OfflineTraining.run(train, test, TensorSpec.fashionMnist(),
                new OfflineTraining.Options(config, 50, 150, 0, 0, Device.cpu(), null, null));
        // 10 classes: chance is 0.10; 500 labels and 150 steps of a small ConvNet reach well above.
        assertTrue(r.studentAccuracy() > 0.5, "student accuracy " + r.studentAccuracy());
        assertTrue(r.teacherAccuracy() > 0.4, "teacher accuracy " + r.teacherAccuracy());
    }

    @Test
    void labeledSubsetHasKPerClassAndIsDeterministic() {
        int[] labels = train.labels();
        LabeledSubset a = LabeledSubset.perClass(labels, 10, 7, 3);
        LabeledSubset b = LabeledSubset.perClass(labels, 10, 7, 3);
        assertEquals(70, a.labeled().length);
        assertEquals(labels.length - 70, a.unlabeled().length);
        assertTrue(Arrays.equals(a.labeled(), b.labeled()));
        int[] perClass = new int[10];
        for (int i : a.labeled()) {
            perClass[labels[i]]++;
        }
        for (int c : perClass) {
            assertEquals(7, c);
        }
        assertTrue(!Arrays.equals(a.labeled(), LabeledSubset.perClass(labels, 10, 7, 4).labeled()));
    }
}

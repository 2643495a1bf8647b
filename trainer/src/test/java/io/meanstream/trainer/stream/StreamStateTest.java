package io.meanstream.trainer.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The trainer's in-memory streaming state: holdout split, labeled pool, unlabeled buffer. */
class StreamStateTest {

    @Test
    void holdoutIsDeterministicAndHasTheRequestedShare() {
        HoldoutSplit split = new HoldoutSplit(0.1);
        int held = 0;
        for (int i = 0; i < 20_000; i++) {
            String id = "fmnist-train-" + i;
            assertEquals(split.isHoldout(id), new HoldoutSplit(0.1).isHoldout(id));
            if (split.isHoldout(id)) {
                held++;
            }
        }
        assertEquals(0.10, held / 20_000.0, 0.01);
        assertFalse(new HoldoutSplit(0).isHoldout("anything"));
    }

    @Test
    void holdoutExamplesAreNeverDrawnForTraining() {
        HoldoutSplit split = new HoldoutSplit(0.3);
        LabeledPool pool = new LabeledPool(split, 2, 1);
        for (int i = 0; i < 200; i++) {
            pool.put("img-" + i, new float[] {i}, i % 2);
        }
        assertEquals(200, pool.trainingSize() + pool.holdoutSize());
        assertTrue(pool.holdoutSize() > 30 && pool.holdoutSize() < 90, "about 30%: " + pool.holdoutSize());
        for (LabeledPool.Example e : pool.next(2000)) {
            assertFalse(split.isHoldout(e.imageId()), e.imageId() + " is holdout");
        }
        pool.holdoutExamples().forEach(e -> assertTrue(split.isHoldout(e.imageId())));
    }

    @Test
    void newLabelsAreHeldBackUntilAdmittedAndNeverDrawnBefore() {
        LabeledPool pool = new LabeledPool(new HoldoutSplit(0), 2, 1);
        pool.put("old", new float[] {0}, 0);
        pool.holdBackNewLabels(2);
        pool.put("new-1", new float[] {1}, 1);
        assertTrue(pool.put("new-1", new float[] {1}, 0), "a correction of a held-back label stays held back");
        pool.put("new-2", new float[] {2}, 1);
        pool.put("new-3", new float[] {3}, 1); // beyond the bound: trained on at once
        assertTrue(pool.put("old", new float[] {0}, 1), "a correction of a trained image replaces it on the training side");
        assertEquals(2, pool.heldBackSize());
        assertEquals(2, pool.trainingSize());
        for (LabeledPool.Example e : pool.next(20)) {
            assertFalse(e.imageId().startsWith("new-1") || e.imageId().equals("new-2"), e.imageId() + " drawn while held back");
        }
        List<LabeledPool.Example> admitted = pool.admitHeldBack();
        assertEquals(List.of("new-1", "new-2"), admitted.stream().map(LabeledPool.Example::imageId).toList());
        assertEquals(0, admitted.get(0).classIndex(), "the latest label");
        assertEquals(0, pool.heldBackSize());
        assertEquals(4, pool.trainingSize());
        assertEquals(1, pool.perClass()[0]);
        assertEquals(3, pool.perClass()[1]);
    }

    @Test
    void poolCyclesOverEveryTrainingExampleEachPassAndCorrectionsReplace() {
        LabeledPool pool = new LabeledPool(new HoldoutSplit(0), 3, 5);
        for (int i = 0; i < 10; i++) {
            pool.put("i" + i, new float[] {i}, i % 3);
        }
        Set<String> pass = new HashSet<>();
        pool.next(10).forEach(e -> pass.add(e.imageId()));
        assertEquals(10, pass.size(), "one pass covers every example once");
        assertEquals(4, pool.perClass()[0]);
        assertTrue(pool.put("i0", new float[] {0}, 2), "a correction");
        assertEquals(3, pool.perClass()[0]);
        assertEquals(4, pool.perClass()[2]);
        assertEquals(1, pool.corrections());
        for (LabeledPool.Example e : pool.next(30)) {
            if (e.imageId().equals("i0")) {
                assertEquals(2, e.classIndex(), "the old label is no longer trained on");
            }
        }
        assertTrue(pool.hasEnough(10, 3));
        assertFalse(pool.hasEnough(11, 0));
        assertFalse(pool.hasEnough(0, 4));
    }

    @Test
    void aWithdrawnLabelLeavesThePoolMidPass() {
        LabeledPool pool = new LabeledPool(new HoldoutSplit(0), 2, 3);
        for (int i = 0; i < 6; i++) {
            pool.put("i" + i, new float[] {i}, i % 2);
        }
        pool.next(2); // a pass has begun: its order still names i4
        assertTrue(pool.remove("i4"));
        assertFalse(pool.remove("i4"), "already gone");
        assertEquals(5, pool.trainingSize());
        assertEquals(2, pool.perClass()[0]);
        for (LabeledPool.Example e : pool.next(40)) {
            assertNotEquals("i4", e.imageId(), "never drawn once withdrawn");
        }
        pool.holdBackNewLabels(5);
        pool.put("new", new float[] {9}, 1);
        assertTrue(pool.remove("new"), "a held-back label can be withdrawn too");
        assertTrue(pool.admitHeldBack().isEmpty());
    }

    @Test
    void bufferDropsTheOldestWhenFullAndRetiresAfterMaxUses() throws Exception {
        UnlabeledBuffer buffer = new UnlabeledBuffer(3, 2, 1);
        for (int i = 0; i < 5; i++) {
            buffer.add(new float[] {i});
        }
        assertEquals(3, buffer.size());
        assertEquals(2, buffer.dropped(), "images 0 and 1 were never used");
        Set<Float> left = new HashSet<>();
        buffer.take(3, 100).forEach(a -> left.add(a[0]));
        assertEquals(3, buffer.size(), "used once, still usable");
        buffer.take(3, 100).forEach(a -> left.add(a[0]));
        assertEquals(Set.of(2f, 3f, 4f), left, "only the newest three remain");
        assertEquals(0, buffer.size(), "each used twice, then retired");
        assertEquals(3, buffer.retired());
        assertNull(buffer.take(1, 50), "nothing left: the training loop waits");
    }

    @Test
    void takeWaitsForImagesFromAnotherThread() throws Exception {
        UnlabeledBuffer buffer = new UnlabeledBuffer(10, 1, 1);
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 4; i++) {
                buffer.add(new float[] {i});
            }
        });
        producer.start();
        List<float[]> got = buffer.take(4, 5_000);
        producer.join();
        assertEquals(4, got.size());
    }
}

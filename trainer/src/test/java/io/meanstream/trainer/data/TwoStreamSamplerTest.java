package io.meanstream.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TwoStreamSamplerTest {

    static final int[] LABELED = IntStream.range(0, 10).toArray();
    static final int[] UNLABELED = IntStream.range(100, 1100).toArray();

    @Test
    void everyBatchHasTheLabeledShareFirst() {
        TwoStreamSampler sampler = new TwoStreamSampler(LABELED, UNLABELED, 4, 12, 1);
        for (int b = 0; b < 50; b++) {
            int[] batch = sampler.next();
            assertEquals(16, batch.length);
            for (int i = 0; i < 4; i++) {
                assertTrue(batch[i] < 10, "labeled first");
            }
            for (int i = 4; i < 16; i++) {
                assertTrue(batch[i] >= 100, "then unlabeled");
            }
        }
    }

    @Test
    void labeledPoolIsCycledForeverEachPassCoveringEveryExampleOnce() {
        TwoStreamSampler sampler = new TwoStreamSampler(LABELED, UNLABELED, 5, 0, 3);
        int[] pass1 = concat(sampler.next(), sampler.next());
        int[] pass2 = concat(sampler.next(), sampler.next());
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), toSet(pass1));
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), toSet(pass2));
        assertTrue(!java.util.Arrays.equals(pass1, pass2), "reshuffled each pass");
        assertEquals(1, sampler.labeledEpochs());
        for (int i = 0; i < 100; i++) {
            sampler.next();
        }
        assertEquals(51, sampler.labeledEpochs());
    }

    @Test
    void deterministicForASeed() {
        TwoStreamSampler a = new TwoStreamSampler(LABELED, UNLABELED, 3, 5, 42);
        TwoStreamSampler b = new TwoStreamSampler(LABELED, UNLABELED, 3, 5, 42);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(a.next(), b.next());
        }
    }

    @Test
    void refusesImpossibleBatches() {
        assertThrows(IllegalArgumentException.class, () -> new TwoStreamSampler(new int[0], UNLABELED, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new TwoStreamSampler(LABELED, new int[0], 1, 1, 1));
    }

    static int[] concat(int[] a, int[] b) {
        return IntStream.concat(IntStream.of(a), IntStream.of(b)).toArray();
    }

    static Set<Integer> toSet(int[] a) {
        Set<Integer> s = new HashSet<>();
        for (int v : a) {
            s.add(v);
        }
        return s;
    }
}

package io.meanstream.streams.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.streams.requests.LabelRequestSelector.Candidate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabelRequestSelectorTest {

    static final int CLASSES = 3;

    /** The ledger as a map, the way the service keeps it in a state store. */
    static final class MapLedger implements LabelRequestSelector.RequestLedger {
        final Map<String, Integer> outstanding = new HashMap<>();
        final Set<String> ever = new HashSet<>();
        final long[] perClass = new long[CLASSES];

        @Override
        public boolean wasRequested(String imageId) {
            return ever.contains(imageId);
        }

        @Override
        public void requested(String imageId, int predictedClass) {
            ever.add(imageId);
            outstanding.put(imageId, predictedClass);
            perClass[predictedClass]++;
        }

        @Override
        public int[] outstandingPerClass(int numClasses) {
            int[] n = new int[numClasses];
            outstanding.values().forEach(c -> n[c]++);
            return n;
        }

        @Override
        public long[] requestedPerClass(int numClasses) {
            return perClass.clone();
        }
    }

    final MapLedger ledger = new MapLedger();

    /** An image predicted as {@code cls} whose top-two margin is {@code margin}. */
    static Candidate candidate(String id, int cls, double margin) {
        float[] p = new float[CLASSES];
        float top = (float) (0.5 + margin / 2);
        p[cls] = top;
        p[(cls + 1) % CLASSES] = top - (float) margin;
        p[(cls + 2) % CLASSES] = 1 - p[cls] - p[(cls + 1) % CLASSES];
        return new Candidate(id, cls, p, 1);
    }

    static List<String> ids(List<Candidate> cs) {
        return cs.stream().map(Candidate::imageId).toList();
    }

    @Test
    void uncertaintyIsOneMinusTheMarginOfTheTopTwo() {
        assertEquals(1.0, new Candidate("a", 0, new float[] {0.4f, 0.4f, 0.2f}, 1).uncertainty(), 1e-6);
        assertEquals(0.0, new Candidate("b", 0, new float[] {1f, 0f, 0f}, 1).uncertainty(), 1e-6);
        assertEquals(0.7, candidate("c", 2, 0.3).uncertainty(), 1e-6);
    }

    @Test
    void theMostUncertainAreRequestedWithinTheBudget() {
        LabelRequestSelector s = new LabelRequestSelector(new LabelRequestSelector.Options(6, 100, 50, CLASSES), ledger, 0);
        for (int i = 0; i < 20; i++) {
            s.offer(candidate("img-" + i, 0, i / 20.0)); // img-0 is the most uncertain
        }
        // 30 s at 6 per minute: 3 requests, the three most uncertain.
        assertEquals(List.of("img-0", "img-1", "img-2"), ids(s.closeWindow(30_000)));
        assertEquals(0, s.held(), "the rest of the window is forgotten");
        // Nothing saved up beyond what was spent: the next 10 s allow one.
        s.offer(candidate("img-3", 0, 0.5));
        s.offer(candidate("img-4", 0, 0.1));
        assertEquals(List.of("img-4"), ids(s.closeWindow(40_000)));
    }

    @Test
    void anImageIsNeverRequestedTwiceEvenWhenANewerModelScoresItAgain() {
        LabelRequestSelector s = new LabelRequestSelector(new LabelRequestSelector.Options(60, 100, 50, CLASSES), ledger, 0);
        s.offer(candidate("a", 0, 0.05));
        s.offer(candidate("a", 0, 0.01)); // the same image again in the window: one candidate, the newer score
        assertEquals(1, s.held());
        assertEquals(List.of("a"), ids(s.closeWindow(60_000)));
        s.offer(candidate("a", 1, 0.0));
        s.offer(candidate("b", 1, 0.9));
        assertEquals(List.of("b"), ids(s.closeWindow(120_000)));
    }

    @Test
    void theBudgetIsSpreadOverPredictedClassesStartingWithTheLeastRequested() {
        LabelRequestSelector s = new LabelRequestSelector(new LabelRequestSelector.Options(6, 100, 50, CLASSES), ledger, 0);
        for (int i = 0; i < 10; i++) {
            s.offer(candidate("confusing-" + i, 0, 0.001 * i)); // class 0 is the most uncertain by far
        }
        s.offer(candidate("one", 1, 0.4));
        s.offer(candidate("two", 2, 0.6));
        List<String> first = ids(s.closeWindow(30_000));
        assertEquals(3, first.size());
        assertTrue(first.containsAll(List.of("confusing-0", "one", "two")), "one per class before a second of any: " + first);
        // Class 0 now has one request, like the others; with only class 0 left, it gets the rest of the budget.
        for (int i = 0; i < 10; i++) {
            s.offer(candidate("more-" + i, 0, 0.001 * i));
        }
        assertEquals(List.of("more-0", "more-1", "more-2", "more-3", "more-4", "more-5"), ids(s.closeWindow(90_000)));
    }

    @Test
    void outstandingRequestsAreBoundedAndAnAnswerMakesRoom() {
        LabelRequestSelector s = new LabelRequestSelector(new LabelRequestSelector.Options(600, 2, 50, CLASSES), ledger, 0);
        for (int i = 0; i < 5; i++) {
            s.offer(candidate("x" + i, i % CLASSES, 0.1));
        }
        assertEquals(2, s.closeWindow(60_000).size());
        s.offer(candidate("y", 0, 0.1));
        assertEquals(List.of(), s.closeWindow(61_000), "the queue is full");
        ledger.outstanding.remove(ledger.outstanding.keySet().iterator().next()); // a label answered one (its tombstone)
        s.offer(candidate("z", 0, 0.1));
        assertEquals(List.of("z"), ids(s.closeWindow(62_000)));
    }

    @Test
    void aSmallBudgetStillRequestsAndOptionsAreChecked() {
        LabelRequestSelector s = new LabelRequestSelector(new LabelRequestSelector.Options(0.5, 10, 5, CLASSES), ledger, 0);
        s.offer(candidate("a", 0, 0.1));
        assertEquals(List.of(), s.closeWindow(60_000), "half a request after a minute");
        s.offer(candidate("b", 0, 0.1));
        assertEquals(List.of("b"), ids(s.closeWindow(120_000)));
        assertThrows(IllegalArgumentException.class, () -> new LabelRequestSelector.Options(0, 10, 5, CLASSES));
    }
}

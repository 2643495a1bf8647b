package io.meanstream.trainer.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The release gate's statistics, checked against values computed by hand (no DJL, no Kafka). */
class ReleaseGateTest {

    @Test
    void exactMcNemarPValuesMatchTheBinomialTail() {
        // 9 of 10 discordant images lost: (C(10,9) + C(10,10)) / 2^10.
        assertEquals(11.0 / 1024, PairedComparison.of(100, 1, 9, 0.95).pValue(), 1e-15);
        assertEquals(1.0 / 32, PairedComparison.of(50, 0, 5, 0.95).pValue(), 1e-15);
        // 15 of 20: (15504 + 4845 + 1140 + 190 + 20 + 1) / 2^20.
        assertEquals(21700.0 / 1048576, PairedComparison.of(200, 5, 15, 0.95).pValue(), 1e-15);
        assertEquals(0.5 + 0.5 * 184756.0 / 1048576, PairedComparison.of(20, 10, 10, 0.95).pValue(), 1e-12);
        assertEquals(1.0, PairedComparison.of(30, 0, 0, 0.95).pValue());
        // Thousands of discordant pairs: no underflow (a 1-point loss in 20,000 pairs is far from significant).
        double p = PairedComparison.of(50_000, 9_900, 10_100, 0.95).pValue();
        assertTrue(p > 0.07 && p < 0.08, "p=" + p);
    }

    @Test
    void clopperPearsonBoundsMatchKnownValues() {
        // 5 of 10, two-sided 95 %: [0.187086, 0.812914]; each side is one-sided 97.5 %.
        assertEquals(0.187086, Binomial.lowerBound(5, 10, 0.025), 1e-6);
        assertEquals(0.812914, Binomial.upperBound(5, 10, 0.025), 1e-6);
        assertEquals(1 - Math.pow(0.05, 0.1), Binomial.upperBound(0, 10, 0.05), 1e-12);
        assertEquals(Math.pow(0.05, 0.1), Binomial.lowerBound(10, 10, 0.05), 1e-12);
    }

    @Test
    void theIntervalBracketsTheDifferenceAndNarrowsWithEvidence() {
        PairedComparison small = PairedComparison.of(40, 6, 4, 0.95);
        assertEquals(0.05, small.diff(), 1e-12);
        assertTrue(small.diffLow() < small.diff() && small.diff() < small.diffHigh(), small.toString());
        PairedComparison large = PairedComparison.of(4000, 600, 400, 0.95);
        assertEquals(0.05, large.diff(), 1e-12);
        assertTrue(large.diffHigh() - large.diffLow() < (small.diffHigh() - small.diffLow()) / 5, large + " vs " + small);
        assertTrue(large.diffLow() > 0, "a clear gain on 4,000 images is shown: " + large);
    }

    @Test
    void theUpperBoundIsBelowZeroExactlyWhenTheTestRejects() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            int m = 1 + random.nextInt(60);
            int bestOnly = random.nextInt(m + 1);
            PairedComparison c = PairedComparison.of(100, m - bestOnly, bestOnly, 0.95);
            assertEquals(c.pValue() < 0.05, c.diffHigh() < 0, c.toString());
        }
    }

    @Test
    void fewDiscordantImagesAreInsufficientEvidence() {
        ReleaseGate gate = new ReleaseGate(0.95, 0);
        // 4 images, all lost by the candidate: p = 1/16 > 0.05, so no outcome on 4 pairs could refuse.
        ReleaseGate.Verdict v = gate.judge(new boolean[] {true, true, true, true}, new boolean[] {false, false, false, false});
        assertEquals(ReleaseGate.Decision.INSUFFICIENT, v.decision());
        assertTrue(v.released());
        assertTrue(v.reason().startsWith("insufficient evidence: n=4 images, 4 discordant"), v.reason());
        // Identical predictions on many images: nothing distinguishes the two.
        assertEquals(ReleaseGate.Decision.INSUFFICIENT, gate.judge(new boolean[500], new boolean[500]).decision());
        assertTrue(gate.withoutBest(16).reason().contains("no released model to compare with (n=16 images)"));
        // Five all lost: p = 1/32 < 0.05 is enough.
        assertEquals(ReleaseGate.Decision.REFUSE, gate.judge(new boolean[] {true, true, true, true, true},
                new boolean[5]).decision());
    }

    @Test
    void aClearlyWorseCandidateIsRefusedAndAnEqualOrBetterOneReleased() {
        ReleaseGate gate = new ReleaseGate(0.95, 0);
        boolean[] best = pattern(200, 160);
        boolean[] worse = best.clone();
        for (int i = 0; i < 40; i++) {
            worse[i] = false; // loses 40 images the best gets right
        }
        ReleaseGate.Verdict refused = gate.judge(best, worse);
        assertEquals(ReleaseGate.Decision.REFUSE, refused.decision(), refused.reason());
        assertTrue(refused.comparison().diffHigh() < 0 && refused.comparison().pValue() < 0.05);

        boolean[] better = best.clone();
        for (int i = 160; i < 190; i++) {
            better[i] = true;
        }
        better[0] = false;
        assertEquals(ReleaseGate.Decision.RELEASE, gate.judge(best, better).decision());
        // Slightly worse on noise (6 lost, 4 gained) is not evidence of being worse.
        boolean[] noisy = best.clone();
        for (int i = 0; i < 6; i++) {
            noisy[i] = false;
        }
        for (int i = 160; i < 164; i++) {
            noisy[i] = true;
        }
        assertEquals(ReleaseGate.Decision.RELEASE, gate.judge(best, noisy).decision());
    }

    @Test
    void theMarginToleratesSmallShownLosses() {
        // 60 of 70 discordant lost on 1,000 images: -5 points, upper bound about -3.7 points.
        boolean[] best = new boolean[1000];
        boolean[] candidate = new boolean[1000];
        for (int i = 0; i < 60; i++) {
            best[i] = true;
        }
        for (int i = 60; i < 70; i++) {
            candidate[i] = true;
        }
        assertEquals(ReleaseGate.Decision.REFUSE, new ReleaseGate(0.95, 0.02).judge(best, candidate).decision());
        assertEquals(ReleaseGate.Decision.RELEASE, new ReleaseGate(0.95, 0.10).judge(best, candidate).decision());
    }

    @Test
    void invalidSettingsAndMismatchedEvidenceAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReleaseGate(0.4, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReleaseGate(1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReleaseGate(0.95, -0.1));
        assertThrows(IllegalArgumentException.class, () -> PairedComparison.of(new boolean[3], new boolean[4], 0.95));
    }

    private static boolean[] pattern(int n, int correct) {
        boolean[] out = new boolean[n];
        for (int i = 0; i < correct; i++) {
            out[i] = true;
        }
        return out;
    }
}

package io.meanstream.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcPausesTest {

    private static long ms(String isoTime) {
        return OffsetDateTime.parse(isoTime).toInstant().toEpochMilli();
    }

    @Test
    void parsesThePausesOfAUnifiedGcLogAndSkipsTheRest() {
        List<GcPauses.Pause> pauses = GcPauses.parse(List.of(
                "[2026-11-26T11:40:01.123+0000] Using G1",
                "[2026-11-26T11:40:01.500+0000] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 25M->3M(1024M) 3.456ms",
                "[2026-11-26T11:40:02.000+0000] GC(1) Pause Young (Concurrent Start) (G1 Humongous Allocation) 60M->40M(1024M) 12.000ms",
                "[2026-11-26T11:40:02.100+0000] GC(1) Concurrent Mark Cycle 80.111ms",
                "[2026-11-26T11:40:02.200+0000] GC(1) Pause Remark 41M->41M(1024M) 1.5ms",
                "not a log line 5.0ms"));
        assertEquals(List.of(new GcPauses.Pause(ms("2026-11-26T11:40:01.500Z"), 3.456),
                new GcPauses.Pause(ms("2026-11-26T11:40:02.000Z"), 12.0),
                new GcPauses.Pause(ms("2026-11-26T11:40:02.200Z"), 1.5)), pauses);
    }

    @Test
    void pausedTimeCountsOnlyTheOverlapWithTheWindow() {
        List<GcPauses.Pause> pauses = List.of(new GcPauses.Pause(1_010, 20), new GcPauses.Pause(2_000, 5));
        assertEquals(20, GcPauses.pausedMs(pauses, 900, 1_100));
        assertEquals(10, GcPauses.pausedMs(pauses, 1_000, 1_100), "the pause ran 990..1010; 1000..1010 overlaps");
        assertEquals(25, GcPauses.pausedMs(pauses, 0, 5_000));
        assertEquals(0, GcPauses.pausedMs(pauses, 1_100, 1_900));
        assertEquals(List.of(new GcPauses.Pause(2_000, 5)), GcPauses.within(pauses, 1_500, 2_000));
    }

    @Test
    void thisJvmsCollectionsAreRecorded() {
        List<GcPauses.Pause> pauses = GcPauses.recordThisJvm();
        System.gc();
        long deadline = System.currentTimeMillis() + 5_000;
        while (pauses.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        assertFalse(pauses.isEmpty(), "System.gc() is a full, stop-the-world collection under G1");
        long now = System.currentTimeMillis();
        GcPauses.Pause p = pauses.get(0);
        assertTrue(p.endMs() <= now && p.endMs() > now - 10_000, "placed in wall-clock time: " + p);
    }
}

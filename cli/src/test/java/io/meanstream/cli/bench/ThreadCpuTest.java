package io.meanstream.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    @Test
    void taskStatFieldsAreCountedAfterTheLastParenthesis() {
        // a thread name with a space and a parenthesis of its own; utime 250, stime 30
        String stat = "4242 (C2 Comp(iler)) S 1 4200 4200 0 -1 1077936192 100 0 0 0 250 30 0 0 20 0 1 0 500 0 0";
        ThreadCpu.TaskTicks t = ThreadCpu.parseTaskStat(stat);
        assertEquals("C2 Comp(iler)", t.name());
        assertEquals(280, t.ticks());
    }

    @Test
    void machineBusyIsEverythingButIdleAndIowait() {
        long[] m = ThreadCpu.parseMachineStat("cpu  100 5 50 1000 20 3 2 0 7 0");
        assertArrayEquals(new long[] {160, 1180}, m);
    }

    @Test
    void numberedThreadsOfAPoolAddUpToOneGroup() {
        assertEquals("bench:kafka-request-handler-#", ThreadCpu.group("bench/77/kafka-request-handler-3"));
        assertEquals("app:C# CompilerThre", ThreadCpu.group("app/12/C2 CompilerThre"));
    }

    @Test
    void aWindowGivesCoresPerProcessAndTheBusiestGroupsFirst() {
        // 2 s between the samples around the window: a stream thread used 1.5 s of CPU, two handler threads 0.5 s
        // together, a thread born inside the window 0.2 s; the machine's counters say every CPU was busy.
        ThreadCpu.Sample before = new ThreadCpu.Sample(1_000, Map.of("app/1/stream-thread", 100L,
                "bench/2/handler-0", 10L, "bench/3/handler-1", 10L), 1_000, 10_000);
        ThreadCpu.Sample inside = new ThreadCpu.Sample(2_000, Map.of("app/1/stream-thread", 180L), 1_100, 10_100);
        ThreadCpu.Sample after = new ThreadCpu.Sample(3_000, Map.of("app/1/stream-thread", 250L,
                "bench/2/handler-0", 40L, "bench/3/handler-1", 30L, "bench/4/new-thread", 20L), 1_400, 10_400);
        Map<String, Object> w = ThreadCpu.window(List.of(before, inside, after), List.of("app", "bench"), 1_500, 2_500, 2);
        assertEquals(2.0, w.get("seconds"));
        assertEquals(0.75, w.get("appCores"));
        assertEquals(0.35, w.get("benchCores"));
        @SuppressWarnings("unchecked")
        Map<String, Double> busiest = (Map<String, Double>) w.get("busiestThreads");
        assertEquals(List.of("app:stream-thread", "bench:handler-#"), List.copyOf(busiest.keySet()), "top 2, busiest first");
        assertEquals(0.25, busiest.get("bench:handler-#"));
        int cpus = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.round(cpus * 400.0 / 400 * 100) / 100.0, w.get("machineBusyCores"));
    }

    @Test
    void samplesThisProcessForReal() throws Exception {
        try (ThreadCpu cpu = new ThreadCpu(Map.of("self", ProcessHandle.current().pid()), 20)) {
            long from = System.currentTimeMillis();
            long spinUntil = from + 300;
            double x = 0;
            while (System.currentTimeMillis() < spinUntil) {
                x += Math.sqrt(x + 1);
            }
            assertTrue(x > 0);
            // The window needs a sample after the spin; the sampler takes one every 20 ms.
            Map<String, Object> w = Awaitility.await("a spinning thread shows up").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20)).until(() -> cpu.window(from, spinUntil, 3), m -> (Double) m.get("selfCores") > 0.3);
            assertTrue((Double) w.get("machineBusyCores") >= (Double) w.get("selfCores") - 0.2, w.toString());
        }
    }
}

package io.meanstream.cli.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the two cores went, thread by thread, in a window of a benchmark run: a background sampler reads the
 * CPU time of every thread of the watched processes ({@code /proc/<pid>/task/<tid>/stat}) and of the whole
 * machine ({@code /proc/stat}) every {@code periodMs}, so that a latency stall can be set against what ran
 * meanwhile (a JIT compiler, a broker thread, a process outside the benchmark) without attaching a profiler,
 * which disturbs the run. Linux only; elsewhere it records nothing.
 */
final class ThreadCpu implements AutoCloseable {

    /** Clock ticks per second of /proc's CPU times (USER_HZ; 100 on every Linux architecture in use). */
    static final double TICKS_PER_SECOND = 100.0;
    private static final Path PROC_STAT = Path.of("/proc/stat");

    /** One sample: wall time, each thread's CPU ticks (key {@code label/tid/name}), the machine's busy and total ticks. */
    record Sample(long ms, Map<String, Long> threadTicks, long machineBusy, long machineTotal) {
    }

    private final Map<String, Long> pids;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean running = true;

    /** @param pids a label for each watched process ("app", "bench") and its pid */
    ThreadCpu(Map<String, Long> pids, long periodMs) {
        this.pids = new LinkedHashMap<>(pids);
        this.sampler = new Thread(() -> {
            while (running) {
                Sample s = sample();
                synchronized (samples) {
                    samples.add(s);
                }
                try {
                    Thread.sleep(periodMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "thread-cpu-sampler");
        sampler.setDaemon(true);
        if (Files.isDirectory(Path.of("/proc/self/task"))) {
            sampler.start();
        }
    }

    private Sample sample() {
        long now = System.currentTimeMillis();
        Map<String, Long> ticks = new HashMap<>();
        pids.forEach((label, pid) -> {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : tasks) {
                    try {
                        TaskTicks t = parseTaskStat(Files.readString(task.resolve("stat")));
                        ticks.put(label + "/" + task.getFileName() + "/" + t.name(), t.ticks());
                    } catch (IOException | RuntimeException e) {
                        // the thread ended between the listing and the read
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        long busy = 0;
        long total = 0;
        try {
            long[] machine;
            try (var reader = Files.newBufferedReader(PROC_STAT)) { // only the first line: the rest is per-CPU and interrupts
                machine = parseMachineStat(reader.readLine());
            }
            busy = machine[0];
            total = machine[1];
        } catch (IOException | RuntimeException e) {
            // not Linux: no machine figures
        }
        return new Sample(now, ticks, busy, total);
    }

    /** A thread's name and its user + system CPU ticks. */
    record TaskTicks(String name, long ticks) {
    }

    /**
     * Parses {@code /proc/<pid>/task/<tid>/stat}: "tid (name) state ppid ..." where utime and stime are the 14th
     * and 15th fields; the name may itself hold spaces and parentheses, so fields are counted after the last ')'.
     */
    static TaskTicks parseTaskStat(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String[] rest = stat.substring(close + 2).trim().split(" ");
        return new TaskTicks(stat.substring(open + 1, close), Long.parseLong(rest[11]) + Long.parseLong(rest[12]));
    }

    /** Busy and total ticks from the first line of {@code /proc/stat} ("cpu user nice system idle iowait ..."). */
    static long[] parseMachineStat(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) { // user .. steal; guest time is already in user
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new long[] {total - idle, total};
    }

    /** A thread's name without its numbers, so that pools add up: "C2 CompilerThre", "kafka-request-handler-#". */
    static String group(String key) {
        String[] parts = key.split("/", 3);
        return parts[0] + ":" + parts[2].replaceAll("[0-9]+", "#");
    }

    /**
     * CPU use in [fromMs, toMs] (widened to the samples around it), in cores: the machine's busy cores, each
     * process's, and the busiest thread groups, at most {@code top} of them.
     */
    Map<String, Object> window(long fromMs, long toMs, int top) {
        List<Sample> all;
        synchronized (samples) {
            all = List.copyOf(samples);
        }
        return window(all, pids.keySet(), fromMs, toMs, top);
    }

    static Map<String, Object> window(List<Sample> all, Iterable<String> labels, long fromMs, long toMs, int top) {
        Sample first = null;
        Sample last = null;
        for (Sample s : all) {
            if (s.ms() <= fromMs || first == null) {
                first = s;
            }
            if (last == null && s.ms() >= toMs) {
                last = s;
            }
        }
        if (last == null && !all.isEmpty()) {
            last = all.get(all.size() - 1);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (first == null || last == null || last.ms() <= first.ms()) {
            return out;
        }
        double seconds = (last.ms() - first.ms()) / 1e3;
        Map<String, Double> groups = new TreeMap<>();
        Map<String, Double> processes = new LinkedHashMap<>();
        labels.forEach(l -> processes.put(l, 0.0));
        for (Map.Entry<String, Long> e : last.threadTicks().entrySet()) {
            long before = first.threadTicks().getOrDefault(e.getKey(), 0L); // a thread born in the window: all of it
            double cores = (e.getValue() - before) / TICKS_PER_SECOND / seconds;
            if (cores <= 0) {
                continue;
            }
            groups.merge(group(e.getKey()), cores, Double::sum);
            processes.merge(e.getKey().split("/", 2)[0], cores, Double::sum);
        }
        long machineTotal = last.machineTotal() - first.machineTotal();
        out.put("seconds", round(seconds));
        if (machineTotal > 0) {
            int cpus = Runtime.getRuntime().availableProcessors();
            double machineBusy = cpus * (double) (last.machineBusy() - first.machineBusy()) / machineTotal;
            out.put("machineBusyCores", round(machineBusy));
            double watched = processes.values().stream().mapToDouble(Double::doubleValue).sum();
            out.put("otherProcessesCores", round(Math.max(0, machineBusy - watched)));
        }
        processes.forEach((label, cores) -> out.put(label + "Cores", round(cores)));
        Map<String, Double> busiest = new LinkedHashMap<>();
        groups.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())).limit(top)
                .forEach(e -> busiest.put(e.getKey(), round(e.getValue())));
        out.put("busiestThreads", busiest);
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}

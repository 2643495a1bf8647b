package io.meanstream.cli.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Stop-the-world garbage collection pauses of the two JVMs of a benchmark run: the streams-app's, from its
 * unified GC log ({@code -Xlog:gc:file=...:time}), and this one's (the broker, the load producer and the
 * predictions consumer), from the JVM's GC notifications. A pause is kept as its end time and duration.
 */
final class GcPauses {

    record Pause(long endMs, double durationMs) {

        long startMs() {
            return endMs - (long) Math.ceil(durationMs);
        }
    }

    /** {@code [2026-11-26T11:40:01.123+0000] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 25M->3M(1024M) 3.456ms}. */
    private static final Pattern PAUSE = Pattern.compile("^\\[([^\\]]+)\\].*\\bPause\\b.*\\s([0-9]+(?:\\.[0-9]+)?)ms\\s*$");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    private GcPauses() {
    }

    /** The pauses in a unified GC log written with the {@code time} decorator; other lines are skipped. */
    static List<Pause> parse(List<String> lines) {
        List<Pause> pauses = new ArrayList<>();
        for (String line : lines) {
            Matcher m = PAUSE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            try {
                long end = OffsetDateTime.parse(m.group(1), TIME).toInstant().toEpochMilli();
                pauses.add(new Pause(end, Double.parseDouble(m.group(2))));
            } catch (DateTimeParseException e) {
                // a line of another decorator layout: not a pause we can place in time
            }
        }
        return pauses;
    }

    /** Starts recording this JVM's collections; the returned list grows as they happen. */
    static List<Pause> recordThisJvm() {
        List<Pause> pauses = new CopyOnWriteArrayList<>();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().contains("Concurrent") || !(gc instanceof NotificationEmitter emitter)) {
                continue; // concurrent cycles run beside the application, not instead of it
            }
            emitter.addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo();
                    pauses.add(new Pause(jvmStart + info.getEndTime(), info.getDuration()));
                }
            }, null, null);
        }
        return pauses;
    }

    /** Milliseconds of pause that overlap [fromMs, toMs]. */
    static double pausedMs(List<Pause> pauses, long fromMs, long toMs) {
        double total = 0;
        for (Pause p : pauses) {
            long overlap = Math.min(p.endMs(), toMs) - Math.max(p.startMs(), fromMs);
            if (overlap > 0) {
                total += Math.min(overlap, p.durationMs());
            }
        }
        return total;
    }

    /** The pauses that end within [fromMs, toMs]. */
    static List<Pause> within(List<Pause> pauses, long fromMs, long toMs) {
        return pauses.stream().filter(p -> p.endMs() >= fromMs && p.endMs() <= toMs).toList();
    }
}

package io.meanstream.labeler;

import io.meanstream.schema.Prediction;
import io.meanstream.schema.Quality;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the page shows beside the images, from the topics: the model's guess for recent images (predictions),
 * the served model version and its live accuracy (prequential quality: predictions judged by later labels),
 * labels given today (UTC) in all and per annotator, and accuracy against labels given for the chart. Bounded:
 * guesses and labeled ids are the newest few thousand. Thread-safe.
 */
final class LiveStats {

    /** The model's answer for an image. */
    record Guess(int classIndex, String className, float confidence, long modelVersion) {
    }

    /** One point of the chart: labels given today when the served model's live accuracy was {@code accuracy}. */
    record Point(long labels, double accuracy) {
    }

    /** A snapshot for the page. */
    record Snapshot(long servedVersion, double liveAccuracy, long judged, long labelsToday, Map<String, Long> byAnnotator, List<Point> chart) {
    }

    static final int MAX_POINTS = 300;

    private final Map<String, Guess> guesses;
    private final Map<String, Boolean> labeled;
    private final Map<Long, Map<Long, long[]>> quality = new HashMap<>(); // version -> window start -> {count, correct}
    private final Map<String, Long> byAnnotator = new HashMap<>();
    private final List<Point> chart = new ArrayList<>();
    private long servedVersion = -1;
    private long labelsToday;
    private LocalDate day;

    LiveStats(int remembered) {
        this.guesses = bounded(remembered);
        this.labeled = bounded(remembered);
    }

    private static <V> Map<String, V> bounded(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void prediction(Prediction p) {
        guesses.put(p.getImageId(), new Guess(p.getClassIndex(), p.getClassName(), p.getConfidence(), p.getModelVersion()));
        servedVersion = Math.max(servedVersion, p.getModelVersion());
    }

    synchronized Optional<Guess> guess(String imageId) {
        return Optional.ofNullable(guesses.get(imageId));
    }

    synchronized void quality(Quality q) {
        quality.computeIfAbsent(q.getModelVersion(), v -> new HashMap<>())
                .put(q.getWindowStart().toEpochMilli(), new long[] {q.getCount(), q.getCorrect()});
        double accuracy = accuracy(servedVersion);
        if (Double.isFinite(accuracy) && (chart.isEmpty() || chart.get(chart.size() - 1).labels() != labelsToday)) {
            chart.add(new Point(labelsToday, accuracy));
            if (chart.size() > MAX_POINTS) {
                thin();
            }
        }
    }

    /** A label given at {@code millis} by {@code annotator}; a new UTC day starts the counts again. */
    synchronized void label(String imageId, String annotator, long millis) {
        LocalDate d = Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
        if (day == null || d.isAfter(day)) {
            day = d;
            labelsToday = 0;
            byAnnotator.clear();
            chart.clear();
        }
        labeled.put(imageId, Boolean.TRUE);
        if (!d.isBefore(day)) {
            labelsToday++;
            byAnnotator.merge(annotator, 1L, Long::sum);
        }
    }

    /** An image just labeled here, before the reader sees the label: offered to nobody else meanwhile. */
    synchronized void markLabeled(String imageId) {
        labeled.put(imageId, Boolean.TRUE);
    }

    /** A label withdrawn (a tombstone): the image may be offered again. */
    synchronized void withdrawn(String imageId) {
        labeled.remove(imageId);
    }

    synchronized boolean isLabeled(String imageId) {
        return labeled.containsKey(imageId);
    }

    /** Labels given today by {@code annotator}. */
    synchronized long labelsToday(String annotator) {
        return byAnnotator.getOrDefault(annotator, 0L);
    }

    synchronized long labelsToday() {
        return labelsToday;
    }

    synchronized Snapshot snapshot() {
        long judged = quality.getOrDefault(servedVersion, Map.of()).values().stream().mapToLong(w -> w[0]).sum();
        return new Snapshot(servedVersion, accuracy(servedVersion), judged, labelsToday, Map.copyOf(byAnnotator), List.copyOf(chart));
    }

    private double accuracy(long version) {
        long count = 0;
        long correct = 0;
        for (long[] w : quality.getOrDefault(version, Map.of()).values()) {
            count += w[0];
            correct += w[1];
        }
        return count == 0 ? Double.NaN : (double) correct / count;
    }

    /** Keeps every other point: the chart's shape survives, its size stays bounded. */
    private void thin() {
        List<Point> kept = new ArrayList<>();
        for (int i = 0; i < chart.size(); i += 2) {
            kept.add(chart.get(i));
        }
        chart.clear();
        chart.addAll(kept);
    }
}

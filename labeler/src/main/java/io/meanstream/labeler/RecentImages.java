package io.meanstream.labeler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Where the newest images lie on the images topic (id to partition and offset), at most {@code capacity} of them,
 * oldest dropped first: "label recent images" picks from these when there are no requests (a cold start). Only
 * positions are kept, never pixels, so the memory is the same for thumbnails and for photographs. Thread-safe.
 */
final class RecentImages {

    record Position(int partition, long offset) {
    }

    private final int capacity;
    private final Map<String, Position> positions;
    private final SplittableRandom random = new SplittableRandom();

    RecentImages(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("MEANSTREAM_LABELER_RECENT_IMAGES must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.positions = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Position> eldest) {
                return size() > RecentImages.this.capacity;
            }
        };
    }

    synchronized void add(String imageId, int partition, long offset) {
        positions.remove(imageId); // a re-sent image counts as new
        positions.put(imageId, new Position(partition, offset));
    }

    synchronized Optional<Position> position(String imageId) {
        return Optional.ofNullable(positions.get(imageId));
    }

    synchronized int size() {
        return positions.size();
    }

    /** Up to {@code n} distinct remembered images that {@code wanted} accepts, drawn at random. */
    synchronized List<String> sample(int n, Predicate<String> wanted) {
        List<String> candidates = new ArrayList<>();
        for (String id : positions.keySet()) {
            if (wanted.test(id)) {
                candidates.add(id);
            }
        }
        for (int i = 0; i < Math.min(n, candidates.size()); i++) { // a partial Fisher-Yates shuffle
            int j = i + random.nextInt(candidates.size() - i);
            String t = candidates.get(i);
            candidates.set(i, candidates.get(j));
            candidates.set(j, t);
        }
        return List.copyOf(candidates.subList(0, Math.min(n, candidates.size())));
    }
}

package io.meanstream.labeler;

import io.meanstream.schema.LabelRequest;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The open label requests, as the compacted requests topic says: a request is open from its record until its
 * tombstone (the streams-app withdraws it once the image is labeled). Offered most uncertain first. Thread-safe.
 */
final class RequestQueue {

    private static final Comparator<LabelRequest> MOST_UNCERTAIN_FIRST = Comparator.comparingDouble(LabelRequest::getUncertainty).reversed()
            .thenComparing(r -> r.getRequestedTime().toEpochMilli());

    private final Map<String, LabelRequest> open = new HashMap<>();

    synchronized void put(String imageId, LabelRequest request) {
        if (request == null) {
            open.remove(imageId);
        } else {
            open.put(imageId, request);
        }
    }

    synchronized Optional<LabelRequest> get(String imageId) {
        return Optional.ofNullable(open.get(imageId));
    }

    synchronized int size() {
        return open.size();
    }

    /** Up to {@code n} open requests that {@code wanted} accepts, most uncertain first. */
    synchronized List<LabelRequest> next(int n, Predicate<String> wanted) {
        Collection<LabelRequest> all = open.values();
        return all.stream().filter(r -> wanted.test(r.getImageId())).sorted(MOST_UNCERTAIN_FIRST).limit(n).toList();
    }
}

package io.meanstream.streams.requests;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Chooses which scored images are worth a human's label: in each window, the most uncertain ones (smallest margin
 * between the model's two most probable classes), spread over the predicted classes so that one confusing class does
 * not take the whole budget, within a budget of requests per minute and a bound on requests not yet answered. An
 * image is never requested twice. Pure and single-threaded: the caller owns persistence (see {@link RequestLedger}).
 */
public final class LabelRequestSelector {

    /** A scored image that could be requested. */
    public record Candidate(String imageId, int predictedClass, float[] probabilities, long modelVersion) {

        /** 1 - (p1 - p2): 1 when the two most probable classes tie, 0 when the model is certain. */
        public double uncertainty() {
            float first = 0;
            float second = 0;
            for (float p : probabilities) {
                if (p > first) {
                    second = first;
                    first = p;
                } else if (p > second) {
                    second = p;
                }
            }
            return 1.0 - (first - second);
        }
    }

    /** Budget: requests per minute (a token bucket refilled continuously, at most one minute's worth saved). */
    public record Options(double requestsPerMinute, int maxOutstanding, int candidatesPerWindow, int numClasses) {
        public Options {
            if (requestsPerMinute <= 0 || maxOutstanding <= 0 || candidatesPerWindow <= 0 || numClasses <= 0) {
                throw new IllegalArgumentException("label request options must be positive: " + this);
            }
        }
    }

    /** What the selector remembers across windows; backed by a state store in the service, by a map in tests. */
    public interface RequestLedger {
        /** Whether the image was ever requested (answered or not). */
        boolean wasRequested(String imageId);

        /** Records a new outstanding request for the image, predicted as {@code predictedClass}. */
        void requested(String imageId, int predictedClass);

        /** Requests not yet answered, per predicted class. */
        int[] outstandingPerClass(int numClasses);

        /** Requests made so far, per predicted class (answered or not): the running balance. */
        long[] requestedPerClass(int numClasses);
    }

    private final Options options;
    private final RequestLedger ledger;
    // Per predicted class, the window's most uncertain candidates (a min-heap: the least uncertain is dropped first).
    private final Map<Integer, PriorityQueue<Candidate>> window = new HashMap<>();
    private double tokens;
    private long lastRefillMillis;

    /** Starts with an empty budget at {@code startMillis}: it fills at the configured rate from then on. */
    public LabelRequestSelector(Options options, RequestLedger ledger, long startMillis) {
        this.options = options;
        this.ledger = ledger;
        this.lastRefillMillis = startMillis;
    }

    /** Considers an image for this window; images already requested are ignored. */
    public void offer(Candidate c) {
        if (c.predictedClass() < 0 || c.predictedClass() >= options.numClasses() || ledger.wasRequested(c.imageId())) {
            return;
        }
        PriorityQueue<Candidate> heap = window.computeIfAbsent(c.predictedClass(),
                k -> new PriorityQueue<>(Comparator.comparingDouble(Candidate::uncertainty)));
        heap.removeIf(x -> x.imageId().equals(c.imageId())); // a newer model's score of the same image replaces the older one
        heap.add(c);
        if (heap.size() > options.candidatesPerWindow()) {
            heap.poll();
        }
    }

    /**
     * Closes the window at {@code nowMillis}: returns the images to request, most uncertain first within each round,
     * taking one per class in turn (classes requested least so far first), as far as the budget and the outstanding
     * bound allow; the rest of the window is forgotten (a later window sees newer images and models).
     */
    public List<Candidate> closeWindow(long nowMillis) {
        refill(nowMillis);
        int outstanding = 0;
        for (int n : ledger.outstandingPerClass(options.numClasses())) {
            outstanding += n;
        }
        int allowed = (int) Math.min(Math.floor(tokens), Math.max(0, options.maxOutstanding() - outstanding));
        List<Candidate> chosen = new ArrayList<>();
        long[] balance = ledger.requestedPerClass(options.numClasses());
        Map<Integer, List<Candidate>> byClass = new HashMap<>();
        window.forEach((cls, heap) -> {
            List<Candidate> sorted = new ArrayList<>(heap);
            sorted.sort(Comparator.comparingDouble(Candidate::uncertainty).reversed());
            byClass.put(cls, sorted);
        });
        while (chosen.size() < allowed) {
            Integer next = byClass.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                    .min(Comparator.<Map.Entry<Integer, List<Candidate>>>comparingLong(e -> balance[e.getKey()])
                            .thenComparing(e -> -e.getValue().get(0).uncertainty()))
                    .map(Map.Entry::getKey).orElse(null);
            if (next == null) {
                break;
            }
            Candidate c = byClass.get(next).remove(0);
            balance[next]++;
            ledger.requested(c.imageId(), c.predictedClass());
            chosen.add(c);
        }
        tokens -= chosen.size();
        window.clear();
        return chosen;
    }

    /** Candidates held for the current window (for tests and metrics). */
    public int held() {
        return window.values().stream().mapToInt(PriorityQueue::size).sum();
    }

    private void refill(long nowMillis) {
        // At most a minute's worth (and at least one request's) is saved up, so an idle hour does not become a burst.
        tokens = Math.min(Math.max(1, options.requestsPerMinute()), tokens + (nowMillis - lastRefillMillis) / 60_000.0 * options.requestsPerMinute());
        lastRefillMillis = nowMillis;
    }
}

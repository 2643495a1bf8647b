package io.meanstream.streams.requests;

import java.time.Duration;

/**
 * How the streams-app asks for labels: at most {@code perMinute} requests a minute, at most {@code maxOutstanding}
 * unanswered, chosen every {@code window} from that window's predictions.
 */
public record LabelRequestOptions(double perMinute, int maxOutstanding, Duration window) {

    /** Candidates kept per predicted class and window: enough to fill any window's budget from one class. */
    int candidatesPerWindow() {
        return (int) Math.max(8, Math.ceil(perMinute * window.toMillis() / 60_000.0) * 4);
    }
}

package io.meanstream.cli.feed;

import java.time.Duration;
import java.util.Map;

/**
 * What a feed run produced.
 *
 * @param labels image id to the class its label named, for every label produced
 * @param labelsPerClass labels produced per class index
 * @param requestedLabels labels that answered a label request of the streams-app
 */
public record FeedResult(int imagesSent, int labelsSent, long bytesSent, int[] labelsPerClass, Map<String, Integer> labels,
                         Duration elapsed, int requestedLabels) {

    public double imagesPerSecond() {
        return imagesSent / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }
}

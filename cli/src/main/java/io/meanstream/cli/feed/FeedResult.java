package io.meanstream.cli.feed;

import java.time.Duration;
import java.util.Map;

/**
 * What a feed run produced.
 *
 * @param labels image id to the class its label named, for every label produced
 * @param labelsPerClass labels produced per class index
 */
public record FeedResult(int imagesSent, int labelsSent, long bytesSent, int[] labelsPerClass, Map<String, Integer> labels,
                         Duration elapsed) {

    public double imagesPerSecond() {
        return imagesSent / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }
}

package io.meanstream.cli.feed;

import io.meanstream.schema.Image;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/** Where the feeder's images come from: a data set with known classes, addressed by index. */
public interface FeedSource {

    /** A short name written into {@link Image#getSource()}. */
    String name();

    int size();

    List<String> classNames();

    /** The true class of image {@code i} (used to produce its simulated human label). */
    int classIndex(int i);

    /** The stable image id, also the Kafka key; stable across runs so ground truth can be looked up. */
    String id(int i);

    /** The image as it goes onto the images topic. */
    Image image(int i, Instant eventTime) throws IOException;
}

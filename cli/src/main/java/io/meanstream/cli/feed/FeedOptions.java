package io.meanstream.cli.feed;

/**
 * What to feed and how.
 *
 * @param limit at most this many images (negative: all)
 * @param ratePerSecond images per second; 0 or less: as fast as the broker takes them
 * @param seed drives the image order, which images get labels and their delays
 * @param shuffle feed in a seeded random order instead of the data set's order
 * @param labelsPerClass label the first K images of each class (null: use labelFraction)
 * @param labelFraction label this fraction of the images, chosen at random (null: labelsPerClass)
 * @param labelDelay each label is produced this long after its image
 * @param labelsFirst produce every label before any image, to exercise labels that arrive early
 * @param spreadLabels with labelsPerClass: pick each class's K labeled images at random over the whole feed
 *                     (labels keep arriving while it runs, as from a labeling team) instead of the first K
 * @param format the records' form: Avro contracts, or encoded images with headers and JSON labels
 * @param labelPolicy which images the labels go to at the planned moments: the planned ones, or those the streams-app requests
 */
public record FeedOptions(int limit, double ratePerSecond, long seed, boolean shuffle, Integer labelsPerClass,
                          Double labelFraction, DelayRange labelDelay, boolean labelsFirst, boolean spreadLabels, FeedFormat format,
                          LabelPolicy labelPolicy) {

    public FeedOptions(int limit, double ratePerSecond, long seed, boolean shuffle, Integer labelsPerClass,
                       Double labelFraction, DelayRange labelDelay, boolean labelsFirst) {
        this(limit, ratePerSecond, seed, shuffle, labelsPerClass, labelFraction, labelDelay, labelsFirst, false);
    }

    public FeedOptions(int limit, double ratePerSecond, long seed, boolean shuffle, Integer labelsPerClass,
                       Double labelFraction, DelayRange labelDelay, boolean labelsFirst, boolean spreadLabels) {
        this(limit, ratePerSecond, seed, shuffle, labelsPerClass, labelFraction, labelDelay, labelsFirst, spreadLabels, FeedFormat.AVRO);
    }

    public FeedOptions(int limit, double ratePerSecond, long seed, boolean shuffle, Integer labelsPerClass,
                       Double labelFraction, DelayRange labelDelay, boolean labelsFirst, boolean spreadLabels, FeedFormat format) {
        this(limit, ratePerSecond, seed, shuffle, labelsPerClass, labelFraction, labelDelay, labelsFirst, spreadLabels, format, LabelPolicy.RANDOM);
    }

    public FeedOptions {
        if (labelsPerClass != null && labelFraction != null) {
            throw new IllegalArgumentException("give --labels-per-class or --label-fraction, not both");
        }
        if (labelsPerClass != null && labelsPerClass < 0) {
            throw new IllegalArgumentException("--labels-per-class must be >= 0, got " + labelsPerClass);
        }
        if (labelFraction != null && (labelFraction < 0 || labelFraction > 1)) {
            throw new IllegalArgumentException("--label-fraction must be in [0, 1], got " + labelFraction);
        }
        if (labelDelay == null) {
            labelDelay = DelayRange.none();
        }
        if (format == null) {
            format = FeedFormat.AVRO;
        }
        if (labelPolicy == null) {
            labelPolicy = LabelPolicy.RANDOM;
        }
        if (labelPolicy == LabelPolicy.REQUESTED && labelsFirst) {
            throw new IllegalArgumentException("--label-policy requested answers requests as they come; it cannot give labels first");
        }
    }
}

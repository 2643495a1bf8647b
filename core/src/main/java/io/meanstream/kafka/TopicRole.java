package io.meanstream.kafka;

/** The topics meanstream reads and writes, by what they are for. */
public enum TopicRole {
    /** Unlabeled images, key = image id. */
    IMAGES,
    /** Human labels, key = image id, compacted so a correction replaces the earlier label. */
    LABELS,
    /** Released teacher models, key = name@version, compacted. */
    MODELS,
    /** One prediction per image and model version, key = image id. */
    PREDICTIONS,
    /** Records that could not be processed, with the reason. */
    DEAD_LETTERS,
    /** Images joined with their latest label (the trainer's durable labeled pool), key = image id, compacted. */
    LABELED_IMAGES,
    /** Prequential accuracy per model version and time window, key = name@version@windowStart, compacted. */
    QUALITY,
    /** Images the streams-app asks a human to label, key = image id, compacted; a tombstone withdraws a request. */
    LABEL_REQUESTS;

    /** The suffix of the default topic name, e.g. {@code dead-letters}. */
    public String slug() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}

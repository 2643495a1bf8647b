package io.meanstream.streams.model;

import io.meanstream.schema.ModelRelease;

/**
 * Which releases to serve: the newest version of one model name, or one pinned version (rollback). Pure, so
 * the policy is tested apart from Kafka.
 */
public record ModelSelection(String modelName, long pinnedVersion) {

    public static final long FOLLOW_NEWEST = -1;

    public static ModelSelection followNewest(String modelName) {
        return new ModelSelection(modelName, FOLLOW_NEWEST);
    }

    /** True when {@code release} should replace the model currently served ({@code currentVersion}, -1 if none). */
    public boolean wants(ModelRelease release, long currentVersion) {
        if (release == null || !release.getName().equals(modelName)) {
            return false;
        }
        if (pinnedVersion != FOLLOW_NEWEST) {
            return release.getVersion() == pinnedVersion && currentVersion != pinnedVersion;
        }
        return release.getVersion() > currentVersion;
    }
}

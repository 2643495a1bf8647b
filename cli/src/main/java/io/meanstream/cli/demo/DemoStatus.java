package io.meanstream.cli.demo;

import io.meanstream.schema.ModelRelease;
import java.util.List;

/**
 * Everything the live view shows at one moment: the feed's counts, the trainer's and the streams-app's own
 * numbers (in-process), labels given by people in the labeler, what the observer saw on the output topics, and the baseline trainer's releases (null when
 * the demo runs none).
 */
record DemoStatus(long elapsedMillis, long plannedMillis, long imagesSent, long labelsSent, long requestedLabels, long peopleLabels, long labelsPlanned,
                  long trainerStep, double classLoss, double consistencyLoss, double consistencyWeight, long labeledPool,
                  long holdout, long servingVersion, DemoObserver.Snapshot topics, List<ModelRelease> baseline) {
}

package io.meanstream.cli.demo;

/**
 * Everything the live view shows at one moment: the feed's counts, the trainer's and the streams-app's own
 * numbers (in-process), and what the observer saw on the output topics.
 */
record DemoStatus(long elapsedMillis, long plannedMillis, long imagesSent, long labelsSent, long labelsPlanned,
                  long trainerStep, double classLoss, double consistencyLoss, double consistencyWeight, long labeledPool,
                  long holdout, long servingVersion, DemoObserver.Snapshot topics) {
}

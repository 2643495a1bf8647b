package io.meanstream.trainer.engine;

/**
 * What one training step did. {@code consistencyLoss} is the unweighted cost; {@code totalLoss} is
 * class + weight * consistency + logit-distance cost.
 */
public record StepStats(long step, float classLoss, float consistencyLoss, float logitDistance, float totalLoss,
                        double consistencyWeight, double emaAlpha, double learningRate) {
}

package io.meanstream.cli.demo;

import io.meanstream.data.LabeledImages;
import io.meanstream.onnx.OnnxModelException;
import io.meanstream.schema.ModelRelease;
import io.meanstream.streams.model.ModelRefusedException;
import io.meanstream.trainer.stream.HoldoutSplit;
import io.meanstream.trainer.stream.LabeledPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * What a run released and how each release did, from what reached Kafka: its test accuracy (scored from its
 * released bytes with ONNX Runtime), the labels given before it, when it was first served, its prequential
 * accuracy; and how long labels took to reach a served model. Computed after a run, so the scoring takes no
 * CPU from the training it describes.
 */
final class ReleaseHistory {

    /** One released model: when, after how many steps and labels, and how good. */
    record ReleasePoint(String model, long version, long trainerStep, double minutes, long labelsGiven, double testAccuracy,
                        double prequentialAccuracy, long prequentialJudged, double servedMinutes, Map<String, Double> metrics) {
    }

    /**
     * Label-to-served-model delays: from a label's arrival on the labels topic to the first prediction of the first
     * model exported after the trainer first drew that label for a step, for training-side labels served within
     * the run; labels not served (yet) and holdout labels (never trained on) are counted.
     */
    record Delays(List<Double> seconds, long notServed, long holdout) {
    }

    private ReleaseHistory() {
    }

    /** Every release of {@code models}, in version order, scored on {@code test}; {@code progress} gets the releases done. */
    static List<ReleasePoint> points(List<ModelRelease> models, List<DemoObserver.GivenLabel> labels, Map<Long, Long> firstScored,
                                     DemoObserver.Snapshot seen, long startMillis, LabeledImages test, LongConsumer progress)
            throws ModelRefusedException, OnnxModelException {
        List<ReleasePoint> points = new ArrayList<>();
        List<ModelRelease> sorted = new ArrayList<>(models);
        sorted.sort((a, b) -> Long.compare(a.getVersion(), b.getVersion()));
        for (ModelRelease m : sorted) {
            long created = m.getCreatedTime().toEpochMilli();
            long given = labels.stream().filter(l -> l.givenMillis() <= created).count();
            Long served = firstScored.get(m.getVersion());
            long judged = seen.quality().stream().filter(q -> q.getModelName().equals(m.getName()) && q.getModelVersion() == m.getVersion())
                    .mapToLong(q -> q.getCount()).sum();
            points.add(new ReleasePoint(m.getName(), m.getVersion(), m.getTrainerStep(), (created - startMillis) / 60_000.0, given,
                    TestSetEvaluation.accuracy(m, test, done -> { }), judged == 0 ? Double.NaN : seen.accuracyOf(m.getVersion()), judged,
                    served == null ? Double.NaN : (served - startMillis) / 60_000.0, Map.copyOf(m.getMetrics())));
            progress.accept(points.size());
        }
        return points;
    }

    /** When the trainer first trained on each label's image (epoch ms, -1 if never): read from its pool while it runs. */
    static Map<String, Long> firstDrawn(List<DemoObserver.GivenLabel> labels, LabeledPool pool) {
        Map<String, Long> out = new java.util.HashMap<>();
        labels.forEach(l -> out.put(l.imageId(), pool.firstDrawnMillis(l.imageId())));
        return out;
    }

    static Delays delays(List<DemoObserver.GivenLabel> labels, Map<String, Long> firstDrawn, HoldoutSplit holdout, List<ModelRelease> models,
                         Map<Long, Long> firstScored) {
        List<Double> seconds = new ArrayList<>();
        long notServed = 0;
        long held = 0;
        for (DemoObserver.GivenLabel l : labels) {
            if (holdout.isHoldout(l.imageId())) {
                held++;
                continue;
            }
            long servedAt = servedAfter(firstDrawn.getOrDefault(l.imageId(), -1L), models, firstScored);
            if (servedAt < 0) {
                notServed++;
            } else {
                seconds.add((servedAt - l.givenMillis()) / 1000.0);
            }
        }
        return new Delays(seconds, notServed, held);
    }

    /** The first prediction time of the first model exported at or after {@code drawnMillis}; -1 when none was served. */
    static long servedAfter(long drawnMillis, List<ModelRelease> models, Map<Long, Long> firstScored) {
        if (drawnMillis < 0) {
            return -1;
        }
        return models.stream().filter(m -> m.getCreatedTime().toEpochMilli() >= drawnMillis)
                .mapToLong(m -> firstScored.getOrDefault(m.getVersion(), -1L)).filter(t -> t >= 0).min().orElse(-1);
    }
}

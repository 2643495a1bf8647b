package io.meanstream.labeler;

import io.meanstream.schema.Label;
import io.meanstream.schema.LabelRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The labeler's logic, without HTTP: which images to offer an annotator next, taking an answer (checked: an image
 * this person was offered, a class the model has) and undoing the last one. Requested images come first, most
 * uncertain first; with no request open (a cold start, or the streams-app's requests turned off) or when asked
 * for, recent images drawn at random.
 */
final class LabelDesk {

    /** Which images to offer. */
    enum Source {
        REQUESTED, RECENT;

        static Source parse(String s) {
            return switch (s == null ? "requested" : s) {
                case "requested" -> REQUESTED;
                case "recent" -> RECENT;
                default -> throw new BadInputException("source must be requested or recent, got '" + s + "'");
            };
        }
    }

    /** One image to label, with the model's guess when there is one. */
    record Item(String imageId, String source, Integer guessClass, String guessName, Double confidence, Long modelVersion, Double uncertainty) {

        /** A requested image, with the guess of the model that asked. */
        static Item requested(LabelRequest r) {
            return new Item(r.getImageId(), "requested", r.getPredictedClass(), r.getPredictedClassName(),
                    (double) r.getProbabilities().get(r.getPredictedClass()), r.getModelVersion(), r.getUncertainty());
        }

        /** Any other image, with the served model's guess when a prediction for it was seen. */
        static Item recent(String imageId, Optional<LiveStats.Guess> g) {
            return new Item(imageId, "recent", g.map(LiveStats.Guess::classIndex).orElse(null), g.map(LiveStats.Guess::className).orElse(null),
                    g.map(x -> (double) x.confidence()).orElse(null), g.map(LiveStats.Guess::modelVersion).orElse(null), null);
        }
    }

    /** The numbers beside the images. */
    record Stats(int queue, int recentImages, long labelsToday, long mineToday, long servedVersion, Double liveAccuracy, long judged,
                 List<Long> chartLabels, List<Double> chartAccuracy) {
    }

    /** A request naming an unknown image or class, or a malformed one: 400, nothing written. */
    static final class BadInputException extends RuntimeException {
        BadInputException(String message) {
            super(message);
        }
    }

    static final int MAX_BATCH = 20;

    private final List<String> classNames;
    private final RequestQueue requests;
    private final RecentImages recent;
    private final LiveStats stats;
    private final LabelWriter writer;
    private final ImageStore images;

    LabelDesk(List<String> classNames, RequestQueue requests, RecentImages recent, LiveStats stats, LabelWriter writer, ImageStore images) {
        this.classNames = List.copyOf(classNames);
        this.requests = requests;
        this.recent = recent;
        this.stats = stats;
        this.writer = writer;
        this.images = images;
    }

    List<String> classNames() {
        return classNames;
    }

    /** Up to {@code n} images for {@code who}: not labeled, not skipped, not answered by them; requested first unless {@code source} is recent. */
    List<Item> next(AnnotatorSession who, int n, Source source) {
        int count = Math.max(1, Math.min(MAX_BATCH, n));
        List<Item> items = new ArrayList<>();
        if (source == Source.REQUESTED) {
            for (LabelRequest r : requests.next(count, id -> open(who, id))) {
                who.offered(r.getImageId(), new AnnotatorSession.Offered(new RecentImages.Position(r.getImagePartition(), r.getImageOffset()), true));
                items.add(Item.requested(r));
            }
        }
        if (items.isEmpty()) {
            for (String id : recent.sample(count, id -> open(who, id) && requests.get(id).isEmpty())) {
                recent.position(id).ifPresent(p -> {
                    who.offered(id, new AnnotatorSession.Offered(p, false));
                    items.add(Item.recent(id, stats.guess(id)));
                });
            }
        }
        return items;
    }

    private boolean open(AnnotatorSession who, String imageId) {
        return !stats.isLabeled(imageId) && !who.skipped(imageId) && !who.hasAnswered(imageId);
    }

    /** Writes {@code who}'s answer; the image must be one offered to them, the class one of the model's. */
    Label answer(AnnotatorSession who, String imageId, int classIndex) throws LabelWriter.LabelNotSavedException {
        AnnotatorSession.Offered offered = offered(who, imageId);
        if (classIndex < 0 || classIndex >= classNames.size()) {
            throw new BadInputException("class index " + classIndex + " is outside [0, " + classNames.size() + ")");
        }
        boolean requested = offered.requested() || requests.get(imageId).isPresent();
        Label label = writer.give(imageId, classIndex, classNames.get(classIndex), who.name(), requested);
        who.answered(imageId);
        stats.markLabeled(imageId); // counted when the reader sees it on the topic, like anyone's label
        return label;
    }

    /** Withdraws {@code who}'s newest answer (a tombstone); returns the image, to be offered again. */
    Optional<Item> undo(AnnotatorSession who) throws LabelWriter.LabelNotSavedException {
        Optional<String> last = who.popAnswer();
        if (last.isEmpty()) {
            return Optional.empty();
        }
        String id = last.get();
        writer.withdraw(id);
        stats.withdrawn(id);
        return Optional.of(requests.get(id).map(Item::requested).orElseGet(() -> Item.recent(id, stats.guess(id))));
    }

    void skip(AnnotatorSession who, String imageId) {
        offered(who, imageId);
        who.skip(imageId);
    }

    private static AnnotatorSession.Offered offered(AnnotatorSession who, String imageId) {
        return who.offered(requireId(imageId))
                .orElseThrow(() -> new BadInputException("unknown image id '" + imageId + "': not one offered to you"));
    }

    /** An image offered to {@code who}, as PNG; empty for any other id (or one no longer on the topic). */
    Optional<byte[]> png(AnnotatorSession who, String imageId) {
        return who.offered(imageId).flatMap(o -> images.png(imageId, o.position().partition(), o.position().offset()));
    }

    Stats stats(AnnotatorSession who) {
        LiveStats.Snapshot s = stats.snapshot();
        return new Stats(requests.size(), recent.size(), s.labelsToday(), s.byAnnotator().getOrDefault(who.name(), 0L), s.servedVersion(),
                Double.isFinite(s.liveAccuracy()) ? s.liveAccuracy() : null, s.judged(), s.chart().stream().map(LiveStats.Point::labels).toList(),
                s.chart().stream().map(LiveStats.Point::accuracy).toList());
    }

    private static String requireId(String imageId) {
        if (imageId == null || imageId.isEmpty() || imageId.length() > 512) {
            throw new BadInputException("an image id is 1-512 characters");
        }
        return imageId;
    }
}

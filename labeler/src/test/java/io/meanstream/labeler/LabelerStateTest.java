package io.meanstream.labeler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.schema.LabelRequest;
import io.meanstream.schema.Prediction;
import io.meanstream.schema.Quality;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The labeler's in-memory view of the topics: open requests, recent images, live numbers, an annotator's session. */
class LabelerStateTest {

    static LabelRequest request(String id, double uncertainty, long millis) {
        return LabelRequest.newBuilder().setImageId(id).setModelName("m").setModelVersion(1).setUncertainty(uncertainty).setPredictedClass(0)
                .setPredictedClassName("a").setProbabilities(List.of(0.5f, 0.5f)).setRequestedTime(Instant.ofEpochMilli(millis))
                .setImageTopic("t").setImagePartition(0).setImageOffset(0).build();
    }

    @Test
    void requestsAreOfferedMostUncertainFirstUntilTheirTombstone() {
        RequestQueue q = new RequestQueue();
        q.put("a", request("a", 0.2, 1));
        q.put("b", request("b", 0.9, 2));
        q.put("c", request("c", 0.9, 1));
        assertEquals(List.of("c", "b", "a"), q.next(5, id -> true).stream().map(LabelRequest::getImageId).toList(), "ties: the older first");
        assertEquals(List.of("b"), q.next(1, id -> !id.equals("c")).stream().map(LabelRequest::getImageId).toList());
        q.put("c", null);
        assertEquals(2, q.size());
        assertTrue(q.get("c").isEmpty());
    }

    @Test
    void recentImagesKeepTheNewestAndSampleWithoutRepeats() {
        RecentImages r = new RecentImages(3);
        for (int i = 0; i < 5; i++) {
            r.add("i" + i, 0, i);
        }
        assertEquals(3, r.size());
        assertTrue(r.position("i0").isEmpty(), "the oldest dropped");
        assertEquals(new RecentImages.Position(0, 4), r.position("i4").orElseThrow());
        Set<String> drawn = new HashSet<>(r.sample(10, id -> !id.equals("i3")));
        assertEquals(Set.of("i2", "i4"), drawn);
    }

    @Test
    void liveStatsCountTodaysLabelsJudgeTheServedVersionAndForgetWithdrawnLabels() {
        LiveStats s = new LiveStats(100);
        long day1 = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();
        long day2 = Instant.parse("2026-12-02T09:00:00Z").toEpochMilli();
        s.label("x", "ada", day1);
        s.label("y", "ada", day2);
        s.label("z", "bob", day2);
        s.label("w", "ada", day1); // late on the topic, from yesterday: not today's
        LiveStats.Snapshot snap = s.snapshot();
        assertEquals(2, snap.labelsToday());
        assertEquals(1L, snap.byAnnotator().get("ada"));
        assertTrue(s.isLabeled("w"));
        s.withdrawn("w");
        assertFalse(s.isLabeled("w"));

        s.prediction(Prediction.newBuilder().setImageId("p").setModelName("m").setModelVersion(4).setClassIndex(1).setClassName("b")
                .setConfidence(0.8f).setProbabilities(List.of(0.2f, 0.8f)).setImageTime(Instant.EPOCH).setScoredTime(Instant.EPOCH).build());
        s.quality(quality(4, 0, 10, 7));
        s.quality(quality(4, 60_000, 10, 9));
        s.quality(quality(3, 0, 100, 10)); // an older version does not count for the served one
        snap = s.snapshot();
        assertEquals(4, snap.servedVersion());
        assertEquals(0.8, snap.liveAccuracy(), 1e-9);
        assertEquals(20, snap.judged());
        assertEquals(1, snap.chart().size(), "one point per labels count");
        assertEquals("b", s.guess("p").orElseThrow().className());
    }

    static Quality quality(long version, long windowStart, long count, long correct) {
        return Quality.newBuilder().setModelName("m").setModelVersion(version).setWindowStart(Instant.ofEpochMilli(windowStart))
                .setWindowEnd(Instant.ofEpochMilli(windowStart + 60_000)).setCount(count).setCorrect(correct).setAccuracy((double) correct / count)
                .setNumClasses(2).setConfusion(List.of(0L, 0L, 0L, 0L)).build();
    }

    @Test
    void anAnnotatorUndoesNewestFirstAndOnlyTheirOwnAnswers() {
        AnnotatorSession a = new AnnotatorSession("ada");
        a.answered("1");
        a.answered("2");
        assertTrue(a.hasAnswered("1"));
        assertEquals("2", a.popAnswer().orElseThrow());
        assertEquals("1", a.popAnswer().orElseThrow());
        assertTrue(a.popAnswer().isEmpty());
        assertFalse(AnnotatorSession.token().equals(AnnotatorSession.token()));
        assertEquals(43, AnnotatorSession.token().length(), "256 bits, Base64 without padding");
    }
}

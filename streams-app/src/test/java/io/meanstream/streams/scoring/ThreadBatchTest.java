package io.meanstream.streams.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.image.ImageLimits;
import io.meanstream.ops.Meters;
import io.meanstream.streams.model.ModelHolder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The stream thread's shared micro-batch: arrival order across tasks, oldest time, a closed task's images, one per thread. */
class ThreadBatchTest {

    static ScoringProcessor task() {
        return new ScoringProcessor(new ScoringOptions(4, Duration.ofMillis(20), 10, ImageLimits.defaults()), new ModelHolder(),
                new ScoringMeters(new Meters(new SimpleMeterRegistry())));
    }

    static ScoringProcessor.Pending image(int offset) {
        return new ScoringProcessor.Pending(new PendingCodec("images", 0, offset, 0L, "k" + offset, null, new byte[0]), null);
    }

    @Test
    void keepsTheImagesOfAllTasksInArrivalOrderAndDropsAClosedTasksOnes() throws Exception {
        ThreadBatch batch = ThreadBatch.ofCurrentThread();
        batch.takeAll();
        ScoringProcessor a = task();
        ScoringProcessor b = task();
        batch.add(a, image(1), 100);
        batch.add(b, image(2), 105);
        batch.add(a, image(3), 110);
        assertEquals(100, batch.oldestMs(), "the time of the first image");
        assertEquals(3, batch.size());
        assertEquals(List.of(2L), batch.take(b).stream().map(p -> p.codec().offset()).toList(), "b's own image");
        List<ThreadBatch.Entry> all = batch.takeAll();
        assertEquals(List.of(1L, 3L), all.stream().map(e -> e.image().codec().offset()).toList());
        all.forEach(e -> assertSame(a, e.owner()));
        assertTrue(batch.isEmpty());
        batch.add(b, image(4), 200);
        assertEquals(200, batch.oldestMs(), "a new batch starts its own clock");
        batch.takeAll();

        AtomicInteger otherThreadSize = new AtomicInteger(-1);
        batch.add(a, image(5), 300);
        Thread other = new Thread(() -> otherThreadSize.set(ThreadBatch.ofCurrentThread().size()));
        other.start();
        other.join();
        assertEquals(0, otherThreadSize.get(), "each stream thread has its own batch");
        batch.takeAll();
    }
}

package io.meanstream.cli.demo;

import io.meanstream.cli.feed.DelayRange;
import io.meanstream.cli.feed.FashionMnistSource;
import io.meanstream.cli.feed.FeedFormat;
import io.meanstream.cli.feed.FeedOptions;
import io.meanstream.cli.feed.Feeder;
import io.meanstream.cli.feed.LabelPolicy;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.schema.ImageEncoding;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The live runs' feed on its own thread: the Fashion-MNIST training images as PNG at a rate, in the seed's order,
 * with K labels per class given at random moments over the run (the demo's and the learning benchmark's stream).
 */
final class LiveFeed {

    private final Feeder feeder;
    private final Thread thread;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    private LiveFeed(LocalPipeline pipeline, LabeledImages train, int images, double rate, long seed, int labelsPerClass, DelayRange delay,
                     LabelPolicy policy) {
        this.feeder = new Feeder(pipeline.kafka(), pipeline.topics(), new PrintStream(OutputStream.nullOutputStream()));
        this.thread = new Thread(() -> {
            try {
                feeder.feed(new FashionMnistSource(train, FashionMnist.Split.TRAIN, ImageEncoding.PNG),
                        new FeedOptions(images, rate, seed, true, labelsPerClass, null, delay, false, true, FeedFormat.AVRO, policy));
            } catch (Exception e) {
                failure.set(e);
            }
        }, "live-feed");
    }

    static LiveFeed start(LocalPipeline pipeline, LabeledImages train, int images, double rate, long seed, int labelsPerClass,
                          DelayRange delay, LabelPolicy policy) {
        LiveFeed feed = new LiveFeed(pipeline, train, images, rate, seed, labelsPerClass, delay, policy);
        feed.thread.start();
        return feed;
    }

    Feeder feeder() {
        return feeder;
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    /** Waits up to {@code millis} for the feed to end. */
    void await(long millis) throws InterruptedException {
        thread.join(millis);
    }

    /** Stops the feed after the current image and waits for it; returns why it failed, or null. */
    Exception stop() throws InterruptedException {
        feeder.requestStop();
        thread.join();
        return failure.get();
    }
}

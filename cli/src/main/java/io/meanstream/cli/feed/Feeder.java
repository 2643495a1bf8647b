package io.meanstream.cli.feed;

import io.meanstream.cli.ProgressBar;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.Topics;
import io.meanstream.schema.Image;
import io.meanstream.schema.Label;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Streams images to the images topic at a steady rate and simulated human labels to the labels topic,
 * each label some delay after its image (or all labels first). Every record is acknowledged by the
 * broker (acks=all, idempotent) before the feed reports success.
 */
public final class Feeder {

    private static final String ANNOTATOR = "meanstream-feeder";

    private final KafkaClientConfig kafka;
    private final Topics topics;
    private final PrintStream progress;
    private final AtomicLong imagesSent = new AtomicLong();
    private final AtomicLong labelsSent = new AtomicLong();
    private volatile boolean stopRequested;
    /** The records' form of the running feed. */
    private FeedRecords records;
    /** The running feed's label requests to answer (null with the random policy). */
    private OpenRequests requests;
    /** Every image the running feed sent, to its class: a request can only be answered for those. */
    private final Map<String, Integer> sentClass = new HashMap<>();
    private final Map<String, Integer> labels = new HashMap<>();
    /** The labels that answered requests, in the order given (the benchmark reports what was asked for). */
    private final List<RequestedLabel> requestedLabels = new CopyOnWriteArrayList<>();
    private int[] labelsPerClass;

    public Feeder(KafkaClientConfig kafka, Topics topics, PrintStream progress) {
        this.kafka = kafka;
        this.topics = topics;
        this.progress = progress;
    }

    /**
     * Asks a running {@link #feed} to stop after the current image: it stops producing images, drops the labels
     * not yet due (they were never given), flushes what it sent and returns the counts so far.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /** Images produced so far (live, for progress views). */
    public long imagesSent() {
        return imagesSent.get();
    }

    /** Labels produced so far (live). */
    public long labelsSent() {
        return labelsSent.get();
    }

    /** Of those, labels that answered a label request (live). */
    public long requestedLabelsSent() {
        return requestedLabels.size();
    }

    /** An image labeled in answer to a label request, with its true class. */
    public record RequestedLabel(String imageId, int classIndex) {
    }

    /** The labels that answered requests so far, in the order given (live; reset by each feed). */
    public List<RequestedLabel> requestedLabels() {
        return List.copyOf(requestedLabels);
    }

    private record PendingLabel(long dueNanos, String imageId, int classIndex) {
    }

    public FeedResult feed(FeedSource source, FeedOptions options) throws IOException, InterruptedException {
        try (Admin admin = Admin.create(kafka.admin("meanstream-feeder-admin"))) {
            new TopicBootstrapper(admin).ensure(topics.all());
        }
        FeedPlan plan = FeedPlan.of(source, options);
        records = new FeedRecords(topics, options.format());
        SplittableRandom delays = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong bytes = new AtomicLong();
        labelsPerClass = new int[source.classNames().size()];
        labels.clear();
        sentClass.clear();
        PriorityQueue<PendingLabel> pending = new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos(), b.dueNanos()));
        long start = System.nanoTime();
        imagesSent.set(0); // the live counters are per feed
        labelsSent.set(0);
        requestedLabels.clear();
        ProgressBar bar = new ProgressBar(progress, "images", plan.size());

        try (Producer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("meanstream-feeder"),
                new StringSerializer(), new ByteArraySerializer());
             OpenRequests open = options.labelPolicy() == LabelPolicy.REQUESTED ? new OpenRequests(kafka, topics) : null) {
            requests = open;
            if (options.labelsFirst()) {
                for (int k = plan.labeled().nextSetBit(0); k >= 0; k = plan.labeled().nextSetBit(k + 1)) {
                    int i = plan.order()[k];
                    sendLabel(producer, source, source.id(i), source.classIndex(i), false, failure, bytes);
                }
            }
            for (int k = 0; k < plan.size() && !stopRequested; k++) {
                if (options.ratePerSecond() > 0) {
                    sleepUntil(start + (long) (k * 1e9 / options.ratePerSecond()), pending, producer, source, failure, bytes);
                }
                sendDueLabels(pending, producer, source, failure, bytes);
                int i = plan.order()[k];
                ProducerRecord<String, byte[]> record = records.image(source.image(i, Instant.now()));
                producer.send(record, callback(failure));
                bytes.addAndGet(record.value().length);
                imagesSent.incrementAndGet();
                if (requests != null) {
                    sentClass.put(source.id(i), source.classIndex(i));
                }
                if (plan.labeled().get(k) && !options.labelsFirst()) {
                    long due = System.nanoTime() + options.labelDelay().draw(delays).toNanos();
                    pending.add(new PendingLabel(due, source.id(i), source.classIndex(i)));
                }
                throwIfFailed(failure);
                bar.update(k + 1, labels.size() + " labels");
            }
            if (!pending.isEmpty()) {
                progress.printf("waiting for %d delayed labels (up to %s)...%n", pending.size(), options.labelDelay().max());
            }
            while (!pending.isEmpty() && !stopRequested) {
                sleepUntil(pending.peek().dueNanos(), pending, producer, source, failure, bytes);
                sendDueLabels(pending, producer, source, failure, bytes);
            }
            producer.flush();
            throwIfFailed(failure);
        }
        requests = null;
        return new FeedResult((int) imagesSent.get(), labels.size(), bytes.get(), labelsPerClass, Map.copyOf(labels),
                Duration.ofNanos(System.nanoTime() - start), requestedLabels.size());
    }

    private void sleepUntil(long deadlineNanos, PriorityQueue<PendingLabel> pending, Producer<String, byte[]> producer,
                            FeedSource source, AtomicReference<Exception> failure, AtomicLong bytes) throws InterruptedException {
        while (!stopRequested) {
            long now = System.nanoTime();
            if (now >= deadlineNanos) {
                return;
            }
            sendDueLabels(pending, producer, source, failure, bytes);
            long next = pending.isEmpty() ? deadlineNanos : Math.min(deadlineNanos, pending.peek().dueNanos());
            long sleep = Math.min(200_000_000L, Math.max(0, next - System.nanoTime())); // wake up to notice a stop
            if (sleep > 0) {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
        }
    }

    private void sendDueLabels(PriorityQueue<PendingLabel> pending, Producer<String, byte[]> producer, FeedSource source,
                               AtomicReference<Exception> failure, AtomicLong bytes) {
        long now = System.nanoTime();
        if (requests != null && !pending.isEmpty() && pending.peek().dueNanos() <= now) {
            requests.refresh();
        }
        while (!pending.isEmpty() && pending.peek().dueNanos() <= now) {
            PendingLabel label = pending.poll();
            // A label moment of the plan: with the requested policy it answers the oldest open request it can.
            String requested = requests == null ? null : requests.take(id -> sentClass.containsKey(id) && !labels.containsKey(id));
            if (requested != null) {
                sendLabel(producer, source, requested, sentClass.get(requested), true, failure, bytes);
            } else if (!labels.containsKey(label.imageId())) {
                sendLabel(producer, source, label.imageId(), label.classIndex(), false, failure, bytes);
            }
        }
    }

    private void sendLabel(Producer<String, byte[]> producer, FeedSource source, String imageId, int classIndex, boolean requested,
                           AtomicReference<Exception> failure, AtomicLong bytes) {
        Label label = Label.newBuilder().setImageId(imageId).setClassIndex(classIndex)
                .setClassName(source.classNames().get(classIndex)).setAnnotator(ANNOTATOR).setTime(Instant.now())
                .setRequested(requested).build();
        ProducerRecord<String, byte[]> record = records.label(label);
        producer.send(record, callback(failure));
        bytes.addAndGet(record.value().length);
        labels.put(imageId, classIndex);
        labelsPerClass[classIndex]++;
        labelsSent.incrementAndGet();
        if (requested) {
            requestedLabels.add(new RequestedLabel(imageId, classIndex));
        }
    }

    private static org.apache.kafka.clients.producer.Callback callback(AtomicReference<Exception> failure) {
        return (metadata, exception) -> {
            if (exception != null) {
                failure.compareAndSet(null, exception);
            }
        };
    }

    private static void throwIfFailed(AtomicReference<Exception> failure) throws IOException {
        Exception e = failure.get();
        if (e != null) {
            throw new IOException("Kafka refused a record: " + e.getMessage(), e);
        }
    }
}

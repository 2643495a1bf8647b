package io.meanstream.labeler;

import io.meanstream.image.DecodedImage;
import io.meanstream.image.ImageDecoder;
import io.meanstream.image.ImageEncoder;
import io.meanstream.image.ImageLimits;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.records.ImageRecords;
import io.meanstream.schema.Image;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Fetches an image for the page from where it lies on the images topic (partition and offset, from a label
 * request or {@link RecentImages}) and serves it as PNG: whatever the producer sent (PNG, JPEG, raw pixels) is
 * decoded within the pipeline's image limits and re-encoded, so the browser only ever gets a PNG the labeler made.
 * The newest few are cached. One consumer, used by one request at a time.
 */
final class ImageStore implements AutoCloseable {

    private static final int CACHE = 256;
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final ImageRecords reader = new ImageRecords();
    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
    private final Map<String, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > CACHE;
        }
    };

    ImageStore(KafkaClientConfig kafka, Topics topics) {
        this.consumer = new KafkaConsumer<>(kafka.consumer(null, "meanstream-labeler-images"), new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topics.images().name();
    }

    /** The image {@code imageId} at {@code partition}/{@code offset} as PNG; empty when that record is not this image (or is gone). */
    synchronized Optional<byte[]> png(String imageId, int partition, long offset) {
        byte[] cached = cache.get(imageId);
        if (cached != null) {
            return Optional.of(cached);
        }
        TopicPartition tp = new TopicPartition(topic, partition);
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + FETCH_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < offset) {
                    continue;
                }
                if (r.offset() > offset || !imageId.equals(r.key()) || r.value() == null) {
                    return Optional.empty(); // deleted by retention, or the reference is wrong
                }
                Image image = reader.read(r.key(), r.headers(), r.value(), r.timestamp());
                DecodedImage pixels = decoder.decode(io.meanstream.image.ImageEncoding.valueOf(image.getEncoding().name()), bytes(image), image.getWidth(), image.getHeight(), image.getChannels());
                byte[] png = ImageEncoder.png(pixels);
                cache.put(imageId, png);
                return Optional.of(png);
            }
            if (consumer.position(tp) > offset) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static byte[] bytes(Image image) {
        java.nio.ByteBuffer b = image.getData().duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}

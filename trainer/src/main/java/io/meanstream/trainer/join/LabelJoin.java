package io.meanstream.trainer.join;

import io.meanstream.kafka.DeadLetters;
import io.meanstream.kafka.Topics;
import io.meanstream.schema.DeadLetter;
import io.meanstream.schema.Image;
import io.meanstream.schema.Label;
import io.meanstream.schema.LabeledImage;
import io.meanstream.serde.AvroSerde;
import io.meanstream.serde.ContractSerdes;
import io.meanstream.records.ImageRecords;
import io.meanstream.records.LabelRecords;
import io.meanstream.records.RecordRejectedException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The trainer's label join, a Kafka Streams topology: labels meet their images whatever the order, and
 * every labeled image lands on the compacted {@code labeled-images} topic, the durable labeled pool.
 *
 * <ul>
 *   <li>A label whose image is already in the pool is a <b>correction</b>: it replaces the pool entry at
 *       once (same key, compacted: the old label stops being trained on).</li>
 *   <li>Any other label is joined with the images stream within +/- {@code maxLabelDelay} of event time:
 *       a label after its image (the usual case) or before it (labels that arrive early) both join.</li>
 *   <li>A tombstone (null value) on the labels topic withdraws the image's label: a tombstone on the pool
 *       topic removes it from training. A label still waiting in the join window for its image is not
 *       withdrawn; the labeler only offers images that have already arrived.</li>
 *   <li>A label whose image did not show up within the window goes to the dead-letter topic
 *       ({@code UNKNOWN_IMAGE}), as do labels that {@link LabelRecords} refuses: Avro or JSON that does not
 *       parse, a class the model does not have ({@code UNKNOWN_CLASS}), a key that is not the image id.</li>
 * </ul>
 * Why Kafka Streams rather than an own store: the window stores holding unmatched images and labels are
 * changelogged and restored by Kafka Streams, the join is exactly-once with the output, and the pool
 * itself is a compacted topic that a restarted trainer reads without re-reading every image ever seen.
 * Malformed images are not dead-lettered here: the trainer's image consumer does that, once.
 */
public final class LabelJoin {

    public static final String SERVICE = "trainer";
    static final String POOL_STORE = "labeled-pool";
    /** How long after the window closes a record out of event-time order still joins. */
    static final Duration LATE_RECORD_GRACE = Duration.ofMinutes(1);

    private LabelJoin() {
    }

    public static Topology buildTopology(Topics topics, List<String> classNames, Duration maxLabelDelay) {
        StreamsBuilder builder = new StreamsBuilder();
        AvroSerde<Label> labelSerde = ContractSerdes.label();
        AvroSerde<Image> imageSerde = ContractSerdes.image();
        LabelRecords labelReader = new LabelRecords(labelSerde);
        ImageRecords imageReader = new ImageRecords(imageSerde);
        AvroSerde<LabeledImage> labeledSerde = ContractSerdes.labeledImage();
        Serde<String> keys = Serdes.String();
        String deadLetterTopic = topics.deadLetters().name();
        Produced<byte[], DeadLetter> toDeadLetters = Produced.with(Serdes.ByteArray(), ContractSerdes.deadLetter());

        KStream<String, byte[]> labelRecords = builder.stream(topics.labels().name(), Consumed.with(keys, Serdes.ByteArray()).withName("labels"));
        // A tombstone withdraws an image's label (an annotator's undo): the pool entry goes too, so it is no longer trained on.
        labelRecords.filter((k, v) -> k != null && v == null, Named.as("label-withdrawn"))
                .mapValues(v -> (LabeledImage) null, Named.as("pool-tombstone"))
                .to(topics.labeledImages().name(), Produced.with(keys, labeledSerde).withName("withdraw-from-pool"));
        KStream<String, Parsed<Label>> labels = labelRecords
                .processValues(() -> new ParseLabel(labelReader, classNames), Named.as("parse-label"));
        Map<String, KStream<String, Parsed<Label>>> parsed = labels.split(Named.as("label-"))
                .branch((k, v) -> v.isOk(), Branched.as("ok"))
                .defaultBranch(Branched.as("bad"));
        parsed.get("label-bad").map((k, v) -> KeyValue.pair(key(k), v.deadLetter()), Named.as("label-dead-letter"))
                .to(deadLetterTopic, toDeadLetters);
        KStream<String, Label> goodLabels = parsed.get("label-ok").mapValues(Parsed::value, Named.as("label-value"));

        KStream<String, Image> images = builder
                .stream(topics.images().name(), Consumed.with(keys, Serdes.ByteArray()).withName("images"))
                .processValues(() -> new ParseImage(imageReader), Named.as("parse-image"))
                .filter((k, v) -> v != null, Named.as("parsed-images"));

        KTable<String, LabeledImage> pool = builder.table(topics.labeledImages().name(),
                Consumed.with(keys, labeledSerde).withName("labeled-images"),
                Materialized.<String, LabeledImage, org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as(POOL_STORE)
                        .withKeySerde(keys).withValueSerde(labeledSerde));

        // Corrections: the image is already labeled, relabel it directly.
        KStream<String, LabelAndPool> checked = goodLabels.leftJoin(pool, LabelAndPool::new,
                Joined.with(keys, labelSerde, labeledSerde).withName("label-vs-pool"));
        Map<String, KStream<String, LabelAndPool>> split = checked.split(Named.as("pool-"))
                .branch((k, v) -> v.existing() != null, Branched.as("correction"))
                .defaultBranch(Branched.as("new"));
        KStream<String, LabeledImage> corrected = split.get("pool-correction")
                .mapValues(v -> labeled(v.existing().getImage(), v.label()), Named.as("relabel"));

        // New labels: join with the image within the delay bound, in either order.
        KStream<String, LabelAndImage> joined = split.get("pool-new")
                .mapValues(LabelAndPool::label, Named.as("new-label"))
                .leftJoin(images, LabelAndImage::new, JoinWindows.ofTimeDifferenceAndGrace(maxLabelDelay, LATE_RECORD_GRACE),
                        StreamJoined.with(keys, labelSerde, imageSerde).withName("label-image-join").withStoreName("label-image-join"));
        Map<String, KStream<String, LabelAndImage>> outcome = joined.split(Named.as("join-"))
                .branch((k, v) -> v.image() != null, Branched.as("matched"))
                .defaultBranch(Branched.as("unmatched"));
        outcome.get("join-unmatched")
                .map((k, v) -> KeyValue.pair(key(k), DeadLetters.of(SERVICE, "join-label", "UNKNOWN_IMAGE",
                        "no image with id '" + k + "' within " + maxLabelDelay + " of the label (event time "
                                + v.label().getTime() + ")", topics.labels().name(), -1, -1, key(k),
                        labelSerde.encode(v.label()))), Named.as("unknown-image"))
                .to(deadLetterTopic, toDeadLetters);
        KStream<String, LabeledImage> matched = outcome.get("join-matched")
                .mapValues(v -> labeled(v.image(), v.label()), Named.as("join-value"));

        matched.merge(corrected, Named.as("pool-updates"))
                .to(topics.labeledImages().name(), Produced.with(keys, labeledSerde));
        return builder.build();
    }

    record LabelAndPool(Label label, LabeledImage existing) {
    }

    record LabelAndImage(Label label, Image image) {
    }

    private static LabeledImage labeled(Image image, Label label) {
        return LabeledImage.newBuilder().setImageId(label.getImageId()).setImage(image).setLabel(label)
                .setJoinedTime(Instant.now()).build();
    }

    private static byte[] key(String k) {
        return k == null ? null : k.getBytes(StandardCharsets.UTF_8);
    }

    /** Either form of image (Avro or encoded with headers) as an {@link Image}; null for one the reader refuses. */
    static final class ParseImage implements FixedKeyProcessor<String, byte[], Image> {
        private final ImageRecords reader;
        private FixedKeyProcessorContext<String, Image> context;

        ParseImage(ImageRecords reader) {
            this.reader = reader;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Image> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            Image image;
            try {
                image = reader.read(record.key(), record.headers(), record.value(), record.timestamp());
            } catch (RecordRejectedException e) {
                image = null; // dead-lettered by the trainer's image consumer, once
            }
            context.forward(record.withValue(image));
        }
    }

    /** Parses a label of either form (Avro or JSON) and checks it, keeping the record's coordinates for the dead letter. */
    static final class ParseLabel implements FixedKeyProcessor<String, byte[], Parsed<Label>> {
        private final LabelRecords reader;
        private final List<String> classNames;
        private FixedKeyProcessorContext<String, Parsed<Label>> context;

        ParseLabel(LabelRecords reader, List<String> classNames) {
            this.reader = reader;
            this.classNames = List.copyOf(classNames);
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Parsed<Label>> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            if (record.value() == null) {
                return; // a tombstone on the compacted labels topic: nothing to train
            }
            try {
                Label label = reader.read(record.key(), record.headers(), record.value(), record.timestamp(), classNames);
                context.forward(record.withValue(Parsed.ok(label)));
            } catch (RecordRejectedException e) {
                context.forward(record.withValue(Parsed.failed(deadLetter(record, e.errorType(), e.getMessage()))));
            }
        }

        private DeadLetter deadLetter(FixedKeyRecord<String, byte[]> record, String type, String message) {
            RecordMetadata meta = context.recordMetadata().orElse(null);
            return DeadLetters.of(SERVICE, "parse-label", type, message, meta == null ? "" : meta.topic(),
                    meta == null ? -1 : meta.partition(), meta == null ? -1 : meta.offset(), key(record.key()), record.value());
        }
    }
}

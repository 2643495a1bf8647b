package io.meanstream.cli.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meanstream.kafka.Topics;
import io.meanstream.records.EventHeaders;
import io.meanstream.schema.Image;
import io.meanstream.schema.Label;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Turns the feed's images and labels into records of one {@link FeedFormat}. */
final class FeedRecords {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Topics topics;
    private final FeedFormat format;

    FeedRecords(Topics topics, FeedFormat format) {
        this.topics = topics;
        this.format = format;
    }

    ProducerRecord<String, byte[]> image(Image image) {
        String topic = topics.images().name();
        if (format == FeedFormat.AVRO) {
            return new ProducerRecord<>(topic, image.getId(), topics.images().valueSerde().serializer().serialize(topic, image));
        }
        String type = switch (image.getEncoding()) {
            case PNG -> EventHeaders.PNG;
            case JPEG -> EventHeaders.JPEG;
            case RAW_U8 -> throw new IllegalArgumentException("--format raw sends encoded images: use --encoding png or jpeg");
        };
        RecordHeaders headers = new RecordHeaders();
        EventHeaders.add(headers, EventHeaders.CONTENT_TYPE, type);
        EventHeaders.add(headers, EventHeaders.CE_SPECVERSION, "1.0");
        EventHeaders.add(headers, EventHeaders.CE_TYPE, "io.meanstream.image");
        EventHeaders.add(headers, EventHeaders.CE_ID, image.getId());
        EventHeaders.add(headers, EventHeaders.CE_SOURCE, image.getSource());
        EventHeaders.add(headers, EventHeaders.CE_TIME, image.getEventTime().toString());
        return new ProducerRecord<>(topic, null, image.getId(), bytes(image.getData()), headers);
    }

    ProducerRecord<String, byte[]> label(Label label) {
        String topic = topics.labels().name();
        if (format == FeedFormat.AVRO) {
            return new ProducerRecord<>(topic, label.getImageId(), topics.labels().valueSerde().serializer().serialize(topic, label));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("imageId", label.getImageId());
        json.put("class", label.getClassName() != null ? label.getClassName() : label.getClassIndex());
        json.put("annotator", label.getAnnotator());
        json.put("time", label.getTime().toString());
        if (label.getRequested()) {
            json.put("requested", true);
        }
        RecordHeaders headers = new RecordHeaders();
        EventHeaders.add(headers, EventHeaders.CONTENT_TYPE, EventHeaders.JSON);
        try {
            return new ProducerRecord<>(topic, null, label.getImageId(), JSON.writeValueAsBytes(json), headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(ByteBuffer data) {
        byte[] out = new byte[data.remaining()];
        data.duplicate().get(out);
        return out;
    }
}

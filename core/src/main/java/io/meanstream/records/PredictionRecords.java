package io.meanstream.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.meanstream.schema.Prediction;
import io.meanstream.serde.AvroSerde;
import io.meanstream.serde.ContractSerdes;
import io.meanstream.serde.MalformedRecordException;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes and reads the predictions topic in either {@link PredictionFormat}. JSON follows the CloudEvents
 * Kafka binding in binary mode: the value is the prediction as a JSON object (times in RFC 3339), the headers
 * carry {@code content-type: application/json}, {@code ce_specversion 1.0}, {@code ce_type
 * io.meanstream.prediction}, {@code ce_source /meanstream/<model>}, {@code ce_id <imageId>@<version>},
 * {@code ce_subject <imageId>} and {@code ce_time} (the scored time). Readers tell the two forms apart by the
 * first byte: <code>{</code> is JSON, anything else Avro.
 */
public final class PredictionRecords {

    /** The JSON value of one prediction; field names are the Avro contract's. */
    public record Json(String imageId, String modelName, long modelVersion, int classIndex, String className, float confidence,
                       List<Float> probabilities, Instant imageTime, Instant scoredTime, Integer imagePartition, Long imageOffset) {
    }

    public static final String EVENT_TYPE = "io.meanstream.prediction";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private PredictionRecords() {
    }

    /** A serializer for the predictions sink; in JSON it also sets the CloudEvents headers of each record. */
    public static Serializer<Prediction> serializer(PredictionFormat format) {
        AvroSerde<Prediction> avro = ContractSerdes.prediction();
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topic, Prediction p) {
                return format == PredictionFormat.AVRO ? avro.serialize(topic, p) : toJson(p);
            }

            @Override
            public byte[] serialize(String topic, Headers headers, Prediction p) {
                if (format == PredictionFormat.JSON && p != null && headers != null) {
                    EventHeaders.add(headers, EventHeaders.CONTENT_TYPE, EventHeaders.JSON);
                    EventHeaders.add(headers, EventHeaders.CE_SPECVERSION, "1.0");
                    EventHeaders.add(headers, EventHeaders.CE_TYPE, EVENT_TYPE);
                    EventHeaders.add(headers, EventHeaders.CE_SOURCE, "/meanstream/" + p.getModelName());
                    EventHeaders.add(headers, EventHeaders.CE_ID, p.getImageId() + "@" + p.getModelVersion());
                    EventHeaders.add(headers, EventHeaders.CE_SUBJECT, p.getImageId());
                    EventHeaders.add(headers, EventHeaders.CE_TIME, p.getScoredTime().toString());
                }
                return serialize(topic, p);
            }
        };
    }

    public static byte[] toJson(Prediction p) {
        if (p == null) {
            return null;
        }
        try {
            return JSON.writeValueAsBytes(new Json(p.getImageId(), p.getModelName(), p.getModelVersion(), p.getClassIndex(), p.getClassName(),
                    p.getConfidence(), p.getProbabilities(), p.getImageTime(), p.getScoredTime(), p.getImagePartition(), p.getImageOffset()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a prediction did not serialise to JSON", e);
        }
    }

    /**
     * The prediction in a value of either form, or null for a null value.
     *
     * @throws RecordRejectedException when the value is neither
     */
    public static Prediction read(byte[] value) {
        if (value == null) {
            return null;
        }
        if (LabelRecords.looksLikeJson(value)) {
            try {
                Json j = JSON.readValue(value, Json.class);
                return Prediction.newBuilder().setImageId(j.imageId()).setModelName(j.modelName()).setModelVersion(j.modelVersion())
                        .setClassIndex(j.classIndex()).setClassName(j.className()).setConfidence(j.confidence())
                        .setProbabilities(j.probabilities()).setImageTime(j.imageTime()).setScoredTime(j.scoredTime())
                        .setImagePartition(j.imagePartition()).setImageOffset(j.imageOffset()).build();
            } catch (IOException | RuntimeException e) {
                throw new RecordRejectedException("MALFORMED_JSON", "not a JSON prediction: " + e.getMessage());
            }
        }
        try {
            return ContractSerdes.prediction().decode(value);
        } catch (MalformedRecordException e) {
            throw new RecordRejectedException(e);
        }
    }
}

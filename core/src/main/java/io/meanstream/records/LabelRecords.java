package io.meanstream.records;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meanstream.schema.Label;
import io.meanstream.serde.AvroSerde;
import io.meanstream.serde.ContractSerdes;
import io.meanstream.serde.MalformedRecordException;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Headers;

/**
 * Reads the labels topic, where a value is either an Avro {@link Label} in single-object encoding or a JSON
 * object such as {@code {"imageId": "cam-3/000123", "class": "Sandal", "annotator": "alice",
 * "time": "2026-12-01T10:00:00Z", "requested": true}} (class by name or index; annotator, time and requested (the label
 * answers a label request) optional, time in RFC 3339 or
 * epoch milliseconds, else the record timestamp). The one reader of both forms, used by the trainer and the
 * streams-app; either way the label is checked against the model's classes and the record key.
 *
 * <p>The form: a {@code content-type} of {@code application/json} or {@code application/avro} decides (a value
 * that contradicts it is {@code CONTENT_TYPE_MISMATCH}, another type {@code UNSUPPORTED_CONTENT_TYPE});
 * without the header a value whose first non-blank byte is <code>{</code> is JSON, anything else Avro.
 * Errors: {@code OVERSIZED} (JSON over {@link #MAX_JSON_BYTES}), {@code MALFORMED_JSON}, {@code MISSING_FIELD},
 * {@code INVALID_FIELD}, {@code INVALID_TIME}, {@code MISSING_KEY} (JSON needs the image id as key),
 * {@code KEY_MISMATCH}, {@code UNKNOWN_CLASS}, {@code MALFORMED_AVRO_*}. Thread-safe.
 */
public final class LabelRecords {

    /** Largest JSON label: a label is a few dozen bytes; anything near this is not one. */
    public static final int MAX_JSON_BYTES = 16 << 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AvroSerde<Label> serde;

    public LabelRecords() {
        this(ContractSerdes.label());
    }

    public LabelRecords(AvroSerde<Label> serde) {
        this.serde = serde;
    }

    /**
     * The label a record holds, or null for a tombstone (null value).
     *
     * @param classNames the model's classes in index order: a class index must fall inside, a class name be one of them
     * @throws RecordRejectedException with the dead-letter error type and reason
     */
    public Label read(String key, Headers headers, byte[] value, long timestamp, List<String> classNames) {
        if (value == null) {
            return null;
        }
        String type = EventHeaders.mediaType(headers);
        boolean json;
        if (type == null) {
            json = looksLikeJson(value);
        } else if (type.equals(EventHeaders.JSON)) {
            if (!looksLikeJson(value)) {
                throw new RecordRejectedException("CONTENT_TYPE_MISMATCH", "content-type is application/json but the value does not "
                        + "start with '{' (first bytes: " + ImageRecords.firstBytes(value) + ")");
            }
            json = true;
        } else if (type.equals(EventHeaders.AVRO)) {
            if (!ImageRecords.startsWith(value, ImageRecords.AVRO_MARKER)) {
                throw new RecordRejectedException("CONTENT_TYPE_MISMATCH", "content-type is application/avro but the value does not "
                        + "start with C3 01 (first bytes: " + ImageRecords.firstBytes(value) + ")");
            }
            json = false;
        } else {
            throw new RecordRejectedException("UNSUPPORTED_CONTENT_TYPE", "content-type '" + type
                    + "' is not one of application/json, application/avro");
        }
        Label label = json ? fromJson(key, value, timestamp, classNames) : fromAvro(value);
        if (label.getClassIndex() < 0 || label.getClassIndex() >= classNames.size()) {
            throw new RecordRejectedException("UNKNOWN_CLASS", "class index " + label.getClassIndex() + " is outside [0, "
                    + classNames.size() + ")");
        }
        if (key != null && !key.equals(label.getImageId())) {
            throw new RecordRejectedException("KEY_MISMATCH", "record key '" + EventHeaders.abbreviate(key) + "' differs from the label's imageId '"
                    + EventHeaders.abbreviate(label.getImageId()) + "'");
        }
        return label;
    }

    private Label fromAvro(byte[] value) {
        try {
            return serde.decode(value);
        } catch (MalformedRecordException e) {
            throw new RecordRejectedException(e);
        }
    }

    private static Label fromJson(String key, byte[] value, long timestamp, List<String> classNames) {
        if (value.length > MAX_JSON_BYTES) {
            throw new RecordRejectedException("OVERSIZED", "JSON label of " + value.length + " bytes exceeds " + MAX_JSON_BYTES);
        }
        if (key == null || key.isEmpty()) {
            throw new RecordRejectedException("MISSING_KEY", "a JSON label needs its image id as the record key");
        }
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (JacksonException e) {
            throw new RecordRejectedException("MALFORMED_JSON", "not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new RecordRejectedException("MALFORMED_JSON", "not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new RecordRejectedException("MALFORMED_JSON", "a JSON label is an object like {\"imageId\": \"...\", \"class\": \"...\"}");
        }
        String imageId = text(node, "imageId", true);
        JsonNode cls = node.get("class");
        if (cls == null || cls.isNull()) {
            throw new RecordRejectedException("MISSING_FIELD", "field 'class' (a class name or index) is missing");
        }
        int index;
        if (cls.isIntegralNumber() && cls.canConvertToInt()) {
            index = cls.intValue();
        } else if (cls.isTextual()) {
            index = classNames.indexOf(cls.textValue());
            if (index < 0) {
                throw new RecordRejectedException("UNKNOWN_CLASS", "class '" + EventHeaders.abbreviate(cls.textValue())
                        + "' is none of the model's classes " + classNames);
            }
        } else {
            throw new RecordRejectedException("INVALID_FIELD", "field 'class' must be a class name or an integer index, got " + cls.getNodeType());
        }
        String annotator = text(node, "annotator", false);
        JsonNode time = node.get("time");
        Instant at;
        if (time == null || time.isNull()) {
            at = Instant.ofEpochMilli(timestamp);
        } else if (time.isTextual()) {
            at = EventHeaders.parseTime(time.textValue(), "field 'time'");
        } else if (time.isIntegralNumber() && time.canConvertToLong()) {
            at = Instant.ofEpochMilli(time.longValue());
        } else {
            throw new RecordRejectedException("INVALID_TIME", "field 'time' must be an RFC 3339 string or epoch milliseconds");
        }
        JsonNode requested = node.get("requested");
        if (requested != null && !requested.isNull() && !requested.isBoolean()) {
            throw new RecordRejectedException("INVALID_FIELD", "field 'requested' must be true or false");
        }
        return Label.newBuilder().setImageId(imageId).setClassIndex(index)
                .setClassName(index >= 0 && index < classNames.size() ? classNames.get(index) : null)
                .setAnnotator(annotator == null ? "unknown" : annotator).setTime(at)
                .setRequested(requested != null && requested.asBoolean()).build();
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new RecordRejectedException("MISSING_FIELD", "field '" + field + "' is missing");
            }
            return null;
        }
        if (!v.isTextual() || v.textValue().isEmpty()) {
            throw new RecordRejectedException("INVALID_FIELD", "field '" + field + "' must be a non-empty string");
        }
        return v.textValue();
    }

    static boolean looksLikeJson(byte[] value) {
        for (byte b : value) {
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return false;
    }
}

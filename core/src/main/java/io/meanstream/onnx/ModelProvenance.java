package io.meanstream.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meanstream.image.TensorSpec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a model comes from, written into the ONNX file's metadata (so the file explains itself wherever it
 * goes) and read back by the scorer: what it classifies, how its input must be prepared, and what trained it.
 *
 * @param sourceOffsets topic-partition to the next offset the training data was read up to (empty offline)
 * @param schemaFingerprint fingerprint of the Image schema the training data was read with
 * @param metrics holdout or test metrics at export time
 * @param trainingMode how the model was trained ({@code mean-teacher} or {@code supervised}); null when not
 *                     recorded, and then absent from the metadata
 */
public record ModelProvenance(String name, long version, long trainerStep, Instant created, String architecture,
                              List<String> classNames, TensorSpec input, long labeledSeen, long unlabeledSeen,
                              Map<String, Long> sourceOffsets, String schemaFingerprint, Map<String, Double> metrics,
                              String trainingMode) {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PREFIX = "meanstream.";

    public ModelProvenance {
        classNames = List.copyOf(classNames);
        sourceOffsets = Map.copyOf(sourceOffsets);
        metrics = Map.copyOf(metrics);
    }

    /** A provenance that does not record the training mode. */
    public ModelProvenance(String name, long version, long trainerStep, Instant created, String architecture, List<String> classNames,
                           TensorSpec input, long labeledSeen, long unlabeledSeen, Map<String, Long> sourceOffsets,
                           String schemaFingerprint, Map<String, Double> metrics) {
        this(name, version, trainerStep, created, architecture, classNames, input, labeledSeen, unlabeledSeen, sourceOffsets,
                schemaFingerprint, metrics, null);
    }

    /** The metadata entries, all strings as ONNX wants them. */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(PREFIX + "name", name);
        m.put(PREFIX + "version", Long.toString(version));
        m.put(PREFIX + "trainer_step", Long.toString(trainerStep));
        m.put(PREFIX + "created", created.toString());
        m.put(PREFIX + "architecture", architecture);
        m.put(PREFIX + "class_names", json(classNames));
        m.put(PREFIX + "input_shape", input.channels() + "," + input.height() + "," + input.width());
        m.put(PREFIX + "normalisation_mean", json(toList(input.mean())));
        m.put(PREFIX + "normalisation_std", json(toList(input.std())));
        m.put(PREFIX + "resize", input.resize().name());
        m.put(PREFIX + "labeled_seen", Long.toString(labeledSeen));
        m.put(PREFIX + "unlabeled_seen", Long.toString(unlabeledSeen));
        m.put(PREFIX + "source_offsets", json(sourceOffsets));
        m.put(PREFIX + "schema_fingerprint", schemaFingerprint);
        m.put(PREFIX + "metrics", json(metrics));
        if (trainingMode != null) {
            m.put(PREFIX + "training_mode", trainingMode);
        }
        return m;
    }

    /** Reads the entries written by {@link #toMetadata()}; a missing or malformed entry is an error naming it. */
    public static ModelProvenance fromMetadata(Map<String, String> m) {
        try {
            String[] shape = required(m, "input_shape").split(",");
            if (shape.length != 3) {
                throw new IllegalArgumentException("input_shape must be C,H,W, got " + m.get(PREFIX + "input_shape"));
            }
            List<Float> mean = JSON.readValue(required(m, "normalisation_mean"), new TypeReference<List<Float>>() { });
            List<Float> std = JSON.readValue(required(m, "normalisation_std"), new TypeReference<List<Float>>() { });
            TensorSpec spec = new TensorSpec(Integer.parseInt(shape[0].trim()), Integer.parseInt(shape[1].trim()),
                    Integer.parseInt(shape[2].trim()), toArray(mean), toArray(std),
                    TensorSpec.ResizePolicy.valueOf(required(m, "resize")));
            return new ModelProvenance(required(m, "name"), Long.parseLong(required(m, "version")),
                    Long.parseLong(required(m, "trainer_step")), Instant.parse(required(m, "created")),
                    required(m, "architecture"),
                    JSON.readValue(required(m, "class_names"), new TypeReference<List<String>>() { }), spec,
                    Long.parseLong(required(m, "labeled_seen")), Long.parseLong(required(m, "unlabeled_seen")),
                    JSON.readValue(required(m, "source_offsets"), new TypeReference<Map<String, Long>>() { }),
                    required(m, "schema_fingerprint"),
                    JSON.readValue(required(m, "metrics"), new TypeReference<Map<String, Double>>() { }),
                    m.get(PREFIX + "training_mode"));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("The model's meanstream metadata is invalid: " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> m, String key) {
        String v = m.get(PREFIX + key);
        if (v == null) {
            throw new IllegalArgumentException("missing metadata entry " + PREFIX + key + " (not a meanstream model?)");
        }
        return v;
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Float> toList(float[] a) {
        Float[] boxed = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            boxed[i] = a[i];
        }
        return List.of(boxed);
    }

    private static float[] toArray(List<Float> l) {
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }
}

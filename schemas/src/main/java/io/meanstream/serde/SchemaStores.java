package io.meanstream.serde;

import io.meanstream.schema.DeadLetter;
import io.meanstream.schema.Image;
import io.meanstream.schema.Label;
import io.meanstream.schema.LabelRequest;
import io.meanstream.schema.LabeledImage;
import io.meanstream.schema.ModelRelease;
import io.meanstream.schema.Prediction;
import io.meanstream.schema.Quality;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Builds the schema store every service uses: the current schema of each contract plus every earlier
 * version kept in {@value #HISTORY_INDEX}. A reader on the current schema can therefore decode records
 * written by any earlier release of meanstream (backward compatibility), and a test checks that each
 * historical schema really resolves against the current one.
 *
 * <p>To evolve a contract: copy the current {@code .avsc} into {@code schema-history/} under a new
 * name, add that name to {@code index.txt}, then edit the {@code .avsc} (new fields need defaults).
 */
public final class SchemaStores {

    /** Classpath resource listing the historical schema files, one per line. */
    public static final String HISTORY_INDEX = "META-INF/meanstream/schema-history/index.txt";

    private static final String HISTORY_DIR = "META-INF/meanstream/schema-history/";
    private static final FingerprintSchemaStore DEFAULT = build();

    private SchemaStores() {
    }

    /** The current contracts; the order is the order of {@link #currentSchemas()}. */
    public static List<Schema> currentSchemas() {
        return List.of(Image.getClassSchema(), Label.getClassSchema(), Prediction.getClassSchema(),
                ModelRelease.getClassSchema(), DeadLetter.getClassSchema(), LabeledImage.getClassSchema(), Quality.getClassSchema(),
                LabelRequest.getClassSchema());
    }

    /** The historical schemas shipped with this build (possibly none). */
    public static List<Schema> historicalSchemas() {
        ClassLoader loader = SchemaStores.class.getClassLoader();
        List<Schema> schemas = new ArrayList<>();
        try (InputStream index = loader.getResourceAsStream(HISTORY_INDEX)) {
            if (index == null) {
                return schemas;
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(index, StandardCharsets.UTF_8));
            for (String line; (line = lines.readLine()) != null; ) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                try (InputStream in = loader.getResourceAsStream(HISTORY_DIR + name)) {
                    if (in == null) {
                        throw new IllegalStateException("Schema history lists " + name + " but it is not on the class path");
                    }
                    schemas.add(new Schema.Parser().parse(in));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the schema history " + HISTORY_INDEX, e);
        }
        return schemas;
    }

    /** The shared store: current and historical schemas. Further schemas may be registered at run time. */
    public static FingerprintSchemaStore defaultStore() {
        return DEFAULT;
    }

    private static FingerprintSchemaStore build() {
        FingerprintSchemaStore store = new FingerprintSchemaStore();
        currentSchemas().forEach(store::register);
        historicalSchemas().forEach(store::register);
        return store;
    }
}

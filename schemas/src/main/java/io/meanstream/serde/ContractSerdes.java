package io.meanstream.serde;

import io.meanstream.schema.DeadLetter;
import io.meanstream.schema.Image;
import io.meanstream.schema.Label;
import io.meanstream.schema.LabelRequest;
import io.meanstream.schema.LabeledImage;
import io.meanstream.schema.ModelRelease;
import io.meanstream.schema.Prediction;
import io.meanstream.schema.Quality;

/** Serdes for the contracts, all on the shared {@link SchemaStores#defaultStore()}. */
public final class ContractSerdes {

    private ContractSerdes() {
    }

    public static AvroSerde<Image> image() {
        return new AvroSerde<>(Image.getClassSchema(), SchemaStores.defaultStore());
    }

    public static AvroSerde<Label> label() {
        return new AvroSerde<>(Label.getClassSchema(), SchemaStores.defaultStore());
    }

    public static AvroSerde<Prediction> prediction() {
        return new AvroSerde<>(Prediction.getClassSchema(), SchemaStores.defaultStore());
    }

    public static AvroSerde<ModelRelease> modelRelease() {
        return new AvroSerde<>(ModelRelease.getClassSchema(), SchemaStores.defaultStore());
    }

    public static AvroSerde<LabeledImage> labeledImage() {
        return new AvroSerde<>(LabeledImage.getClassSchema(), SchemaStores.defaultStore());
    }

    public static AvroSerde<Quality> quality() {
        return new AvroSerde<>(Quality.getClassSchema(), SchemaStores.defaultStore());
    }

    public static AvroSerde<LabelRequest> labelRequest() {
        return new AvroSerde<>(LabelRequest.getClassSchema(), SchemaStores.defaultStore());
    }

    public static AvroSerde<DeadLetter> deadLetter() {
        return new AvroSerde<>(DeadLetter.getClassSchema(), SchemaStores.defaultStore());
    }
}

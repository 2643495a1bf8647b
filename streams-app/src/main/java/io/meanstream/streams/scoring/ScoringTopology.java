package io.meanstream.streams.scoring;

import io.meanstream.kafka.Topics;
import io.meanstream.ops.Meters;
import io.meanstream.data.FashionMnist;
import io.meanstream.records.PredictionRecords;
import io.meanstream.serde.ContractSerdes;
import io.meanstream.streams.model.ModelHolder;
import io.meanstream.streams.requests.LabelRequestOptions;
import io.meanstream.streams.requests.LabelRequestTopology;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** The streams-app's topology: images, micro-batched scoring with the served model, predictions and dead letters. */
public final class ScoringTopology {

    private ScoringTopology() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Topology buildTopology(Topics topics, ScoringOptions options, ModelHolder models, Meters meters) {
        return buildTopology(topics, options, models, meters, FashionMnist.CLASS_NAMES, Duration.ofHours(24), Duration.ofMinutes(1));
    }

    /** Scoring plus the prequential quality of the predictions ({@link QualityTopology}). */
    public static Topology buildTopology(Topics topics, ScoringOptions options, ModelHolder models, Meters meters, List<String> classNames,
                                         Duration maxLabelDelay, Duration qualityWindow) {
        return build(topics, options, models, meters, classNames, new QualityTopology.Options(maxLabelDelay, qualityWindow), null);
    }

    /**
     * Scoring, plus the prequential quality ({@code quality}, null: left out) and label requests ({@code requests},
     * null: none; {@link LabelRequestTopology}), which share one parsed reading of the predictions and labels topics.
     */
    public static Topology build(Topics topics, ScoringOptions options, ModelHolder models, Meters meters, List<String> classNames,
                                 QualityTopology.Options quality, LabelRequestOptions requests) {
        if (quality == null && requests == null) {
            return buildScoringOnly(topics, options, models, meters);
        }
        StreamsBuilder builder = new StreamsBuilder();
        QualityTopology.Inputs inputs = QualityTopology.Inputs.of(builder, topics, classNames);
        if (quality != null) {
            QualityTopology.addTo(inputs, topics, quality, meters);
        }
        if (requests != null) {
            LabelRequestTopology.addTo(builder, inputs, topics, requests, classNames);
        }
        return addScoring(builder.build(), topics, options, models, meters);
    }

    /** Scoring alone, without the live quality (for deployments without labels, and to measure its cost). */
    public static Topology buildScoringOnly(Topics topics, ScoringOptions options, ModelHolder models, Meters meters) {
        return addScoring(new Topology(), topics, options, models, meters);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Topology addScoring(Topology topology, Topics topics, ScoringOptions options, ModelHolder models, Meters meters) {
        topology.addSource("images", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.images().name());
        ScoringMeters scoringMeters = new ScoringMeters(meters);
        topology.addProcessor("score", () -> new ScoringProcessor(options, models, scoringMeters), "images");
        // Only images waiting for the first model are written here; scored ones never touch it (see CommitHook).
        topology.addStateStore(CommitHook.builder(ScoringProcessor.COMMIT_HOOK), "score");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ScoringProcessor.STORE),
                Serdes.String(), Serdes.ByteArray()), "score");
        topology.addSink(ScoringProcessor.PREDICTIONS, topics.predictions().name(), (Serializer) Serdes.String().serializer(),
                (Serializer) PredictionRecords.serializer(options.predictionFormat()), "score");
        topology.addSink(ScoringProcessor.DEAD_LETTERS, topics.deadLetters().name(), (Serializer) Serdes.ByteArray().serializer(),
                (Serializer) ContractSerdes.deadLetter(), "score");
        return topology;
    }

}

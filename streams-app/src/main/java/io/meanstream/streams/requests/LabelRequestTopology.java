package io.meanstream.streams.requests;

import io.meanstream.kafka.Topics;
import io.meanstream.schema.LabelRequest;
import io.meanstream.schema.Prediction;
import io.meanstream.serde.AvroSerde;
import io.meanstream.serde.ContractSerdes;
import io.meanstream.streams.scoring.QualityTopology;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Active selection: every prediction and every label go, through one single-partition repartition topic, to the
 * {@link LabelRequestProcessor}, which writes label requests (and their tombstones) to the label-requests topic. One
 * partition because the budget, the class balance and "never twice" are rules for the whole app; the traffic is a
 * prediction per image (about 100 bytes) plus the labels.
 */
public final class LabelRequestTopology {

    private LabelRequestTopology() {
    }

    public static void addTo(StreamsBuilder builder, QualityTopology.Inputs inputs, Topics topics, LabelRequestOptions options,
                             List<String> classNames) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LabelRequestProcessor.LEDGER),
                Serdes.String(), Serdes.String()));
        AvroSerde<Prediction> predictionSerde = ContractSerdes.prediction();
        KStream<String, byte[]> predictions = inputs.predictions()
                .map((id, p) -> KeyValue.pair(LabelRequestProcessor.PREDICTION + id, predictionSerde.serializer().serialize("", p)),
                        Named.as("request-candidates"));
        KStream<String, byte[]> labels = inputs.labels()
                .map((id, l) -> KeyValue.pair(LabelRequestProcessor.LABEL + id, new byte[0]), Named.as("request-answers"));
        predictions.merge(labels, Named.as("request-events"))
                .repartition(Repartitioned.<String, byte[]>with(Serdes.String(), Serdes.ByteArray()).withName("label-request-selection")
                        .withNumberOfPartitions(1))
                .process(() -> new LabelRequestProcessor(options, classNames, topics.images().name()), Named.as("select-label-requests"),
                        LabelRequestProcessor.LEDGER)
                .to(topics.labelRequests().name(), Produced.with(Serdes.String(), ContractSerdes.labelRequest()));
    }
}

package io.meanstream.streams.requests;

import io.meanstream.schema.LabelRequest;
import io.meanstream.schema.Prediction;
import io.meanstream.serde.AvroSerde;
import io.meanstream.serde.ContractSerdes;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The one task that sees every prediction and every label (its input is repartitioned to a single partition, so the
 * budget, the balance and the no-duplicates rule hold for the whole app): offers each prediction of the newest
 * model to the {@link LabelRequestSelector}, emits the chosen requests at the end of each window (wall clock), and a
 * tombstone when a label answers an outstanding request. The ledger (every image ever requested, and whether it is
 * answered) is a persistent state store, so a restart neither forgets nor repeats a request.
 */
final class LabelRequestProcessor implements Processor<String, byte[], String, LabelRequest> {

    static final String LEDGER = "label-request-ledger";
    static final String PREDICTION = "prediction/";
    static final String LABEL = "label/";
    private static final String OUTSTANDING = "outstanding:";
    private static final String ANSWERED = "answered:";

    private final LabelRequestOptions options;
    private final List<String> classNames;
    private final String imagesTopic;
    private final AvroSerde<Prediction> predictions = ContractSerdes.prediction();
    private final Map<String, Prediction> held = new HashMap<>();
    private ProcessorContext<String, LabelRequest> context;
    private KeyValueStore<String, String> ledger;
    private LabelRequestSelector selector;
    private int[] outstanding;
    private long[] requested;
    private long newestVersion = -1;

    LabelRequestProcessor(LabelRequestOptions options, List<String> classNames, String imagesTopic) {
        this.options = options;
        this.classNames = List.copyOf(classNames);
        this.imagesTopic = imagesTopic;
    }

    @Override
    public void init(ProcessorContext<String, LabelRequest> context) {
        this.context = context;
        this.ledger = context.getStateStore(LEDGER);
        int k = classNames.size();
        outstanding = new int[k];
        requested = new long[k];
        try (KeyValueIterator<String, String> all = ledger.all()) {
            all.forEachRemaining(e -> add(e.value));
        }
        selector = new LabelRequestSelector(new LabelRequestSelector.Options(options.perMinute(), options.maxOutstanding(),
                options.candidatesPerWindow(), k), new StoreLedger(), context.currentSystemTimeMs());
        context.schedule(options.window(), PunctuationType.WALL_CLOCK_TIME, this::closeWindow);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String key = record.key();
        if (key == null || record.value() == null) {
            return;
        }
        if (key.startsWith(LABEL)) {
            answered(key.substring(LABEL.length()), record.timestamp());
        } else if (key.startsWith(PREDICTION)) {
            offer(record.value());
        }
    }

    private void offer(byte[] value) {
        Prediction p = predictions.decode(value); // Avro, written by LabelRequestTopology
        if (p == null || p.getImagePartition() == null || p.getImageOffset() == null || p.getModelVersion() < newestVersion) {
            return; // without a location no one can be shown the image; an older model's doubt is stale
        }
        newestVersion = p.getModelVersion();
        float[] probabilities = new float[p.getProbabilities().size()];
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] = p.getProbabilities().get(i);
        }
        held.put(p.getImageId(), p);
        selector.offer(new LabelRequestSelector.Candidate(p.getImageId(), p.getClassIndex(), probabilities, p.getModelVersion()));
    }

    private void closeWindow(long now) {
        for (LabelRequestSelector.Candidate c : selector.closeWindow(now)) {
            Prediction p = held.get(c.imageId());
            LabelRequest request = LabelRequest.newBuilder().setImageId(c.imageId()).setModelName(p.getModelName())
                    .setModelVersion(p.getModelVersion()).setCriterion("margin").setUncertainty(c.uncertainty())
                    .setPredictedClass(c.predictedClass()).setPredictedClassName(className(c.predictedClass()))
                    .setProbabilities(p.getProbabilities()).setRequestedTime(Instant.ofEpochMilli(now)).setImageTopic(imagesTopic)
                    .setImagePartition(p.getImagePartition()).setImageOffset(p.getImageOffset()).build();
            context.forward(new Record<>(c.imageId(), request, now));
        }
        held.clear();
    }

    private void answered(String imageId, long timestamp) {
        String state = ledger.get(imageId);
        if (state != null && state.startsWith(OUTSTANDING)) {
            int cls = classOf(state);
            ledger.put(imageId, ANSWERED + cls);
            if (cls >= 0 && cls < outstanding.length) {
                outstanding[cls]--;
            }
            context.forward(new Record<String, LabelRequest>(imageId, null, timestamp)); // withdraws the request
        }
    }

    /** Counts one ledger entry: every request, and the unanswered ones, per predicted class. */
    private void add(String state) {
        int cls = classOf(state);
        if (cls >= 0 && cls < requested.length) {
            requested[cls]++;
            if (state.startsWith(OUTSTANDING)) {
                outstanding[cls]++;
            }
        }
    }

    private static int classOf(String state) {
        return Integer.parseInt(state.substring(state.indexOf(':') + 1));
    }

    private String className(int index) {
        return index >= 0 && index < classNames.size() ? classNames.get(index) : Integer.toString(index);
    }

    /** The selector's memory, in the state store (and counters kept beside it). */
    private final class StoreLedger implements LabelRequestSelector.RequestLedger {
        @Override
        public boolean wasRequested(String imageId) {
            return ledger.get(imageId) != null;
        }

        @Override
        public void requested(String imageId, int predictedClass) {
            String state = OUTSTANDING + predictedClass;
            ledger.put(imageId, state);
            add(state);
        }

        @Override
        public int[] outstandingPerClass(int numClasses) {
            return outstanding.clone();
        }

        @Override
        public long[] requestedPerClass(int numClasses) {
            return requested.clone();
        }
    }
}

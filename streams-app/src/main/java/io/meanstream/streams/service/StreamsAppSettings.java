package io.meanstream.streams.service;

import io.meanstream.config.Setting;
import io.meanstream.data.FashionMnist;
import io.meanstream.records.PredictionFormat;
import java.time.Duration;
import java.util.List;

/** Every setting of the streams-app, with its default and meaning (README: "Streams-app configuration"). */
public final class StreamsAppSettings {

    private StreamsAppSettings() {
    }

    public static final Setting<String> MODEL_NAME = Setting.string("MEANSTREAM_MODEL_NAME", "fashion-mnist", "Name of the model to serve");
    public static final Setting<Long> MODEL_VERSION = Setting.longValue("MEANSTREAM_STREAMS_MODEL_VERSION", -1,
            "Pin this version (rollback); -1 follows the newest release");
    public static final Setting<String> APPLICATION_ID = Setting.string("MEANSTREAM_STREAMS_APPLICATION_ID", "meanstream-streams-app",
            "Kafka Streams application id (consumer group and internal topic prefix)");
    public static final Setting<Integer> BATCH_SIZE = Setting.integer("MEANSTREAM_STREAMS_BATCH_SIZE", 32, "Images per ONNX Runtime call at most");
    public static final Setting<Duration> BATCH_WAIT = Setting.duration("MEANSTREAM_STREAMS_BATCH_WAIT", "20ms", "A partial batch is scored after this wait");
    public static final Setting<Integer> MAX_PENDING = Setting.integer("MEANSTREAM_STREAMS_MAX_PENDING", 100_000,
            "Images per task that may wait for the first model; beyond, dead letters");
    public static final Setting<String> PROVIDER = Setting.string("MEANSTREAM_STREAMS_EXECUTION_PROVIDER", "cpu", "cpu, cuda[:N] or auto");
    public static final Setting<Integer> ORT_THREADS = Setting.integer("MEANSTREAM_STREAMS_ORT_THREADS", 1, "ONNX Runtime intra-op threads per session");
    public static final Setting<Integer> STREAM_THREADS = Setting.integer("MEANSTREAM_STREAMS_THREADS", 1, "Kafka Streams threads");
    public static final Setting<String> GUARANTEE = Setting.string("MEANSTREAM_STREAMS_PROCESSING_GUARANTEE", "exactly_once_v2",
            "exactly_once_v2 or at_least_once");
    public static final Setting<Duration> COMMIT_INTERVAL = Setting.duration("MEANSTREAM_STREAMS_COMMIT_INTERVAL", "100ms",
            "Kafka Streams commit interval: under exactly-once, predictions become visible at commits (latency vs throughput)");
    public static final Setting<String> STATE_DIR = Setting.string("MEANSTREAM_STREAMS_STATE_DIR", "data/streams-app", "Kafka Streams state directory");
    public static final Setting<Boolean> QUALITY = Setting.bool("MEANSTREAM_STREAMS_QUALITY", true,
            "Live prequential quality (join of predictions with later labels); false leaves it out of the topology");
    public static final Setting<Duration> QUALITY_MAX_LABEL_DELAY = Setting.duration("MEANSTREAM_STREAMS_QUALITY_MAX_LABEL_DELAY", "24h",
            "A label judges a prediction at most this far apart in time");
    public static final Setting<Duration> QUALITY_WINDOW = Setting.duration("MEANSTREAM_STREAMS_QUALITY_WINDOW", "1m",
            "Prequential accuracy is counted per model version and window of this length");
    public static final Setting<Double> LABEL_REQUESTS_PER_MINUTE = Setting.decimal("MEANSTREAM_STREAMS_LABEL_REQUESTS_PER_MINUTE", 10.0,
            "Label requests (the most uncertain images, balanced over predicted classes) at most this many a minute; 0: none");
    public static final Setting<Integer> LABEL_REQUESTS_MAX_OUTSTANDING = Setting.integer("MEANSTREAM_STREAMS_LABEL_REQUESTS_MAX_OUTSTANDING", 200,
            "... and at most this many unanswered at a time");
    public static final Setting<Duration> LABEL_REQUESTS_WINDOW = Setting.duration("MEANSTREAM_STREAMS_LABEL_REQUESTS_WINDOW", "10s",
            "... chosen from each window of this length (wall clock)");
    public static final Setting<PredictionFormat> PREDICTION_FORMAT = new Setting<>("MEANSTREAM_STREAMS_PREDICTION_FORMAT", "avro",
            "avro (single-object encoding) or json (CloudEvents binary mode: a JSON value, content-type and ce_* headers)",
            PredictionFormat::parse, false);
    public static final Setting<List<String>> CLASS_NAMES = Setting.list("MEANSTREAM_CLASS_NAMES", String.join(",", FashionMnist.CLASS_NAMES),
            "Class names in class-index order, as the trainer's: JSON labels may name their class (the live quality join reads them)");
    public static final Setting<Integer> HTTP_PORT = Setting.integer("MEANSTREAM_STREAMS_HTTP_PORT", 8080, "Port of /health, /ready, /metrics, POST /predict");
    public static final Setting<Duration> STALL_TIMEOUT = Setting.duration("MEANSTREAM_STREAMS_STALL_TIMEOUT", "5m",
            "/health fails once a stream thread has not polled, or the model follower has made no progress, this long");

    public static List<Setting<?>> all() {
        return List.of(MODEL_NAME, MODEL_VERSION, APPLICATION_ID, BATCH_SIZE, BATCH_WAIT, MAX_PENDING, PROVIDER, ORT_THREADS,
                STREAM_THREADS, GUARANTEE, COMMIT_INTERVAL, STATE_DIR, QUALITY, QUALITY_MAX_LABEL_DELAY, QUALITY_WINDOW,
                LABEL_REQUESTS_PER_MINUTE, LABEL_REQUESTS_MAX_OUTSTANDING, LABEL_REQUESTS_WINDOW,
                CLASS_NAMES, PREDICTION_FORMAT, HTTP_PORT, STALL_TIMEOUT);
    }
}

package io.meanstream.trainer.service;

import io.meanstream.config.Setting;
import io.meanstream.trainer.engine.MeanTeacherConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Every setting of the trainer service, with its default and meaning (README: "Trainer configuration"). */
public final class TrainerSettings {

    private TrainerSettings() {
    }

    public static final Setting<String> MODEL_NAME = Setting.string("MEANSTREAM_MODEL_NAME", "fashion-mnist", "Name of the released models");
    public static final Setting<String> CLASS_NAMES = Setting.string("MEANSTREAM_CLASS_NAMES",
            "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot", "Class names, comma-separated, in class-index order");
    public static final Setting<String> INPUT_SHAPE = Setting.string("MEANSTREAM_INPUT_SHAPE", "1,28,28", "Model input: channels,height,width");
    public static final Setting<String> INPUT_MEAN = Setting.string("MEANSTREAM_INPUT_MEAN", "0.2860", "Normalisation mean per channel (comma-separated)");
    public static final Setting<String> INPUT_STD = Setting.string("MEANSTREAM_INPUT_STD", "0.3530", "Normalisation std per channel (comma-separated)");
    public static final Setting<String> INPUT_RESIZE = Setting.string("MEANSTREAM_INPUT_RESIZE", "REJECT", "Images of another size: REJECT (dead letter) or RESIZE (bilinear)");
    public static final Setting<Duration> MAX_LABEL_DELAY = Setting.duration("MEANSTREAM_TRAINER_MAX_LABEL_DELAY", "24h",
            "A label joins an image at most this far apart in event time; later labels of unknown images are dead letters");
    public static final Setting<MeanTeacherConfig.Mode> MODE = new Setting<>("MEANSTREAM_TRAINER_MODE", "mean-teacher",
            "mean-teacher, or supervised: the same network, steps and releases on the labeled rows only (a baseline to A/B on the same stream)",
            TrainerSettings::mode, false);
    public static final Setting<Double> HOLDOUT_FRACTION = Setting.decimal("MEANSTREAM_TRAINER_HOLDOUT_FRACTION", 0.1,
            "Share of labeled images (by hash of image id) never trained on, used to gate releases");
    public static final Setting<Integer> MIN_LABELS = Setting.integer("MEANSTREAM_TRAINER_MIN_LABELS", 50, "Training starts once this many labeled training images exist");
    public static final Setting<Integer> MIN_LABELS_PER_CLASS = Setting.integer("MEANSTREAM_TRAINER_MIN_LABELS_PER_CLASS", 1, "... and at least this many per class");
    public static final Setting<Integer> BUFFER_SIZE = Setting.integer("MEANSTREAM_TRAINER_BUFFER_SIZE", 10_000, "Unlabeled shuffle buffer capacity (images)");
    public static final Setting<Integer> BUFFER_MAX_USES = Setting.integer("MEANSTREAM_TRAINER_BUFFER_MAX_USES", 8, "Times an unlabeled image is drawn before it is retired");
    public static final Setting<Integer> RELEASE_EVERY_STEPS = Setting.integer("MEANSTREAM_TRAINER_RELEASE_EVERY_STEPS", 500, "Release a model every N steps ...");
    public static final Setting<Duration> RELEASE_EVERY = Setting.duration("MEANSTREAM_TRAINER_RELEASE_EVERY", "10m", "... or this long after the first step since the last release, whichever comes first");
    public static final Setting<Double> RELEASE_CONFIDENCE = Setting.decimal("MEANSTREAM_TRAINER_RELEASE_CONFIDENCE", 0.95,
            "A candidate is refused only when it is worse than the best released model with this one-sided confidence (paired test on the same images)");
    public static final Setting<Double> RELEASE_MARGIN = Setting.decimal("MEANSTREAM_TRAINER_RELEASE_MARGIN", 0.0,
            "... by more than this accuracy difference (0: any shown loss refuses)");
    public static final Setting<Integer> RELEASE_HOLD_BACK = Setting.integer("MEANSTREAM_TRAINER_RELEASE_HOLD_BACK", 1000,
            "New training labels held back (at most this many) until the next release attempt, where they judge the candidate and the best model before being trained on; 0: the holdout alone");
    public static final Setting<Integer> RELEASE_INLINE_LIMIT = Setting.integer("MEANSTREAM_TRAINER_RELEASE_INLINE_LIMIT", 4 << 20,
            "Models up to this many bytes travel inside the release record; larger ones go to the model store");
    public static final Setting<String> MODEL_STORE = Setting.string("MEANSTREAM_TRAINER_MODEL_STORE", "data/models", "Directory for models above the inline limit (referenced by file: URI)");
    public static final Setting<String> CHECKPOINT_DIR = Setting.string("MEANSTREAM_TRAINER_CHECKPOINT_DIR", "data/checkpoints", "Checkpoint directory");
    public static final Setting<Integer> CHECKPOINT_EVERY_STEPS = Setting.integer("MEANSTREAM_TRAINER_CHECKPOINT_EVERY_STEPS", 200, "Checkpoint every N steps ...");
    public static final Setting<Duration> CHECKPOINT_EVERY = Setting.duration("MEANSTREAM_TRAINER_CHECKPOINT_EVERY", "60s", "... or after this much time");
    public static final Setting<Integer> CHECKPOINT_KEEP = Setting.integer("MEANSTREAM_TRAINER_CHECKPOINT_KEEP", 3, "Checkpoints kept");
    public static final Setting<String> STATE_DIR = Setting.string("MEANSTREAM_TRAINER_STATE_DIR", "data/trainer-streams", "Kafka Streams state of the label join");
    public static final Setting<String> DEVICE = Setting.string("MEANSTREAM_TRAINER_DEVICE", "cpu", "cpu or gpu[:N]");
    public static final Setting<Integer> THREADS = Setting.integer("MEANSTREAM_TRAINER_THREADS", 2, "PyTorch intra-op threads");
    public static final Setting<Integer> HTTP_PORT = Setting.integer("MEANSTREAM_TRAINER_HTTP_PORT", 8081, "Port of /health, /ready, /metrics");
    public static final Setting<Duration> STALL_TIMEOUT = Setting.duration("MEANSTREAM_TRAINER_STALL_TIMEOUT", "5m",
            "/health fails once a worker (label join, labeled pool, image consumer, training loop) has made no progress this long");
    public static final Setting<Integer> BATCH_SIZE = Setting.integer("MEANSTREAM_TRAINER_BATCH_SIZE", 64, "Rows per training step (labeled + unlabeled)");
    public static final Setting<Integer> LABELED_BATCH_SIZE = Setting.integer("MEANSTREAM_TRAINER_LABELED_BATCH_SIZE", 32, "Labeled rows per step");
    public static final Setting<Double> CONSISTENCY = Setting.decimal("MEANSTREAM_TRAINER_CONSISTENCY", 100.0, "Consistency cost weight (MSE) after ramp-up");
    public static final Setting<Integer> CONSISTENCY_RAMPUP = Setting.integer("MEANSTREAM_TRAINER_CONSISTENCY_RAMPUP", 1000, "Ramp-up steps of the consistency weight");
    public static final Setting<Boolean> TWO_HEADS = Setting.bool("MEANSTREAM_TRAINER_TWO_HEADS", true,
            "Separate classification and consistency heads with a logit-distance cost");
    public static final Setting<Double> LOGIT_DISTANCE_COST = Setting.decimal("MEANSTREAM_TRAINER_LOGIT_DISTANCE_COST", 0.01,
            "Weight of the logit distance between the two heads");
    public static final Setting<Double> EMA_DECAY = Setting.decimal("MEANSTREAM_TRAINER_EMA_DECAY", 0.99, "Teacher EMA decay during the consistency ramp-up");
    public static final Setting<Double> EMA_DECAY_AFTER_RAMPUP = Setting.decimal("MEANSTREAM_TRAINER_EMA_DECAY_AFTER_RAMPUP", 0.99,
            "Teacher EMA decay after the ramp-up (a fast teacher: labels keep arriving)");
    public static final Setting<Double> LEARNING_RATE = Setting.decimal("MEANSTREAM_TRAINER_LEARNING_RATE", 0.02, "Learning rate (constant after warm-up: training never ends)");
    public static final Setting<Boolean> HFLIP = Setting.bool("MEANSTREAM_TRAINER_HFLIP", false,
            "Random horizontal flips (only where a mirrored image keeps its class and occurs at inference; off for Fashion-MNIST)");
    public static final Setting<Integer> WIDTH = Setting.integer("MEANSTREAM_TRAINER_WIDTH", 24, "ConvNet width factor");
    public static final Setting<Long> SEED = Setting.longValue("MEANSTREAM_TRAINER_SEED", 1, "Seed of initialisation, noise and sampling");

    public static List<Setting<?>> all() {
        return List.of(MODEL_NAME, CLASS_NAMES, INPUT_SHAPE, INPUT_MEAN, INPUT_STD, INPUT_RESIZE, MODE, MAX_LABEL_DELAY, HOLDOUT_FRACTION,
                MIN_LABELS, MIN_LABELS_PER_CLASS, BUFFER_SIZE, BUFFER_MAX_USES, RELEASE_EVERY_STEPS, RELEASE_EVERY, RELEASE_CONFIDENCE,
                RELEASE_MARGIN, RELEASE_HOLD_BACK,
                RELEASE_INLINE_LIMIT, MODEL_STORE, CHECKPOINT_DIR, CHECKPOINT_EVERY_STEPS, CHECKPOINT_EVERY, CHECKPOINT_KEEP, STATE_DIR,
                DEVICE, THREADS, HTTP_PORT, STALL_TIMEOUT, BATCH_SIZE, LABELED_BATCH_SIZE, CONSISTENCY, CONSISTENCY_RAMPUP, TWO_HEADS, LOGIT_DISTANCE_COST, EMA_DECAY,
                EMA_DECAY_AFTER_RAMPUP, LEARNING_RATE,
                HFLIP, WIDTH, SEED);
    }

    /** The training mode as spelled in settings and release metadata: {@code mean-teacher} or {@code supervised}. */
    static MeanTeacherConfig.Mode mode(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(MeanTeacherConfig.Mode.values()).filter(m -> m.label().equals(v)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("expected mean-teacher or supervised"));
    }
}

package io.meanstream.labeler;

import io.meanstream.config.Setting;
import io.meanstream.data.FashionMnist;
import java.time.Duration;
import java.util.List;

/** Every setting of the labeler, with its default and meaning (README: "Labeler configuration"). */
public final class LabelerSettings {

    private LabelerSettings() {
    }

    public static final Setting<Integer> HTTP_PORT = Setting.integer("MEANSTREAM_LABELER_HTTP_PORT", 8090,
            "Port of the labeling page and its API (sign-in required)");
    public static final Setting<Integer> OPS_PORT = Setting.integer("MEANSTREAM_LABELER_OPS_PORT", 8091,
            "Port of /health, /ready, /metrics (no sign-in: for probes and Prometheus; keep it inside the cluster)");
    public static final Setting<String> ACCOUNTS_FILE = Setting.string("MEANSTREAM_LABELER_ACCOUNTS_FILE", "accounts.txt",
            "Annotator accounts, a line 'name:pbkdf2-sha256$iterations$salt$hash' each (meanstream labeler --hash-password writes one); "
                    + "in Kubernetes a Secret mounted as a file");
    public static final Setting<List<String>> CLASS_NAMES = Setting.list("MEANSTREAM_CLASS_NAMES", String.join(",", FashionMnist.CLASS_NAMES),
            "Class names in class-index order, as the trainer's: one button per class");
    public static final Setting<Integer> RECENT_IMAGES = Setting.integer("MEANSTREAM_LABELER_RECENT_IMAGES", 1000,
            "Newest images remembered (id and position) for 'label recent images', the cold start without requests");
    public static final Setting<Duration> SESSION_TIMEOUT = Setting.duration("MEANSTREAM_LABELER_SESSION_TIMEOUT", "8h",
            "A signed-in annotator is signed out after this long without a request");
    public static final Setting<Boolean> SECURE_COOKIE = Setting.bool("MEANSTREAM_LABELER_SECURE_COOKIE", false,
            "Send the session cookie over HTTPS only (set true behind a TLS-terminating ingress)");
    public static final Setting<Duration> STALL_TIMEOUT = Setting.duration("MEANSTREAM_LABELER_STALL_TIMEOUT", "5m",
            "/health fails once the topic reader has made no progress this long");

    public static List<Setting<?>> all() {
        return List.of(HTTP_PORT, OPS_PORT, ACCOUNTS_FILE, CLASS_NAMES, RECENT_IMAGES, SESSION_TIMEOUT, SECURE_COOKIE, STALL_TIMEOUT);
    }
}

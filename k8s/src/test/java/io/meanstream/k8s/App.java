package io.meanstream.k8s;

import io.meanstream.config.Setting;
import io.meanstream.labeler.LabelerMain;
import io.meanstream.labeler.LabelerSettings;
import io.meanstream.streams.StreamsAppMain;
import io.meanstream.streams.service.StreamsAppSettings;
import io.meanstream.trainer.TrainerMain;
import io.meanstream.trainer.service.TrainerSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The services the manifests run, with the registries of what they read. */
enum App {

    TRAINER("trainer", "StatefulSet", "meanstream-trainer", TrainerMain.class, TrainerSettings.all(), TrainerSettings.HTTP_PORT,
            List.of(),
            // Path settings, and whether what they hold must survive a restart (the PersistentVolumeClaim).
            Map.of(TrainerSettings.CHECKPOINT_DIR, true, TrainerSettings.MODEL_STORE, true, TrainerSettings.STATE_DIR, false),
            List.of(), Set.of(), true),
    STREAMS_APP("streams-app", "Deployment", "meanstream-streams-app", StreamsAppMain.class, StreamsAppSettings.all(),
            StreamsAppSettings.HTTP_PORT, List.of(StreamsAppSettings.HTTP_PORT), // POST /predict, on the ops server
            Map.of(StreamsAppSettings.STATE_DIR, false), List.of(), Set.of(), true),
    LABELER("labeler", "Deployment", "meanstream-labeler", LabelerMain.class, LabelerSettings.all(), LabelerSettings.OPS_PORT,
            List.of(LabelerSettings.HTTP_PORT), // the labeling page, sign-in required
            Map.of(), List.of(LabelerSettings.ACCOUNTS_FILE),
            // meanstream-shared is how every service reaches Kafka; the model's name in it is the trainer's and the
            // streams-app's (labels belong to images, not to a model).
            Set.of("MEANSTREAM_MODEL_NAME"), false);

    /** Workload, container, Service, ServiceMonitor and NetworkPolicy name, and the module that builds its image. */
    final String name;
    final String workloadKind;
    /** The image name (Jib's to.image without registry and tag) and the KafkaUser of the service. */
    final String imageName;
    /** The image's entry point. */
    final Class<?> mainClass;
    final List<Setting<?>> settings;
    /** The port of the ops server: /health, /ready, /metrics without sign-in, for probes and Prometheus. */
    final Setting<Integer> opsPort;
    /** Ports that clients other than the kubelet and Prometheus use (may include the ops port). */
    final List<Setting<Integer>> clientPorts;
    final Map<Setting<String>, Boolean> pathSettings;
    /** Files the service reads that hold secrets: mounted read-only from a Secret. */
    final List<Setting<String>> secretFileSettings;
    /** Variables of the shared ConfigMap (meanstream-shared) that this service does not read. */
    final Set<String> ignoredSharedVariables;
    /** Whether the service uses a GPU in the GPU renderings (and has a -Pgpu image). */
    final boolean gpu;

    App(String name, String workloadKind, String imageName, Class<?> mainClass, List<Setting<?>> settings, Setting<Integer> opsPort,
        List<Setting<Integer>> clientPorts, Map<Setting<String>, Boolean> pathSettings, List<Setting<String>> secretFileSettings,
        Set<String> ignoredSharedVariables, boolean gpu) {
        this.name = name;
        this.workloadKind = workloadKind;
        this.imageName = imageName;
        this.mainClass = mainClass;
        this.settings = settings;
        this.opsPort = opsPort;
        this.clientPorts = clientPorts;
        this.pathSettings = pathSettings;
        this.secretFileSettings = secretFileSettings;
        this.ignoredSharedVariables = ignoredSharedVariables;
        this.gpu = gpu;
    }

    String kafkaUser() {
        return imageName;
    }

    /** The services that hold a GPU in the GPU renderings. */
    static List<App> gpuApps() {
        return java.util.Arrays.stream(values()).filter(a -> a.gpu).toList();
    }
}

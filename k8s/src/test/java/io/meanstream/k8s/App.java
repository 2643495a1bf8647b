package io.meanstream.k8s;

import io.meanstream.config.Setting;
import io.meanstream.streams.StreamsAppMain;
import io.meanstream.streams.service.StreamsAppSettings;
import io.meanstream.trainer.TrainerMain;
import io.meanstream.trainer.service.TrainerSettings;
import java.util.List;
import java.util.Map;

/** The two services the manifests run, with the registries of what they read. */
enum App {

    TRAINER("trainer", "StatefulSet", "meanstream-trainer", TrainerMain.class, TrainerSettings.all(), TrainerSettings.HTTP_PORT,
            // Path settings, and whether what they hold must survive a restart (the PersistentVolumeClaim).
            Map.of(TrainerSettings.CHECKPOINT_DIR, true, TrainerSettings.MODEL_STORE, true, TrainerSettings.STATE_DIR, false)),
    STREAMS_APP("streams-app", "Deployment", "meanstream-streams-app", StreamsAppMain.class, StreamsAppSettings.all(),
            StreamsAppSettings.HTTP_PORT,
            Map.of(StreamsAppSettings.STATE_DIR, false));

    /** Workload, container, Service, ServiceMonitor and NetworkPolicy name, and the module that builds its image. */
    final String name;
    final String workloadKind;
    /** The image name (Jib's to.image without registry and tag) and the KafkaUser of the service. */
    final String imageName;
    /** The image's entry point. */
    final Class<?> mainClass;
    final List<Setting<?>> settings;
    final Setting<Integer> httpPort;
    final Map<Setting<String>, Boolean> pathSettings;

    App(String name, String workloadKind, String imageName, Class<?> mainClass, List<Setting<?>> settings,
        Setting<Integer> httpPort, Map<Setting<String>, Boolean> pathSettings) {
        this.name = name;
        this.workloadKind = workloadKind;
        this.imageName = imageName;
        this.mainClass = mainClass;
        this.settings = settings;
        this.httpPort = httpPort;
        this.pathSettings = pathSettings;
    }

    String kafkaUser() {
        return imageName;
    }
}

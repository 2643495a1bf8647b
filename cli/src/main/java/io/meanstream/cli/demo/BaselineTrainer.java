package io.meanstream.cli.demo;

import io.meanstream.trainer.TrainerMain;
import io.meanstream.trainer.engine.MeanTeacherConfig;
import io.meanstream.trainer.service.TrainerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A supervised-only trainer beside the demo's, in its own JVM: DJL's PyTorch engine allows one gradient collector
 * per process, so two trainers cannot share one. It gets the demo trainer's settings (same seed, network, schedule,
 * threads) with {@code MEANSTREAM_TRAINER_MODE=supervised} and a model name of its own, which gives it its own
 * consumer group, label-join application and state; its releases land on the models topic beside the demo's,
 * where the report finds and scores them. Closing sends SIGTERM (the trainer checkpoints and stops) and waits.
 */
final class BaselineTrainer implements AutoCloseable {

    private final Process process;
    private final String modelName;

    private BaselineTrainer(Process process, String modelName) {
        this.process = process;
        this.modelName = modelName;
    }

    /**
     * Starts the JVM: {@code trainerEnv} is the demo trainer's settings, {@code work} holds the baseline's state and
     * {@code log} its output.
     */
    static BaselineTrainer start(String bootstrapServers, String servedModelName, Map<String, String> trainerEnv, Path work, Path log)
            throws IOException {
        String modelName = servedModelName + "-supervised";
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), TrainerMain.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.putAll(trainerEnv);
        env.put(TrainerSettings.MODE.env(), MeanTeacherConfig.Mode.SUPERVISED.label());
        env.put(TrainerSettings.MODEL_NAME.env(), modelName);
        env.put(TrainerSettings.CHECKPOINT_DIR.env(), Files.createDirectories(work.resolve("checkpoints")).toString());
        env.put(TrainerSettings.MODEL_STORE.env(), work.resolve("models").toString());
        env.put(TrainerSettings.STATE_DIR.env(), work.resolve("trainer-streams").toString());
        env.put("MEANSTREAM_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        // PyTorch's allocation pattern, as the launcher sets it for the main JVM (see ./meanstream).
        env.putIfAbsent("MALLOC_MMAP_THRESHOLD_", "1073741824");
        env.putIfAbsent("MALLOC_TRIM_THRESHOLD_", "1073741824");
        return new BaselineTrainer(builder.start(), modelName);
    }

    String modelName() {
        return modelName;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: the trainer finishes its step, checkpoints and exits
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}

package io.meanstream.trainer;

import io.meanstream.config.Setting;
import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.service.Service;
import io.meanstream.service.ServiceRunner;
import io.meanstream.trainer.engine.PyTorchThreads;
import io.meanstream.trainer.service.TrainerConfig;
import io.meanstream.trainer.service.TrainerService;
import io.meanstream.trainer.service.TrainerSettings;
import java.util.List;

/**
 * The trainer as a process: the entry point of the trainer's container image (configured by its environment) and
 * what {@code meanstream trainer} runs.
 */
public final class TrainerMain implements Service {

    public static void main(String[] args) {
        ServiceRunner.runAndExit(new TrainerMain());
    }

    @Override
    public String name() {
        return "trainer";
    }

    @Override
    public List<Setting<?>> settings() {
        return TrainerSettings.all();
    }

    @Override
    public AutoCloseable start(Settings settings, KafkaClientConfig kafka) throws Exception {
        PyTorchThreads.configure(settings.get(TrainerSettings.THREADS));
        return new TrainerService(TrainerConfig.from(settings), kafka, Topics.fromEnv()).start();
    }
}

package io.meanstream.cli;

import io.meanstream.config.Setting;
import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.trainer.service.TrainerConfig;
import io.meanstream.trainer.service.TrainerService;
import io.meanstream.trainer.service.TrainerSettings;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code meanstream trainer}: the continual Mean Teacher trainer service (also the container entry point). */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = {"Run the trainer service: joins labels to images, trains Mean Teacher continually on the stream,",
                "checkpoints, and releases gated teachers as ONNX on the models topic. Configured by MEANSTREAM_* environment",
                "variables or --config FILE (see README, Trainer configuration). Stops cleanly on SIGTERM."})
final class TrainerCommand extends ServiceCommand {

    @Override
    List<Setting<?>> settings() {
        return TrainerSettings.all();
    }

    @Override
    AutoCloseable start(Settings settings, KafkaClientConfig kafka) throws Exception {
        PyTorchThreads.configure(settings.get(TrainerSettings.THREADS));
        return new TrainerService(TrainerConfig.from(settings), kafka, Topics.fromEnv()).start();
    }
}

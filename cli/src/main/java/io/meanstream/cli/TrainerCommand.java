package io.meanstream.cli;

import io.meanstream.kafka.Topics;
import io.meanstream.trainer.service.TrainerConfig;
import io.meanstream.trainer.service.TrainerService;
import io.meanstream.trainer.service.TrainerSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meanstream trainer}: the continual Mean Teacher trainer service (also the container entry point). */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = {"Run the trainer service: joins labels to images, trains Mean Teacher continually on the stream,",
                "checkpoints, and releases gated teachers as ONNX on the models topic. Configured by MEANSTREAM_* environment",
                "variables or --config FILE (see README, Trainer configuration). Stops cleanly on SIGTERM."})
final class TrainerCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with trainer settings (environment variables win).")
    Path configFile;

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (overrides the environment).")
    String bootstrap;

    @Override
    public Integer call() throws Exception {
        return Services.run("trainer", TrainerSettings.all(), configFile, bootstrap, (settings, kafka) -> {
            PyTorchThreads.configure(settings.get(TrainerSettings.THREADS));
            return new TrainerService(TrainerConfig.from(settings), kafka, Topics.fromEnv()).start();
        });
    }
}

package io.meanstream.cli;

import io.meanstream.trainer.TrainerMain;
import picocli.CommandLine.Command;

/** {@code meanstream trainer}: the continual Mean Teacher trainer service, as its container image runs it. */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = {"Run the trainer service: joins labels to images, trains Mean Teacher continually on the stream,",
                "checkpoints, and releases gated teachers as ONNX on the models topic. Configured by MEANSTREAM_* environment",
                "variables or --config FILE (see README, Trainer configuration). Stops cleanly on SIGTERM."})
final class TrainerCommand extends ServiceCommand {

    TrainerCommand() {
        super(new TrainerMain());
    }
}

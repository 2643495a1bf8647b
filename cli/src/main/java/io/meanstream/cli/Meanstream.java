package io.meanstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code meanstream} command: every user-facing entry point of the project. */
@Command(name = "meanstream", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Semi-supervised image recognition (Mean Teacher) that keeps learning from Kafka streams.",
        subcommands = {
                DemoCommand.class,
                KafkaCommand.class,
                TopicsCommand.class,
                FeedCommand.class,
                WatchCommand.class,
                TrainOfflineCommand.class,
                PredictCommand.class,
                TrainerCommand.class,
                StreamsAppCommand.class,
                LabelerCommand.class,
                BenchStreamsCommand.class,
                BenchLearningCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Meanstream implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Meanstream());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // A clear one-line message for expected failures, the stack trace only with MEANSTREAM_DEBUG.
            commandLine.getErr().println("meanstream " + commandLine.getCommandName() + ": " + describe(e));
            if (System.getenv("MEANSTREAM_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(": ").append(cause.getMessage());
            }
        }
        return text.toString();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

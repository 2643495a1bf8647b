package io.meanstream.cli;

import io.meanstream.config.Setting;
import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A long-running service command (trainer, streams-app): resolves its settings (environment over
 * {@code --config FILE} over defaults) and the Kafka client configuration, logs both with secrets redacted,
 * starts the service and runs it until SIGTERM/Ctrl-C, then closes it.
 */
abstract class ServiceCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(Services.class); // the same logger as the stop lines

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with ${COMMAND-NAME} settings (environment variables win).")
    Path configFile;

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (overrides the environment).")
    String bootstrap;

    /** Every setting the service reads. */
    abstract List<Setting<?>> settings();

    /** Starts the service and returns it running; closing it stops it gracefully. */
    abstract AutoCloseable start(Settings settings, KafkaClientConfig kafka) throws Exception;

    @Override
    public final Integer call() throws Exception {
        String name = spec.name();
        Settings resolved = Settings.resolve(settings(), System.getenv(), configFile);
        KafkaClientConfig kafka = KafkaClientConfig.resolve(bootstrap, null);
        log.info("{} settings:\n{}  kafka: {}", name, resolved.describe(), kafka);
        return Services.runUntilStopped(name, start(resolved, kafka));
    }
}

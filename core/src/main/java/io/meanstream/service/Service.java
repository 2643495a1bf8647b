package io.meanstream.service;

import io.meanstream.config.Setting;
import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import java.util.List;

/**
 * A long-running service (trainer, streams-app): its name, the settings it reads and how it starts from them.
 * {@link ServiceRunner} runs it, from the service's own main class (its container image) or from the CLI.
 */
public interface Service {

    /** The service's name, as in its log lines, its image and its CLI command. */
    String name();

    /** Every setting the service reads. */
    List<Setting<?>> settings();

    /** Starts the service and returns it running; closing it stops it gracefully. */
    AutoCloseable start(Settings settings, KafkaClientConfig kafka) throws Exception;
}

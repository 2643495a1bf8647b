package io.meanstream.streams;

import io.meanstream.config.Setting;
import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.service.Service;
import io.meanstream.service.ServiceRunner;
import io.meanstream.streams.service.StreamsApp;
import io.meanstream.streams.service.StreamsAppSettings;
import java.util.List;

/**
 * The streams-app as a process: the entry point of the streams-app's container image (configured by its
 * environment) and what {@code meanstream streams-app} runs.
 */
public final class StreamsAppMain implements Service {

    public static void main(String[] args) {
        ServiceRunner.runAndExit(new StreamsAppMain());
    }

    @Override
    public String name() {
        return "streams-app";
    }

    @Override
    public List<Setting<?>> settings() {
        return StreamsAppSettings.all();
    }

    @Override
    public AutoCloseable start(Settings settings, KafkaClientConfig kafka) throws Exception {
        return new StreamsApp(settings, kafka, Topics.fromEnv()).start();
    }
}

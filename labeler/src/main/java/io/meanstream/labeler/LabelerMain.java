package io.meanstream.labeler;

import io.meanstream.config.Setting;
import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.service.Service;
import io.meanstream.service.ServiceRunner;
import java.util.List;

/**
 * The labeler as a process: the entry point of its container image (configured by its environment) and what
 * {@code meanstream labeler} runs.
 */
public final class LabelerMain implements Service {

    public static void main(String[] args) {
        ServiceRunner.runAndExit(new LabelerMain());
    }

    @Override
    public String name() {
        return "labeler";
    }

    @Override
    public List<Setting<?>> settings() {
        return LabelerSettings.all();
    }

    @Override
    public AutoCloseable start(Settings settings, KafkaClientConfig kafka) throws Exception {
        return new Labeler(settings, kafka, Topics.fromEnv(), Labeler.accounts(settings)).start();
    }
}

package io.meanstream.cli;

import io.meanstream.service.Service;
import io.meanstream.service.ServiceRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/**
 * A long-running service command (trainer, streams-app): runs the same {@link Service} as the service's own main
 * class (its container image's entry point), with a config file and a bootstrap override on top of the
 * environment.
 */
abstract class ServiceCommand implements Callable<Integer> {

    private final Service service;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with ${COMMAND-NAME} settings (environment variables win).")
    Path configFile;

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (overrides the environment).")
    String bootstrap;

    ServiceCommand(Service service) {
        this.service = service;
    }

    @Override
    public Integer call() throws Exception {
        return ServiceRunner.run(service, configFile, bootstrap);
    }
}

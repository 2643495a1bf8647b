package io.meanstream.kafka.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), started in this
 * JVM. It is what the tests, the demo and {@code meanstream kafka} run: no Docker, no ZooKeeper.
 *
 * <p>The data directory is formatted only when it holds no {@code meta.properties}, so a broker started
 * again on the same directory keeps its topics and records. Everything binds to 127.0.0.1 and every
 * internal topic has replication factor 1.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalKafkaBroker.class);

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final boolean deleteOnClose;
    private final KafkaRaftServer server;
    private volatile boolean closed;

    private LocalKafkaBroker(Builder b) {
        this.dataDir = b.dataDir.toAbsolutePath();
        this.port = b.port > 0 ? b.port : FreePorts.next();
        this.controllerPort = b.controllerPort > 0 ? b.controllerPort : FreePorts.next();
        this.deleteOnClose = b.deleteOnClose;
        Map<String, String> props = brokerProperties(b.extra);
        formatIfNeeded(props);
        Properties properties = new Properties();
        properties.putAll(props);
        this.server = new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the broker and returns once an admin client sees it answer; fails after {@code timeout}. */
    public LocalKafkaBroker start(Duration timeout) {
        long t0 = System.nanoTime();
        server.startup();
        awaitReady(timeout);
        log.info("Kafka broker ready on {} (data in {}) after {} ms", bootstrapServers(), dataDir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        return this;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Blocks until the broker has shut down (after {@link #close()} from another thread). */
    public void awaitShutdown() {
        server.awaitShutdown();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (deleteOnClose) {
                deleteRecursively(dataDir);
            }
        }
        log.info("Kafka broker on {} stopped", bootstrapServers());
    }

    private Map<String, String> brokerProperties(Map<String, String> extra) {
        Map<String, String> p = new TreeMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("logs").toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        // Allow the largest record our contracts carry (an inline ONNX model): 32 MiB.
        p.put("message.max.bytes", Integer.toString(32 << 20));
        p.put("replica.fetch.max.bytes", Integer.toString(32 << 20));
        // Small segments and a short check interval so compaction visibly works on a laptop.
        p.put("log.cleaner.backoff.ms", "5000");
        p.putAll(extra);
        return p;
    }

    private void formatIfNeeded(Map<String, String> props) {
        Path logs = dataDir.resolve("logs");
        if (Files.exists(logs.resolve("meta.properties"))) {
            log.info("Reusing formatted Kafka storage in {}", logs);
            return;
        }
        try {
            Files.createDirectories(logs);
            Path config = dataDir.resolve("server.properties");
            StringBuilder text = new StringBuilder("# written by meanstream LocalKafkaBroker\n");
            props.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            Files.writeString(config, text.toString(), StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IllegalStateException("Formatting Kafka storage in " + logs + " failed (exit " + rc + "): " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare Kafka storage in " + logs, e);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(p)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " not ready after " + timeout, e);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " not ready after " + timeout);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    log.warn("Cannot delete {}: {}", path, e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("Cannot delete {}: {}", dir, e.toString());
        }
    }

    /** Configuration of a broker; nothing is started until {@link LocalKafkaBroker#start}. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private int controllerPort;
        private boolean deleteOnClose;
        private final Map<String, String> extra = new TreeMap<>();

        private Builder() {
        }

        /** Where logs and metadata live; reused (not re-formatted) when it already holds a broker. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** Client port; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Controller (KRaft) port; 0 (default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = port;
            return this;
        }

        /** A throw-away broker in a fresh temporary directory, deleted on close. */
        public Builder temporary() {
            try {
                this.dataDir = Files.createTempDirectory("meanstream-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.deleteOnClose = true;
            return this;
        }

        /** Any further broker property, e.g. {@code log.retention.ms}. */
        public Builder property(String key, String value) {
            extra.put(key, value);
            return this;
        }

        public LocalKafkaBroker build() {
            if (dataDir == null) {
                throw new IllegalStateException("dataDir is required (or call temporary())");
            }
            return new LocalKafkaBroker(this);
        }
    }

}

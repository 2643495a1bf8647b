package io.meanstream.k8s;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What each service's image may carry, checked on its module's resolved runtime class path. Each check returns the
 * problems it found (empty = fine), so a test can also show that a fat class path fails it.
 */
final class ClassPathChecks {

    /** Something an image must not hold, by {@code groupId:artifactId}. */
    record Forbidden(String what, Predicate<String> matches) {
    }

    /** The embedded broker (kafka_2.13, kafka-server, -raft, -metadata, -storage, Scala ...): a service is only a client. */
    static final Forbidden BROKER = new Forbidden("the Kafka broker", a -> (a.startsWith("org.apache.kafka:")
            && !Set.of("org.apache.kafka:kafka-clients", "org.apache.kafka:kafka-streams").contains(a)) || a.startsWith("org.scala-lang:"));
    static final Forbidden CHARTS = new Forbidden("the charting library", a -> a.equals("org.jfree:jfreechart"));
    static final Forbidden DEVELOPER_CLI = new Forbidden("the developer CLI", a -> Set.of("io.meanstream:meanstream-cli",
            "io.meanstream:meanstream-local-kafka", "info.picocli:picocli").contains(a));
    static final Forbidden PYTORCH = new Forbidden("DJL/PyTorch", a -> a.startsWith("ai.djl") || a.contains("pytorch"));
    static final Forbidden ONNX_RUNTIME_GPU = new Forbidden("ONNX Runtime's GPU build",
            a -> a.equals("com.microsoft.onnxruntime:onnxruntime_gpu"));
    /** Any build of ONNX Runtime (75 MB on the CPU, 446 MB the CUDA one): only the services that score need it. */
    static final Forbidden ONNX_RUNTIME = new Forbidden("ONNX Runtime", a -> a.startsWith("com.microsoft.onnxruntime:"));
    /** Kafka Streams and its state store's native library (73 MB): only the services with topologies need them. */
    static final Forbidden KAFKA_STREAMS = new Forbidden("Kafka Streams/RocksDB",
            a -> a.equals("org.apache.kafka:kafka-streams") || a.equals("org.rocksdb:rocksdbjni"));

    private ClassPathChecks() {
    }

    /** Kafka Streams, ONNX Runtime (the GPU build under -Pgpu), a logging backend and its own code; nothing else named here. */
    static List<String> streamsApp(RuntimeClassPath cp, boolean gpu) {
        List<String> problems = forbidden(cp, List.of(PYTORCH, BROKER, CHARTS, DEVELOPER_CLI));
        problems.addAll(required(cp, List.of("io.meanstream:meanstream-core", "org.apache.kafka:kafka-streams",
                onnxRuntime(gpu), "ch.qos.logback:logback-classic")));
        return problems;
    }

    /** DJL with the PyTorch build of the flavour, Kafka Streams, a logging backend; ONNX Runtime's GPU build only under -Pgpu. */
    static List<String> trainer(RuntimeClassPath cp, boolean gpu) {
        List<String> problems = forbidden(cp, gpu ? List.of(BROKER, CHARTS, DEVELOPER_CLI)
                : List.of(ONNX_RUNTIME_GPU, BROKER, CHARTS, DEVELOPER_CLI));
        problems.addAll(required(cp, List.of("io.meanstream:meanstream-core", "ai.djl.pytorch:pytorch-engine",
                gpu ? "ai.djl.pytorch:pytorch-native-cu124" : "ai.djl.pytorch:pytorch-native-cpu", onnxRuntime(gpu),
                "org.apache.kafka:kafka-streams", "ch.qos.logback:logback-classic")));
        return problems;
    }

    /**
     * The labeler: a Kafka client and a web server (Javalin), a logging backend and its own code; no model runtime
     * (neither build of ONNX Runtime, whatever the flavour), no Kafka Streams, nothing else named here.
     */
    static List<String> labeler(RuntimeClassPath cp) {
        List<String> problems = forbidden(cp, List.of(PYTORCH, ONNX_RUNTIME, KAFKA_STREAMS, BROKER, CHARTS, DEVELOPER_CLI));
        problems.addAll(required(cp, List.of("io.meanstream:meanstream-core", "org.apache.kafka:kafka-clients", "io.javalin:javalin",
                "ch.qos.logback:logback-classic")));
        return problems;
    }

    private static String onnxRuntime(boolean gpu) {
        return gpu ? "com.microsoft.onnxruntime:onnxruntime_gpu" : "com.microsoft.onnxruntime:onnxruntime";
    }

    static List<String> forbidden(RuntimeClassPath cp, List<Forbidden> rules) {
        List<String> problems = new ArrayList<>();
        for (Forbidden rule : rules) {
            List<String> found = cp.artifacts().stream().filter(rule.matches()).toList();
            if (!found.isEmpty()) {
                problems.add(cp + " holds " + rule.what() + ": " + found);
            }
        }
        return problems;
    }

    private static List<String> required(RuntimeClassPath cp, List<String> artifacts) {
        return artifacts.stream().filter(a -> !cp.artifacts().contains(a)).map(a -> cp + " lacks " + a).toList();
    }
}

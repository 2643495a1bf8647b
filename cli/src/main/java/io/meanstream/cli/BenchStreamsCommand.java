package io.meanstream.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.meanstream.cli.bench.StreamsBenchmark;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.TensorSpec;
import io.meanstream.onnx.ModelProvenance;
import io.meanstream.trainer.engine.MeanTeacherConfig;
import io.meanstream.trainer.engine.MeanTeacherEngine;
import io.meanstream.trainer.export.OnnxExporter;
import io.meanstream.trainer.model.NetworkSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code meanstream bench-streams}: the streams-app benchmark (raw ONNX Runtime vs end to end through Kafka). */
@Command(name = "bench-streams", mixinStandardHelpOptions = true,
        description = {"Benchmark the streams-app on this machine: raw ONNX Runtime batched loop vs the app end to end",
                "through a real local broker (throughput, p50/p99 latency at 50% and 100% load, RSS). Writes a JSON report."})
final class BenchStreamsCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "FILE", description = "An exported model (default: the default ConvNet, untrained: same cost).")
    Path model;

    @Option(names = "--backlog", defaultValue = "40000", description = "Images for the throughput run (default: ${DEFAULT-VALUE}).")
    int backlog;

    @Option(names = "--warm-up", defaultValue = "40000",
            description = "Images sent through the app first and not measured, so the JIT compiler has done its work (default: ${DEFAULT-VALUE}).")
    int warmUp;

    // 90 s: 30 s into a load both JVMs' JIT compilers still take up to a core of the two in bursts, which make the
    // half-load tail; after 90 s they take 0.02-0.04 cores (docs/benchmarks.md, streams-app benchmark).
    @Option(names = "--load-warm-up", defaultValue = "90",
            description = "Seconds of each steady load sent before its latency is counted (default: ${DEFAULT-VALUE}).")
    int loadWarmUp;

    @Option(names = "--seconds", defaultValue = "30", description = "Length of each latency run (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--batch-size", defaultValue = "32", description = "Micro-batch size of both (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--out", defaultValue = "bench/results", description = "Report directory (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Mixin
    DatasetOptions data;

    @Override
    public Integer call() throws Exception {
        byte[] onnx = model != null ? Files.readAllBytes(model) : defaultModel();
        LabeledImages test = data.load(FashionMnist.Split.TEST);
        Path work = Files.createTempDirectory("meanstream-bench-");
        StreamsBenchmark.Result result = new StreamsBenchmark(System.err).run(onnx, test, warmUp, loadWarmUp, backlog, seconds, batch, work);
        Files.createDirectories(outDir);
        Path report = outDir.resolve("streams-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json");
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result.values());
        Files.writeString(report, json + "\n");
        System.out.println(json);
        System.err.println("report: " + report);
        return 0;
    }

    private static byte[] defaultModel() {
        MeanTeacherConfig config = MeanTeacherConfig.builder().build();
        NetworkSpec spec = NetworkSpec.convNet(1, 28, 28, 10, config.widthFactor(), config.dropout(), false);
        try (MeanTeacherEngine engine = new MeanTeacherEngine(config, spec, new float[] {-0.81f}, Device.cpu())) {
            return OnnxExporter.export(engine.teacher(), new ModelProvenance("fashion-mnist", 1, 0, Instant.now(), spec.architecture(),
                    FashionMnist.CLASS_NAMES, TensorSpec.fashionMnist(), 0, 0, Map.of(), "0", Map.of()));
        }
    }
}

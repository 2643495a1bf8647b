package io.meanstream.streams.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.meanstream.onnx.OnnxScorer;
import java.util.Locale;

/**
 * Where ONNX Runtime runs: {@code cpu}, {@code cuda[:device]} or {@code auto} (CUDA when it works, else the
 * CPU with a warning). Resolved once at start: asking for CUDA where it cannot run fails the start with a
 * clear message instead of failing on the first model.
 */
public record ExecutionProvider(Kind kind, int device) {

    public enum Kind { CPU, CUDA }

    /** Parses the setting and probes CUDA; {@code fallbacks} is told when {@code auto} falls back to the CPU. */
    public static ExecutionProvider resolve(String setting, Runnable onFallback) {
        String s = setting.strip().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) {
            return new ExecutionProvider(Kind.CPU, 0);
        }
        boolean auto = s.equals("auto");
        int device = 0;
        if (!auto) {
            if (!s.startsWith("cuda")) {
                throw new IllegalArgumentException("execution provider must be cpu, cuda[:N] or auto, got " + setting);
            }
            device = s.contains(":") ? Integer.parseInt(s.substring(s.indexOf(':') + 1)) : 0;
        }
        String failure = probeCuda(device);
        if (failure == null) {
            return new ExecutionProvider(Kind.CUDA, device);
        }
        if (auto) {
            onFallback.run();
            return new ExecutionProvider(Kind.CPU, 0);
        }
        throw new IllegalStateException("CUDA execution provider " + device + " is not available: " + failure
                + " (build with -Pgpu for onnxruntime_gpu and check the NVIDIA driver, or use cpu/auto)");
    }

    private static String probeCuda(int device) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.addCUDA(device);
            return null;
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            return e.getMessage();
        }
    }

    /** Adds this provider to the options of each new session. */
    public OnnxScorer.SessionConfigurer configurer() {
        return options -> {
            if (kind == Kind.CUDA) {
                options.addCUDA(device);
            }
        };
    }
}

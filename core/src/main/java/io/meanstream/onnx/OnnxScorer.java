package io.meanstream.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * One loaded meanstream model: owns its ONNX Runtime session, reads its provenance, scores batches of
 * normalised (N, C, H, W) tensors. Thread-safe for scoring (ONNX Runtime sessions are); close it once no
 * batch uses it any more. Every native failure is wrapped once, with the model's size and digest.
 */
public final class OnnxScorer implements AutoCloseable {

    public static final String INPUT = "input";
    public static final String LOGITS = "logits";
    public static final String PROBABILITIES = "probabilities";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelProvenance provenance;
    private final String sha256;
    private final int inputSize;

    private OnnxScorer(OrtEnvironment env, OrtSession session, ModelProvenance provenance, String sha256) {
        this.env = env;
        this.session = session;
        this.provenance = provenance;
        this.sha256 = sha256;
        this.inputSize = provenance.input().channels() * provenance.input().height() * provenance.input().width();
    }

    /** Loads a model on the CPU with the given intra-op thread count (0: ONNX Runtime's default). */
    public static OnnxScorer load(byte[] model, int threads) throws OnnxModelException {
        return load(model, threads, null);
    }

    /**
     * Loads a model; {@code configure} may add execution providers (CUDA) to the options. Refuses bytes
     * that are not an ONNX model, a model without meanstream metadata, and a model whose input or outputs are
     * not what the metadata says.
     */
    public static OnnxScorer load(byte[] model, int threads, SessionConfigurer configure) throws OnnxModelException {
        String digest = sha256(model);
        String what = "ONNX model (" + model.length + " bytes, sha256 " + digest.substring(0, 12) + "...)";
        if (model.length == 0) {
            throw new OnnxModelException("Cannot load " + what + ": it is empty");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            options.setInterOpNumThreads(1);
            if (configure != null) {
                configure.configure(options);
            }
            session = env.createSession(model, options);
            ModelProvenance provenance;
            try {
                provenance = ModelProvenance.fromMetadata(session.getMetadata().getCustomMetadata());
            } catch (IllegalArgumentException e) {
                throw new OnnxModelException("Cannot use " + what + ": " + e.getMessage(), e);
            }
            checkSignature(session, provenance, what);
            return new OnnxScorer(env, session, provenance, digest);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new OnnxModelException("Cannot load " + what + ": " + e.getMessage(), e);
        } catch (OnnxModelException | RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /** Adds settings to the session options before the session is created. */
    @FunctionalInterface
    public interface SessionConfigurer {
        void configure(OrtSession.SessionOptions options) throws OrtException;
    }

    private static void checkSignature(OrtSession session, ModelProvenance p, String what) throws OrtException, OnnxModelException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (!inputs.containsKey(INPUT) || inputs.size() != 1) {
            throw new OnnxModelException("Cannot use " + what + ": expected one input named '" + INPUT + "', found " + inputs.keySet());
        }
        long[] shape = ((TensorInfo) inputs.get(INPUT).getInfo()).getShape();
        long[] expected = {-1, p.input().channels(), p.input().height(), p.input().width()};
        if (shape.length != 4 || shape[1] != expected[1] || shape[2] != expected[2] || shape[3] != expected[3]) {
            throw new OnnxModelException("Cannot use " + what + ": input shape " + java.util.Arrays.toString(shape)
                    + " does not match its metadata " + java.util.Arrays.toString(expected));
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        if (!outputs.containsKey(LOGITS) || !outputs.containsKey(PROBABILITIES)) {
            throw new OnnxModelException("Cannot use " + what + ": expected outputs '" + LOGITS + "' and '" + PROBABILITIES
                    + "', found " + outputs.keySet());
        }
    }

    public ModelProvenance provenance() {
        return provenance;
    }

    /** Lower-case hex SHA-256 of the model bytes. */
    public String sha256() {
        return sha256;
    }

    public int numClasses() {
        return provenance.classNames().size();
    }

    /** Logits and probabilities of one batch, row-major [n][numClasses]. */
    public record Scores(int n, int numClasses, float[] logits, float[] probabilities) {
        public int argMax(int row) {
            int best = 0;
            for (int k = 1; k < numClasses; k++) {
                if (probabilities[row * numClasses + k] > probabilities[row * numClasses + best]) {
                    best = k;
                }
            }
            return best;
        }

        public float probability(int row, int k) {
            return probabilities[row * numClasses + k];
        }

        public float logit(int row, int k) {
            return logits[row * numClasses + k];
        }
    }

    /** Scores {@code n} images laid out one after the other in {@code chw} (n * C * H * W floats). */
    public Scores score(float[] chw, int n) throws OnnxModelException {
        if (n <= 0 || chw.length < (long) n * inputSize) {
            throw new IllegalArgumentException("need " + n + " x " + inputSize + " floats, got " + chw.length);
        }
        long[] shape = {n, provenance.input().channels(), provenance.input().height(), provenance.input().width()};
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(chw, 0, n * inputSize), shape);
             OrtSession.Result result = session.run(Map.of(INPUT, input))) {
            float[] logits = flat(result, LOGITS, n);
            float[] probabilities = flat(result, PROBABILITIES, n);
            return new Scores(n, numClasses(), logits, probabilities);
        } catch (OrtException e) {
            throw new OnnxModelException("Scoring a batch of " + n + " with model " + provenance.name() + " v"
                    + provenance.version() + " failed: " + e.getMessage(), e);
        }
    }

    private float[] flat(OrtSession.Result result, String name, int n) throws OrtException {
        OnnxTensor tensor = (OnnxTensor) result.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] out = new float[n * numClasses()];
        buffer.get(out);
        return out;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // already failing
            }
        }
    }

    @Override
    public void close() throws OnnxModelException {
        try {
            session.close();
        } catch (OrtException e) {
            throw new OnnxModelException("Closing the session of model " + provenance.name() + " v" + provenance.version() + " failed", e);
        }
    }
}

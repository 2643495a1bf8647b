package io.meanstream.streams.model;

import io.meanstream.onnx.ModelProvenance;
import io.meanstream.onnx.OnnxModelException;
import io.meanstream.onnx.OnnxScorer;
import io.meanstream.schema.ModelRelease;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Turns a {@link ModelRelease} into a warmed-up {@link OnnxScorer}: takes the bytes inline or from the URI
 * ({@code file:} or {@code http(s):}), checks their SHA-256 against the release, checks that the model's own
 * metadata names the same model and version, loads it and runs one warm-up batch. Anything wrong is a
 * {@link ModelRefusedException} saying what.
 */
public final class ModelLoader {

    private final int threads;
    private final ExecutionProvider provider;
    private final int warmupBatch;

    public ModelLoader(int threads, ExecutionProvider provider, int warmupBatch) {
        this.threads = threads;
        this.provider = provider;
        this.warmupBatch = Math.max(1, warmupBatch);
    }

    public OnnxScorer load(ModelRelease release) throws ModelRefusedException {
        String what = release.getName() + " v" + release.getVersion();
        byte[] bytes = bytes(release, what);
        String sha = OnnxScorer.sha256(bytes);
        if (!sha.equalsIgnoreCase(release.getSha256())) {
            throw new ModelRefusedException("model " + what + ": SHA-256 of the bytes is " + sha + ", the release says " + release.getSha256());
        }
        OnnxScorer scorer;
        try {
            scorer = OnnxScorer.load(bytes, threads, provider.configurer());
        } catch (OnnxModelException e) {
            throw new ModelRefusedException("model " + what + ": " + e.getMessage(), e);
        }
        try {
            ModelProvenance p = scorer.provenance();
            if (!p.name().equals(release.getName()) || p.version() != release.getVersion()) {
                throw new ModelRefusedException("model " + what + ": its metadata says " + p.name() + " v" + p.version());
            }
            int size = p.input().channels() * p.input().height() * p.input().width();
            scorer.score(new float[warmupBatch * size], warmupBatch); // first-run allocations happen here, not on a real batch
            return scorer;
        } catch (ModelRefusedException | OnnxModelException | RuntimeException e) {
            try {
                scorer.close();
            } catch (OnnxModelException ignored) {
                // already refusing
            }
            if (e instanceof ModelRefusedException r) {
                throw r;
            }
            throw new ModelRefusedException("model " + what + " fails its warm-up: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(ModelRelease release, String what) throws ModelRefusedException {
        if (release.getOnnx() != null) {
            byte[] out = new byte[release.getOnnx().remaining()];
            release.getOnnx().duplicate().get(out);
            return out;
        }
        if (release.getUri() == null) {
            throw new ModelRefusedException("model " + what + " has neither inline bytes nor a URI");
        }
        try {
            URI uri = URI.create(release.getUri());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme();
            return switch (scheme) {
                case "file" -> Files.readAllBytes(Path.of(uri));
                case "http", "https" -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                        .send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
                default -> throw new ModelRefusedException("model " + what + ": unsupported URI scheme in " + uri);
            };
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelRefusedException("model " + what + ": cannot read " + release.getUri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelRefusedException("model " + what + ": interrupted while downloading", e);
        }
    }
}

package io.meanstream.trainer.service;

import io.meanstream.onnx.OnnxScorer;
import io.meanstream.schema.ModelRelease;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The ONNX bytes of a release the trainer published: inline in the record, or in the model store behind a
 * {@code file:} URI. The bytes must match the release's SHA-256.
 */
final class ReleasedModel {

    private ReleasedModel() {
    }

    static byte[] bytes(ModelRelease release) throws IOException {
        byte[] bytes;
        if (release.getOnnx() != null) {
            bytes = new byte[release.getOnnx().remaining()];
            release.getOnnx().duplicate().get(bytes);
        } else if (release.getUri() != null && release.getUri().startsWith("file:")) {
            bytes = Files.readAllBytes(Path.of(URI.create(release.getUri())));
        } else {
            throw new IOException("no inline bytes and no file: URI (" + release.getUri() + ")");
        }
        String sha = OnnxScorer.sha256(bytes);
        if (!sha.equalsIgnoreCase(release.getSha256())) {
            throw new IOException("SHA-256 of the bytes is " + sha + ", the release says " + release.getSha256());
        }
        return bytes;
    }
}

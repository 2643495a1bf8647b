package io.meanstream.onnx;

/** A model that cannot be loaded or run, with what was tried (size, digest) and ONNX Runtime's reason. */
public final class OnnxModelException extends Exception {

    private static final long serialVersionUID = 1L;

    public OnnxModelException(String message, Throwable cause) {
        super(message, cause);
    }

    public OnnxModelException(String message) {
        super(message);
    }
}

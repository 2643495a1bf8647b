package io.meanstream.streams.model;

/** A released model that will not be served, with the reason (the current model keeps serving). */
public final class ModelRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    public ModelRefusedException(String message, Throwable cause) {
        super(message, cause);
    }

    public ModelRefusedException(String message) {
        super(message);
    }
}

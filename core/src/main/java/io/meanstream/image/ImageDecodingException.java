package io.meanstream.image;

import java.util.Objects;

/**
 * An image could not be turned into pixels or tensors. The {@link Reason} lets callers route the
 * failure (for example to a dead-letter topic with a machine-readable cause) without parsing the
 * message; the message itself says what was expected and what was found.
 */
public class ImageDecodingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why an image was refused. */
    public enum Reason {
        /** The payload is null or has no bytes. */
        EMPTY,
        /** The encoded payload is larger than {@link ImageLimits#maxBytes()}. */
        TOO_MANY_BYTES,
        /** Width, height or pixel count exceed the {@link ImageLimits}. */
        TOO_LARGE,
        /** The bytes are not a readable image (garbage, truncated, broken header). */
        CORRUPT,
        /** The bytes are a readable image, but not in the declared encoding (or in none we accept). */
        UNSUPPORTED_FORMAT,
        /** The declared width, height or channels disagree with the image, or are missing for RAW_U8. */
        DECLARED_SIZE_MISMATCH,
        /** The channel count is not 1, 3 or 4, or the colour model has no such interpretation. */
        UNSUPPORTED_CHANNELS,
        /** The image size differs from the model's input size and the resize policy is REJECT. */
        SIZE_MISMATCH
    }

    private final Reason reason;

    public ImageDecodingException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ImageDecodingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The machine-readable cause of the failure. */
    public Reason reason() {
        return reason;
    }
}

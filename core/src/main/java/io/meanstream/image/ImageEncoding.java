package io.meanstream.image;

/**
 * How the bytes of an image are encoded on the wire.
 *
 * <p>This is the library's own enum so that decoding does not depend on the generated Avro classes;
 * the Avro {@code ImageEncoding} is mapped onto it at the edge.
 */
public enum ImageEncoding {
    /** A PNG file (any colour type and bit depth the JDK reader understands). */
    PNG,
    /** A baseline or progressive JFIF/JPEG file (grayscale or RGB). */
    JPEG,
    /** Uncompressed unsigned bytes, row-major, channels interleaved (HWC); the size must be declared. */
    RAW_U8
}

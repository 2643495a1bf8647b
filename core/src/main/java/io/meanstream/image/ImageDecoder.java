package io.meanstream.image;

import io.meanstream.image.ImageDecodingException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes untrusted PNG, JPEG and raw payloads into {@link DecodedImage}s, enforcing
 * {@link ImageLimits} before any pixel memory is allocated.
 *
 * <p>This is the only decoder used by both the trainer and the inference service, so both see the
 * same pixels for the same bytes. Instances are immutable and thread-safe: every call uses its own
 * ImageIO reader, because ImageIO readers are not.
 *
 * <p>Order of checks: payload present, payload size, then for PNG/JPEG the detected format against
 * the declared encoding, the header's width and height against the limits and the declared size,
 * and only then the pixel data. A header claiming 60000x60000 is thus refused after reading a few
 * dozen bytes.
 */
public final class ImageDecoder {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] JPEG_SIGNATURE = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    private final ImageLimits limits;

    public ImageDecoder(ImageLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public ImageLimits limits() {
        return limits;
    }

    /** True when {@code data} starts with the file signature of {@code encoding} (PNG or JPEG; never for RAW_U8). */
    public static boolean hasSignature(ImageEncoding encoding, byte[] data) {
        byte[] signature = switch (encoding) {
            case PNG -> PNG_SIGNATURE;
            case JPEG -> JPEG_SIGNATURE;
            case RAW_U8 -> null;
        };
        return signature != null && data.length >= signature.length
                && java.util.Arrays.equals(data, 0, signature.length, signature, 0, signature.length);
    }

    /**
     * Decodes one image.
     *
     * @param encoding         how {@code data} is encoded
     * @param data             the payload; not modified and not retained
     * @param declaredWidth    width announced by the producer; required (> 0) for RAW_U8, otherwise
     *                         checked against the header when > 0 and ignored when 0
     * @param declaredHeight   height, same rules as the width
     * @param declaredChannels 1, 3 or 4; required for RAW_U8, otherwise checked against the decoded
     *                         image when > 0 and ignored when 0
     * @return the pixels, 1 channel for gray, 3 for RGB, 4 for anything with alpha
     * @throws ImageDecodingException with a {@link Reason} and a message naming expected and found values
     */
    public DecodedImage decode(ImageEncoding encoding, byte[] data, int declaredWidth, int declaredHeight,
            int declaredChannels) {
        Objects.requireNonNull(encoding, "encoding");
        if (data == null || data.length == 0) {
            throw new ImageDecodingException(Reason.EMPTY, encoding + " payload is empty (0 bytes)");
        }
        if (data.length > limits.maxBytes()) {
            throw new ImageDecodingException(Reason.TOO_MANY_BYTES, encoding + " payload is " + data.length
                    + " bytes, limit is " + limits.maxBytes());
        }
        if (declaredWidth < 0 || declaredHeight < 0 || declaredChannels < 0) {
            throw new ImageDecodingException(Reason.DECLARED_SIZE_MISMATCH, "Declared size must not be negative "
                    + "(0 means unknown), got width=" + declaredWidth + " height=" + declaredHeight
                    + " channels=" + declaredChannels);
        }
        if (declaredChannels > 0) {
            ChannelMapping.requireSupported(declaredChannels, "Declared " + encoding + " image");
        }
        return switch (encoding) {
            case RAW_U8 -> decodeRaw(data, declaredWidth, declaredHeight, declaredChannels);
            case PNG, JPEG -> decodeCompressed(encoding, data, declaredWidth, declaredHeight, declaredChannels);
        };
    }

    private DecodedImage decodeRaw(byte[] data, int width, int height, int channels) {
        if (width == 0 || height == 0 || channels == 0) {
            throw new ImageDecodingException(Reason.DECLARED_SIZE_MISMATCH, "RAW_U8 needs the declared width, "
                    + "height and channels (all > 0), got width=" + width + " height=" + height
                    + " channels=" + channels);
        }
        checkAgainstLimits("RAW_U8 image", width, height);
        long expectedBytes = (long) width * height * channels;
        if (data.length != expectedBytes) {
            throw new ImageDecodingException(Reason.DECLARED_SIZE_MISMATCH, "RAW_U8 declares " + width + "x"
                    + height + "x" + channels + " = " + expectedBytes + " bytes, payload has " + data.length
                    + " bytes");
        }
        return DecodedImage.wrap(width, height, channels, data.clone());
    }

    private DecodedImage decodeCompressed(ImageEncoding encoding, byte[] data, int declaredWidth,
            int declaredHeight, int declaredChannels) {
        // MemoryCacheImageInputStream directly: ImageIO.createImageInputStream may create a temp-file
        // cache, depending on global ImageIO settings.
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            ImageReader reader = readerFor(encoding, input, data);
            try {
                reader.setInput(input, true, true);
                int width;
                int height;
                try {
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw new ImageDecodingException(Reason.CORRUPT, encoding + " header is unreadable ("
                            + data.length + " bytes): " + e.getMessage(), e);
                }
                checkAgainstLimits(encoding + " header", width, height);
                checkDeclaredSize(encoding, width, height, declaredWidth, declaredHeight);
                DecodedImage image = BufferedImageConversion.toDecodedImage(readPixels(encoding, reader, data));
                if (image.width() != width || image.height() != height) {
                    throw new ImageDecodingException(Reason.CORRUPT, encoding + " header declares " + width + "x"
                            + height + " but the decoded image is " + image.width() + "x" + image.height());
                }
                if (declaredChannels > 0 && image.channels() != declaredChannels) {
                    throw new ImageDecodingException(Reason.DECLARED_SIZE_MISMATCH, "Declared " + declaredChannels
                            + " channels but the " + encoding + " decodes to " + image.channels()
                            + (image.channels() == 1 ? " channel (" : " channels (")
                            + channelName(image.channels()) + ")");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            // Only close() of an in-memory stream can get here; treat it like any other read failure.
            throw new ImageDecodingException(Reason.CORRUPT, encoding + " payload is unreadable: " + e.getMessage(), e);
        }
    }

    private static BufferedImage readPixels(ImageEncoding encoding, ImageReader reader, byte[] data) {
        List<String> truncationWarnings = new ArrayList<>();
        // The JPEG reader reports a truncated file only as a warning and fills the missing part with
        // gray; such an image would silently poison training, so it counts as corrupt. Other libjpeg
        // warnings (e.g. "extraneous bytes before marker") are common in real files and harmless.
        IIOReadWarningListener listener = (source, warning) -> {
            if (warning != null && warning.toLowerCase(Locale.ROOT).contains("premature end")) {
                truncationWarnings.add(warning);
            }
        };
        reader.addIIOReadWarningListener(listener);
        BufferedImage image;
        try {
            image = reader.read(0);
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodingException(Reason.CORRUPT, encoding + " pixel data is unreadable (truncated or "
                    + "damaged, " + data.length + " bytes): " + e.getMessage(), e);
        } finally {
            reader.removeIIOReadWarningListener(listener);
        }
        if (!truncationWarnings.isEmpty()) {
            throw new ImageDecodingException(Reason.CORRUPT, encoding + " pixel data is truncated (" + data.length
                    + " bytes): " + String.join("; ", truncationWarnings));
        }
        return image;
    }

    /** Picks a reader for the declared format, or explains which format the bytes really are. */
    private static ImageReader readerFor(ImageEncoding encoding, ImageInputStream input, byte[] data) {
        Iterator<ImageReader> readers;
        try {
            readers = ImageIO.getImageReaders(input);
        } catch (RuntimeException e) {
            throw new ImageDecodingException(Reason.CORRUPT, encoding + " payload could not be probed: "
                    + e.getMessage(), e);
        }
        String detected = null;
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            if (matches(encoding, reader)) {
                return reader;
            }
            String format = formatName(reader);
            // WBMP has no magic number, so its reader claims many random byte strings that start with
            // two zero bytes (dark raw pixels, for instance); calling those WBMP would mislead.
            if (detected == null && !format.equals("wbmp")) {
                detected = format.toUpperCase(Locale.ROOT);
            }
            reader.dispose();
        }
        if (detected != null) {
            throw new ImageDecodingException(Reason.UNSUPPORTED_FORMAT, "Payload declared as " + encoding
                    + " is actually " + detected + " (first bytes " + hex(data, 8) + ")");
        }
        byte[] signature = encoding == ImageEncoding.PNG ? PNG_SIGNATURE : JPEG_SIGNATURE;
        throw new ImageDecodingException(Reason.CORRUPT, "Payload declared as " + encoding + " is not a recognisable"
                + " image (" + data.length + " bytes): expected the " + encoding + " signature " + hex(signature,
                signature.length) + ", found " + hex(data, signature.length));
    }

    private static boolean matches(ImageEncoding encoding, ImageReader reader) {
        String format = formatName(reader);
        return switch (encoding) {
            case PNG -> format.equals("png");
            case JPEG -> format.equals("jpeg") || format.equals("jpg");
            case RAW_U8 -> false;
        };
    }

    private static String formatName(ImageReader reader) {
        try {
            return reader.getFormatName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "unknown";
        }
    }

    private void checkAgainstLimits(String source, int width, int height) {
        long pixels = (long) width * height;
        if (width <= 0 || height <= 0) {
            throw new ImageDecodingException(Reason.CORRUPT, source + " declares an empty image " + width + "x" + height);
        }
        if (pixels > limits.maxPixels()) {
            throw new ImageDecodingException(Reason.TOO_LARGE, source + " declares " + width + "x" + height + " = "
                    + pixels + " pixels, limit is " + limits.maxPixels());
        }
        if (width > limits.maxWidth() || height > limits.maxHeight()) {
            throw new ImageDecodingException(Reason.TOO_LARGE, source + " declares " + width + "x" + height
                    + ", limit is " + limits.maxWidth() + "x" + limits.maxHeight());
        }
    }

    private static void checkDeclaredSize(ImageEncoding encoding, int width, int height, int declaredWidth,
            int declaredHeight) {
        boolean widthWrong = declaredWidth > 0 && declaredWidth != width;
        boolean heightWrong = declaredHeight > 0 && declaredHeight != height;
        if (widthWrong || heightWrong) {
            throw new ImageDecodingException(Reason.DECLARED_SIZE_MISMATCH, "Declared size " + show(declaredWidth)
                    + "x" + show(declaredHeight) + " does not match the " + encoding + " header's " + width + "x"
                    + height);
        }
    }

    private static String show(int declared) {
        return declared == 0 ? "?" : Integer.toString(declared);
    }

    private static String channelName(int channels) {
        return switch (channels) {
            case 1 -> "gray";
            case 3 -> "RGB";
            case 4 -> "RGBA";
            default -> "unknown";
        };
    }

    private static String hex(byte[] bytes, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(max, bytes.length); i++) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(String.format(Locale.ROOT, "%02X", bytes[i] & 0xFF));
        }
        return out.length() == 0 ? "nothing" : out.toString();
    }
}

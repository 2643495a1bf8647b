package io.meanstream.records;

import io.meanstream.image.ImageDecoder;
import io.meanstream.schema.Image;
import io.meanstream.schema.ImageEncoding;
import io.meanstream.serde.AvroSerde;
import io.meanstream.serde.ContractSerdes;
import io.meanstream.serde.MalformedRecordException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import org.apache.kafka.common.header.Headers;

/**
 * Reads the images topic, where a value is either an Avro {@link Image} in single-object encoding or an
 * encoded image as it is (the CloudEvents Kafka binding in binary mode). The one reader of both forms, used
 * by the trainer and the streams-app alike; either way the result is an {@link Image} for the shared image
 * library, which then applies its limits and checks.
 *
 * <p>The rule, in order:
 * <ol>
 *   <li>With a {@code content-type} header, it decides: {@code image/png} and {@code image/jpeg} need the
 *       PNG or JPEG signature, {@code application/avro} needs the Avro marker {@code C3 01}; a header that
 *       lies about the content is {@code CONTENT_TYPE_MISMATCH}, any other type {@code UNSUPPORTED_CONTENT_TYPE}.</li>
 *   <li>Without one, the first bytes decide: {@code 89 50 4E 47 0D 0A 1A 0A} is PNG, {@code FF D8 FF} is JPEG,
 *       anything else is read as Avro (whose errors are {@code MALFORMED_AVRO_*}).</li>
 *   <li>An encoded image needs the image id as the record key ({@code MISSING_KEY}); {@code ce_id}, when
 *       present, must equal it ({@code KEY_MISMATCH}); {@code ce_time} (RFC 3339) is the event time, else the
 *       record timestamp; {@code ce_source} is the source, else {@code unknown}. Width, height and channels
 *       come from the image's own header.</li>
 * </ol>
 * Thread-safe.
 */
public final class ImageRecords {

    static final byte[] AVRO_MARKER = {(byte) 0xC3, 0x01};

    private final AvroSerde<Image> serde;

    public ImageRecords() {
        this(ContractSerdes.image());
    }

    public ImageRecords(AvroSerde<Image> serde) {
        this.serde = serde;
    }

    /**
     * The image a record holds, or null for a tombstone (null value).
     *
     * @throws RecordRejectedException with the dead-letter error type and reason
     */
    public Image read(String key, Headers headers, byte[] value, long timestamp) {
        if (value == null) {
            return null;
        }
        String type = EventHeaders.mediaType(headers);
        ImageEncoding encoding;
        if (type == null) {
            encoding = isEncoded(ImageEncoding.PNG, value) ? ImageEncoding.PNG : isEncoded(ImageEncoding.JPEG, value) ? ImageEncoding.JPEG : null;
        } else {
            encoding = switch (type) {
                case EventHeaders.PNG -> require(isEncoded(ImageEncoding.PNG, value), value, type, "89 50 4E 47 0D 0A 1A 0A", ImageEncoding.PNG);
                case EventHeaders.JPEG -> require(isEncoded(ImageEncoding.JPEG, value), value, type, "FF D8 FF", ImageEncoding.JPEG);
                case EventHeaders.AVRO -> require(startsWith(value, AVRO_MARKER), value, type, "C3 01", null);
                default -> throw new RecordRejectedException("UNSUPPORTED_CONTENT_TYPE", "content-type '" + type
                        + "' is not one of image/png, image/jpeg, application/avro");
            };
        }
        if (encoding == null) {
            try {
                return serde.decode(value);
            } catch (MalformedRecordException e) {
                throw new RecordRejectedException(e);
            }
        }
        if (key == null || key.isEmpty()) {
            throw new RecordRejectedException("MISSING_KEY", "an encoded " + encoding + " image needs its image id as the record key");
        }
        String eventId = EventHeaders.text(headers, EventHeaders.CE_ID);
        if (eventId != null && !eventId.equals(key)) {
            throw new RecordRejectedException("KEY_MISMATCH", "header ce_id '" + EventHeaders.abbreviate(eventId)
                    + "' differs from the record key '" + EventHeaders.abbreviate(key) + "' (the key is the image id)");
        }
        String source = EventHeaders.text(headers, EventHeaders.CE_SOURCE);
        return Image.newBuilder().setId(key).setEventTime(EventHeaders.time(headers, Instant.ofEpochMilli(timestamp)))
                .setSource(source == null || source.isEmpty() ? "unknown" : source).setEncoding(encoding)
                .setWidth(0).setHeight(0).setChannels(0).setData(ByteBuffer.wrap(value)).build();
    }

    /** The image library's own signature check, so detection here and decoding there agree. */
    private static boolean isEncoded(ImageEncoding encoding, byte[] value) {
        return ImageDecoder.hasSignature(io.meanstream.image.ImageEncoding.valueOf(encoding.name()), value);
    }

    private static ImageEncoding require(boolean matches, byte[] value, String type, String expected, ImageEncoding encoding) {
        if (!matches) {
            throw new RecordRejectedException("CONTENT_TYPE_MISMATCH", "content-type is " + type + " but the value does not start with "
                    + expected + " (first bytes: " + firstBytes(value) + ")");
        }
        return encoding;
    }

    static boolean startsWith(byte[] value, byte[] prefix) {
        if (value.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (value[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static String firstBytes(byte[] value) {
        return value.length == 0 ? "none" : HexFormat.ofDelimiter(" ").formatHex(value, 0, Math.min(8, value.length)).toUpperCase(java.util.Locale.ROOT);
    }
}

package io.meanstream.streams.scoring;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * How an image waiting to be scored is kept in the changelogged state store: where it came from, its
 * timestamp, key, headers and the original value bytes. Kept verbatim so a restarted instance reads exactly
 * what arrived (an encoded image's event time and source are in its headers), and a dead letter can carry it
 * unchanged. Entries written without the headers section read back with no headers.
 */
record PendingCodec(String topic, int partition, long offset, long timestamp, String key, Headers headers, byte[] value) {

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + value.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeBytes(out, topic.getBytes(StandardCharsets.UTF_8));
            out.writeInt(partition);
            out.writeLong(offset);
            out.writeLong(timestamp);
            writeBytes(out, key == null ? new byte[0] : key.getBytes(StandardCharsets.UTF_8));
            out.writeByte(key == null ? 0 : 1);
            writeBytes(out, value);
            Header[] all = headers == null ? new Header[0] : headers.toArray();
            out.writeInt(all.length);
            for (Header h : all) {
                writeBytes(out, h.key().getBytes(StandardCharsets.UTF_8));
                writeBytes(out, h.value() == null ? new byte[0] : h.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static PendingCodec decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        String topic = new String(readBytes(b), StandardCharsets.UTF_8);
        int partition = b.getInt();
        long offset = b.getLong();
        long timestamp = b.getLong();
        byte[] k = readBytes(b);
        boolean hasKey = b.get() == 1;
        byte[] v = readBytes(b);
        Headers headers = new RecordHeaders();
        int count = b.hasRemaining() ? b.getInt() : 0;
        for (int i = 0; i < count; i++) {
            headers.add(new String(readBytes(b), StandardCharsets.UTF_8), readBytes(b));
        }
        return new PendingCodec(topic, partition, offset, timestamp, hasKey ? new String(k, StandardCharsets.UTF_8) : null, headers, v);
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(ByteBuffer b) {
        byte[] out = new byte[b.getInt()];
        b.get(out);
        return out;
    }

    /** Store key: sorts by partition, then offset, so pending images are scored in arrival order. */
    String storeKey() {
        return String.format(java.util.Locale.ROOT, "%05d-%019d", partition, offset);
    }
}

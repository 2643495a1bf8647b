package io.meanstream.streams.scoring;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How an image waiting to be scored is kept in the changelogged state store: where it came from, its
 * timestamp, key and the original value bytes. Kept verbatim so a restarted instance scores exactly what
 * arrived, and a dead letter can carry it unchanged.
 */
record PendingCodec(String topic, int partition, long offset, long timestamp, String key, byte[] value) {

    byte[] encode() {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] k = key == null ? new byte[0] : key.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + t.length + 4 + 8 + 8 + 4 + k.length + 1 + 4 + value.length)
                .putInt(t.length).put(t).putInt(partition).putLong(offset).putLong(timestamp)
                .putInt(k.length).put(k).put((byte) (key == null ? 0 : 1)).putInt(value.length).put(value).array();
    }

    static PendingCodec decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] t = new byte[b.getInt()];
        b.get(t);
        int partition = b.getInt();
        long offset = b.getLong();
        long timestamp = b.getLong();
        byte[] k = new byte[b.getInt()];
        b.get(k);
        boolean hasKey = b.get() == 1;
        byte[] v = new byte[b.getInt()];
        b.get(v);
        return new PendingCodec(new String(t, StandardCharsets.UTF_8), partition, offset, timestamp,
                hasKey ? new String(k, StandardCharsets.UTF_8) : null, v);
    }

    /** Store key: sorts by partition, then offset, so pending images are scored in arrival order. */
    String storeKey() {
        return String.format(java.util.Locale.ROOT, "%05d-%019d", partition, offset);
    }
}

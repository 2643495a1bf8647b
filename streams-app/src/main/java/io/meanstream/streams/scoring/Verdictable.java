package io.meanstream.streams.scoring;

import io.meanstream.schema.Prediction;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the quality join keeps of a prediction until its label comes: the model, the predicted class, the
 * class count and when it was scored. Every prediction waits in the join's window store (RocksDB and its
 * changelog) for up to the label delay, and most images never get a label, so this compact form (about 30
 * bytes instead of the whole prediction with its probabilities) is what makes that store cheap per image.
 */
record Verdictable(String modelName, long modelVersion, int classIndex, int numClasses, Instant scoredTime) {

    static Verdictable of(Prediction p) {
        return new Verdictable(p.getModelName(), p.getModelVersion(), p.getClassIndex(), p.getProbabilities().size(), p.getScoredTime());
    }

    byte[] encode() {
        byte[] name = modelName.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + name.length + 8 + 4 + 4 + 8).putInt(name.length).put(name).putLong(modelVersion)
                .putInt(classIndex).putInt(numClasses).putLong(scoredTime.toEpochMilli()).array();
    }

    static Verdictable decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] name = new byte[b.getInt()];
        b.get(name);
        return new Verdictable(new String(name, StandardCharsets.UTF_8), b.getLong(), b.getInt(), b.getInt(), Instant.ofEpochMilli(b.getLong()));
    }

    static Serde<Verdictable> serde() {
        Serializer<Verdictable> ser = (topic, v) -> v == null ? null : v.encode();
        Deserializer<Verdictable> de = (topic, bytes) -> bytes == null ? null : decode(bytes);
        return Serdes.serdeFrom(ser, de);
    }
}

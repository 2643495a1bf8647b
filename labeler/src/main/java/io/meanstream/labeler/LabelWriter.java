package io.meanstream.labeler;

import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.schema.Label;
import io.meanstream.serde.ContractSerdes;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes annotators' answers to the labels topic (key: image id), each acknowledged by the brokers (idempotent,
 * acks=all) before the page hears "saved": what the page confirms is durable. An undo writes a tombstone for
 * the image: the trainer withdraws the label from its labeled pool.
 */
final class LabelWriter implements AutoCloseable {

    private static final long ACK_TIMEOUT_SECONDS = 15;

    private final Producer<String, byte[]> producer;
    private final String topic;

    LabelWriter(KafkaClientConfig kafka, Topics topics) {
        this.producer = new KafkaProducer<>(kafka.producer("meanstream-labeler"), new StringSerializer(), new ByteArraySerializer());
        this.topic = topics.labels().name();
    }

    Label give(String imageId, int classIndex, String className, String annotator, boolean requested) throws LabelNotSavedException {
        Label label = Label.newBuilder().setImageId(imageId).setClassIndex(classIndex).setClassName(className).setAnnotator(annotator)
                .setTime(Instant.now()).setRequested(requested).build();
        send(new ProducerRecord<>(topic, imageId, ContractSerdes.label().encode(label)));
        return label;
    }

    void withdraw(String imageId) throws LabelNotSavedException {
        send(new ProducerRecord<>(topic, imageId, null));
    }

    private void send(ProducerRecord<String, byte[]> record) throws LabelNotSavedException {
        try {
            producer.send(record).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new LabelNotSavedException("Kafka did not acknowledge the label within " + ACK_TIMEOUT_SECONDS + " s: "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabelNotSavedException("interrupted while saving the label", e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }

    /** The label was not acknowledged: the page says so and the annotator can answer again. */
    static final class LabelNotSavedException extends Exception {
        LabelNotSavedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

package io.meanstream.streams.service;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A prediction or dead letter the broker refuses as too large is logged and skipped instead of stopping the
 * app; any other production error fails the task (Kafka Streams then retries it) because it may be transient.
 */
public final class ContinueOnRecordTooLarge implements ProductionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ContinueOnRecordTooLarge.class);

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RecordTooLargeException) {
            log.error("skipping a record too large for {}: {}", record.topic(), exception.getMessage());
            return ProductionExceptionHandlerResponse.CONTINUE;
        }
        return ProductionExceptionHandlerResponse.FAIL;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure
    }
}

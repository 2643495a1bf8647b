package io.meanstream.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.local.SharedTestBroker;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** What a service's /metrics holds, scraped from the real Prometheus registry. */
class ServiceMetricsTest {

    @Test
    void meanstreamMetersKeepTheirPrometheusNames() {
        try (ServiceMetrics metrics = new ServiceMetrics()) {
            Meters meters = metrics.meters();
            meters.counter("trainer.steps", "Training steps").increment(3);
            AtomicLong dropped = new AtomicLong(5);
            meters.counter("trainer.buffer.dropped", "Dropped images", dropped::get);
            meters.gauge("trainer.released.version", "Released version").set(7);
            meters.gauge("trainer.buffer.fill", "Buffer fill", () -> 0.25);
            meters.timer("streams.scoring", "Scoring time", 0.001, 0.0025, 0.01, 1).record(Duration.ofMillis(2));
            meters.histogram("streams.batch.size", "Batch size", 1, 2, 4, 8).record(3);

            List<String> lines = metrics.scrape().lines().toList();
            for (String expected : List.of(
                    "# TYPE meanstream_trainer_steps_total counter", "meanstream_trainer_steps_total 3.0",
                    "# TYPE meanstream_trainer_buffer_dropped_total counter", "meanstream_trainer_buffer_dropped_total 5.0",
                    "# TYPE meanstream_trainer_released_version gauge", "meanstream_trainer_released_version 7.0",
                    "# TYPE meanstream_trainer_buffer_fill gauge", "meanstream_trainer_buffer_fill 0.25",
                    "# TYPE meanstream_streams_scoring_seconds histogram",
                    "meanstream_streams_scoring_seconds_bucket{le=\"0.001\"} 0", "meanstream_streams_scoring_seconds_bucket{le=\"0.0025\"} 1",
                    "meanstream_streams_scoring_seconds_bucket{le=\"+Inf\"} 1", "meanstream_streams_scoring_seconds_count 1",
                    "meanstream_streams_scoring_seconds_sum 0.002",
                    "# TYPE meanstream_streams_batch_size histogram", "meanstream_streams_batch_size_bucket{le=\"2.0\"} 0",
                    "meanstream_streams_batch_size_bucket{le=\"4.0\"} 1", "meanstream_streams_batch_size_sum 3.0")) {
                assertTrue(lines.contains(expected), expected + " not in\n" + String.join("\n", lines));
            }
            // The explicit buckets and +Inf, not Micrometer's percentile-histogram defaults.
            assertEquals(5, lines.stream().filter(l -> l.startsWith("meanstream_streams_scoring_seconds_bucket")).count());
            assertEquals(5, lines.stream().filter(l -> l.startsWith("meanstream_streams_batch_size_bucket")).count());
        }
    }

    @Test
    void aNameRegisteredTwiceIsOneMeterAndValuesReadBack() {
        try (ServiceMetrics metrics = new ServiceMetrics()) {
            Meters meters = metrics.meters();
            assertSame(meters.counter("steps", "h"), meters.counter("steps", "h"));
            assertSame(meters.gauge("loss", "h"), meters.gauge("loss", "h"));
            Timer t = meters.timer("latency", "h", 0.1);
            assertSame(t, meters.timer("latency", "h", 0.1));
            meters.counter("steps", "h").increment(2);
            meters.gauge("loss", "h").set(0.5);
            meters.gauge("size", "h", () -> 12);
            meters.counter("dropped", "h", () -> 4);
            assertEquals(2.0, meters.value("steps"));
            assertEquals(0.5, meters.value("loss"));
            assertEquals(12.0, meters.value("size"));
            assertEquals(4.0, meters.value("dropped"));
            assertTrue(Double.isNaN(meters.value("latency")), "a timer has no single value");
            assertTrue(Double.isNaN(meters.value("missing")));
        }
    }

    @Test
    void jvmAndProcessMetersAreExported() {
        try (ServiceMetrics metrics = new ServiceMetrics()) {
            String text = metrics.scrape();
            for (String family : List.of("jvm_memory_used_bytes", "jvm_memory_max_bytes", "jvm_gc_memory_allocated_bytes_total",
                    "jvm_threads_live_threads", "jvm_threads_states_threads", "jvm_classes_loaded_classes", "jvm_info",
                    "process_cpu_usage", "process_uptime_seconds", "process_files_open_files", "system_cpu_count")) {
                assertTrue(text.contains("# TYPE " + family + " "), family + " not in\n" + text);
            }
        }
    }

    /** Client metrics exist as soon as the client does; closing the service's metrics removes them with their binders. */
    @Test
    void kafkaClientMetersAreBoundUntilClose() {
        KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers());
        ServiceMetrics metrics = new ServiceMetrics();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer("metrics-test", "metrics-test-consumer"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("metrics-test-producer"),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            metrics.bind(new KafkaClientMetrics(consumer));
            metrics.bind(new KafkaClientMetrics(producer));
            String text = metrics.scrape();
            assertTrue(text.contains("kafka_consumer_fetch_manager_records_lag_max{client_id=\"metrics-test-consumer\""), text);
            assertTrue(text.contains("kafka_producer_record_send_total{client_id=\"metrics-test-producer\""), text);
            metrics.close();
            String after = metrics.scrape();
            assertFalse(after.contains("kafka_consumer_") || after.contains("kafka_producer_"), after);
        } finally {
            metrics.close();
        }
    }
}

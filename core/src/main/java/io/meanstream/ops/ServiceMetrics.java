package io.meanstream.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of one service, as its {@code /metrics} shows them in Prometheus text: the JVM's (memory, GC,
 * threads, class loading) and the process's (CPU, uptime, open files) from Micrometer's binders, the Kafka
 * clients' and Kafka Streams' bound with {@link #bind}, and meanstream's own {@link #meters()}.
 */
public final class ServiceMetrics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceMetrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Meters meters = new Meters(registry);
    /** Binders that hold resources (listeners, refresh threads), closed last bound first. */
    private final Deque<AutoCloseable> bound = new ConcurrentLinkedDeque<>();

    public ServiceMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        bind(new JvmGcMetrics());
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    public Meters meters() {
        return meters;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Binds a binder that must be closed, e.g. {@code KafkaClientMetrics} of a consumer or producer or
     * {@code KafkaStreamsMetrics}, until {@link #close()}. Kafka binders pick up metrics that a client creates
     * later (partitions, tasks) once a minute.
     */
    public <B extends MeterBinder & AutoCloseable> B bind(B binder) {
        binder.bindTo(registry);
        bound.push(binder);
        return binder;
    }

    /**
     * Binds {@code binder} until the returned handle is closed: for a client that lives shorter than the service (a
     * worker opens a new consumer at each retry), so its meters leave the scrape with it.
     */
    public <B extends MeterBinder & AutoCloseable> AutoCloseable bindWhileOpen(B binder) {
        bind(binder);
        return () -> {
            if (bound.remove(binder)) {
                binder.close();
            }
        };
    }

    /** Every meter in the Prometheus text format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    /** Closes the binders and the registry: their meters leave the scrape. */
    @Override
    public void close() {
        for (AutoCloseable b = bound.poll(); b != null; b = bound.poll()) {
            try {
                b.close();
            } catch (Exception e) {
                log.warn("cannot close metrics binder {}: {}", b, e.toString());
            }
        }
        registry.close();
    }
}

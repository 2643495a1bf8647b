package io.meanstream.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;

/**
 * meanstream's own meters on a Micrometer registry. A name such as {@code trainer.steps} becomes the meter
 * {@code meanstream.trainer.steps}, which Prometheus shows as {@code meanstream_trainer_steps_total} (counters),
 * {@code meanstream_trainer_steps} (gauges, histograms) or {@code meanstream_<name>_seconds} (timers).
 * Histograms have explicit buckets: dashboards and the benchmark read those bounds. Registering a name twice
 * returns the same meter.
 */
public final class Meters {

    static final String PREFIX = "meanstream.";

    private final MeterRegistry registry;
    private final Map<String, SettableGauge> gauges = new ConcurrentHashMap<>();
    /** The registry holds what sampled meters read only weakly; these references keep it as long as the meters. */
    private final List<DoubleSupplier> samples = new CopyOnWriteArrayList<>();

    public Meters(MeterRegistry registry) {
        this.registry = registry;
    }

    public Counter counter(String name, String help) {
        return Counter.builder(PREFIX + name).description(help).register(registry);
    }

    /** A count kept elsewhere that only goes up, read at every scrape. */
    public void counter(String name, String help, DoubleSupplier count) {
        samples.add(count);
        FunctionCounter.builder(PREFIX + name, count, DoubleSupplier::getAsDouble).description(help).register(registry);
    }

    /** A gauge the code sets. */
    public SettableGauge gauge(String name, String help) {
        return gauges.computeIfAbsent(name, n -> {
            SettableGauge g = new SettableGauge();
            Gauge.builder(PREFIX + n, g, SettableGauge::value).description(help).strongReference(true).register(registry);
            return g;
        });
    }

    /** A gauge read at every scrape. */
    public void gauge(String name, String help, DoubleSupplier sample) {
        Gauge.builder(PREFIX + name, sample, DoubleSupplier::getAsDouble).description(help).strongReference(true).register(registry);
    }

    /** Durations counted into buckets with these upper bounds, in seconds. */
    public Timer timer(String name, String help, double... bucketSeconds) {
        return Timer.builder(PREFIX + name).description(help)
                .serviceLevelObjectives(Arrays.stream(bucketSeconds).mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9))).toArray(Duration[]::new))
                .register(registry);
    }

    /** Values (not durations) counted into buckets with these upper bounds. */
    public DistributionSummary histogram(String name, String help, double... buckets) {
        return DistributionSummary.builder(PREFIX + name).description(help).serviceLevelObjectives(buckets).register(registry);
    }

    /** The value of a counter or gauge, NaN when there is none by that name: for in-process views and tests. */
    public double value(String name) {
        Meter meter = registry.find(PREFIX + name).meter();
        if (meter instanceof Counter c) {
            return c.count();
        }
        if (meter instanceof FunctionCounter c) {
            return c.count();
        }
        if (meter instanceof Gauge g) {
            return g.value();
        }
        return Double.NaN;
    }
}

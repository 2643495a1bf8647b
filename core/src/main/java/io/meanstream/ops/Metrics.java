package io.meanstream.ops;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A small, dependency-free metrics registry rendering the Prometheus text format (version 0.0.4):
 * counters, gauges (set or sampled) and histograms with fixed buckets. Names get the {@code meanstream_}
 * prefix. Thread-safe; registering the same name twice returns the same metric.
 */
public final class Metrics {

    public static final String PREFIX = "meanstream_";

    private final Map<String, Metric> metrics = new ConcurrentSkipListMap<>();

    private interface Metric {
        void render(StringBuilder out, String name);
    }

    /** A monotonically increasing count. */
    public static final class Counter implements Metric {
        private final String help;
        private final DoubleAdder value = new DoubleAdder();

        Counter(String help) {
            this.help = help;
        }

        public void inc() {
            value.add(1);
        }

        public void add(double amount) {
            if (amount < 0) {
                throw new IllegalArgumentException("a counter only goes up");
            }
            value.add(amount);
        }

        public double value() {
            return value.sum();
        }

        @Override
        public void render(StringBuilder out, String name) {
            header(out, name, help, "counter");
            out.append(name).append(' ').append(format(value())).append('\n');
        }
    }

    /** A value that goes up and down: set it, or give a supplier sampled at every scrape. */
    public static final class Gauge implements Metric {
        private final String help;
        private final AtomicLong bits = new AtomicLong(Double.doubleToLongBits(0));
        private volatile DoubleSupplier supplier;

        Gauge(String help) {
            this.help = help;
        }

        public void set(double v) {
            bits.set(Double.doubleToLongBits(v));
        }

        public void sample(DoubleSupplier s) {
            this.supplier = s;
        }

        public double value() {
            DoubleSupplier s = supplier;
            return s != null ? s.getAsDouble() : Double.longBitsToDouble(bits.get());
        }

        @Override
        public void render(StringBuilder out, String name) {
            header(out, name, help, "gauge");
            out.append(name).append(' ').append(format(value())).append('\n');
        }
    }

    /** Observations counted into cumulative buckets, with their sum and count. */
    public static final class Histogram implements Metric {
        private final String help;
        private final double[] bounds;
        private final LongAdder[] buckets;
        private final DoubleAdder sum = new DoubleAdder();
        private final LongAdder count = new LongAdder();

        Histogram(String help, double... bounds) {
            this.help = help;
            this.bounds = bounds.clone();
            java.util.Arrays.sort(this.bounds);
            this.buckets = new LongAdder[bounds.length];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        public void observe(double v) {
            for (int i = 0; i < bounds.length; i++) {
                if (v <= bounds[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            sum.add(v);
            count.increment();
        }

        public long count() {
            return count.sum();
        }

        @Override
        public void render(StringBuilder out, String name) {
            header(out, name, help, "histogram");
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += buckets[i].sum();
                out.append(name).append("_bucket{le=\"").append(format(bounds[i])).append("\"} ").append(cumulative).append('\n');
            }
            out.append(name).append("_bucket{le=\"+Inf\"} ").append(count.sum()).append('\n');
            out.append(name).append("_sum ").append(format(sum.sum())).append('\n');
            out.append(name).append("_count ").append(count.sum()).append('\n');
        }
    }

    public Counter counter(String name, String help) {
        return (Counter) metrics.computeIfAbsent(full(name), n -> new Counter(help));
    }

    public Gauge gauge(String name, String help) {
        return (Gauge) metrics.computeIfAbsent(full(name), n -> new Gauge(help));
    }

    public Histogram histogram(String name, String help, double... bounds) {
        return (Histogram) metrics.computeIfAbsent(full(name), n -> new Histogram(help, bounds));
    }

    /** The current value of a counter or gauge, NaN when there is none by that name: for in-process views. */
    public double value(String name) {
        Metric m = metrics.get(full(name));
        if (m instanceof Counter c) {
            return c.value();
        }
        if (m instanceof Gauge g) {
            return g.value();
        }
        return Double.NaN;
    }

    /** Every metric in the Prometheus text format. */
    public String render() {
        StringBuilder out = new StringBuilder();
        metrics.forEach((name, metric) -> metric.render(out, name));
        return out.toString();
    }

    private static String full(String name) {
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("invalid metric name " + name);
        }
        return name.startsWith(PREFIX) ? name : PREFIX + name;
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v); // shortest exact form; Prometheus parses 1.0E-4 too
    }

}

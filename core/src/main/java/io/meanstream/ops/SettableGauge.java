package io.meanstream.ops;

/**
 * A gauge value that the code sets (a loss, a version, an accuracy) and the registry reads at every scrape.
 * Micrometer gauges only sample an object; this is that object.
 */
public final class SettableGauge {

    private volatile double value;

    public void set(double v) {
        value = v;
    }

    public double value() {
        return value;
    }
}

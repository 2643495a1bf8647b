package io.meanstream.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.meanstream.schema.Quality;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The demo's report: {@code accuracy.csv} (prequential accuracy per model version and time window),
 * {@code accuracy.png} (the same as a chart, drawn with JFreeChart) and {@code summary.json}.
 */
public final class DemoReport {

    /** The end-of-run numbers, also printed as the summary table. */
    public record Summary(double minutes, int labelsPerClass, double rate, long images, long labels, long predictions, int modelsReleased,
                   long newestModelVersion, long newestModelStep, double finalPrequentialAccuracy, double overallPrequentialAccuracy,
                   long judgedPredictions, double finalTestAccuracy, long deadLetters, Map<String, Long> deadLettersByReason,
                   long trainerSteps, boolean interrupted) {
    }

    private DemoReport() {
    }

    /** Writes the three files into {@code dir} (created if needed) and returns their paths. */
    static List<Path> write(Path dir, long demoStartMillis, DemoObserver.Snapshot topics, Summary summary) throws IOException {
        Files.createDirectories(dir);
        List<Quality> windows = sorted(topics.quality());
        Path csv = dir.resolve("accuracy.csv");
        Files.writeString(csv, csv(windows, demoStartMillis));
        Path png = dir.resolve("accuracy.png");
        ChartUtils.saveChartAsPNG(png.toFile(), chart(windows, demoStartMillis, summary.finalTestAccuracy()), 960, 540);
        Path json = dir.resolve("summary.json");
        Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(asMap(summary)) + "\n");
        return List.of(csv, png, json);
    }

    static List<Quality> sorted(List<Quality> quality) {
        List<Quality> out = new ArrayList<>(quality);
        out.sort(Comparator.comparing((Quality q) -> q.getWindowStart()).thenComparingLong(Quality::getModelVersion));
        return out;
    }

    static String csv(List<Quality> windows, long demoStartMillis) {
        StringBuilder b = new StringBuilder("model_version,window_start,window_end,minutes_since_start,count,correct,accuracy\n");
        for (Quality q : windows) {
            b.append(q.getModelVersion()).append(',').append(q.getWindowStart()).append(',').append(q.getWindowEnd()).append(',')
                    .append(String.format(Locale.ROOT, "%.2f", minutes(q, demoStartMillis))).append(',')
                    .append(q.getCount()).append(',').append(q.getCorrect()).append(',')
                    .append(String.format(Locale.ROOT, "%.4f", q.getAccuracy())).append('\n');
        }
        return b.toString();
    }

    /** The window's middle in minutes since the demo started (windows are aligned to the clock, not to the start). */
    static double minutes(Quality q, long demoStartMillis) {
        long middle = (q.getWindowStart().toEpochMilli() + q.getWindowEnd().toEpochMilli()) / 2;
        return Math.max(0, middle - demoStartMillis) / 60_000.0;
    }

    private static JFreeChart chart(List<Quality> windows, long demoStartMillis, double testAccuracy) {
        // Few labels fall into one version's window, so those points are noisy; the all-versions lines are the
        // signal: per window, and cumulative over the run (the classic prequential curve).
        XYSeries perWindow = new XYSeries("all versions, per window");
        XYSeries cumulative = new XYSeries("all versions, cumulative");
        Map<Double, long[]> byWindow = new TreeMap<>();
        for (Quality q : windows) {
            long[] c = byWindow.computeIfAbsent(minutes(q, demoStartMillis), k -> new long[2]);
            c[0] += q.getCount();
            c[1] += q.getCorrect();
        }
        long count = 0;
        long correct = 0;
        for (Map.Entry<Double, long[]> e : byWindow.entrySet()) {
            perWindow.add(e.getKey().doubleValue(), (double) e.getValue()[1] / e.getValue()[0]);
            count += e.getValue()[0];
            correct += e.getValue()[1];
            cumulative.add(e.getKey().doubleValue(), (double) correct / count);
        }
        Map<Long, XYSeries> series = new TreeMap<>();
        for (Quality q : windows) {
            series.computeIfAbsent(q.getModelVersion(), v -> new XYSeries("model v" + v)).add(minutes(q, demoStartMillis), q.getAccuracy());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(cumulative);
        data.addSeries(perWindow);
        series.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart("Prequential accuracy per model version (predictions judged by later labels)",
                "minutes since the demo started (middle of each window)", "accuracy", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.getRangeAxis().setRange(0, 1.0);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesPaint(0, Color.BLACK);
        renderer.setSeriesStroke(0, new BasicStroke(3.5f));
        renderer.setSeriesPaint(1, Color.GRAY);
        renderer.setSeriesStroke(1, new BasicStroke(2.5f));
        for (int i = 2; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(1f));
        }
        plot.setRenderer(renderer);
        if (!Double.isNaN(testAccuracy)) {
            ValueMarker marker = new ValueMarker(testAccuracy, Color.DARK_GRAY, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            marker.setLabel(String.format(Locale.ROOT, "newest model on the 10,000 test images: %.3f", testAccuracy));
            marker.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.BOTTOM_RIGHT);
            marker.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_RIGHT);
            plot.addRangeMarker(marker);
        }
        return chart;
    }

    static Map<String, Object> asMap(Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("minutes", round(s.minutes(), 2));
        m.put("labelsPerClass", s.labelsPerClass());
        m.put("rate", s.rate());
        m.put("images", s.images());
        m.put("labels", s.labels());
        m.put("predictions", s.predictions());
        m.put("modelsReleased", s.modelsReleased());
        m.put("newestModelVersion", s.newestModelVersion());
        m.put("newestModelTrainerStep", s.newestModelStep());
        m.put("trainerSteps", s.trainerSteps());
        m.put("finalPrequentialAccuracy", nanToNull(round(s.finalPrequentialAccuracy(), 4)));
        m.put("overallPrequentialAccuracy", nanToNull(round(s.overallPrequentialAccuracy(), 4)));
        m.put("judgedPredictions", s.judgedPredictions());
        m.put("finalTestAccuracy", nanToNull(round(s.finalTestAccuracy(), 4)));
        m.put("deadLetters", s.deadLetters());
        m.put("deadLettersByReason", s.deadLettersByReason());
        m.put("interrupted", s.interrupted());
        return m;
    }

    /** The summary table printed at the end. */
    static void print(PrintStream out, Summary s, List<Path> files) {
        out.println();
        out.println("== meanstream demo summary" + (s.interrupted() ? " (stopped early)" : "") + " ==");
        row(out, "run", String.format(Locale.ROOT, "%.1f min, %d labels per class, %.0f images/s", s.minutes(), s.labelsPerClass(), s.rate()));
        row(out, "images fed", String.format(Locale.ROOT, "%,d", s.images()));
        row(out, "labels given", String.format(Locale.ROOT, "%,d", s.labels()));
        row(out, "predictions", String.format(Locale.ROOT, "%,d", s.predictions()));
        row(out, "trainer steps", String.format(Locale.ROOT, "%,d", s.trainerSteps()));
        row(out, "models released", s.modelsReleased() + (s.newestModelVersion() < 0 ? "" : " (newest v" + s.newestModelVersion()
                + " at step " + s.newestModelStep() + ")"));
        row(out, "prequential accuracy", DemoView.num(s.overallPrequentialAccuracy(), 3) + " (whole run), "
                + DemoView.num(s.finalPrequentialAccuracy(), 3) + " (last window), " + s.judgedPredictions() + " predictions judged by later labels");
        row(out, "test accuracy", DemoView.num(s.finalTestAccuracy(), 4) + " (newest model, 10,000 Fashion-MNIST test images)");
        row(out, "dead letters", s.deadLetters() + (s.deadLettersByReason().isEmpty() ? "" : " " + s.deadLettersByReason()));
        for (Path f : files) {
            row(out, "report", f.toString());
        }
    }

    private static void row(PrintStream out, String name, String value) {
        out.printf(Locale.ROOT, "  %-22s %s%n", name, value);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Double.isNaN(v) ? v : Math.round(v * f) / f;
    }

    private static Object nanToNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    static void writeQuietly(Path dir, long start, DemoObserver.Snapshot topics, Summary summary, PrintStream out) {
        try {
            print(out, summary, write(dir, start, topics, summary));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo report to " + dir, e);
        }
    }
}

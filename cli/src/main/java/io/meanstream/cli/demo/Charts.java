package io.meanstream.cli.demo;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;

/** Chart plumbing shared by the demo's and the learning benchmark's reports. */
final class Charts {

    static final int PANEL_WIDTH = 800;
    static final int HEIGHT = 600;

    private Charts() {
    }

    /** Two charts side by side in one PNG of 2 x {@link #PANEL_WIDTH} by {@link #HEIGHT} pixels. */
    static void sideBySide(Path png, JFreeChart left, JFreeChart right) throws IOException {
        BufferedImage image = new BufferedImage(2 * PANEL_WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        left.draw(g, new Rectangle2D.Double(0, 0, PANEL_WIDTH, HEIGHT));
        right.draw(g, new Rectangle2D.Double(PANEL_WIDTH, 0, PANEL_WIDTH, HEIGHT));
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    /** White background, light grid, a value axis fitted to the data rather than to zero. */
    static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        ((org.jfree.chart.axis.NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    }
}

package io.meanstream.cli.demo;

import io.meanstream.cli.feed.FashionMnistSource;
import io.meanstream.cli.feed.Feeder;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * What the label requests asked for: the true classes of the requested images (counts per class) and a contact
 * sheet of the first requested images, so a reader can see whether active selection picks hard cases, one
 * class, or noise.
 */
final class RequestedImages {

    static final int SHEET_IMAGES = 100;
    private static final int COLUMNS = 10;
    private static final int SCALE = 3;
    private static final int CAPTION = 12;

    private RequestedImages() {
    }

    /** Requested labels per true class; the class index is the label's (the simulated annotator answers the truth). */
    static int[] perClass(List<Feeder.RequestedLabel> requested, int classes) {
        int[] counts = new int[classes];
        for (Feeder.RequestedLabel r : requested) {
            if (r.classIndex() >= 0 && r.classIndex() < classes) {
                counts[r.classIndex()]++;
            }
        }
        return counts;
    }

    /**
     * Draws the first {@value #SHEET_IMAGES} requested training images in the order they were labeled, 10 to a row,
     * scaled up 3x with nearest neighbour, each captioned with its true class; ids that are not Fashion-MNIST
     * training images are left blank.
     */
    static void contactSheet(Path png, List<Feeder.RequestedLabel> requested, LabeledImages train) throws IOException {
        int n = Math.min(SHEET_IMAGES, requested.size());
        int cell = train.width() * SCALE;
        int rows = Math.max(1, (n + COLUMNS - 1) / COLUMNS);
        BufferedImage sheet = new BufferedImage(COLUMNS * (cell + 4), rows * (cell + CAPTION + 6), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            for (int k = 0; k < n; k++) {
                int x = (k % COLUMNS) * (cell + 4) + 2;
                int y = (k / COLUMNS) * (cell + CAPTION + 6) + 2;
                int index = trainIndex(requested.get(k).imageId(), train);
                if (index < 0) {
                    continue;
                }
                g.drawImage(gray(train, index), x, y, cell, cell, null);
                g.setColor(Color.DARK_GRAY);
                String name = train.classNames().get(train.label(index));
                g.drawString(name.length() > 14 ? name.substring(0, 14) : name, x, y + cell + CAPTION);
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(sheet, "png", png.toFile());
    }

    /** The index of a Fashion-MNIST training image id in {@code train}, or -1. */
    static int trainIndex(String imageId, LabeledImages train) {
        return FashionMnistSource.parseId(imageId)
                .filter(p -> p[0] == FashionMnist.Split.TRAIN && (Integer) p[1] < train.count())
                .map(p -> (Integer) p[1]).orElse(-1);
    }

    private static BufferedImage gray(LabeledImages images, int index) {
        BufferedImage img = new BufferedImage(images.width(), images.height(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = images.image(index).pixels();
        int channels = images.channels();
        for (int y = 0; y < images.height(); y++) {
            for (int x = 0; x < images.width(); x++) {
                int v = px[(y * images.width() + x) * channels] & 0xFF;
                img.getRaster().setSample(x, y, 0, v);
            }
        }
        return img;
    }

    /** A Markdown table: requested labels per class, for each run. */
    static String table(List<LearningRun.Result> runs, List<String> classNames) {
        StringBuilder b = new StringBuilder("\n\n| run (labels/class, seed) | requested labels | ");
        b.append(String.join(" | ", classNames)).append(" |\n|---|---|").append("---|".repeat(classNames.size())).append('\n');
        for (LearningRun.Result r : runs) {
            int[] counts = perClass(r.requested(), classNames.size());
            b.append(String.format(Locale.ROOT, "| %d, seed %d | %d |", r.spec().labelsPerClass(), r.spec().seed(), r.requested().size()));
            for (int c : counts) {
                b.append(' ').append(c).append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }
}

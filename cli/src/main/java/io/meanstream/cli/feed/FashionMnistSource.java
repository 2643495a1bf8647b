package io.meanstream.cli.feed;

import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.DecodedImage;
import io.meanstream.image.ImageEncoder;
import io.meanstream.schema.Image;
import io.meanstream.schema.ImageEncoding;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Fashion-MNIST images by index. Ids are {@code fmnist-<split>-<index>}, so anyone holding the data set
 * can recover the true class of a prediction from its image id (see {@link #truthOf}).
 */
public final class FashionMnistSource implements FeedSource {

    public static final String ID_PREFIX = "fmnist-";

    private final LabeledImages images;
    private final FashionMnist.Split split;
    private final ImageEncoding encoding;

    public FashionMnistSource(LabeledImages images, FashionMnist.Split split, ImageEncoding encoding) {
        this.images = images;
        this.split = split;
        this.encoding = encoding;
    }

    @Override
    public String name() {
        return "fashion-mnist-" + splitName(split);
    }

    @Override
    public int size() {
        return images.count();
    }

    @Override
    public List<String> classNames() {
        return images.classNames();
    }

    @Override
    public int classIndex(int i) {
        return images.label(i);
    }

    @Override
    public String id(int i) {
        return idOf(split, i);
    }

    public static String idOf(FashionMnist.Split split, int index) {
        return String.format(Locale.ROOT, "%s%s-%05d", ID_PREFIX, splitName(split), index);
    }

    /** The split and index encoded in an id of this source, if it is one. */
    public static Optional<Object[]> parseId(String id) {
        if (id == null || !id.startsWith(ID_PREFIX)) {
            return Optional.empty();
        }
        String[] parts = id.substring(ID_PREFIX.length()).split("-");
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            FashionMnist.Split split = parts[0].equals("train") ? FashionMnist.Split.TRAIN
                    : parts[0].equals("test") ? FashionMnist.Split.TEST : null;
            return split == null ? Optional.empty() : Optional.of(new Object[] {split, Integer.parseInt(parts[1])});
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The true class of a Fashion-MNIST image id, given both splits' labels. */
    public static Optional<Integer> truthOf(String id, LabeledImages train, LabeledImages test) {
        return parseId(id).flatMap(parsed -> {
            LabeledImages set = parsed[0] == FashionMnist.Split.TRAIN ? train : test;
            int index = (Integer) parsed[1];
            return set != null && index >= 0 && index < set.count() ? Optional.of(set.label(index)) : Optional.empty();
        });
    }

    private static String splitName(FashionMnist.Split split) {
        return split == FashionMnist.Split.TRAIN ? "train" : "test";
    }

    @Override
    public Image image(int i, Instant eventTime) {
        DecodedImage img = images.image(i);
        byte[] data = switch (encoding) {
            case PNG -> ImageEncoder.png(img);
            case JPEG -> ImageEncoder.jpeg(img, 0.95f);
            case RAW_U8 -> img.pixels();
        };
        return Image.newBuilder().setId(id(i)).setEventTime(eventTime).setSource(name()).setEncoding(encoding)
                .setWidth(img.width()).setHeight(img.height()).setChannels(img.channels())
                .setData(ByteBuffer.wrap(data)).build();
    }
}

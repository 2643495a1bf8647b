package io.meanstream.cli.feed;

import io.meanstream.data.ImageFolderDataset;
import io.meanstream.schema.Image;
import io.meanstream.schema.ImageEncoding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * PNG/JPEG files in the usual one-folder-per-class layout, sent as they are (no re-encoding): the
 * streams-app and trainer decode them with the shared image library, which reads size and channels from
 * the header. Ids are {@code file:<class>/<file name>}.
 */
public final class ImageFolderSource implements FeedSource {

    private final Path root;
    private final List<ImageFolderDataset.Entry> entries;
    private final List<String> classNames;

    public ImageFolderSource(Path root) throws IOException {
        this.root = root;
        this.entries = ImageFolderDataset.list(root);
        this.classNames = ImageFolderDataset.classNames(root);
    }

    @Override
    public String name() {
        return "folder:" + root.getFileName();
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int classIndex(int i) {
        return entries.get(i).classIndex();
    }

    @Override
    public String id(int i) {
        return "file:" + root.relativize(entries.get(i).file()).toString().replace('\\', '/');
    }

    @Override
    public Image image(int i, Instant eventTime) throws IOException {
        ImageFolderDataset.Entry entry = entries.get(i);
        byte[] data = Files.readAllBytes(entry.file());
        ImageEncoding encoding = ImageEncoding.valueOf(entry.encoding().name());
        return Image.newBuilder().setId(id(i)).setEventTime(eventTime).setSource(name()).setEncoding(encoding)
                .setWidth(0).setHeight(0).setChannels(0).setData(ByteBuffer.wrap(data)).build();
    }
}

package io.meanstream.data;

import io.meanstream.image.DecodedImage;
import io.meanstream.image.ImageDecoder;
import io.meanstream.image.ImageDecodingException;
import io.meanstream.image.ImageEncoding;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The common "image folder" layout: one sub-folder per class, holding that class's PNG or JPEG files
 * (at any depth). Classes are numbered by sorting the folder names, so the same folders always give
 * the same indices; the folder name is the class name. Hidden files and folders (leading dot) are
 * skipped, as are files without a {@code .png}, {@code .jpg} or {@code .jpeg} extension (any case).
 *
 * <p>{@link #list} gives a lazy view for streaming producers; {@link #load} decodes everything into
 * memory.
 */
public final class ImageFolderDataset {

    /**
     * One image file of the data set.
     *
     * @param file       the file
     * @param classIndex index of its class in {@link #classNames(Path)}
     * @param className  name of its class folder
     * @param encoding   PNG or JPEG, from the file extension
     */
    public record Entry(Path file, int classIndex, String className, ImageEncoding encoding) {
    }

    private ImageFolderDataset() {
    }

    /**
     * The class names (non-hidden sub-folder names) sorted by name; index in the list = class index.
     *
     * @throws IOException if {@code dir} is missing, not a folder, or has no class sub-folders
     */
    public static List<String> classNames(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "image folder does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir.toString());
        }
        List<String> names;
        try (Stream<Path> children = Files.list(dir)) {
            names = children.filter(Files::isDirectory)
                    .map(child -> child.getFileName().toString())
                    .filter(name -> !isHidden(name))
                    .sorted()
                    .toList();
        }
        if (names.isEmpty()) {
            throw new IOException("Image folder " + dir + " has no class sub-folders; expected " + dir
                    + "/<class name>/<image>.png (or .jpg/.jpeg), one sub-folder per class");
        }
        return names;
    }

    /**
     * All image files, grouped by class index and sorted by path within a class; nothing is read.
     *
     * @throws IOException if the layout is invalid or contains no image files at all
     */
    public static List<Entry> list(Path dir) throws IOException {
        List<String> classes = classNames(dir);
        List<Entry> entries = new ArrayList<>();
        for (int index = 0; index < classes.size(); index++) {
            String className = classes.get(index);
            for (Path file : imageFiles(dir.resolve(className))) {
                entries.add(new Entry(file, index, className, encodingOf(file).orElseThrow()));
            }
        }
        if (entries.isEmpty()) {
            throw new IOException("Image folder " + dir + " has class folders " + classes
                    + " but no .png, .jpg or .jpeg files in them");
        }
        return List.copyOf(entries);
    }

    /**
     * Decodes every image into memory, converted to {@code channels} (1 or 3) with the same rules as
     * the normaliser. All images must have the same size.
     *
     * @throws IOException if the layout is invalid, a file cannot be read or decoded (the message names
     *                     the file), or the sizes differ
     */
    public static LabeledImages load(Path dir, int channels, ImageDecoder decoder) throws IOException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        Objects.requireNonNull(decoder, "decoder");
        List<Entry> entries = list(dir);
        List<String> classes = classNames(dir);
        int[] labels = new int[entries.size()];
        byte[] pixels = null;
        int width = 0;
        int height = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            DecodedImage image = decode(entry, decoder).toChannels(channels);
            if (pixels == null) {
                width = image.width();
                height = image.height();
                long total = (long) entries.size() * image.byteCount();
                if (total > Integer.MAX_VALUE - 8) {
                    throw new IOException("Image folder " + dir + " is too large to load into memory: "
                            + entries.size() + " images of " + width + "x" + height + "x" + channels + " = " + total
                            + " bytes; use ImageFolderDataset.list and decode lazily");
                }
                pixels = new byte[(int) total];
            } else if (image.width() != width || image.height() != height) {
                throw new IOException(entry.file() + " is " + image.width() + "x" + image.height()
                        + " but earlier images are " + width + "x" + height
                        + "; all images of an image folder data set must have the same size");
            }
            image.copyPixelsTo(pixels, i * image.byteCount());
            labels[i] = entry.classIndex();
        }
        return new LabeledImages(entries.size(), channels, height, width, pixels, labels, classes);
    }

    /** PNG for {@code .png}, JPEG for {@code .jpg}/{@code .jpeg} (any case), empty otherwise. */
    public static Optional<ImageEncoding> encodingOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) {
            return Optional.of(ImageEncoding.PNG);
        }
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            return Optional.of(ImageEncoding.JPEG);
        }
        return Optional.empty();
    }

    private static DecodedImage decode(Entry entry, ImageDecoder decoder) throws IOException {
        long size = Files.size(entry.file());
        if (size > decoder.limits().maxBytes()) {
            // Checked before reading so that a stray multi-gigabyte file is not pulled into memory.
            throw new IOException("Cannot load " + entry.file() + ": it is " + size + " bytes, limit is "
                    + decoder.limits().maxBytes());
        }
        try {
            return decoder.decode(entry.encoding(), Files.readAllBytes(entry.file()), 0, 0, 0);
        } catch (ImageDecodingException e) {
            throw new IOException("Cannot load " + entry.file() + " (" + e.reason() + "): " + e.getMessage(), e);
        }
    }

    private static List<Path> imageFiles(Path classDir) throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(classDir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                return !directory.equals(classDir) && isHidden(directory.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && !isHidden(file.getFileName().toString())
                        && encodingOf(file).isPresent()) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(Comparator.comparing(file -> classDir.relativize(file).toString()));
        return files;
    }

    private static boolean isHidden(String name) {
        return name.startsWith(".");
    }
}

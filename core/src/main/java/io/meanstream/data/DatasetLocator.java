package io.meanstream.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Finds the directory that holds a data set's files, in this order:
 * <ol>
 *   <li>an explicit directory ({@code --data-dir}); if one is given it must hold the files, and
 *       nothing else is tried, so a typo is reported instead of silently using other data;</li>
 *   <li>system directories, by default {@code /usr/share/datasets/fashion-mnist} from the Debian
 *       package {@code dataset-fashion-mnist};</li>
 *   <li>the user cache, {@code $XDG_CACHE_HOME/meanstream/<name>} or {@code ~/.cache/meanstream/<name>};</li>
 *   <li>if download is allowed, the missing files are downloaded (as {@code .gz}) into the user cache,
 *       each to a temporary file that is validated and then atomically renamed, so an interrupted
 *       download never leaves a half file that looks complete.</li>
 * </ol>
 * Each file may be present gzipped ({@code name.gz}) or not ({@code name}).
 *
 * <p>Everything is injectable through the {@link Builder}, so tests can use temporary directories
 * and a local server and never touch the network.
 */
public final class DatasetLocator {

    /** Official Fashion-MNIST download location (Zalando Research). */
    public static final URI FASHION_MNIST_SOURCE = URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
    public static final Path DEBIAN_FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private final String displayName;
    private final List<String> files;
    private final String aptPackage;
    private final Path dataDir;
    private final List<Path> systemDirs;
    private final Path cacheDir;
    private final boolean allowDownload;
    private final URI downloadSource;
    private final PrintStream progress;
    private final HttpClient httpClient;

    private DatasetLocator(Builder builder) {
        this.displayName = builder.displayName;
        this.files = builder.files;
        this.aptPackage = builder.aptPackage;
        this.dataDir = builder.dataDir;
        this.systemDirs = List.copyOf(builder.systemDirs);
        this.cacheDir = builder.cacheDir != null ? builder.cacheDir : defaultCacheDir(builder.name);
        this.allowDownload = builder.allowDownload;
        this.downloadSource = builder.downloadSource;
        this.progress = builder.progress;
        this.httpClient = builder.httpClient;
    }

    /**
     * A builder preset for Fashion-MNIST: Debian system directory, default user cache, official
     * download source, download allowed, progress on stderr.
     */
    public static Builder fashionMnist() {
        return new Builder("fashion-mnist", "Fashion-MNIST", FashionMnist.fileNames(), "dataset-fashion-mnist")
                .systemDirs(List.of(DEBIAN_FASHION_MNIST_DIR))
                .downloadSource(FASHION_MNIST_SOURCE);
    }

    /** {@code $XDG_CACHE_HOME/meanstream/<name>} if that variable is an absolute path, else {@code ~/.cache/meanstream/<name>}. */
    public static Path defaultCacheDir(String datasetName) {
        return userCacheRoot(System.getenv(), System.getProperty("user.home")).resolve("meanstream").resolve(datasetName);
    }

    /** The XDG cache root; relative values of XDG_CACHE_HOME are ignored, as the XDG specification requires. */
    static Path userCacheRoot(Map<String, String> environment, String userHome) {
        String xdg = environment.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg);
        }
        return Path.of(userHome, ".cache");
    }

    /** The directories tried, in order (explicit directory, system directories, user cache). */
    public List<Path> searchOrder() {
        if (dataDir != null) {
            return List.of(dataDir);
        }
        List<Path> order = new ArrayList<>(systemDirs);
        order.add(cacheDir);
        return List.copyOf(order);
    }

    public Path cacheDir() {
        return cacheDir;
    }

    /** The required file names, without {@code .gz}. */
    public List<String> files() {
        return files;
    }

    /**
     * The first directory holding all files, downloading them into the user cache if allowed.
     *
     * @throws DatasetNotFoundException if the data set is nowhere and cannot be downloaded; the
     *                                  message says what to install, pass or allow
     */
    public Path locate() throws IOException {
        if (dataDir != null) {
            List<String> missing = missingFiles(dataDir);
            if (!missing.isEmpty()) {
                String problem = Files.isDirectory(dataDir)
                        ? "does not contain the " + displayName + " files: " + describe(dataDir, missing)
                        : "does not exist";
                throw new DatasetNotFoundException("--data-dir " + dataDir + " " + problem + ". It must contain "
                        + fileList() + " (each gzipped with .gz or not).");
            }
            return dataDir;
        }
        List<String> searched = new ArrayList<>();
        for (Path directory : searchOrder()) {
            List<String> missing = missingFiles(directory);
            if (missing.isEmpty()) {
                return directory;
            }
            searched.add(directory + " (" + describe(directory, missing) + ")");
        }
        if (!allowDownload) {
            throw new DatasetNotFoundException(displayName + " not found. Searched " + String.join(", ", searched)
                    + "; download is disabled. " + remedy(true));
        }
        try {
            download(missingFiles(cacheDir));
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            throw new DatasetNotFoundException("Downloading " + displayName + " from " + downloadSource + " into "
                    + cacheDir + " failed: " + e.getMessage() + ". " + remedy(false), e);
        }
        return cacheDir;
    }

    private String remedy(boolean suggestDownload) {
        String text = "Do one of: (1) apt-get install " + aptPackage + " (installs " + firstSystemDir() + "), "
                + "(2) pass --data-dir DIR where DIR contains " + fileList() + " (each gzipped with .gz or not)";
        if (suggestDownload) {
            text += ", (3) allow download, which fetches them from " + downloadSource + " into " + cacheDir;
        }
        return text + ".";
    }

    private String firstSystemDir() {
        return systemDirs.isEmpty() ? DEBIAN_FASHION_MNIST_DIR.toString() : systemDirs.get(0).toString();
    }

    private String fileList() {
        return String.join(", ", files);
    }

    private String describe(Path directory, List<String> missing) {
        if (!Files.isDirectory(directory)) {
            return "does not exist";
        }
        return "missing " + missing.stream().map(f -> f + "(.gz)").collect(Collectors.joining(", "));
    }

    private List<String> missingFiles(Path directory) {
        List<String> missing = new ArrayList<>();
        for (String file : files) {
            if (!isReadableFile(directory.resolve(file)) && !isReadableFile(directory.resolve(file + ".gz"))) {
                missing.add(file);
            }
        }
        return missing;
    }

    private static boolean isReadableFile(Path path) {
        return Files.isRegularFile(path) && Files.isReadable(path);
    }

    private void download(List<String> missing) throws IOException {
        Files.createDirectories(cacheDir);
        HttpClient client = httpClient != null ? httpClient : HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        if (progress != null) {
            progress.println("Downloading " + displayName + " from " + downloadSource + " into " + cacheDir);
        }
        for (String file : missing) {
            downloadOne(client, file + ".gz");
        }
    }

    private void downloadOne(HttpClient client, String fileName) throws IOException {
        URI uri = downloadSource.resolve(fileName);
        // The temporary file lives in the target directory so that the final rename stays on one file
        // system and can be atomic; its leading dot hides it from directory listings.
        Path temporary = Files.createTempFile(cacheDir, "." + fileName + ".", ".part");
        try {
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP " + response.statusCode() + " for " + uri);
                }
                long length = response.headers().firstValueAsLong("Content-Length").orElse(-1L);
                copy(body, temporary, fileName, length);
            }
            // Refuse to cache anything that is not a complete IDX file (an HTML error page, a cut-off body).
            try {
                IdxReader.read(temporary);
            } catch (IOException e) {
                throw new IOException(uri + " did not deliver a valid IDX file: " + e.getMessage(), e);
            }
            moveIntoPlace(temporary, cacheDir.resolve(fileName));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while downloading " + uri);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private void copy(InputStream body, Path target, String fileName, long length) throws IOException {
        DownloadProgress bar = progress == null ? null : new DownloadProgress(progress, fileName, length);
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(target)) {
            int read;
            while ((read = body.read(buffer)) != -1) {
                out.write(buffer, 0, read);
                if (bar != null) {
                    bar.advance(read);
                }
            }
        }
        if (bar != null) {
            bar.finish();
        }
    }

    private static void moveIntoPlace(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Configures a {@link DatasetLocator}; obtain one from {@link DatasetLocator#fashionMnist()}. */
    public static final class Builder {

        private final String name;
        private final String displayName;
        private final List<String> files;
        private final String aptPackage;
        private Path dataDir;
        private List<Path> systemDirs = List.of();
        private Path cacheDir;
        private boolean allowDownload = true;
        private URI downloadSource;
        private PrintStream progress = System.err;
        private HttpClient httpClient;

        private Builder(String name, String displayName, List<String> files, String aptPackage) {
            this.name = name;
            this.displayName = displayName;
            this.files = List.copyOf(files);
            this.aptPackage = aptPackage;
        }

        /** The user's {@code --data-dir}, or null for none. When set, it is the only place looked at. */
        public Builder dataDir(Path directory) {
            this.dataDir = directory;
            return this;
        }

        /** System-wide directories tried before the user cache. */
        public Builder systemDirs(List<Path> directories) {
            this.systemDirs = List.copyOf(directories);
            return this;
        }

        /** The user cache directory for this data set (default {@link DatasetLocator#defaultCacheDir}). */
        public Builder cacheDir(Path directory) {
            this.cacheDir = directory;
            return this;
        }

        /** Whether missing files may be downloaded into the cache (default true; tests pass false). */
        public Builder allowDownload(boolean allow) {
            this.allowDownload = allow;
            return this;
        }

        /** Base URI the {@code .gz} files are fetched from; must end with a slash. */
        public Builder downloadSource(URI source) {
            Objects.requireNonNull(source, "source");
            if (!source.toString().endsWith("/")) {
                throw new IllegalArgumentException("download source must end with '/', got " + source);
            }
            this.downloadSource = source;
            return this;
        }

        /** Where the progress bar goes (default stderr); null for none. */
        public Builder progress(PrintStream stream) {
            this.progress = stream;
            return this;
        }

        /** The HTTP client for downloads (default: one following redirects, 30 s connect timeout). */
        public Builder httpClient(HttpClient client) {
            this.httpClient = client;
            return this;
        }

        public DatasetLocator build() {
            return new DatasetLocator(this);
        }
    }
}

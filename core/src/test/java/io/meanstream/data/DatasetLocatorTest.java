package io.meanstream.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLocatorTest {

    @TempDir
    Path temp;

    private HttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    private DatasetLocator.Builder offline() {
        return DatasetLocator.fashionMnist()
                .systemDirs(List.of(temp.resolve("system")))
                .cacheDir(temp.resolve("cache"))
                .allowDownload(false)
                .progress(null);
    }

    @Test
    void explicitDataDirWins() throws IOException {
        Path explicit = TestIdx.writeMiniFashionMnist(temp.resolve("explicit"), 1, false);
        TestIdx.writeMiniFashionMnist(temp.resolve("system"), 1, true);
        assertEquals(explicit, offline().dataDir(explicit).build().locate());
    }

    @Test
    void incompleteExplicitDataDirIsAnErrorEvenIfOtherPlacesHaveTheData() throws IOException {
        Path explicit = TestIdx.writeMiniFashionMnist(temp.resolve("explicit"), 1, false);
        Files.delete(explicit.resolve("t10k-labels-idx1-ubyte"));
        TestIdx.writeMiniFashionMnist(temp.resolve("system"), 1, true);
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> offline().dataDir(explicit).build().locate());
        assertEquals("--data-dir " + explicit + " does not contain the Fashion-MNIST files: missing "
                + "t10k-labels-idx1-ubyte(.gz). It must contain train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                + "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each gzipped with .gz or not).", e.getMessage());

        Path typo = temp.resolve("no-such-dir");
        DatasetNotFoundException missing = assertThrows(DatasetNotFoundException.class,
                () -> offline().dataDir(typo).build().locate());
        assertTrue(missing.getMessage().startsWith("--data-dir " + typo + " does not exist. It must contain "),
                missing.getMessage());
    }

    @Test
    void systemDirectoriesComeBeforeTheCache() throws IOException {
        Path system = TestIdx.writeMiniFashionMnist(temp.resolve("system"), 1, true);
        TestIdx.writeMiniFashionMnist(temp.resolve("cache"), 1, false);
        DatasetLocator locator = offline().build();
        assertEquals(List.of(system, temp.resolve("cache")), locator.searchOrder());
        assertEquals(system, locator.locate());
    }

    @Test
    void cacheIsUsedWhenNoSystemDirectoryHasTheData() throws IOException {
        Path system = Files.createDirectories(temp.resolve("system"));
        Files.writeString(system.resolve("train-images-idx3-ubyte.gz"), "only one file");
        Path cache = TestIdx.writeMiniFashionMnist(temp.resolve("cache"), 1, false);
        assertEquals(cache, offline().build().locate());
    }

    @Test
    void mixedPlainAndGzippedFilesAreAccepted() throws IOException {
        Path cache = TestIdx.writeMiniFashionMnist(temp.resolve("cache"), 2, true);
        Path gz = cache.resolve("train-images-idx3-ubyte.gz");
        Files.write(cache.resolve("train-images-idx3-ubyte"), IdxBytes.gunzip(Files.readAllBytes(gz)));
        Files.delete(gz);
        assertEquals(cache, offline().build().locate());
        assertEquals(2, FashionMnist.load(FashionMnist.Split.TRAIN, offline().build()).count());
    }

    @Test
    void withNothingFoundAndDownloadDisabledTheMessageSaysWhatToDo() {
        DatasetLocator locator = offline().build();
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, locator::locate);
        String message = e.getMessage();
        assertTrue(message.startsWith("Fashion-MNIST not found. Searched " + temp.resolve("system")
                + " (does not exist), " + temp.resolve("cache") + " (does not exist); download is disabled. "), message);
        assertTrue(message.contains("apt-get install dataset-fashion-mnist"), message);
        assertTrue(message.contains("pass --data-dir DIR where DIR contains train-images-idx3-ubyte, "
                + "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte"), message);
        assertTrue(message.contains("allow download, which fetches them from "
                + "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/ into " + temp.resolve("cache")), message);
    }

    @Test
    void partialDirectoriesListWhatIsMissing() throws IOException {
        Path cache = TestIdx.writeMiniFashionMnist(temp.resolve("cache"), 1, true);
        Files.delete(cache.resolve("train-images-idx3-ubyte.gz"));
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> offline().build().locate());
        assertTrue(e.getMessage().contains(cache + " (missing train-images-idx3-ubyte(.gz))"), e.getMessage());
    }

    @Test
    void defaultsAreTheDebianDirectoryTheXdgCacheAndTheOfficialSource() {
        DatasetLocator locator = DatasetLocator.fashionMnist().allowDownload(false).build();
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), locator.searchOrder().get(0));
        assertEquals(DatasetLocator.defaultCacheDir("fashion-mnist"), locator.cacheDir());
        assertEquals(Path.of("/xdg"), DatasetLocator.userCacheRoot(Map.of("XDG_CACHE_HOME", "/xdg"), "/home/u"));
        assertEquals(Path.of("/home/u/.cache"), DatasetLocator.userCacheRoot(Map.of(), "/home/u"));
        assertEquals(Path.of("/home/u/.cache"),
                DatasetLocator.userCacheRoot(Map.of("XDG_CACHE_HOME", "relative/dir"), "/home/u"));
        assertTrue(DatasetLocator.defaultCacheDir("fashion-mnist").endsWith(Path.of("meanstream", "fashion-mnist")));
    }

    @Test
    void downloadsMissingFilesIntoTheCacheFromALocalServer() throws IOException {
        Path source = TestIdx.writeMiniFashionMnist(temp.resolve("source"), 3, true);
        Path cache = Files.createDirectories(temp.resolve("cache"));
        Files.copy(source.resolve("t10k-labels-idx1-ubyte.gz"), cache.resolve("t10k-labels-idx1-ubyte.gz"));
        List<String> requested = serve(source, Map.of());
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        DatasetLocator locator = offline().allowDownload(true).downloadSource(baseUri())
                .progress(new PrintStream(console, true, StandardCharsets.UTF_8)).build();
        assertEquals(cache, locator.locate());

        assertEquals(List.of("/train-images-idx3-ubyte.gz", "/train-labels-idx1-ubyte.gz",
                "/t10k-images-idx3-ubyte.gz"), requested, "only the missing files are fetched");
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(4, files.count(), "no temporary files are left behind");
        }
        assertEquals(3, FashionMnist.load(FashionMnist.Split.TRAIN, cache).count());
        String progress = console.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("100%"), progress);
        assertTrue(progress.contains("MB/s"), progress);
        assertTrue(progress.contains("t10k-images-idx3-ubyte.gz"), progress);
    }

    @Test
    void failedDownloadIsAnErrorThatStillSaysWhatToDo() throws IOException {
        Path source = TestIdx.writeMiniFashionMnist(temp.resolve("source"), 1, true);
        Files.delete(source.resolve("train-labels-idx1-ubyte.gz"));
        serve(source, Map.of());
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> offline().allowDownload(true).downloadSource(baseUri()).build().locate());
        assertTrue(e.getMessage().contains("HTTP 404 for " + baseUri() + "train-labels-idx1-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertFalse(Files.exists(temp.resolve("cache").resolve("train-labels-idx1-ubyte.gz")));
    }

    @Test
    void invalidDownloadedContentIsNotCached() throws IOException {
        Path source = TestIdx.writeMiniFashionMnist(temp.resolve("source"), 1, true);
        serve(source, Map.of("/train-images-idx3-ubyte.gz", "<html>Access denied</html>".getBytes(StandardCharsets.UTF_8)));
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> offline().allowDownload(true).downloadSource(baseUri()).build().locate());
        assertTrue(e.getMessage().contains("did not deliver a valid IDX file"), e.getMessage());
        try (Stream<Path> files = Files.list(temp.resolve("cache"))) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void downloadSourceMustBeADirectoryUri() {
        assertThrows(IllegalArgumentException.class,
                () -> DatasetLocator.fashionMnist().downloadSource(URI.create("http://example.org/data")));
    }

    /** Serves the files of {@code dir} (with overrides) and records the requested paths. */
    private List<String> serve(Path dir, Map<String, byte[]> overrides) throws IOException {
        List<String> requested = new CopyOnWriteArrayList<>();
        Map<String, byte[]> fixed = new ConcurrentHashMap<>(overrides);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requested.add(path);
            Path file = dir.resolve(path.substring(1));
            byte[] body = fixed.containsKey(path) ? fixed.get(path)
                    : Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        return requested;
    }

    private URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** Tiny gunzip helper for tests. */
    private static final class IdxBytes {
        static byte[] gunzip(byte[] gz) throws IOException {
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
                return in.readAllBytes();
            }
        }
    }
}

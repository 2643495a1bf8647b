package io.meanstream.labeler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.config.Settings;
import io.meanstream.image.DecodedImage;
import io.meanstream.image.ImageEncoder;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.TopicHistory;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.SharedTestBroker;
import io.meanstream.schema.Image;
import io.meanstream.schema.ImageEncoding;
import io.meanstream.schema.Label;
import io.meanstream.schema.LabelRequest;
import io.meanstream.schema.Prediction;
import io.meanstream.serde.ContractSerdes;
import java.io.File;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The labeler end to end: a real broker, the labeler service, its HTTP API and the page in a real headless Chromium
 * (Debian's chromium and chromedriver). A person signs in, sees the requested image with the model's guess, presses a
 * class key, and the Label arrives on the labels topic with their name; undo writes a tombstone and shows the image
 * again. Without a session every path is 401; a POST without the CSRF token is 403; unknown images and classes are
 * 400 and write nothing; oversized bodies are refused.
 */
class LabelerTest {

    static final String PASSWORD = "correct horse battery staple";
    static final Path SCREENSHOT = Path.of("target", "labeler-screenshot.png");

    static Topics topics = Topics.withSuffix(".labeler-test");
    static KafkaClientConfig kafka;
    static Labeler labeler;
    static String base;
    static Map<String, RecordMetadata> imagePositions = new HashMap<>();
    static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
            "Ankle boot");

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers());
        try (Admin admin = Admin.create(kafka.admin("t"))) {
            new TopicBootstrapper(admin).ensure(topics.all());
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("t"), new StringSerializer(), new ByteArraySerializer())) {
            for (String id : List.of("img-requested", "img-recent-1", "img-recent-2")) {
                imagePositions.put(id, producer.send(new ProducerRecord<>(topics.images().name(), id, image(id))).get());
            }
            RecordMetadata at = imagePositions.get("img-requested");
            LabelRequest request = LabelRequest.newBuilder().setImageId("img-requested").setModelName("fashion-mnist").setModelVersion(3)
                    .setUncertainty(0.9).setPredictedClass(6).setPredictedClassName("Shirt").setProbabilities(probabilities(6, 0.48f))
                    .setRequestedTime(Instant.now()).setImageTopic(topics.images().name()).setImagePartition(at.partition())
                    .setImageOffset(at.offset()).build();
            producer.send(new ProducerRecord<>(topics.labelRequests().name(), "img-requested", ContractSerdes.labelRequest().encode(request))).get();
            Prediction p = Prediction.newBuilder().setImageId("img-recent-1").setModelName("fashion-mnist").setModelVersion(3).setClassIndex(1)
                    .setClassName("Trouser").setConfidence(0.97f).setProbabilities(probabilities(1, 0.97f)).setImageTime(Instant.now())
                    .setScoredTime(Instant.now()).build();
            producer.send(new ProducerRecord<>(topics.predictions().name(), "img-recent-1", ContractSerdes.prediction().encode(p))).get();
        }
        Path accounts = dir.resolve("accounts.txt");
        Files.writeString(accounts, "# annotators\nada:" + PasswordHasher.hash(PASSWORD.toCharArray()) + "\n");
        Settings settings = Settings.resolve(LabelerSettings.all(), Map.of("MEANSTREAM_LABELER_HTTP_PORT", "0", "MEANSTREAM_LABELER_OPS_PORT", "0",
                "MEANSTREAM_LABELER_ACCOUNTS_FILE", accounts.toString()), null);
        labeler = new Labeler(settings, kafka, topics, Labeler.accounts(settings)).start();
        base = "http://127.0.0.1:" + labeler.port();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).until(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + labeler.opsPort()
                + "/ready")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (labeler != null) {
            labeler.close();
        }
    }

    static byte[] image(String id) {
        byte[] pixels = new byte[28 * 28];
        Arrays.fill(pixels, (byte) (id.hashCode() & 0x7F));
        for (int i = 0; i < 28; i++) {
            pixels[i * 28 + i] = (byte) 255; // a diagonal, to see the scaling in the screenshot
        }
        return ContractSerdes.image().encode(Image.newBuilder().setId(id).setEventTime(Instant.now()).setSource("test").setEncoding(ImageEncoding.PNG)
                .setWidth(28).setHeight(28).setChannels(1).setData(ByteBuffer.wrap(ImageEncoder.png(new DecodedImage(28, 28, 1, pixels)))).build());
    }

    static List<Float> probabilities(int top, float p) {
        List<Float> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            out.add(i == top ? p : (1 - p) / 9);
        }
        return out;
    }

    /** Every record on the labels topic so far: value null for a tombstone. */
    static List<ConsumerRecord<String, byte[]>> labels() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumer(null, "t"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            var partitions = TopicHistory.assignFromBeginning(consumer, topics.labels().name());
            TopicHistory.readToEnd(consumer, partitions, Duration.ofSeconds(10), () -> false, out::add);
            return out;
        }
    }

    static List<ConsumerRecord<String, byte[]>> labelsOf(String imageId) {
        return labels().stream().filter(r -> imageId.equals(r.key())).toList();
    }

    @Test
    void aPersonSignsInLabelsARequestedImageWithAKeyAndUndoesIt() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(new File("/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1100,760");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get(base + "/");
            browser.findElement(By.id("username")).sendKeys("ada");
            browser.findElement(By.id("password")).sendKeys(PASSWORD);
            browser.findElement(By.id("sign-in")).click();

            WebElement image;
            try {
                image = wait.until(d -> d.findElements(By.id("image")).stream().findFirst().orElse(null));
            } catch (RuntimeException e) {
                throw new AssertionError("no labeling page after signing in; at " + browser.getCurrentUrl() + ":\n" + browser.getPageSource(), e);
            }
            wait.until(d -> "img-requested".equals(d.findElement(By.id("image")).getDomAttribute("data-image-id")));
            wait.until(d -> (Boolean) ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                    "const i = document.getElementById('image'); return i.complete && i.naturalWidth === 28;"));
            assertTrue(browser.findElement(By.id("guess")).getText().contains("Shirt"), browser.findElement(By.id("guess")).getText());
            assertTrue(browser.findElement(By.id("origin")).getText().startsWith("Requested"));
            assertEquals(336, image.getSize().getWidth(), "scaled up 12x");
            wait.until(d -> d.findElement(By.id("queue")).getText().equals("1"));
            Files.createDirectories(SCREENSHOT.getParent());
            Files.write(SCREENSHOT, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

            wait.until(d -> !d.findElement(By.id("mine")).getText().equals("-"));
            int mine = Integer.parseInt(browser.findElement(By.id("mine")).getText());
            browser.findElement(By.tagName("body")).sendKeys("3"); // the third class: Pullover
            await().atMost(Duration.ofSeconds(20)).until(() -> labelsOf("img-requested").size() == 1);
            ConsumerRecord<String, byte[]> given = labelsOf("img-requested").get(0);
            Label label = ContractSerdes.label().decode(given.value());
            assertEquals("img-requested", given.key());
            assertEquals(2, label.getClassIndex());
            assertEquals("Pullover", label.getClassName());
            assertEquals("ada", label.getAnnotator(), "the signed-in person is the annotator");
            assertTrue(label.getRequested(), "it answered a request");
            wait.until(d -> !"img-requested".equals(d.findElement(By.id("image")).getDomAttribute("data-image-id")));
            wait.until(d -> d.findElement(By.id("mine")).getText().equals(Integer.toString(mine + 1)));

            browser.findElement(By.tagName("body")).sendKeys("u");
            await().atMost(Duration.ofSeconds(20)).until(() -> labelsOf("img-requested").size() == 2);
            ConsumerRecord<String, byte[]> undone = labelsOf("img-requested").get(1);
            assertEquals("img-requested", undone.key());
            assertNull(undone.value(), "undo is a tombstone for the image's label");
            wait.until(d -> "img-requested".equals(d.findElement(By.id("image")).getDomAttribute("data-image-id")));
        } finally {
            browser.quit();
        }
    }

    @Test
    void withoutASessionEveryPathIs401() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/", "/app.js", "/api/me", "/api/next", "/api/stats", "/api/images/img-recent-1")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), path);
        }
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/api/labels"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"imageId\":\"img-recent-1\",\"classIndex\":1}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, post.statusCode());
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(page.body().contains("id=\"login-form\""), "the 401 page is the sign-in form");
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(""));
    }

    @Test
    void theApiRefusesBadInputAndWritesNothing() throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        assertEquals(401, signIn(http, "ada", "wrong password").statusCode());
        assertEquals(401, signIn(http, "nobody", PASSWORD).statusCode());
        assertEquals(303, signIn(http, "ada", PASSWORD).statusCode());
        String me = http.send(HttpRequest.newBuilder(URI.create(base + "/api/me")).build(), HttpResponse.BodyHandlers.ofString()).body();
        String csrf = field(me, "csrfToken");

        String recent = http.send(HttpRequest.newBuilder(URI.create(base + "/api/next?source=recent&n=5")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(recent.contains("img-recent-1") && recent.contains("img-recent-2"), "label recent images: " + recent);
        assertFalse(recent.contains("img-requested"), "a requested image is not offered as a recent one");
        assertTrue(recent.contains("\"guessName\":\"Trouser\""), "the model's guess from the predictions: " + recent);
        HttpResponse<byte[]> png = http.send(HttpRequest.newBuilder(URI.create(base + "/api/images/img-recent-1")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, png.statusCode());
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
        assertEquals((byte) 0x89, png.body()[0]);
        assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + "/api/images/never-offered")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).statusCode());

        int before = labels().size();
        assertEquals(403, post(http, "/api/labels", "{\"imageId\":\"img-recent-1\",\"classIndex\":1}", null).statusCode(), "no CSRF token");
        assertEquals(403, post(http, "/api/labels", "{\"imageId\":\"img-recent-1\",\"classIndex\":1}", "forged").statusCode(), "a wrong one");
        HttpResponse<String> unknown = post(http, "/api/labels", "{\"imageId\":\"img-unknown\",\"classIndex\":1}", csrf);
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("unknown image id"), unknown.body());
        HttpResponse<String> badClass = post(http, "/api/labels", "{\"imageId\":\"img-recent-1\",\"classIndex\":10}", csrf);
        assertEquals(400, badClass.statusCode());
        assertTrue(badClass.body().contains("outside [0, 10)"), badClass.body());
        assertEquals(400, post(http, "/api/labels", "{not json", csrf).statusCode());
        assertEquals(400, post(http, "/api/labels", "{\"imageId\":\"img-recent-1\"}", csrf).statusCode(), "no class");
        int status = post(http, "/api/labels", "{\"imageId\":\"" + "x".repeat(20_000) + "\",\"classIndex\":1}", csrf).statusCode();
        assertEquals(413, status, "a body over the size bound");
        assertEquals(before, labels().size(), "nothing was written");

        HttpResponse<String> ok = post(http, "/api/labels", "{\"imageId\":\"img-recent-2\",\"classIndex\":9}", csrf);
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(ok.body().contains("\"requested\":false"), "a recent image answers no request: " + ok.body());
        await().atMost(Duration.ofSeconds(20)).until(() -> labels().size() == before + 1);
    }

    private HttpResponse<String> signIn(HttpClient http, String name, String password) throws Exception {
        String form = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("name=\"csrfToken\" value=\"([^\"]+)\"").matcher(form);
        assertTrue(m.find(), form);
        String body = "csrfToken=" + m.group(1) + "&username=" + enc(name) + "&password=" + enc(password);
        return http.send(HttpRequest.newBuilder(URI.create(base + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(HttpClient http, String path, String body, String csrf) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (csrf != null) {
            b.header(LabelerApp.CSRF_HEADER, csrf);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }
}

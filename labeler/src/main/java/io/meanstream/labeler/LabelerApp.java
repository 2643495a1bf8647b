package io.meanstream.labeler;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.meanstream.schema.Label;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.session.SessionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labeler's web layer (Javalin): sign-in, the page, and a small JSON API over {@link LabelDesk}.
 *
 * <p>Security: every path except the sign-in form (and its style sheet) answers 401 without a signed-in session. Passwords are checked
 * against PBKDF2 hashes ({@link Accounts}); a successful sign-in gets a new session id (no fixation). The session
 * cookie is HttpOnly and SameSite=Strict (Secure when configured). Every POST must carry the session's CSRF token
 * (a form field for sign-in, the {@code X-CSRF-Token} header for the API), compared in constant time, or gets 403.
 * Unknown image ids or class indexes get 400 and write nothing; request bodies over {@value #MAX_BODY_BYTES} bytes
 * are refused. Responses forbid framing and sniffing and allow scripts and styles from this origin only.
 */
final class LabelerApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LabelerApp.class);

    static final int MAX_BODY_BYTES = 8 * 1024;
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String ANNOTATOR = "annotator";
    private static final String LOGIN_CSRF = "login-csrf";
    /** The sign-in form and its style sheet (no data in either). */
    private static final Set<String> PUBLIC = Set.of("/login", "/app.css");
    /** Sign-ins verified at once: PBKDF2 is meant to be slow, so a flood of sign-ins must not take every core. */
    private static final int CONCURRENT_SIGN_INS = 2;

    private final Javalin app;
    private final LabelDesk desk;
    private final Accounts accounts;
    private final ObjectMapper json = new ObjectMapper();
    private final Semaphore signIns = new Semaphore(CONCURRENT_SIGN_INS);
    private final Map<String, byte[]> pages = new LinkedHashMap<>();
    private final String loginPage;

    /** A label: the image and the class index. */
    record Answer(String imageId, Integer classIndex) {
    }

    /** An image to skip. */
    record Skip(String imageId) {
    }

    LabelerApp(LabelDesk desk, Accounts accounts, Duration sessionTimeout, boolean secureCookie) {
        this.desk = desk;
        this.accounts = accounts;
        for (String page : new String[] {"index.html", "app.js", "app.css"}) {
            pages.put(page, resource(page));
        }
        this.loginPage = new String(resource("login.html"), StandardCharsets.UTF_8);
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.jetty.modifyServletContextHandler(handler -> {
                SessionHandler sessions = new SessionHandler();
                sessions.setSessionCookie("MEANSTREAM_LABELER_SESSION");
                sessions.setHttpOnly(true);
                sessions.setSameSite(HttpCookie.SameSite.STRICT);
                sessions.getSessionCookieConfig().setSecure(secureCookie);
                sessions.setMaxInactiveInterval((int) Math.min(Integer.MAX_VALUE, sessionTimeout.toSeconds()));
                handler.setSessionHandler(sessions);
            });
        });
        app.before(this::secureHeaders);
        app.before(this::requireSignIn);
        app.before(this::requireCsrfToken);
        app.get("/login", ctx -> login(ctx, HttpStatus.OK, ""));
        app.post("/login", this::signIn);
        app.post("/logout", this::signOut);
        app.get("/", ctx -> page(ctx, "index.html", "text/html; charset=utf-8"));
        app.get("/app.js", ctx -> page(ctx, "app.js", "text/javascript; charset=utf-8"));
        app.get("/app.css", ctx -> page(ctx, "app.css", "text/css; charset=utf-8"));
        app.get("/api/me", ctx -> ctx.json(Map.of("name", who(ctx).name(), "csrfToken", who(ctx).csrfToken(), "classNames", desk.classNames())));
        app.get("/api/next", ctx -> ctx.json(desk.next(who(ctx), ctx.queryParamAsClass("n", Integer.class).getOrDefault(5),
                LabelDesk.Source.parse(ctx.queryParam("source")))));
        app.get("/api/stats", ctx -> ctx.json(desk.stats(who(ctx))));
        app.get("/api/images/{id}", this::image);
        app.post("/api/labels", this::answer);
        app.post("/api/undo", this::undo);
        app.post("/api/skip", ctx -> {
            desk.skip(who(ctx), body(ctx, Skip.class).imageId());
            ctx.json(Map.of("skipped", true));
        });
        app.exception(LabelDesk.BadInputException.class, (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST).json(error(e.getMessage())));
        app.exception(LabelWriter.LabelNotSavedException.class, (e, ctx) -> {
            log.warn("a label was not saved: {}", e.getMessage());
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(error("not saved, try again: " + e.getMessage()));
        });
    }

    LabelerApp start(String host, int port) {
        app.start(host, port);
        return this;
    }

    int port() {
        return app.port();
    }

    private void secureHeaders(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; "
                + "frame-ancestors 'none'; form-action 'self'");
        ctx.header("Cache-Control", "no-store");
    }

    private void requireSignIn(Context ctx) {
        if (PUBLIC.contains(ctx.path()) || signedIn(ctx).isPresent()) {
            return;
        }
        if (ctx.method().name().equals("GET") && !ctx.path().startsWith("/api/")) {
            login(ctx, HttpStatus.UNAUTHORIZED, "Sign in to label.");
        } else {
            ctx.status(HttpStatus.UNAUTHORIZED).json(error("sign in first"));
        }
        ctx.skipRemainingHandlers();
    }

    private void requireCsrfToken(Context ctx) {
        if (!ctx.method().name().equals("POST") || ctx.status() == HttpStatus.UNAUTHORIZED) {
            return;
        }
        String expected;
        String given;
        if (ctx.path().equals("/login")) {
            HttpSession session = ctx.req().getSession(false);
            expected = session == null ? null : (String) session.getAttribute(LOGIN_CSRF);
            given = ctx.formParam("csrfToken");
        } else {
            expected = signedIn(ctx).map(AnnotatorSession::csrfToken).orElse(null);
            given = ctx.header(CSRF_HEADER);
        }
        if (expected == null || given == null
                || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
            if (ctx.path().equals("/login")) {
                login(ctx, HttpStatus.FORBIDDEN, "The sign-in form expired; try again.");
            } else {
                ctx.status(HttpStatus.FORBIDDEN).json(error("missing or wrong " + CSRF_HEADER));
            }
            ctx.skipRemainingHandlers();
        }
    }

    private void login(Context ctx, HttpStatus status, String message) {
        HttpSession session = ctx.req().getSession(true);
        String token = (String) session.getAttribute(LOGIN_CSRF); // one per session: a second tab's form stays valid
        if (token == null) {
            token = AnnotatorSession.token();
            session.setAttribute(LOGIN_CSRF, token);
        }
        ctx.status(status).contentType("text/html; charset=utf-8")
                .result(loginPage.replace("{{csrfToken}}", token).replace("{{message}}", escape(message)));
    }

    private void signIn(Context ctx) throws InterruptedException {
        String name = ctx.formParam("username");
        String password = ctx.formParam("password");
        if (name == null || password == null || name.length() > 64 || password.length() > 1024) {
            login(ctx, HttpStatus.BAD_REQUEST, "Name and password, please.");
            return;
        }
        if (!signIns.tryAcquire(5, TimeUnit.SECONDS)) {
            login(ctx, HttpStatus.TOO_MANY_REQUESTS, "Too many sign-ins at once; try again in a moment.");
            return;
        }
        Optional<String> who;
        try {
            who = accounts.authenticate(name, password.toCharArray());
        } finally {
            signIns.release();
        }
        if (who.isEmpty()) {
            log.info("failed sign-in for '{}' from {}", name.replaceAll("[^A-Za-z0-9._@-]", "?"), ctx.ip());
            login(ctx, HttpStatus.UNAUTHORIZED, "Wrong name or password.");
            return;
        }
        ctx.req().changeSessionId(); // a new id once signed in: a planted session id is worthless
        HttpSession session = ctx.req().getSession(false);
        session.removeAttribute(LOGIN_CSRF);
        session.setAttribute(ANNOTATOR, new AnnotatorSession(who.get()));
        log.info("{} signed in", who.get());
        ctx.redirect("/", HttpStatus.SEE_OTHER);
    }

    private void signOut(Context ctx) {
        HttpSession session = ctx.req().getSession(false);
        if (session != null) {
            session.invalidate();
        }
        ctx.json(Map.of("signedOut", true));
    }

    private void page(Context ctx, String name, String type) {
        ctx.contentType(type).result(pages.get(name));
    }

    private void image(Context ctx) {
        Optional<byte[]> png = desk.png(who(ctx), ctx.pathParam("id"));
        if (png.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).json(error("no such image offered to you"));
            return;
        }
        ctx.contentType("image/png").result(png.get());
    }

    private void answer(Context ctx) throws LabelWriter.LabelNotSavedException {
        Answer a = body(ctx, Answer.class);
        if (a.classIndex() == null) {
            throw new LabelDesk.BadInputException("classIndex is required");
        }
        Label label = desk.answer(who(ctx), a.imageId(), a.classIndex());
        ctx.json(Map.of("imageId", label.getImageId(), "classIndex", label.getClassIndex(), "annotator", label.getAnnotator(),
                "requested", label.getRequested()));
    }

    private void undo(Context ctx) throws LabelWriter.LabelNotSavedException {
        Optional<LabelDesk.Item> item = desk.undo(who(ctx));
        if (item.isEmpty()) {
            ctx.status(HttpStatus.CONFLICT).json(error("nothing to undo"));
        } else {
            ctx.json(item.get());
        }
    }

    private <T> T body(Context ctx, Class<T> type) {
        try {
            return json.readValue(ctx.bodyAsBytes(), type);
        } catch (IOException e) {
            throw new LabelDesk.BadInputException("malformed JSON body: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
    }

    private static Optional<AnnotatorSession> signedIn(Context ctx) {
        HttpSession session = ctx.req().getSession(false);
        return session == null ? Optional.empty() : Optional.ofNullable((AnnotatorSession) session.getAttribute(ANNOTATOR));
    }

    private static AnnotatorSession who(Context ctx) {
        return signedIn(ctx).orElseThrow(() -> new IllegalStateException("requireSignIn lets no anonymous request through"));
    }

    private static byte[] resource(String name) {
        try (InputStream in = LabelerApp.class.getResourceAsStream("/labeler/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource /labeler/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    @Override
    public void close() {
        app.stop();
    }
}

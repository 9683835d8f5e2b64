package nl.schakel.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.sstore.LocalSessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The console's web server: its own port (127.0.0.1 by default), TLS when a keystore is set. It
 * serves the page and its assets from the classpath (a fixed list, never a folder) and the JSON
 * admin API under /console/api ({@link ConsoleApi}). Logins make a session (cookie HttpOnly,
 * SameSite=Strict, Secure under TLS, a new id at login); every POST but the login must carry the
 * session's CSRF token in the X-CSRF-Token header. Coordinators reach the regional flows only.
 */
public final class ConsoleServer {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    static final String USER = "user";
    static final String ROLE = "role";
    static final String CSRF = "csrf";
    private static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
    /** The assets, by the name the page asks for: classpath resource and media type. */
    private static final Map<String, String[]> ASSETS = Map.of(
            "app.js", new String[]{"console/app.js", "text/javascript; charset=utf-8"},
            "style.css", new String[]{"console/style.css", "text/css; charset=utf-8"},
            "echarts.min.js", new String[]{"META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js", "text/javascript; charset=utf-8"});

    /** Where and how the console listens. */
    public record Options(String host, int port, String keystore, String keystorePassword, long sessionTimeoutMs) {
        boolean tls() {
            return keystore != null && !keystore.isBlank();
        }
    }

    static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private final Options options;
    private final ConsoleAccounts accounts;
    private final ConsoleApi api;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Buffer> assets = new java.util.concurrent.ConcurrentHashMap<>();
    private Vertx vertx;
    private HttpServer server;

    public ConsoleServer(Options options, ConsoleAccounts accounts, ConsoleApi api) {
        this.options = options;
        this.accounts = accounts;
        this.api = api;
    }

    /** Starts listening; returns the port (useful with port 0). */
    public synchronized int start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(4));
        Router router = Router.router(vertx);
        router.route().handler(this::securityHeaders);
        router.route("/console/*").handler(SessionHandler.create(LocalSessionStore.create(vertx))
                .setSessionCookieName("schakel-console").setSessionCookiePath("/console").setCookieHttpOnlyFlag(true)
                .setCookieSameSite(CookieSameSite.STRICT).setCookieSecureFlag(options.tls()).setLazySession(true)
                .setSessionTimeout(options.sessionTimeoutMs()));
        router.route("/console/api/*").handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
        router.get("/").handler(ctx -> redirect(ctx, "/console/"));
        // Vert.x matches /console and /console/ alike: the page's relative links want the slash
        router.get("/console/").blockingHandler(ctx -> {
            if (!ctx.request().path().endsWith("/")) {
                redirect(ctx, "/console/");
                return;
            }
            ctx.next();
        }, false);
        router.get("/console/").blockingHandler(ctx -> asset(ctx, "console/index.html", "text/html; charset=utf-8"), false);
        router.get("/console/assets/:name").blockingHandler(ctx -> {
            String[] asset = ASSETS.get(ctx.pathParam("name"));
            if (asset == null) {
                error(ctx, 404, "not found");
            } else {
                asset(ctx, asset[0], asset[1]);
            }
        }, false);
        router.post("/console/api/login").blockingHandler(this::login, false);
        router.route("/console/api/*").handler(this::requireLogin);
        router.post("/console/api/*").handler(this::requireCsrfToken);
        router.get("/console/api/session").handler(ctx -> json(ctx, 200, session(ctx.session())));
        router.post("/console/api/logout").handler(ctx -> {
            ctx.session().destroy();
            ctx.response().setStatusCode(204).end();
        });
        api.mount(router);
        router.route("/console/api/*").handler(ctx -> error(ctx, 404, "no such API path"));
        router.route().last().handler(ctx -> error(ctx, 404, "not found"));

        HttpServerOptions serverOptions = new HttpServerOptions().setHost(options.host()).setPort(options.port());
        if (options.tls()) {
            serverOptions.setSsl(true).setKeyCertOptions(new PfxOptions().setPath(options.keystore()).setPassword(options.keystorePassword()));
        }
        server = vertx.createHttpServer(serverOptions).requestHandler(router).listen().toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        LOG.info("Console at {}://{}:{}/console/", options.tls() ? "https" : "http", options.host(), server.actualPort());
        return server.actualPort();
    }

    public synchronized void stop() {
        if (vertx != null) {
            CompletableFuture<Void> closed = vertx.close().toCompletionStage().toCompletableFuture();
            try {
                closed.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Console did not stop cleanly: {}", e.getClass().getSimpleName());
            }
            vertx = null;
        }
    }

    private void securityHeaders(RoutingContext ctx) {
        ctx.response().putHeader("Content-Security-Policy", SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cache-Control", "no-store");
        if (options.tls()) {
            ctx.response().putHeader("Strict-Transport-Security", "max-age=31536000");
        }
        ctx.next();
    }

    private void login(RoutingContext ctx) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body().asString() == null ? "{}" : ctx.body().asString());
        } catch (IOException e) {
            error(ctx, 400, "a login is JSON: {\"user\": ..., \"password\": ...}");
            return;
        }
        String source = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
        ConsoleAccounts.Login login = accounts.login(body.path("user").asText(null), body.path("password").asText(null), source);
        if (login instanceof ConsoleAccounts.Login.Throttled) {
            error(ctx, 429, "too many failed logins; try again later");
        } else if (login instanceof ConsoleAccounts.Login.Accepted accepted) {
            // a new session id at login: a session id planted before the login is worth nothing
            Session session = ctx.session().regenerateId();
            session.put(USER, accepted.user().name());
            session.put(ROLE, accepted.user().role().value());
            session.put(CSRF, token());
            LOG.info("Console login of {} ({})", accepted.user().name(), accepted.user().role().value());
            json(ctx, 200, session(session));
        } else {
            error(ctx, 401, "unknown user or wrong password");
        }
    }

    private void requireLogin(RoutingContext ctx) {
        Session session = ctx.session();
        String user = session == null ? null : session.get(USER);
        // an account removed from the file since the login no longer counts
        if (user == null || accounts.role(user).isEmpty()) {
            error(ctx, 401, "log in first");
            return;
        }
        ctx.next();
    }

    private void requireCsrfToken(RoutingContext ctx) {
        String expected = ctx.session().get(CSRF);
        String given = ctx.request().getHeader(CSRF_HEADER);
        if (expected == null || given == null || !MessageDigest.isEqual(expected.getBytes(), given.getBytes())) {
            error(ctx, 403, "missing or wrong " + CSRF_HEADER + " header");
            return;
        }
        ctx.next();
    }

    private static Map<String, Object> session(Session session) {
        return Map.of("user", session.get(USER), "role", session.get(ROLE), "csrfToken", session.get(CSRF));
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void asset(RoutingContext ctx, String resource, String type) {
        Buffer content = assets.computeIfAbsent(resource, r -> {
            try (InputStream in = ConsoleServer.class.getClassLoader().getResourceAsStream(r)) {
                return in == null ? null : Buffer.buffer(in.readAllBytes());
            } catch (IOException e) {
                return null;
            }
        });
        if (content == null) {
            error(ctx, 404, "not found");
            return;
        }
        // the assets change only with a new version of the gateway
        ctx.response().putHeader("Content-Type", type).putHeader("Cache-Control", resource.endsWith(".html") ? "no-store" : "private, max-age=3600")
                .end(content);
    }

    private static void redirect(RoutingContext ctx, String to) {
        ctx.response().setStatusCode(302).putHeader("Location", to).end();
    }

    static void json(RoutingContext ctx, int status, Object value) {
        try {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Buffer.buffer(JSON.writeValueAsBytes(value)));
        } catch (IOException e) {
            ctx.fail(e);
        }
    }

    static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, Map.of("error", message));
    }
}

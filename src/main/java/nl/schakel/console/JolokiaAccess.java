package nl.schakel.console;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.impl.BlockingHandlerDecorator;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.plugin.DefaultJolokiaPlatformHttpPlugin;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jolokia on the management port (/observe/jolokia), so an operator's Hawtio can attach, behind
 * the operators' console login: HTTP Basic with a console operator account (Hawtio sends it), the
 * same throttle on failures. A login that succeeded is remembered for a minute by a digest of its
 * header, so Hawtio's polling does not pay for the password hash on every request. Camel's own
 * switch (camel.management.jolokia-enabled) stays off: it would serve Jolokia without a login.
 */
public final class JolokiaAccess {
    private static final Logger LOG = LoggerFactory.getLogger(JolokiaAccess.class);
    private static final long REMEMBER_NANOS = 60_000_000_000L;
    public static final String PATH = "/observe/jolokia";

    private final ConsoleAccounts accounts;
    private final Map<String, Long> recent = new ConcurrentHashMap<>();

    public JolokiaAccess(ConsoleAccounts accounts) {
        this.accounts = accounts;
    }

    /** Mounts Jolokia on the management server's router, the login in front of it. */
    @SuppressWarnings("unchecked")
    public void mount(CamelContext context) throws Exception {
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        if (management == null) {
            LOG.warn("No management server (camel.management.enabled=false): no Jolokia");
            return;
        }
        DefaultJolokiaPlatformHttpPlugin jolokia = new DefaultJolokiaPlatformHttpPlugin();
        jolokia.setCamelContext(context);
        jolokia.start();
        context.addService(jolokia, true, true);
        VertxPlatformHttpRouter router = management.getRouter();
        router.route(PATH + "/*").handler(BodyHandler.create(false).setBodyLimit(1024 * 1024)).handler(this::requireOperator)
                .handler(new BlockingHandlerDecorator((Handler<RoutingContext>) jolokia.getHandler(), false));
        LOG.info("Jolokia at http://{}:{}{}/ for console operators", management.getHost(), management.getPort(), PATH);
    }

    private void requireOperator(RoutingContext ctx) {
        // a browser that once logged in must not be another site's tool: a page of another origin is refused
        String origin = ctx.request().getHeader("Origin");
        if (origin != null && !sameOrigin(origin, ctx)) {
            ctx.response().setStatusCode(403).end("requests from another origin are refused");
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        if (header != null && header.startsWith("Basic ")) {
            String key = digest(header);
            Long until = recent.get(key);
            if (until != null && until - System.nanoTime() > 0) {
                ctx.next();
                return;
            }
            String[] credentials = decode(header.substring(6));
            if (credentials != null) {
                String source = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
                // the hash takes a while: not on the event loop
                ctx.vertx().executeBlocking(() -> accounts.login(credentials[0], credentials[1], source), false).onComplete(done -> {
                    ConsoleAccounts.Login login = done.succeeded() ? done.result() : new ConsoleAccounts.Login.Refused();
                    if (login instanceof ConsoleAccounts.Login.Accepted accepted && accepted.user().role() == ConsoleAccounts.Role.OPERATOR) {
                        if (recent.size() > 1000) {
                            recent.clear();
                        }
                        recent.put(key, System.nanoTime() + REMEMBER_NANOS);
                        ctx.next();
                    } else if (login instanceof ConsoleAccounts.Login.Accepted) {
                        ctx.response().setStatusCode(403).end("operators only");
                    } else if (login instanceof ConsoleAccounts.Login.Throttled) {
                        ctx.response().setStatusCode(429).end("too many failed logins; try again later");
                    } else {
                        challenge(ctx);
                    }
                });
                return;
            }
        }
        challenge(ctx);
    }

    /** The origin of the management port itself (Hawtio served elsewhere talks to Jolokia from its server, without an Origin). */
    private static boolean sameOrigin(String origin, RoutingContext ctx) {
        String host = ctx.request().getHeader("Host");
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    private static void challenge(RoutingContext ctx) {
        ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"Schakel operators\", charset=\"UTF-8\"")
                .end("log in with a console operator account");
    }

    private static String[] decode(String encoded) {
        try {
            String pair = new String(Base64.getDecoder().decode(encoded.trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon < 0 ? null : new String[]{pair.substring(0, colon), pair.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String digest(String header) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(header.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

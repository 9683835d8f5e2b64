package nl.schakel.http;

import nl.schakel.AfterStart;
import nl.schakel.Settings;
import nl.schakel.broker.BrokerSetup;
import nl.schakel.broker.LoginThrottle;
import nl.schakel.delivery.Formats;
import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import nl.schakel.ledger.Ledger;
import nl.schakel.metrics.MetricsWiring;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Wires the HTTP API (routes/http-api.camel.yaml) on Camel's platform HTTP server (camel.server.*):
 * the institutions' tokens, the rate limit, the inbox on the broker, the bean the routes call, and
 * the request guard in front of the routes. Tokens come from schakel.http.tokens-file; demo tokens
 * demo-&lt;code&gt; only in demo mode with the bundled directory, announced in the log.
 */
public final class HttpWiring {
    private static final Logger LOG = LoggerFactory.getLogger(HttpWiring.class);

    private HttpWiring() {
    }

    public static void install(CamelContext context, Settings settings, Directory directory, String directoryLocation, Ledger ledger,
                               Formats formats, long maxBytes) throws Exception {
        List<String> codes = directory.all().stream().map(Institution::code).toList();
        LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Settings(settings.integer("schakel.http.login.max-failures"),
                settings.integer("schakel.http.login.max-failures-per-source"),
                Duration.ofMillis(settings.number("schakel.http.login.window-ms")),
                Duration.ofMillis(settings.number("schakel.http.login.lockout-ms"))));
        long cacheMs = settings.number("schakel.http.token-cache-ms");
        ApiTokens tokens;
        var file = settings.optional("schakel.http.tokens-file");
        if (file.isPresent()) {
            tokens = ApiTokens.fromFile(Path.of(file.get()), codes, throttle, cacheMs);
        } else if (settings.flag("schakel.demo") && BrokerSetup.DEMO_DIRECTORY.equals(directoryLocation)) {
            tokens = ApiTokens.demo(codes, throttle, cacheMs);
            LOG.info("HTTP API in demo mode: each demo institution's bearer token is demo-<code> (e.g. demo-30AD00)");
        } else {
            // no institution can authenticate: every request is 401 until a tokens file is set
            tokens = ApiTokens.demo(List.of(), throttle, cacheMs);
            LOG.warn("HTTP API without tokens: set schakel.http.tokens-file (java -jar schakel-gateway.jar new-token <code>)");
        }
        RateLimiter rateLimiter = new RateLimiter(Double.parseDouble(settings.text("schakel.http.rate-limit.per-second")),
                settings.integer("schakel.http.rate-limit.burst"));
        JmsComponent jms = context.getComponent("jms", JmsComponent.class);
        HttpInbox inbox = new HttpInbox(jms.getConfiguration().getConnectionFactory());
        // submissions are refused (503) while a guard holds intake (ledger away, disk full) or the operator suspended the sender's
        java.util.function.Function<String, java.util.Optional<String>> intakeHeld = code -> {
            nl.schakel.console.Suspensions suspensions = context.getRegistry().lookupByNameAndType("suspensions",
                    nl.schakel.console.Suspensions.class);
            if (suspensions != null && suspensions.isIntakeSuspended(code)) {
                return java.util.Optional.of("the operator suspended the intake of " + code);
            }
            return nl.schakel.RoutePauses.of(context).why(nl.schakel.RoutePauses.HTTP_INTAKE);
        };
        context.getRegistry().bind("httpApi", new HttpApi(tokens, rateLimiter, ledger, directory, inbox, formats, MetricsWiring.of(context),
                maxBytes, intakeHeld));
        long timeoutMs = settings.number("schakel.http.request-timeout-ms");
        AfterStart.run(context, ctx -> {
            VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(ctx,
                    VertxPlatformHttpRouter.getRouterNameFromPort(settings.integer("camel.server.port")));
            if (router == null) {
                LOG.warn("HTTP API without its request guard: no HTTP server on camel.server.port (camel.server.enabled=false?)");
            } else {
                router.route(HttpApi.BASE_PATH + "/*").order(-100).handler(new RequestGuard(router.vertx(), maxBytes, timeoutMs));
                LOG.info("  HTTP API at http://{}:{}{} (OpenAPI at {}/openapi.json, Swagger UI at {}/docs/)", settings.text("camel.server.host"),
                        router.getServer() == null ? settings.text("camel.server.port") : router.getServer().getPort(), HttpApi.BASE_PATH,
                        HttpApi.BASE_PATH, HttpApi.BASE_PATH);
            }
        });
    }
}

package nl.schakel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

/**
 * The HTTP side of send and status: one request to the gateway's API with the bearer token, and its
 * answer printed (a problem+json body as its title, detail and coded errors). Exit codes: 0 on 200
 * and 202, 1 on any other answer, 3 when the gateway cannot be reached.
 */
final class GatewayClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

    private final ClientOptions options;
    private final CommandSpec spec;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    GatewayClient(ClientOptions options, CommandSpec spec, Schakel root) throws IOException {
        this.options = options;
        this.spec = spec;
        String scheme = options.gateway.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || options.gateway.getHost() == null) {
            throw new ParameterException(spec.commandLine(), "--to needs an http:// or https:// URL, not " + options.gateway);
        }
        if (options.tokenFile != null && !Files.isReadable(options.tokenFile)) {
            throw new ParameterException(spec.commandLine(), "cannot read the token file " + options.tokenFile);
        }
        this.token = options.token(root);
        if (token == null) {
            throw new ParameterException(spec.commandLine(), "no token: give --token-file FILE, set " + ClientOptions.TOKEN_VARIABLE
                    + ", or --demo for a demo gateway");
        }
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(options.resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json, application/problem+json");
    }

    /** The answer, or null after printing why the gateway could not be reached. */
    HttpResponse<String> send(HttpRequest request) throws InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            unreachable(request.uri(), e);
        } catch (IOException e) {
            unreachable(request.uri(), e);
        }
        return null;
    }

    private void unreachable(URI uri, IOException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("Cannot reach the gateway at " + uri.getScheme() + "://" + uri.getAuthority() + ": "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        err.flush();
    }

    /** The body as JSON, or an empty object when it is not JSON. */
    static JsonNode json(HttpResponse<String> response) {
        try {
            JsonNode node = JSON.readTree(response.body());
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** A refusal: the problem's title and detail, and its coded errors when it has them; returns the exit code. */
    int refused(HttpResponse<String> response) {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode problem = json(response);
        StringBuilder b = new StringBuilder("Refused (HTTP ").append(response.statusCode()).append(')');
        text(problem, "title").ifPresent(t -> b.append(": ").append(t));
        out.println(b);
        text(problem, "detail").ifPresent(d -> out.println("  " + d));
        JsonNode errors = problem.path("errors");
        if (errors.isArray()) {
            for (JsonNode e : errors) {
                out.println(ErrorLines.line(text(e, "code").orElse("?"), number(e, "line"), number(e, "column"),
                        text(e, "path").orElse(null), text(e, "message").orElse(null)));
            }
        }
        out.flush();
        return Schakel.INVALID;
    }

    static java.util.Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? java.util.Optional.empty() : java.util.Optional.of(v.asText());
    }

    static Integer number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.canConvertToInt() ? v.asInt() : null;
    }

    /** The scalar fields of an object other than {@code except}, as {@code key=value} pairs. */
    static String otherFields(JsonNode node, java.util.Set<String> except) {
        StringBuilder b = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (except.contains(f.getKey()) || f.getValue().isNull()) {
                continue;
            }
            b.append(' ').append(f.getKey()).append('=').append(f.getValue().isContainerNode() ? f.getValue().toString() : f.getValue().asText());
        }
        return b.toString();
    }
}

package nl.schakel.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A script's view of the console's admin API: real HTTP on the console's port, a cookie jar, the CSRF token. */
final class ConsoleClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    private final String base;
    private String csrfToken;

    record Answer(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + body, e);
            }
        }
    }

    ConsoleClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Answer login(String user, String password) throws Exception {
        Answer answer = send(HttpRequest.newBuilder(URI.create(base + "/console/api/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("user", user).put("password", password).toString())));
        if (answer.status() == 200) {
            csrfToken = answer.json().get("csrfToken").asText();
        }
        return answer;
    }

    Answer get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Answer post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .header("X-CSRF-Token", csrfToken == null ? "" : csrfToken).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Answer post(String path) throws Exception {
        return post(path, "{}");
    }

    /** A POST as a forged cross-site request would make it: the session cookie, but no token. */
    Answer postWithoutToken(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }
}

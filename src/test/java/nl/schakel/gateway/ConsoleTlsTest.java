package nl.schakel.gateway;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With a keystore the console speaks HTTPS only, and its session cookie is Secure. */
class ConsoleTlsTest extends GatewayTestSupport {
    // made at test time, never committed
    private static final String STORE_PASSWORD = UUID.randomUUID().toString();
    private Path keystore;

    @Override
    protected Properties extraProperties() {
        keystore = TestKeystores.make(dataDir.resolve("console.p12"), STORE_PASSWORD);
        return properties("schakel.console.tls.keystore", keystore.toString(), "schakel.console.tls.keystore-password", STORE_PASSWORD);
    }

    @Test
    void the_console_answers_over_https_with_a_secure_cookie_and_not_over_plain_http() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(TestKeystores.trusting(keystore, STORE_PASSWORD)).build();

        HttpResponse<String> login = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + consolePort() + "/console/api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"operator\",\"password\":\"demo-operator\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(200);
        List<String> cookies = login.headers().allValues("Set-Cookie");
        assertThat(cookies).singleElement().asString().containsIgnoringCase("HttpOnly").contains("schakel-console=", "Secure", "SameSite=Strict");
        assertThat(login.headers().firstValue("Strict-Transport-Security")).isPresent();

        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + consolePort()
                + "/console/")).build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }
}

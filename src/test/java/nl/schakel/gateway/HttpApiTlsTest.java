package nl.schakel.gateway;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP API over HTTPS with Camel Main's SSL keys, as the README describes; plain HTTP is refused. */
class HttpApiTlsTest extends GatewayTestSupport {
    // made at test time, never committed
    private static final String STORE_PASSWORD = UUID.randomUUID().toString();
    private Path keystore;

    @Override
    protected Properties extraProperties() {
        keystore = TestKeystores.make(dataDir.resolve("api.p12"), STORE_PASSWORD);
        return properties("camel.ssl.enabled", "true", "camel.ssl.keyStore", "file:" + keystore, "camel.ssl.keystorePassword", STORE_PASSWORD,
                "camel.server.useGlobalSslContextParameters", "true");
    }

    @Test
    void the_api_answers_over_https_and_not_over_plain_http() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(TestKeystores.trusting(keystore, STORE_PASSWORD)).build();
        HttpResponse<String> answer = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + apiPort + "/api/v1/transfers"))
                .header("Authorization", "Bearer demo-30AA00").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"items\"");

        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort
                + "/api/v1/transfers")).header("Authorization", "Bearer demo-30AA00").build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }
}

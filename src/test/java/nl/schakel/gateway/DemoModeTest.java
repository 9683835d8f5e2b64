package nl.schakel.gateway;

import nl.schakel.GatewayConfiguration;
import nl.schakel.broker.Passwords;
import jakarta.jms.JMSSecurityException;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Demo passwords belong to the bundled demo directory only. With a directory of its own the gateway
 * takes passwords from a credentials file, demo mode or not, and without one it does not start.
 */
class DemoModeTest extends GatewayTestSupport {
    static final String DIRECTORY = """
            institutions:
              - { code: 31AA00, name: "ISK (test)", kind: ISK, region: Utrecht, channel: queue, format: xml }
              - { code: 31AB00, name: "VO (test)",  kind: VO,  region: Utrecht, channel: queue, format: xml }
              - { code: 30AA00, name: "ISK (test)", kind: ISK, region: Nijmegen, channel: file, format: xml }
            agreements: []
            """;
    // made at test time, never committed
    private static final String PASSWORD = UUID.randomUUID().toString();

    @Override
    protected Properties extraProperties() {
        try {
            Path directory = Files.writeString(dataDir.resolve("directory.yaml"), DIRECTORY);
            Path credentials = Files.writeString(dataDir.resolve("credentials.properties"),
                    "31AA00 = " + Passwords.hash(PASSWORD.toCharArray()) + "\n");
            // schakel.demo stays true, as it is by default
            return properties("schakel.directory", directory.toString(), "schakel.broker.credentials-file", credentials.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void with_a_directory_of_its_own_the_gateway_takes_passwords_from_the_credentials_file_even_in_demo_mode() throws Exception {
        School.connect(brokerPort, "31AA00", PASSWORD).close();
        assertThatThrownBy(() -> School.connect(brokerPort, "31AA00", "demo-31AA00")).isInstanceOf(JMSSecurityException.class);
        // a queue institution without a line in the file has no login at all
        assertThatThrownBy(() -> School.connect(brokerPort, "31AB00", "demo-31AB00")).isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void demo_mode_with_another_directory_and_no_credentials_file_refuses_to_start_saying_what_to_configure(@TempDir Path dir) throws Exception {
        Path directory = Files.writeString(dir.resolve("directory.yaml"), DIRECTORY);
        Main main = new Main();
        main.configure().addConfiguration(GatewayConfiguration.class);
        Properties overrides = properties("schakel.data-dir", dir.resolve("data").toString(), "schakel.directory", directory.toString(),
                "schakel.demo", "true", "schakel.broker.port", "0", "camel.management.enabled", "false");
        main.setOverrideProperties(overrides);
        try {
            assertThatThrownBy(main::start)
                    .hasStackTraceContaining("schakel.demo=true gives demo passwords only with the bundled directory classpath:demo-directory.yaml")
                    .hasStackTraceContaining("set schakel.broker.credentials-file");
            // it stopped before the broker or the ledger made anything
            assertThat(dir.resolve("data").resolve("broker")).doesNotExist();
            assertThat(dir.resolve("data").resolve("ledger")).doesNotExist();
        } finally {
            main.stop();
        }
    }
}

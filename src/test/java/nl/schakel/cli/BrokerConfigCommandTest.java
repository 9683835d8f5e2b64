package nl.schakel.cli;

import nl.schakel.broker.Passwords;
import nl.schakel.broker.SchakelPasswordCodec;
import org.apache.activemq.artemis.utils.PasswordMaskingUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerConfigCommandTest {
    private static final Map<String, String> GATEWAY_PASSWORD = Map.of("SCHAKEL_BROKER_PASSWORD", "gateway-secret");

    @Test
    void demo_writes_a_login_per_queue_institution_that_the_broker_codec_accepts_with_the_demo_password(@TempDir Path out) throws Exception {
        Cli.Result r = Cli.run(GATEWAY_PASSWORD, "", "broker-config", "--demo", "--out", out.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("4 institution logins", "DEMO passwords", "18 inboxes");
        Properties users = load(out.resolve("artemis-users.properties"));
        assertThat(users.stringPropertyNames()).containsExactlyInAnyOrder("schakel-gateway", "31AA00", "31AB00", "31AE00", "31AF00");
        SchakelPasswordCodec codec = new SchakelPasswordCodec();
        String stored = users.getProperty("31AA00");
        assertThat(PasswordMaskingUtil.isEncMasked(stored)).isTrue();
        assertThat(codec.verify("demo-31AA00".toCharArray(), PasswordMaskingUtil.unwrap(stored))).isTrue();
        assertThat(codec.verify("demo-31AB00".toCharArray(), PasswordMaskingUtil.unwrap(stored))).isFalse();
        assertThat(codec.verify("gateway-secret".toCharArray(), PasswordMaskingUtil.unwrap(users.getProperty("schakel-gateway")))).isTrue();
        assertThat(Files.readString(out.resolve("artemis-users.properties"))).doesNotContain("gateway-secret", "demo-31AA00");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("artemis-users.properties")))).isEqualTo("rw-------");
    }

    @Test
    void roles_give_every_queue_institution_the_sender_role_and_its_own_inbox_role(@TempDir Path out) throws Exception {
        Cli.run(GATEWAY_PASSWORD, "", "broker-config", "--demo", "--gateway-user", "gw", "--out", out.toString());

        Properties roles = load(out.resolve("artemis-roles.properties"));
        assertThat(roles.getProperty("gateway")).isEqualTo("gw");
        assertThat(roles.getProperty("institution")).isEqualTo("31AA00,31AB00,31AE00,31AF00");
        assertThat(roles.getProperty("institution-31AB00")).isEqualTo("31AB00");
        assertThat(roles.getProperty("institution-30AA00")).as("file-channel institutions get no login").isNull();
    }

    @Test
    void security_settings_let_an_institution_send_to_gateway_inbound_and_consume_only_its_own_inbox(@TempDir Path out) throws Exception {
        Cli.run(GATEWAY_PASSWORD, "", "broker-config", "--demo", "--out", out.toString());

        String xml = Files.readString(out.resolve("security-settings.xml"));
        String inbound = setting(xml, "gateway.inbound");
        assertThat(inbound).contains("type=\"send\" roles=\"gateway,institution\"", "type=\"consume\" roles=\"gateway\"",
                "type=\"browse\" roles=\"gateway\"");
        assertThat(setting(xml, "inbox.31AA00")).contains("type=\"consume\" roles=\"gateway,institution-31AA00\"",
                "type=\"send\" roles=\"gateway\"", "type=\"browse\" roles=\"gateway\"");
        assertThat(setting(xml, "inbox.#")).doesNotContain("institution");
        assertThat(xml).doesNotContain("match=\"#\"");
        assertThat(Files.readString(out.resolve("addresses.xml"))).contains("<queue name=\"gateway.inbound\"/>",
                "<queue name=\"inbox.30AA00\"/>", "<queue name=\"inbox.31AA00\"/>", "<queue name=\"gateway.dead-letters\"/>");
    }

    @Test
    void credentials_are_copied_as_the_gateway_stores_them_never_in_plain_text(@TempDir Path tmp) throws Exception {
        Path directory = Files.writeString(tmp.resolve("directory.yaml"), """
                institutions:
                  - { code: 40AA00, name: A, kind: ISK, region: Zwolle, channel: queue }
                  - { code: 40AB00, name: B, kind: VO, region: Zwolle, channel: file }
                """);
        String hash = Passwords.hash("a-long-real-password".toCharArray());
        Path credentials = Files.writeString(tmp.resolve("credentials.properties"), "40AA00 = " + hash + "\n");
        Path out = tmp.resolve("etc");

        Cli.Result r = Cli.run(Map.of(), "typed-gateway-password\n", "broker-config", "--directory", directory.toString(),
                "--credentials", credentials.toString(), "--out", out.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        Properties users = load(out.resolve("artemis-users.properties"));
        assertThat(users.getProperty("40AA00")).isEqualTo("ENC(" + hash + ")");
        assertThat(new SchakelPasswordCodec().verify("typed-gateway-password".toCharArray(),
                PasswordMaskingUtil.unwrap(users.getProperty("schakel-gateway")))).isTrue();
        assertThat(Files.readString(out.resolve("addresses.xml"))).contains("inbox.40AA00", "inbox.40AB00");
        assertThat(Files.readString(out.resolve("security-settings.xml"))).contains("match=\"inbox.40AA00\"").doesNotContain("match=\"inbox.40AB00\"");
    }

    @Test
    void a_credentials_file_with_a_plain_text_password_is_refused(@TempDir Path tmp) throws Exception {
        Path directory = Files.writeString(tmp.resolve("directory.yaml"),
                "institutions:\n  - { code: 40AA00, name: A, kind: ISK, region: Zwolle, channel: queue }\n");
        Path credentials = Files.writeString(tmp.resolve("credentials.properties"), "40AA00 = hunter2\n");

        Cli.Result r = Cli.run(GATEWAY_PASSWORD, "", "broker-config", "--directory", directory.toString(),
                "--credentials", credentials.toString(), "--out", tmp.resolve("etc").toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("not a pbkdf2-sha256 hash").doesNotContain("hunter2");
        assertThat(tmp.resolve("etc")).doesNotExist();
    }

    @Test
    void demo_and_credentials_together_are_a_usage_error(@TempDir Path tmp) {
        Cli.Result r = Cli.run(GATEWAY_PASSWORD, "", "broker-config", "--demo", "--credentials", "x", "--out", tmp.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("mutually exclusive");
    }

    @Test
    void without_a_gateway_password_nothing_is_written(@TempDir Path tmp) {
        Cli.Result r = Cli.run(Map.of(), "", "broker-config", "--demo", "--out", tmp.resolve("etc").toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("SCHAKEL_BROKER_PASSWORD");
        assertThat(tmp.resolve("etc")).doesNotExist();
    }

    private static String setting(String xml, String match) {
        int start = xml.indexOf("match=\"" + match + "\"");
        assertThat(start).as("a security-setting for " + match).isPositive();
        return xml.substring(start, xml.indexOf("</security-setting>", start));
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return p;
    }
}

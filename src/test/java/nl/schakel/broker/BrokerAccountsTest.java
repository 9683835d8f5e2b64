package nl.schakel.broker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrokerAccountsTest {

    @Test
    void a_hashed_password_verifies_and_a_wrong_one_does_not() {
        String hash = Passwords.hash("correct horse".toCharArray());
        assertThat(hash).startsWith("pbkdf2-sha256$").doesNotContain("correct horse");
        assertThat(Passwords.matches("correct horse".toCharArray(), hash)).isTrue();
        assertThat(Passwords.matches("correct hors".toCharArray(), hash)).isFalse();
        assertThat(Passwords.matches("x".toCharArray(), "plain-text")).isFalse();
    }

    @Test
    void institutions_from_a_credentials_file_log_in_with_their_own_password_only(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("credentials.properties");
        Files.writeString(file, "31AA00 = " + Passwords.hash("s3cret-for-31AA00".toCharArray()) + "\n");
        BrokerAccounts accounts = BrokerAccounts.fromFile(file, List.of("31AA00", "31AB00"));
        InstitutionSecurityManager security = new InstitutionSecurityManager(accounts);
        assertThat(security.validateUser("31AA00", "s3cret-for-31AA00")).isTrue();
        assertThat(security.validateUser("31AA00", "demo-31AA00")).isFalse();
        assertThat(security.validateUser("31AB00", "demo-31AB00")).as("no account in the file").isFalse();
    }

    @Test
    void demo_credentials_are_refused_outside_demo_mode(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("credentials.properties");
        Files.writeString(file, "31AA00 = " + Passwords.hash("demo-31AA00".toCharArray()) + "\n");
        assertThatThrownBy(() -> BrokerAccounts.fromFile(file, List.of("31AA00")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("demo credentials are refused");
    }

    @Test
    void a_plain_text_password_or_an_unknown_institution_in_the_file_stops_the_start(@TempDir Path dir) throws Exception {
        Path plain = dir.resolve("plain.properties");
        Files.writeString(plain, "31AA00 = hunter2\n");
        assertThatThrownBy(() -> BrokerAccounts.fromFile(plain, List.of("31AA00"))).hasMessageContaining("not a pbkdf2-sha256 hash");
        Path unknown = dir.resolve("unknown.properties");
        Files.writeString(unknown, "99ZZ00 = " + Passwords.hash("x".toCharArray()) + "\n");
        assertThatThrownBy(() -> BrokerAccounts.fromFile(unknown, List.of("31AA00"))).hasMessageContaining("not an institution");
    }

    @Test
    void an_institution_not_on_the_queue_channel_in_the_credentials_file_stops_the_start(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("credentials.properties");
        Files.writeString(file, "30AA00 = " + Passwords.hash("s3cret-for-30AA00".toCharArray()) + "\n");
        // the gateway passes the institutions whose channel is queue; 30AA00 drops files
        assertThatThrownBy(() -> BrokerAccounts.fromFile(file, List.of("31AA00", "31AB00")))
                .hasMessageContaining("30AA00 is not an institution on the queue channel");
    }
}

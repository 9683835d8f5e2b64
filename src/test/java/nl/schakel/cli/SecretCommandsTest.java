package nl.schakel.cli;

import nl.schakel.broker.Passwords;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecretCommandsTest {
    @Test
    void hash_password_prints_a_hash_of_the_line_on_standard_input_that_verifies() {
        Cli.Result r = Cli.run(Map.of(), "s3cret-for-31AA00\n", "hash-password");

        assertThat(r.exitCode()).isZero();
        String hash = r.out().trim();
        assertThat(hash).startsWith("pbkdf2-sha256$").doesNotContain("s3cret");
        assertThat(Passwords.matches("s3cret-for-31AA00".toCharArray(), hash)).isTrue();
        assertThat(Passwords.matches("s3cret-for-31AA0".toCharArray(), hash)).isFalse();
    }

    @Test
    void hash_token_prints_the_same_kind_of_hash_for_a_token() {
        String token = "mF3s0bVv2n9vS6h7u0l5bqk2cQy2Jx2m4bH8a1Xr5wE";

        Cli.Result r = Cli.run(Map.of(), token + "\r\n", "hash-token");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).doesNotContain(token);
        assertThat(Passwords.matches(token.toCharArray(), r.out().trim())).isTrue();
    }

    @Test
    void hashing_nothing_is_a_usage_error() {
        Cli.Result r = Cli.run(Map.of(), "", "hash-password");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("Nothing to hash");
    }

    @Test
    void new_token_prints_32_fresh_random_bytes_in_base64url() {
        String first = Cli.run("new-token").out().trim();
        String second = Cli.run("new-token").out().trim();

        assertThat(first).matches("[A-Za-z0-9_-]{43}");
        assertThat(Base64.getUrlDecoder().decode(first)).hasSize(32);
        assertThat(second).isNotEqualTo(first);
    }
}

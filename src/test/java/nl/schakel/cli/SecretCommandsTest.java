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
    void new_token_prints_a_token_for_the_institution_and_the_tokens_file_line_that_verifies_it() {
        String[] first = Cli.run("new-token", "30AD00").out().trim().split("\\R");
        String second = Cli.run("new-token", "30AD00").out().trim();

        assertThat(first).hasSize(2);
        String token = first[0].substring("token (for the institution): ".length());
        assertThat(token).matches("30AD00\\.[A-Za-z0-9_-]{43}");
        assertThat(Base64.getUrlDecoder().decode(token.substring(7))).hasSize(32);
        assertThat(first[1]).startsWith("line for schakel.http.tokens-file: 30AD00 = pbkdf2-sha256$");
        assertThat(Passwords.matches(token.toCharArray(), first[1].substring(first[1].indexOf("= ") + 2))).isTrue();
        assertThat(second).doesNotContain(token);
        assertThat(Cli.run("new-token", "nonsense").exitCode()).isEqualTo(2);
    }
}

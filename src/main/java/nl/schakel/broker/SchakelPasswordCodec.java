package nl.schakel.broker;

import org.apache.activemq.artemis.utils.SensitiveDataCodec;

/**
 * Lets a standalone Artemis broker check logins against the gateway's own password hashes
 * ({@code pbkdf2-sha256$...}, {@link Passwords}), so the institutions' credentials file serves the
 * embedded and the standalone broker alike and no plain-text password is ever written. Artemis'
 * PropertiesLoginModule uses it for every {@code ENC(...)} value of artemis-users.properties when
 * login.config names it ({@code org.apache.activemq.jaas.properties.password.codec}); it comes in the
 * {@code broker-plugins} jar (deploy/artemis/README.md). One-way: it hashes and verifies, it never decodes.
 */
public final class SchakelPasswordCodec implements SensitiveDataCodec<String> {
    public SchakelPasswordCodec() {
    }

    @Override
    public String decode(Object hash) {
        throw new UnsupportedOperationException("a password hash cannot be decoded");
    }

    @Override
    public String encode(Object secret) {
        return Passwords.hash(secret.toString().toCharArray());
    }

    @Override
    public boolean verify(char[] password, String hash) {
        return password != null && Passwords.matches(password, hash);
    }
}

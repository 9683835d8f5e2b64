package nl.schakel.broker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Who may log in to the broker: the gateway itself, and one account per institution on the queue
 * channel, whose user name is its code (an institution on the file channel has no broker login).
 * Institution passwords are stored hashed in a credentials file outside the repository
 * ({@code <code> = pbkdf2-sha256$...}); with the bundled demo directory in demo mode each demo
 * institution gets the password {@code demo-<code>} instead, and in a credentials file such a
 * password is refused.
 */
public final class BrokerAccounts {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerAccounts.class);
    public static final String INSTITUTION_ROLE_PREFIX = "institution-";
    public static final String SENDER_ROLE = "institution";

    record Account(String passwordHash, Set<String> roles) {
    }

    private final Map<String, Account> accounts = new HashMap<>();

    /** The gateway's own account. */
    public void addGateway(String user, String password) {
        accounts.put(user, new Account(Passwords.hashInMemory(password.toCharArray()), Set.of(EmbeddedBroker.GATEWAY_ROLE)));
    }

    /** Demo passwords {@code demo-<code>} for these institutions: only ever for the bundled demo directory. */
    public static BrokerAccounts demo(Collection<String> queueInstitutions) {
        BrokerAccounts accounts = new BrokerAccounts();
        for (String code : queueInstitutions) {
            accounts.addInstitution(code, Passwords.hashInMemory(("demo-" + code).toCharArray()));
        }
        LOG.warn("==================================================================================");
        LOG.warn("DEMO MODE: every demo institution on the queue channel logs in to the broker as <code> / demo-<code>.");
        LOG.warn("Never use demo mode with real data: set schakel.demo=false and a credentials file.");
        LOG.warn("==================================================================================");
        return accounts;
    }

    /**
     * Reads hashed institution passwords; refuses institutions that are not on the queue channel in the
     * directory (unknown, or on the file channel), plain-text passwords and demo passwords.
     */
    public static BrokerAccounts fromFile(Path file, Collection<String> queueInstitutions) throws IOException {
        Properties entries = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            entries.load(in);
        }
        BrokerAccounts accounts = new BrokerAccounts();
        for (String code : entries.stringPropertyNames()) {
            String hash = entries.getProperty(code).trim();
            if (!queueInstitutions.contains(code)) {
                throw new IllegalArgumentException(file + ": " + code + " is not an institution on the queue channel in the directory"
                        + " (only those get a broker login): remove its line");
            }
            if (!hash.startsWith("pbkdf2-sha256$")) {
                throw new IllegalArgumentException(file + ": the password of " + code + " is not a pbkdf2-sha256 hash (make one with java -jar schakel-gateway.jar hash-password)");
            }
            accounts.addInstitution(code, hash);
        }
        // each check costs a PBKDF2 derivation (~0.1 s): all cores at once
        entries.stringPropertyNames().parallelStream()
                .filter(code -> Passwords.matches(("demo-" + code).toCharArray(), entries.getProperty(code).trim()))
                .sorted().findFirst().ifPresent(code -> {
                    throw new IllegalArgumentException(file + ": " + code + " has the demo password; demo credentials are refused outside demo mode");
                });
        LOG.info("Broker accounts for {} institutions read from {}", accounts.accounts.size(), file);
        return accounts;
    }

    private void addInstitution(String code, String hash) {
        accounts.put(code, new Account(hash, Set.of(SENDER_ROLE, INSTITUTION_ROLE_PREFIX + code)));
    }

    /**
     * Each institution's stored password hash by code (the gateway's own account left out), sorted: what
     * {@code schakel broker-config} writes for a standalone broker.
     */
    public java.util.SortedMap<String, String> institutionHashes() {
        java.util.SortedMap<String, String> hashes = new java.util.TreeMap<>();
        accounts.forEach((user, account) -> {
            if (!account.roles().contains(EmbeddedBroker.GATEWAY_ROLE)) {
                hashes.put(user, account.passwordHash());
            }
        });
        return hashes;
    }

    Optional<Account> find(String user) {
        return Optional.ofNullable(user == null ? null : accounts.get(user));
    }
}

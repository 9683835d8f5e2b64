package nl.schakel.console;

import nl.schakel.broker.LoginThrottle;
import nl.schakel.broker.Passwords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Who may log in to the console: operators (everything) and coordinators (the regional flows only).
 * Accounts live in a file outside the repository, one per line: {@code <name> = <role>:<hash>} with
 * the hash from {@code java -jar target/schakel-gateway.jar hash-password}. In demo mode
 * without such a file there are two demo accounts, announced in the log. Failed logins are throttled
 * per account and address, and per address.
 */
public final class ConsoleAccounts {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleAccounts.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9._-]{0,63}");

    public enum Role {
        OPERATOR, COORDINATOR;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A logged-in user. */
    public record User(String name, Role role) {
    }

    /** What became of a login. */
    public sealed interface Login {
        record Accepted(User user) implements Login {
        }

        record Refused() implements Login {
        }

        /** Too many failures lately: not even checked. */
        record Throttled() implements Login {
        }
    }

    private record Account(Role role, String passwordHash) {
    }

    private final Map<String, Account> accounts;
    private final LoginThrottle throttle;
    /** A hash to check a password against when the account does not exist, so the answer takes as long. */
    private final String decoy = Passwords.hash("decoy".toCharArray());

    private ConsoleAccounts(Map<String, Account> accounts, LoginThrottle.Settings throttle) {
        this.accounts = accounts;
        this.throttle = new LoginThrottle(throttle);
    }

    /** The demo accounts operator / demo-operator and coordinator / demo-coordinator: demo mode only. */
    public static ConsoleAccounts demo(LoginThrottle.Settings throttle) {
        Map<String, Account> demo = new TreeMap<>();
        demo.put("operator", new Account(Role.OPERATOR, Passwords.hash("demo-operator".toCharArray())));
        demo.put("coordinator", new Account(Role.COORDINATOR, Passwords.hash("demo-coordinator".toCharArray())));
        LOG.warn("==================================================================================");
        LOG.warn("DEMO MODE: the console has the accounts operator / demo-operator and coordinator / demo-coordinator.");
        LOG.warn("Never use demo mode with real data: set schakel.demo=false and schakel.console.accounts-file.");
        LOG.warn("==================================================================================");
        return new ConsoleAccounts(demo, throttle);
    }

    /** Reads the accounts file; refuses unknown roles, plain-text passwords and the demo passwords. */
    public static ConsoleAccounts fromFile(Path file, LoginThrottle.Settings throttle) throws IOException {
        Properties entries = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            entries.load(in);
        }
        Map<String, Account> accounts = new TreeMap<>();
        for (String name : entries.stringPropertyNames()) {
            String value = entries.getProperty(name).trim();
            int colon = value.indexOf(':');
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(file + ": account name '" + name + "' is not lower-case letters, digits, . _ or -");
            }
            Role role;
            try {
                role = colon < 0 ? null : Role.valueOf(value.substring(0, colon).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                role = null;
            }
            if (role == null) {
                throw new IllegalArgumentException(file + ": account " + name + " needs <role>:<hash> with role operator or coordinator");
            }
            String hash = value.substring(colon + 1);
            if (!hash.startsWith("pbkdf2-sha256$")) {
                throw new IllegalArgumentException(file + ": account " + name + " has no password hash (pbkdf2-sha256$...); "
                        + "make one with: java -jar target/schakel-gateway.jar hash-password");
            }
            if (Passwords.matches(("demo-" + name).toCharArray(), hash)) {
                throw new IllegalArgumentException(file + ": account " + name + " has its demo password; choose another");
            }
            accounts.put(name, new Account(role, hash));
        }
        if (accounts.isEmpty()) {
            throw new IllegalArgumentException(file + ": no accounts");
        }
        LOG.info("Console accounts from {}: {} operator(s), {} coordinator(s)", file,
                accounts.values().stream().filter(a -> a.role() == Role.OPERATOR).count(),
                accounts.values().stream().filter(a -> a.role() == Role.COORDINATOR).count());
        return new ConsoleAccounts(accounts, throttle);
    }

    /** Checks a login from an address; the same answer, and about the same time, for an unknown name as for a wrong password. */
    public Login login(String name, String password, String source) {
        Account account = name == null ? null : accounts.get(name);
        String known = account == null ? null : name;
        if (!throttle.allowed(known, source)) {
            return new Login.Throttled();
        }
        boolean matches = Passwords.matches(password == null ? new char[0] : password.toCharArray(),
                account == null ? decoy : account.passwordHash()) && account != null;
        if (!matches) {
            if (throttle.failed(known, source) == LoginThrottle.Outcome.LOCKED_NOW) {
                LOG.warn("Console logins {} locked out for a while after repeated failures", known == null ? "from an address" : "of " + known);
            }
            return new Login.Refused();
        }
        throttle.succeeded(known, source);
        return new Login.Accepted(new User(name, account.role()));
    }

    public Optional<Role> role(String name) {
        return Optional.ofNullable(accounts.get(name)).map(Account::role);
    }
}

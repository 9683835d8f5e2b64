package nl.schakel.broker;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.security.auth.Subject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Authenticates broker logins against {@link BrokerAccounts}; authorises by the roles in the
 * broker's security settings. The broker authenticates every session, and a PBKDF2 check costs
 * milliseconds of CPU on purpose, so a login that verified once is remembered (a SHA-256 of it, in
 * memory) and later sessions of the same login are checked against that.
 * <p>
 * Failed logins are throttled per user and source address ({@link LoginThrottle}): while a user or
 * an address is locked out its logins are refused without the password being looked at. A failure
 * is logged with the account's code (or "an unknown user": what a client typed as a user name may
 * be a password) and the source address, never with the password.
 */
final class InstitutionSecurityManager implements ActiveMQSecurityManager5 {
    private static final Logger LOG = LoggerFactory.getLogger(InstitutionSecurityManager.class);
    private final BrokerAccounts accounts;
    private final LoginThrottle throttle;
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

    InstitutionSecurityManager(BrokerAccounts accounts, LoginThrottle throttle) {
        this.accounts = accounts;
        this.throttle = throttle;
    }

    InstitutionSecurityManager(BrokerAccounts accounts) {
        this(accounts, new LoginThrottle(LoginThrottle.Settings.DEFAULT));
    }

    private boolean verify(String user, String password, BrokerAccounts.Account account) {
        if (password == null) {
            return false;
        }
        byte[] digest = sha256(user + '\u0000' + password);
        byte[] known = verified.get(user);
        if (known != null && MessageDigest.isEqual(known, digest)) {
            return true;
        }
        if (Passwords.matches(password.toCharArray(), account.passwordHash())) {
            verified.put(user, digest);
            return true;
        }
        return false;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        Optional<BrokerAccounts.Account> account = accounts.find(user);
        // only a real account's code is ever written down; anything else a client typed stays unnamed
        String known = account.isPresent() ? user : null;
        String source = source(connection);
        if (!throttle.allowed(known, source)) {
            LOG.debug("Broker login of {} from {} refused unchecked: locked out after repeated failures", named(known), source);
            return null;
        }
        if (account.isEmpty() || !verify(user, password, account.get())) {
            if (throttle.failed(known, source) == LoginThrottle.Outcome.LOCKED_NOW) {
                LOG.warn("Broker login of {} from {} failed too often: logins of that user, or from that address, are refused for {} s",
                        named(known), source, throttle.settings().lockout().toSeconds());
            } else {
                LOG.warn("Broker login of {} from {} failed", named(known), source);
            }
            return null;
        }
        throttle.succeeded(known, source);
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        account.get().roles().forEach(r -> subject.getPrincipals().add(new RolePrincipal(r)));
        return subject;
    }

    private static String named(String account) {
        return account == null ? "an unknown user" : account;
    }

    /** The client's address without its port ("127.0.0.1"), "in-vm" inside the gateway, "unknown" without a connection. */
    static String source(RemotingConnection connection) {
        if (connection == null || connection.getRemoteAddress() == null) {
            return "unknown";
        }
        String address = connection.getRemoteAddress();
        if (address.startsWith("invm:")) {
            return "in-vm";
        }
        if (address.startsWith("/")) {
            address = address.substring(1);
        }
        int colon = address.lastIndexOf(':');
        if (colon > 0 && colon < address.length() - 1 && address.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            address = address.substring(0, colon);
        }
        return address;
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
        if (subject == null) {
            return false;
        }
        Set<String> held = subject.getPrincipals(RolePrincipal.class).stream().map(RolePrincipal::getName).collect(Collectors.toSet());
        return roles.stream().anyMatch(r -> held.contains(r.getName()) && checkType.hasRole(r));
    }

    @Override
    public boolean validateUser(String user, String password) {
        return authenticate(user, password, null, null) != null;
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return authorize(authenticate(user, password, null, null), roles, checkType, null);
    }
}

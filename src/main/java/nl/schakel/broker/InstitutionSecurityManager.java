package nl.schakel.broker;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;

import javax.security.auth.Subject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Authenticates broker logins against {@link BrokerAccounts}; authorises by the roles in the
 * broker's security settings. The broker authenticates every session, and a PBKDF2 check costs
 * milliseconds of CPU on purpose, so a login that verified once is remembered (a SHA-256 of it, in
 * memory) and later sessions of the same login are checked against that.
 */
final class InstitutionSecurityManager implements ActiveMQSecurityManager5 {
    private final BrokerAccounts accounts;
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

    InstitutionSecurityManager(BrokerAccounts accounts) {
        this.accounts = accounts;
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
        return accounts.find(user)
                .filter(a -> verify(user, password, a))
                .map(a -> {
                    Subject subject = new Subject();
                    subject.getPrincipals().add(new UserPrincipal(user));
                    a.roles().forEach(r -> subject.getPrincipals().add(new RolePrincipal(r)));
                    return subject;
                })
                .orElse(null);
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

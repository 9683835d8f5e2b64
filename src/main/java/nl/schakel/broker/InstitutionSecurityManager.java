package nl.schakel.broker;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;

import javax.security.auth.Subject;
import java.util.Set;
import java.util.stream.Collectors;

/** Authenticates broker logins against {@link BrokerAccounts}; authorises by the roles in the broker's security settings. */
final class InstitutionSecurityManager implements ActiveMQSecurityManager5 {
    private final BrokerAccounts accounts;

    InstitutionSecurityManager(BrokerAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        return accounts.find(user)
                .filter(a -> password != null && Passwords.matches(password.toCharArray(), a.passwordHash()))
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

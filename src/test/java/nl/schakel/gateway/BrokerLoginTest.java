package nl.schakel.gateway;

import jakarta.jms.JMSSecurityException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Logins to the gateway's broker over TCP: who gets one, and what repeated failures do. */
class BrokerLoginTest extends GatewayTestSupport {

    @Override
    protected Properties extraProperties() {
        return properties("schakel.broker.login.max-failures", "3", "schakel.broker.login.max-failures-per-source", "6",
                "schakel.broker.login.window-ms", "60000", "schakel.broker.login.lockout-ms", "3000");
    }

    private void refused(String user, String password) {
        assertThatThrownBy(() -> School.connect(brokerPort, user, password).close()).isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void repeated_wrong_passwords_lock_that_institution_out_from_that_address_for_a_while_even_with_the_right_password() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            for (int i = 0; i < 3; i++) {
                refused("31AA00", "guess-" + i);
            }
            // locked out: the right password is not even looked at
            refused("31AA00", "demo-31AA00");
            // another institution from the same address is not
            School.connect(brokerPort, "31AB00").close();
            assertThat(log.text()).contains("Broker login of 31AA00 from 127.0.0.1 failed too often");
        }
        // after the lock-out the right password works again
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> {
                    School.connect(brokerPort, "31AA00").close();
                    return true;
                });
    }

    @Test
    void many_failed_logins_from_one_address_lock_out_every_user_from_it() throws Exception {
        for (int i = 0; i < 3; i++) {
            refused("31AB00", "guess-" + i);
        }
        for (int i = 0; i < 3; i++) {
            // invented user names share one count per address
            refused("99ZZ0" + i, "guess");
        }
        // six failures from 127.0.0.1: an institution that did nothing wrong is refused from there too
        refused("31AA00", "demo-31AA00");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> {
                    School.connect(brokerPort, "31AA00").close();
                    return true;
                });
    }

    @Test
    void failed_logins_are_logged_without_the_password_or_what_was_typed_as_a_user_name() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            refused("31AA00", "Geheim-Wachtwoord-7");
            refused("Wachtwoord-in-het-naamveld", "x");
            assertThat(log.text()).contains("Broker login of 31AA00 from 127.0.0.1 failed", "Broker login of an unknown user from 127.0.0.1 failed")
                    .doesNotContain("Geheim-Wachtwoord-7", "Wachtwoord-in-het-naamveld");
        }
    }

    @Test
    void an_institution_on_the_file_channel_gets_no_broker_login() throws Exception {
        // 30AA00 drops files into its inbox folder: the demo password of a queue institution does not exist for it
        refused("30AA00", "demo-30AA00");
        refused("32AA00", "demo-32AA00");
        School.connect(brokerPort, "31AA00").close();
    }
}

package nl.schakel.broker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong();
    private final LoginThrottle throttle = new LoginThrottle(
            new LoginThrottle.Settings(3, 5, Duration.ofSeconds(60), Duration.ofSeconds(300)), now::get);

    private void later(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void the_third_failure_within_the_window_locks_that_user_out_from_that_address_until_the_lockout_ends() {
        throttle.failed("31AA00", "10.0.0.1");
        assertThat(throttle.failed("31AA00", "10.0.0.1")).isEqualTo(LoginThrottle.Outcome.COUNTED);
        assertThat(throttle.failed("31AA00", "10.0.0.1")).isEqualTo(LoginThrottle.Outcome.LOCKED_NOW);
        assertThat(throttle.allowed("31AA00", "10.0.0.1")).isFalse();
        assertThat(throttle.allowed("31AA00", "10.0.0.2")).as("another address").isTrue();
        assertThat(throttle.allowed("31AB00", "10.0.0.1")).as("another user").isTrue();
        later(Duration.ofSeconds(299));
        assertThat(throttle.allowed("31AA00", "10.0.0.1")).isFalse();
        later(Duration.ofSeconds(2));
        assertThat(throttle.allowed("31AA00", "10.0.0.1")).isTrue();
    }

    @Test
    void failures_further_apart_than_the_window_do_not_add_up() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("31AA00", "10.0.0.1");
            throttle.failed("31AA00", "10.0.0.1");
            later(Duration.ofSeconds(61));
        }
        assertThat(throttle.allowed("31AA00", "10.0.0.1")).isTrue();
    }

    @Test
    void a_successful_login_clears_the_users_failures_but_not_the_addresss() {
        throttle.failed("31AA00", "10.0.0.1");
        throttle.failed("31AA00", "10.0.0.1");
        throttle.succeeded("31AA00", "10.0.0.1");
        throttle.failed("31AA00", "10.0.0.1");
        throttle.failed("31AA00", "10.0.0.1");
        assertThat(throttle.allowed("31AA00", "10.0.0.1")).as("two since the success").isTrue();
        // five from the address in all: everyone from there is locked out
        assertThat(throttle.failed(null, "10.0.0.1")).isEqualTo(LoginThrottle.Outcome.LOCKED_NOW);
        assertThat(throttle.allowed("31AB00", "10.0.0.1")).isFalse();
    }

    @Test
    void invented_user_names_share_one_count_per_address() {
        throttle.failed(null, "10.0.0.1");
        throttle.failed(null, "10.0.0.1");
        throttle.failed(null, "10.0.0.1");
        assertThat(throttle.allowed(null, "10.0.0.1")).isFalse();
        assertThat(throttle.allowed("31AA00", "10.0.0.1")).isTrue();
    }
}

package nl.schakel.broker;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PauseFencePluginTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final PauseFencePlugin fence = new PauseFencePlugin(clock::get);

    PauseFencePluginTest() {
        fence.init(Map.of("pause-ms", "2000", "hold-ms", "5000", "tick-ms", "100"));
    }

    private void advance(long ms) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    private void ticking(long ms) {
        for (long t = 0; t < ms; t += 100) {
            advance(100);
            fence.tick();
        }
    }

    @Test
    void sends_pass_while_the_ticker_keeps_time() {
        ticking(10_000);

        assertThatCode(() -> fence.beforeSend(null, null, null, false, false)).doesNotThrowAnyException();
    }

    @Test
    void a_send_arriving_after_a_freeze_before_the_ticker_ran_is_refused() {
        ticking(1000);
        advance(7000); // SIGSTOP ... SIGCONT: nothing ran

        assertThatThrownBy(() -> fence.beforeSend(null, null, null, false, false)).isInstanceOf(ActiveMQException.class)
                .hasMessageContaining("paused");
        assertThat(fence.fencing()).isTrue();
    }

    @Test
    void sends_are_refused_for_the_hold_after_a_freeze_the_ticker_saw_then_taken_again() {
        ticking(1000);
        advance(7000);
        fence.tick();
        ticking(4000);

        assertThatThrownBy(() -> fence.beforeSend(null, null, null, false, false)).isInstanceOf(ActiveMQException.class);
        ticking(1200);
        assertThatCode(() -> fence.beforeSend(null, null, null, false, false)).doesNotThrowAnyException();
    }

    @Test
    void a_pause_shorter_than_pause_ms_refuses_nothing() {
        ticking(1000);
        advance(1500);
        fence.tick();

        assertThatCode(() -> fence.beforeSend(null, null, null, false, false)).doesNotThrowAnyException();
    }

    @Test
    void a_tick_that_is_not_well_under_the_pause_is_a_configuration_error() {
        assertThatThrownBy(() -> new PauseFencePlugin().init(Map.of("pause-ms", "200", "tick-ms", "100")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tick-ms");
        assertThatThrownBy(() -> new PauseFencePlugin().init(Map.of("hold-ms", "soon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hold-ms");
    }
}

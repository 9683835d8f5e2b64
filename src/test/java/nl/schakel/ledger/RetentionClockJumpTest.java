package nl.schakel.ledger;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Retention on a real H2 ledger, with a wall clock and a monotonic clock the test moves apart. */
class RetentionClockJumpTest {
    private static final Duration TWO_YEARS = Duration.ofDays(730);
    @TempDir
    Path folder;
    private final LedgerContract.TestClock wall = new LedgerContract.TestClock();
    private final AtomicLong monotonic = new AtomicLong(1_000_000_000L);
    private Ledger ledger;
    private Retention retention;

    @BeforeEach
    void setUp() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + folder.resolve("ledger"));
        ledger = new Ledger(ds, wall);
        assertThat(ledger.check()).isTrue();
        retention = new Retention(ledger, folder.resolve("quarantine"), Duration.ofDays(30), TWO_YEARS,
                new ClockWatch(ledger, wall, monotonic::get, Duration.ofHours(1)));
    }

    /** Time passes: both clocks go on. */
    private void pass(Duration d) {
        wall.now = wall.now.plus(d);
        monotonic.addAndGet(d.toNanos());
    }

    /** The wall clock jumps; the monotonic clock sees a second pass. */
    private void jump(Duration d) {
        wall.now = wall.now.plus(d).plusSeconds(1);
        monotonic.addAndGet(Duration.ofSeconds(1).toNanos());
    }

    private void claimed(String messageId) {
        ledger.recordIntake(LedgerContract.accepted("R-" + messageId, "30AA00", messageId, "30AB00"), List.of());
        ledger.claim("30AA00", messageId, "R-" + messageId);
    }

    @Test
    void a_forward_jump_keeps_what_came_before_for_its_full_period_and_is_forgotten_when_that_has_passed() throws Exception {
        claimed("BEFORE");
        pass(Duration.ofDays(10));
        jump(Duration.ofDays(800));
        claimed("AFTER");

        assertThat(retention.run()[1]).isZero();
        assertThat(ledger.find("R-BEFORE")).isPresent();
        assertThat(ledger.clockJumps()).singleElement().satisfies(j -> assertThat(j.size()).isBetween(Duration.ofDays(800), Duration.ofDays(801)));

        // two years after BEFORE was recorded, really: it goes; AFTER stays, and so does the jump (it came ten days later)
        pass(TWO_YEARS.minusDays(9));
        assertThat(retention.run()[1]).isEqualTo(1);
        assertThat(ledger.find("R-BEFORE")).isEmpty();
        assertThat(ledger.find("R-AFTER")).isPresent();
        assertThat(ledger.clockJumps()).hasSize(1);

        // two years after the jump, really: nothing recorded before it is left, so it is forgotten, and AFTER goes by the wall clock
        pass(Duration.ofDays(10));
        retention.run();
        assertThat(ledger.clockJumps()).isEmpty();
        assertThat(retention.run()[1]).isEqualTo(1);
        assertThat(ledger.find("R-AFTER")).isEmpty();
    }

    @Test
    void time_passing_without_a_jump_purges_as_before_and_a_small_step_is_no_jump() throws Exception {
        claimed("OLD");
        pass(TWO_YEARS.plusDays(1));
        jump(Duration.ofMinutes(30));
        claimed("NEW");

        assertThat(retention.run()[1]).isEqualTo(1);
        assertThat(ledger.find("R-OLD")).isEmpty();
        assertThat(ledger.find("R-NEW")).isPresent();
        assertThat(ledger.clockJumps()).isEmpty();
    }

    @Test
    void a_clock_set_back_and_then_right_again_does_not_shorten_retention() throws Exception {
        pass(Duration.ofDays(1));
        // set back 800 days: what is recorded meanwhile is stamped 800 days early
        wall.now = wall.now.minus(Duration.ofDays(800));
        retention.run();
        claimed("WHILE-BEHIND");
        pass(Duration.ofDays(5));
        // and set right: to the wall clock that is a jump forward
        jump(Duration.ofDays(800));

        assertThat(retention.run()[1]).isZero();
        assertThat(ledger.find("R-WHILE-BEHIND")).isPresent();
    }

    @Test
    void a_jump_waits_for_the_operator_until_acknowledged() throws Exception {
        jump(Duration.ofDays(800));
        retention.run();
        assertThat(ledger.clockJumps()).singleElement().extracting(ClockJump::acknowledgedAt).isNull();
        assertThat(ledger.acknowledgeClockJumps()).isEqualTo(1);
        assertThat(ledger.clockJumps()).singleElement().extracting(ClockJump::acknowledgedAt).isNotNull();
    }
}

package nl.schakel.ledger;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ledger suite; it runs against H2 and against a real PostgreSQL server. */
abstract class LedgerContract {
    /** A clock the tests move forward. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-11-02T09:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    protected final TestClock clock = new TestClock();
    protected DataSource dataSource;
    protected Ledger ledger;

    /** A new, empty database for each test. */
    protected abstract DataSource freshDatabase() throws Exception;

    /**
     * Makes the database of this test ({@link #dataSource}) take no more writes, as after a fail-over
     * to a read-only replica: it still answers queries.
     */
    protected abstract void makeReadOnly() throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        dataSource = freshDatabase();
        ledger = new Ledger(dataSource, clock);
        assertThat(ledger.check()).isTrue();
    }

    static Transfer accepted(String id, String sender, String messageId, String receiver) {
        return new Transfer(id, messageId, sender, receiver, "ISK", "VO", "Nijmegen", "Nijmegen", "transfer-dossier-v1",
                "ISK_TO_VO", "file", sender, 8000L, Status.ACCEPTED, null, null);
    }

    static Transfer rejected(String id, String sender, String messageId) {
        return new Transfer(id, messageId, sender, null, null, null, "Nijmegen", null, null, null, "file", sender, 100L,
                Status.REJECTED, null, null);
    }

    @Test
    void keeps_one_row_per_transfer_and_its_timeline_in_order() {
        ledger.recordIntake(accepted("R-1", "30AA00", "M-1", "30AB00"), List.of());
        assertThat(ledger.claim("30AA00", "M-1", "R-1").kind()).isEqualTo(Ledger.Claim.Kind.NEW);
        ledger.markQueued("30AA00", "M-1", "R-1", "inbox.30AB00", OffsetDateTime.ofInstant(clock.now, ZoneOffset.UTC));
        ledger.record("R-1", Status.PICKED_UP, "file outbox/30AB00");
        ledger.record("R-1", Status.ACKNOWLEDGED, "ACCEPTED");

        Transfer t = ledger.find("R-1").orElseThrow();
        assertThat(t.status()).isEqualTo(Status.ACKNOWLEDGED);
        assertThat(t.receiverRegion()).isEqualTo("Nijmegen");
        assertThat(t.sizeBytes()).isEqualTo(8000L);
        assertThat(ledger.timeline("R-1")).extracting(TransferEvent::status)
                .containsExactly(Status.RECEIVED, Status.ACCEPTED, Status.QUEUED, Status.PICKED_UP, Status.ACKNOWLEDGED);
        assertThat(ledger.findByMessageId("M-1")).extracting(Transfer::transferId).containsExactly("R-1");
    }

    @Test
    void a_late_record_of_an_earlier_step_keeps_the_timeline_in_time_order_and_the_status_forward() {
        ledger.recordIntake(accepted("R-1", "30AA00", "M-1", "30AB00"), List.of());
        OffsetDateTime sentAt = OffsetDateTime.ofInstant(clock.now, ZoneOffset.UTC);
        ledger.claim("30AA00", "M-1", "R-1");
        clock.now = clock.now.plusMillis(5);
        // the receiver took the file before the sender's side recorded the send
        ledger.record("R-1", Status.PICKED_UP, "file outbox/30AB00/x.xml");
        clock.now = clock.now.plusMillis(5);
        ledger.markQueued("30AA00", "M-1", "R-1", "inbox.30AB00", sentAt);

        assertThat(ledger.find("R-1").orElseThrow().status()).isEqualTo(Status.PICKED_UP);
        assertThat(ledger.timeline("R-1")).extracting(TransferEvent::status)
                .containsExactly(Status.RECEIVED, Status.ACCEPTED, Status.QUEUED, Status.PICKED_UP);
    }

    @Test
    void a_rejection_keeps_its_error_codes() {
        ledger.recordIntake(rejected("R-2", "30AA00", null), List.of("PARSE-MALFORMED", "XSD-cvc-pattern-valid"));
        assertThat(ledger.timeline("R-2")).last().satisfies(e -> {
            assertThat(e.status()).isEqualTo(Status.REJECTED);
            assertThat(e.detail()).isEqualTo("PARSE-MALFORMED XSD-cvc-pattern-valid");
        });
    }

    @Test
    void records_a_submission_whose_values_do_not_fit_their_columns_without_those_values() {
        String longId = "M-" + "9".repeat(70);
        ledger.recordIntake(new Transfer("R-5", longId, "30AA001", "30AB0099", "ISK", "VOXX", "Nijmegen", "N".repeat(41),
                "transfer-dossier-v1", "ISK_TO_VO_AND_FURTHER_ON", "file", "30AA00", 100L, Status.REJECTED, null, null),
                List.of("XSD-cvc-pattern-valid"));

        Transfer t = ledger.find("R-5").orElseThrow();
        // not cut short: "30AA001" cut to six would be the institution 30AA00
        assertThat(t.messageId()).isNull();
        assertThat(t.sender()).isNull();
        assertThat(t.receiver()).isNull();
        assertThat(t.receiverKind()).isNull();
        assertThat(t.receiverRegion()).isNull();
        assertThat(t.transitionKind()).isNull();
        assertThat(t.senderKind()).isEqualTo("ISK");
        assertThat(t.channelOwner()).isEqualTo("30AA00");
        assertThat(t.status()).isEqualTo(Status.REJECTED);
        assertThat(ledger.isAvailable()).isTrue();
    }

    @Test
    void a_rejection_with_more_error_codes_than_the_detail_holds_keeps_those_that_fit_and_counts_the_rest() {
        List<String> codes = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "XSD-cvc-complex-type.2.4.a-" + i).toList();
        ledger.recordIntake(rejected("R-6", "30AA00", "M-6"), codes);
        String detail = ledger.timeline("R-6").get(1).detail();
        assertThat(detail).hasSizeLessThanOrEqualTo(1000).startsWith("XSD-cvc-complex-type.2.4.a-0 ").matches(".* \\+\\d+ more");
        int shown = detail.split(" ").length - 2;
        assertThat(detail).endsWith(" +" + (100 - shown) + " more");
    }

    @Test
    void a_value_too_long_for_its_column_is_a_data_error_that_leaves_the_ledger_available() {
        assertThatThrownBy(() -> ledger.claim("30AA0099", "M-7", "R-7"))
                .isInstanceOf(IllegalStateException.class)
                .satisfies(e -> {
                    // the database's own text quotes the value: it is not passed on
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain("30AA0099");
                    }
                });
        assertThat(ledger.isAvailable()).isTrue();
        assertThat(ledger.problem()).isEmpty();

        ledger.recordIntake(accepted("R-7", "30AA00", "M-7", "30AB00"), List.of());
        assertThatThrownBy(() -> ledger.record("R-7", Status.PICKED_UP, "x".repeat(1001))).isInstanceOf(IllegalStateException.class);
        assertThat(ledger.isAvailable()).isTrue();
        assertThat(ledger.timeline("R-7")).extracting(TransferEvent::status).containsExactly(Status.RECEIVED, Status.ACCEPTED);
    }

    @Test
    void the_same_input_taken_again_goes_on_in_its_own_row() {
        ledger.recordIntake(accepted("R-8", "30AA00", "M-8", "30AB00"), List.of());
        ledger.markQueued("30AA00", "M-8", "R-8", "inbox.30AB00", OffsetDateTime.ofInstant(clock.now, ZoneOffset.UTC));

        // a restart came before the input was done with: it is recorded again under the same id
        ledger.recordIntake(accepted("R-8", "30AA00", "M-8", "30AB00"), List.of());

        assertThat(ledger.findByMessageId("M-8")).singleElement().extracting(Transfer::status).isEqualTo(Status.QUEUED);
        assertThat(ledger.timeline("R-8")).extracting(TransferEvent::status)
                .containsExactly(Status.RECEIVED, Status.ACCEPTED, Status.QUEUED, Status.RECEIVED, Status.ACCEPTED);
    }

    @Test
    void the_check_reports_a_database_that_answers_but_takes_no_writes() throws Exception {
        ledger.recordIntake(accepted("R-8", "30AA00", "M-8", "30AB00"), List.of());
        assertThat(ledger.check()).isTrue();

        makeReadOnly();

        // still readable
        assertThat(ledger.find("R-8")).isPresent();
        assertThat(ledger.check()).isFalse();
        assertThat(ledger.isAvailable()).isFalse();
        assertThat(ledger.problem()).isPresent();
    }

    @Test
    void a_sent_message_id_is_a_duplicate_for_the_same_sender_only() {
        ledger.recordIntake(accepted("R-1", "30AA00", "M-1", "30AB00"), List.of());
        ledger.claim("30AA00", "M-1", "R-1");
        ledger.markQueued("30AA00", "M-1", "R-1", "inbox.30AB00", OffsetDateTime.ofInstant(clock.now, ZoneOffset.UTC));

        Ledger.Claim again = ledger.claim("30AA00", "M-1", "R-3");
        assertThat(again.kind()).isEqualTo(Ledger.Claim.Kind.SENT);
        assertThat(again.originalTransferId()).isEqualTo("R-1");
        assertThat(ledger.claim("32AA00", "M-1", "R-4").kind()).isEqualTo(Ledger.Claim.Kind.NEW);
    }

    @Test
    void a_claim_whose_send_was_never_confirmed_is_sent_again() {
        ledger.claim("30AA00", "M-9", "R-9");
        // the gateway died between the claim and the broker's confirmation
        assertThat(ledger.claim("30AA00", "M-9", "R-10").kind()).isEqualTo(Ledger.Claim.Kind.UNCONFIRMED);
    }

    @Test
    void a_rejected_attempt_does_not_block_its_corrected_resend() {
        ledger.recordIntake(rejected("R-1", "30AA00", "M-1"), List.of("RULE-AGE-MBO"));
        ledger.recordIntake(accepted("R-2", "30AA00", "M-1", "30AB00"), List.of());
        assertThat(ledger.claim("30AA00", "M-1", "R-2").kind()).isEqualTo(Ledger.Claim.Kind.NEW);
        assertThat(ledger.findByMessageId("M-1")).hasSize(2);
    }

    @Test
    void lists_by_status_sender_receiver_and_time_window_with_paging() {
        for (int i = 0; i < 7; i++) {
            ledger.recordIntake(accepted("R-A" + i, "30AA00", "A" + i, "30AB00"), List.of());
            clock.now = clock.now.plus(Duration.ofMinutes(1));
        }
        OffsetDateTime middle = OffsetDateTime.ofInstant(clock.now, ZoneOffset.UTC);
        for (int i = 0; i < 3; i++) {
            ledger.recordIntake(accepted("R-B" + i, "32AA00", "B" + i, "32AB00"), List.of());
            ledger.recordIntake(rejected("R-C" + i, "32AA00", null), List.of("PARSE-EMPTY"));
            clock.now = clock.now.plus(Duration.ofMinutes(1));
        }

        Page<Transfer> first = ledger.list(TransferQuery.all().withSender("30AA00"), 0, 5);
        assertThat(first.total()).isEqualTo(7);
        assertThat(first.items()).hasSize(5).extracting(Transfer::transferId).startsWith("R-A6", "R-A5");
        assertThat(ledger.list(TransferQuery.all().withSender("30AA00"), 1, 5).items()).extracting(Transfer::transferId).containsExactly("R-A1", "R-A0");
        assertThat(ledger.list(TransferQuery.all().withStatus(Status.REJECTED), 0, 50).total()).isEqualTo(3);
        assertThat(ledger.list(TransferQuery.all().withReceiver("32AB00"), 0, 50).total()).isEqualTo(3);
        assertThat(ledger.list(TransferQuery.all().between(middle, middle.plusHours(1)), 0, 50).total()).isEqualTo(6);
        assertThat(ledger.list(TransferQuery.all().withDocumentType("transfer-dossier-v1"), 0, 50).total()).isEqualTo(10);
        assertThat(ledger.list(TransferQuery.all().withDocumentType("follow-up-v1"), 0, 50).total()).isZero();
    }

    @Test
    void an_operator_retry_puts_a_failed_transfer_back_in_the_flow_and_a_discard_ends_it_for_good() {
        ledger.recordIntake(accepted("R-1", "30AA00", "M-1", "30AB00"), List.of());
        ledger.record("R-1", Status.FAILED, "dead-lettered");

        assertThat(ledger.recordByOperator("R-1", Status.RETRIED, "put back on inbox.30AB00", "jansen")).isTrue();
        assertThat(ledger.find("R-1").orElseThrow().status()).isEqualTo(Status.RETRIED);
        ledger.record("R-1", Status.PICKED_UP, "file outbox/30AB00/x.xml");
        assertThat(ledger.find("R-1").orElseThrow().status()).isEqualTo(Status.PICKED_UP);
        assertThat(ledger.timeline("R-1")).filteredOn(e -> e.status() == Status.RETRIED).singleElement()
                .satisfies(e -> assertThat(e.actor()).isEqualTo("jansen"));

        // a retry of a transfer that did not fail changes where it stands not at all
        ledger.recordIntake(rejected("R-2", "30AA00", "M-2"), List.of("RULE-AGE-ISK"));
        ledger.recordByOperator("R-2", Status.RETRIED, "taken in again as transfer R-3", "jansen");
        assertThat(ledger.find("R-2").orElseThrow().status()).isEqualTo(Status.REJECTED);
        ledger.recordByOperator("R-2", Status.DISCARDED, "SENT_AGAIN", "jansen");
        ledger.record("R-2", Status.ACKNOWLEDGED, "late");
        assertThat(ledger.find("R-2").orElseThrow().status()).isEqualTo(Status.DISCARDED);
        assertThat(ledger.recordByOperator("R-NONE", Status.DISCARDED, "SENT_AGAIN", "jansen")).isFalse();
    }

    @Test
    void a_retry_the_broker_did_not_carry_out_leaves_the_transfer_failed_unless_it_moved_on_meanwhile() {
        ledger.recordIntake(accepted("R-1", "30AA00", "M-1", "30AB00"), List.of());
        ledger.record("R-1", Status.FAILED, "dead-lettered");
        ledger.recordByOperator("R-1", Status.RETRIED, "put back on inbox.30AB00", "jansen");

        assertThat(ledger.undoRetry("R-1", "the broker did not put it back on inbox.30AB00", "jansen")).isTrue();
        assertThat(ledger.find("R-1").orElseThrow().status()).isEqualTo(Status.FAILED);
        assertThat(ledger.timeline("R-1")).extracting(TransferEvent::status).endsWith(Status.RETRIED, Status.FAILED);

        // retried from another gateway and picked up meanwhile: where it stands is not taken back
        ledger.recordByOperator("R-1", Status.RETRIED, "put back on inbox.30AB00", "jansen");
        ledger.record("R-1", Status.PICKED_UP, "consumed from inbox.30AB00");
        assertThat(ledger.undoRetry("R-1", "the broker did not put it back on inbox.30AB00", "jansen")).isFalse();
        assertThat(ledger.find("R-1").orElseThrow().status()).isEqualTo(Status.PICKED_UP);
        assertThat(ledger.undoRetry("R-NONE", "gone", "jansen")).isFalse();
    }

    @Test
    void operators_actions_and_suspensions_are_kept_newest_first() {
        ledger.recordAction("jansen", "suspend-intake", "30AA00", null);
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        ledger.recordAction("jansen", "discard-quarantined", "30AA00~x R-1", "SENT_AGAIN");
        Page<OperatorAction> actions = ledger.actions(0, 10);
        assertThat(actions.total()).isEqualTo(2);
        assertThat(actions.items()).extracting(OperatorAction::action).containsExactly("discard-quarantined", "suspend-intake");
        assertThat(actions.items().get(0).reason()).isEqualTo("SENT_AGAIN");

        ledger.setSuspended("institution:30AA00", "jansen", true);
        ledger.setSuspended("route:delivery-file-30AB00", "jansen", true);
        ledger.setSuspended("institution:30AA00", "jansen", true);
        assertThat(ledger.suspended()).containsExactly("institution:30AA00", "route:delivery-file-30AB00");
        ledger.setSuspended("institution:30AA00", "jansen", false);
        assertThat(ledger.suspended()).containsExactly("route:delivery-file-30AB00");
    }

    @Test
    void the_oldest_transfer_waiting_per_receiver_is_the_oldest_queued_one_of_the_types_asked_for() {
        OffsetDateTime first = OffsetDateTime.ofInstant(clock.now, ZoneOffset.UTC);
        ledger.recordIntake(accepted("R-1", "30AA00", "M-1", "30AB00"), List.of());
        ledger.markQueued("30AA00", "M-1", "R-1", "inbox.30AB00", first);
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        ledger.recordIntake(accepted("R-2", "30AA00", "M-2", "30AB00"), List.of());
        ledger.markQueued("30AA00", "M-2", "R-2", "inbox.30AB00", first);
        ledger.recordIntake(accepted("R-3", "30AA00", "M-3", "32AB00"), List.of());
        ledger.markQueued("30AA00", "M-3", "R-3", "inbox.32AB00", first);
        ledger.record("R-3", Status.PICKED_UP, "file");

        assertThat(ledger.oldestUndelivered(List.of("transfer-dossier-v1"))).containsOnlyKeys("30AB00");
        assertThat(ledger.oldestUndelivered(List.of("transfer-dossier-v1")).get("30AB00").toInstant()).isEqualTo(first.toInstant());
        // only the document types asked for: an acknowledgement is never picked up
        assertThat(ledger.oldestUndelivered(List.of("acknowledgement-v1"))).isEmpty();
    }

    @Test
    void flow_figures_count_by_month_region_kind_and_outcome_and_suppress_counts_under_five() {
        for (int i = 0; i < 6; i++) {
            ledger.recordIntake(accepted("R-V" + i, "30AA00", "V" + i, "30AB00"), List.of());
        }
        for (int i = 0; i < 2; i++) {
            ledger.recordIntake(new Transfer("R-M" + i, "M" + i, "30AA00", "30AC00", "ISK", "MBO", "Nijmegen", "Nijmegen",
                    "transfer-dossier-v1", "ISK_TO_MBO", "file", "30AA00", 9000L, Status.ACCEPTED, null, null), List.of());
        }
        ledger.recordIntake(rejected("R-X", "30AA00", null), List.of("PARSE-EMPTY"));

        List<FlowFigure> figures = ledger.flowFigures(YearMonth.of(2026, 11), YearMonth.of(2026, 11));
        assertThat(figures).contains(
                new FlowFigure("2026-11", "Nijmegen", "ISK", "Nijmegen", "VO", "ACCEPTED", "6"),
                new FlowFigure("2026-11", "Nijmegen", "ISK", "Nijmegen", "MBO", "ACCEPTED", "<5"),
                new FlowFigure("2026-11", "Nijmegen", "?", "unknown", "?", "REJECTED", "<5"));
        assertThat(figures).allSatisfy(f -> assertThat(f.count()).matches("<5|[5-9]|[1-9][0-9]+"));
        assertThat(ledger.flowFigures(YearMonth.of(2026, 12), YearMonth.of(2027, 1))).isEmpty();
    }

    @Test
    void retention_deletes_rows_claims_and_deliveries_older_than_the_period_and_keeps_newer_ones() {
        ledger.recordIntake(accepted("R-OLD", "30AA00", "OLD", "30AB00"), List.of());
        ledger.claim("30AA00", "OLD", "R-OLD");
        ledger.addDelivery("30AB00/dossier/30AA00/OLD");
        clock.now = clock.now.plus(Duration.ofDays(800));
        ledger.recordIntake(accepted("R-NEW", "30AA00", "NEW", "30AB00"), List.of());

        int deleted = ledger.purgeOlderThan(OffsetDateTime.ofInstant(clock.now, ZoneOffset.UTC).minusYears(2));

        assertThat(deleted).isEqualTo(1);
        assertThat(ledger.find("R-OLD")).isEmpty();
        assertThat(ledger.timeline("R-OLD")).isEmpty();
        assertThat(ledger.find("R-NEW")).isPresent();
        assertThat(ledger.claim("30AA00", "OLD", "R-X").kind()).isEqualTo(Ledger.Claim.Kind.NEW);
        assertThat(ledger.hasDelivery("30AB00/dossier/30AA00/OLD")).isFalse();
    }

    @Test
    void a_delivery_is_recorded_once() {
        assertThat(ledger.hasDelivery("30AB00/dossier/30AA00/M-1")).isFalse();
        assertThat(ledger.addDelivery("30AB00/dossier/30AA00/M-1")).isTrue();
        assertThat(ledger.addDelivery("30AB00/dossier/30AA00/M-1")).isFalse();
        assertThat(ledger.hasDelivery("30AB00/dossier/30AA00/M-1")).isTrue();
    }

    @Test
    void migrating_an_older_schema_keeps_its_rows_and_migrating_again_does_nothing() throws Exception {
        DataSource older = freshDatabase();
        Flyway.configure().dataSource(older).locations("classpath:db/ledger").table("ledger_schema_history").target("1").load().migrate();
        try (Connection c = older.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO transfer (transfer_id, channel, status, received_at, received_month, updated_at) "
                    + "VALUES ('R-V1', 'file', 'ACCEPTED', TIMESTAMP WITH TIME ZONE '2026-10-01 10:00:00+00', '2026-10', TIMESTAMP WITH TIME ZONE '2026-10-01 10:00:00+00')");
        }
        Ledger upgraded = new Ledger(older, clock);
        // V2 to V7
        assertThat(upgraded.migrate()).isEqualTo(6);
        assertThat(upgraded.migrate()).isZero();
        assertThat(upgraded.find("R-V1")).isPresent();
        assertThat(upgraded.claim("30AA00", "M-1", "R-V1").kind()).isEqualTo(Ledger.Claim.Kind.NEW);
        try (Connection c = older.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"ledger_schema_history\" WHERE \"success\" = TRUE AND \"type\" = 'SQL'")) {
            rs.next();
            // V1 to V7
            assertThat(rs.getInt(1)).isEqualTo(7);
        }
    }

    // ---- several gateway instances on one ledger (docs/RELIABILITY.md, "More than one instance") ----

    /** A second ledger on the same database, as another gateway process has it, with a lease of its own. */
    private Ledger instance(String id, Duration lease) {
        Ledger other = new Ledger(dataSource, clock).withLease(id, lease);
        other.takeLease();
        return other;
    }

    /** Makes an instance's lease run out by the database's clock, as if it had not renewed it in time. */
    private void expire(String instanceId) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE gateway_instance SET lease_until = CURRENT_TIMESTAMP - INTERVAL '1' SECOND WHERE instance_id = '"
                    + instanceId + "'")).isEqualTo(1);
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void a_claim_confirmation_or_delivery_record_after_the_lease_ran_out_is_refused_and_changes_nothing() throws Exception {
        Ledger a = instance("gw-a", Duration.ofMinutes(1));
        Ledger b = instance("gw-b", Duration.ofMinutes(1));
        assertThat(a.claim("30AA00", "M-1", "R-1").kind()).isEqualTo(Ledger.Claim.Kind.NEW);
        expire("gw-a");

        assertThatThrownBy(() -> a.claim("30AA00", "M-2", "R-2")).isInstanceOf(LeaseExpiredException.class);
        assertThatThrownBy(() -> a.confirm("30AA00", "M-1")).isInstanceOf(LeaseExpiredException.class);
        assertThatThrownBy(() -> a.markQueued("30AA00", "M-1", "R-1", "inbox.30AB00", OffsetDateTime.now(clock)))
                .isInstanceOf(LeaseExpiredException.class);
        assertThatThrownBy(() -> a.addDelivery("30AB00/dossier/30AA00/M-1")).isInstanceOf(LeaseExpiredException.class);
        assertThat(a.renewLease()).isFalse();

        assertThat(count("SELECT COUNT(*) FROM accepted_message WHERE message_id = 'M-2'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM accepted_message WHERE message_id = 'M-1' AND state = 'CLAIMED'")).isEqualTo(1);
        assertThat(ledger.hasDelivery("30AB00/dossier/30AA00/M-1")).isFalse();
        // the other instance, whose lease runs, writes as before
        assertThat(b.claim("30AA00", "M-2", "R-2").kind()).isEqualTo(Ledger.Claim.Kind.NEW);
        assertThat(b.addDelivery("30AB00/dossier/30AA00/M-2")).isTrue();
    }

    @Test
    void a_lease_runs_out_by_the_database_clock_unless_renewed_and_a_new_epoch_makes_writes_possible_again() throws Exception {
        Ledger a = instance("gw-a", Duration.ofMillis(1));
        long first = a.lease().orElseThrow().epoch();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> count("SELECT COUNT(*) FROM gateway_instance WHERE instance_id = 'gw-a' AND lease_until > CURRENT_TIMESTAMP") == 0);

        assertThatThrownBy(() -> a.claim("30AA00", "M-1", "R-1")).isInstanceOf(LeaseExpiredException.class);
        assertThat(a.renewLease()).isFalse();

        a.withLease("gw-a", Duration.ofMinutes(1));
        assertThat(a.takeLease()).isGreaterThan(first);
        assertThat(a.claim("30AA00", "M-1", "R-1").kind()).isEqualTo(Ledger.Claim.Kind.NEW);
        assertThat(a.renewLease()).isTrue();
    }

    @Test
    void writes_under_an_epoch_another_process_replaced_are_refused() {
        Ledger old = instance("gw-a", Duration.ofMinutes(1));
        Ledger restarted = instance("gw-a", Duration.ofMinutes(1));
        assertThat(restarted.lease().orElseThrow().epoch()).isGreaterThan(old.lease().orElseThrow().epoch());

        assertThatThrownBy(() -> old.claim("30AA00", "M-1", "R-1")).isInstanceOf(LeaseExpiredException.class);
        assertThat(old.renewLease()).isFalse();
        assertThat(restarted.claim("30AA00", "M-1", "R-1").kind()).isEqualTo(Ledger.Claim.Kind.NEW);
    }

    @Test
    void a_claim_of_a_live_instance_is_held_and_one_left_by_an_expired_epoch_is_taken_over_once() throws Exception {
        Ledger a = instance("gw-a", Duration.ofMinutes(1));
        Ledger b = instance("gw-b", Duration.ofMinutes(1));
        Ledger c = instance("gw-c", Duration.ofMinutes(1));
        ledger.recordIntake(accepted("R-1", "30AA00", "M-1", "30AB00"), List.of());
        assertThat(a.claim("30AA00", "M-1", "R-1").kind()).isEqualTo(Ledger.Claim.Kind.NEW);

        // a is alive: the claim is its own to send
        assertThat(b.claim("30AA00", "M-1", "R-1").kind()).isEqualTo(Ledger.Claim.Kind.HELD);
        assertThat(a.claim("30AA00", "M-1", "R-1").kind()).isEqualTo(Ledger.Claim.Kind.UNCONFIRMED);

        expire("gw-a");
        Ledger.Claim taken = b.claim("30AA00", "M-1", "R-1");
        assertThat(taken.kind()).isEqualTo(Ledger.Claim.Kind.UNCONFIRMED);
        assertThat(taken.originalTransferId()).isEqualTo("R-1");
        assertThat(count("SELECT COUNT(*) FROM accepted_message WHERE message_id = 'M-1' AND owner_instance = 'gw-b'")).isEqualTo(1);
        // taken over once: now b holds it, live, and a third instance waits
        assertThat(c.claim("30AA00", "M-1", "R-1").kind()).isEqualTo(Ledger.Claim.Kind.HELD);

        b.markQueued("30AA00", "M-1", "R-1", "inbox.30AB00", OffsetDateTime.now(clock));
        // a, back from its pause, can change nothing; it finds the message sent when it has a new epoch
        assertThatThrownBy(() -> a.confirm("30AA00", "M-1")).isInstanceOf(LeaseExpiredException.class);
        a.takeLease();
        assertThat(a.claim("30AA00", "M-1", "R-1").kind()).isEqualTo(Ledger.Claim.Kind.SENT);
        assertThat(ledger.find("R-1").orElseThrow().status()).isEqualTo(Status.QUEUED);
    }

    @Test
    void a_claim_a_live_instance_gave_up_is_taken_over_once_it_is_older_than_the_claim_timeout() {
        // a's send failed over a broker fail-over and its exchange rolled back; the broker handed the message
        // to b. a is alive and renews its lease, but will not come back to this claim
        Ledger a = new Ledger(dataSource, clock).withLease("gw-a", Duration.ofMinutes(1), Duration.ofSeconds(5));
        a.takeLease();
        Ledger b = new Ledger(dataSource, clock).withLease("gw-b", Duration.ofMinutes(1), Duration.ofSeconds(5));
        b.takeLease();
        ledger.recordIntake(accepted("R-1", "30AA00", "M-1", "30AB00"), List.of());
        assertThat(a.claim("30AA00", "M-1", "R-1").kind()).isEqualTo(Ledger.Claim.Kind.NEW);
        clock.now = clock.now.plusSeconds(4);
        assertThat(b.claim("30AA00", "M-1", "R-1").kind()).as("young: still a's").isEqualTo(Ledger.Claim.Kind.HELD);

        clock.now = clock.now.plusSeconds(2);
        Ledger.Claim taken = b.claim("30AA00", "M-1", "R-1");
        assertThat(taken.kind()).isEqualTo(Ledger.Claim.Kind.UNCONFIRMED);
        assertThat(taken.originalTransferId()).isEqualTo("R-1");
        // taken over once, and young again: a now finds it b's
        assertThat(a.claim("30AA00", "M-1", "R-1").kind()).isEqualTo(Ledger.Claim.Kind.HELD);
        b.markQueued("30AA00", "M-1", "R-1", "inbox.30AB00", OffsetDateTime.ofInstant(clock.now, ZoneOffset.UTC));
        assertThat(a.claim("30AA00", "M-1", "R-1").kind()).isEqualTo(Ledger.Claim.Kind.SENT);
    }

    @Test
    void a_claim_written_without_a_lease_is_taken_over_by_an_instance_with_one() {
        assertThat(ledger.claim("30AA00", "M-1", "R-1").kind()).isEqualTo(Ledger.Claim.Kind.NEW);
        Ledger a = instance("gw-a", Duration.ofMinutes(1));
        assertThat(a.claim("30AA00", "M-1", "R-1").kind()).isEqualTo(Ledger.Claim.Kind.UNCONFIRMED);
    }

    @Test
    void retention_forgets_instances_dead_for_a_day_and_keeps_the_living() throws Exception {
        instance("gw-a", Duration.ofMinutes(1));
        instance("gw-b", Duration.ofMinutes(1));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE gateway_instance SET lease_until = CURRENT_TIMESTAMP - INTERVAL '2' DAY WHERE instance_id = 'gw-a'");
        }
        ledger.forgetDeadInstances(Duration.ofDays(1));
        ledger.forgetDeadInstances(Duration.ofDays(1));
        assertThat(count("SELECT COUNT(*) FROM gateway_instance WHERE instance_id = 'gw-a'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM gateway_instance WHERE instance_id = 'gw-b'")).isEqualTo(1);
    }

    @Test
    void two_holders_of_the_shared_file_lock_one_gets_a_file_the_other_only_after_the_first_died_and_its_lock_expired() throws Exception {
        org.apache.camel.CamelContext context = new org.apache.camel.impl.DefaultCamelContext();
        context.start();
        nl.schakel.intake.SharedPickup first = new nl.schakel.intake.SharedPickup(dataSource, context, 5000, 100).start();
        nl.schakel.intake.SharedPickup second = new nl.schakel.intake.SharedPickup(dataSource, context, 5000, 100).start();
        try {
            String file = "file:/data/inbox/30AA00/dossier.xml:1234:1700000000:1700000000000/8000";
            assertThat(first.take(file)).isTrue();
            assertThat(second.take(file)).isFalse();
            assertThat(first.take(file)).isFalse();
            // the holder keeps its lock alive
            Object taken = one("SELECT createdAt FROM schakel_file_lock");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !taken.equals(one("SELECT createdAt FROM schakel_file_lock")));
            assertThat(second.take(file)).isFalse();
            // no school's file name in the database
            assertThat(String.valueOf(one("SELECT messageId FROM schakel_file_lock"))).doesNotContain("dossier").hasSize(64);

            first.stop(); // dies: nothing keeps its lock alive
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> second.take(file));
            assertThat(count("SELECT COUNT(*) FROM schakel_file_lock")).isEqualTo(1);

            // given up when done: the same key can be taken again (a file written later under the same name has another key anyway)
            second.release(file);
            assertThat(count("SELECT COUNT(*) FROM schakel_file_lock")).isZero();
            assertThat(second.take(file)).isTrue();
        } finally {
            second.stop();
            context.stop();
        }
    }

    @Test
    void a_file_lock_whose_release_failed_while_the_database_was_away_expires_and_the_file_is_taken_again() throws Exception {
        org.apache.camel.CamelContext context = new org.apache.camel.impl.DefaultCamelContext();
        context.start();
        java.util.concurrent.atomic.AtomicBoolean away = new java.util.concurrent.atomic.AtomicBoolean();
        // the database as the gateway's pool sees it when the server is stopped: no connection to be had
        DataSource flaky = (DataSource) java.lang.reflect.Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, method, args) -> {
                    if (away.get() && method.getName().equals("getConnection")) {
                        throw new java.sql.SQLTransientConnectionException("database away");
                    }
                    try {
                        return method.invoke(dataSource, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        nl.schakel.intake.SharedPickup holder = new nl.schakel.intake.SharedPickup(flaky, context, 1500, 100).start();
        nl.schakel.intake.SharedPickup other = new nl.schakel.intake.SharedPickup(dataSource, context, 1500, 100).start();
        try {
            String file = "file:/data/inbox/30AA00/dossier.xml:1234:1700000000:1700000000000/8000";
            assertThat(holder.take(file)).isTrue();
            away.set(true);
            assertThat(holder.take("file:/data/inbox/30AA00/other.xml:1235:1700000000:1700000000000/8000")).isFalse();
            holder.release(file); // fails quietly: the row stays
            Thread.sleep(300); // keep-alive rounds while the database is away
            away.set(false);
            assertThat(count("SELECT COUNT(*) FROM schakel_file_lock")).isEqualTo(1);
            // the row is no longer kept alive: it expires, and the file is taken again (here by the other instance)
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> other.take(file));
            assertThat(count("SELECT COUNT(*) FROM schakel_file_lock")).isEqualTo(1);
            // given up again, the first instance can take it once more
            other.release(file);
            assertThat(holder.take(file)).isTrue();
        } finally {
            holder.stop();
            other.stop();
            context.stop();
        }
    }

    private Object one(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1);
        }
    }
}

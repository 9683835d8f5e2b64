package nl.schakel.ledger;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The transfer ledger: where each transfer is, the claims that make delivery exactly once, and
 * anonymous flow figures. Plain JDBC on H2 or PostgreSQL; schema by Flyway (db/ledger).
 * It stores codes and ids only.
 */
public final class Ledger {
    /** Cells of the flow figures under this count are shown as "<5". */
    public static final int SMALLEST_SHOWN_COUNT = 5;
    /** Widths of the columns that hold what a message says (db/ledger/V1__transfers.sql, V2__exactly_once.sql). */
    public static final int MESSAGE_ID_WIDTH = 64;
    public static final int INSTITUTION_WIDTH = 6;
    public static final int KIND_WIDTH = 3;
    public static final int REGION_WIDTH = 40;
    public static final int DOCUMENT_TYPE_WIDTH = 64;
    public static final int TRANSITION_KIND_WIDTH = 20;
    public static final int DETAIL_WIDTH = 1000;
    /**
     * The routing fields of a message the ledger stores or looks up, and the width each must fit.
     * Intake rejects a message whose field is wider: it could be neither recorded nor claimed.
     */
    public static final java.util.Map<String, Integer> FIELD_WIDTHS = java.util.Map.of(
            "messageId", MESSAGE_ID_WIDTH, "refersTo", MESSAGE_ID_WIDTH, "sender", INSTITUTION_WIDTH,
            "receiver", INSTITUTION_WIDTH, "transitionKind", TRANSITION_KIND_WIDTH);

    /** The condition that a lease (instance id, epoch: two parameters) is current and runs by the database's clock. */
    private static final String LIVE_LEASE =
            "EXISTS (SELECT 1 FROM gateway_instance g WHERE g.instance_id = ? AND g.epoch = ? AND g.lease_until > CURRENT_TIMESTAMP)";
    /** The end of a lease of a given number of milliseconds (one parameter) from now, by the database's clock. */
    private static final String LEASE_END = "CURRENT_TIMESTAMP + CAST(? AS DOUBLE PRECISION) * INTERVAL '0.001' SECOND";

    private final DataSource dataSource;
    private final Clock clock;
    private volatile boolean migrated;
    /** This process's lease, when it has one: the writes that matter are fenced by it (see {@link #withLease}). */
    private volatile Holder lease;
    /** How long another live instance's claim is left to it before it counts as given up (withLease). */
    private volatile java.time.Duration claimTimeout = java.time.Duration.ofSeconds(5);
    private volatile long leaseMillis;

    /** An instance and the epoch it holds. */
    public record Holder(String instanceId, long epoch) {
    }
    private final LedgerHealth health = new LedgerHealth();

    public Ledger(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /**
     * Makes this ledger the one of a gateway instance that shares the ledger with others
     * (docs/RELIABILITY.md, "More than one instance"): from {@link #takeLease()} on, every claim, claim
     * confirmation and delivery record is written only while this instance's epoch is current and its
     * lease runs by the database's clock, checked in the statement that writes it; otherwise it throws
     * {@link LeaseExpiredException} and writes nothing. Without a lease (tools, tests of one ledger)
     * nothing is fenced.
     */
    public Ledger withLease(String instanceId, java.time.Duration length, java.time.Duration claimTimeout) {
        this.claimTimeout = claimTimeout;
        return withLease(instanceId, length);
    }

    public Ledger withLease(String instanceId, java.time.Duration length) {
        if (instanceId.isEmpty() || instanceId.length() > 64 || length.toMillis() < 1) {
            throw new IllegalArgumentException("an instance id of 1 to 64 characters and a positive lease length");
        }
        this.leaseMillis = length.toMillis();
        this.lease = new Holder(instanceId, 0);
        return this;
    }

    /**
     * Takes a new epoch for this instance, valid for the lease length from now by the database's
     * clock: at start, and after the lease was lost. Every write under an earlier epoch of this
     * instance is refused from now on, and its claims may be taken over.
     */
    public long takeLease() {
        Holder current = requireLease();
        long epoch = inTransaction(c -> {
            if (update(c, "UPDATE gateway_instance SET epoch = epoch + 1, lease_until = " + LEASE_END + ", taken_at = CURRENT_TIMESTAMP"
                    + " WHERE instance_id = ?", leaseMillis, current.instanceId()) == 0) {
                update(c, "INSERT INTO gateway_instance (instance_id, epoch, lease_until, taken_at) VALUES (?, 1, " + LEASE_END
                        + ", CURRENT_TIMESTAMP)", current.instanceId(), leaseMillis);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT epoch FROM gateway_instance WHERE instance_id = ?")) {
                ps.setString(1, current.instanceId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        lease = new Holder(current.instanceId(), epoch);
        return epoch;
    }

    /**
     * Extends the lease by its length from now, by the database's clock; false when it had run out or
     * another epoch replaced it (then only {@link #takeLease()} makes writes possible again).
     */
    public boolean renewLease() {
        Holder current = requireLease();
        return inTransaction(c -> update(c, "UPDATE gateway_instance SET lease_until = " + LEASE_END
                + " WHERE instance_id = ? AND epoch = ? AND lease_until > CURRENT_TIMESTAMP", leaseMillis, current.instanceId(), current.epoch()) == 1);
    }

    /** This instance's id and epoch, when it has a lease. */
    public Optional<Holder> lease() {
        return Optional.ofNullable(lease);
    }

    private Holder requireLease() {
        Holder current = lease;
        if (current == null) {
            throw new IllegalStateException("this ledger has no lease: call withLease first");
        }
        return current;
    }

    /** Whether the lease is current and runs, asked in the transaction of a write that was refused. */
    private static boolean live(Connection c, Holder holder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM gateway_instance WHERE instance_id = ? AND epoch = ? AND lease_until > CURRENT_TIMESTAMP")) {
            ps.setString(1, holder.instanceId());
            ps.setLong(2, holder.epoch());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Applies pending migrations; returns how many were applied. */
    public synchronized int migrate() {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/ledger")
                .table("ledger_schema_history")
                .load()
                .migrate();
        migrated = true;
        return result.migrationsExecuted;
    }

    /**
     * Checks the database (migrating first when needed) and remembers the outcome. The check writes
     * (the heartbeat row), so a database that answers but takes no writes, read-only or full, is
     * reported as unavailable as well as one that cannot be reached.
     */
    public boolean check() {
        try {
            if (!migrated) {
                migrate();
            }
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    if (heartbeat(c, "UPDATE ledger_heartbeat SET checked_at = ? WHERE id = 1") == 0) {
                        heartbeat(c, "INSERT INTO ledger_heartbeat (checked_at, id) VALUES (?, 1)");
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    rollback(c, e);
                    throw e;
                }
            }
            health.up();
            return true;
        } catch (Exception e) {
            health.down(e);
            return false;
        }
    }

    private int heartbeat(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(5);
            ps.setObject(1, now());
            return ps.executeUpdate();
        }
    }

    /** The ledger's database, for what keeps its own tables there (the file channel's shared pick-up lock). */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Closes the connection pool, when the data source is one. */
    public void close() {
        if (dataSource instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                health.down(e);
            }
        }
    }

    public boolean isAvailable() {
        return health.isAvailable();
    }

    /** Why the ledger is unavailable, or empty. */
    public Optional<String> problem() {
        return health.problem();
    }

    /**
     * Records a submission and the outcome of validation: RECEIVED, then ACCEPTED or REJECTED. The
     * same input taken again (its transfer id is derived from it: a restart or a broker redelivery
     * came in between) goes on in the row it already has, never in a second one. A value
     * wider than its column (a rejected message may say anything) is not recorded: stored cut short, a
     * code could look like another institution's. Error codes beyond what the detail holds are counted.
     */
    public void recordIntake(Transfer t, List<String> errorCodes) {
        OffsetDateTime now = now();
        String outcome = errorCodes.isEmpty() ? null : codes(errorCodes);
        inTransaction(c -> {
            if (exists(c, t.transferId())) {
                step(c, t.transferId(), Status.RECEIVED, "taken again", now);
                step(c, t.transferId(), t.status(), outcome, now);
                return null;
            }
            update(c, """
                    INSERT INTO transfer (transfer_id, message_id, sender, receiver, sender_kind, receiver_kind, sender_region,
                      receiver_region, document_type, transition_kind, channel, channel_owner, size_bytes, status, received_at,
                      received_month, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                    t.transferId(), fit(t.messageId(), MESSAGE_ID_WIDTH), fit(t.sender(), INSTITUTION_WIDTH),
                    fit(t.receiver(), INSTITUTION_WIDTH), fit(t.senderKind(), KIND_WIDTH), fit(t.receiverKind(), KIND_WIDTH),
                    fit(t.senderRegion(), REGION_WIDTH), fit(t.receiverRegion(), REGION_WIDTH), fit(t.documentType(), DOCUMENT_TYPE_WIDTH),
                    fit(t.transitionKind(), TRANSITION_KIND_WIDTH), t.channel(), fit(t.channelOwner(), INSTITUTION_WIDTH), t.sizeBytes(),
                    t.status().name(), now, YearMonth.from(now).toString(), now);
            event(c, t.transferId(), Status.RECEIVED, null, now);
            event(c, t.transferId(), t.status(), outcome, now);
            return null;
        });
    }

    /** The value when it fits its column, else nothing. */
    private static String fit(String value, int width) {
        return value == null || value.length() <= width ? value : null;
    }

    /** Error codes separated by spaces, as many as the detail column holds, then how many more there were. */
    static String codes(List<String> errorCodes) {
        String all = String.join(" ", errorCodes);
        if (all.length() <= DETAIL_WIDTH) {
            return all;
        }
        String most = " +" + errorCodes.size() + " more";
        StringBuilder detail = new StringBuilder();
        int shown = 0;
        while (detail.length() + 1 + errorCodes.get(shown).length() + most.length() <= DETAIL_WIDTH) {
            detail.append(shown == 0 ? "" : " ").append(errorCodes.get(shown++));
        }
        return detail.append(" +").append(errorCodes.size() - shown).append(" more").toString().trim();
    }

    /** The outcome of claiming a sender's message id before it is sent. */
    public record Claim(Kind kind, String originalTransferId) {
        public enum Kind {
            /** First time: send it. */
            NEW,
            /** Claimed before but the send was not confirmed (a crash in between): send it again, the broker filters a repeat. */
            UNCONFIRMED,
            /** Sent before: a duplicate. */
            SENT,
            /** Claimed, not yet confirmed, by another gateway instance whose lease is valid: it is sending it now. */
            HELD
        }
    }

    /**
     * Claims a sender's message id for a transfer before it is sent. With a lease (several instances)
     * the claim names its holder, instance and epoch, and is written only under a valid lease; a claim
     * still CLAIMED by another instance whose lease is valid is {@link Claim.Kind#HELD}; one whose
     * holder's epoch was replaced or whose lease ran out is taken over, in one statement that checks
     * both leases, and is then UNCONFIRMED for this instance (sent again; the broker filters a repeat).
     */
    public Claim claim(String sender, String messageId, String transferId) {
        Holder holder = lease;
        return inTransaction(c -> {
            try {
                int inserted = holder == null
                        ? update(c, "INSERT INTO accepted_message (sender, message_id, transfer_id, state, claimed_at) VALUES (?,?,?,'CLAIMED',?)",
                                sender, messageId, transferId, now())
                        : update(c, "INSERT INTO accepted_message (sender, message_id, transfer_id, state, claimed_at, owner_instance, owner_epoch)"
                                + " SELECT ?, ?, ?, 'CLAIMED', ?, g.instance_id, g.epoch FROM gateway_instance g"
                                + " WHERE g.instance_id = ? AND g.epoch = ? AND g.lease_until > CURRENT_TIMESTAMP",
                                sender, messageId, transferId, now(), holder.instanceId(), holder.epoch());
                if (inserted == 1) {
                    return new Claim(Claim.Kind.NEW, transferId);
                }
                // nothing to insert from: the lease is gone
                throw new LeaseExpiredException(holder.instanceId(), holder.epoch());
            } catch (SQLException e) {
                if (!isConstraintViolation(e)) {
                    throw e;
                }
                c.rollback();
            }
            String state;
            String original;
            String ownerInstance;
            long ownerEpoch;
            boolean ownerLive;
            OffsetDateTime claimedAt;
            try (PreparedStatement ps = c.prepareStatement("SELECT a.state, a.transfer_id, a.owner_instance, a.owner_epoch, g.instance_id, a.claimed_at"
                    + " FROM accepted_message a LEFT JOIN gateway_instance g ON g.instance_id = a.owner_instance AND g.epoch = a.owner_epoch"
                    + " AND g.lease_until > CURRENT_TIMESTAMP WHERE a.sender = ? AND a.message_id = ?")) {
                ps.setString(1, sender);
                ps.setString(2, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    state = rs.getString(1);
                    original = rs.getString(2);
                    ownerInstance = rs.getString(3);
                    ownerEpoch = rs.getLong(4);
                    ownerLive = rs.getString(5) != null;
                    claimedAt = rs.getObject(6, OffsetDateTime.class);
                }
            }
            if ("SENT".equals(state)) {
                return new Claim(Claim.Kind.SENT, original);
            }
            if (holder == null || (holder.instanceId().equals(ownerInstance) && holder.epoch() == ownerEpoch)) {
                return new Claim(Claim.Kind.UNCONFIRMED, original);
            }
            // a live holder's claim is held while it is young; an old one is a send that holder gave up (its
            // exchange rolled back, e.g. over a broker fail-over, and the broker handed the message to another
            // instance): taking it over is safe, the broker's duplicate-id cache refuses a second send
            OffsetDateTime staleBefore = now().minus(claimTimeout);
            if (ownerLive && (claimedAt == null || !claimedAt.isBefore(staleBefore))) {
                return new Claim(Claim.Kind.HELD, original);
            }
            // the holder's epoch was replaced, its lease ran out or its claim went stale: taken over, if it still
            // is so and this lease runs
            int taken = update(c, "UPDATE accepted_message SET owner_instance = ?, owner_epoch = ?, claimed_at = ? WHERE sender = ? AND message_id = ?"
                            + " AND state = 'CLAIMED' AND (claimed_at < ? OR NOT EXISTS (SELECT 1 FROM gateway_instance o WHERE o.instance_id = accepted_message.owner_instance"
                            + " AND o.epoch = accepted_message.owner_epoch AND o.lease_until > CURRENT_TIMESTAMP)) AND " + LIVE_LEASE,
                    holder.instanceId(), holder.epoch(), now(), sender, messageId, staleBefore, holder.instanceId(), holder.epoch());
            if (taken == 1) {
                return new Claim(Claim.Kind.UNCONFIRMED, original);
            }
            if (!live(c, holder)) {
                throw new LeaseExpiredException(holder.instanceId(), holder.epoch());
            }
            // another instance took it over or sent it a moment ago: it is that instance's now
            return new Claim(Claim.Kind.HELD, original);
        });
    }

    /** Sets a claim SENT; with a lease only while it is valid (the statement checks), else nothing is written. */
    private void setSent(Connection c, String sender, String messageId) throws SQLException {
        Holder holder = lease;
        if (holder == null) {
            update(c, "UPDATE accepted_message SET state = 'SENT' WHERE sender = ? AND message_id = ?", sender, messageId);
        } else if (update(c, "UPDATE accepted_message SET state = 'SENT' WHERE sender = ? AND message_id = ? AND " + LIVE_LEASE,
                sender, messageId, holder.instanceId(), holder.epoch()) == 0 && !live(c, holder)) {
            throw new LeaseExpiredException(holder.instanceId(), holder.epoch());
        }
    }

    /**
     * The broker took the message (sent at {@code sentAt}): the claim is confirmed and the transfer
     * QUEUED on the receiver's queue. The receiver may have picked it up before this is recorded.
     */
    public void markQueued(String sender, String messageId, String transferId, String queue, OffsetDateTime sentAt) {
        inTransaction(c -> {
            setSent(c, sender, messageId);
            step(c, transferId, Status.QUEUED, queue, sentAt.withOffsetSameInstant(ZoneOffset.UTC));
            return null;
        });
    }

    /** Confirms a claim without a timeline step: the broker had the message from an earlier attempt. */
    public void confirm(String sender, String messageId) {
        inTransaction(c -> {
            setSent(c, sender, messageId);
            return null;
        });
    }

    public void markDuplicate(String transferId, String originalTransferId) {
        inTransaction(c -> {
            step(c, transferId, Status.DUPLICATE, "original " + originalTransferId);
            return null;
        });
    }

    /** Adds a step to the timeline of an existing transfer (picked up, acknowledged, follow-up...). */
    public void record(String transferId, Status status, String detail) {
        inTransaction(c -> {
            step(c, transferId, status, detail);
            return null;
        });
    }

    /** The latest transfer with this message id from sender to receiver that reached the receiver's queue. */
    public Optional<String> findDelivered(String messageId, String sender, String receiver) {
        return query("SELECT * FROM transfer WHERE message_id = ? AND sender = ? AND receiver = ? "
                + "AND status IN ('QUEUED', 'PICKED_UP', 'ACKNOWLEDGED', 'DECLINED', 'FOLLOW_UP_RECEIVED') ORDER BY received_at DESC",
                List.<Object>of(messageId, sender, receiver)).stream().map(Transfer::transferId).findFirst();
    }

    public Optional<Transfer> find(String transferId) {
        return query("SELECT * FROM transfer WHERE transfer_id = ?", List.<Object>of(transferId)).stream().findFirst();
    }

    /** Every submission with this message id, newest first (a rejected attempt and its corrected resend, say). */
    public List<Transfer> findByMessageId(String messageId) {
        return query("SELECT * FROM transfer WHERE message_id = ? ORDER BY received_at DESC, transfer_id", List.<Object>of(messageId));
    }

    public List<TransferEvent> timeline(String transferId) {
        return inTransaction(c -> {
            List<TransferEvent> events = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT status, at, detail, actor FROM transfer_event WHERE transfer_id = ? ORDER BY at, event_id")) {
                ps.setString(1, transferId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(new TransferEvent(Status.valueOf(rs.getString(1)), rs.getObject(2, OffsetDateTime.class), rs.getString(3),
                                rs.getString(4)));
                    }
                }
            }
            return events;
        });
    }

    public Page<Transfer> list(TransferQuery q, int page, int size) {
        if (page < 0 || size < 1 || size > 1000) {
            throw new IllegalArgumentException("page from 0, size 1 to 1000");
        }
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        filter(where, args, "status = ?", q.status() == null ? null : q.status().name());
        filter(where, args, "sender = ?", q.sender());
        filter(where, args, "receiver = ?", q.receiver());
        filter(where, args, "document_type = ?", q.documentType());
        filter(where, args, "channel_owner = ?", q.channelOwner());
        filter(where, args, "received_at >= ?", q.from());
        filter(where, args, "received_at < ?", q.until());
        long total = inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM transfer" + where)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(size);
        pageArgs.add((long) page * size);
        List<Transfer> items = query("SELECT * FROM transfer" + where + " ORDER BY received_at DESC, transfer_id LIMIT ? OFFSET ?", pageArgs);
        return new Page<>(items, page, size, total);
    }

    /**
     * A step an operator took in a transfer's timeline (RETRIED, DISCARDED), with the operator's
     * account name; false when the ledger has no such transfer (purged by retention, say).
     */
    public boolean recordByOperator(String transferId, Status status, String detail, String operator) {
        return inTransaction(c -> {
            Status current = lockedStatus(c, transferId);
            if (current == null) {
                return false;
            }
            step(c, transferId, current, status, detail, now(), operator);
            return true;
        });
    }

    /**
     * Takes back an operator's retry the broker did not carry out: a transfer that still stands
     * RETRIED stands FAILED again; one that has moved on since (picked up after a retry elsewhere)
     * keeps its step. False when nothing was changed.
     */
    public boolean undoRetry(String transferId, String detail, String operator) {
        return inTransaction(c -> {
            if (lockedStatus(c, transferId) != Status.RETRIED) {
                return false;
            }
            step(c, transferId, Status.RETRIED, Status.FAILED, detail, now(), operator);
            return true;
        });
    }

    /** Records what an operator did (retry, discard, suspend, resume, reload) and to what. */
    public void recordAction(String operator, String action, String target, String reason) {
        inTransaction(c -> update(c, "INSERT INTO operator_action (at, operator, action, target, reason) VALUES (?,?,?,?,?)",
                now(), operator, action, target, reason));
    }

    /** Operators' actions, newest first. */
    public Page<OperatorAction> actions(int page, int size) {
        if (page < 0 || size < 1 || size > 1000) {
            throw new IllegalArgumentException("page from 0, size 1 to 1000");
        }
        return inTransaction(c -> {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM operator_action"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
            List<OperatorAction> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT at, operator, action, target, reason FROM operator_action ORDER BY at DESC, action_id DESC LIMIT ? OFFSET ?")) {
                ps.setInt(1, size);
                ps.setLong(2, (long) page * size);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        items.add(new OperatorAction(rs.getObject(1, OffsetDateTime.class), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5)));
                    }
                }
            }
            return new Page<>(items, page, size, total);
        });
    }

    /** Marks a target (a route id, an institution's intake) suspended by an operator, or no longer. */
    public void setSuspended(String target, String operator, boolean suspended) {
        inTransaction(c -> {
            update(c, "DELETE FROM suspension WHERE target = ?", target);
            if (suspended) {
                update(c, "INSERT INTO suspension (target, operator, suspended_at) VALUES (?,?,?)", target, operator, now());
            }
            return null;
        });
    }

    /** What operators have suspended and not resumed. */
    public java.util.Set<String> suspended() {
        return inTransaction(c -> {
            java.util.Set<String> targets = new java.util.TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT target FROM suspension"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    targets.add(rs.getString(1));
                }
            }
            return targets;
        });
    }

    /** Anonymous counts per month, region and kind on both sides, and outcome; cells under 5 shown as "<5". */
    public List<FlowFigure> flowFigures(YearMonth from, YearMonth to) {
        return inTransaction(c -> {
            List<FlowFigure> figures = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT received_month, from_region, from_kind, to_region, to_kind, outcome, COUNT(*) FROM (
                      SELECT received_month,
                             COALESCE(sender_region, 'unknown') AS from_region, COALESCE(sender_kind, '?') AS from_kind,
                             COALESCE(receiver_region, 'unknown') AS to_region, COALESCE(receiver_kind, '?') AS to_kind,
                             CASE WHEN status IN ('REJECTED', 'DUPLICATE', 'DECLINED') THEN status ELSE 'ACCEPTED' END AS outcome
                      FROM transfer WHERE received_month >= ? AND received_month <= ?) t
                    GROUP BY received_month, from_region, from_kind, to_region, to_kind, outcome
                    ORDER BY received_month, from_region, from_kind, to_region, to_kind, outcome""")) {
                ps.setString(1, from.toString());
                ps.setString(2, to.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long n = rs.getLong(7);
                        figures.add(new FlowFigure(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), n < SMALLEST_SHOWN_COUNT ? "<" + SMALLEST_SHOWN_COUNT : Long.toString(n)));
                    }
                }
            }
            return figures;
        });
    }

    /** Deletes ledger rows, claims and delivery records older than the cutoff; returns the transfers deleted. */
    public int purgeOlderThan(OffsetDateTime cutoff) {
        return inTransaction(c -> {
            // their timeline events go with them (ON DELETE CASCADE)
            int deleted = update(c, "DELETE FROM transfer WHERE received_at < ?", cutoff);
            update(c, "DELETE FROM accepted_message WHERE claimed_at < ?", cutoff);
            update(c, "DELETE FROM delivered_message WHERE delivered_at < ?", cutoff);
            return deleted;
        });
    }

    /**
     * Forgets what dead gateway instances left behind: an instance whose lease ended more than
     * {@code after} ago by the database's clock (its claims, if any are still CLAIMED, can be taken
     * over all the same), and file pick-up locks nobody kept alive for that long (their file is gone
     * or was taken over). Safe when every instance runs it: each statement deletes only what no live
     * instance holds, and two runs at once delete the same rows once.
     */
    public int forgetDeadInstances(java.time.Duration after) {
        return inTransaction(c -> update(c, "DELETE FROM gateway_instance WHERE lease_until < CURRENT_TIMESTAMP - CAST(? AS DOUBLE PRECISION)"
                + " * INTERVAL '0.001' SECOND", after.toMillis())
                + update(c, "DELETE FROM schakel_file_lock WHERE createdAt < ?", new java.sql.Timestamp(clock.millis() - after.toMillis())));
    }

    /**
     * For each receiver, when the oldest transfer of these document types that waits on its queue
     * (QUEUED, not yet PICKED_UP) was received. One grouped scan of the transfer table: the metrics
     * run it on an interval, never on a scrape.
     */
    public java.util.Map<String, OffsetDateTime> oldestUndelivered(java.util.Collection<String> documentTypes) {
        if (documentTypes.isEmpty()) {
            return java.util.Map.of();
        }
        String types = String.join(",", java.util.Collections.nCopies(documentTypes.size(), "?"));
        return inTransaction(c -> {
            java.util.Map<String, OffsetDateTime> oldest = new java.util.TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT receiver, MIN(received_at) AS oldest FROM transfer WHERE status = 'QUEUED'"
                    + " AND receiver IS NOT NULL AND document_type IN (" + types + ") GROUP BY receiver")) {
                bind(ps, List.copyOf(documentTypes));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        oldest.put(rs.getString("receiver"), rs.getObject("oldest", OffsetDateTime.class));
                    }
                }
            }
            return oldest;
        });
    }

    /** Records a forward jump of the wall clock (see {@link ClockWatch}). */
    public void recordClockJump(OffsetDateTime before, OffsetDateTime after) {
        inTransaction(c -> update(c, "INSERT INTO clock_jump (before_at, after_at) VALUES (?, ?)",
                before.withOffsetSameInstant(ZoneOffset.UTC), after.withOffsetSameInstant(ZoneOffset.UTC)));
    }

    /** The clock jumps retention still allows for, oldest first. */
    public List<ClockJump> clockJumps() {
        return inTransaction(c -> {
            List<ClockJump> jumps = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT jump_id, before_at, after_at, acknowledged_at FROM clock_jump ORDER BY jump_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    jumps.add(new ClockJump(rs.getLong(1), rs.getObject(2, OffsetDateTime.class), rs.getObject(3, OffsetDateTime.class),
                            rs.getObject(4, OffsetDateTime.class)));
                }
            }
            return jumps;
        });
    }

    /** An operator has seen the clock jumps recorded so far: readiness no longer waits for them (retention still allows for them). */
    public int acknowledgeClockJumps() {
        return inTransaction(c -> update(c, "UPDATE clock_jump SET acknowledged_at = ? WHERE acknowledged_at IS NULL", now()));
    }

    /** Forgets a clock jump once everything recorded before it has expired. */
    void forgetClockJump(long id) {
        inTransaction(c -> update(c, "DELETE FROM clock_jump WHERE jump_id = ?", id));
    }

    /**
     * Records a delivery; false when it was recorded before. With a lease only while it is valid (the
     * statement checks): otherwise {@link LeaseExpiredException} and nothing is recorded, so the
     * caller does not rename its file into the outbox.
     */
    public boolean addDelivery(String key) {
        return addDelivery(key, null);
    }

    /**
     * Records a delivery, once per key: false when it was recorded before. {@code writtenAs} names the
     * attempt's own temporary file (Outbox), so a redelivery after a crash renames that one.
     */
    public boolean addDelivery(String key, String writtenAs) {
        Holder holder = lease;
        return inTransaction(c -> {
            try {
                if (holder == null) {
                    update(c, "INSERT INTO delivered_message (delivery_key, delivered_at, written_as) VALUES (?, ?, ?)", key, now(), writtenAs);
                } else if (update(c, "INSERT INTO delivered_message (delivery_key, delivered_at, written_as) SELECT ?, ?, ? FROM gateway_instance g"
                        + " WHERE g.instance_id = ? AND g.epoch = ? AND g.lease_until > CURRENT_TIMESTAMP",
                        key, now(), writtenAs, holder.instanceId(), holder.epoch()) == 0) {
                    throw new LeaseExpiredException(holder.instanceId(), holder.epoch());
                }
                return true;
            } catch (SQLException e) {
                if (isConstraintViolation(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    /**
     * The recorded delivery of {@code key}: empty when there is none; else the attempt's temporary file
     * suffix it was written as ("" for a delivery recorded before attempts had files of their own).
     */
    public Optional<String> delivery(String key) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT written_as FROM delivered_message WHERE delivery_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1) == null ? "" : rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    public boolean hasDelivery(String key) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM delivered_message WHERE delivery_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    private static boolean exists(Connection c, String transferId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM transfer WHERE transfer_id = ?")) {
            ps.setString(1, transferId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void step(Connection c, String transferId, Status status, String detail) throws SQLException {
        step(c, transferId, status, detail, now());
    }

    private void step(Connection c, String transferId, Status status, String detail, OffsetDateTime at) throws SQLException {
        Status current = lockedStatus(c, transferId);
        if (current == null) {
            return; // purged by retention, or recorded before the ledger existed
        }
        step(c, transferId, current, status, detail, at, null);
    }

    /** Where a transfer stands, its row locked until the transaction ends; null when the ledger has no such transfer. */
    private static Status lockedStatus(Connection c, String transferId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status FROM transfer WHERE transfer_id = ? FOR UPDATE")) {
            ps.setString(1, transferId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Status.valueOf(rs.getString(1)) : null;
            }
        }
    }

    private void step(Connection c, String transferId, Status current, Status status, String detail, OffsetDateTime at, String actor)
            throws SQLException {
        // a retry puts a FAILED transfer back into the flow; a discarded one stays discarded
        boolean retried = status == Status.RETRIED && current == Status.FAILED;
        if (current != Status.DISCARDED && !status.isTimelineOnly() && (status.isAtOrAfter(current) || retried)) {
            update(c, "UPDATE transfer SET status = ?, updated_at = ? WHERE transfer_id = ?", status.name(), now(), transferId);
        }
        event(c, transferId, status, detail, at, actor);
    }

    private static void event(Connection c, String transferId, Status status, String detail, OffsetDateTime at) throws SQLException {
        event(c, transferId, status, detail, at, null);
    }

    private static void event(Connection c, String transferId, Status status, String detail, OffsetDateTime at, String actor) throws SQLException {
        update(c, "INSERT INTO transfer_event (transfer_id, status, at, detail, actor) VALUES (?,?,?,?,?)", transferId, status.name(), at,
                detail, actor);
    }

    private List<Transfer> query(String sql, List<Object> args) {
        return inTransaction(c -> {
            List<Transfer> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long size = rs.getLong("size_bytes");
                        result.add(new Transfer(rs.getString("transfer_id"), rs.getString("message_id"), rs.getString("sender"),
                                rs.getString("receiver"), rs.getString("sender_kind"), rs.getString("receiver_kind"),
                                rs.getString("sender_region"), rs.getString("receiver_region"), rs.getString("document_type"),
                                rs.getString("transition_kind"), rs.getString("channel"), rs.getString("channel_owner"),
                                rs.wasNull() ? null : size, Status.valueOf(rs.getString("status")),
                                rs.getObject("received_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class)));
                    }
                }
            }
            return result;
        });
    }

    /** Adds a condition to a listing's WHERE clause when its value is given. */
    private static void filter(StringBuilder where, List<Object> args, String condition, Object value) {
        if (value != null) {
            where.append(" AND ").append(condition);
            args.add(value);
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            // values may be null (an unknown receiver, a step without detail)
            bind(ps, java.util.Arrays.asList(args));
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs work in a transaction. Only a failure to reach the database makes the ledger unavailable
     * (routes pause until the check sees it back): a statement the database refuses, for its data
     * (a value too long, a constraint) or otherwise, fails this piece of work alone. A database that
     * takes no writes any more is found by the check, which writes.
     */
    private <T> T inTransaction(Work<T> work) {
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            throw unavailable(e);
        }
        try (c) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            if (LedgerHealth.isConnectionFailure(e)) {
                throw unavailable(e);
            }
            // the database's own text of a data error quotes the value (22: data, 23: constraints): only the state is kept
            boolean quotesValues = "22".equals(state(e)) || isConstraintViolation(e);
            throw new IllegalStateException("ledger statement failed: SQLState " + e.getSQLState(), quotesValues ? null : e);
        }
    }

    private LedgerUnavailableException unavailable(SQLException e) {
        return new LedgerUnavailableException("the ledger database is unavailable: " + health.down(e), e);
    }

    private static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static boolean isConstraintViolation(SQLException e) {
        return "23".equals(state(e));
    }

    private static String state(SQLException e) {
        return e.getSQLState() == null || e.getSQLState().length() < 2 ? "" : e.getSQLState().substring(0, 2);
    }
}

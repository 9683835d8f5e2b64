-- Several gateways on one ledger (docs/RELIABILITY.md, "More than one instance").
--
-- Each running gateway process holds a lease here: its instance id, the epoch it took at start (or
-- after it lost its lease), and until when the lease holds by the DATABASE clock. Every claim,
-- confirmation and delivery record checks, in the statement that writes it, that the writer's epoch
-- is current and its lease_until lies ahead of CURRENT_TIMESTAMP: a paused instance whose lease ran
-- out cannot write, and must take a new epoch first.
CREATE TABLE gateway_instance (
    instance_id  VARCHAR(64)  NOT NULL PRIMARY KEY,
    epoch        BIGINT       NOT NULL,
    lease_until  TIMESTAMP WITH TIME ZONE NOT NULL,
    taken_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Who holds a claim: the instance and epoch that wrote it. A claim still CLAIMED whose holder's
-- epoch is no longer current or whose lease ran out may be taken over by another instance. Empty for
-- claims written before this migration or by a ledger used without a lease (tools, tests).
ALTER TABLE accepted_message ADD COLUMN owner_instance VARCHAR(64);
ALTER TABLE accepted_message ADD COLUMN owner_epoch BIGINT;

-- The file channel's shared pick-up lock (schakel.file.shared-lock=true): Camel's
-- JdbcOrphanLockAwareIdempotentRepository keeps one row per inbox file being taken, refreshed by its
-- holder's keep-alive; a row older than schakel.file.lock-max-age-ms belongs to a dead instance and
-- the file may be taken by another. The key is a SHA-256 of the file's path, inode, change time,
-- modification time and size: no school's file name is stored. Column names are Camel's.
CREATE TABLE schakel_file_lock (
    processorName  VARCHAR(255) NOT NULL,
    messageId      VARCHAR(100) NOT NULL,
    createdAt      TIMESTAMP    NOT NULL,
    PRIMARY KEY (processorName, messageId)
);

-- The ledger's periodic check writes this one row: a database that still answers queries but
-- takes no writes (read-only after a fail-over, a full disk) is reported unavailable, and intake
-- waits, instead of every submission failing on its first insert.
CREATE TABLE ledger_heartbeat (
    id          INT NOT NULL PRIMARY KEY,
    checked_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

INSERT INTO ledger_heartbeat (id, checked_at) VALUES (1, CURRENT_TIMESTAMP);

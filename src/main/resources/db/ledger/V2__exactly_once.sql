-- Exactly once across restarts: an accepted message id per sender is claimed here before it is
-- sent, and marked SENT after the broker took it; a delivery is recorded once per receiver.
CREATE TABLE accepted_message (
    sender       VARCHAR(6)   NOT NULL,
    message_id   VARCHAR(64)  NOT NULL,
    transfer_id  VARCHAR(40)  NOT NULL,
    state        VARCHAR(10)  NOT NULL,
    claimed_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (sender, message_id)
);

CREATE TABLE delivered_message (
    delivery_key  VARCHAR(200) NOT NULL PRIMARY KEY,
    delivered_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX transfer_status ON transfer (status, received_at);
CREATE INDEX transfer_sender ON transfer (sender, received_at);
CREATE INDEX transfer_receiver ON transfer (receiver, received_at);
CREATE INDEX accepted_message_claimed_at ON accepted_message (claimed_at);
CREATE INDEX delivered_message_at ON delivered_message (delivered_at);

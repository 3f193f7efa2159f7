-- Events a subscription (projection or reactor) could not handle after its retries, parked with
-- the error so the subscription can move on and an operator can look (`gamebot deadletters`).
CREATE TABLE dead_letters (
    subscription   TEXT    NOT NULL,
    position       INTEGER NOT NULL,
    event_id       BLOB    NOT NULL,
    stream_id      TEXT    NOT NULL,
    stream_version INTEGER NOT NULL,
    event_type     TEXT    NOT NULL,
    error          TEXT    NOT NULL,
    parked_at      TEXT    NOT NULL,
    PRIMARY KEY (subscription, event_id)
) STRICT;

-- Events a subscription (projection or reactor) could not handle after its retries, parked with
-- the error so the subscription can move on and an operator can look (`gamebot deadletters`).
CREATE TABLE event_store.dead_letters (
    subscription   text        NOT NULL,
    position       bigint      NOT NULL,
    event_id       uuid        NOT NULL,
    stream_id      text        NOT NULL,
    stream_version bigint      NOT NULL,
    event_type     text        NOT NULL,
    error          text        NOT NULL,
    parked_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscription, event_id)
);

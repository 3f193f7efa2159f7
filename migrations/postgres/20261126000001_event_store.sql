-- The event store's tables, in their own schema. See src/store/postgres.rs for how positions
-- are assigned and why readers filter on transaction_id.
CREATE SCHEMA IF NOT EXISTS event_store;

-- One row per stream; its version is the concurrency control: appends update it under a row
-- lock, so two writers at the same expected version cannot both succeed.
CREATE TABLE event_store.streams (
    stream_id   text   PRIMARY KEY,
    stream_type text   NOT NULL,
    version     bigint NOT NULL CHECK (version > 0)
);

CREATE TABLE event_store.events (
    -- transaction_id * 65536 + index within the append: increasing in transaction id order.
    position       bigint      PRIMARY KEY,
    -- pg_current_xact_id() of the appending transaction; readers only see events whose
    -- transaction is older than every transaction still in flight.
    transaction_id xid8        NOT NULL,
    event_id       uuid        NOT NULL UNIQUE,
    stream_id      text        NOT NULL REFERENCES event_store.streams (stream_id),
    stream_version bigint      NOT NULL CHECK (stream_version > 0),
    event_type     text        NOT NULL,
    schema_version integer     NOT NULL,
    data           jsonb       NOT NULL,
    metadata       jsonb       NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
);

-- The latest snapshot per stream.
CREATE TABLE event_store.snapshots (
    stream_id      text        PRIMARY KEY,
    version        bigint      NOT NULL,
    schema_version integer     NOT NULL,
    state          jsonb       NOT NULL,
    taken_at       timestamptz NOT NULL DEFAULT now()
);

-- Subscription checkpoints: the last position each subscription has processed.
CREATE TABLE event_store.subscriptions (
    name       text        PRIMARY KEY,
    position   bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

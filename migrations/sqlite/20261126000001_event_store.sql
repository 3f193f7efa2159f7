-- The event store's tables, the same shapes as on PostgreSQL. JSON is stored as TEXT, uuids as
-- 16-byte BLOBs, times as RFC 3339 TEXT. See src/store/sqlite.rs for why positions are in
-- commit order here without further work.

-- One row per stream; its version is the concurrency control.
CREATE TABLE streams (
    stream_id   TEXT    PRIMARY KEY,
    stream_type TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version > 0)
) STRICT;

CREATE TABLE events (
    -- AUTOINCREMENT: a position is never reused, even after the last row is deleted.
    position       INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id       BLOB    NOT NULL UNIQUE,
    stream_id      TEXT    NOT NULL REFERENCES streams (stream_id),
    stream_version INTEGER NOT NULL CHECK (stream_version > 0),
    event_type     TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    data           TEXT    NOT NULL,
    metadata       TEXT    NOT NULL,
    recorded_at    TEXT    NOT NULL,
    UNIQUE (stream_id, stream_version)
) STRICT;

-- The latest snapshot per stream.
CREATE TABLE snapshots (
    stream_id      TEXT    PRIMARY KEY,
    version        INTEGER NOT NULL,
    schema_version INTEGER NOT NULL,
    state          TEXT    NOT NULL,
    taken_at       TEXT    NOT NULL
) STRICT;

-- Subscription checkpoints: the last position each subscription has processed.
CREATE TABLE subscriptions (
    name       TEXT    PRIMARY KEY,
    position   INTEGER NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;

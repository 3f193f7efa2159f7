-- Durable timers and replay-name reservations, the same shapes as on PostgreSQL (uuids as
-- 16-byte BLOBs, times as RFC 3339 TEXT, JSON as TEXT).

-- At most one armed deadline per stream; see the PostgreSQL migration for the life of a row.
CREATE TABLE timers (
    stream_id TEXT PRIMARY KEY,
    -- When to fire, rounded up to the microsecond so a timer never fires early.
    fire_at   TEXT NOT NULL,
    -- The command to send (`TimerCommand` as JSON, with exact deadlines inside).
    command   TEXT NOT NULL,
    -- The event whose processing armed this timer.
    armed_by  BLOB NOT NULL,
    armed_at  TEXT NOT NULL
) STRICT;
CREATE INDEX timers_fire_at ON timers (fire_at);

-- One replay name per game; no two games share one, compared case-insensitively.
CREATE TABLE replay_names (
    game_id     BLOB PRIMARY KEY,
    name        TEXT NOT NULL,
    reserved_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX replay_names_name_key ON replay_names (lower(name));

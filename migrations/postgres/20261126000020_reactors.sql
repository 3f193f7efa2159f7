-- Durable timers: at most one armed deadline per stream (a game's round, pause or clock end; a
-- team invitation's expiry). The timers reactor writes a row when an event sets a deadline and
-- deletes it when the deadline goes away; the timer actor loads every row at start-up (overdue
-- ones fire at once) and deletes a row once its command was applied or ignored as stale.
CREATE TABLE event_store.timers (
    stream_id text        PRIMARY KEY,
    -- When to fire, rounded up to the microsecond so a timer never fires early.
    fire_at   timestamptz NOT NULL,
    -- The command to send (`TimerCommand` as JSON, with exact deadlines inside).
    command   jsonb       NOT NULL,
    -- The event whose processing armed this timer (the causation of the fired command).
    armed_by  uuid        NOT NULL,
    armed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX timers_fire_at ON event_store.timers (fire_at);

-- Replay names, reserved by the replay-naming reactor before it names the game: one name per
-- game, and no two games share a name, compared case-insensitively.
CREATE TABLE event_store.replay_names (
    game_id     uuid        PRIMARY KEY,
    name        text        NOT NULL,
    reserved_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX replay_names_name_key ON event_store.replay_names (lower(name));

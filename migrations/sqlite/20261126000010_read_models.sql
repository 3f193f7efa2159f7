-- The read models (src/projections), the same tables as on PostgreSQL with an `rm_` prefix in
-- place of the `read_model` schema. Ids are text (uuids) or INTEGER (Discord snowflakes, bits
-- kept); times are Unix milliseconds; booleans are 0/1.
-- Tables named `rm_<projection>_...` belong to that projection alone and are reset with it.

-- games: one row per game, and the teams in it.
CREATE TABLE rm_games (
    game_id        TEXT   PRIMARY KEY,
    guild          INTEGER NOT NULL,
    channel        INTEGER NOT NULL,
    mode           TEXT   NOT NULL,
    options        TEXT   NOT NULL,
    status         TEXT   NOT NULL,
    creator        INTEGER NOT NULL,
    round          INTEGER NOT NULL DEFAULT 0,
    round_deadline INTEGER,
    clock_ends_at  INTEGER,
    next_round_at  INTEGER,
    winners        TEXT,
    replay_name    TEXT,
    created_at     INTEGER NOT NULL,
    started_at     INTEGER,
    ended_at       INTEGER
) STRICT;
CREATE INDEX rm_games_by_channel ON rm_games (guild, channel, status);
CREATE INDEX rm_games_by_guild_end ON rm_games (guild, ended_at);

CREATE TABLE rm_games_teams (
    game_id     TEXT   NOT NULL,
    team_id     TEXT   NOT NULL,
    joined      INTEGER NOT NULL,
    name        TEXT   NOT NULL,
    player_a    INTEGER NOT NULL,
    player_b    INTEGER NOT NULL,
    eliminated  TEXT,
    PRIMARY KEY (game_id, team_id)
) STRICT;
CREATE INDEX rm_games_teams_by_player_a ON rm_games_teams (player_a);
CREATE INDEX rm_games_teams_by_player_b ON rm_games_teams (player_b);

-- teams: every team (invited, formed, expired, disbanded) and its names over time.
CREATE TABLE rm_teams (
    team_id      TEXT   PRIMARY KEY,
    guild        INTEGER NOT NULL,
    name         TEXT   NOT NULL,
    name_key     TEXT   NOT NULL,
    status       TEXT   NOT NULL,
    member_a     INTEGER NOT NULL,
    member_b     INTEGER NOT NULL,
    invited_at   INTEGER NOT NULL,
    formed_at    INTEGER,
    ended_at     INTEGER
) STRICT;
CREATE INDEX rm_teams_by_name ON rm_teams (guild, name_key);
CREATE INDEX rm_teams_by_member_a ON rm_teams (guild, member_a);
CREATE INDEX rm_teams_by_member_b ON rm_teams (guild, member_b);

CREATE TABLE rm_teams_names (
    team_id  TEXT   NOT NULL,
    version  INTEGER NOT NULL,
    name     TEXT   NOT NULL,
    origin   TEXT   NOT NULL,
    named_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, version)
) STRICT;

-- player_stats: totals per player per guild, partners, and the current games' pair counts
-- (folded in when a game ends, dropped when it is cancelled).
CREATE TABLE rm_player_stats (
    guild           INTEGER NOT NULL,
    player          INTEGER NOT NULL,
    games           INTEGER NOT NULL,
    wins            INTEGER NOT NULL,
    matches         INTEGER NOT NULL,
    matched_guesses INTEGER NOT NULL,
    perfect_rounds  INTEGER NOT NULL,
    PRIMARY KEY (guild, player)
) STRICT;

CREATE TABLE rm_player_stats_partners (
    guild   INTEGER NOT NULL,
    player  INTEGER NOT NULL,
    partner INTEGER NOT NULL,
    games   INTEGER NOT NULL,
    wins    INTEGER NOT NULL,
    PRIMARY KEY (guild, player, partner)
) STRICT;

CREATE TABLE rm_player_stats_games (
    game_id TEXT   PRIMARY KEY,
    guild   INTEGER NOT NULL
) STRICT;

CREATE TABLE rm_player_stats_pending (
    game_id         TEXT   NOT NULL,
    player          INTEGER NOT NULL,
    matches         INTEGER NOT NULL,
    matched_guesses INTEGER NOT NULL,
    perfect_rounds  INTEGER NOT NULL,
    PRIMARY KEY (game_id, player)
) STRICT;

-- team_stats: totals per team, with the current win streak.
CREATE TABLE rm_team_stats (
    team_id         TEXT   PRIMARY KEY,
    guild           INTEGER NOT NULL,
    name            TEXT   NOT NULL,
    member_a        INTEGER NOT NULL,
    member_b        INTEGER NOT NULL,
    games           INTEGER NOT NULL,
    wins            INTEGER NOT NULL,
    matches         INTEGER NOT NULL,
    matched_guesses INTEGER NOT NULL,
    perfect_rounds  INTEGER NOT NULL,
    win_streak      INTEGER NOT NULL
) STRICT;

CREATE TABLE rm_team_stats_games (
    game_id TEXT   PRIMARY KEY,
    guild   INTEGER NOT NULL
) STRICT;

CREATE TABLE rm_team_stats_pending (
    game_id         TEXT   NOT NULL,
    team_id         TEXT   NOT NULL,
    matches         INTEGER NOT NULL,
    matched_guesses INTEGER NOT NULL,
    perfect_rounds  INTEGER NOT NULL,
    PRIMARY KEY (game_id, team_id)
) STRICT;

-- game_results: one row per player per finished game; leaderboards are queries over it.
CREATE TABLE rm_game_results (
    game_id   TEXT    NOT NULL,
    player    INTEGER  NOT NULL,
    guild     INTEGER  NOT NULL,
    mode      TEXT    NOT NULL,
    team_id   TEXT    NOT NULL,
    team_name TEXT    NOT NULL,
    ended_at  INTEGER  NOT NULL,
    won       INTEGER NOT NULL,
    rank      INTEGER  NOT NULL,
    PRIMARY KEY (game_id, player)
) STRICT;
CREATE INDEX rm_game_results_by_guild_end ON rm_game_results (guild, ended_at);

CREATE TABLE rm_game_results_games (
    game_id TEXT   PRIMARY KEY,
    guild   INTEGER NOT NULL,
    mode    TEXT   NOT NULL
) STRICT;

-- replays: replay name <-> game; names are unique case-insensitively.
CREATE TABLE rm_replays (
    game_id  TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE
) STRICT;

-- active_players: the game each player is in, per guild, for routing DM answers.
CREATE TABLE rm_active_players (
    user_id INTEGER NOT NULL,
    guild   INTEGER NOT NULL,
    game_id TEXT   NOT NULL,
    team_id TEXT   NOT NULL,
    PRIMARY KEY (user_id, guild)
) STRICT;
CREATE INDEX rm_active_players_by_game ON rm_active_players (game_id);

CREATE TABLE rm_active_players_games (
    game_id TEXT   PRIMARY KEY,
    guild   INTEGER NOT NULL
) STRICT;

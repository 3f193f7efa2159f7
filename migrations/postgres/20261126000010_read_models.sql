-- The read models (src/projections): tables built from the event log by projections, each
-- rebuildable from scratch. Ids are text (uuids as strings, Discord snowflakes as bigint with
-- their bits kept); times are Unix milliseconds, so both backends compare them the same way.
-- Tables named `<projection>_...` belong to that projection alone and are reset with it.
CREATE SCHEMA IF NOT EXISTS read_model;

-- games: one row per game, and the teams in it.
CREATE TABLE read_model.games (
    game_id        text   PRIMARY KEY,
    guild          bigint NOT NULL,
    channel        bigint NOT NULL,
    mode           text   NOT NULL,
    options        text   NOT NULL,
    status         text   NOT NULL,
    creator        bigint NOT NULL,
    round          bigint NOT NULL DEFAULT 0,
    round_deadline bigint,
    clock_ends_at  bigint,
    next_round_at  bigint,
    winners        text,
    replay_name    text,
    created_at     bigint NOT NULL,
    started_at     bigint,
    ended_at       bigint
);
CREATE INDEX games_by_channel ON read_model.games (guild, channel, status);
CREATE INDEX games_by_guild_end ON read_model.games (guild, ended_at);

CREATE TABLE read_model.games_teams (
    game_id     text   NOT NULL,
    team_id     text   NOT NULL,
    joined      bigint NOT NULL,
    name        text   NOT NULL,
    player_a    bigint NOT NULL,
    player_b    bigint NOT NULL,
    eliminated  text,
    PRIMARY KEY (game_id, team_id)
);
CREATE INDEX games_teams_by_player_a ON read_model.games_teams (player_a);
CREATE INDEX games_teams_by_player_b ON read_model.games_teams (player_b);

-- teams: every team (invited, formed, expired, disbanded) and its names over time.
CREATE TABLE read_model.teams (
    team_id      text   PRIMARY KEY,
    guild        bigint NOT NULL,
    name         text   NOT NULL,
    name_key     text   NOT NULL,
    status       text   NOT NULL,
    member_a     bigint NOT NULL,
    member_b     bigint NOT NULL,
    invited_at   bigint NOT NULL,
    formed_at    bigint,
    ended_at     bigint
);
CREATE INDEX teams_by_name ON read_model.teams (guild, name_key);
CREATE INDEX teams_by_member_a ON read_model.teams (guild, member_a);
CREATE INDEX teams_by_member_b ON read_model.teams (guild, member_b);

CREATE TABLE read_model.teams_names (
    team_id  text   NOT NULL,
    version  bigint NOT NULL,
    name     text   NOT NULL,
    origin   text   NOT NULL,
    named_at bigint NOT NULL,
    PRIMARY KEY (team_id, version)
);

-- player_stats: totals per player per guild, partners, and the current games' pair counts
-- (folded in when a game ends, dropped when it is cancelled).
CREATE TABLE read_model.player_stats (
    guild           bigint NOT NULL,
    player          bigint NOT NULL,
    games           bigint NOT NULL,
    wins            bigint NOT NULL,
    matches         bigint NOT NULL,
    matched_guesses bigint NOT NULL,
    perfect_rounds  bigint NOT NULL,
    PRIMARY KEY (guild, player)
);

CREATE TABLE read_model.player_stats_partners (
    guild   bigint NOT NULL,
    player  bigint NOT NULL,
    partner bigint NOT NULL,
    games   bigint NOT NULL,
    wins    bigint NOT NULL,
    PRIMARY KEY (guild, player, partner)
);

CREATE TABLE read_model.player_stats_games (
    game_id text   PRIMARY KEY,
    guild   bigint NOT NULL
);

CREATE TABLE read_model.player_stats_pending (
    game_id         text   NOT NULL,
    player          bigint NOT NULL,
    matches         bigint NOT NULL,
    matched_guesses bigint NOT NULL,
    perfect_rounds  bigint NOT NULL,
    PRIMARY KEY (game_id, player)
);

-- team_stats: totals per team, with the current win streak.
CREATE TABLE read_model.team_stats (
    team_id         text   PRIMARY KEY,
    guild           bigint NOT NULL,
    name            text   NOT NULL,
    member_a        bigint NOT NULL,
    member_b        bigint NOT NULL,
    games           bigint NOT NULL,
    wins            bigint NOT NULL,
    matches         bigint NOT NULL,
    matched_guesses bigint NOT NULL,
    perfect_rounds  bigint NOT NULL,
    win_streak      bigint NOT NULL
);

CREATE TABLE read_model.team_stats_games (
    game_id text   PRIMARY KEY,
    guild   bigint NOT NULL
);

CREATE TABLE read_model.team_stats_pending (
    game_id         text   NOT NULL,
    team_id         text   NOT NULL,
    matches         bigint NOT NULL,
    matched_guesses bigint NOT NULL,
    perfect_rounds  bigint NOT NULL,
    PRIMARY KEY (game_id, team_id)
);

-- game_results: one row per player per finished game; leaderboards are queries over it.
CREATE TABLE read_model.game_results (
    game_id   text    NOT NULL,
    player    bigint  NOT NULL,
    guild     bigint  NOT NULL,
    mode      text    NOT NULL,
    team_id   text    NOT NULL,
    team_name text    NOT NULL,
    ended_at  bigint  NOT NULL,
    won       boolean NOT NULL,
    rank      bigint  NOT NULL,
    PRIMARY KEY (game_id, player)
);
CREATE INDEX game_results_by_guild_end ON read_model.game_results (guild, ended_at);

CREATE TABLE read_model.game_results_games (
    game_id text   PRIMARY KEY,
    guild   bigint NOT NULL,
    mode    text   NOT NULL
);

-- replays: replay name <-> game; names are unique case-insensitively.
CREATE TABLE read_model.replays (
    game_id  text PRIMARY KEY,
    name     text NOT NULL,
    name_key text NOT NULL UNIQUE
);

-- active_players: the game each player is in, per guild, for routing DM answers.
CREATE TABLE read_model.active_players (
    user_id bigint NOT NULL,
    guild   bigint NOT NULL,
    game_id text   NOT NULL,
    team_id text   NOT NULL,
    PRIMARY KEY (user_id, guild)
);
CREATE INDEX active_players_by_game ON read_model.active_players (game_id);

CREATE TABLE read_model.active_players_games (
    game_id text   PRIMARY KEY,
    guild   bigint NOT NULL
);

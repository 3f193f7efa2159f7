//! Channel announcements of a game's life before and around play: the lobby opening, teams
//! joining and leaving, the start, each shared round's start, and a cancellation. Lobby messages
//! carry an embed listing the teams and the options.
use chrono::{DateTime, Utc};

use super::message::{
    count, left, mention, spoken_duration, EmbedSpec, OutgoingMessage, COLOUR_LOBBY,
};
use crate::domain::game::{Game, GameOptions, Mode};
use crate::domain::guild::Prefix;
use crate::domain::UserId;

/// The options of a game as players type them: `time_seconds=180`.
pub fn options_line(options: &GameOptions) -> String {
    let pairs: Vec<String> = match options {
        GameOptions::TwoPlayer(o) => {
            vec![format!("rounds={}", o.rounds), format!("threshold={}", o.threshold)]
        }
        GameOptions::Knockout(o) => vec![
            format!("round_seconds={}", o.round_seconds),
            format!("guess_limit={}", o.guess_limit),
            format!("round_delay_seconds={}", o.round_delay_seconds),
        ],
        GameOptions::Race(o) | GameOptions::Golf(o) => {
            vec![format!("time_seconds={}", o.time_seconds)]
        }
        GameOptions::Longform(o) => vec![format!("round_hours={}", o.round_hours)],
    };
    pairs.join(" ")
}

/// The lobby embed: its teams (with their players) and its options.
fn lobby_embed(game: &Game) -> EmbedSpec {
    let mode = mode_of(game);
    let teams = if game.teams().is_empty() {
        "No team yet.".to_owned()
    } else {
        game.teams()
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let [a, b] = t.users();
                format!("{}. **{}** ({} & {})", i + 1, t.name, mention(a), mention(b))
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let options = game.setup().map_or_else(String::new, |s| options_line(&s.options));
    EmbedSpec::new(format!("{mode} lobby"), COLOUR_LOBBY)
        .field(
            format!(
                "Teams ({} of {} to {})",
                game.teams().len(),
                mode.min_teams(),
                mode.max_teams()
            ),
            teams,
            false,
        )
        .field("Options", format!("`{options}`"), false)
}

/// The game's mode. Only created games are rendered; the fallback keeps a renderer total.
fn mode_of(game: &Game) -> Mode {
    game.mode().unwrap_or(Mode::Race)
}

/// The announcement of a new lobby, with how to join and start it.
pub fn lobby_opened(game: &Game, prefix: &Prefix) -> OutgoingMessage {
    let mode = mode_of(game);
    let creator = game.setup().map_or_else(String::new, |s| mention(s.creator));
    OutgoingMessage::lines([
        format!("**{mode}** lobby opened by {creator}."),
        format!(
            "Teams join with `{prefix}join`; {creator} starts with `{prefix}start` once {} joined.",
            count(mode.min_teams(), "team has", "teams have")
        ),
    ])
    .with_embed(lobby_embed(game))
}

/// A team joined the lobby (the game state already holds it).
pub fn team_joined(game: &Game, team_name: &str) -> OutgoingMessage {
    let mode = mode_of(game);
    OutgoingMessage::text(format!(
        "**{team_name}** joined the {mode} lobby ({} in).",
        count(game.teams().len(), "team", "teams")
    ))
    .with_embed(lobby_embed(game))
}

/// A team left the lobby (the game state no longer holds it).
pub fn team_left(game: &Game, team_name: &str) -> OutgoingMessage {
    let mode = mode_of(game);
    OutgoingMessage::text(format!(
        "**{team_name}** left the {mode} lobby ({} in).",
        count(game.teams().len(), "team", "teams")
    ))
    .with_embed(lobby_embed(game))
}

/// Play began. `now` is when the message is written (for the time left).
pub fn game_started(game: &Game, now: DateTime<Utc>) -> OutgoingMessage {
    let mode = mode_of(game);
    let names: Vec<String> = game.teams().iter().map(|t| format!("**{}**", t.name)).collect();
    let first = match game.setup().map(|s| s.options) {
        Some(GameOptions::TwoPlayer(o)) => format!(
            "**Two Player** game started for {}: {} rounds; the team wins with at most {} \
             guesses per round on average.",
            names.join(", "),
            o.rounds,
            o.threshold
        ),
        _ => format!(
            "The **{mode}** game has started with {}: {}.",
            count(names.len(), "team", "teams"),
            names.join(", ")
        ),
    };
    let mut lines = vec![first];
    if let Some(end) = game.clock_ends_at() {
        lines.push(format!("The clock runs for {}.", left(now, end)));
    }
    lines.push("Your pairs are coming by DM: answer there with one word.".to_owned());
    OutgoingMessage::lines(lines)
}

/// A shared round began (Knockout, Longform): which round, how many teams, how long.
pub fn round_started(game: &Game, now: DateTime<Utc>) -> OutgoingMessage {
    let alive = game.teams().iter().filter(|t| t.status.is_alive()).count();
    let mut first = format!(
        "**Round {}** of {} has begun with {}.",
        game.round(),
        mode_of(game),
        count(alive, "team", "teams")
    );
    if let Some(end) = game.round_deadline() {
        first.push_str(&format!(" Time: {}.", left(now, end)));
    }
    OutgoingMessage::lines([first, "New pairs are in your DMs.".to_owned()])
}

/// The lobby closed because nobody started it within `lobby_seconds` (posted in its channel).
pub fn lobby_expired(mode: Mode, lobby_seconds: u32) -> OutgoingMessage {
    OutgoingMessage::text(format!(
        "The {mode} lobby closed: nobody started the game within {}.",
        spoken_duration(u64::from(lobby_seconds))
    ))
}

/// The lobby or game was cancelled.
pub fn game_cancelled(mode: Mode, by: UserId) -> OutgoingMessage {
    OutgoingMessage::text(format!("The {mode} game was cancelled by {}.", mention(by)))
}

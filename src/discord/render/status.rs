//! The reply to `wmstatus`: the channel's game with its mode, phase, round, clock or deadline and
//! one line per team; or, with no game in the channel, a normal reply that says so.
use chrono::{DateTime, Utc};

use super::answers::time_left;
use super::lobby::options_line;
use super::message::{count, elimination_reason, left, OutgoingMessage};
use crate::domain::game::{Game, Mode, Phase, TeamInGame, TeamStatus};
use crate::domain::guild::Prefix;

/// The reply to `status` when the channel has no lobby or game (not an error).
pub fn no_game_here(prefix: &Prefix) -> OutgoingMessage {
    OutgoingMessage::lines([
        "There is no game in this channel.".to_owned(),
        format!(
            "Open one with `{prefix}knockout`, `{prefix}race`, `{prefix}golf` or \
             `{prefix}longform`, or play `{prefix}2p` with your team."
        ),
    ])
}

fn team_line(mode: Mode, team: &TeamInGame) -> String {
    let state = match team.status {
        TeamStatus::Waiting => "waiting".to_owned(),
        TeamStatus::Playing => format!("playing, guess {}", team.guesses + 1),
        TeamStatus::Matched => {
            format!("matched in {}", count(team.guesses as usize, "guess", "guesses"))
        }
        TeamStatus::Eliminated { round, reason, .. } => {
            format!("out in round {round} ({})", elimination_reason(reason))
        }
    };
    let score = match mode {
        Mode::Race => format!(", {}", count(team.matches as usize, "match", "matches")),
        Mode::Golf => format!(
            ", {} point{} from {}",
            team.score,
            if team.score == 1 { "" } else { "s" },
            count(team.matches as usize, "match", "matches")
        ),
        Mode::TwoPlayer => format!(", {} of the rounds matched", team.matches),
        Mode::Knockout | Mode::Longform => String::new(),
    };
    format!("**{}**: {state}{score}", team.name)
}

/// The reply to `status` for the channel's game, as seen at `now`.
pub fn channel_status(game: &Game, now: DateTime<Utc>) -> OutgoingMessage {
    let mode = game.mode().unwrap_or(Mode::Race);
    let phase = match game.phase() {
        Phase::NotCreated | Phase::Lobby => "lobby open".to_owned(),
        Phase::Running if mode.is_clocked() => "running".to_owned(),
        Phase::Running if game.round_deadline().is_none() && game.next_round_at().is_some() => {
            format!("between rounds {} and {}", game.round(), game.round() + 1)
        }
        Phase::Running => format!("round {}", game.round()),
        Phase::Ended => "over".to_owned(),
        Phase::Cancelled => "cancelled".to_owned(),
    };
    let options = game.setup().map_or_else(String::new, |s| options_line(&s.options));
    let mut lines = vec![format!("**{mode}** game: {phase}. Options: `{options}`")];
    if game.phase() == Phase::Running {
        lines.extend(time_left(game, now));
        if let Some(at) = game.next_round_at() {
            lines.push(format!("Next round in {}.", left(now, at)));
        }
    }
    lines.push(format!("{}:", count(game.teams().len(), "team", "teams")));
    lines.extend(game.teams().iter().map(|t| format!("- {}", team_line(mode, t))));
    OutgoingMessage::lines(lines)
}

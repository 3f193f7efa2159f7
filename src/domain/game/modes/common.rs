//! What several modes share, and the routing from play to each mode's rules: how play opens, what
//! a match or a miss leads to, shared rounds and their summaries, and ending the game with its
//! ranking.
use chrono::{DateTime, Utc};

use super::super::deal::deal;
use super::super::decision::Decision;
use super::super::errors::GameError;
use super::super::events::{EndReason, GameEvent, TeamRoundResult};
use super::super::options::Mode;
use super::super::state::TeamStatus;
use super::{knockout, longform, race, ranking, two_player};
use crate::domain::TeamId;

/// Deals the first pairs once the game has started.
pub(in crate::domain::game) fn open_play(d: &mut Decision<'_>) -> Result<(), GameError> {
    match d.mode()? {
        Mode::TwoPlayer => start_shared_round(d, 1, None),
        Mode::Knockout => knockout::start_round(d, 1),
        Mode::Longform => longform::start_round(d, 1),
        Mode::Race | Mode::Golf => race::deal_first_pairs(d),
    }
}

/// Starts shared round `round`: every team still in the game is dealt its own pair.
pub(in crate::domain::game) fn start_shared_round(
    d: &mut Decision<'_>,
    round: u32,
    round_deadline: Option<DateTime<Utc>>,
) -> Result<(), GameError> {
    d.emit(GameEvent::RoundStarted { round, started_at: d.now, round_deadline });
    for team_id in d.alive_teams() {
        deal(d, team_id, round)?;
    }
    Ok(())
}

/// Every team dealt into shared round `round`, with whether it matched and its guess count, as
/// it stands before the round-end eliminations.
pub(in crate::domain::game) fn round_results(d: &Decision<'_>, round: u32) -> Vec<TeamRoundResult> {
    d.state()
        .teams()
        .iter()
        .filter(|t| t.round == round)
        .map(|t| TeamRoundResult {
            team_id: t.team_id,
            matched: t.status == TeamStatus::Matched,
            guess_count: t.guesses,
            eliminated: None,
        })
        .collect()
}

/// Ends shared round `round` with its summary: `results` from before the round-end
/// eliminations, completed with every elimination of the round.
pub(in crate::domain::game) fn emit_round_ended(
    d: &mut Decision<'_>,
    round: u32,
    mut results: Vec<TeamRoundResult>,
    next_round_at: Option<DateTime<Utc>>,
) {
    for result in &mut results {
        if let Some(TeamStatus::Eliminated { round: out_in, reason, .. }) =
            d.team(result.team_id).map(|t| t.status)
        {
            result.eliminated = (out_in == round).then_some(reason);
        }
    }
    d.emit(GameEvent::RoundEnded { round, results, next_round_at, ended_at: d.now });
}

/// Points a match earns in `mode`.
pub(in crate::domain::game) fn match_points(mode: Mode, guess_count: u32) -> i32 {
    match mode {
        Mode::Race => race::RACE_POINTS_PER_MATCH,
        Mode::Golf => race::golf_points(guess_count),
        Mode::TwoPlayer | Mode::Knockout | Mode::Longform => 0,
    }
}

/// What follows a team's match.
pub(in crate::domain::game) fn after_match(
    d: &mut Decision<'_>,
    team_id: TeamId,
) -> Result<(), GameError> {
    match d.mode()? {
        Mode::TwoPlayer => two_player::after_match(d),
        Mode::Knockout => knockout::settle(d),
        Mode::Race | Mode::Golf => race::after_match(d, team_id),
        // The team waits for the round's end.
        Mode::Longform => Ok(()),
    }
}

/// What follows a team's miss with guess count `guess_count`.
pub(in crate::domain::game) fn after_miss(
    d: &mut Decision<'_>,
    team_id: TeamId,
    guess_count: u32,
) -> Result<(), GameError> {
    match d.mode()? {
        Mode::Knockout => knockout::after_miss(d, team_id, guess_count),
        Mode::TwoPlayer | Mode::Race | Mode::Golf | Mode::Longform => Ok(()),
    }
}

/// Ends the game with `winners` and the mode's ranking of every team.
pub(in crate::domain::game) fn end_game(
    d: &mut Decision<'_>,
    winners: Vec<TeamId>,
) -> Result<(), GameError> {
    let mode = d.mode()?;
    let ranking = ranking::rank(mode, d.state().teams());
    d.emit(GameEvent::GameEnded { winners, ranking, ended_at: d.now, reason: EndReason::Played });
    Ok(())
}

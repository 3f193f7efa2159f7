//! Race and Golf Race: one game clock, and each team plays its own rounds: a match, or a give up,
//! deals that team alone a new pair. Race scores a point per match; Golf Race scores by how few
//! guesses a match took and takes a point for a give up. The clock's end decides the winners.
use chrono::{DateTime, Utc};

use super::super::deal::deal;
use super::super::decision::Decision;
use super::super::errors::GameError;
use super::super::events::GameEvent;
use super::super::options::Mode;
use super::super::state::TeamInGame;
use super::end_game;
use super::ranking;
use crate::domain::{TeamId, UserId};

/// Race: every match is worth one point.
pub(in crate::domain::game) const RACE_POINTS_PER_MATCH: i32 = 1;
/// Golf Race: a give up costs one point.
pub(in crate::domain::game) const GOLF_GIVE_UP_POINTS: i32 = -1;

/// Golf Race points for a match that took `guess_count` guesses: 1 guess = 4, 2-4 = 3, 5-7 = 2,
/// 8-10 = 1, 11 or more = 0.
pub(in crate::domain::game) fn golf_points(guess_count: u32) -> i32 {
    match guess_count {
        0 | 1 => 4,
        2..=4 => 3,
        5..=7 => 2,
        8..=10 => 1,
        _ => 0,
    }
}

/// Every team gets its first pair when the clock starts.
pub(in crate::domain::game) fn deal_first_pairs(d: &mut Decision<'_>) -> Result<(), GameError> {
    for team_id in d.alive_teams() {
        deal(d, team_id, 1)?;
    }
    Ok(())
}

/// After a match the team alone is dealt its next pair.
pub(in crate::domain::game) fn after_match(
    d: &mut Decision<'_>,
    team_id: TeamId,
) -> Result<(), GameError> {
    let next = d.team(team_id).map_or(1, |t| t.round + 1);
    deal(d, team_id, next)
}

/// `give up` from either teammate: the pair counts as one failed attempt and a new pair is dealt.
///
/// Decision (rules silent): the give up is recorded as the attempt after the pair's resolved
/// guesses; it does not enter the average guesses per match, which counts matched pairs only
/// (Golf Race charges its point instead). An answer already given to the abandoned pair is
/// dropped and does not enter the forbidden list, since that pair never resolved.
pub(in crate::domain::game) fn abandon_pair(
    d: &mut Decision<'_>,
    team: &TeamInGame,
    player: UserId,
) -> Result<(), GameError> {
    let points = if d.mode()? == Mode::Golf { GOLF_GIVE_UP_POINTS } else { 0 };
    d.emit(GameEvent::PairAbandoned {
        team_id: team.team_id,
        player,
        round: team.round,
        guess_count: team.guesses + 1,
        pair: team.pair.clone(),
        points,
        abandoned_at: d.now,
    });
    deal(d, team.team_id, team.round + 1)
}

/// Timer: the clock ran out. Stale unless it names this game's clock end.
///
/// Decision (rules silent): a team needs at least one match to win; when no team matched, the
/// game has no winner. Pairs still open at the clock's end do not count.
pub(in crate::domain::game) fn end_clock(
    d: &mut Decision<'_>,
    clock_ends_at: DateTime<Utc>,
) -> Result<(), GameError> {
    let mode = d.mode()?;
    if !mode.is_clocked() || d.state().clock_ends_at() != Some(clock_ends_at) {
        return Ok(());
    }
    let ranking = ranking::rank(mode, d.state().teams());
    let winners =
        ranking.iter().filter(|s| s.rank == 1 && s.matches > 0).map(|s| s.team_id).collect();
    end_game(d, winners)
}

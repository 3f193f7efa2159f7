//! Knockout: all remaining teams play each shared, timed round on their own pair. A team is out
//! when it reaches the guess limit or forfeits; at round end the teams that did not match are out,
//! then the slowest are cut. After a pause the next round starts; the last team standing wins.
use chrono::{DateTime, Duration, Utc};

use super::super::decision::Decision;
use super::super::errors::GameError;
use super::super::events::{EliminationReason, GameEvent};
use super::super::options::{GameOptions, KnockoutOptions};
use super::{emit_round_ended, end_game, round_results, start_shared_round};
use crate::domain::TeamId;

/// Above this many remaining teams the round-end cut takes [`LARGE_CUT`] teams, else one.
const LARGE_FIELD: usize = 8;
/// Teams cut at the end of a round when more than [`LARGE_FIELD`] remain, so big games finish in
/// a reasonable number of rounds.
const LARGE_CUT: usize = 3;

fn options(d: &Decision<'_>) -> Result<Option<KnockoutOptions>, GameError> {
    Ok(match d.options()? {
        GameOptions::Knockout(o) => Some(o),
        _ => None,
    })
}

/// Starts round `round` with its deadline.
pub(in crate::domain::game) fn start_round(
    d: &mut Decision<'_>,
    round: u32,
) -> Result<(), GameError> {
    let Some(o) = options(d)? else { return Ok(()) };
    let deadline = d.now + Duration::seconds(i64::from(o.round_seconds.get()));
    start_shared_round(d, round, Some(deadline))
}

/// A miss that brings a team to the guess limit eliminates it at once.
pub(in crate::domain::game) fn after_miss(
    d: &mut Decision<'_>,
    team_id: TeamId,
    guess_count: u32,
) -> Result<(), GameError> {
    let Some(o) = options(d)? else { return Ok(()) };
    if guess_count < o.guess_limit.get() {
        return Ok(());
    }
    let round = d.state().round();
    d.emit(GameEvent::TeamEliminated {
        team_id,
        round,
        reason: EliminationReason::GuessLimit,
        guess_count,
    });
    settle(d)
}

/// `give up` in Knockout: the team forfeits and is eliminated at once.
///
/// Decision (rules silent): a forfeit is accepted between rounds as well, and a team that already
/// matched this round may still forfeit.
pub(in crate::domain::game) fn forfeit(
    d: &mut Decision<'_>,
    team_id: TeamId,
) -> Result<(), GameError> {
    let guess_count = d.team(team_id).map_or(0, |t| t.guesses);
    let round = d.state().round();
    d.emit(GameEvent::TeamEliminated {
        team_id,
        round,
        reason: EliminationReason::Forfeit,
        guess_count,
    });
    settle(d)
}

/// After a match or an elimination: the game ends when at most one team is left; the round ends
/// when no remaining team is still playing.
///
/// Decision (rules silent): when guess limits or forfeits leave a single team mid-round, it wins
/// at once instead of finishing the round alone.
pub(in crate::domain::game) fn settle(d: &mut Decision<'_>) -> Result<(), GameError> {
    let alive = d.alive_teams();
    let round_in_play = d.state().round_deadline().is_some();
    if alive.len() <= 1 {
        if round_in_play {
            let round = d.state().round();
            let results = round_results(d, round);
            emit_round_ended(d, round, results, None);
        }
        return end_game(d, alive);
    }
    let still_playing = d.state().teams().iter().any(|t| t.status.is_playing());
    if round_in_play && !still_playing {
        return end_round(d);
    }
    Ok(())
}

/// Timer: the round's deadline passed. Stale unless it names the round in play and its deadline.
pub(in crate::domain::game) fn expire_round(
    d: &mut Decision<'_>,
    round: u32,
    deadline: DateTime<Utc>,
) -> Result<(), GameError> {
    let current = options(d)?.is_some()
        && d.state().round() == round
        && d.state().round_deadline() == Some(deadline);
    if current {
        end_round(d)?;
    }
    Ok(())
}

/// Timer: the pause is over. Stale unless it names the next round and the announced start.
pub(in crate::domain::game) fn start_next_round(
    d: &mut Decision<'_>,
    round: u32,
    next_round_at: DateTime<Utc>,
) -> Result<(), GameError> {
    let current = options(d)?.is_some()
        && d.state().round_deadline().is_none()
        && d.state().next_round_at() == Some(next_round_at)
        && d.state().round() + 1 == round;
    if current {
        start_round(d, round)?;
    }
    Ok(())
}

/// Ends the round in play: teams that did not match are out (`time_expired`), then the slowest
/// are cut, then the game ends or the next round is scheduled after the pause.
fn end_round(d: &mut Decision<'_>) -> Result<(), GameError> {
    let Some(o) = options(d)? else { return Ok(()) };
    let round = d.state().round();
    let results = round_results(d, round);
    let unmatched: Vec<(TeamId, u32)> = d
        .state()
        .teams()
        .iter()
        .filter(|t| t.status.is_playing())
        .map(|t| (t.team_id, t.guesses))
        .collect();
    for (team_id, guess_count) in unmatched {
        let reason = EliminationReason::TimeExpired;
        d.emit(GameEvent::TeamEliminated { team_id, round, reason, guess_count });
    }
    let remaining: Vec<(TeamId, u32)> = d
        .state()
        .teams()
        .iter()
        .filter(|t| t.status.is_alive())
        .map(|t| (t.team_id, t.guesses))
        .collect();
    let size = if remaining.len() > LARGE_FIELD { LARGE_CUT } else { 1 };
    for team_id in cut_slowest(&remaining, size) {
        let guess_count = remaining.iter().find(|(id, _)| *id == team_id).map_or(0, |(_, g)| *g);
        let reason = EliminationReason::Slowest;
        d.emit(GameEvent::TeamEliminated { team_id, round, reason, guess_count });
    }
    let alive = d.alive_teams();
    if alive.len() <= 1 {
        emit_round_ended(d, round, results, None);
        return end_game(d, alive);
    }
    let next = d.now + Duration::seconds(i64::from(o.round_delay_seconds.get()));
    emit_round_ended(d, round, results, Some(next));
    Ok(())
}

/// The teams the slowest cut eliminates: the `size` highest guess counts, everyone tied with the
/// last of them included; nobody when that would be every team (which also keeps the last team).
pub(in crate::domain::game) fn cut_slowest(teams: &[(TeamId, u32)], size: usize) -> Vec<TeamId> {
    let mut counts: Vec<u32> = teams.iter().map(|(_, g)| *g).collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let Some(&line) = counts.get(size.saturating_sub(1)).or(counts.last()) else {
        return Vec::new();
    };
    let cut: Vec<TeamId> = teams.iter().filter(|(_, g)| *g >= line).map(|(id, _)| *id).collect();
    if cut.len() >= teams.len() {
        return Vec::new();
    }
    cut
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn teams(counts: &[u32]) -> Vec<(TeamId, u32)> {
        counts.iter().enumerate().map(|(i, c)| (TeamId(Uuid::from_u128(i as u128)), *c)).collect()
    }

    fn cut(counts: &[u32], size: usize) -> Vec<u32> {
        let field = teams(counts);
        let out = cut_slowest(&field, size);
        field.iter().filter(|(id, _)| out.contains(id)).map(|(_, c)| *c).collect()
    }

    #[test]
    fn the_slowest_cut_takes_the_highest_counts_with_their_ties() {
        let table: [(&str, &[u32], usize, &[u32]); 7] = [
            ("one slowest", &[1, 3, 2], 1, &[3]),
            ("a tie at the cut goes together", &[1, 3, 3], 1, &[3, 3]),
            ("all tied: nobody", &[2, 2, 2], 1, &[]),
            ("a single team is never cut", &[5], 1, &[]),
            ("three slowest", &[1, 1, 1, 1, 1, 1, 2, 3, 4, 5], 3, &[3, 4, 5]),
            ("ties with the third go too", &[1, 1, 1, 1, 1, 2, 2, 2, 4, 5], 3, &[2, 2, 2, 4, 5]),
            ("a cut of everyone is no cut", &[2, 2, 2, 2, 2, 2, 2, 2, 2], 3, &[]),
        ];
        for (case, counts, size, expected) in table {
            assert_eq!(cut(counts, size), expected, "{case}");
        }
    }
}

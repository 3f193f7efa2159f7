//! The final ranking, best first, with each team's score, matches, average guesses and
//! elimination. Race ranks by matches then average guesses; Golf Race by points, then average
//! guesses, then matches; Knockout and Longform by how long a team lasted. Teams that tie on
//! every criterion share a rank.
use std::cmp::Ordering;

use super::super::events::{EliminationFact, EliminationReason, TeamStanding};
use super::super::options::Mode;
use super::super::state::{TeamInGame, TeamStatus};

/// Compares average guesses per match, lower first; a team without a match comes last.
fn by_average(a: &TeamInGame, b: &TeamInGame) -> Ordering {
    match (a.matches, b.matches) {
        (0, 0) => Ordering::Equal,
        (0, _) => Ordering::Greater,
        (_, 0) => Ordering::Less,
        _ => {
            // a.guesses / a.matches vs b.guesses / b.matches, without floating point.
            let left = u64::from(a.matched_guesses) * u64::from(b.matches);
            let right = u64::from(b.matched_guesses) * u64::from(a.matches);
            left.cmp(&right)
        }
    }
}

/// How long a team lasted; larger is better.
///
/// Decision (rules silent): teams still in the game rank first; then later rounds rank above
/// earlier ones; within a round, mid-round exits (guess limit, forfeit) rank below round-end
/// exits and by their order, `time_expired` below `slowest`, and teams that went out together
/// share a rank.
fn survival(team: &TeamInGame) -> (u32, u32, u32, u32) {
    match team.status {
        TeamStatus::Eliminated { round, reason, order } => match reason {
            EliminationReason::GuessLimit | EliminationReason::Forfeit => (0, round, 0, order),
            EliminationReason::TimeExpired | EliminationReason::LongformRound => (0, round, 1, 0),
            EliminationReason::Slowest => (0, round, 2, 0),
        },
        _ => (1, 0, 0, 0),
    }
}

/// `Less` when `a` ranks above `b` in `mode`.
fn compare(mode: Mode, a: &TeamInGame, b: &TeamInGame) -> Ordering {
    match mode {
        Mode::Race => b.matches.cmp(&a.matches).then_with(|| by_average(a, b)),
        Mode::Golf => b
            .score
            .cmp(&a.score)
            .then_with(|| by_average(a, b))
            .then_with(|| b.matches.cmp(&a.matches)),
        Mode::Knockout | Mode::Longform | Mode::TwoPlayer => survival(b).cmp(&survival(a)),
    }
}

/// Every team, best first, with shared ranks for ties.
pub(in crate::domain::game) fn rank(mode: Mode, teams: &[TeamInGame]) -> Vec<TeamStanding> {
    let mut order: Vec<&TeamInGame> = teams.iter().collect();
    order.sort_by(|a, b| compare(mode, a, b));
    let mut standings: Vec<TeamStanding> = Vec::with_capacity(order.len());
    for (i, team) in order.iter().enumerate() {
        let rank = match (i, standings.last()) {
            (1.., Some(prev)) if compare(mode, order[i - 1], team) == Ordering::Equal => prev.rank,
            _ => u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        standings.push(standing(rank, team));
    }
    standings
}

fn standing(rank: u32, team: &TeamInGame) -> TeamStanding {
    let eliminated = match team.status {
        TeamStatus::Eliminated { round, reason, .. } => Some(EliminationFact { round, reason }),
        _ => None,
    };
    let average_guesses =
        (team.matches > 0).then(|| f64::from(team.matched_guesses) / f64::from(team.matches));
    TeamStanding {
        rank,
        team_id: team.team_id,
        name: team.name.clone(),
        players: team.users(),
        score: team.score,
        matches: team.matches,
        matched_guesses: team.matched_guesses,
        average_guesses,
        give_ups: team.give_ups,
        eliminated,
    }
}

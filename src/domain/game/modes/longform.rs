//! Longform: multi-day rounds. Every team plays the round at its own pace on its own pair and,
//! after a match, waits for the round's end. Then the team(s) with the most guesses are out
//! (not matching is worse than any guess count), unless every team ties. The last team wins.
use chrono::{DateTime, Duration, Utc};

use super::super::decision::Decision;
use super::super::errors::GameError;
use super::super::events::{EliminationReason, GameEvent, TeamRoundResult};
use super::super::options::GameOptions;
use super::{emit_round_ended, end_game, round_results, start_shared_round};
use crate::domain::TeamId;

/// Starts round `round`, which lasts `round_hours`.
pub(in crate::domain::game) fn start_round(
    d: &mut Decision<'_>,
    round: u32,
) -> Result<(), GameError> {
    let GameOptions::Longform(o) = d.options()? else { return Ok(()) };
    let deadline = d.now + Duration::hours(i64::from(o.round_hours.get()));
    start_shared_round(d, round, Some(deadline))
}

/// Timer: the round's time is up. Stale unless it names the round in play and its deadline.
pub(in crate::domain::game) fn end_round_timer(
    d: &mut Decision<'_>,
    round: u32,
    deadline: DateTime<Utc>,
) -> Result<(), GameError> {
    let current = matches!(d.options()?, GameOptions::Longform(_))
        && d.state().round() == round
        && d.state().round_deadline() == Some(deadline);
    if current {
        end_round(d)?;
    }
    Ok(())
}

/// Ends the round: eliminates the worst team(s), then ends the game or starts the next round.
///
/// Decision (rules silent): the next round starts at once when the previous one ends, with new
/// pairs for every remaining team and a fresh `round_hours` deadline.
fn end_round(d: &mut Decision<'_>) -> Result<(), GameError> {
    let round = d.state().round();
    let results = round_results(d, round);
    let eliminated = worst_teams(&results);
    for team_id in &eliminated {
        let guess_count =
            results.iter().find(|r| r.team_id == *team_id).map_or(0, |r| r.guess_count);
        d.emit(GameEvent::TeamEliminated {
            team_id: *team_id,
            round,
            reason: EliminationReason::LongformRound,
            guess_count,
        });
    }
    emit_round_ended(d, round, results, None);
    let alive = d.alive_teams();
    if alive.len() <= 1 {
        return end_game(d, alive);
    }
    start_round(d, round + 1)
}

/// The teams a Longform round end eliminates: every team that did not match if any did not,
/// otherwise the highest guess count with its ties; nobody when every team ties.
///
/// Decision (rules silent): teams that did not match all tie as worst, whatever their guess
/// counts, since none of them finished the round.
pub(in crate::domain::game) fn worst_teams(results: &[TeamRoundResult]) -> Vec<TeamId> {
    // Larger is worse: not matching beats any count.
    let badness = |r: &TeamRoundResult| if r.matched { u64::from(r.guess_count) } else { u64::MAX };
    let Some(worst) = results.iter().map(badness).max() else { return Vec::new() };
    let cut: Vec<TeamId> =
        results.iter().filter(|r| badness(r) == worst).map(|r| r.team_id).collect();
    if cut.len() == results.len() {
        return Vec::new();
    }
    cut
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    /// A team's round: matched, guess count.
    type Line = (bool, u32);

    fn worst(lines: &[Line]) -> Vec<usize> {
        let results: Vec<TeamRoundResult> = lines
            .iter()
            .enumerate()
            .map(|(i, (matched, guess_count))| TeamRoundResult {
                team_id: TeamId(Uuid::from_u128(i as u128)),
                matched: *matched,
                guess_count: *guess_count,
                eliminated: None,
            })
            .collect();
        let out = worst_teams(&results);
        (0..results.len()).filter(|i| out.contains(&results[*i].team_id)).collect()
    }

    #[test]
    fn the_worst_teams_are_the_most_guesses_with_not_matching_worst_of_all() {
        let table: [(&str, &[Line], &[usize]); 6] = [
            ("most guesses", &[(true, 1), (true, 4), (true, 2)], &[1]),
            ("tied most guesses", &[(true, 4), (true, 4), (true, 2)], &[0, 1]),
            ("no match is worse than any count", &[(true, 9), (false, 1), (true, 2)], &[1]),
            ("every non-matching team", &[(false, 0), (false, 7), (true, 2)], &[0, 1]),
            ("all tied: nobody", &[(true, 3), (true, 3), (true, 3)], &[]),
            ("nobody matched: nobody", &[(false, 3), (false, 1), (false, 0)], &[]),
        ];
        for (case, lines, expected) in table {
            assert_eq!(worst(lines), expected, "{case}");
        }
    }
}

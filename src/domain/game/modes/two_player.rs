//! Two Player: one team plays a fixed number of rounds together; a match ends the round and the
//! next starts at once. The team wins when its average guesses per round is at most the
//! threshold; otherwise the game ends as a loss, with no winner.
use super::super::decision::Decision;
use super::super::errors::GameError;
use super::super::options::GameOptions;
use super::{end_game, start_shared_round};

/// After the team's match: the next round, or the end of the game after the last one.
pub(in crate::domain::game) fn after_match(d: &mut Decision<'_>) -> Result<(), GameError> {
    let GameOptions::TwoPlayer(options) = d.options()? else {
        return Ok(());
    };
    let Some(team) = d.state().teams().first() else {
        return Ok(());
    };
    if team.matches < options.rounds.get() {
        let next = d.state().round() + 1;
        return start_shared_round(d, next, None);
    }
    let average = f64::from(team.matched_guesses) / f64::from(team.matches);
    let winners = if average <= options.threshold.get() { vec![team.team_id] } else { vec![] };
    end_game(d, winners)
}

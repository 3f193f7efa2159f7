//! The end of a shared round. Knockout posts one summary: who was eliminated and why, and every
//! team's guess count. Longform posts a dramatic reveal: one message per team with its guess
//! pairs of the round, then one naming the eliminated teams; the reactor spaces them a few
//! seconds apart.
use chrono::{DateTime, Utc};

use super::message::{count, duration, elimination_reason, OutgoingMessage, TeamNames};
use crate::domain::game::{GameEvent, GuessResult, TeamRoundResult};

/// One team's round in a sentence: "matched in 3 guesses" or "no match after 12 guesses".
fn round_result(result: &TeamRoundResult) -> String {
    let guesses = count(result.guess_count as usize, "guess", "guesses");
    if result.matched {
        format!("matched in {guesses}")
    } else {
        format!("no match after {guesses}")
    }
}

/// Survivors first, fewest guesses first; a team without a match after every team with one.
fn reading_order(results: &[TeamRoundResult]) -> Vec<&TeamRoundResult> {
    let mut order: Vec<&TeamRoundResult> = results.iter().collect();
    order.sort_by_key(|r| (r.eliminated.is_some(), !r.matched, r.guess_count));
    order
}

/// The Knockout summary posted when a round ends, after its eliminations.
///
/// `next_round_at` is set when another round follows (the event's `next_round_at`), `ended_at`
/// is when the round ended.
pub fn round_summary(
    round: u32,
    results: &[TeamRoundResult],
    names: &TeamNames,
    next_round_at: Option<DateTime<Utc>>,
    ended_at: DateTime<Utc>,
) -> OutgoingMessage {
    let mut lines = vec![format!("**Round {round} is over.**")];
    let out: Vec<String> = reading_order(results)
        .into_iter()
        .filter_map(|r| {
            r.eliminated
                .map(|why| format!("**{}** ({})", names.get(r.team_id), elimination_reason(why)))
        })
        .collect();
    if out.is_empty() {
        lines.push("Nobody was eliminated.".to_owned());
    } else {
        lines.push(format!("Eliminated: {}", out.join(", ")));
    }
    lines.push("Guesses this round:".to_owned());
    for r in reading_order(results) {
        let status = if r.eliminated.is_some() { " (out)" } else { "" };
        lines.push(format!("- **{}**: {}{status}", names.get(r.team_id), round_result(r)));
    }
    if let Some(at) = next_round_at {
        lines.push(format!("Next round in {}.", duration(at - ended_at)));
    }
    OutgoingMessage::lines(lines)
}

/// The Longform reveal of round `round`: one message per team (fewest guesses first, so the
/// suspense builds), each listing its guess pairs of the round, then one message with the
/// eliminated teams. `events` are the game's events; those of other rounds are ignored. Without
/// the round's `RoundEnded` there is nothing to reveal, and the list is empty.
pub fn longform_reveal(
    round: u32,
    events: &[GameEvent],
    names: &TeamNames,
) -> Vec<OutgoingMessage> {
    let Some(results) = events.iter().find_map(|e| match e {
        GameEvent::RoundEnded { round: r, results, .. } if *r == round => Some(results),
        _ => None,
    }) else {
        return Vec::new();
    };
    let mut messages = Vec::new();
    for result in reading_order(results) {
        let mut lines = vec![format!(
            "**{}**, round {round}: {}",
            names.get(result.team_id),
            round_result(result)
        )];
        lines.extend(guess_lines(round, result, events));
        messages.push(OutgoingMessage::lines(lines));
    }
    let out: Vec<String> = reading_order(results)
        .into_iter()
        .filter(|r| r.eliminated.is_some())
        .map(|r| format!("**{}** ({})", names.get(r.team_id), round_result(r)))
        .collect();
    let remaining = results.iter().filter(|r| r.eliminated.is_none()).count();
    let last = if out.is_empty() {
        format!("Every team tied: nobody is eliminated in round {round}.")
    } else {
        format!("Eliminated in round {round}: {}", out.join(", "))
    };
    messages.push(OutgoingMessage::lines([
        last,
        format!("{} still in the game.", count(remaining, "team is", "teams are")),
    ]));
    messages
}

/// The guess pairs one team resolved in `round`, one line each: `1. coast / money`, with the
/// matching one marked.
fn guess_lines(round: u32, team: &TeamRoundResult, events: &[GameEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            GameEvent::PairResolved { team_id, round: r, guess_count, answers, result, .. }
                if *team_id == team.team_id && *r == round =>
            {
                let mark = match result {
                    GuessResult::Matched { .. } => " - match!",
                    GuessResult::Missed => "",
                };
                Some(format!("{guess_count}. {} / {}{mark}", answers[0].word, answers[1].word))
            }
            _ => None,
        })
        .collect()
}

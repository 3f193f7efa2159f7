//! Direct messages about answering: the pair dealt, an answer accepted or rejected, a match or a
//! miss, a give up, and the `status` reply. First lines follow the contract exactly: a pair is
//! `**word1** + **word2**`, an acceptance starts with `Got it`, a refusal with `Invalid:`, a
//! match contains `Match!`. Only a pair DM and the `status` reply (which repeats the pair on
//! request) start with a bold `+` pair, so a reader can tell a new pair by its first line.
use std::fmt::Display;

use chrono::{DateTime, Utc};

use super::message::{elimination_reason, left, mention, OutgoingMessage};
use crate::domain::game::{EliminationReason, Game, GivenAnswer, Mode, Phase, TeamStatus};
use crate::domain::UserId;

/// The contract's pair line: `**word1** + **word2**`.
pub fn pair_line(pair: &[String; 2]) -> String {
    format!("**{}** + **{}**", pair[0], pair[1])
}

/// What `give up` does in `mode`, as a hint after a pair; empty where it does nothing.
fn give_up_hint(mode: Mode) -> &'static str {
    match mode {
        Mode::Race => " Send `give up` to skip this pair (it counts as a guess).",
        Mode::Golf => " Send `give up` to skip this pair (it counts as a guess and costs 1 point).",
        Mode::Knockout => " Send `give up` to forfeit the game for your team.",
        Mode::TwoPlayer | Mode::Longform => "",
    }
}

/// The DM each player of a team gets when a pair is dealt, or becomes the new pair after a miss.
///
/// `guess` is the number of the guess this pair asks for (1 for a freshly dealt pair).
pub fn pair_dm(pair: &[String; 2], mode: Mode, guess: u32) -> OutgoingMessage {
    let how = if guess <= 1 {
        "New pair: reply with one word that links these two; your partner gets the same pair."
            .to_owned()
    } else {
        format!("Guess {guess}: reply with one word that links these two.")
    };
    OutgoingMessage::lines([pair_line(pair), format!("{how}{}", give_up_hint(mode))])
}

/// The reply to an accepted answer whose partner has not answered yet.
pub fn answer_accepted(word: &str) -> OutgoingMessage {
    OutgoingMessage::text(format!("Got it: **{word}**. Waiting for your partner."))
}

/// The reply to a refused answer (invalid, forbidden, already answered, no game, ...): the
/// domain's reason after `Invalid:`.
pub fn answer_rejected(reason: &dyn Display) -> OutgoingMessage {
    OutgoingMessage::text(format!("Invalid: {reason}"))
}

/// The DM each player gets when the team's pair matched.
///
/// `points` is what the match earned (shown in Race and Golf Race).
pub fn pair_matched(
    answers: &[GivenAnswer; 2],
    guess_count: u32,
    points: i32,
    mode: Mode,
) -> OutgoingMessage {
    let [a, b] = answers;
    let said = if a.word == b.word {
        format!("You both said **{}**", a.word)
    } else {
        format!("**{}** and **{}** count as the same word", a.word, b.word)
    };
    let perfect = if guess_count == 1 { " Perfect round!" } else { "" };
    let first = format!("Match! {said} (guess {guess_count}).{perfect}");
    let next = match mode {
        Mode::Race => format!("+{points} point{}. A new pair follows.", plural(points)),
        Mode::Golf => format!("+{points} point{}. A new pair follows.", plural(points)),
        Mode::Knockout | Mode::Longform => {
            "You are done for this round: wait for it to end.".into()
        }
        Mode::TwoPlayer => "On to the next round.".into(),
    };
    OutgoingMessage::lines([first, next])
}

fn plural(n: i32) -> &'static str {
    if n == 1 || n == -1 {
        ""
    } else {
        "s"
    }
}

/// The DM each player gets when the team's answers differ; their two answers become the new
/// pair, which follows in its own pair DM.
pub fn pair_missed(answers: &[GivenAnswer; 2], guess_count: u32) -> OutgoingMessage {
    let [a, b] = answers;
    OutgoingMessage::lines([
        format!("No match on guess {guess_count}: **{}** and **{}**.", a.word, b.word),
        "Those two answers are your new pair.".to_owned(),
    ])
}

/// The DM each player gets when a teammate gave up the pair (Race, Golf Race); a new pair
/// follows in its own pair DM.
pub fn pair_abandoned(
    pair: &[String; 2],
    by: UserId,
    guess_count: u32,
    points: i32,
) -> OutgoingMessage {
    let cost =
        if points < 0 { format!(", {points} point{}", plural(points)) } else { String::new() };
    OutgoingMessage::lines([
        format!("Gave up on {} and {} (counted as guess {guess_count}{cost}).", pair[0], pair[1]),
        format!("{} gave up; a new pair follows.", mention(by)),
    ])
}

/// The DM each player gets when their team is out of the game.
pub fn team_out_dm(round: u32, reason: EliminationReason) -> OutgoingMessage {
    OutgoingMessage::text(format!(
        "Your team is out of the game in round {round}: {}.",
        elimination_reason(reason)
    ))
}

/// The reply to `status` in a DM: the team's current pair and guess count first, then where the
/// two answers stand. `game` is the player's active game, if any.
pub fn dm_status(game: Option<&Game>, user: UserId, now: DateTime<Utc>) -> OutgoingMessage {
    let Some((game, team)) = game.and_then(|g| g.team_of(user).map(|t| (g, t))) else {
        return OutgoingMessage::text("You are not in a game right now.");
    };
    let mode = game.mode().map_or_else(String::new, |m| m.to_string());
    match (game.phase(), team.status) {
        (Phase::Ended, _) => OutgoingMessage::text(format!("Your {mode} game is over.")),
        (Phase::Cancelled, _) => OutgoingMessage::text(format!("Your {mode} game was cancelled.")),
        (Phase::NotCreated | Phase::Lobby, _) => OutgoingMessage::text(format!(
            "Your team **{}** is in the {mode} lobby; the game has not started.",
            team.name
        )),
        (Phase::Running, TeamStatus::Playing) => {
            let seat = team.seat_of(user).unwrap_or(0);
            let mine = team.players[seat].answer.as_ref();
            let theirs = team.players[1 - seat].answer.as_ref();
            let answers = match (mine, theirs) {
                (Some(a), _) => format!("You answered **{}**; waiting for your partner.", a.word),
                (None, Some(_)) => "Your partner has answered; your turn.".to_owned(),
                (None, None) => "Neither of you has answered yet.".to_owned(),
            };
            let mut lines = vec![
                pair_line(&team.pair),
                format!("{mode}, guess {} on this pair. {answers}", team.guesses + 1),
            ];
            lines.extend(time_left(game, now));
            OutgoingMessage::lines(lines)
        }
        (Phase::Running, TeamStatus::Matched) => OutgoingMessage::text(format!(
            "Your team matched this round in {} guess{}; wait for the next round.",
            team.guesses,
            if team.guesses == 1 { "" } else { "es" }
        )),
        (Phase::Running, TeamStatus::Waiting) => {
            OutgoingMessage::text("Your next pair is on its way.")
        }
        (Phase::Running, TeamStatus::Eliminated { round, reason, .. }) => {
            team_out_dm(round, reason)
        }
    }
}

/// "Time left" for the game's clock or round deadline, if it has one.
pub(super) fn time_left(game: &Game, now: DateTime<Utc>) -> Option<String> {
    if let Some(end) = game.clock_ends_at() {
        return Some(format!("Clock: {} left.", left(now, end)));
    }
    game.round_deadline().map(|end| format!("Round {} ends in {}.", game.round(), left(now, end)))
}

//! Play common to every mode: checking and recording an answer, resolving a guess pair once both
//! teammates answered, and `give up`. What a match, a miss or a give up leads to is the mode's
//! business (see `modes`).
use super::deal::check_not_forbidden;
use super::decision::Decision;
use super::errors::GameError;
use super::events::{GameEvent, GivenAnswer, GuessResult};
use super::modes;
use super::options::Mode;
use super::state::{Phase, TeamInGame, TeamStatus};
use crate::domain::words::Verdict;
use crate::domain::UserId;

/// The team of `player`, if it may answer now.
fn playing_team(d: &Decision<'_>, player: UserId) -> Result<TeamInGame, GameError> {
    if d.state().phase() == Phase::Lobby {
        return Err(GameError::NotStarted);
    }
    let team = d.state().team_of(player).ok_or(GameError::NotInThisGame)?;
    match team.status {
        TeamStatus::Eliminated { .. } => return Err(GameError::TeamIsOut),
        TeamStatus::Matched => return Err(GameError::WaitForNextRound),
        TeamStatus::Waiting => return Err(GameError::NotStarted),
        TeamStatus::Playing => {}
    }
    // Decision (rules silent): an answer that arrives after the round deadline or the game clock,
    // before the timer has closed the round, is refused rather than counted.
    let deadline = d.state().round_deadline().or(d.state().clock_ends_at());
    if deadline.is_some_and(|at| d.now >= at) {
        return Err(GameError::TimeIsUp);
    }
    Ok(team.clone())
}

/// A player answers the team's current pair.
///
/// Decision (rules silent): answer times are measured from when the pair being answered was
/// shown: the dealt pair, or after a miss the new pair the two answers formed.
pub(super) fn submit_answer(
    d: &mut Decision<'_>,
    player: UserId,
    raw: &str,
) -> Result<(), GameError> {
    let team = playing_team(d, player)?;
    let seat = team.seat_of(player).ok_or(GameError::NotInThisGame)?;
    if team.players[seat].answer.is_some() {
        return Err(GameError::AlreadyAnswered);
    }
    let word = d.words.parse_answer(raw)?;
    check_not_forbidden(d.words, &word, &team.dealt, &team.players[seat].forbidden)?;
    let answered_ms = team
        .pair_shown_at
        .map_or(0, |shown| u64::try_from((d.now - shown).num_milliseconds()).unwrap_or(0));
    let answer =
        GivenAnswer { player, raw: raw.trim().to_owned(), word: word.to_string(), answered_ms };
    let partner = &team.players[1 - seat];
    match &partner.answer {
        None => {
            d.emit(GameEvent::AnswerAccepted {
                team_id: team.team_id,
                player,
                raw: answer.raw,
                word: answer.word,
                answered_ms,
            });
            Ok(())
        }
        Some(pending) => {
            let partner_answer = GivenAnswer {
                player: partner.user,
                raw: pending.raw.clone(),
                word: pending.word.clone(),
                answered_ms: pending.answered_ms,
            };
            let answers =
                if seat == 0 { [answer, partner_answer] } else { [partner_answer, answer] };
            resolve(d, &team, answers)
        }
    }
}

/// Resolves a guess pair and hands the outcome to the mode.
fn resolve(
    d: &mut Decision<'_>,
    team: &TeamInGame,
    answers: [GivenAnswer; 2],
) -> Result<(), GameError> {
    let words = d.words;
    let first = words.parse_answer(&answers[0].word)?;
    let second = words.parse_answer(&answers[1].word)?;
    let result = match words.verdict(&first, &second) {
        Verdict::Match { on, reason } => GuessResult::Matched { on, reason },
        Verdict::NoMatch => GuessResult::Missed,
    };
    let guess_count = team.guesses + 1;
    let mode = d.mode()?;
    let points = if result.is_match() { modes::match_points(mode, guess_count) } else { 0 };
    let matched = result.is_match();
    d.emit(GameEvent::PairResolved {
        team_id: team.team_id,
        round: team.round,
        guess_count,
        pair: team.pair.clone(),
        answers,
        result,
        points,
        resolved_at: d.now,
    });
    if matched {
        modes::after_match(d, team.team_id)
    } else {
        modes::after_miss(d, team.team_id, guess_count)
    }
}

/// `give up`: abandons the pair in Race and Golf Race, forfeits in Knockout, and is refused in
/// Two Player and Longform.
pub(super) fn give_up(d: &mut Decision<'_>, player: UserId) -> Result<(), GameError> {
    let mode = d.mode()?;
    if d.state().phase() == Phase::Lobby {
        return Err(GameError::NotStarted);
    }
    let team = d.state().team_of(player).ok_or(GameError::NotInThisGame)?.clone();
    match mode {
        Mode::TwoPlayer | Mode::Longform => Err(GameError::GiveUpNotAllowed(mode)),
        Mode::Knockout => {
            if !team.status.is_alive() {
                return Err(GameError::TeamIsOut);
            }
            modes::knockout::forfeit(d, team.team_id)
        }
        Mode::Race | Mode::Golf => {
            let team = playing_team(d, player)?;
            modes::race::abandon_pair(d, &team, player)
        }
    }
}

//! Longform: day-long rounds at each team's pace, waiting after a match, the round-end
//! elimination of the most guesses (not matching being worst), the all-tie rule and a whole game.
use chrono::Duration;

use super::super::*;
use super::support::*;

/// A Longform in round 1 with `teams` teams holding river + bank, deadline 24 h after the start.
fn longform(teams: u8) -> Play {
    let mut history = vec![created_with_list(defaults(Mode::Longform), 4)];
    history.extend((1..=teams).map(joined));
    history.push(started(None));
    history.push(round_started(1, Some(deadline(1))));
    history.extend((1..=teams).map(|n| dealt(n, 1, ["river", "bank"])));
    Play::from(history)
}

fn deadline(round: i64) -> chrono::DateTime<chrono::Utc> {
    t0() + Duration::hours(24 * round)
}

fn end_round(round: u32, at: chrono::DateTime<chrono::Utc>) -> GameCommand {
    GameCommand::EndLongformRound { guild: GUILD, round, deadline: at }
}

#[test]
fn starting_a_longform_opens_a_day_long_round() {
    let events = GameTest::given(lobby(Mode::Longform, 3)).when(start()).events();
    assert_eq!(events[1], round_started(1, Some(deadline(1))));
    assert_eq!(types(&events[2..]), ["PairDealt", "PairDealt", "PairDealt"]);
}

#[test]
fn after_a_match_the_team_waits_for_the_round_end() {
    let mut play = longform(3);
    let events = play.matches(1);
    assert_eq!(types(&events), ["PairResolved"]);
    play.test().when(answer(a(1), "stone")).then_expect_error(GameError::WaitForNextRound);
}

#[test]
fn at_round_end_the_highest_guess_count_is_eliminated_and_the_next_round_starts() {
    let mut play = longform(4);
    play.matches(1);
    play.matches_after(2, 1);
    play.matches_after(3, 3);
    play.matches(4);
    play.now = deadline(1);
    let events = play.run(end_round(1, deadline(1)));
    assert_eq!(
        types(&events),
        ["TeamEliminated", "RoundEnded", "RoundStarted", "PairDealt", "PairDealt", "PairDealt"]
    );
    assert_eq!(
        events[0],
        GameEvent::TeamEliminated {
            team_id: team_id(3),
            round: 1,
            reason: EliminationReason::LongformRound,
            guess_count: 4,
        }
    );
    assert_eq!(
        events[2],
        GameEvent::RoundStarted {
            round: 2,
            started_at: deadline(1),
            round_deadline: Some(deadline(2))
        }
    );
}

#[test]
fn a_team_that_did_not_match_is_worse_than_any_that_did() {
    let mut play = longform(3);
    play.matches_after(1, 6);
    play.matches(2);
    play.misses(3);
    let events = play.run(end_round(1, deadline(1)));
    assert_eq!(eliminations(&events), [(team_id(3), EliminationReason::LongformRound)]);
}

#[test]
fn every_team_that_did_not_match_is_eliminated_together() {
    let mut play = longform(4);
    play.matches_after(1, 2);
    play.matches(2);
    play.misses(4);
    let events = play.run(end_round(1, deadline(1)));
    assert_eq!(
        eliminations(&events),
        [
            (team_id(3), EliminationReason::LongformRound),
            (team_id(4), EliminationReason::LongformRound),
        ]
    );
}

#[test]
fn when_every_team_ties_nobody_is_eliminated() {
    let mut play = longform(3);
    for n in 1..=3 {
        play.matches_after(n, 1);
    }
    let events = play.run(end_round(1, deadline(1)));
    assert!(eliminations(&events).is_empty());
    assert!(
        matches!(&events[0], GameEvent::RoundEnded { results, .. } if results.len() == 3 && results.iter().all(|r| r.eliminated.is_none()))
    );
    // Nobody matching at all is a tie as well.
    let events = longform(3).run(end_round(1, deadline(1)));
    assert!(eliminations(&events).is_empty());
}

#[test]
fn a_stale_round_timer_is_ignored() {
    let play = longform(3);
    play.test().when(end_round(2, deadline(1))).then_expect_events(vec![]);
    play.test().when(end_round(1, deadline(2))).then_expect_events(vec![]);
}

#[test]
fn a_whole_longform_game_ends_with_the_last_team() {
    let mut play = Play::started(defaults(Mode::Longform), 3, 4);
    play.matches(1);
    play.matches(2);
    play.misses(3);
    let (at, timer) = play.state().pending_timer().expect("the round is timed");
    play.now = at;
    play.run(timer);
    play.matches(1);
    play.matches_after(2, 1);
    let (at, timer) = play.state().pending_timer().expect("the round is timed");
    play.now = at;
    let events = play.run(timer);
    assert_eq!(types(&events), ["TeamEliminated", "RoundEnded", "GameEnded"]);
    let (winners, ranking) = play.ended();
    assert_eq!(winners, [team_id(1)]);
    let order: Vec<_> = ranking.iter().map(|s| (s.team_id, s.rank)).collect();
    assert_eq!(order, [(team_id(1), 1), (team_id(2), 2), (team_id(3), 3)]);
}

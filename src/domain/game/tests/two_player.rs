//! Two Player: one team, a fixed number of rounds, and a win or a loss by average guesses.
use super::super::*;
use super::support::*;

#[test]
fn a_match_ends_the_round_and_the_next_starts_at_once() {
    let mut play = Play::started(options(Mode::TwoPlayer, &["rounds=3"]), 1, 4);
    let events = play.matches(1);
    assert_eq!(types(&events), ["PairResolved", "RoundStarted", "PairDealt"]);
    assert_eq!(
        events[1],
        GameEvent::RoundStarted { round: 2, started_at: t0(), round_deadline: None }
    );
    let idle = GameCommand::EndIdleGame { guild: GUILD, deadline: secs(3600) };
    assert_eq!(
        play.state().pending_timer(),
        Some((secs(3600), idle)),
        "Two Player has no round timer, only the idle timeout"
    );
}

#[test]
fn a_full_game_within_the_threshold_is_won() {
    let mut play = Play::started(options(Mode::TwoPlayer, &["rounds=3", "threshold=2"]), 1, 4);
    play.matches(1);
    play.matches_after(1, 2);
    let events = play.matches(1);
    assert_eq!(types(&events), ["PairResolved", "GameEnded"]);
    let (winners, ranking) = play.ended();
    assert_eq!(winners, vec![team_id(1)]);
    assert_eq!(ranking.len(), 1);
    let standing = &ranking[0];
    assert_eq!((standing.rank, standing.matches, standing.matched_guesses), (1, 3, 5));
    assert_eq!(standing.average_guesses, Some(5.0 / 3.0));
    assert_eq!(play.state().phase(), Phase::Ended);
}

#[test]
fn an_average_equal_to_the_threshold_still_wins() {
    let mut play = Play::started(options(Mode::TwoPlayer, &["rounds=2", "threshold=1.5"]), 1, 4);
    play.matches(1);
    play.matches_after(1, 1);
    assert_eq!(play.ended().0, vec![team_id(1)]);
}

#[test]
fn a_full_game_above_the_threshold_is_lost_with_no_winner() {
    let mut play = Play::started(options(Mode::TwoPlayer, &["rounds=2", "threshold=1.5"]), 1, 4);
    play.matches_after(1, 1);
    play.matches_after(1, 1);
    let (winners, ranking) = play.ended();
    assert!(winners.is_empty(), "a lost Two Player game has no winner");
    assert_eq!(ranking[0].average_guesses, Some(2.0));
}

#[test]
fn a_perfect_round_has_guess_count_one() {
    let mut play = Play::started(defaults(Mode::TwoPlayer), 1, 4);
    let events = play.matches(1);
    let GameEvent::PairResolved { guess_count, .. } = &events[0] else { panic!("{events:?}") };
    assert_eq!(*guess_count, 1);
}

fn name_replay(name: &str) -> GameCommand {
    GameCommand::NameReplay { guild: GUILD, name: name.to_owned() }
}

#[test]
fn a_finished_game_is_named_once_and_a_second_name_changes_nothing() {
    let mut play = Play::started(options(Mode::TwoPlayer, &["rounds=1"]), 1, 4);
    play.matches(1);
    let events = play.run(name_replay("river-123"));
    assert_eq!(events, vec![GameEvent::ReplayNamed { name: "river-123".to_owned() }]);
    assert_eq!(play.state().replay_name(), Some("river-123"));
    assert_eq!(play.run(name_replay("stone-456")), Vec::<GameEvent>::new());
    assert_eq!(play.state().replay_name(), Some("river-123"));
}

#[test]
fn a_running_game_gets_no_replay_name() {
    let play = Play::started(defaults(Mode::TwoPlayer), 1, 4);
    play.test().when(name_replay("river-123")).then_expect_error(GameError::NotFinished);
}

#[test]
fn a_replay_name_must_be_a_word_and_a_three_digit_number() {
    let mut play = Play::started(options(Mode::TwoPlayer, &["rounds=1"]), 1, 4);
    play.matches(1);
    for bad in ["river", "river-12", "river-1000", "River-123", "-123", "river-099"] {
        play.test()
            .when(name_replay(bad))
            .then_expect_error(GameError::BadReplayName(bad.to_owned()));
    }
}

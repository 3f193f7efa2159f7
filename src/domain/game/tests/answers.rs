//! Answer rules common to every mode: acceptance, resolution into a match or a miss, the double
//! answer, invalid and forbidden answers (the dealt pair, the forbidden list, their variants) and
//! the FIFO forbidden list.
use chrono::Duration;

use super::super::*;
use super::support::*;
use crate::domain::words::{InvalidWord, MatchReason};

/// A Race in play: teams 1 and 2 both hold the dealt pair river + bank.
fn race_in_play(list_size: u32, team1: TeamSnapshot) -> Vec<GameEvent> {
    vec![
        created_with_list(defaults(Mode::Race), list_size),
        GameEvent::TeamJoined { team: team1 },
        joined(2),
        started(Some(secs(180))),
        dealt(1, 1, ["river", "bank"]),
        dealt(2, 1, ["river", "bank"]),
    ]
}

fn race() -> Vec<GameEvent> {
    race_in_play(12, team(1))
}

fn accepted(player: crate::domain::UserId, word: &str, answered_ms: u64) -> GameEvent {
    GameEvent::AnswerAccepted {
        team_id: team_id(1),
        player,
        raw: word.to_owned(),
        word: word.to_owned(),
        answered_ms,
    }
}

fn given(player: crate::domain::UserId, word: &str, answered_ms: u64) -> GivenAnswer {
    GivenAnswer { player, raw: word.to_owned(), word: word.to_owned(), answered_ms }
}

#[test]
fn a_first_answer_is_accepted_trimmed_and_lowercased_with_its_time() {
    GameTest::given(race())
        .at(t0() + Duration::milliseconds(2500))
        .when(answer(a(1), "  Water "))
        .then_expect_events(vec![GameEvent::AnswerAccepted {
            team_id: team_id(1),
            player: a(1),
            raw: "Water".into(),
            word: "water".into(),
            answered_ms: 2500,
        }]);
}

#[test]
fn a_second_answer_before_the_partner_is_rejected() {
    let mut history = race();
    history.push(accepted(a(1), "water", 1000));
    GameTest::given(history.clone())
        .when(answer(a(1), "fire"))
        .then_expect_error(GameError::AlreadyAnswered);
    assert_eq!(
        GameError::AlreadyAnswered.to_string(),
        "already answered, waiting for your partner"
    );
    // The first answer stands: the partner's answer resolves against it.
    let events = GameTest::given(history).at(secs(3)).when(answer(b(1), "fire")).events();
    let GameEvent::PairResolved { answers, .. } = &events[0] else { panic!("{events:?}") };
    assert_eq!(answers[0].word, "water");
}

#[test]
fn two_different_answers_are_a_miss_and_become_the_new_pair() {
    let mut history = race();
    history.push(accepted(a(1), "water", 1000));
    let events = GameTest::given(history.clone()).at(secs(3)).when(answer(b(1), "fire")).events();
    assert_eq!(
        events,
        vec![GameEvent::PairResolved {
            team_id: team_id(1),
            round: 1,
            guess_count: 1,
            pair: ["river".into(), "bank".into()],
            answers: [given(a(1), "water", 1000), given(b(1), "fire", 3000)],
            result: GuessResult::Missed,
            points: 0,
            resolved_at: secs(3),
        }]
    );
    history.extend(events);
    let team = fold(&history).teams()[0].clone();
    assert_eq!(team.pair, ["water".to_owned(), "fire".to_owned()]);
    assert_eq!(team.guesses, 1);
}

#[test]
fn answers_are_recorded_in_player_order_whoever_answers_first() {
    let mut history = race();
    history.push(GameEvent::AnswerAccepted {
        team_id: team_id(1),
        player: b(1),
        raw: "fire".into(),
        word: "fire".into(),
        answered_ms: 500,
    });
    let events = GameTest::given(history).at(secs(2)).when(answer(a(1), "water")).events();
    let GameEvent::PairResolved { answers, .. } = &events[0] else { panic!("{events:?}") };
    assert_eq!(answers, &[given(a(1), "water", 2000), given(b(1), "fire", 500)]);
}

#[test]
fn the_same_answer_twice_is_a_match_on_the_identical_word() {
    let mut history = race();
    history.push(accepted(a(1), "water", 1000));
    let events = GameTest::given(history).at(secs(2)).when(answer(b(1), "WATER")).events();
    let GameEvent::PairResolved { result, guess_count, points, answers, .. } = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(
        result,
        &GuessResult::Matched { on: "water".into(), reason: MatchReason::Identical }
    );
    assert_eq!((*guess_count, *points), (1, 1));
    assert_eq!(answers[1].raw, "WATER");
}

#[test]
fn the_guess_count_is_the_attempt_number_of_the_resolved_pair() {
    let mut play = Play::from(race_in_play(4, team(1)));
    play.misses(1);
    play.misses(1);
    let events = play.matches(1);
    let GameEvent::PairResolved { guess_count, .. } = &events[0] else { panic!("{events:?}") };
    assert_eq!(*guess_count, 3);
}

#[test]
fn an_invalid_answer_is_rejected_with_its_reason_and_does_not_count() {
    let cases = [
        ("xyzzyq", GameError::InvalidAnswer(InvalidWord::NotInDictionary("xyzzyq".into()))),
        ("two words", GameError::InvalidAnswer(InvalidWord::NotOneWord)),
        ("   ", GameError::InvalidAnswer(InvalidWord::Empty)),
    ];
    for (raw, error) in cases {
        GameTest::given(race()).when(answer(a(1), raw)).then_expect_error(error);
    }
    // Nothing was recorded, so the first valid pair is still attempt 1.
    let mut play = Play::from(race());
    let events = play.misses(1);
    let GameEvent::PairResolved { guess_count, .. } = &events[0] else { panic!("{events:?}") };
    assert_eq!(*guess_count, 1);
}

#[test]
fn a_forbidden_word_is_explained_to_the_player() {
    let same = GameError::ForbiddenWord {
        word: "river".into(),
        forbidden: "river".into(),
        by: ForbiddenBy::DealtPair,
    };
    assert_eq!(
        same.to_string(),
        "\"river\" is not allowed: it is in your pair this round; answer another word"
    );
    let variant = GameError::ForbiddenWord {
        word: "cats".into(),
        forbidden: "cat".into(),
        by: ForbiddenBy::ForbiddenList,
    };
    assert_eq!(
        variant.to_string(),
        "\"cats\" is not allowed: it is a form of \"cat\", which is on your forbidden list; \
         answer another word"
    );
}

#[test]
fn a_word_of_the_dealt_pair_is_forbidden_for_the_round() {
    GameTest::given(race()).when(answer(a(1), "River")).then_expect_error(
        GameError::ForbiddenWord {
            word: "river".into(),
            forbidden: "river".into(),
            by: ForbiddenBy::DealtPair,
        },
    );
}

#[test]
fn the_dealt_pair_stays_forbidden_after_a_miss_changes_the_pair() {
    let mut play = Play::from(race());
    play.run(answer(a(1), "water"));
    play.run(answer(b(1), "fire"));
    play.test().when(answer(a(1), "bank")).then_expect_error(GameError::ForbiddenWord {
        word: "bank".into(),
        forbidden: "bank".into(),
        by: ForbiddenBy::DealtPair,
    });
}

#[test]
fn a_variant_of_a_dealt_word_is_forbidden() {
    // Needs the real matcher: "cats" is the plural of the dealt "cat".
    let mut history = race();
    history.push(dealt(1, 2, ["cat", "road"]));
    GameTest::given(history).when(answer(a(1), "cats")).then_expect_error(
        GameError::ForbiddenWord {
            word: "cats".into(),
            forbidden: "cat".into(),
            by: ForbiddenBy::DealtPair,
        },
    );
}

#[test]
fn a_word_on_the_players_forbidden_list_is_refused_but_the_partner_may_use_it() {
    let mut first = team(1);
    first.forbidden = [vec!["water".into()], Vec::new()];
    let history = race_in_play(12, first);
    GameTest::given(history.clone()).when(answer(a(1), "water")).then_expect_error(
        GameError::ForbiddenWord {
            word: "water".into(),
            forbidden: "water".into(),
            by: ForbiddenBy::ForbiddenList,
        },
    );
    GameTest::given(history).when(answer(b(1), "water")).then_expect_events(vec![
        GameEvent::AnswerAccepted {
            team_id: team_id(1),
            player: b(1),
            raw: "water".into(),
            word: "water".into(),
            answered_ms: 0,
        },
    ]);
}

#[test]
fn a_variant_of_a_forbidden_word_is_refused() {
    // Needs the real matcher: "color" is the US spelling of the forbidden "colour".
    let mut first = team(1);
    first.forbidden = [vec!["colour".into()], Vec::new()];
    GameTest::given(race_in_play(12, first)).when(answer(a(1), "color")).then_expect_error(
        GameError::ForbiddenWord {
            word: "color".into(),
            forbidden: "colour".into(),
            by: ForbiddenBy::ForbiddenList,
        },
    );
}

#[test]
fn us_and_uk_spellings_match_on_the_normal_form() {
    // Needs the real matcher.
    let mut history = race();
    history.push(accepted(a(1), "colour", 0));
    let events = GameTest::given(history).when(answer(b(1), "color")).events();
    let GameEvent::PairResolved { result, .. } = &events[0] else { panic!("{events:?}") };
    assert_eq!(result, &GuessResult::Matched { on: "color".into(), reason: MatchReason::Spelling });
}

#[test]
fn an_answer_becomes_forbidden_for_its_player_after_the_pair_resolves() {
    let mut play = Play::from(race());
    play.run(answer(a(1), "water"));
    play.run(answer(b(1), "fire"));
    play.test().when(answer(a(1), "water")).then_expect_error(GameError::ForbiddenWord {
        word: "water".into(),
        forbidden: "water".into(),
        by: ForbiddenBy::ForbiddenList,
    });
    // The partner's word is not on this player's list.
    assert_eq!(types(&play.run(answer(a(1), "fire"))), ["AnswerAccepted"]);
}

#[test]
fn the_forbidden_list_drops_its_oldest_word_when_full() {
    let mut first = team(1);
    first.forbidden = [vec!["stone".into(), "bread".into()], Vec::new()];
    let mut play = Play::from(race_in_play(2, first));
    play.run(answer(a(1), "water"));
    play.run(answer(b(1), "fire"));
    let team = play.team(1);
    assert_eq!(team.players[0].forbidden, ["bread", "water"]);
    assert_eq!(team.players[1].forbidden, ["fire"]);
    // "stone" fell off the list and may be answered again.
    assert_eq!(types(&play.run(answer(a(1), "stone"))), ["AnswerAccepted"]);
}

#[test]
fn a_persisted_list_longer_than_the_game_size_keeps_its_newest_words() {
    let mut first = team(1);
    first.forbidden = [vec!["stone".into(), "bread".into(), "king".into()], Vec::new()];
    let game = fold(&race_in_play(2, first));
    assert_eq!(game.teams()[0].players[0].forbidden, ["bread", "king"]);
}

#[test]
fn a_player_outside_the_game_cannot_answer() {
    GameTest::given(race())
        .when(answer(stranger(), "water"))
        .then_expect_error(GameError::NotInThisGame);
}

#[test]
fn the_answer_time_after_a_miss_counts_from_the_new_pair() {
    let mut play = Play::from(race());
    play.now = secs(10);
    play.misses(1);
    play.now = secs(14);
    let events = play.run(answer(a(1), "stone"));
    assert_eq!(events, vec![accepted(a(1), "stone", 4000)]);
}

#[test]
fn an_answer_after_the_clock_ran_out_is_refused() {
    GameTest::given(race())
        .at(secs(180))
        .when(answer(a(1), "water"))
        .then_expect_error(GameError::TimeIsUp);
}

#[test]
fn give_up_is_refused_in_two_player_and_longform() {
    let play = Play::started(defaults(Mode::TwoPlayer), 1, 12);
    play.test().when(give_up(a(1))).then_expect_error(GameError::GiveUpNotAllowed(Mode::TwoPlayer));
    let play = Play::started(defaults(Mode::Longform), 3, 12);
    play.test().when(give_up(b(2))).then_expect_error(GameError::GiveUpNotAllowed(Mode::Longform));
    assert_eq!(
        GameError::GiveUpNotAllowed(Mode::TwoPlayer).to_string(),
        "give up is not part of Two Player"
    );
}

//! Timeouts: a lobby nobody starts closes at its deadline, a running game nobody answers ends
//! with no winner, every answer moves the idle deadline, the earlier of a mode's deadline and the
//! idle one is armed, Longform waits two rounds longer, and stale timers change nothing.
use chrono::Duration;

use super::super::*;
use super::support::*;

fn expire_lobby(deadline: chrono::DateTime<chrono::Utc>) -> GameCommand {
    GameCommand::ExpireLobby { guild: GUILD, deadline }
}

fn end_idle(deadline: chrono::DateTime<chrono::Utc>) -> GameCommand {
    GameCommand::EndIdleGame { guild: GUILD, deadline }
}

fn hours(n: i64) -> chrono::DateTime<chrono::Utc> {
    t0() + Duration::hours(n)
}

/// The reason of the last `GameEnded` in `events`.
fn end_reason(events: &[GameEvent]) -> Option<EndReason> {
    events.iter().rev().find_map(|e| match e {
        GameEvent::GameEnded { reason, .. } => Some(*reason),
        _ => None,
    })
}

#[test]
fn a_game_records_the_timeouts_it_was_opened_with() {
    let timeouts = GameTimeouts { lobby_seconds: 60, idle_seconds: 120 };
    let mut command = create_command(defaults(Mode::Knockout), None);
    if let GameCommand::CreateGame { timeouts: t, .. } = &mut command {
        *t = timeouts;
    }
    let events = GameTest::given_no_previous_events().when(command).events();
    let GameEvent::GameCreated { timeouts: recorded, .. } = &events[0] else {
        panic!("expected GameCreated, got {events:?}");
    };
    assert_eq!(*recorded, timeouts);
    let game = fold(&events);
    assert_eq!(game.lobby_deadline(), Some(secs(60)));
    assert_eq!(game.pending_timer(), Some((secs(60), expire_lobby(secs(60)))));
}

#[test]
fn a_lobby_nobody_started_closes_at_its_deadline() {
    GameTest::given(lobby(Mode::Knockout, 2))
        .at(secs(900))
        .when(expire_lobby(secs(900)))
        .then_expect_events(vec![GameEvent::LobbyExpired {
            lobby_seconds: 900,
            expired_at: secs(900),
        }]);
    let mut history = lobby(Mode::Knockout, 2);
    history.push(GameEvent::LobbyExpired { lobby_seconds: 900, expired_at: secs(900) });
    let game = fold(&history);
    assert_eq!(game.phase(), Phase::Cancelled, "an expired lobby is closed without a result");
    assert_eq!(game.pending_timer(), None);
    GameTest::given(history).when(join(3)).then_expect_error(GameError::GameCancelled);
}

#[test]
fn joins_and_leaves_do_not_move_the_lobby_deadline() {
    let mut history = lobby(Mode::Race, 1);
    history.push(joined(2));
    history.push(GameEvent::TeamLeft { team_id: team_id(2), by: a(2) });
    assert_eq!(fold(&history).lobby_deadline(), Some(secs(900)));
}

#[test]
fn a_lobby_timer_for_another_deadline_or_a_started_game_changes_nothing() {
    GameTest::given(lobby(Mode::Race, 2))
        .at(secs(900))
        .when(expire_lobby(secs(899)))
        .then_expect_events(vec![]);
    // Started after its deadline, before the timer fired: the start stands.
    let mut play = Play::from(lobby(Mode::Race, 2));
    play.now = secs(950);
    play.run(start());
    assert_eq!(play.state().phase(), Phase::Running);
    play.test().when(expire_lobby(secs(900))).then_expect_events(vec![]);
}

#[test]
fn a_two_player_game_nobody_answers_ends_with_no_winner() {
    let mut play = Play::started(defaults(Mode::TwoPlayer), 1, 4);
    assert_eq!(play.state().idle_deadline(), Some(secs(3600)), "counted from the start");
    play.now = secs(3600);
    let events = play.run(end_idle(secs(3600)));
    assert_eq!(types(&events), ["GameEnded"], "no round summary, only the end");
    let (winners, ranking) = play.ended();
    assert!(winners.is_empty());
    assert_eq!(ranking.len(), 1, "the ranking as it stands");
    assert_eq!(end_reason(&events), Some(EndReason::Idle { idle_seconds: 3600 }));
    let game = play.state();
    assert_eq!(game.phase(), Phase::Ended, "a finished game, so stats and replays count it");
    assert_eq!(game.pending_timer(), None);
}

#[test]
fn every_answer_and_resolved_pair_moves_the_idle_deadline() {
    let mut play = Play::started(defaults(Mode::TwoPlayer), 1, 4);
    let words = play.free_words(1, 1);
    play.now = secs(100);
    play.run(answer(a(1), words[0]));
    assert_eq!(play.state().idle_deadline(), Some(secs(3700)), "a first answer counts");
    play.now = secs(250);
    play.run(answer(b(1), words[0]));
    assert_eq!(play.state().idle_deadline(), Some(secs(3850)), "so does the pair it completes");
    assert_eq!(play.state().pending_timer(), Some((secs(3850), end_idle(secs(3850)))));
}

#[test]
fn a_stale_idle_timer_after_an_answer_changes_nothing() {
    let mut play = Play::started(defaults(Mode::TwoPlayer), 1, 4);
    let word = play.free_words(1, 1)[0];
    play.now = secs(100);
    play.run(answer(a(1), word));
    play.now = secs(3600);
    play.test().when(end_idle(secs(3600))).then_expect_events(vec![]);
    assert_eq!(play.state().phase(), Phase::Running);
}

#[test]
fn an_answer_after_the_idle_deadline_but_before_the_timer_keeps_the_game_going() {
    let mut play = Play::started(defaults(Mode::TwoPlayer), 1, 4);
    let word = play.free_words(1, 1)[0];
    play.now = secs(4000);
    play.run(answer(a(1), word));
    assert_eq!(play.state().idle_deadline(), Some(secs(7600)));
    play.test().when(end_idle(secs(3600))).then_expect_events(vec![]);
}

#[test]
fn a_give_up_moves_the_idle_deadline() {
    let mut play = Play::started(defaults(Mode::Race), 2, 12);
    play.now = secs(60);
    play.run(give_up(a(1)));
    assert_eq!(play.state().idle_deadline(), Some(secs(3660)));
}

#[test]
fn the_earlier_of_the_mode_deadline_and_the_idle_deadline_is_armed() {
    let short = GameTimeouts { lobby_seconds: 900, idle_seconds: 60 };
    let mut play = Play::started_with(defaults(Mode::Race), 2, 12, short);
    assert_eq!(play.state().pending_timer(), Some((secs(60), end_idle(secs(60)))));
    play.now = secs(150);
    play.matches(1);
    let clock_end = GameCommand::EndClock { guild: GUILD, clock_ends_at: secs(180) };
    assert_eq!(play.state().pending_timer(), Some((secs(180), clock_end)), "the clock comes first");
    // A Knockout round in play still ends on its own deadline when the idle one is later.
    let play = Play::started(defaults(Mode::Knockout), 2, 12);
    let (at, timer) = play.state().pending_timer().expect("the round is timed");
    assert_eq!(at, secs(300));
    assert!(matches!(timer, GameCommand::ExpireRound { .. }), "{timer:?}");
}

#[test]
fn an_idle_knockout_ends_without_closing_the_round() {
    let short = GameTimeouts { lobby_seconds: 900, idle_seconds: 60 };
    let mut play = Play::started_with(defaults(Mode::Knockout), 3, 12, short);
    play.now = secs(20);
    play.matches(1);
    play.now = secs(80);
    let events = play.run(end_idle(secs(80)));
    assert_eq!(types(&events), ["GameEnded"]);
    assert_eq!(winners(&events), Some(vec![]));
    assert_eq!(end_reason(&events), Some(EndReason::Idle { idle_seconds: 60 }));
}

#[test]
fn a_longform_game_waits_two_rounds_plus_the_idle_period() {
    // Decision: one team may answer early one day and late the next in a healthy game.
    let play = Play::started(defaults(Mode::Longform), 3, 4);
    assert_eq!(play.state().idle_deadline(), Some(hours(49)));
    let (at, timer) = play.state().pending_timer().expect("the round is timed");
    assert_eq!(at, hours(24), "the round ends first");
    assert!(matches!(timer, GameCommand::EndLongformRound { .. }), "{timer:?}");
}

#[test]
fn a_longform_game_answered_once_a_day_is_not_ended_for_idleness() {
    let mut play = Play::started(defaults(Mode::Longform), 3, 4);
    // Day 1: everyone answers in the first hour.
    play.now = hours(1);
    for n in 1..=3 {
        play.matches(n);
    }
    play.now = hours(24);
    play.run(GameCommand::EndLongformRound { guild: GUILD, round: 1, deadline: hours(24) });
    // Day 2: everyone answers in the last hour; 46 hours after the last answers.
    play.now = hours(47);
    for n in 1..=3 {
        play.matches(n);
    }
    assert_eq!(play.state().phase(), Phase::Running);
    assert_eq!(play.state().idle_deadline(), Some(hours(47 + 49)));
}

#[test]
fn a_longform_game_nobody_answers_ends_an_hour_after_its_second_round() {
    let mut play = Play::started(defaults(Mode::Longform), 3, 4);
    for round in 1..=2 {
        let (at, timer) = play.state().pending_timer().expect("a timer");
        assert_eq!(at, hours(24 * i64::from(round)), "round {round} ends first");
        play.now = at;
        play.run(timer);
        assert!(eliminations(&play.history).is_empty(), "nobody matched: a tie, nobody out");
    }
    let (at, timer) = play.state().pending_timer().expect("a timer");
    assert_eq!((at, &timer), (hours(49), &end_idle(hours(49))), "round 3 lasts longer");
    play.now = at;
    let events = play.run(timer);
    assert_eq!(end_reason(&events), Some(EndReason::Idle { idle_seconds: 49 * 3600 }));
    assert_eq!(winners(&events), Some(vec![]));
}

#[test]
fn idle_periods_by_mode() {
    let timeouts = GameTimeouts { lobby_seconds: 900, idle_seconds: 600 };
    let table: [(GameOptions, i64); 4] = [
        (defaults(Mode::TwoPlayer), 600),
        (defaults(Mode::Race), 600),
        (defaults(Mode::Knockout), 600),
        (options(Mode::Longform, &["round_hours=6"]), 12 * 3600 + 600),
    ];
    for (options, seconds) in table {
        assert_eq!(idle_period(&options, timeouts), Duration::seconds(seconds), "{options:?}");
    }
}

#[test]
fn scaled_timeouts_are_longer_and_saturate() {
    let scaled = GameTimeouts::default().scaled(960);
    assert_eq!(scaled, GameTimeouts { lobby_seconds: 900 * 960, idle_seconds: 3600 * 960 });
    assert_eq!(GameTimeouts::default().scaled(u32::MAX).idle_seconds, u32::MAX);
}

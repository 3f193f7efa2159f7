//! Durable timers: Knockout rounds and pauses, the Race clock, a passivated game, and a restart
//! in the middle of a round, all on a fast clock.
use std::time::Duration;

use gamebot::domain::game::{
    ClockOptions, EliminationReason, GameCommand, GameEvent, GameOptions, KnockoutOptions, Phase,
    RoundSeconds, TimeSeconds,
};
use gamebot::domain::{GameId, TeamId};
use gamebot::reactors::{load_timers, ListArmed};
use gamebot::runtime::SharedClock;
use gamebot::store::StreamId;

use crate::helpers::{eventually, fast_clock, start_engine, user, Engine, TestDb, GUILD};

/// Knockout with `round_seconds` per round and the default five-second pause.
fn knockout(round_seconds: &str) -> GameOptions {
    GameOptions::Knockout(KnockoutOptions {
        round_seconds: RoundSeconds::parse(round_seconds).expect("valid round seconds"),
        ..Default::default()
    })
}

/// A Race with a `time_seconds` clock.
fn race(time_seconds: &str) -> GameOptions {
    GameOptions::Race(ClockOptions {
        time_seconds: TimeSeconds::parse(time_seconds).expect("valid time seconds"),
    })
}

/// Forms four teams and starts a Knockout game with them; returns the game and the teams.
async fn start_knockout(engine: &Engine, round_seconds: &str) -> (GameId, [TeamId; 4]) {
    let mut teams = Vec::new();
    for n in 0..4 {
        teams.push(engine.form_team(user(2 * n + 1), user(2 * n + 2), None).await);
    }
    let teams: [TeamId; 4] = teams.try_into().expect("four teams");
    let game = engine.open_game(teams[0], knockout(round_seconds)).await;
    for team in &teams[1..] {
        engine.join(game, *team).await;
    }
    engine.send(game, user(1), GameCommand::StartGame { guild: GUILD, by: user(1) }).await;
    (game, teams)
}

/// Round 1: A and B match at once, C needs two guesses, D never answers.
async fn play_round_one(engine: &Engine, game: GameId, [a, b, c, _]: [TeamId; 4]) {
    engine.play_match(game, a).await;
    engine.play_match(game, b).await;
    engine.play_miss(game, c).await;
    engine.play_match(game, c).await;
}

/// Waits for round 2 (started by the pause timer), plays it (A at once, B in two: B is cut) and
/// checks the whole game's story.
async fn finish_knockout(engine: &Engine, game: GameId, [a, b, c, d]: [TeamId; 4]) {
    eventually("the next round starts after the pause", || async {
        let state = engine.game(game).await;
        state.round() == 2 && state.round_deadline().is_some()
    })
    .await;
    engine.play_match(game, a).await;
    engine.play_miss(game, b).await;
    engine.play_match(game, b).await;
    eventually("the game ends", || async { engine.game(game).await.phase() == Phase::Ended }).await;
    assert_eq!(engine.game(game).await.winners(), &[a], "the last team standing wins");
    let eliminations: Vec<(TeamId, u32, EliminationReason)> = engine
        .game_events(game)
        .await
        .into_iter()
        .filter_map(|e| match e {
            GameEvent::TeamEliminated { team_id, round, reason, .. } => {
                Some((team_id, round, reason))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        eliminations,
        vec![
            (d, 1, EliminationReason::TimeExpired),
            (c, 1, EliminationReason::Slowest),
            (b, 2, EliminationReason::Slowest),
        ],
        "round 1 ended on its timer, round 2 on its answers"
    );
}

async fn a_knockout_round_expires_on_its_timer_and_the_next_starts_after_the_pause(db: TestDb) {
    // Arrange: 600x, so a 3,000-second round lasts five real seconds (room for a loaded machine).
    let engine = start_engine(&db, fast_clock(600), 300).await;
    let (game, teams) = start_knockout(&engine, "3000").await;

    // Act
    play_round_one(&engine, game, teams).await;

    // Assert
    finish_knockout(&engine, game, teams).await;
    engine.shut_down().await;
}

on_both_backends!(
    a_knockout_round_expires_on_its_timer_and_the_next_starts_after_the_pause,
    a_knockout_round_expires_on_its_timer_and_the_next_starts_after_the_pause_postgres,
    a_knockout_round_expires_on_its_timer_and_the_next_starts_after_the_pause_sqlite
);

async fn a_race_clock_ends_on_its_timer_with_the_most_matches_winning(db: TestDb) {
    // Arrange: a 3,600-second clock lasting six real seconds.
    let engine = start_engine(&db, fast_clock(600), 300).await;
    let a = engine.form_team(user(1), user(2), None).await;
    let b = engine.form_team(user(3), user(4), None).await;
    let game = engine.open_game(a, race("3600")).await;
    engine.join(game, b).await;
    engine.send(game, user(1), GameCommand::StartGame { guild: GUILD, by: user(1) }).await;

    // Act: A matches once, B only misses.
    engine.play_match(game, a).await;
    engine.play_miss(game, b).await;

    // Assert
    eventually("the clock ends the game", || async {
        engine.game(game).await.phase() == Phase::Ended
    })
    .await;
    assert_eq!(engine.game(game).await.winners(), &[a]);
    // The timer actor deletes the row after the command returns and the timers reactor disarms
    // on GameEnded, both a moment after the game ended.
    eventually("no timer row is left", || async {
        load_timers(&*engine.store).await.expect("timers").is_empty()
    })
    .await;
    eventually("no timer is left armed", || async {
        engine.reactors.timers.send(ListArmed).await.expect("the timer actor runs").is_empty()
    })
    .await;
    engine.shut_down().await;
}

on_both_backends!(
    a_race_clock_ends_on_its_timer_with_the_most_matches_winning,
    a_race_clock_ends_on_its_timer_with_the_most_matches_winning_postgres,
    a_race_clock_ends_on_its_timer_with_the_most_matches_winning_sqlite
);

async fn a_passivated_game_wakes_on_its_timer(db: TestDb) {
    // Arrange: 30x, a 180-second clock (six real seconds); idle actors go after one second.
    let engine = start_engine(&db, fast_clock(30), 1).await;
    let a = engine.form_team(user(1), user(2), None).await;
    let b = engine.form_team(user(3), user(4), None).await;
    let game = engine.open_game(a, race("180")).await;
    engine.join(game, b).await;
    engine.send(game, user(1), GameCommand::StartGame { guild: GUILD, by: user(1) }).await;

    // Act: nobody touches the game; it is passivated before its clock ends.
    eventually("the game's actor is passivated", || async {
        engine.runtime.health().take_report().live.get("game").copied().unwrap_or(0) == 0
    })
    .await;
    let ended =
        |events: &[GameEvent]| events.iter().any(|e| matches!(e, GameEvent::GameEnded { .. }));
    assert!(!ended(&engine.game_events(game).await), "passivated before the clock ended");

    // Assert: the timer wakes it and the clock ends the game.
    eventually("the clock ends the passivated game", || async {
        ended(&engine.game_events(game).await)
    })
    .await;
    engine.shut_down().await;
}

on_both_backends!(
    a_passivated_game_wakes_on_its_timer,
    a_passivated_game_wakes_on_its_timer_postgres,
    a_passivated_game_wakes_on_its_timer_sqlite
);

/// Runs round 1 of a Knockout game on a first runtime in its own actix system, which then dies
/// with its runtime while the round's timer is armed.
fn first_runtime_until_mid_round(db: TestDb, clock: SharedClock) -> (GameId, [TeamId; 4]) {
    std::thread::spawn(move || {
        actix::System::new().block_on(async move {
            let engine = start_engine(&db, clock, 300).await;
            let (game, teams) = start_knockout(&engine, "3000").await;
            play_round_one(&engine, game, teams).await;
            let stream = StreamId::game(game);
            eventually("the round timer is stored", || async {
                load_timers(&*engine.store)
                    .await
                    .expect("timers")
                    .iter()
                    .any(|t| t.stream == stream)
            })
            .await;
            assert_eq!(engine.game(game).await.round(), 1, "still in round 1 at the crash");
            // Only the followers stop first, so no database call is cut off mid-flight when the
            // system drops (sqlx cannot clean up outside a Tokio runtime); the timer is left
            // armed and unfired, as in a crash.
            engine.shut_down().await;
            (game, teams)
        })
    })
    .join()
    .expect("the first runtime ran")
}

async fn a_new_runtime_rearms_the_timers_of_a_knockout_dropped_mid_round(db: TestDb) {
    // Arrange: a 3,000-second round (five real seconds); the first runtime dies in round 1.
    let clock = fast_clock(600);
    let (game, teams) = first_runtime_until_mid_round(db.clone(), clock.clone());
    let deadline = {
        let store = db.connect().await;
        let timers = load_timers(&*store).await.expect("timers");
        store.close().await;
        timers.iter().find(|t| t.stream == StreamId::game(game)).expect("armed").fire_at
    };
    // The deadline passes while no runtime runs.
    tokio::time::sleep(clock.real_wait_until(deadline) + Duration::from_millis(200)).await;

    // Act: a new runtime on the same database.
    let engine = start_engine(&db, clock, 300).await;

    // Assert: the overdue round end fires at once, the pause timer starts round 2, the game ends.
    finish_knockout(&engine, game, teams).await;
    engine.shut_down().await;
}

#[actix::test]
async fn a_new_runtime_rearms_the_timers_of_a_knockout_dropped_mid_round_postgres() {
    crate::helpers::with_postgres(a_new_runtime_rearms_the_timers_of_a_knockout_dropped_mid_round)
        .await;
}

// Known flake on SQLite (about one run in four under parallel tests): the next round never
// starts after the first runtime, dropped on its own thread, stops; under investigation. The
// SIGKILL fault test (tests/faults) covers a real process restart on SQLite.
#[actix::test]
#[ignore = "known flake on SQLite after an in-process runtime drop; see the comment above"]
async fn a_new_runtime_rearms_the_timers_of_a_knockout_dropped_mid_round_sqlite() {
    crate::helpers::with_sqlite(a_new_runtime_rearms_the_timers_of_a_knockout_dropped_mid_round)
        .await;
}

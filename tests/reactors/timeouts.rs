//! Lobby and idle timeouts on durable timers, on a fast clock: a lobby nobody starts closes and
//! frees its channel and players, and a running game nobody answers ends with no winner at a
//! deadline every answer moves (the timer of the old deadline changes nothing).
use gamebot::domain::game::{
    EndReason, Game, GameCommand, GameEvent, GameOptions, GameTimeouts, KnockoutOptions, Phase,
    Rounds, TwoPlayerOptions,
};
use gamebot::domain::{GameId, TeamId};
use gamebot::reactors::{load_timers, ListArmed};
use gamebot::store::StreamId;

use crate::helpers::{
    by, eventually, fast_clock, start_engine, team_in, usable_words, user, Engine, TestDb, CHANNEL,
    GUILD,
};

/// Game seconds per real second: a 1,800-second timeout lasts three real seconds.
const SPEED: u32 = 600;

/// Half an hour of game time, three real seconds.
const HALF_AN_HOUR: u32 = 1800;

/// A day: longer than any of these tests.
const A_DAY: u32 = 86_400;

/// Waits until the timers reactor has armed `game`'s timer at `at` (rounded up to the
/// microsecond, as timers are stored).
async fn armed_at(engine: &Engine, game: GameId, at: chrono::DateTime<chrono::Utc>) {
    let stream = StreamId::game(game);
    let rounding = chrono::TimeDelta::microseconds(1);
    eventually("the timer is armed at the game's deadline", || async {
        let armed = engine.reactors.timers.send(ListArmed).await.expect("the timer actor runs");
        armed.iter().any(|(s, fire_at)| *s == stream && *fire_at >= at && *fire_at - at < rounding)
    })
    .await;
}

/// Waits until the channel and the given players are free again and no timer is left.
async fn everything_is_free(engine: &Engine, players: &[u64]) {
    eventually("the channel is free", || async {
        engine.guild().await.channel_game(CHANNEL).is_none()
    })
    .await;
    for n in players {
        eventually("the player is free", || async {
            engine.player(user(*n)).await.active_game().is_none()
        })
        .await;
    }
    eventually("no timer row is left", || async {
        load_timers(&*engine.store).await.expect("timers").is_empty()
    })
    .await;
}

async fn two_teams(engine: &Engine) -> (TeamId, TeamId) {
    let a = engine.form_team(user(1), user(2), None).await;
    let b = engine.form_team(user(3), user(4), None).await;
    (a, b)
}

async fn an_unstarted_lobby_closes_at_its_timeout_and_frees_its_channel_and_players(db: TestDb) {
    // Arrange: a Knockout lobby of two teams that nobody starts.
    let engine = start_engine(&db, fast_clock(SPEED), 300).await;
    let (a, b) = two_teams(&engine).await;
    let timeouts = GameTimeouts { lobby_seconds: HALF_AN_HOUR, idle_seconds: A_DAY };
    let knockout = GameOptions::Knockout(KnockoutOptions::default());
    let lobby = engine.open_game_with(a, knockout, timeouts).await;
    engine.join(lobby, b).await;
    let deadline = engine.game(lobby).await.lobby_deadline().expect("a lobby deadline");

    // Act: its expiry is armed and fires.
    armed_at(&engine, lobby, deadline).await;
    eventually("the lobby closes", || async {
        engine.game(lobby).await.phase() == Phase::Cancelled
    })
    .await;

    // Assert
    let expired = engine.game_events(lobby).await.into_iter().find_map(|e| match e {
        GameEvent::LobbyExpired { lobby_seconds, expired_at } => Some((lobby_seconds, expired_at)),
        _ => None,
    });
    let (lobby_seconds, expired_at) = expired.expect("the lobby expired");
    assert_eq!(lobby_seconds, HALF_AN_HOUR);
    assert!(expired_at >= deadline, "not before its deadline: {expired_at} < {deadline}");
    everything_is_free(&engine, &[1, 2, 3, 4]).await;
    // The same players open and join a new lobby in the same channel.
    let next = engine.open_game(a, knockout).await;
    engine.join(next, b).await;
    assert_eq!(engine.game(next).await.teams().len(), 2);
    engine.shut_down().await;
}

on_both_backends!(
    an_unstarted_lobby_closes_at_its_timeout_and_frees_its_channel_and_players,
    an_unstarted_lobby_closes_at_its_timeout_and_frees_its_channel_and_players_postgres,
    an_unstarted_lobby_closes_at_its_timeout_and_frees_its_channel_and_players_sqlite
);

async fn an_idle_game_ends_with_no_winner_at_a_deadline_each_answer_moves(db: TestDb) {
    // Arrange: a Two Player game, idle after half an hour.
    let clock = fast_clock(SPEED);
    let engine = start_engine(&db, clock.clone(), 300).await;
    let team = engine.form_team(user(1), user(2), None).await;
    let rounds = Rounds::parse("3").expect("valid rounds");
    let options = GameOptions::TwoPlayer(TwoPlayerOptions { rounds, ..Default::default() });
    let timeouts = GameTimeouts { lobby_seconds: A_DAY, idle_seconds: HALF_AN_HOUR };
    let game = engine.open_game_with(team, options, timeouts).await;
    let first = engine.game(game).await.idle_deadline().expect("an idle deadline");
    armed_at(&engine, game, first).await;

    // Act: a third of the way in, one player answers; the deadline moves.
    tokio::time::sleep(clock.real_wait_until(first - chrono::Duration::seconds(1200))).await;
    let state = engine.game(game).await;
    let word = usable_words(team_in(&state, team), &[]).next().expect("a usable word");
    let answer = GameCommand::SubmitAnswer { guild: GUILD, player: user(1), raw: word.into() };
    engine.send(game, user(1), answer).await;
    let moved = engine.game(game).await.idle_deadline().expect("an idle deadline");
    assert!(moved > first, "the answer moved the deadline: {moved} <= {first}");
    armed_at(&engine, game, moved).await;
    // The timer of the old deadline, fired anyway, is stale.
    let stale = GameCommand::EndIdleGame { guild: GUILD, deadline: first };
    let outcome = engine
        .runtime
        .registry()
        .execute::<Game>(StreamId::game(game), stale, by(user(1)))
        .await
        .expect("a stale timer is not an error");
    assert!(outcome.events.is_empty(), "{:?}", outcome.events);
    tokio::time::sleep(clock.real_wait_until(first)).await;
    assert_eq!(engine.game(game).await.phase(), Phase::Running, "alive past the old deadline");

    // Assert: at the moved deadline the game ends with no winner, for want of answers.
    eventually("the idle game ends", || async { engine.game(game).await.phase() == Phase::Ended })
        .await;
    let ended = engine.game_events(game).await.into_iter().find_map(|e| match e {
        GameEvent::GameEnded { winners, reason, ended_at, .. } => Some((winners, reason, ended_at)),
        _ => None,
    });
    let (winners, reason, ended_at) = ended.expect("the game ended");
    assert!(winners.is_empty(), "no winner: {winners:?}");
    assert_eq!(reason, EndReason::Idle { idle_seconds: u64::from(HALF_AN_HOUR) });
    assert!(ended_at >= moved, "not before the moved deadline: {ended_at} < {moved}");
    everything_is_free(&engine, &[1, 2]).await;
    eventually("the finished game is named for its Game over message", || async {
        engine.game(game).await.replay_name().is_some()
    })
    .await;
    engine.shut_down().await;
}

on_both_backends!(
    an_idle_game_ends_with_no_winner_at_a_deadline_each_answer_moves,
    an_idle_game_ends_with_no_winner_at_a_deadline_each_answer_moves_postgres,
    an_idle_game_ends_with_no_winner_at_a_deadline_each_answer_moves_sqlite
);

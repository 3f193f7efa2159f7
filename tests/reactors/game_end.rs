//! What happens when games end: unique replay names, and players and channels set free.
use std::collections::HashMap;

use gamebot::domain::game::{GameCommand, GameOptions, Phase, Rounds, TwoPlayerOptions};
use gamebot::domain::GameId;
use gamebot::reactors::{replay_name_candidate, reserve_replay_name, reserved_replay_name};
use uuid::Uuid;

use crate::helpers::{
    eventually, start_engine, system_clock, user, Engine, TestDb, CHANNEL, GUILD,
};

fn one_round() -> GameOptions {
    let rounds = Rounds::parse("1").expect("a valid round count");
    GameOptions::TwoPlayer(TwoPlayerOptions { rounds, ..Default::default() })
}

/// Plays a one-round Two Player game for the team of players `n` and `n + 1` to its end.
async fn play_a_game(engine: &Engine, first: u64) -> GameId {
    let team = engine.form_team(user(first), user(first + 1), None).await;
    let game = engine.open_game(team, one_round()).await;
    engine.play_match(game, team).await;
    assert_eq!(engine.game(game).await.phase(), Phase::Ended);
    game
}

async fn finished_games_get_unique_replay_names(db: TestDb) {
    // Arrange
    let engine = start_engine(&db, system_clock(), 300).await;

    // Act
    let first = play_a_game(&engine, 1).await;
    let second = play_a_game(&engine, 3).await;

    // Assert
    let mut names = Vec::new();
    for game in [first, second] {
        eventually("the game has its replay name", || async {
            engine.game(game).await.replay_name().is_some()
        })
        .await;
        let name = engine.game(game).await.replay_name().expect("named").to_owned();
        assert_eq!(
            reserved_replay_name(&*engine.store, game).await.expect("lookup"),
            Some(name.clone()),
            "the game holds the name it was given"
        );
        names.push(name);
    }
    assert_ne!(names[0], names[1], "two games never share a name");
    engine.shut_down().await;
}

on_both_backends!(
    finished_games_get_unique_replay_names,
    finished_games_get_unique_replay_names_postgres,
    finished_games_get_unique_replay_names_sqlite
);

async fn a_game_whose_first_name_is_taken_gets_its_next_candidate(db: TestDb) {
    // Arrange: two games whose first candidates clash (found by the birthday paradox).
    let store = db.connect().await;
    let mut seen: HashMap<String, GameId> = HashMap::new();
    let (holder, latecomer) = loop {
        let game = GameId(Uuid::new_v4());
        if let Some(other) = seen.insert(replay_name_candidate(game, 0), game) {
            break (other, game);
        }
    };
    let clash = replay_name_candidate(holder, 0);

    // Act
    let held = reserve_replay_name(&*store, holder).await.expect("reserved");
    let next = reserve_replay_name(&*store, latecomer).await.expect("reserved");
    let again = reserve_replay_name(&*store, latecomer).await.expect("reserved");

    // Assert
    assert_eq!(held, clash);
    assert_eq!(next, replay_name_candidate(latecomer, 1), "the next candidate");
    assert_eq!(again, next, "a game keeps the name it holds");
    store.close().await;
}

on_both_backends!(
    a_game_whose_first_name_is_taken_gets_its_next_candidate,
    a_game_whose_first_name_is_taken_gets_its_next_candidate_postgres,
    a_game_whose_first_name_is_taken_gets_its_next_candidate_sqlite
);

async fn active_games_are_released_when_teams_leave_and_games_end(db: TestDb) {
    // Arrange: team A opens a Knockout lobby, team B joins it.
    let engine = start_engine(&db, system_clock(), 300).await;
    let a = engine.form_team(user(1), user(2), None).await;
    let b = engine.form_team(user(3), user(4), None).await;
    let lobby =
        engine.open_game(a, GameOptions::defaults(gamebot::domain::game::Mode::Knockout)).await;
    engine.join(lobby, b).await;
    assert_eq!(engine.player(user(3)).await.active_game(), Some(lobby));

    // Act: B leaves; then the creator cancels.
    engine.send(lobby, user(3), GameCommand::LeaveGame { guild: GUILD, player: user(3) }).await;
    eventually("the leaving team is free", || async {
        engine.player(user(3)).await.active_game().is_none()
            && engine.player(user(4)).await.active_game().is_none()
    })
    .await;
    assert_eq!(engine.player(user(1)).await.active_game(), Some(lobby), "A is still in it");
    let cancel = GameCommand::CancelGame { guild: GUILD, by: user(1), has_manage_guild: false };
    engine.send(lobby, user(1), cancel).await;

    // Assert: A is free and the channel is closed.
    eventually("a cancelled game frees its players and channel", || async {
        engine.player(user(1)).await.active_game().is_none()
            && engine.player(user(2)).await.active_game().is_none()
            && engine.guild().await.channel_game(CHANNEL).is_none()
    })
    .await;

    // Act: B plays a game to its end in the same channel.
    let game = engine.open_game(b, one_round()).await;
    assert_eq!(engine.player(user(4)).await.active_game(), Some(game));
    engine.play_match(game, b).await;

    // Assert
    eventually("a finished game frees its players and channel", || async {
        engine.player(user(3)).await.active_game().is_none()
            && engine.player(user(4)).await.active_game().is_none()
            && engine.guild().await.channel_game(CHANNEL).is_none()
    })
    .await;
    engine.shut_down().await;
}

on_both_backends!(
    active_games_are_released_when_teams_leave_and_games_end,
    active_games_are_released_when_teams_leave_and_games_end_postgres,
    active_games_are_released_when_teams_leave_and_games_end_sqlite
);

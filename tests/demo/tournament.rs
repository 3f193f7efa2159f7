//! The tournament on both backends: every mode played to its `Game over`, leaderboards with
//! rows, a replay, and every game's replay verified by a fresh rebuild.
use std::collections::HashSet;

use gamebot::domain::game::Mode;
use gamebot::projections::{rebuild, GameStatus, ReadModels};

use crate::helpers::{gamebot, play_demo, TestDb};
use crate::read_models::read_model_rows;

async fn the_demo_plays_five_modes_and_every_replay_verifies(db: TestDb) {
    // Act
    let report = play_demo(&db).await;

    // Assert: one ended game per mode, each with the `Game over` message.
    let modes: HashSet<Mode> = report.games.iter().map(|g| g.mode).collect();
    assert_eq!(report.games.len(), 5, "five games: {:?}", report.games);
    assert_eq!(modes.len(), 5, "one game per mode: {modes:?}");
    for game in &report.games {
        let first = game.game_over.lines().next().unwrap_or("");
        assert!(first.contains("Game over"), "{} game over text: {}", game.mode, game.game_over);
        assert!(
            game.game_over.lines().last() == Some(&format!("Replay: {}", game.replay_name)),
            "the last line names the replay: {}",
            game.game_over
        );
    }
    let store = db.connect().await;
    let read_models = ReadModels::new(&store);
    for game in &report.games {
        let row = read_models.game(game.game_id).await.expect("the games read model");
        let status = row.map(|r| r.status);
        assert_eq!(status, Some(GameStatus::Ended), "the {} game ended", game.mode);
    }
    // Assert: every read model rebuilt from the whole log equals the live one, row for row.
    let live = read_model_rows(&*store).await;
    assert!(live.len() > 50, "the read models hold the tournament: {} rows", live.len());
    rebuild(&*store, "all").await.expect("rebuild all");
    let rebuilt = read_model_rows(&*store).await;
    assert!(live == rebuilt, "rebuilt read models differ from the live ones");
    store.close().await;
    assert_eq!(report.leaderboards.len(), 2, "players and teams");
    for board in &report.leaderboards {
        assert!(board.contains("1. "), "a leaderboard with rows: {board}");
    }
    assert!(report.replay.contains("Round 1"), "a replay told round by round: {}", report.replay);
    assert_eq!(report.verified.len(), 5, "every game verified in the demo");
    let (answers, _, _) = report.answers;
    assert!(answers > 20, "the players answered: {answers}");

    // Assert: `gamebot replay <name> --verify` exits 0 for every game of the demo.
    for game in &report.games {
        let out = gamebot(&db, &["replay", &game.replay_name, "--verify"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "replay {} --verify failed: {}{}",
            game.replay_name,
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("verified:"), "a verification line: {stdout}");
    }
    db.drop_database().await;
}

#[actix::test]
async fn a_demo_on_sqlite_ends_all_five_modes_and_every_replay_verifies() {
    the_demo_plays_five_modes_and_every_replay_verifies(TestDb::sqlite()).await;
}

#[actix::test]
async fn a_demo_on_postgres_ends_all_five_modes_and_every_replay_verifies() {
    if let Some(db) = TestDb::postgres().await {
        the_demo_plays_five_modes_and_every_replay_verifies(db).await;
    }
}

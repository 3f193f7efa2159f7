//! `gamebot projections list|rebuild` on the embedded default database.
use std::process::{Command, Output};

use gamebot::projections::PROJECTION_NAMES;

/// Runs `gamebot projections <args>` in `dir` with only the defaults (no GAMEBOT_ variables).
fn projections_in(dir: &std::path::Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gamebot"));
    command.arg("projections").args(args).current_dir(dir);
    for (name, _) in std::env::vars() {
        if name.starts_with("GAMEBOT_") {
            command.env_remove(name);
        }
    }
    command.output().expect("the gamebot binary runs")
}

#[test]
fn rebuild_all_then_list_shows_every_projection_caught_up() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();

    // Act
    let rebuilt = projections_in(dir.path(), &["rebuild", "all"]);
    let listed = projections_in(dir.path(), &["list"]);

    // Assert
    let out = String::from_utf8_lossy(&rebuilt.stdout);
    assert!(rebuilt.status.success(), "{out}{}", String::from_utf8_lossy(&rebuilt.stderr));
    let listing = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.status.success(), "{listing}");
    for name in PROJECTION_NAMES {
        assert!(out.contains(&format!("rebuilt {name}: reset")), "{name} in {out}");
        let line = listing.lines().find(|l| l.starts_with(name)).expect("a line per projection");
        assert!(line.contains("checkpoint") && line.ends_with("lag 0"), "{line}");
    }
}

#[test]
fn rebuilding_an_unknown_projection_fails_and_lists_the_names() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();

    // Act
    let output = projections_in(dir.path(), &["rebuild", "scores"]);

    // Assert
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("\"scores\"") && stderr.contains("active_players"), "{stderr}");
}

/// Runs `gamebot <args>` on the database at `url`.
fn gamebot_on(url: &str, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gamebot"));
    command.args(args).env("GAMEBOT_DATABASE__URL", url).env("RUST_LOG", "warn");
    command.output().expect("the gamebot binary runs")
}

#[actix::test]
async fn deadletters_retry_redrives_a_parked_event_through_its_projection() {
    use gamebot::config::{HealthSettings, RuntimeSettings};
    use gamebot::domain::game::{Game, GameCommand};
    use gamebot::domain::{GameId, UserId};
    use gamebot::projections::{ReadModels, GAMES};
    use gamebot::runtime::{CommandMeta, Runtime, SystemClock};
    use gamebot::store::StreamId;

    use crate::helpers::{team, two_player, CHANNEL, GUILD};

    // Arrange: a game whose creation the games projection parked (as if it had failed).
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("gamebot.db").display());
    let settings =
        gamebot::config::DatabaseSettings { url: url.clone().into(), max_connections: 4 };
    let store = gamebot::store::connect(&settings).await.expect("store");
    let runtime = Runtime::start(
        store.clone(),
        std::sync::Arc::new(SystemClock),
        &RuntimeSettings {
            snapshot_every: 0,
            passivate_after_seconds: 600,
            max_concurrent_rebuilds: 2,
        },
        &HealthSettings { interval_seconds: 3_600 },
    );
    let game_id = GameId(uuid::Uuid::new_v4());
    let create = GameCommand::CreateGame {
        game_id,
        guild: GUILD,
        channel: CHANNEL,
        creator: UserId(1),
        options: two_player(3, 2),
        creator_team: Some(team("Parked", 1, 2)),
        forbidden_list_size: 12,
        timeouts: gamebot::domain::game::GameTimeouts::default(),
    };
    let meta = CommandMeta { source_id: Some("parked-create".into()), ..CommandMeta::default() };
    runtime.registry().execute::<Game>(StreamId::game(game_id), create, meta).await.unwrap();
    let created = store.read_all(0, 1).await.unwrap().remove(0);
    assert_eq!(created.event_type, "GameCreated");
    let mut tx = store.begin_read_model_tx().await.unwrap();
    tx.park_dead_letter(GAMES, &created, "the games table was unreachable").await.unwrap();
    tx.save_checkpoint(GAMES, created.position).await.unwrap();
    tx.commit().await.unwrap();
    store.close().await;

    // Act
    let listed = gamebot_on(&url, &["deadletters"]);
    let retried = gamebot_on(&url, &["deadletters", "retry", "--subscription", GAMES]);
    let after = gamebot_on(&url, &["deadletters"]);
    let refused = gamebot_on(&url, &["deadletters", "retry", "--subscription", "scores"]);

    // Assert
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(listed.contains("games position") && listed.contains("GameCreated"), "{listed}");
    let out = String::from_utf8_lossy(&retried.stdout).into_owned();
    let err = String::from_utf8_lossy(&retried.stderr).into_owned();
    assert!(retried.status.success(), "{out}{err}");
    assert!(out.contains("games: 1 handled and removed, 0 parked again"), "{out}");
    let after = String::from_utf8_lossy(&after.stdout).into_owned();
    assert!(after.contains("no dead letters"), "{after}");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("\"scores\""));
    let store = gamebot::store::connect(&settings).await.expect("store");
    let view = ReadModels::new(&store).game(game_id).await.unwrap();
    assert!(view.is_some(), "the re-driven GameCreated built the game's row");
    store.close().await;
}

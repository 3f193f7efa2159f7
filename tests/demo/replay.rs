//! `gamebot replay` on a demo's games: the history stops at the version asked for, and
//! verification fails, naming the difference, when a read-model row no longer matches the events.
use gamebot::domain::game::Mode;

use crate::helpers::{gamebot, play_demo, TestDb};

#[actix::test]
async fn until_version_shows_only_the_history_up_to_that_version() {
    // Arrange
    let db = TestDb::sqlite();
    let report = play_demo(&db).await;
    let knockout = report.games.iter().find(|g| g.mode == Mode::Knockout).expect("a Knockout");

    // Act
    let out = gamebot(&db, &["replay", &knockout.game_id.to_string(), "--until-version", "8"]);

    // Assert
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "replay failed: {text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("History up to version 8 of"), "says where it stops: {text}");
    assert!(text.contains("State at this version"), "shows the respawned state: {text}");
    assert!(!text.contains("Game over"), "nothing after version 8: {text}");
    let events = text.lines().filter(|l| l.starts_with('[')).count();
    assert!(events <= 8, "at most 8 events told, got {events}: {text}");

    // Act: past the end is refused.
    let out = gamebot(&db, &["replay", &knockout.replay_name, "--until-version", "100000"]);
    assert!(!out.status.success(), "a version past the end is an error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("past the end"));
}

#[actix::test]
async fn verify_fails_with_a_clear_message_when_a_read_model_row_is_tampered_with() {
    // Arrange: a demo, then corruption of one games row (the only test that writes a read
    // model directly: it simulates a bug or a hand edit).
    let db = TestDb::sqlite();
    let report = play_demo(&db).await;
    let race = report.games.iter().find(|g| g.mode == Mode::Race).expect("a Race");
    let path = db.url.trim_start_matches("sqlite://").to_owned();
    let mut conn =
        <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!("sqlite://{path}"))
            .await
            .expect("the demo database");
    let changed = sqlx::query("UPDATE rm_games SET status = 'running' WHERE game_id = ?")
        .bind(race.game_id.to_string())
        .execute(&mut conn)
        .await
        .expect("tampering works")
        .rows_affected();
    assert_eq!(changed, 1, "the Race row exists");
    drop(conn);

    // Act
    let out = gamebot(&db, &["replay", &race.replay_name, "--verify"]);

    // Assert
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a tampered read model must fail verification");
    assert!(stderr.contains("does not verify"), "a clear message: {stderr}");
    assert!(
        stderr.contains("status is running, the events say ended"),
        "names the field: {stderr}"
    );

    // Assert: the other games still verify.
    let other = report.games.iter().find(|g| g.mode == Mode::Golf).expect("a Golf Race");
    let out = gamebot(&db, &["replay", &other.replay_name, "--verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

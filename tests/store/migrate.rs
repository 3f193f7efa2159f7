//! `gamebot migrate` on a fresh directory: the embedded default must just work.
use std::process::Command;

use gamebot::config::DatabaseSettings;
use gamebot::store::ExpectedVersion;

use crate::helpers::{new_stream, notes};

/// Runs `gamebot migrate` in `dir` with only the defaults (no GAMEBOT_ variables).
fn migrate_in(dir: &std::path::Path) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gamebot"));
    command.arg("migrate").current_dir(dir);
    for (name, _) in std::env::vars() {
        if name.starts_with("GAMEBOT_") {
            command.env_remove(name);
        }
    }
    command.output().expect("the gamebot binary runs")
}

#[tokio::test]
async fn migrate_creates_a_working_sqlite_file_in_the_current_directory_on_sqlite() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();

    // Act
    let first = migrate_in(dir.path());
    let second = migrate_in(dir.path());

    // Assert
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(first.status.success(), "{stdout}{}", String::from_utf8_lossy(&first.stderr));
    // Every migration is new on a fresh file, whatever their number.
    assert!(stdout.contains("applied ") && stdout.contains(", 0 were already applied"), "{stdout}");
    let again = String::from_utf8_lossy(&second.stdout);
    assert!(second.status.success() && again.contains("up to date"), "{again}");
    let url = format!("sqlite://{}", dir.path().join("gamebot.db").display());
    let store = gamebot::store::connect(&DatabaseSettings::from_url(&url)).await.unwrap();
    let stream = new_stream();
    store.append(&stream, ExpectedVersion::NoStream, notes(1)).await.expect("the file works");
    assert_eq!(store.stream_version(&stream).await.unwrap(), 1);
    store.close().await;
}

#[test]
fn migrate_with_a_bad_database_url_fails_naming_the_key() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();

    // Act
    let output = Command::new(env!("CARGO_BIN_EXE_gamebot"))
        .arg("migrate")
        .current_dir(dir.path())
        .env("GAMEBOT_DATABASE__URL", "mysql://bot:hunter2@localhost/x")
        .output()
        .unwrap();

    // Assert
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("database.url") && !stderr.contains("hunter2"), "{stderr}");
}

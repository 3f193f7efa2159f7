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

//! The demo test binary: the whole tournament on real stores, and `gamebot replay` on its games.

// A fresh database per test (SQLite file or PostgreSQL database) and the demo runner.
mod helpers;
// Every read-model row as text, to compare a rebuild with the live read models.
#[path = "../common/read_models.rs"]
mod read_models;
// The tournament on both backends: five games over, leaderboards, every replay verified.
mod tournament;
// `gamebot replay`: history up to a version, and verification failing on a tampered read model.
mod replay;

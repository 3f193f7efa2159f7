//! The read-model suite: a real `Runtime` on a fresh database per test, games played through the
//! registry, and the projections' answers read back through `ReadModels`. Every test runs on
//! PostgreSQL (`GAMEBOT_TEST_DATABASE_URL`) and SQLite, as `<test>::on_postgres` and
//! `<test>::on_sqlite`.
#[macro_use]
mod helpers;

// cli: `gamebot projections rebuild|list` through the binary.
mod cli;
// games: the games read model, history, open games per channel and the active-player index.
mod games;
// rebuild: rebuilding equals the live projections; a failing event is parked and skipped.
mod rebuild;
// replays: replay names both ways, case-insensitively.
mod replays;
// teams: formation, renames and name history, lookups by name and member.
mod teams;
// stats: player and team statistics, best partner, win streaks and leaderboards.
mod stats;

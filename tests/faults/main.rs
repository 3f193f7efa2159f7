//! Fault tests: the engine waits out a bad day. A private PostgreSQL server is stopped and
//! started again mid-play, a SQLite file is locked by another process, and the demo's
//! tournament must still finish with every game verified, nothing parked and every follower
//! caught up; a player asking meanwhile is told within 5 s that the store is unavailable. And
//! `gamebot serve` is killed with SIGKILL three times while 50 games are played against the fake
//! Discord: no acknowledged answer lost, no event or message twice, every game rightly over,
//! every read model equal to its rebuild.
//!
//! The long run (the real `gamebot demo` binary through a 60-second PostgreSQL outage) is
//! `#[ignore]`d here and run explicitly by `.ci/run`:
//! `cargo test --test faults -- --ignored`.
mod kills;
mod outages;

// The fake Discord and the end-to-end harness `gamebot serve` is played against.
#[path = "../fake_discord/mod.rs"]
mod fake_discord;
#[allow(dead_code, unused_imports)]
#[path = "../discord_e2e/harness.rs"]
mod harness;
#[path = "../common/read_models.rs"]
mod read_models;

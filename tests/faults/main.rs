//! Fault tests: the engine waits out a bad day. A private PostgreSQL server is stopped and
//! started again mid-play, a SQLite file is locked by another process, and the demo's
//! tournament must still finish with every game verified, nothing parked and every follower
//! caught up; a player asking meanwhile is told within 5 s that the store is unavailable.
//!
//! The long run (the real `gamebot demo` binary through a 60-second PostgreSQL outage) is
//! `#[ignore]`d here and run explicitly by `.ci/run`:
//! `cargo test --test faults -- --ignored`.
mod outages;

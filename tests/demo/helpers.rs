//! Harness: a fresh database per test, given as the URL `gamebot` itself takes, so a test can
//! play the demo in-process and then run the real binary on the same database.
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use gamebot::config::{HealthSettings, RuntimeSettings};
use gamebot::demo::{DemoClock, DemoOptions, DemoReport};
use gamebot::startup::Engine;

#[path = "../common/db.rs"]
mod db;

pub use db::TestDb;

/// The demo as tests play it: short games, a faster clock, no printing.
pub fn quick_options() -> DemoOptions {
    DemoOptions {
        seed: 7,
        timed_speed: 120,
        longform_speed: 57_600,
        quick: true,
        progress_bar: false,
        print: false,
    }
}

/// Plays the quick demo on `db` with the engine `gamebot demo` starts, and stops the engine.
pub async fn play_demo(db: &TestDb) -> DemoReport {
    let store = db.connect().await;
    let clock = Arc::new(DemoClock::new(Utc::now(), 120));
    let engine = Engine::start(
        store,
        clock.clone(),
        &RuntimeSettings {
            snapshot_every: 20,
            passivate_after_seconds: 600,
            max_concurrent_rebuilds: 4,
        },
        &HealthSettings { interval_seconds: 3_600 },
    );
    let options = quick_options();
    let report = gamebot::demo::run(&engine, clock, &options).await;
    let _ = engine.caught_up(Duration::from_secs(20)).await;
    engine.stop().await;
    report.unwrap_or_else(|e| panic!("the demo failed: {e}"))
}

/// Runs the real `gamebot` binary on `db` with `args`.
pub fn gamebot(db: &TestDb, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gamebot"))
        .args(args)
        .env("GAMEBOT_DATABASE__URL", &db.url)
        .env("GAMEBOT_CONFIG_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/config"))
        .env("RUST_LOG", "warn")
        .output()
        .expect("gamebot runs")
}

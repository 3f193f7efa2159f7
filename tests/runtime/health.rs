//! The health line operators read: one structured INFO line per interval with the documented
//! fields, and a WARN naming the stream when an actor restarts.
use std::sync::Arc;

use gamebot::config::{LogFormat, TelemetrySettings};
use gamebot::domain::game::{GameCommand, Mode};
use gamebot::runtime::{Runtime, SystemClock};

use crate::helpers::*;

runtime_test!(the_health_line_reports_actors_commands_latency_and_restarts, |store| async move {
    let lines = Lines::default();
    let sink = lines.clone();
    let settings = TelemetrySettings { format: LogFormat::Json, filter: "info".into() };
    let subscriber =
        gamebot::telemetry::subscriber(&settings, move || sink.clone()).expect("subscriber");
    let _guard = tracing::subscriber::set_default(subscriber);

    let runtime = Runtime::start(
        store.clone(),
        Arc::new(SystemClock),
        &crate::helpers::settings(0),
        &health(3600),
    );
    let stream = started_game(&runtime, Mode::TwoPlayer, &[], 1).await;
    runtime.game_faults().set(|c| matches!(c, GameCommand::GiveUp { .. }));
    let player = team(1).players[0];
    let _ = runtime
        .registry()
        .execute::<gamebot::domain::game::Game>(
            stream.clone(),
            GameCommand::GiveUp { guild: GUILD, player },
            meta(player),
        )
        .await;
    runtime.game_faults().clear();
    let _ = game(&runtime, &stream).await;
    runtime.report_health().await;
    actix_rt::time::sleep(std::time::Duration::from_millis(200)).await;

    let logged = lines.json();
    let restart = logged
        .iter()
        .find(|l| l["health"] == "restart")
        .unwrap_or_else(|| panic!("no restart WARN in {logged:?}"));
    assert_eq!(restart["level"], "WARN");
    assert_eq!(restart["stream.id"], stream.to_string());
    let line = logged
        .iter()
        .find(|l| l["health"] == "periodic")
        .unwrap_or_else(|| panic!("no health line in {logged:?}"));
    assert_eq!(line["level"], "INFO");
    for field in [
        "actors.live",
        "actors.spawns",
        "actors.restarts",
        "actors.passivations",
        "commands.handled",
        "commands.per_second",
        "commands.p50_ms",
        "commands.p99_ms",
        "store.append_p99_ms",
        "store.conflicts",
        "store.reachable",
        "projections.lag",
        "projections.parked",
    ] {
        assert!(line.get(field).is_some(), "the health line lacks {field}: {line}");
    }
    assert_eq!(line["actors.restarts"], 1);
    assert!(line["actors.live"].as_str().is_some_and(|l| l.contains("game=1")), "{line}");
    assert!(line["commands.handled"].as_u64().is_some_and(|n| n >= 2), "{line}");
});

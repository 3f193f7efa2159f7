//! The acceptance test: the `gamebot serve` binary itself, configured only by environment
//! variables, plays a whole Race game against the fake Discord, driven only by Discord
//! messages, then stops cleanly on Ctrl-C (SIGINT) without ever logging its token.
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::*;

#[actix_rt::test]
async fn gamebot_serve_plays_a_whole_race_game_and_stops_on_ctrl_c() {
    let Some(world) = World::without_bot(Setup::new()).await else { return };
    let logs = tempfile::NamedTempFile::new().expect("a log file");
    let mut serve = Command::new(env!("CARGO_BIN_EXE_gamebot"));
    serve
        .arg("serve")
        .env("GAMEBOT_CONFIG_DIR", "/nonexistent-gamebot-config")
        .env("RUST_LOG", "info,gamebot=debug")
        .stdout(Stdio::null())
        .stderr(logs.reopen().expect("the log file"));
    for (key, value) in world.vars() {
        serve.env(key, value);
    }
    let mut child = serve.spawn().expect("gamebot serve starts");
    let read_logs = || std::fs::read_to_string(logs.path()).unwrap_or_default();
    if let Err(error) = world.fake.wait_until_ready(1, Duration::from_secs(30)).await {
        let _ = child.kill();
        panic!("{error}\n{}", read_logs());
    }

    let p = world.players();
    let (ann, bob, cid, dee) = (&p[0], &p[1], &p[2], &p[3]);
    form_team(&world, ann, bob, "Foxes").await;
    form_team(&world, cid, dee, "Owls").await;
    world.command(ann, "wmrace time_seconds=30").await;
    world.command(cid, "wmjoin").await;
    let mark = world.mark();
    world.command(ann, "wmstart").await;
    let mut used = Vec::new();
    play_match(&world, ann, bob, mark, &mut used).await;
    let over = world
        .fake
        .wait_for_channel_message(
            CHANNEL,
            |m| m.content.contains("Game over"),
            Duration::from_secs(45),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", read_logs()));
    assert!(over.content.lines().nth(1) == Some("Winner: Foxes"), "{}", over.content);

    let interrupted = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    assert!(interrupted.is_ok_and(|s| s.success()), "SIGINT sent");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited on") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve did not stop after Ctrl-C\n{}", read_logs());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let logs = read_logs();
    assert!(status.success(), "serve exits cleanly: {status}\n{logs}");
    assert!(logs.contains("shut down"), "{logs}");
    assert!(!logs.contains(&world.fake.token()), "the token was logged:\n{logs}");
    world.finish().await;
}

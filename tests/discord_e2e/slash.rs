//! A whole game played with slash commands: `/team`, `/ok`, `/play`, `/join`, `/start`, and
//! `/guess` in DMs, each answered within Discord's 3 seconds; errors are ephemeral, and so is a
//! `/guess` used in a guild channel.
use std::time::Duration;

use crate::fake_discord::model::{opt_str, opt_user, Place};
use crate::fake_discord::ScriptedUser;
use crate::harness::*;

const HERE: Place = Place::Guild { guild: GUILD, channel: CHANNEL };

/// Uses a slash command and returns the text it showed, checking it came within 3 seconds.
async fn slash(
    world: &World,
    user: &ScriptedUser,
    place: Place,
    name: &str,
    options: Vec<serde_json::Value>,
) -> (String, bool) {
    let interaction = user.slash(place, name, options);
    let text = world
        .fake
        .wait_for_interaction_text(interaction.id, WAIT)
        .await
        .unwrap_or_else(|e| panic!("/{name}: {e}"));
    let response =
        world.fake.wait_for_interaction_response(interaction.id, WAIT).await.expect("a response");
    assert!(response.elapsed < Duration::from_secs(3), "/{name} took {:?}", response.elapsed);
    (text, response.is_ephemeral())
}

#[actix_rt::test]
async fn a_whole_game_is_played_with_slash_commands() {
    let Some(world) = World::start(Setup::new().speed(6)).await else { return };
    let registered = world.fake.recorded().command_registrations;
    let names = registered.last().expect("commands registered at start-up").names();
    for name in ["team", "ok", "play", "join", "start", "guess", "stats", "leaderboard", "replay"] {
        assert!(names.iter().any(|n| n == name), "/{name} is registered: {names:?}");
    }
    let p = world.players();
    let (ann, bob, cid, dee) = (&p[0], &p[1], &p[2], &p[3]);

    let (invite, _) = slash(
        &world,
        ann,
        HERE,
        "team",
        vec![opt_user("partner", bob.id()), opt_str("name", "Foxes")],
    )
    .await;
    assert!(invite.contains("invites"), "{invite}");
    let (formed, _) = slash(&world, bob, HERE, "ok", vec![]).await;
    assert!(formed.contains("Foxes"), "{formed}");
    slash(&world, cid, HERE, "team", vec![opt_user("partner", dee.id()), opt_str("name", "Owls")])
        .await;
    slash(&world, dee, HERE, "ok", vec![]).await;

    let (lobby, _) = slash(
        &world,
        ann,
        HERE,
        "play",
        vec![opt_str("mode", "race"), opt_str("options", "time_seconds=30")],
    )
    .await;
    assert!(lobby.contains("Race"), "{lobby}");
    let (error, ephemeral) = slash(&world, cid, HERE, "start", vec![]).await;
    assert!(error.starts_with("Error:") && ephemeral, "an error is ephemeral: {error}");
    slash(&world, cid, HERE, "join", vec![]).await;
    let mark = world.mark();
    let (started, ephemeral) = slash(&world, ann, HERE, "start", vec![]).await;
    assert!(started.contains("started") && !ephemeral, "{started}");

    let pair = pair_after(&world, ann, mark).await;
    let word = answer_for(&pair, &[]);
    let (in_channel, ephemeral) =
        slash(&world, cid, HERE, "guess", vec![opt_str("word", "xqzvvt")]).await;
    assert!(ephemeral, "a guess in a channel stays private: {in_channel}");
    let (got, _) = slash(&world, ann, Place::Dm, "guess", vec![opt_str("word", word)]).await;
    assert!(got.starts_with("Got it"), "{got}");
    let after = world.mark();
    slash(&world, bob, Place::Dm, "guess", vec![opt_str("word", word)]).await;
    world.dm_after(ann, after, |c| c.contains("Match!")).await;

    let lines = game_over_in(&world, CHANNEL).await;
    assert_eq!(lines[1], "Winner: Foxes");
    let (stats, _) = slash(&world, ann, HERE, "stats", vec![]).await;
    assert!(stats.contains("1 game"), "{stats}");
    let name = replay_name(&lines);
    let (replay, _) = slash(&world, bob, HERE, "replay", vec![opt_str("game", &name)]).await;
    assert!(replay.contains(&name), "{replay}");
    world.finish().await;
}

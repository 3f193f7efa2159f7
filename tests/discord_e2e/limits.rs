//! The limits that protect the bot and its servers from each other, through Discord: a replay
//! asked in another server is not found there; a user who floods gets one polite refusal and then
//! silence while others play on; a burst larger than the intake queue is handled completely and
//! in order.
use std::time::Duration;

use crate::fake_discord::SentMessage;
use crate::harness::*;

/// The refusal a flooding user gets once.
const TOO_FAST: &str = "you are sending commands too fast; wait a moment";

/// A setup with extra `GAMEBOT_DISCORD__` settings.
fn with_discord(vars: &[(&str, &str)]) -> Setup {
    let mut setup = Setup::new();
    for (key, value) in vars {
        setup.vars.push((format!("GAMEBOT_DISCORD__{key}"), (*value).to_owned()));
    }
    setup
}

/// The bot's replies to the guild message `message_id` so far.
fn replies_to(world: &World, message_id: u64) -> Vec<SentMessage> {
    let id = message_id.to_string();
    world
        .fake
        .recorded()
        .messages
        .into_iter()
        .filter(|m| {
            m.message_reference.as_ref().and_then(|r| r["message_id"].as_str()) == Some(id.as_str())
        })
        .collect()
}

/// Every message the bot sent that carries the rate-limit refusal.
fn refusals(world: &World) -> Vec<SentMessage> {
    world.fake.recorded().messages.into_iter().filter(|m| m.content.contains(TOO_FAST)).collect()
}

async fn a_replay_from_another_server_is_no_such_replay_here(backend: Backend) {
    // Arrange: Ann and Bob finish a game in the first server; they have a team in the second.
    let Some(world) = World::start(Setup::new().backend(backend)).await else { return };
    let p = world.players();
    let (ann, bob) = (&p[0], &p[1]);
    form_team(&world, ann, bob, "Foxes").await;
    form_team_in(&world, GUILD_2, CHANNEL_2, ann, bob, "Wolves").await;
    let mark = world.mark();
    world.command(ann, "wm2p rounds=1").await;
    let mut used = Vec::new();
    play_match(&world, ann, bob, mark, &mut used).await;
    let name = replay_name(&game_over_in(&world, CHANNEL).await);

    // Act
    let here = world.command(ann, &format!("wmreplay {name}")).await;
    let there = world.command_in(ann, GUILD_2, CHANNEL_2, &format!("wmreplay {name}")).await;
    let nothing = world.command_in(ann, GUILD_2, CHANNEL_2, "wmreplay nothing-123").await;

    // Assert: told where it was played; "no such replay here" elsewhere, in the same words as
    // a name that names nothing, and without a word of the game.
    assert!(here.text().contains(&name) && here.text().contains(used[0]), "{}", here.text());
    assert_eq!(
        first_line(&there),
        format!("Error: there is no finished game called `{name}` in this server"),
        "{}",
        there.content
    );
    assert!(!there.text().contains(used[0]), "{}", there.text());
    assert_eq!(
        first_line(&nothing),
        "Error: there is no finished game called `nothing-123` in this server"
    );
    let history = world.command_in(ann, GUILD_2, CHANNEL_2, "wmhistory").await;
    assert!(history.content.contains("has not finished"), "{}", history.content);
    let stats = world.command_in(bob, GUILD_2, CHANNEL_2, "wmstats").await;
    assert!(stats.content.contains("has not played"), "{}", stats.content);
    world.finish().await;
}

#[actix_rt::test]
async fn a_replay_from_another_server_is_no_such_replay_here_sqlite() {
    a_replay_from_another_server_is_no_such_replay_here(Backend::Sqlite).await;
}

#[actix_rt::test]
async fn a_replay_from_another_server_is_no_such_replay_here_postgres() {
    a_replay_from_another_server_is_no_such_replay_here(Backend::Postgres).await;
}

#[actix_rt::test]
async fn a_flooding_user_is_told_once_and_the_excess_is_not_executed() {
    // Arrange: five commands per minute.
    let setup = with_discord(&[("RATE_LIMIT", "5"), ("RATE_LIMIT_WINDOW_SECONDS", "60")]);
    let Some(world) = World::start(setup).await else { return };
    let p = world.players();
    let (ann, bob, cid) = (&p[0], &p[1], &p[2]);

    // Act: Ann sends five commands, then eight invitations to Bob over the limit; Bob and Cid
    // go on meanwhile. Chat does not count.
    ann.say_in_guild(GUILD, CHANNEL, "hello, anyone up for a game?");
    let allowed: Vec<u64> =
        (0..5).map(|i| ann.say_in_guild(GUILD, CHANNEL, &format!("wmreplay flood-{i}"))).collect();
    let over: Vec<u64> = (0..8)
        .map(|_| ann.say_in_guild(GUILD, CHANNEL, &format!("wmteam {} Foxes", bob.mention())))
        .collect();
    let bob_help = world.command(bob, "wmhelp").await;
    let refusal = world.reply_to(over[0]).await;
    // Cid uses up his five with commands; his DMs after them are refused, once.
    for _ in 0..5 {
        world.command(cid, "wmhelp").await;
    }
    let mark = world.mark();
    for _ in 0..4 {
        cid.say_in_dm("status");
    }
    let dm_refusal = world.dm_after(cid, mark, |c| c.contains(TOO_FAST)).await;
    tokio::time::sleep(Duration::from_millis(800)).await;

    // Assert: each of Ann's five commands ran; the sixth got the one polite reply; the rest
    // got nothing and did nothing (Bob has no invitation to accept).
    for (i, id) in allowed.iter().enumerate() {
        let reply = world.reply_to(*id).await;
        assert!(reply.content.contains(&format!("flood-{i}")), "{}", reply.content);
    }
    assert_eq!(first_line(&refusal), format!("Error: {TOO_FAST}"));
    for id in &over[1..] {
        assert!(replies_to(&world, *id).is_empty(), "a reply to {id}:\n{}", world.transcript());
    }
    assert!(bob_help.content.contains("wmteam"), "Bob is not limited: {}", bob_help.content);
    let accept = world.command(bob, "wmok").await;
    assert!(accept.content.contains("nobody has invited you"), "{}", accept.content);
    assert_eq!(first_line(&dm_refusal), format!("Invalid: {TOO_FAST}"));
    let to_cid = refusals(&world).iter().filter(|m| m.dm_recipient == Some(cid.id())).count();
    assert_eq!(to_cid, 1, "one DM refusal for the DM flood:\n{}", world.transcript());
    assert_eq!(refusals(&world).len(), 2, "one refusal per flood:\n{}", world.transcript());
    world.finish().await;
}

#[actix_rt::test]
async fn a_limited_user_is_let_in_again_once_the_window_passes() {
    // Arrange: two commands per second.
    let setup = with_discord(&[("RATE_LIMIT", "2"), ("RATE_LIMIT_WINDOW_SECONDS", "1")]);
    let Some(world) = World::start(setup).await else { return };
    let ann = &world.players()[0];
    for _ in 0..2 {
        world.command(ann, "wmhelp").await;
    }
    let refused = world.command(ann, "wmhelp").await;
    assert_eq!(first_line(&refused), format!("Error: {TOO_FAST}"));
    let silent = ann.say_in_guild(GUILD, CHANNEL, "wmhelp");
    // Act: the window passes.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let again = world.command(ann, "wmstatus").await;
    // Assert
    assert!(first_line(&again).contains("no game"), "{}", again.content);
    assert!(replies_to(&world, silent).is_empty(), "{}", world.transcript());
    world.finish().await;
}

#[actix_rt::test]
async fn a_burst_larger_than_the_intake_queue_is_answered_completely_and_in_order() {
    // Arrange: a queue of four events over two workers, no rate limit.
    let setup =
        with_discord(&[("INTAKE_QUEUE", "4"), ("INTAKE_WORKERS", "2"), ("RATE_LIMIT", "0")]);
    let Some(world) = World::start(setup).await else { return };
    let p = world.players();
    let (ann, bob, cid) = (&p[0], &p[1], &p[2]);

    // Act: 25 commands from each of two players and 25 DMs from a third, interleaved.
    let mut sent = Vec::new();
    let mark = world.mark();
    for i in 0..25 {
        sent.push((ann.id(), ann.say_in_guild(GUILD, CHANNEL, &format!("wmreplay ann-{i}"))));
        sent.push((bob.id(), bob.say_in_guild(GUILD, CHANNEL, &format!("wmreplay bob-{i}"))));
        cid.say_in_dm(&format!("word{i}"));
    }

    // Assert: every command got its reply, and each player's replies came in the order sent.
    for (_, id) in &sent {
        world.reply_to(*id).await;
    }
    let cid_dms = world
        .fake
        .wait_for("25 DM replies to Cid", WAIT, |r| {
            let dms: Vec<SentMessage> = r
                .messages
                .iter()
                .skip(mark)
                .filter(|m| m.dm_recipient == Some(cid.id()))
                .cloned()
                .collect();
            (dms.len() >= 25).then_some(dms)
        })
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", world.transcript()));
    let recorded = world.fake.recorded().messages;
    for (who, name) in [(ann.id(), "ann"), (bob.id(), "bob")] {
        let ids: Vec<String> =
            sent.iter().filter(|(u, _)| *u == who).map(|(_, id)| id.to_string()).collect();
        let order: Vec<usize> = recorded
            .iter()
            .filter_map(|m| {
                let to = m.message_reference.as_ref()?["message_id"].as_str()?;
                ids.iter().position(|id| id == to)
            })
            .collect();
        assert_eq!(order, (0..25).collect::<Vec<_>>(), "{name}'s replies in order");
        for (i, position) in order.iter().enumerate() {
            let reply = recorded
                .iter()
                .find(|m| {
                    m.message_reference.as_ref().and_then(|r| r["message_id"].as_str())
                        == Some(ids[*position].as_str())
                })
                .expect("a reply");
            assert!(reply.content.contains(&format!("`{name}-{i}`")), "{}", reply.content);
        }
    }
    assert_eq!(cid_dms.len(), 25, "one reply per DM, none lost");
    assert!(cid_dms.iter().all(|m| m.content.starts_with("Invalid:")), "{}", world.transcript());
    world.finish().await;
}

//! What must survive the network: a RECONNECT and later an INVALID_SESSION mid-game (the game
//! goes on, no message lost or sent twice), a 429 and a 500 on a send (retried, delivered once),
//! a player whose DMs are closed (the game's channel is told, once), two guilds with the same
//! players (isolated), and a rejected token (one clear error).
use std::time::{Duration, Instant};

use crate::fake_discord::{Failure, RouteMatcher};
use crate::harness::*;

#[actix_rt::test]
async fn a_game_goes_on_through_a_reconnect_and_an_invalid_session() {
    let Some(world) = World::start(Setup::new()).await else { return };
    let p = world.players();
    let (ann, bob) = (&p[0], &p[1]);
    form_team(&world, ann, bob, "Foxes").await;
    let mut used = Vec::new();

    let mark = world.mark();
    world.command(ann, "wm2p rounds=3").await;
    let round_two = world.mark();
    play_match(&world, ann, bob, mark, &mut used).await;

    // The answers are typed while the shard reconnects: the fake holds them for the resumed
    // session, and nothing is lost.
    let started = Instant::now();
    assert_eq!(world.fake.send_reconnect(), 1, "the live shard was told to reconnect");
    let round_three = world.mark();
    let (resumed, _) = tokio::join!(
        time_until(&world, "a resume", started, |r| r.resumes.iter().any(|r| r.accepted)),
        play_match(&world, ann, bob, round_two, &mut used)
    );

    let started = Instant::now();
    assert_eq!(world.fake.send_invalid_session(false), 1);
    let (identified, _) = tokio::join!(
        time_until(&world, "a second identify", started, |r| r.identifies.len() >= 2),
        play_match(&world, ann, bob, round_three, &mut used)
    );
    let lines = game_over_in(&world, CHANNEL).await;
    assert_eq!(lines[1], "Winner: Foxes");

    // Every pair reached both players, every answer was acknowledged once, every match was
    // announced once per player, and nothing was accepted twice.
    assert_every_message_once(&world, ann, bob, 3);
    eprintln!(
        "fault=RECONNECT recovery_ms={} fault=INVALID_SESSION not resumable recovery_ms={} \
         dropped_resends={}",
        resumed.as_millis(),
        identified.as_millis(),
        world.fake.recorded().duplicate_nonces.len()
    );
    let health = world.bot.as_ref().expect("running").shard_states().health_line();
    assert!(health.starts_with("gateway=0:connected/"), "{health}");
    world.finish().await;
}

#[actix_rt::test]
async fn a_rate_limited_then_failing_send_is_retried_and_arrives_once() {
    let Some(world) = World::start(Setup::new()).await else { return };
    let p = world.players();
    let (ann, bob) = (&p[0], &p[1]);
    form_team(&world, ann, bob, "Foxes").await;
    let mark = world.mark();
    world.command(ann, "wm2p").await;
    let pair = pair_after(&world, ann, mark).await;

    let channel = ann.dm_channel();
    let route = RouteMatcher::CreateMessageIn(channel);
    world
        .fake
        .fail_next(route.clone(), Failure::RateLimited { reset_after: Duration::from_millis(300) });
    world.fake.fail_next(route, Failure::ServerError);
    let word = answer_for(&pair, &[]);
    world.dm(ann, word, |c| c.starts_with("Got it")).await;

    let recorded = world.fake.recorded();
    let path = format!("/api/v10/channels/{channel}/messages");
    let statuses: Vec<u16> =
        recorded.requests.iter().filter(|r| r.path == path).map(|r| r.status).collect();
    assert!(statuses.contains(&429) && statuses.contains(&500), "{statuses:?}");
    let got_it = recorded
        .messages
        .iter()
        .filter(|m| m.dm_recipient == Some(ann.id()) && m.content.starts_with("Got it"))
        .count();
    assert_eq!(got_it, 1, "delivered exactly once");
    world.finish().await;
}

#[actix_rt::test]
async fn a_player_with_closed_dms_is_told_in_the_games_channel_once() {
    let Some(world) = World::start(Setup::new()).await else { return };
    let p = world.players();
    let (ann, bob) = (&p[0], &p[1]);
    form_team(&world, ann, bob, "Foxes").await;
    world.fake.close_dms(bob.id());
    let mark = world.mark();
    world.command(ann, "wm2p rounds=2").await;
    let notice = world
        .next_message(mark, "the closed-DMs notice", |m| {
            m.channel_id == CHANNEL && m.content.contains("can't DM")
        })
        .await;
    assert!(notice.mentions(bob.id()), "{}", notice.content);
    assert_eq!(notice.body["allowed_mentions"]["users"][0], bob.id().to_string());
    // Ann still plays; Bob's DMs keep failing, but the channel is told only once.
    let pair = pair_after(&world, ann, mark).await;
    world.dm(ann, answer_for(&pair, &[]), |c| c.starts_with("Got it")).await;
    bob.say_in_dm(answer_for(&pair, &[]));
    world.dm_after(ann, mark, |c| c.contains("Match!")).await;
    let notices = world
        .fake
        .channel_messages(CHANNEL)
        .iter()
        .filter(|m| m.content.contains("can't DM"))
        .count();
    assert_eq!(notices, 1, "{}", world.transcript());
    world.finish().await;
}

#[actix_rt::test]
async fn two_guilds_with_the_same_players_stay_isolated() {
    let Some(world) = World::start(Setup::new()).await else { return };
    let p = world.players();
    let (ann, bob) = (&p[0], &p[1]);
    form_team(&world, ann, bob, "Foxes").await;
    form_team_in(&world, GUILD_2, CHANNEL_2, ann, bob, "Wolves").await;

    let mark = world.mark();
    world.command(ann, "wm2p rounds=1").await;
    let elsewhere = world.command_in(ann, GUILD_2, CHANNEL_2, "wmstatus").await;
    assert!(first_line(&elsewhere).contains("no game"), "{}", elsewhere.content);
    let mut used = Vec::new();
    play_match(&world, ann, bob, mark, &mut used).await;
    let lines = game_over_in(&world, CHANNEL).await;
    assert_eq!(lines[1], "Winner: Foxes");
    assert!(
        world.fake.channel_messages(CHANNEL_2).iter().all(|m| !m.content.contains("Game over")),
        "the other guild's channel hears nothing of it"
    );
    let here = world.command(ann, "wmstats").await;
    assert!(here.content.contains("1 game"), "{}", here.content);
    let there = world.command_in(ann, GUILD_2, CHANNEL_2, "wmstats").await;
    assert!(there.content.contains("has not played"), "{}", there.content);
    let team_there = world.command_in(bob, GUILD_2, CHANNEL_2, "wmstats team").await;
    assert!(team_there.text().contains("Wolves"), "{}", team_there.text());
    // A game in the second guild: its forbidden lists are its own, so the word the team
    // matched in the first guild is fine here (unless this pair holds it).
    let second = world.mark();
    world.command_in(ann, GUILD_2, CHANNEL_2, "wm2p rounds=1").await;
    let pair = pair_after(&world, ann, second).await;
    if !pair.iter().any(|w| w == used[0]) {
        world.dm(ann, used[0], |c| c.starts_with("Got it")).await;
    }
    world.finish().await;
}

#[actix_rt::test]
async fn a_rejected_token_stops_the_bot_with_one_clear_line() {
    init_tracing();
    let fake = crate::fake_discord::FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = format!("sqlite://{}", dir.path().join("gamebot.db").display());
    let settings = settings_with(&[
        ("GAMEBOT_DATABASE__URL".to_owned(), url),
        ("GAMEBOT_DISCORD__TOKEN".to_owned(), "not-the-token".to_owned()),
        ("GAMEBOT_DISCORD__GATEWAY_URL".to_owned(), fake.gateway_url()),
        ("GAMEBOT_DISCORD__API_URL".to_owned(), fake.api_url()),
    ]);
    let (store, _) = gamebot::startup::connect_store(&settings).await.expect("the store opens");
    let clock: gamebot::runtime::SharedClock = std::sync::Arc::new(gamebot::runtime::SystemClock);
    let error = match gamebot::startup::start_bot(store.clone(), &settings, clock).await {
        Ok(_) => panic!("a wrong token must not start the bot"),
        Err(error) => error,
    };
    assert_eq!(error.to_string(), "Discord rejected the token (401): check GAMEBOT_DISCORD__TOKEN");
    store.close().await;

    let no_token = settings_with(&[]);
    let error = gamebot::startup::serve(&no_token).await.expect_err("no token, no bot");
    assert_eq!(format!("{error:#}"), "no Discord bot token: set GAMEBOT_DISCORD__TOKEN");
}

#[actix_rt::test]
async fn with_two_shards_guild_commands_and_dms_arrive_on_different_shards() {
    let mut setup = Setup::new();
    setup.fake.shards = 2;
    let Some(world) = World::start(setup).await else { return };
    let identifies = world.fake.recorded().identifies;
    let mut shards: Vec<[u32; 2]> = identifies.iter().map(|i| i.shard).collect();
    shards.sort_unstable();
    assert_eq!(shards, vec![[0, 2], [1, 2]], "one IDENTIFY per recommended shard");
    let p = world.players();
    let (ann, bob) = (&p[0], &p[1]);
    // GUILD lives on shard 1; DMs always come on shard 0.
    form_team(&world, ann, bob, "Foxes").await;
    let mark = world.mark();
    world.command(ann, "wm2p rounds=1").await;
    let mut used = Vec::new();
    play_match(&world, ann, bob, mark, &mut used).await;
    assert_eq!(game_over_in(&world, CHANNEL).await[1], "Winner: Foxes");
    let dispatched = world.fake.recorded().dispatched;
    let on = |event: &str, shard: u32| {
        dispatched.iter().any(|d| {
            d.event == event && d.shard == shard && d.data.get("guild_id").is_none() == (shard == 0)
        })
    };
    assert!(on("MESSAGE_CREATE", 0) && on("MESSAGE_CREATE", 1), "both shards carried messages");
    let health = world.bot.as_ref().expect("running").shard_states().health_line();
    assert!(health.contains("0:connected") && health.contains("1:connected"), "{health}");
    world.finish().await;
}

#[actix_rt::test]
async fn a_game_goes_on_after_the_bot_restarts_mid_game() {
    let Some(mut world) = World::start(Setup::new()).await else { return };
    let p = world.players();
    let (ann, bob) = (p[0].clone(), p[1].clone());
    form_team(&world, &ann, &bob, "Foxes").await;
    let mut used = Vec::new();
    let mark = world.mark();
    world.command(&ann, "wm2p rounds=2").await;
    play_match(&world, &ann, &bob, mark, &mut used).await;
    // Wait for round two's pair (ann's second pair DM), then restart.
    let second = world
        .fake
        .wait_for("round two's pair", WAIT, |r| {
            r.messages
                .iter()
                .skip(mark)
                .filter(|m| m.dm_recipient == Some(ann.id()) && is_pair(&m.content))
                .nth(1)
                .cloned()
        })
        .await
        .expect("round two's pair arrives");
    let pair = pair_of(&second);
    let round_two = world.mark();
    world.stop_bot().await;
    world.start_bot().await;
    let status = world.dm(&ann, "status", |c| c.contains("on this pair")).await;
    assert_eq!(pair_of(&status), pair, "the game survived the restart: {}", status.content);
    let word = answer_for(&pair, &used);
    world.dm(&ann, word, |c| c.starts_with("Got it")).await;
    bob.say_in_dm(word);
    world.dm_after(&ann, round_two, |c| c.contains("Match!")).await;
    assert_eq!(game_over_in(&world, CHANNEL).await[1], "Winner: Foxes");
    assert_no_duplicates(&world);
    world.finish().await;
}

#[actix_rt::test]
async fn intents_the_portal_does_not_allow_end_the_bot_with_the_reason() {
    let Some(mut world) = World::start(Setup::new()).await else { return };
    assert_eq!(world.fake.close_connections(4014), 1);
    let bot = world.bot.as_mut().expect("running");
    let fatal = tokio::time::timeout(WAIT, bot.fatal()).await.expect("the shard gives up");
    assert!(fatal.to_string().contains("4014"), "{fatal}");
    world.finish().await;
}

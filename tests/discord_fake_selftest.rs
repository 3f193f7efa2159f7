//! Self-test of the fake Discord: the real twilight 0.18 gateway `Shard` and HTTP `Client`
//! run against it over ws:// and http:// on 127.0.0.1, so the end-to-end suite can trust
//! that what the fake sends deserializes and that its failures look like Discord's.

mod fake_discord;

use std::time::Duration;

use fake_discord::model::{self, opt_str, opt_user, Place};
use fake_discord::{Failure, FakeConfig, FakeDiscord, GuildSpec, RouteMatcher};
use twilight_gateway::queue::InMemoryQueue;
use twilight_gateway::{ConfigBuilder, Event, EventTypeFlags, Intents, Shard, ShardId, StreamExt};
use twilight_http::api_error::ApiError;
use twilight_http::error::ErrorType;
use twilight_http::Client;
use twilight_model::application::command::CommandType;
use twilight_model::application::interaction::{InteractionContextType, InteractionData};
use twilight_model::channel::message::MessageFlags;
use twilight_model::gateway::payload::incoming::GuildCreate;
use twilight_model::guild::Permissions;
use twilight_model::http::interaction::{InteractionResponse, InteractionResponseType};
use twilight_model::id::Id;
use twilight_util::builder::command::{CommandBuilder, StringBuilder};
use twilight_util::builder::interaction_response::ChannelMessageBuilder;

const WAIT: Duration = Duration::from_secs(5);
const GUILD: u64 = 1 << 22;
const CHANNEL: u64 = 5_000_000_000_000_001;
const OWNER: u64 = 3_000_000_000_000_001;
const ALICE: u64 = 3_000_000_000_000_002;
const BOB: u64 = 3_000_000_000_000_003;

fn all_intents() -> Intents {
    Intents::GUILDS | Intents::GUILD_MESSAGES | Intents::DIRECT_MESSAGES | Intents::MESSAGE_CONTENT
}

fn config_with_guild() -> FakeConfig {
    FakeConfig {
        guilds: vec![GuildSpec::new(GUILD, OWNER, &[CHANNEL])],
        heartbeat_interval: Duration::from_millis(500),
        ..FakeConfig::default()
    }
}

fn shard(fake: &FakeDiscord, intents: Intents, id: ShardId) -> Shard {
    let config = ConfigBuilder::new(fake.token(), intents)
        .proxy_url(fake.gateway_url())
        .queue(InMemoryQueue::new(0, 0, Duration::ZERO, 0))
        .build();
    Shard::with_config(id, config)
}

fn client(fake: &FakeDiscord) -> Client {
    Client::builder().proxy(fake.api_host(), true).token(fake.token()).build()
}

/// The next event `pick` accepts; fails on deserialization errors, a closed shard or timeout.
async fn next<T>(shard: &mut Shard, mut pick: impl FnMut(Event) -> Option<T>) -> T {
    let wait = async {
        loop {
            match shard.next_event(EventTypeFlags::all()).await {
                Some(Ok(event)) => {
                    if let Some(found) = pick(event) {
                        return found;
                    }
                }
                Some(Err(error)) => panic!("the shard could not read a frame: {error:?}"),
                None => panic!("the shard closed"),
            }
        }
    };
    tokio::time::timeout(WAIT, wait).await.expect("the shard got the expected event in time")
}

/// Polls the shard in the background (so it heartbeats, reconnects and resumes) and forwards
/// message contents.
fn drive(mut shard: Shard) -> tokio::sync::mpsc::UnboundedReceiver<Event> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(item) = shard.next_event(EventTypeFlags::all()).await {
            match item {
                Ok(event) => {
                    if tx.send(event).is_err() {
                        break;
                    }
                }
                Err(error) => panic!("the shard could not read a frame: {error:?}"),
            }
        }
    });
    rx
}

async fn next_content(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Event>) -> String {
    let wait = async {
        loop {
            if let Some(Event::MessageCreate(message)) = rx.recv().await {
                return message.content.clone();
            }
        }
    };
    tokio::time::timeout(WAIT, wait).await.expect("a message arrived in time")
}

#[tokio::test]
async fn a_shard_gets_ready_then_guild_create_with_a_manage_server_role() {
    let fake = FakeDiscord::start_with(config_with_guild()).await;
    let mut shard = shard(&fake, all_intents(), ShardId::ONE);

    let ready = next(&mut shard, |e| match e {
        Event::Ready(ready) => Some(ready),
        _ => None,
    })
    .await;
    assert_eq!(ready.user.id.get(), fake.bot_id());
    assert_eq!(ready.application.id.get(), fake.application_id());
    assert_eq!(ready.guilds.len(), 1);

    let guild = next(&mut shard, |e| match e {
        Event::GuildCreate(guild) => Some(guild),
        _ => None,
    })
    .await;
    let GuildCreate::Available(guild) = *guild else { panic!("the guild is available") };
    assert_eq!(guild.owner_id.get(), OWNER);
    assert!(guild.channels.iter().any(|c| c.id.get() == CHANNEL));
    let manager = guild.roles.iter().find(|r| r.id.get() == fake_discord::manager_role(GUILD));
    assert!(manager.expect("a managers role").permissions.contains(Permissions::MANAGE_GUILD));

    let identify = &fake.recorded().identifies[0];
    assert_eq!(identify.token, format!("Bot {}", fake.token()));
    assert_eq!(identify.intents, all_intents().bits());
    assert_eq!(identify.shard, [0, 1]);
    assert_eq!(fake.recorded().gateway_connections[0].path, "/?v=10&encoding=json");
}

#[tokio::test]
async fn guild_messages_dms_and_slash_commands_arrive_as_twilight_events() {
    let fake = FakeDiscord::start_with(config_with_guild()).await;
    let mut shard = shard(&fake, all_intents(), ShardId::ONE);
    let alice = fake.user(ALICE, "alice");
    let bob = fake.user(BOB, "bob");
    fake.grant_manage_server(GUILD, ALICE);

    alice.say_in_guild(GUILD, CHANNEL, &format!("wmteam {} Foxes", bob.mention()));
    let message = next(&mut shard, |e| match e {
        Event::MessageCreate(m) => Some(m),
        _ => None,
    })
    .await;
    assert_eq!(message.guild_id.map(Id::get), Some(GUILD));
    assert_eq!(message.author.id.get(), ALICE);
    assert_eq!(message.content, format!("wmteam <@{BOB}> Foxes"));
    assert_eq!(message.mentions.iter().map(|m| m.id.get()).collect::<Vec<_>>(), [BOB]);
    let roles = &message.member.as_ref().expect("a guild message has a member").roles;
    assert_eq!(
        roles.iter().map(|r| r.get()).collect::<Vec<_>>(),
        [fake_discord::manager_role(GUILD)]
    );

    bob.say_in_dm("apple");
    let dm = next(&mut shard, |e| match e {
        Event::MessageCreate(m) => Some(m),
        _ => None,
    })
    .await;
    assert_eq!(dm.guild_id, None);
    assert_eq!(dm.channel_id.get(), bob.dm_channel());
    assert_eq!(dm.content, "apple");

    let slash = alice.slash(
        Place::Guild { guild: GUILD, channel: CHANNEL },
        "team",
        vec![opt_user("partner", BOB), opt_str("name", "Foxes")],
    );
    let interaction = next(&mut shard, |e| match e {
        Event::InteractionCreate(i) => Some(i),
        _ => None,
    })
    .await;
    assert_eq!(interaction.id.get(), slash.id);
    assert_eq!(interaction.token, slash.token);
    assert_eq!(interaction.guild_id.map(Id::get), Some(GUILD));
    let permissions = interaction.member.as_ref().and_then(|m| m.permissions).expect("permissions");
    assert!(permissions.contains(Permissions::MANAGE_GUILD));
    let Some(InteractionData::ApplicationCommand(data)) = &interaction.data else {
        panic!("a slash command carries command data")
    };
    assert_eq!(data.name, "team");
    assert_eq!(data.options.len(), 2);
    assert!(data.resolved.as_ref().is_some_and(|r| r.users.contains_key(&Id::new(BOB))));

    let in_dm = bob.slash(Place::Dm, "guess", vec![opt_str("word", "pear")]);
    let interaction = next(&mut shard, |e| match e {
        Event::InteractionCreate(i) => Some(i),
        _ => None,
    })
    .await;
    assert_eq!(interaction.id.get(), in_dm.id);
    assert_eq!(interaction.guild_id, None);
    assert_eq!(interaction.user.as_ref().map(|u| u.id.get()), Some(BOB));
    assert_eq!(interaction.context, Some(InteractionContextType::BotDm));
}

#[tokio::test]
async fn without_message_content_a_guild_message_is_blank_unless_it_mentions_the_bot() {
    let fake = FakeDiscord::start_with(config_with_guild()).await;
    let mut shard = shard(&fake, Intents::GUILD_MESSAGES | Intents::DIRECT_MESSAGES, ShardId::ONE);
    let alice = fake.user(ALICE, "alice");

    alice.say_in_guild(GUILD, CHANNEL, "wmok");
    alice.say_in_guild(GUILD, CHANNEL, &format!("<@{}> ok", fake.bot_id()));
    alice.say_in_dm("apple");

    let mut contents = Vec::new();
    while contents.len() < 3 {
        let content = next(&mut shard, |e| match e {
            Event::MessageCreate(m) => Some(m.content.clone()),
            _ => None,
        })
        .await;
        contents.push(content);
    }
    assert_eq!(contents, ["", &format!("<@{}> ok", fake.bot_id()), "apple"]);
}

#[tokio::test]
async fn a_shard_resumes_after_reconnect_and_gets_what_was_sent_meanwhile() {
    let fake = FakeDiscord::start_with(config_with_guild()).await;
    let mut events = drive(shard(&fake, all_intents(), ShardId::ONE));
    let alice = fake.user(ALICE, "alice");
    fake.wait_until_ready(1, WAIT).await.expect("the shard identified");

    assert_eq!(fake.send_reconnect(), 1);
    alice.say_in_guild(GUILD, CHANNEL, "during the reconnect");
    fake.wait_for("an accepted RESUME", WAIT, |r| r.resumes.iter().find(|r| r.accepted).cloned())
        .await
        .expect("the shard resumed");
    alice.say_in_guild(GUILD, CHANNEL, "after the resume");

    assert_eq!(next_content(&mut events).await, "during the reconnect");
    assert_eq!(next_content(&mut events).await, "after the resume");
    let recorded = fake.recorded();
    assert_eq!(recorded.identifies.len(), 1, "a resume does not identify again");
    assert_eq!(recorded.gateway_connections.len(), 2);
    assert_eq!(recorded.resumes[0].session_id, recorded.identifies[0].session_id);
}

#[tokio::test]
async fn a_non_resumable_invalid_session_makes_the_shard_identify_again() {
    let fake = FakeDiscord::start_with(config_with_guild()).await;
    let mut events = drive(shard(&fake, all_intents(), ShardId::ONE));
    let alice = fake.user(ALICE, "alice");
    fake.wait_until_ready(1, WAIT).await.expect("the shard identified");

    assert_eq!(fake.send_invalid_session(false), 1);
    fake.wait_for("a second IDENTIFY", WAIT, |r| (r.identifies.len() == 2).then_some(()))
        .await
        .expect("the shard identified again");
    alice.say_in_guild(GUILD, CHANNEL, "after the new session");

    assert_eq!(next_content(&mut events).await, "after the new session");
    let recorded = fake.recorded();
    assert!(recorded.resumes.is_empty());
    assert_ne!(recorded.identifies[0].session_id, recorded.identifies[1].session_id);
}

#[tokio::test]
async fn a_resumable_invalid_session_makes_the_shard_resume() {
    let fake = FakeDiscord::start_with(config_with_guild()).await;
    let mut events = drive(shard(&fake, all_intents(), ShardId::ONE));
    let alice = fake.user(ALICE, "alice");
    fake.wait_until_ready(1, WAIT).await.expect("the shard identified");

    fake.send_invalid_session(true);
    fake.wait_for("an accepted RESUME", WAIT, |r| r.resumes.iter().find(|r| r.accepted).cloned())
        .await
        .expect("the shard resumed");
    alice.say_in_dm("still here");

    assert_eq!(next_content(&mut events).await, "still here");
    assert_eq!(fake.recorded().identifies.len(), 1);
}

#[tokio::test]
async fn with_two_shards_guild_events_follow_the_guild_id_and_dms_go_to_shard_zero() {
    let guild_on_0 = model::guild_id_for_shard(0, 2, 1);
    let guild_on_1 = model::guild_id_for_shard(1, 2, 1);
    let fake = FakeDiscord::start_with(FakeConfig {
        shards: 2,
        guilds: vec![
            GuildSpec::new(guild_on_0, OWNER, &[11]),
            GuildSpec::new(guild_on_1, OWNER, &[12]),
        ],
        ..FakeConfig::default()
    })
    .await;
    let info =
        client(&fake).gateway().authed().await.expect("gateway info").model().await.expect("json");
    assert_eq!(info.shards, 2);
    assert_eq!(info.url, fake.gateway_url());

    let mut shard0 = drive(shard(&fake, all_intents(), ShardId::new(0, 2)));
    let mut shard1 = drive(shard(&fake, all_intents(), ShardId::new(1, 2)));
    fake.wait_until_ready(2, WAIT).await.expect("both shards identified");
    let alice = fake.user(ALICE, "alice");

    alice.say_in_guild(guild_on_1, 12, "to shard one");
    alice.say_in_guild(guild_on_0, 11, "to shard zero");
    alice.say_in_dm("a DM");

    assert_eq!(next_content(&mut shard1).await, "to shard one");
    assert_eq!(next_content(&mut shard0).await, "to shard zero");
    assert_eq!(next_content(&mut shard0).await, "a DM");
    let mut shards: Vec<_> = fake.recorded().identifies.iter().map(|i| i.shard).collect();
    shards.sort_unstable();
    assert_eq!(shards, [[0, 2], [1, 2]]);
}

#[tokio::test]
async fn the_http_client_opens_a_stable_dm_channel_and_sends_with_a_nonce() {
    let fake = FakeDiscord::start().await;
    let alice = fake.user(ALICE, "alice");
    let http = client(&fake);

    let channel =
        http.create_private_channel(Id::new(ALICE)).await.expect("dm").model().await.expect("json");
    let again =
        http.create_private_channel(Id::new(ALICE)).await.expect("dm").model().await.expect("json");
    assert_eq!(channel.id, again.id);
    assert_eq!(channel.id.get(), alice.dm_channel());

    let sent = http
        .create_message(channel.id)
        .content("**apple** + **pear**")
        .nonce(42)
        .await
        .expect("sent");
    let sent = sent.model().await.expect("json");
    assert_eq!(sent.content, "**apple** + **pear**");

    let dms = alice.dms();
    assert_eq!(dms.len(), 1);
    assert_eq!(dms[0].id, sent.id.get());
    assert_eq!(dms[0].nonce.as_deref(), Some("42"));
    let request = fake.recorded().requests.into_iter().find(|r| r.path.ends_with("/messages"));
    assert_eq!(request.expect("a send").authorization, Some(format!("Bot {}", fake.token())));
}

#[tokio::test]
async fn a_second_send_with_an_enforced_nonce_returns_the_first_message_and_creates_none() {
    let fake = FakeDiscord::start().await;
    let alice = fake.user(ALICE, "alice");
    let http = client(&fake);
    let channel = Id::new(alice.dm_channel());
    let body = br#"{"content":"Match!","nonce":"evt-7-3000000000000002","enforce_nonce":true}"#;

    let first = http
        .create_message(channel)
        .payload_json(body)
        .await
        .expect("sent")
        .model()
        .await
        .expect("json");
    let second = http
        .create_message(channel)
        .payload_json(body)
        .await
        .expect("sent")
        .model()
        .await
        .expect("json");

    assert_eq!(first.id, second.id);
    let recorded = fake.recorded();
    assert_eq!(recorded.messages.len(), 1);
    assert!(recorded.messages[0].enforce_nonce);
    assert_eq!(recorded.duplicate_nonces.len(), 1);
    assert_eq!(recorded.duplicate_nonces[0].original_id, first.id.get());
}

#[tokio::test]
async fn a_rate_limited_send_is_retried_by_twilight_and_recorded_once() {
    let fake = FakeDiscord::start().await;
    let alice = fake.user(ALICE, "alice");
    let http = client(&fake);
    fake.fail_next(
        RouteMatcher::CreateMessage,
        Failure::RateLimited { reset_after: Duration::from_millis(300) },
    );

    let started = std::time::Instant::now();
    http.create_message(Id::new(alice.dm_channel()))
        .content("hello")
        .await
        .expect("retried and sent");

    assert_eq!(alice.dms().len(), 1);
    let statuses: Vec<u16> = fake.recorded().requests.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 200]);
    assert!(started.elapsed() >= Duration::from_millis(250), "twilight waited for the bucket");
}

#[tokio::test]
async fn a_server_error_surfaces_as_a_500_response_error_without_a_retry() {
    let fake = FakeDiscord::start().await;
    let alice = fake.user(ALICE, "alice");
    let http = client(&fake);
    fake.fail_next(RouteMatcher::CreateMessageIn(alice.dm_channel()), Failure::ServerError);

    let error =
        http.create_message(Id::new(alice.dm_channel())).content("hello").await.expect_err("a 500");

    let ErrorType::Response { status, .. } = error.kind() else {
        panic!("a response error: {error}")
    };
    assert_eq!(status.get(), 500);
    assert_eq!(fake.recorded().requests.len(), 1, "twilight does not retry a 500");
    assert!(alice.dms().is_empty());
    http.create_message(Id::new(alice.dm_channel()))
        .content("hello")
        .await
        .expect("the next send works");
    assert_eq!(alice.dms().len(), 1);
}

#[tokio::test]
async fn closed_dms_and_injected_50007_surface_as_api_error_50007() {
    let fake = FakeDiscord::start().await;
    let alice = fake.user(ALICE, "alice");
    let bob = fake.user(BOB, "bob");
    let http = client(&fake);
    fake.close_dms(ALICE);
    fake.fail_next(RouteMatcher::CreateMessageIn(bob.dm_channel()), Failure::CannotDmUser);

    for channel in [alice.dm_channel(), bob.dm_channel()] {
        let error = http.create_message(Id::new(channel)).content("hi").await.expect_err("50007");
        let ErrorType::Response { status, error, .. } = error.kind() else {
            panic!("a response error")
        };
        assert_eq!(status.get(), 403);
        let ApiError::General(general) = error else { panic!("a general API error: {error:?}") };
        assert_eq!(general.code, 50007);
    }
    assert!(fake.recorded().messages.is_empty());
    http.create_message(Id::new(bob.dm_channel()))
        .content("hi")
        .await
        .expect("bob's DMs work again");
}

#[tokio::test]
async fn a_message_over_2000_characters_is_refused_like_discord_does() {
    let fake = FakeDiscord::start().await;
    let alice = fake.user(ALICE, "alice");
    let body = serde_json::json!({"content": "x".repeat(2001)}).to_string();

    let error = client(&fake)
        .create_message(Id::new(alice.dm_channel()))
        .payload_json(body.as_bytes())
        .await
        .expect_err("too long");

    let ErrorType::Response { status, .. } = error.kind() else { panic!("a response error") };
    assert_eq!(status.get(), 400);
    assert!(alice.dms().is_empty());
}

#[tokio::test]
async fn a_wrong_token_is_refused_on_rest_and_on_the_gateway() {
    let fake = FakeDiscord::start().await;
    let http = Client::builder().proxy(fake.api_host(), true).token("wrong".to_owned()).build();

    let error = http.current_user().await.expect_err("401");
    let ErrorType::Response { status, .. } = error.kind() else { panic!("a response error") };
    assert_eq!(status.get(), 401);
    let again = http.current_user().await.expect_err("remembered");
    assert!(matches!(again.kind(), ErrorType::Unauthorized), "twilight remembers a 401");
    assert_eq!(fake.recorded().requests.len(), 1, "the second call never left the client");

    let config = ConfigBuilder::new("wrong".to_owned(), all_intents())
        .proxy_url(fake.gateway_url())
        .queue(InMemoryQueue::new(0, 0, Duration::ZERO, 0))
        .build();
    let mut shard = Shard::with_config(ShardId::ONE, config);
    let code = next(&mut shard, |e| match e {
        Event::GatewayClose(Some(frame)) => Some(frame.code),
        _ => None,
    })
    .await;
    assert_eq!(code, 4004);
}

#[tokio::test]
async fn command_registrations_and_interaction_responses_are_recorded() {
    let fake = FakeDiscord::start().await;
    let http = client(&fake);
    let app = Id::new(fake.application_id());
    let guess = CommandBuilder::new("guess", "Send your word", CommandType::ChatInput)
        .option(StringBuilder::new("word", "Your word").required(true))
        .contexts([InteractionContextType::Guild, InteractionContextType::BotDm])
        .build();

    let echoed =
        http.interaction(app).set_global_commands(std::slice::from_ref(&guess)).await.expect("set");
    assert_eq!(echoed.models().await.expect("json")[0].name, "guess");
    http.interaction(app).set_guild_commands(Id::new(GUILD), &[guess]).await.expect("set");
    let registrations = fake.recorded().command_registrations;
    assert_eq!(registrations[0].guild_id, None);
    assert_eq!(registrations[0].names(), ["guess"]);
    assert_eq!(registrations[1].guild_id, Some(GUILD));

    let alice = fake.user(ALICE, "alice");
    let slash = alice.slash(Place::Dm, "guess", vec![opt_str("word", "pear")]);
    let response =
        ChannelMessageBuilder::new().content("Got it").flags(MessageFlags::EPHEMERAL).build();
    http.interaction(app)
        .create_response(Id::new(slash.id), &slash.token, &response)
        .await
        .expect("answered");
    let error =
        http.interaction(app).create_response(Id::new(slash.id), &slash.token, &response).await;
    assert!(error.is_err(), "a second callback is refused");

    let recorded = fake.wait_for_interaction_response(slash.id, WAIT).await.expect("recorded");
    assert_eq!(recorded.kind, 4);
    assert!(recorded.is_ephemeral());
    assert_eq!(recorded.user_id, Some(ALICE));
    assert_eq!(fake.wait_for_interaction_text(slash.id, WAIT).await.expect("text"), "Got it");
    let callback = fake.recorded().requests.into_iter().find(|r| r.path.ends_with("/callback"));
    assert_eq!(callback.expect("a callback").authorization, None);
}

#[tokio::test]
async fn a_deferred_response_is_completed_through_the_webhook() {
    let fake = FakeDiscord::start().await;
    let http = client(&fake);
    let app = Id::new(fake.application_id());
    let alice = fake.user(ALICE, "alice");
    let slash = alice.slash(Place::Guild { guild: GUILD, channel: CHANNEL }, "stats", vec![]);

    let deferred = InteractionResponse {
        kind: InteractionResponseType::DeferredChannelMessageWithSource,
        data: None,
    };
    http.interaction(app)
        .create_response(Id::new(slash.id), &slash.token, &deferred)
        .await
        .expect("deferred");
    http.interaction(app)
        .update_response(&slash.token)
        .content(Some("Stats: 3 wins"))
        .await
        .expect("edited");
    http.interaction(app)
        .create_followup(&slash.token)
        .content("and more")
        .await
        .expect("followed up");

    assert_eq!(
        fake.wait_for_interaction_text(slash.id, WAIT).await.expect("text"),
        "Stats: 3 wins"
    );
    let webhooks = fake.recorded().webhook_messages;
    assert_eq!(
        webhooks.iter().map(|w| w.target.as_str()).collect::<Vec<_>>(),
        ["@original", "followup"]
    );
}

#[tokio::test]
async fn a_shard_resumes_after_the_gateway_closes_with_4000() {
    let fake = FakeDiscord::start_with(config_with_guild()).await;
    let mut events = drive(shard(&fake, all_intents(), ShardId::ONE));
    let alice = fake.user(ALICE, "alice");
    fake.wait_until_ready(1, WAIT).await.expect("the shard identified");

    assert_eq!(fake.close_connections(4000), 1);
    alice.say_in_dm("sent while closed");

    assert_eq!(next_content(&mut events).await, "sent while closed");
    let recorded = fake.recorded();
    assert_eq!(recorded.identifies.len(), 1);
    assert!(recorded.resumes.iter().any(|r| r.accepted && r.replayed >= 1));
}

#[tokio::test]
async fn the_current_user_the_application_and_message_edits_are_served() {
    let fake = FakeDiscord::start().await;
    let alice = fake.user(ALICE, "alice");
    let http = client(&fake);

    let me = http.current_user().await.expect("me").model().await.expect("json");
    assert_eq!(me.id.get(), fake.bot_id());
    assert!(me.bot);
    let app = http.current_user_application().await.expect("app").model().await.expect("json");
    assert_eq!(app.id.get(), fake.application_id());

    let channel = Id::new(alice.dm_channel());
    let sent = http
        .create_message(channel)
        .content("Lobby")
        .await
        .expect("sent")
        .model()
        .await
        .expect("json");
    let edited = http
        .update_message(channel, sent.id)
        .content(Some("Lobby: 2 teams"))
        .await
        .expect("edited");
    assert_eq!(edited.model().await.expect("json").content, "Lobby: 2 teams");
    let edits = fake.recorded().message_edits;
    assert_eq!(edits.len(), 1);
    assert_eq!(
        (edits[0].message_id, edits[0].text()),
        (sent.id.get(), "Lobby: 2 teams".to_owned())
    );
}

#[tokio::test]
async fn the_bots_own_messages_and_other_bots_messages_reach_the_shard_marked_as_bots() {
    let fake = FakeDiscord::start_with(config_with_guild()).await;
    let mut shard = shard(&fake, all_intents(), ShardId::ONE);
    let helper = fake.other_bot(BOB, "helperbot");

    client(&fake).create_message(Id::new(CHANNEL)).content("Game over").await.expect("sent");
    helper.say_in_guild(GUILD, CHANNEL, "wmok");

    let mut authors = Vec::new();
    while authors.len() < 2 {
        let author = next(&mut shard, |e| match e {
            Event::MessageCreate(m) => Some((m.author.id.get(), m.author.bot, m.content.clone())),
            _ => None,
        })
        .await;
        authors.push(author);
    }
    assert_eq!(
        authors,
        [(fake.bot_id(), true, "Game over".to_owned()), (BOB, true, "wmok".to_owned())]
    );
}

#[tokio::test]
async fn a_socket_dropped_without_a_close_frame_is_resumed_with_what_was_sent_meanwhile() {
    let fake = FakeDiscord::start_with(config_with_guild()).await;
    let mut events = drive(shard(&fake, all_intents(), ShardId::ONE));
    let alice = fake.user(ALICE, "alice");
    fake.wait_until_ready(1, WAIT).await.expect("the shard identified");

    assert_eq!(fake.drop_connections(), 1);
    alice.say_in_dm("sent while dropped");

    let wait = async {
        loop {
            match events.recv().await {
                // A close frame would show as GatewayClose with a frame.
                Some(Event::GatewayClose(frame)) => {
                    assert!(frame.is_none(), "no close frame was sent: {frame:?}")
                }
                Some(Event::MessageCreate(message)) => return message.content.clone(),
                Some(_) => {}
                None => panic!("the shard stopped"),
            }
        }
    };
    let content = tokio::time::timeout(WAIT, wait).await.expect("a message arrived in time");
    assert_eq!(content, "sent while dropped");
    let recorded = fake.recorded();
    assert_eq!(recorded.identifies.len(), 1, "resumed, not identified again");
    assert!(recorded.resumes.iter().any(|r| r.accepted && r.replayed >= 1));
}

#[tokio::test]
async fn unanswered_heartbeats_make_the_shard_give_the_connection_up_and_resume() {
    let fake = FakeDiscord::start_with(config_with_guild()).await;
    let _events = drive(shard(&fake, all_intents(), ShardId::ONE));
    fake.wait_until_ready(1, WAIT).await.expect("the shard identified");

    assert_eq!(fake.withhold_heartbeat_acks(), 1);
    fake.wait_for("an accepted RESUME", WAIT, |r| r.resumes.iter().find(|r| r.accepted).cloned())
        .await
        .expect("the shard resumed on a new connection");
    let recorded = fake.recorded();
    assert!(recorded.withheld_acks >= 1);
    assert_eq!(recorded.gateway_connections.len(), 2);
    // The new connection's heartbeats are answered again: it stays.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert_eq!(fake.recorded().gateway_connections.len(), 2);
}

#[tokio::test]
async fn a_silent_connection_keeps_its_dispatches_for_the_resume() {
    let fake = FakeDiscord::start_with(config_with_guild()).await;
    let mut events = drive(shard(&fake, all_intents(), ShardId::ONE));
    let alice = fake.user(ALICE, "alice");
    fake.wait_until_ready(1, WAIT).await.expect("the shard identified");

    assert_eq!(fake.silence_connections(), 1);
    alice.say_in_dm("sent into the silence");

    assert_eq!(next_content(&mut events).await, "sent into the silence");
    let recorded = fake.recorded();
    assert!(recorded.withheld_acks >= 1, "the shard noticed by its heartbeats");
    assert!(recorded.resumes.iter().any(|r| r.accepted && r.replayed >= 1));
}

#[tokio::test]
async fn a_global_rate_limit_is_retried_by_twilight_until_it_passes() {
    let fake = FakeDiscord::start().await;
    let alice = fake.user(ALICE, "alice");
    let http = client(&fake);
    fake.fail_times(
        RouteMatcher::Any,
        Failure::GloballyRateLimited { retry_after: Duration::from_millis(100) },
        3,
    );

    http.create_message(Id::new(alice.dm_channel()))
        .content("hello")
        .await
        .expect("retried and sent");

    assert_eq!(alice.dms().len(), 1);
    let statuses: Vec<u16> = fake.recorded().requests.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 429, 200]);
}

#[tokio::test]
async fn a_slow_answer_times_the_client_out_but_the_message_is_kept() {
    let fake = FakeDiscord::start().await;
    let alice = fake.user(ALICE, "alice");
    let http = Client::builder()
        .proxy(fake.api_host(), true)
        .token(fake.token())
        .timeout(Duration::from_millis(200))
        .build();
    let channel = Id::new(alice.dm_channel());
    let body = br#"{"content":"Match!","nonce":"evt-9-3000000000000002","enforce_nonce":true}"#;
    fake.fail_next(RouteMatcher::CreateMessage, Failure::Slow(Duration::from_millis(800)));

    let error = http.create_message(channel).payload_json(body).await.expect_err("timed out");
    assert!(matches!(error.kind(), ErrorType::RequestTimedOut), "{error:?}");
    assert_eq!(alice.dms().len(), 1, "Discord has the message although the client gave up");

    let resent = http.create_message(channel).payload_json(body).await.expect("answered");
    let resent = resent.model().await.expect("json");
    let recorded = fake.recorded();
    assert_eq!(recorded.messages.len(), 1);
    assert_eq!(recorded.duplicate_nonces.len(), 1);
    assert_eq!(resent.id.get(), recorded.messages[0].id);
}

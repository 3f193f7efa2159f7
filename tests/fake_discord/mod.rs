//! A fake Discord for end-to-end tests: a WebSocket gateway and a REST API on 127.0.0.1 that
//! the bot's real twilight clients talk to over ws:// and http://. It records everything the
//! bot sends, lets tests script users (guild messages, DMs, slash commands), drive the gateway
//! (RECONNECT, INVALID_SESSION, dispatches, dropped sockets, unanswered heartbeats, silent
//! connections) and inject REST failures (429 per bucket and global, 500, 50007, answers held
//! past the client's timeout).
// Each test binary uses a different part of the fake.
#![allow(dead_code, unused_imports)]

mod gateway;
pub mod model;
mod rest;
mod users;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use gateway::{BotFrame, Dispatched, GatewayConnection, Identify, Resume};
pub use model::Place;
pub use rest::{
    CommandRegistration, DuplicateNonce, Failure, InteractionReply, MessageEdit, RestRequest,
    RouteMatcher, SentMessage, WebhookMessage,
};
pub use users::{ScriptedUser, SlashInteraction};

/// How the fake Discord is set up before it starts.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// The bot token the fake accepts (without `Bot `); `None` accepts any token. A wrong
    /// token closes the gateway with 4004 and answers REST with 401.
    pub token: Option<String>,
    /// The bot's user id.
    pub bot_id: u64,
    /// The bot's user name.
    pub bot_name: String,
    /// The application id (READY's `application.id`, the commands routes).
    pub application_id: u64,
    /// The shard count `GET /gateway/bot` recommends.
    pub shards: u32,
    /// `max_concurrency` in `GET /gateway/bot`'s session start limit.
    pub max_concurrency: u32,
    /// The heartbeat interval sent in HELLO.
    pub heartbeat_interval: Duration,
    /// The guilds the bot is in when it connects.
    pub guilds: Vec<GuildSpec>,
    /// Whether a message the bot creates comes back to it as MESSAGE_CREATE, as on Discord
    /// (so the bot must ignore itself).
    pub echo_bot_messages: bool,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            token: Some("fake-token".to_owned()),
            bot_id: 4_100_000_000_000_001,
            bot_name: "GameBot".to_owned(),
            application_id: 4_100_000_000_000_001,
            shards: 1,
            max_concurrency: 1,
            heartbeat_interval: Duration::from_millis(1_000),
            guilds: Vec::new(),
            echo_bot_messages: true,
        }
    }
}

/// A guild the fake knows: its id, owner and text channels. Every guild gets two roles:
/// `@everyone` (id = the guild id) and "Server Managers" with Manage Server
/// ([`GuildSpec::manager_role`]).
#[derive(Clone, Debug)]
pub struct GuildSpec {
    /// The guild id (its shard is `(id >> 22) % shards`).
    pub id: u64,
    /// The guild name.
    pub name: String,
    /// The owner's user id (has every permission).
    pub owner_id: u64,
    /// The text channel ids.
    pub channels: Vec<u64>,
}

impl GuildSpec {
    /// A guild named after its id.
    pub fn new(id: u64, owner_id: u64, channels: &[u64]) -> Self {
        Self { id, name: format!("Guild {id}"), owner_id, channels: channels.to_vec() }
    }

    /// The id of the role that grants Manage Server in this guild.
    pub fn manager_role(&self) -> u64 {
        manager_role(self.id)
    }
}

/// The id of the role that grants Manage Server in a fake guild.
pub fn manager_role(guild_id: u64) -> u64 {
    guild_id + 1
}

/// Everything the fake saw and sent, for assertions. Read it with [`FakeDiscord::recorded`]
/// or wait on it with [`FakeDiscord::wait_for`].
#[derive(Clone, Debug, Default)]
pub struct Recorded {
    /// Every WebSocket connection the bot opened, in order.
    pub gateway_connections: Vec<GatewayConnection>,
    /// Every text frame the bot sent on the gateway, parsed.
    pub frames: Vec<BotFrame>,
    /// Every IDENTIFY the bot sent.
    pub identifies: Vec<Identify>,
    /// Every RESUME the bot sent and whether the fake accepted it.
    pub resumes: Vec<Resume>,
    /// Every dispatch the fake sent (replays on RESUME are not repeated here).
    pub dispatched: Vec<Dispatched>,
    /// Every REST request, with the status the fake answered.
    pub requests: Vec<RestRequest>,
    /// Every message created through `POST /channels/{id}/messages` (not duplicates).
    pub messages: Vec<SentMessage>,
    /// Every edit of a message the bot created.
    pub message_edits: Vec<MessageEdit>,
    /// Sends dropped because `enforce_nonce` matched an earlier message.
    pub duplicate_nonces: Vec<DuplicateNonce>,
    /// Every bulk command registration.
    pub command_registrations: Vec<CommandRegistration>,
    /// Every interaction callback.
    pub interaction_responses: Vec<InteractionReply>,
    /// Every webhook call of an interaction: edits of the original and follow-ups.
    pub webhook_messages: Vec<WebhookMessage>,
    /// HEARTBEATs that got no HEARTBEAT_ACK ([`FakeDiscord::withhold_heartbeat_acks`]).
    pub withheld_acks: usize,
}

/// A wait on the fake ran out of time.
#[derive(Debug, thiserror::Error)]
#[error("timed out after {0:?} waiting for {1}")]
pub struct WaitTimeout(pub Duration, pub String);

/// A user the fake knows.
#[derive(Clone, Debug)]
pub(crate) struct UserInfo {
    pub(crate) name: String,
    pub(crate) bot: bool,
    pub(crate) dm_channel: Option<u64>,
    pub(crate) dms_closed: bool,
}

/// An interaction the fake dispatched, to match callbacks and follow-ups.
#[derive(Clone, Debug)]
pub(crate) struct InteractionInfo {
    pub(crate) user_id: u64,
    pub(crate) token: String,
    pub(crate) channel_id: u64,
    pub(crate) guild_id: Option<u64>,
    pub(crate) created: Instant,
}

/// All mutable state, behind one mutex that is never held across an await.
pub(crate) struct State {
    pub(crate) config: FakeConfig,
    pub(crate) gateway_url: String,
    pub(crate) api_url: String,
    pub(crate) recorded: Recorded,
    pub(crate) gateway: gateway::GatewayState,
    pub(crate) rest: rest::RestState,
    pub(crate) users: HashMap<u64, UserInfo>,
    pub(crate) guilds: BTreeMap<u64, GuildSpec>,
    pub(crate) managers: HashSet<(u64, u64)>,
    pub(crate) interactions: HashMap<u64, InteractionInfo>,
    next_id: u64,
}

impl State {
    /// A fresh snowflake for messages, channels and interactions.
    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// The user object of a known user (or a placeholder for an unknown id).
    pub(crate) fn user_json(&self, id: u64) -> Value {
        if id == self.config.bot_id {
            return model::user(id, &self.config.bot_name, true);
        }
        match self.users.get(&id) {
            Some(user) => model::user(id, &user.name, user.bot),
            None => model::user(id, &format!("user{id}"), false),
        }
    }

    /// The DM channel between the bot and a user, created on first use.
    pub(crate) fn dm_channel(&mut self, user_id: u64) -> u64 {
        if let Some(channel) = self.users.get(&user_id).and_then(|u| u.dm_channel) {
            return channel;
        }
        let channel = self.next_id();
        self.users
            .entry(user_id)
            .or_insert_with(|| UserInfo {
                name: format!("user{user_id}"),
                bot: false,
                dm_channel: None,
                dms_closed: false,
            })
            .dm_channel = Some(channel);
        channel
    }

    /// The user whose DM channel this is.
    pub(crate) fn dm_recipient(&self, channel_id: u64) -> Option<u64> {
        self.users.iter().find(|(_, u)| u.dm_channel == Some(channel_id)).map(|(id, _)| *id)
    }

    /// The guild a channel belongs to.
    pub(crate) fn guild_of_channel(&self, channel_id: u64) -> Option<u64> {
        self.guilds.values().find(|g| g.channels.contains(&channel_id)).map(|g| g.id)
    }

    /// The role ids a user has in a guild.
    pub(crate) fn roles_of(&self, guild_id: u64, user_id: u64) -> Vec<u64> {
        if self.managers.contains(&(guild_id, user_id)) {
            vec![manager_role(guild_id)]
        } else {
            Vec::new()
        }
    }

    /// A user's guild-wide permissions: `@everyone`, plus Manage Server through the managers
    /// role, plus everything for the owner.
    pub(crate) fn permissions_of(&self, guild_id: u64, user_id: u64) -> u64 {
        let owner = self.guilds.get(&guild_id).is_some_and(|g| g.owner_id == user_id);
        if owner {
            return (1u64 << 51) - 1;
        }
        let mut permissions = model::EVERYONE_PERMISSIONS;
        if self.managers.contains(&(guild_id, user_id)) {
            permissions |= model::MANAGE_GUILD;
        }
        permissions
    }

    /// Registers a guild (or adds channels to a known one); returns true when it is new.
    pub(crate) fn ensure_guild(&mut self, spec: GuildSpec) -> bool {
        match self.guilds.get_mut(&spec.id) {
            Some(known) => {
                for channel in spec.channels {
                    if !known.channels.contains(&channel) {
                        known.channels.push(channel);
                    }
                }
                false
            }
            None => {
                self.guilds.insert(spec.id, spec);
                true
            }
        }
    }

    /// The GUILD_CREATE data of a known guild.
    pub(crate) fn guild_create(&self, guild_id: u64) -> Option<Value> {
        let guild = self.guilds.get(&guild_id)?;
        let roles = vec![
            model::role(guild.id, "@everyone", model::EVERYONE_PERMISSIONS, 0),
            model::role(
                guild.manager_role(),
                "Server Managers",
                model::EVERYONE_PERMISSIONS | model::MANAGE_GUILD,
                1,
            ),
        ];
        let channels = guild
            .channels
            .iter()
            .enumerate()
            .map(|(i, id)| {
                model::text_channel(
                    *id,
                    guild.id,
                    &format!("channel-{i}"),
                    i32::try_from(i).unwrap_or(0),
                )
            })
            .collect();
        let mut members = vec![model::member(Some(self.user_json(self.config.bot_id)), &[])];
        for (g, user) in &self.managers {
            if *g == guild.id {
                members.push(model::member(Some(self.user_json(*user)), &[guild.manager_role()]));
            }
        }
        Some(model::guild(guild.id, &guild.name, guild.owner_id, roles, channels, members))
    }
}

/// The state plus the change signal waiters listen to.
pub(crate) struct Shared {
    state: Mutex<State>,
    changed: watch::Sender<u64>,
}

impl Shared {
    /// Runs `f` on the state and wakes every waiter.
    pub(crate) fn update<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let result = f(&mut self.lock());
        self.changed.send_modify(|v| *v += 1);
        result
    }

    /// Reads the state.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A running fake Discord. Cloning gives another handle to the same fake; its servers run
/// until the test's runtime shuts down.
#[derive(Clone)]
pub struct FakeDiscord {
    pub(crate) shared: Arc<Shared>,
    gateway_addr: SocketAddr,
    api_addr: SocketAddr,
}

impl FakeDiscord {
    /// Starts a fake with the default config (token `fake-token`, one shard, 1 s heartbeats).
    pub async fn start() -> Self {
        Self::start_with(FakeConfig::default()).await
    }

    /// Starts a fake: binds the gateway and the REST API on random 127.0.0.1 ports.
    pub async fn start_with(config: FakeConfig) -> Self {
        let gateway = TcpListener::bind("127.0.0.1:0").await.expect("bind the fake gateway");
        let api = TcpListener::bind("127.0.0.1:0").await.expect("bind the fake REST API");
        let gateway_addr = gateway.local_addr().expect("gateway address");
        let api_addr = api.local_addr().expect("REST API address");
        let guilds = config.guilds.iter().map(|g| (g.id, g.clone())).collect();
        let state = State {
            gateway_url: format!("ws://{gateway_addr}"),
            api_url: format!("http://{api_addr}"),
            config,
            recorded: Recorded::default(),
            gateway: gateway::GatewayState::default(),
            rest: rest::RestState::default(),
            users: HashMap::new(),
            guilds,
            managers: HashSet::new(),
            interactions: HashMap::new(),
            next_id: 4_200_000_000_000_000,
        };
        let (changed, _) = watch::channel(0);
        let shared = Arc::new(Shared { state: Mutex::new(state), changed });
        tokio::spawn(gateway::serve(gateway, Arc::clone(&shared)));
        tokio::spawn(rest::serve(api, Arc::clone(&shared)));
        Self { shared, gateway_addr, api_addr }
    }

    /// The gateway URL for twilight's `ConfigBuilder::proxy_url`: `ws://127.0.0.1:P`.
    pub fn gateway_url(&self) -> String {
        format!("ws://{}", self.gateway_addr)
    }

    /// The REST base URL: `http://127.0.0.1:Q` (routes live under `/api/v10`).
    pub fn api_url(&self) -> String {
        format!("http://{}", self.api_addr)
    }

    /// The REST host for twilight's `ClientBuilder::proxy(host, true)`: `127.0.0.1:Q`.
    pub fn api_host(&self) -> String {
        self.api_addr.to_string()
    }

    /// The token the fake accepts (`fake-token` by default; empty when any is accepted).
    pub fn token(&self) -> String {
        self.shared.read(|s| s.config.token.clone().unwrap_or_default())
    }

    /// The bot's user id.
    pub fn bot_id(&self) -> u64 {
        self.shared.read(|s| s.config.bot_id)
    }

    /// The application id.
    pub fn application_id(&self) -> u64 {
        self.shared.read(|s| s.config.application_id)
    }

    /// Adds a guild; if the bot's shard for it is connected, it gets a GUILD_CREATE (as when
    /// a bot joins a guild).
    pub fn add_guild(&self, spec: GuildSpec) {
        self.shared.update(|s| {
            let id = spec.id;
            if s.ensure_guild(spec) {
                if let Some(data) = s.guild_create(id) {
                    s.dispatch_to_live("GUILD_CREATE", data);
                }
            }
        });
    }

    /// Gives a user the "Server Managers" role (Manage Server) in a guild.
    pub fn grant_manage_server(&self, guild_id: u64, user_id: u64) {
        self.shared.update(|s| {
            s.managers.insert((guild_id, user_id));
        });
    }

    /// A scripted user (registered on first use; the name is kept from the first call).
    pub fn user(&self, id: u64, name: &str) -> ScriptedUser {
        self.shared.update(|s| {
            s.users.entry(id).or_insert_with(|| UserInfo {
                name: name.to_owned(),
                bot: false,
                dm_channel: None,
                dms_closed: false,
            });
        });
        ScriptedUser::new(self.clone(), id)
    }

    /// Another bot account the test controls (its messages carry `author.bot = true`).
    pub fn other_bot(&self, id: u64, name: &str) -> ScriptedUser {
        self.shared.update(|s| {
            s.users.entry(id).or_insert_with(|| UserInfo {
                name: name.to_owned(),
                bot: true,
                dm_channel: None,
                dms_closed: false,
            });
        });
        ScriptedUser::new(self.clone(), id)
    }

    /// Sends a dispatch (op 0) to the shard that owns it: by `data.guild_id`, else shard 0.
    /// While that shard has no session the event waits and is delivered right after its
    /// next READY. Sequence numbers increase per session.
    pub fn dispatch(&self, event: &str, data: Value) {
        self.shared.update(|s| s.dispatch(event, data));
    }

    /// Sends RECONNECT (op 7) on every live connection; returns how many got it.
    pub fn send_reconnect(&self) -> usize {
        self.shared.update(|s| s.send_reconnect(None))
    }

    /// Sends RECONNECT (op 7) to one shard's connection; returns how many got it.
    pub fn send_reconnect_to(&self, shard: u32) -> usize {
        self.shared.update(|s| s.send_reconnect(Some(shard)))
    }

    /// Sends INVALID_SESSION (op 9) on every live connection. When not resumable the
    /// sessions end: the bot must IDENTIFY again, and a RESUME of them is refused.
    pub fn send_invalid_session(&self, resumable: bool) -> usize {
        self.shared.update(|s| s.send_invalid_session(None, resumable))
    }

    /// Sends INVALID_SESSION (op 9) to one shard's connection.
    pub fn send_invalid_session_to(&self, shard: u32, resumable: bool) -> usize {
        self.shared.update(|s| s.send_invalid_session(Some(shard), resumable))
    }

    /// Closes every live connection with a WebSocket close `code` (e.g. 4000 "unknown
    /// error", which twilight resumes after); returns how many were closed. Sessions stay
    /// resumable.
    pub fn close_connections(&self, code: u16) -> usize {
        self.shared.update(|s| s.close_connections(code))
    }

    /// Drops every live connection's TCP socket without a WebSocket close frame, as a network
    /// failure would; returns how many were dropped. Sessions stay resumable.
    pub fn drop_connections(&self) -> usize {
        self.shared.update(|s| s.drop_connections())
    }

    /// Stops answering HEARTBEATs on every live connection (new connections are answered
    /// again); dispatches still flow. Returns how many connections are affected.
    pub fn withhold_heartbeat_acks(&self) -> usize {
        self.shared.update(|s| s.starve_connections(false))
    }

    /// Makes every live connection silent: no HEARTBEAT_ACK and no dispatch is written on it
    /// any more, and it is not closed, as with a connection that died half-way. Dispatches
    /// stay in the session's log, so a RESUME on a new connection replays them. Returns how
    /// many connections went silent.
    pub fn silence_connections(&self) -> usize {
        self.shared.update(|s| s.starve_connections(true))
    }

    /// Fails the next request matching `route` with `failure`.
    pub fn fail_next(&self, route: RouteMatcher, failure: Failure) {
        self.fail_times(route, failure, 1);
    }

    /// Fails the next `times` requests matching `route` with `failure`.
    pub fn fail_times(&self, route: RouteMatcher, failure: Failure, times: usize) {
        self.shared.update(|s| s.rest.failures.push((route, failure, times)));
    }

    /// Makes every send to this user's DM channel fail with 403 / 50007.
    pub fn close_dms(&self, user_id: u64) {
        self.shared.update(|s| {
            s.dm_channel(user_id);
            if let Some(user) = s.users.get_mut(&user_id) {
                user.dms_closed = true;
            }
        });
    }

    /// Undoes [`FakeDiscord::close_dms`].
    pub fn open_dms(&self, user_id: u64) {
        self.shared.update(|s| {
            if let Some(user) = s.users.get_mut(&user_id) {
                user.dms_closed = false;
            }
        });
    }

    /// A copy of everything recorded so far.
    pub fn recorded(&self) -> Recorded {
        self.shared.read(|s| s.recorded.clone())
    }

    /// Reads the record in place, without copying it (for checks made very often).
    pub fn inspect<T>(&self, f: impl FnOnce(&Recorded) -> T) -> T {
        self.shared.read(|s| f(&s.recorded))
    }

    /// Waits until `check` returns `Some` on the recorded data (checked now and after every
    /// change), or fails after `timeout` naming `what` was awaited.
    pub async fn wait_for<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut check: impl FnMut(&Recorded) -> Option<T>,
    ) -> Result<T, WaitTimeout> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.shared.changed.subscribe();
        loop {
            if let Some(found) = self.shared.read(|s| check(&s.recorded)) {
                return Ok(found);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                _ => return Err(WaitTimeout(timeout, what.to_owned())),
            }
        }
    }

    /// Waits until `shards` shards have a session with a live connection (READY or RESUMED
    /// sent).
    pub async fn wait_until_ready(
        &self,
        shards: usize,
        timeout: Duration,
    ) -> Result<(), WaitTimeout> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.shared.changed.subscribe();
        loop {
            if self.shared.read(|s| s.live_sessions()) >= shards {
                return Ok(());
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                _ => return Err(WaitTimeout(timeout, format!("{shards} ready shard(s)"))),
            }
        }
    }

    /// Every message the bot created in a channel so far.
    pub fn channel_messages(&self, channel_id: u64) -> Vec<SentMessage> {
        self.shared.read(|s| {
            s.recorded.messages.iter().filter(|m| m.channel_id == channel_id).cloned().collect()
        })
    }

    /// Waits for a message the bot creates in `channel_id` that matches `predicate` (messages
    /// already sent count too).
    pub async fn wait_for_channel_message(
        &self,
        channel_id: u64,
        predicate: impl Fn(&SentMessage) -> bool,
        timeout: Duration,
    ) -> Result<SentMessage, WaitTimeout> {
        self.wait_for(&format!("a matching message in channel {channel_id}"), timeout, |r| {
            r.messages.iter().find(|m| m.channel_id == channel_id && predicate(m)).cloned()
        })
        .await
    }

    /// Waits for the callback of an interaction.
    pub async fn wait_for_interaction_response(
        &self,
        interaction_id: u64,
        timeout: Duration,
    ) -> Result<InteractionReply, WaitTimeout> {
        self.wait_for(&format!("the response to interaction {interaction_id}"), timeout, |r| {
            r.interaction_responses.iter().find(|i| i.interaction_id == interaction_id).cloned()
        })
        .await
    }

    /// Waits for the text an interaction finally showed: the callback's content, or for a
    /// deferred callback the first webhook edit or follow-up with content.
    pub async fn wait_for_interaction_text(
        &self,
        interaction_id: u64,
        timeout: Duration,
    ) -> Result<String, WaitTimeout> {
        self.wait_for(&format!("the text answering interaction {interaction_id}"), timeout, |r| {
            let response =
                r.interaction_responses.iter().find(|i| i.interaction_id == interaction_id)?;
            if let Some(text) = response.text() {
                return Some(text);
            }
            r.webhook_messages
                .iter()
                .filter(|w| w.interaction_id == Some(interaction_id))
                .find_map(WebhookMessage::text)
        })
        .await
    }
}

/// The content of a message body plus every embed's title, description, field names and
/// values and footer, joined by newlines: what a reader sees, for assertions.
pub fn visible_text(body: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(content) = body.get("content").and_then(Value::as_str) {
        if !content.is_empty() {
            parts.push(content.to_owned());
        }
    }
    for embed in body.get("embeds").and_then(Value::as_array).into_iter().flatten() {
        for key in ["title", "description"] {
            if let Some(text) = embed.get(key).and_then(Value::as_str) {
                parts.push(text.to_owned());
            }
        }
        for field in embed.get("fields").and_then(Value::as_array).into_iter().flatten() {
            for key in ["name", "value"] {
                if let Some(text) = field.get(key).and_then(Value::as_str) {
                    parts.push(text.to_owned());
                }
            }
        }
        if let Some(text) = embed.pointer("/footer/text").and_then(Value::as_str) {
            parts.push(text.to_owned());
        }
    }
    parts.join("\n")
}

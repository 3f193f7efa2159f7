//! The fake gateway: a WebSocket server speaking Discord's gateway protocol v10 in JSON. A
//! *session* is what IDENTIFY creates and RESUME continues; it keeps its sequence number and
//! the dispatches it sent, so a RESUME replays what the bot missed. A *connection* is one
//! WebSocket; a session lives across connections.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_websockets::{CloseCode, Message, ServerBuilder};

use super::model::{self, frame};
use super::{Shared, State};

/// A WebSocket connection the bot opened.
#[derive(Clone, Debug)]
pub struct GatewayConnection {
    /// The connection number, from 1.
    pub id: u64,
    /// The request target, e.g. `/?v=10&encoding=json`.
    pub path: String,
}

/// A text frame the bot sent.
#[derive(Clone, Debug)]
pub struct BotFrame {
    /// The connection it came on.
    pub connection: u64,
    /// The opcode (1 heartbeat, 2 identify, 6 resume, ...).
    pub op: u64,
    /// The whole frame.
    pub json: Value,
}

/// An IDENTIFY the bot sent.
#[derive(Clone, Debug)]
pub struct Identify {
    /// The connection it came on.
    pub connection: u64,
    /// The token as sent (twilight sends `Bot <token>`).
    pub token: String,
    /// The intents bitfield.
    pub intents: u64,
    /// `[shard_id, shard_count]` (`[0, 1]` when absent).
    pub shard: [u32; 2],
    /// The session the fake created for it (empty when the token was rejected).
    pub session_id: String,
}

/// A RESUME the bot sent.
#[derive(Clone, Debug)]
pub struct Resume {
    /// The connection it came on.
    pub connection: u64,
    /// The session it asked for.
    pub session_id: String,
    /// The last sequence number the bot had seen.
    pub seq: u64,
    /// Whether the fake resumed it (false: it answered INVALID_SESSION).
    pub accepted: bool,
    /// How many missed dispatches the fake replayed.
    pub replayed: usize,
}

/// A dispatch the fake sent to a session.
#[derive(Clone, Debug)]
pub struct Dispatched {
    /// The shard id of the session.
    pub shard: u32,
    /// The session id.
    pub session_id: String,
    /// The sequence number.
    pub seq: u64,
    /// The event name (`READY`, `MESSAGE_CREATE`, ...).
    pub event: String,
    /// The data.
    pub data: Value,
}

/// What the server task sends on a connection.
#[derive(Debug)]
pub(crate) enum Outgoing {
    Text(String),
    Close(u16),
    /// Ends the connection without a close frame: the TCP socket is just dropped.
    Drop,
}

/// One session: created by IDENTIFY, continued by RESUME.
#[derive(Debug)]
pub(crate) struct Session {
    shard: [u32; 2],
    intents: u64,
    seq: u64,
    log: Vec<(u64, String)>,
    connection: Option<u64>,
}

/// Gateway bookkeeping inside [`State`].
#[derive(Debug, Default)]
pub(crate) struct GatewayState {
    sessions: HashMap<String, Session>,
    current: BTreeMap<u32, String>,
    pending: BTreeMap<u32, Vec<(String, Value)>>,
    connections: HashMap<u64, ConnectionState>,
    next_session: u64,
    next_connection: u64,
}

#[derive(Debug)]
struct ConnectionState {
    tx: mpsc::UnboundedSender<Outgoing>,
    session: Option<String>,
    /// HEARTBEATs on this connection get no HEARTBEAT_ACK.
    withhold_acks: bool,
    /// Nothing more is written on this connection (dispatches stay in the session's log for a
    /// RESUME): a connection that died without either side noticing.
    silent: bool,
}

/// Accepts WebSocket connections until the runtime stops.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(connection(stream, Arc::clone(&shared)));
    }
}

async fn connection(stream: TcpStream, shared: Arc<Shared>) {
    let Ok((request, mut ws)) = ServerBuilder::new().accept(stream).await else {
        return;
    };
    let path = request.uri().to_string();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let id = shared.update(|s| s.connect(path, tx));
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outgoing::Text(text)) => {
                    if ws.send(Message::text(text)).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close(code)) => {
                    let code = CloseCode::try_from(code).unwrap_or(CloseCode::NORMAL_CLOSURE);
                    let _ = ws.send(Message::close(Some(code), "")).await;
                    // Drain until the client's close reply ends the stream.
                    while let Ok(Some(Ok(_))) =
                        tokio::time::timeout(std::time::Duration::from_secs(2), ws.next()).await
                    {}
                    break;
                }
                Some(Outgoing::Drop) | None => break,
            },
            incoming = ws.next() => match incoming {
                Some(Ok(message)) if message.is_text() => {
                    let text = message.as_text().unwrap_or_default().to_owned();
                    shared.update(|s| s.received(id, &text));
                }
                Some(Ok(message)) if message.is_close() => {
                    let _ = ws.close().await;
                    break;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
        }
    }
    shared.update(|s| s.disconnect(id));
}

/// Whether a session with these intents gets this event, and in what form: MESSAGE_CREATE
/// needs GUILD_MESSAGES (guild) or DIRECT_MESSAGES (DM), and without MESSAGE_CONTENT a guild
/// message keeps its text only if it mentions the bot or the bot wrote it; GUILD_CREATE
/// needs GUILDS.
fn filter_for_intents(event: &str, mut data: Value, intents: u64, bot_id: u64) -> Option<Value> {
    match event {
        "MESSAGE_CREATE" | "MESSAGE_UPDATE" => {
            let in_guild = data.get("guild_id").is_some_and(|g| !g.is_null());
            let needed =
                if in_guild { model::INTENT_GUILD_MESSAGES } else { model::INTENT_DIRECT_MESSAGES };
            if intents & needed == 0 {
                return None;
            }
            let bot = bot_id.to_string();
            let mentions_bot = data["mentions"]
                .as_array()
                .is_some_and(|m| m.iter().any(|u| u["id"].as_str() == Some(bot.as_str())));
            let by_bot = data["author"]["id"].as_str() == Some(bot.as_str());
            if in_guild && intents & model::INTENT_MESSAGE_CONTENT == 0 && !mentions_bot && !by_bot
            {
                data["content"] = Value::from("");
                data["embeds"] = json!([]);
                data["attachments"] = json!([]);
                data["components"] = json!([]);
            }
            Some(data)
        }
        "GUILD_CREATE" | "GUILD_UPDATE" | "GUILD_DELETE" => {
            (intents & model::INTENT_GUILDS != 0).then_some(data)
        }
        _ => Some(data),
    }
}

fn guild_id_of(data: &Value) -> Option<u64> {
    match data.get("guild_id")? {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

impl State {
    fn connect(&mut self, path: String, tx: mpsc::UnboundedSender<Outgoing>) -> u64 {
        self.gateway.next_connection += 1;
        let id = self.gateway.next_connection;
        let interval = u64::try_from(self.config.heartbeat_interval.as_millis()).unwrap_or(1_000);
        let _ = tx.send(Outgoing::Text(frame(
            10,
            None,
            None,
            &json!({"heartbeat_interval": interval}),
        )));
        self.gateway
            .connections
            .insert(id, ConnectionState { tx, session: None, withhold_acks: false, silent: false });
        self.recorded.gateway_connections.push(GatewayConnection { id, path });
        id
    }

    fn disconnect(&mut self, id: u64) {
        if let Some(connection) = self.gateway.connections.remove(&id) {
            if let Some(session) =
                connection.session.and_then(|s| self.gateway.sessions.get_mut(&s))
            {
                if session.connection == Some(id) {
                    session.connection = None;
                }
            }
        }
    }

    fn send_on(&self, connection: u64, out: Outgoing) {
        if let Some(c) = self.gateway.connections.get(&connection) {
            if !c.silent {
                let _ = c.tx.send(out);
            }
        }
    }

    fn received(&mut self, connection: u64, text: &str) {
        let Ok(json) = serde_json::from_str::<Value>(text) else {
            self.send_on(connection, Outgoing::Close(4002));
            return;
        };
        let op = json["op"].as_u64().unwrap_or(u64::MAX);
        self.recorded.frames.push(BotFrame { connection, op, json: json.clone() });
        match op {
            1 => {
                let withheld =
                    self.gateway.connections.get(&connection).is_some_and(|c| c.withhold_acks);
                if withheld {
                    self.recorded.withheld_acks += 1;
                } else {
                    self.send_on(connection, Outgoing::Text(frame(11, None, None, &Value::Null)));
                }
            }
            2 => self.identify(connection, &json["d"]),
            6 => self.resume(connection, &json["d"]),
            _ => {}
        }
    }

    fn token_ok(&self, token: &str) -> bool {
        match &self.config.token {
            Some(expected) => token.strip_prefix("Bot ").unwrap_or(token) == expected,
            None => true,
        }
    }

    fn identify(&mut self, connection: u64, d: &Value) {
        let token = d["token"].as_str().unwrap_or_default().to_owned();
        let intents = d["intents"].as_u64().unwrap_or(0);
        let shard =
            match d["shard"].as_array().map(|a| a.iter().map(Value::as_u64).collect::<Vec<_>>()) {
                Some(ids) if ids.len() == 2 => [
                    u32::try_from(ids[0].unwrap_or(0)).unwrap_or(0),
                    u32::try_from(ids[1].unwrap_or(1)).unwrap_or(1),
                ],
                _ => [0, 1],
            };
        let mut identify = Identify {
            connection,
            token: token.clone(),
            intents,
            shard,
            session_id: String::new(),
        };
        if !self.token_ok(&token) {
            self.recorded.identifies.push(identify);
            self.send_on(connection, Outgoing::Close(4004));
            return;
        }
        if shard[1] == 0 || shard[0] >= shard[1] {
            self.recorded.identifies.push(identify);
            self.send_on(connection, Outgoing::Close(4010));
            return;
        }
        self.gateway.next_session += 1;
        let session_id = format!("fake-session-{}", self.gateway.next_session);
        identify.session_id = session_id.clone();
        self.recorded.identifies.push(identify);
        if let Some(old) = self.gateway.current.insert(shard[0], session_id.clone()) {
            self.gateway.sessions.remove(&old);
        }
        self.gateway.sessions.insert(
            session_id.clone(),
            Session { shard, intents, seq: 0, log: Vec::new(), connection: Some(connection) },
        );
        if let Some(c) = self.gateway.connections.get_mut(&connection) {
            c.session = Some(session_id.clone());
        }
        let guilds: Vec<u64> = self
            .guilds
            .keys()
            .copied()
            .filter(|id| model::shard_for_guild(*id, u64::from(shard[1])) == u64::from(shard[0]))
            .collect();
        let bot = model::current_user(self.config.bot_id, &self.config.bot_name);
        let ready = model::ready(
            bot,
            &guilds,
            &session_id,
            &self.gateway_url,
            shard,
            self.config.application_id,
        );
        self.deliver(&session_id, "READY", ready);
        for guild in guilds {
            if let Some(data) = self.guild_create(guild) {
                self.deliver(&session_id, "GUILD_CREATE", data);
            }
        }
        for (event, data) in self.gateway.pending.remove(&shard[0]).unwrap_or_default() {
            self.deliver(&session_id, &event, data);
        }
    }

    fn resume(&mut self, connection: u64, d: &Value) {
        let session_id = d["session_id"].as_str().unwrap_or_default().to_owned();
        let seq = d["seq"].as_u64().unwrap_or(0);
        let token = d["token"].as_str().unwrap_or_default();
        let mut resume = Resume {
            connection,
            session_id: session_id.clone(),
            seq,
            accepted: false,
            replayed: 0,
        };
        if !self.token_ok(token) {
            self.recorded.resumes.push(resume);
            self.send_on(connection, Outgoing::Close(4004));
            return;
        }
        let live = self
            .gateway
            .sessions
            .get(&session_id)
            .is_some_and(|s| self.gateway.current.get(&s.shard[0]) == Some(&session_id));
        if !live {
            self.recorded.resumes.push(resume);
            self.send_on(connection, Outgoing::Text(frame(9, None, None, &Value::Bool(false))));
            return;
        }
        let Some(session) = self.gateway.sessions.get_mut(&session_id) else { return };
        session.connection = Some(connection);
        let missed: Vec<String> =
            session.log.iter().filter(|(s, _)| *s > seq).map(|(_, text)| text.clone()).collect();
        if let Some(c) = self.gateway.connections.get_mut(&connection) {
            c.session = Some(session_id.clone());
        }
        resume.accepted = true;
        resume.replayed = missed.len();
        self.recorded.resumes.push(resume);
        for text in missed {
            self.send_on(connection, Outgoing::Text(text));
        }
        self.deliver(&session_id, "RESUMED", json!({}));
    }

    /// Sends a dispatch on a session (recorded and logged for replay); dropped silently
    /// when the session's intents exclude it.
    fn deliver(&mut self, session_id: &str, event: &str, data: Value) {
        let bot_id = self.config.bot_id;
        let Some(session) = self.gateway.sessions.get_mut(session_id) else { return };
        let Some(data) = filter_for_intents(event, data, session.intents, bot_id) else { return };
        session.seq += 1;
        let seq = session.seq;
        let text = frame(0, Some(seq), Some(event), &data);
        session.log.push((seq, text.clone()));
        let connection = session.connection;
        let shard = session.shard[0];
        if let Some(connection) = connection {
            self.send_on(connection, Outgoing::Text(text));
        }
        self.recorded.dispatched.push(Dispatched {
            shard,
            session_id: session_id.to_owned(),
            seq,
            event: event.to_owned(),
            data,
        });
    }

    /// The shard count sessions identified with (the configured count before any did).
    fn shard_total(&self) -> u32 {
        self.gateway
            .current
            .values()
            .find_map(|id| self.gateway.sessions.get(id))
            .map_or(self.config.shards, |s| s.shard[1])
    }

    /// Routes a dispatch: by guild id, DMs and other guildless events to shard 0; held for
    /// the shard's next READY while it has no session.
    pub(crate) fn dispatch(&mut self, event: &str, data: Value) {
        let shard = match guild_id_of(&data) {
            Some(guild) => {
                u32::try_from(model::shard_for_guild(guild, u64::from(self.shard_total())))
                    .unwrap_or(0)
            }
            None => 0,
        };
        match self.gateway.current.get(&shard).cloned() {
            Some(session) => self.deliver(&session, event, data),
            None => self.gateway.pending.entry(shard).or_default().push((event.to_owned(), data)),
        }
    }

    /// Like [`State::dispatch`], but dropped when the shard has no session (a later READY
    /// covers it, e.g. GUILD_CREATE for a new guild).
    pub(crate) fn dispatch_to_live(&mut self, event: &str, data: Value) {
        let shard = guild_id_of(&data)
            .map(|g| {
                u32::try_from(model::shard_for_guild(g, u64::from(self.shard_total()))).unwrap_or(0)
            })
            .unwrap_or(0);
        if let Some(session) = self.gateway.current.get(&shard).cloned() {
            self.deliver(&session, event, data);
        }
    }

    /// How many shards have a current session on a live connection.
    pub(crate) fn live_sessions(&self) -> usize {
        self.gateway
            .current
            .values()
            .filter(|id| self.gateway.sessions.get(*id).is_some_and(|s| s.connection.is_some()))
            .count()
    }

    fn live_connections(&self, shard: Option<u32>) -> Vec<(u32, String, u64)> {
        self.gateway
            .current
            .iter()
            .filter(|(id, _)| shard.is_none_or(|wanted| wanted == **id))
            .filter_map(|(id, session)| {
                let connection = self.gateway.sessions.get(session)?.connection?;
                Some((*id, session.clone(), connection))
            })
            .collect()
    }

    pub(crate) fn send_reconnect(&mut self, shard: Option<u32>) -> usize {
        let targets = self.live_connections(shard);
        for (_, _, connection) in &targets {
            self.send_on(*connection, Outgoing::Text(frame(7, None, None, &Value::Null)));
        }
        targets.len()
    }

    pub(crate) fn close_connections(&mut self, code: u16) -> usize {
        let targets = self.live_connections(None);
        for (_, _, connection) in &targets {
            self.send_on(*connection, Outgoing::Close(code));
        }
        targets.len()
    }

    pub(crate) fn send_invalid_session(&mut self, shard: Option<u32>, resumable: bool) -> usize {
        let targets = self.live_connections(shard);
        for (id, session, connection) in &targets {
            if !resumable {
                self.gateway.current.remove(id);
                self.gateway.sessions.remove(session);
            }
            self.send_on(
                *connection,
                Outgoing::Text(frame(9, None, None, &Value::Bool(resumable))),
            );
        }
        targets.len()
    }

    pub(crate) fn drop_connections(&mut self) -> usize {
        let targets = self.live_connections(None);
        for (_, _, connection) in &targets {
            self.send_on(*connection, Outgoing::Drop);
        }
        targets.len()
    }

    /// Marks the live connections: their heartbeats go unanswered, and with `silent` nothing
    /// at all is written on them any more.
    pub(crate) fn starve_connections(&mut self, silent: bool) -> usize {
        let targets = self.live_connections(None);
        for (_, _, connection) in &targets {
            if let Some(c) = self.gateway.connections.get_mut(connection) {
                c.withhold_acks = true;
                c.silent = silent;
            }
        }
        targets.len()
    }
}

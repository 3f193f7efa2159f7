//! The fake REST API: the `/api/v10` routes the bot uses (gateway info, DM channels,
//! messages, command registration, interaction callbacks and webhook follow-ups). It records
//! every request, answers like Discord (rate-limit headers with scope `user` on every
//! response, nonce deduplication, JSON error codes) and fails requests on demand.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;

use super::model::{self, MessageParts};
use super::{visible_text, Shared, State};

/// Which requests a failure applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteMatcher {
    /// Every route.
    Any,
    /// `POST /users/@me/channels` (open a DM).
    CreateDm,
    /// `POST /channels/{any}/messages`.
    CreateMessage,
    /// `POST /channels/{id}/messages` for one channel.
    CreateMessageIn(u64),
    /// `PUT /applications/{app}/commands` and `.../guilds/{guild}/commands`.
    SetCommands,
    /// `POST /interactions/{id}/{token}/callback`.
    InteractionCallback,
    /// Any `/webhooks/{app}/{token}...` call (follow-ups, edits of the original).
    Webhook,
    /// A method and a path prefix after `/api/v10/`, e.g. `("GET", "gateway/bot")`.
    Custom(String, String),
}

/// An injected failure.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// 429 with `x-ratelimit-scope: user`, a bucket, `x-ratelimit-reset-after`,
    /// `retry-after` and Discord's JSON body.
    RateLimited {
        /// How long until the bucket resets.
        reset_after: Duration,
    },
    /// 429 on the global limit: `x-ratelimit-global: true`, `x-ratelimit-scope: global`,
    /// `retry-after` and a body with `"global": true`, no bucket headers.
    GloballyRateLimited {
        /// The `retry_after` Discord asks for.
        retry_after: Duration,
    },
    /// The request is handled as usual (a message is created), but the answer is held back
    /// this long: a client with a shorter timeout gives up although Discord has the message.
    Slow(Duration),
    /// 500 with `{"message":"500: Internal Server Error","code":0}`.
    ServerError,
    /// 403 with `{"code":50007,"message":"Cannot send messages to this user"}`.
    CannotDmUser,
    /// Any status and JSON body.
    Status(u16, Value),
}

/// One REST request the bot made.
#[derive(Clone, Debug)]
pub struct RestRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, e.g. `/api/v10/channels/5/messages`.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// The body parsed as JSON (`Null` when empty or not JSON).
    pub body: Value,
    /// The status the fake answered.
    pub status: u16,
    /// When it arrived.
    pub at: Instant,
}

/// A message the bot created with `POST /channels/{id}/messages`.
#[derive(Clone, Debug)]
pub struct SentMessage {
    /// The id the fake gave it.
    pub id: u64,
    /// The channel.
    pub channel_id: u64,
    /// The guild, for guild channels.
    pub guild_id: Option<u64>,
    /// The user, for DM channels.
    pub dm_recipient: Option<u64>,
    /// The `content` field (empty when absent).
    pub content: String,
    /// The `embeds` array.
    pub embeds: Vec<Value>,
    /// The nonce, as a string (twilight sends numbers).
    pub nonce: Option<String>,
    /// The `enforce_nonce` flag.
    pub enforce_nonce: bool,
    /// The `message_reference`, for replies.
    pub message_reference: Option<Value>,
    /// The whole request body.
    pub body: Value,
}

impl SentMessage {
    /// The content plus the text of every embed, newline-joined.
    pub fn text(&self) -> String {
        visible_text(&self.body)
    }

    /// Whether the content mentions the user as `<@id>` or `<@!id>`.
    pub fn mentions(&self, user_id: u64) -> bool {
        model::mentioned_ids(&self.content).contains(&user_id)
    }
}

/// An edit of a message the bot created (`PATCH /channels/{id}/messages/{id}`).
#[derive(Clone, Debug)]
pub struct MessageEdit {
    /// The channel.
    pub channel_id: u64,
    /// The edited message.
    pub message_id: u64,
    /// The request body.
    pub body: Value,
}

impl MessageEdit {
    /// The content plus the text of every embed, newline-joined.
    pub fn text(&self) -> String {
        visible_text(&self.body)
    }
}

/// A send the fake dropped because `enforce_nonce` matched an earlier message.
#[derive(Clone, Debug)]
pub struct DuplicateNonce {
    /// The channel of the dropped send.
    pub channel_id: u64,
    /// The nonce.
    pub nonce: String,
    /// The message that was returned instead.
    pub original_id: u64,
}

/// One bulk command registration.
#[derive(Clone, Debug)]
pub struct CommandRegistration {
    /// The guild, for guild commands; `None` for global ones.
    pub guild_id: Option<u64>,
    /// The commands array as sent.
    pub commands: Value,
}

impl CommandRegistration {
    /// The names of the registered commands.
    pub fn names(&self) -> Vec<String> {
        self.commands
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str().map(str::to_owned))
            .collect()
    }
}

/// One interaction callback.
#[derive(Clone, Debug)]
pub struct InteractionReply {
    /// The interaction.
    pub interaction_id: u64,
    /// The token in the URL.
    pub token: String,
    /// The user who used the command.
    pub user_id: Option<u64>,
    /// The callback type (4 message, 5 deferred message, 6 deferred update, 7 update, ...).
    pub kind: u64,
    /// The callback `data` (`Null` when absent).
    pub data: Value,
    /// Time from the INTERACTION_CREATE dispatch to the callback (Discord allows 3 s).
    pub elapsed: Duration,
}

impl InteractionReply {
    /// The visible text of the response, or `None` when it has none (e.g. deferred).
    pub fn text(&self) -> Option<String> {
        Some(visible_text(&self.data)).filter(|t| !t.is_empty())
    }

    /// Whether the response is ephemeral (flag 64).
    pub fn is_ephemeral(&self) -> bool {
        self.data["flags"].as_u64().is_some_and(|f| f & 64 != 0)
    }
}

/// One webhook call for an interaction: a follow-up or an edit of the original response.
#[derive(Clone, Debug)]
pub struct WebhookMessage {
    /// The interaction the token belongs to.
    pub interaction_id: Option<u64>,
    /// The interaction token.
    pub token: String,
    /// `POST` (follow-up), `PATCH` (edit), `GET` or `DELETE`.
    pub method: String,
    /// `followup`, `@original` or a message id.
    pub target: String,
    /// The body.
    pub body: Value,
}

impl WebhookMessage {
    /// The visible text, or `None` when it has none.
    pub fn text(&self) -> Option<String> {
        Some(visible_text(&self.body)).filter(|t| !t.is_empty())
    }

    /// Whether it is ephemeral (flag 64).
    pub fn is_ephemeral(&self) -> bool {
        self.body["flags"].as_u64().is_some_and(|f| f & 64 != 0)
    }
}

/// REST bookkeeping inside [`State`].
#[derive(Debug, Default)]
pub(crate) struct RestState {
    pub(crate) failures: Vec<(RouteMatcher, Failure, usize)>,
    message_json: HashMap<u64, Value>,
    nonces: HashMap<String, u64>,
}

/// A parsed route.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    Gateway,
    GatewayBot,
    CurrentUser,
    CurrentApplication,
    CreateDm,
    CreateMessage(u64),
    EditMessage(u64, u64),
    DeleteMessage(u64, u64),
    SetCommands(Option<u64>),
    InteractionCallback(u64, String),
    Webhook { token: String, target: String },
    Unknown,
}

fn parse_route(method: &str, path: &str) -> Route {
    let Some(rest) = path.strip_prefix("/api/v10/") else { return Route::Unknown };
    let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let id = |s: &str| s.parse::<u64>().ok();
    match (method, segments.as_slice()) {
        ("GET", ["gateway"]) => Route::Gateway,
        ("GET", ["gateway", "bot"]) => Route::GatewayBot,
        ("GET", ["users", "@me"]) => Route::CurrentUser,
        ("GET", ["applications", "@me"]) => Route::CurrentApplication,
        ("POST", ["users", "@me", "channels"]) => Route::CreateDm,
        ("POST", ["channels", c, "messages"]) => id(c).map_or(Route::Unknown, Route::CreateMessage),
        ("PATCH", ["channels", c, "messages", m]) => match (id(c), id(m)) {
            (Some(c), Some(m)) => Route::EditMessage(c, m),
            _ => Route::Unknown,
        },
        ("DELETE", ["channels", c, "messages", m]) => match (id(c), id(m)) {
            (Some(c), Some(m)) => Route::DeleteMessage(c, m),
            _ => Route::Unknown,
        },
        ("PUT", ["applications", _, "commands"]) => Route::SetCommands(None),
        ("PUT", ["applications", _, "guilds", g, "commands"]) => {
            id(g).map_or(Route::Unknown, |g| Route::SetCommands(Some(g)))
        }
        ("POST", ["interactions", i, token, "callback"]) => {
            id(i).map_or(Route::Unknown, |i| Route::InteractionCallback(i, (*token).to_owned()))
        }
        ("POST", ["webhooks", _, token]) => {
            Route::Webhook { token: (*token).to_owned(), target: "followup".to_owned() }
        }
        (_, ["webhooks", _, token, "messages", target]) => {
            Route::Webhook { token: (*token).to_owned(), target: (*target).to_owned() }
        }
        _ => Route::Unknown,
    }
}

impl RouteMatcher {
    fn matches(&self, method: &str, path: &str, route: &Route) -> bool {
        match self {
            Self::Any => true,
            Self::CreateDm => *route == Route::CreateDm,
            Self::CreateMessage => matches!(route, Route::CreateMessage(_)),
            Self::CreateMessageIn(channel) => *route == Route::CreateMessage(*channel),
            Self::SetCommands => matches!(route, Route::SetCommands(_)),
            Self::InteractionCallback => matches!(route, Route::InteractionCallback(..)),
            Self::Webhook => matches!(route, Route::Webhook { .. }),
            Self::Custom(m, prefix) => {
                m.eq_ignore_ascii_case(method)
                    && path
                        .strip_prefix("/api/v10/")
                        .is_some_and(|p| p.starts_with(prefix.as_str()))
            }
        }
    }
}

/// The fake's answer before it becomes an HTTP response.
struct Reply {
    status: u16,
    body: Option<Value>,
    bucket: &'static str,
    rate_limited: Option<Duration>,
    globally_limited: Option<Duration>,
    held: Option<Duration>,
}

impl Reply {
    fn json(status: u16, body: Value, bucket: &'static str) -> Self {
        Self {
            status,
            body: Some(body),
            bucket,
            rate_limited: None,
            globally_limited: None,
            held: None,
        }
    }

    fn empty(bucket: &'static str) -> Self {
        Self { status: 204, body: None, ..Self::json(204, Value::Null, bucket) }
    }

    fn error(status: u16, code: u64, message: &str, bucket: &'static str) -> Self {
        Self::json(status, json!({"code": code, "message": message}), bucket)
    }
}

fn bucket_of(route: &Route) -> &'static str {
    match route {
        Route::Gateway | Route::GatewayBot => "fake-gateway",
        Route::CurrentUser | Route::CurrentApplication => "fake-me",
        Route::CreateDm => "fake-create-dm",
        Route::CreateMessage(_) | Route::EditMessage(..) | Route::DeleteMessage(..) => {
            "fake-channel-messages"
        }
        Route::SetCommands(_) => "fake-commands",
        Route::InteractionCallback(..) => "fake-interaction-callback",
        Route::Webhook { .. } => "fake-webhook",
        Route::Unknown => "fake-unknown",
    }
}

/// Serves HTTP/1 until the runtime stops.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    while let Ok((stream, _)) = listener.accept().await {
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let shared = Arc::clone(&shared);
                async move { Ok::<_, Infallible>(handle(request, &shared).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn handle(request: Request<Incoming>, shared: &Shared) -> Response<Full<Bytes>> {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let authorization = request
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = request.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let mut reply = shared.update(|s| {
        let reply = s.answer(&method, &path, authorization.as_deref(), &body);
        s.recorded.requests.push(RestRequest {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            authorization: authorization.clone(),
            body: body.clone(),
            status: reply.status,
            at: Instant::now(),
        });
        reply
    });
    if let Some(hold) = reply.held.take() {
        tokio::time::sleep(hold).await;
    }
    to_response(reply)
}

fn to_response(reply: Reply) -> Response<Full<Bytes>> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs_f64();
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(retry_after) = reply.globally_limited {
        let response = Response::builder()
            .status(status)
            .header("x-ratelimit-global", "true")
            .header("x-ratelimit-scope", "global")
            .header("retry-after", retry_after.as_secs_f64().ceil().to_string())
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(reply.body.unwrap_or_default().to_string())));
        return response.unwrap_or_else(|_| Response::new(Full::new(Bytes::new())));
    }
    let builder = Response::builder()
        .status(StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header("x-ratelimit-scope", "user")
        .header("x-ratelimit-bucket", reply.bucket);
    let builder = match reply.rate_limited {
        Some(reset_after) => builder
            .header("x-ratelimit-limit", "5")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset-after", format!("{:.3}", reset_after.as_secs_f64()))
            .header("x-ratelimit-reset", format!("{:.3}", now + reset_after.as_secs_f64()))
            .header("retry-after", reset_after.as_secs_f64().ceil().to_string()),
        None => builder
            .header("x-ratelimit-limit", "50")
            .header("x-ratelimit-remaining", "49")
            .header("x-ratelimit-reset-after", "1.000")
            .header("x-ratelimit-reset", format!("{:.3}", now + 1.0)),
    };
    let response = match reply.body {
        Some(body) => builder
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body.to_string()))),
        None => builder.body(Full::new(Bytes::new())),
    };
    response.unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

fn nonce_string(nonce: &Value) -> Option<String> {
    match nonce {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Discord's length limits on a message body: 2,000 characters of content, 10 embeds, 4,096
/// per description, 256 per title, 25 fields, 6,000 characters over all embeds.
fn validate_message(body: &Value) -> Result<(), String> {
    let content = body["content"].as_str().unwrap_or_default();
    if content.chars().count() > 2000 {
        return Err(format!("content is {} characters (max 2000)", content.chars().count()));
    }
    let embeds = body["embeds"].as_array().map(Vec::as_slice).unwrap_or_default();
    if embeds.len() > 10 {
        return Err(format!("{} embeds (max 10)", embeds.len()));
    }
    let len = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    let mut total = 0;
    for embed in embeds {
        if len(&embed["description"]) > 4096 {
            return Err("an embed description exceeds 4096 characters".to_owned());
        }
        if len(&embed["title"]) > 256 {
            return Err("an embed title exceeds 256 characters".to_owned());
        }
        let fields = embed["fields"].as_array().map(Vec::as_slice).unwrap_or_default();
        if fields.len() > 25 {
            return Err("an embed has more than 25 fields".to_owned());
        }
        total += len(&embed["title"]) + len(&embed["description"]) + len(&embed["footer"]["text"]);
        for field in fields {
            if len(&field["name"]) > 256 || len(&field["value"]) > 1024 {
                return Err("an embed field exceeds 256/1024 characters".to_owned());
            }
            total += len(&field["name"]) + len(&field["value"]);
        }
    }
    if total > 6000 {
        return Err(format!("embeds hold {total} characters (max 6000)"));
    }
    Ok(())
}

/// Embeds as Discord echoes them (with `type: rich`).
fn echo_embeds(body: &Value) -> Value {
    let embeds = body["embeds"].as_array().cloned().unwrap_or_default();
    Value::Array(
        embeds
            .into_iter()
            .map(|mut e| {
                if e.get("type").is_none() {
                    e["type"] = Value::from("rich");
                }
                e
            })
            .collect(),
    )
}

impl State {
    fn answer(
        &mut self,
        method: &str,
        path: &str,
        authorization: Option<&str>,
        body: &Value,
    ) -> Reply {
        let route = parse_route(method, path);
        let bucket = bucket_of(&route);
        let mut held = None;
        if let Some(index) =
            self.rest.failures.iter().position(|(m, _, _)| m.matches(method, path, &route))
        {
            let failure = self.rest.failures[index].1.clone();
            self.rest.failures[index].2 -= 1;
            if self.rest.failures[index].2 == 0 {
                self.rest.failures.remove(index);
            }
            match failure {
                Failure::Slow(hold) => held = Some(hold),
                failure => return failure_reply(failure, bucket),
            }
        }
        let mut reply = self.handled(method, &route, authorization, body);
        reply.held = held;
        reply
    }

    fn handled(
        &mut self,
        method: &str,
        route: &Route,
        authorization: Option<&str>,
        body: &Value,
    ) -> Reply {
        let route = route.clone();
        let bucket = bucket_of(&route);
        let needs_auth = !matches!(route, Route::InteractionCallback(..) | Route::Webhook { .. });
        if needs_auth {
            if let Some(token) = &self.config.token {
                if authorization != Some(format!("Bot {token}").as_str()) {
                    return Reply::error(401, 0, "401: Unauthorized", bucket);
                }
            }
        }
        match route {
            Route::Gateway => Reply::json(200, json!({"url": self.gateway_url}), bucket),
            Route::GatewayBot => Reply::json(
                200,
                json!({
                    "url": self.gateway_url,
                    "shards": self.config.shards,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 1000,
                        "reset_after": 0,
                        "max_concurrency": self.config.max_concurrency,
                    },
                }),
                bucket,
            ),
            Route::CurrentUser => Reply::json(
                200,
                model::current_user(self.config.bot_id, &self.config.bot_name),
                bucket,
            ),
            Route::CurrentApplication => Reply::json(
                200,
                json!({
                    "id": self.config.application_id.to_string(),
                    "name": self.config.bot_name,
                    "description": "",
                    "icon": null,
                    "bot_public": true,
                    "bot_require_code_grant": false,
                    "flags": 0,
                    "team": null,
                    "verify_key": "",
                    "bot": self.user_json(self.config.bot_id),
                }),
                bucket,
            ),
            Route::CreateDm => {
                let recipient = match &body["recipient_id"] {
                    Value::String(s) => s.parse::<u64>().ok(),
                    Value::Number(n) => n.as_u64(),
                    _ => None,
                };
                match recipient {
                    Some(user) => {
                        let channel = self.dm_channel(user);
                        Reply::json(200, model::dm_channel(channel, self.user_json(user)), bucket)
                    }
                    None => Reply::error(400, 50035, "Invalid Form Body: recipient_id", bucket),
                }
            }
            Route::CreateMessage(channel) => self.create_message(channel, body, bucket),
            Route::EditMessage(channel_id, message_id) => {
                match self.rest.message_json.get_mut(&message_id) {
                    Some(json) => {
                        self.recorded.message_edits.push(MessageEdit {
                            channel_id,
                            message_id,
                            body: body.clone(),
                        });
                        if let Some(content) = body.get("content") {
                            json["content"] = content.clone();
                        }
                        if body.get("embeds").is_some() {
                            json["embeds"] = echo_embeds(body);
                        }
                        json["edited_timestamp"] = Value::from(model::timestamp());
                        Reply::json(200, json.clone(), bucket)
                    }
                    None => Reply::error(404, 10008, "Unknown Message", bucket),
                }
            }
            Route::DeleteMessage(..) => Reply::empty(bucket),
            Route::SetCommands(guild_id) => {
                self.recorded
                    .command_registrations
                    .push(CommandRegistration { guild_id, commands: body.clone() });
                Reply::json(200, self.echo_commands(body, guild_id), bucket)
            }
            Route::InteractionCallback(id, token) => {
                self.interaction_callback(id, &token, body, bucket)
            }
            Route::Webhook { token, target } => self.webhook(method, &token, &target, body, bucket),
            Route::Unknown => Reply::error(404, 0, "404: Not Found", bucket),
        }
    }

    fn create_message(&mut self, channel: u64, body: &Value, bucket: &'static str) -> Reply {
        let recipient = self.dm_recipient(channel);
        let guild_id = self.guild_of_channel(channel);
        if recipient.is_none() && guild_id.is_none() {
            return Reply::error(404, 10003, "Unknown Channel", bucket);
        }
        if recipient.and_then(|u| self.users.get(&u)).is_some_and(|u| u.dms_closed) {
            return Reply::error(403, 50007, "Cannot send messages to this user", bucket);
        }
        let content = body["content"].as_str().unwrap_or_default().to_owned();
        let embeds = body["embeds"].as_array().cloned().unwrap_or_default();
        if content.is_empty() && embeds.is_empty() {
            return Reply::error(400, 50006, "Cannot send an empty message", bucket);
        }
        if let Err(problem) = validate_message(body) {
            return Reply::error(400, 50035, &format!("Invalid Form Body: {problem}"), bucket);
        }
        let nonce = nonce_string(&body["nonce"]);
        let enforce_nonce = body["enforce_nonce"].as_bool().unwrap_or(false);
        if let (Some(nonce), true) = (&nonce, enforce_nonce) {
            if let Some(original) = self.rest.nonces.get(nonce).copied() {
                self.recorded.duplicate_nonces.push(DuplicateNonce {
                    channel_id: channel,
                    nonce: nonce.clone(),
                    original_id: original,
                });
                let json = self.rest.message_json.get(&original).cloned().unwrap_or(Value::Null);
                return Reply::json(200, json, bucket);
            }
        }
        let id = self.next_id();
        let mentions =
            model::mentioned_ids(&content).into_iter().map(|u| self.user_json(u)).collect();
        let mut json = model::message(&MessageParts {
            id,
            channel_id: channel,
            guild_id,
            author: self.user_json(self.config.bot_id),
            member: None,
            content: content.clone(),
            mentions,
        });
        json["embeds"] = echo_embeds(body);
        if let Some(nonce) = &nonce {
            json["nonce"] = Value::from(nonce.clone());
        }
        if let Some(reference) = body.get("message_reference") {
            json["message_reference"] = reference.clone();
        }
        if let Some(components) = body.get("components") {
            json["components"] = components.clone();
        }
        if let (Some(nonce), true) = (&nonce, enforce_nonce) {
            self.rest.nonces.insert(nonce.clone(), id);
        }
        self.rest.message_json.insert(id, json.clone());
        if self.config.echo_bot_messages {
            let mut echo = json.clone();
            if guild_id.is_some() {
                echo["member"] = model::member(None, &[]);
            }
            self.dispatch("MESSAGE_CREATE", echo);
        }
        self.recorded.messages.push(SentMessage {
            id,
            channel_id: channel,
            guild_id,
            dm_recipient: recipient,
            content,
            embeds,
            nonce,
            enforce_nonce,
            message_reference: body.get("message_reference").cloned(),
            body: body.clone(),
        });
        Reply::json(200, json, bucket)
    }

    fn echo_commands(&mut self, body: &Value, guild_id: Option<u64>) -> Value {
        let application_id = self.config.application_id.to_string();
        let commands = body.as_array().cloned().unwrap_or_default();
        let echoed = commands
            .into_iter()
            .map(|mut command| {
                let id = self.next_id().to_string();
                command["id"] = Value::from(id.clone());
                command["version"] = Value::from(id);
                command["application_id"] = Value::from(application_id.clone());
                if let Some(guild) = guild_id {
                    command["guild_id"] = Value::from(guild.to_string());
                }
                for (key, default) in
                    [("type", json!(1)), ("description", json!("")), ("options", json!([]))]
                {
                    if command.get(key).is_none() {
                        command[key] = default;
                    }
                }
                command
            })
            .collect();
        Value::Array(echoed)
    }

    fn interaction_callback(
        &mut self,
        id: u64,
        token: &str,
        body: &Value,
        bucket: &'static str,
    ) -> Reply {
        let Some(info) = self.interactions.get(&id).cloned() else {
            return Reply::error(404, 10062, "Unknown interaction", bucket);
        };
        if info.token != token {
            return Reply::error(401, 50027, "Invalid Webhook Token", bucket);
        }
        if self.recorded.interaction_responses.iter().any(|r| r.interaction_id == id) {
            return Reply::error(400, 40060, "Interaction has already been acknowledged.", bucket);
        }
        let data = body.get("data").cloned().unwrap_or(Value::Null);
        if let Err(problem) = validate_message(&data) {
            return Reply::error(400, 50035, &format!("Invalid Form Body: {problem}"), bucket);
        }
        self.recorded.interaction_responses.push(InteractionReply {
            interaction_id: id,
            token: token.to_owned(),
            user_id: Some(info.user_id),
            kind: body["type"].as_u64().unwrap_or(0),
            data,
            elapsed: info.created.elapsed(),
        });
        Reply::empty(bucket)
    }

    fn webhook(
        &mut self,
        method: &str,
        token: &str,
        target: &str,
        body: &Value,
        bucket: &'static str,
    ) -> Reply {
        let interaction = self
            .interactions
            .iter()
            .find(|(_, i)| i.token == token)
            .map(|(id, i)| (*id, i.clone()));
        let Some((interaction_id, info)) = interaction else {
            return Reply::error(404, 10015, "Unknown Webhook", bucket);
        };
        if let Err(problem) = validate_message(body) {
            return Reply::error(400, 50035, &format!("Invalid Form Body: {problem}"), bucket);
        }
        self.recorded.webhook_messages.push(WebhookMessage {
            interaction_id: Some(interaction_id),
            token: token.to_owned(),
            method: method.to_owned(),
            target: target.to_owned(),
            body: body.clone(),
        });
        if method == "DELETE" {
            return Reply::empty(bucket);
        }
        let id = self.next_id();
        let mut json = model::message(&MessageParts {
            id,
            channel_id: info.channel_id,
            guild_id: info.guild_id,
            author: self.user_json(self.config.bot_id),
            member: None,
            content: body["content"].as_str().unwrap_or_default().to_owned(),
            mentions: Vec::new(),
        });
        json["embeds"] = echo_embeds(body);
        json["webhook_id"] = Value::from(self.config.application_id.to_string());
        json["application_id"] = Value::from(self.config.application_id.to_string());
        if let Some(flags) = body.get("flags") {
            json["flags"] = flags.clone();
        }
        Reply::json(200, json, bucket)
    }
}

fn failure_reply(failure: Failure, bucket: &'static str) -> Reply {
    match failure {
        Failure::RateLimited { reset_after } => Reply {
            status: 429,
            body: Some(json!({
                "message": "You are being rate limited.",
                "retry_after": reset_after.as_secs_f64(),
                "global": false,
            })),
            bucket,
            rate_limited: Some(reset_after),
            globally_limited: None,
            held: None,
        },
        Failure::GloballyRateLimited { retry_after } => Reply {
            globally_limited: Some(retry_after),
            ..Reply::json(
                429,
                json!({
                    "message": "You are being rate limited.",
                    "retry_after": retry_after.as_secs_f64(),
                    "global": true,
                }),
                bucket,
            )
        },
        // Handled in `State::answer`: the request goes through, late.
        Failure::Slow(_) => Reply::error(500, 0, "500: Internal Server Error", bucket),
        Failure::ServerError => Reply::error(500, 0, "500: Internal Server Error", bucket),
        Failure::CannotDmUser => {
            Reply::error(403, 50007, "Cannot send messages to this user", bucket)
        }
        Failure::Status(status, body) => Reply::json(status, body, bucket),
    }
}

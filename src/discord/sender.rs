//! The sender: every message the bot posts goes through here, over twilight-http. It opens and
//! caches each player's DM channel, splits content over Discord's 2,000-character limit, stamps
//! each message with a nonce that Discord enforces (so a resend after a crash or a retry is
//! dropped), limits mentions to the users meant to be pinged, retries server errors and broken
//! connections with backoff, and falls back to a notice in the game's channel when a player's
//! DMs are closed. 429s are twilight's: its rate limiter waits and retries them itself.
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::future::IntoFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use twilight_http::api_error::ApiError;
use twilight_http::error::ErrorType;
use twilight_http::Client;
use twilight_model::channel::message::{Embed, MessageFlags};
use twilight_model::http::interaction::{
    InteractionResponse, InteractionResponseData, InteractionResponseType,
};
use twilight_model::id::marker::{ApplicationMarker, ChannelMarker, InteractionMarker};
use twilight_model::id::Id;

use super::render::{dms_closed, EmbedSpec, OutgoingMessage};
use crate::domain::{ChannelId, GameId, UserId};

/// Attempts at one request before the sender gives up on it (server errors, broken connections).
pub const SEND_ATTEMPTS: u32 = 6;
/// The wait before the first retry; each next one doubles, up to [`MAX_RETRY_DELAY`].
pub const FIRST_RETRY_DELAY: Duration = Duration::from_millis(200);
/// The longest wait between two attempts.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(5);
/// Discord's limit on a string nonce.
pub const NONCE_MAX_LEN: usize = 25;
/// Discord's JSON error code for "Cannot send messages to this user" (DMs closed).
pub const CANNOT_DM_USER: u64 = 50007;
/// Discord's JSON error code for "Interaction has already been acknowledged".
pub const ALREADY_ACKNOWLEDGED: u64 = 40060;

/// Where a message goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A channel message.
    Channel(ChannelId),
    /// A reply to a message (its first part carries the message reference).
    Reply {
        /// The channel of the message replied to.
        channel: ChannelId,
        /// The message replied to.
        message: u64,
    },
    /// A direct message to a user.
    Dm(UserId),
}

/// What makes a message's nonce: the id of what caused it (an event id or an incoming message
/// id), a slot telling apart the several messages one cause sends one recipient (`"pair"`,
/// `"miss"`), and the recipient. The sender adds the part number of a split message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NonceKey {
    /// The event or incoming message the message answers.
    pub cause: String,
    /// Which of the cause's messages this is.
    pub slot: &'static str,
}

impl NonceKey {
    /// A key for the message `slot` caused by `cause`.
    pub fn new(cause: impl fmt::Display, slot: &'static str) -> Self {
        Self { cause: cause.to_string(), slot }
    }

    /// The nonce of part `part` of the message to `recipient`: at most [`NONCE_MAX_LEN`]
    /// characters, the same every time for the same inputs (FNV-1a, stable across builds).
    pub fn nonce(&self, recipient: u64, part: usize) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for byte in bytes {
                hash ^= u64::from(*byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
            // A separator, so ("ab", "c") and ("a", "bc") differ.
            hash ^= 0xff;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        };
        eat(self.cause.as_bytes());
        eat(self.slot.as_bytes());
        eat(&recipient.to_le_bytes());
        eat(&(part as u64).to_le_bytes());
        format!("gb{hash:x}")
    }
}

/// A player's DMs are closed: where to say so instead, once per player per game.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DmFallback {
    /// The game's channel.
    pub channel: ChannelId,
    /// The game.
    pub game: GameId,
}

/// One message to deliver.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// Where it goes.
    pub target: Target,
    /// What it says (split by the sender when over the limit).
    pub message: OutgoingMessage,
    /// Its nonce key; `None` sends without a nonce (nothing to deduplicate against).
    pub nonce: Option<NonceKey>,
    /// The users it may ping; everyone else mentioned is shown but not notified.
    pub pings: Vec<UserId>,
    /// For DMs: where to tell the game that the player's DMs are closed.
    pub dm_fallback: Option<DmFallback>,
}

impl Delivery {
    /// A message to `target` that pings nobody.
    pub fn new(target: Target, message: OutgoingMessage) -> Self {
        Self { target, message, nonce: None, pings: Vec::new(), dm_fallback: None }
    }

    /// The same delivery with a nonce key.
    pub fn nonce(mut self, key: NonceKey) -> Self {
        self.nonce = Some(key);
        self
    }

    /// The same delivery allowed to ping `users`.
    pub fn pinging(mut self, users: impl IntoIterator<Item = UserId>) -> Self {
        self.pings = users.into_iter().collect();
        self
    }

    /// The same delivery with a fallback for closed DMs.
    pub fn dm_fallback(mut self, fallback: DmFallback) -> Self {
        self.dm_fallback = Some(fallback);
        self
    }
}

/// How a delivery ended when it did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivered {
    /// Every part was posted (or Discord already had it by its nonce).
    Sent,
    /// The player's DMs are closed; the game's channel was told, if a fallback was given.
    DmsClosed,
}

/// Why a delivery failed.
///
/// # Handling
/// The sender has already retried what can be retried and logged the failure at ERROR with its
/// cause; callers only decide whether to go on (notifications) or reply otherwise.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Discord refused the request for good (a 4xx other than 429 and 50007).
    #[error("Discord refused the message ({status}): {message}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// Discord's error text.
        message: String,
    },
    /// Server errors or broken connections outlasted every attempt.
    #[error("gave up after {attempts} attempts: {last}")]
    GaveUp {
        /// How many attempts were made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The token was rejected (401); nothing more can be sent.
    #[error("Discord rejected the token (401)")]
    Unauthorized,
    /// An id was zero, which Discord never uses.
    #[error("invalid id: {0}")]
    InvalidId(&'static str),
    /// The message body could not be serialized.
    #[error("could not build the message body: {0}")]
    Body(#[from] serde_json::Error),
}

/// What one failed request means for the next step.
enum Failure {
    /// Worth another attempt.
    Transient(String),
    /// The user's DMs are closed.
    DmsClosed,
    /// The interaction was already answered: an earlier attempt got through although its
    /// answer was lost (it timed out), so the response stands.
    AlreadyAcknowledged,
    /// Final.
    Final(SendError),
}

fn classify(error: &twilight_http::Error) -> Failure {
    match error.kind() {
        ErrorType::Response { error: ApiError::General(general), .. }
            if general.code == CANNOT_DM_USER =>
        {
            Failure::DmsClosed
        }
        ErrorType::Response { error: ApiError::General(general), .. }
            if general.code == ALREADY_ACKNOWLEDGED =>
        {
            Failure::AlreadyAcknowledged
        }
        ErrorType::Response { status, .. } if status.is_server_error() => {
            Failure::Transient(format!("server error {}", status.get()))
        }
        ErrorType::Response { status, error, .. } => {
            Failure::Final(SendError::Refused { status: status.get(), message: error.to_string() })
        }
        ErrorType::RequestError | ErrorType::RequestTimedOut | ErrorType::RequestCanceled => {
            Failure::Transient(error.to_string())
        }
        ErrorType::Unauthorized => Failure::Final(SendError::Unauthorized),
        _ => Failure::Final(SendError::GaveUp { attempts: 1, last: error.to_string() }),
    }
}

/// The wait before attempt `attempt` (1-based; the first attempt does not wait).
fn retry_delay(attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(2).min(16);
    (FIRST_RETRY_DELAY * 2u32.pow(doublings)).min(MAX_RETRY_DELAY)
}

/// Runs `request` until it succeeds, fails for good, or runs out of attempts; logs a final
/// failure at ERROR with its cause.
async fn with_retries<T, F, Fut>(what: &str, mut request: F) -> Result<T, Failure>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, twilight_http::Error>>,
{
    let mut last = String::new();
    for attempt in 1..=SEND_ATTEMPTS {
        if attempt > 1 {
            tokio::time::sleep(retry_delay(attempt)).await;
        }
        match request().await {
            Ok(value) => return Ok(value),
            Err(error) => match classify(&error) {
                Failure::Transient(why) => {
                    tracing::warn!(
                        request = what, attempt, error.message = %why,
                        "Discord request failed; retrying"
                    );
                    last = why;
                }
                other => return Err(other),
            },
        }
    }
    let error = SendError::GaveUp { attempts: SEND_ATTEMPTS, last };
    tracing::error!(request = what, error.message = %error, "Discord request failed for good");
    Err(Failure::Final(error))
}

/// An embed as Discord's JSON.
pub fn embed_json(embed: &EmbedSpec) -> Value {
    let fields: Vec<Value> = embed
        .fields
        .iter()
        .map(|f| json!({"name": f.name, "value": f.value, "inline": f.inline}))
        .collect();
    let mut value = json!({"title": embed.title, "color": embed.colour, "fields": fields});
    if let Some(description) = &embed.description {
        value["description"] = Value::from(description.clone());
    }
    value
}

/// Discord's `allowed_mentions` for a message that may ping exactly `users`.
fn allowed_mentions(users: &[UserId]) -> Value {
    let users: Vec<String> = users.iter().map(|u| u.0.to_string()).collect();
    json!({"parse": [], "users": users, "replied_user": false})
}

/// The `POST /channels/{id}/messages` body of one part.
fn message_body(
    part: &OutgoingMessage,
    nonce: Option<String>,
    pings: &[UserId],
    reply_to: Option<(ChannelId, u64)>,
) -> Value {
    let mut body = json!({
        "content": part.content,
        "allowed_mentions": allowed_mentions(pings),
    });
    if !part.embeds.is_empty() {
        body["embeds"] = Value::Array(part.embeds.iter().map(embed_json).collect());
    }
    if let Some(nonce) = nonce {
        body["nonce"] = Value::from(nonce);
        // twilight 0.18 has no setter for it, hence the whole body as payload_json.
        body["enforce_nonce"] = Value::from(true);
    }
    if let Some((channel, message)) = reply_to {
        body["message_reference"] = json!({
            "message_id": message.to_string(),
            "channel_id": channel.0.to_string(),
            "fail_if_not_exists": false,
        });
    }
    body
}

fn channel_id(channel: ChannelId) -> Result<Id<ChannelMarker>, SendError> {
    Id::new_checked(channel.0).ok_or(SendError::InvalidId("channel"))
}

/// What an interaction response shows.
#[derive(Clone, Debug)]
pub struct InteractionReply {
    /// The message (split into the response and follow-ups when over the limit).
    pub message: OutgoingMessage,
    /// Only the user who used the command sees it.
    pub ephemeral: bool,
    /// The users it may ping.
    pub pings: Vec<UserId>,
}

/// The sender. Cheap to clone; clones share the client and the caches.
#[derive(Clone)]
pub struct Sender {
    inner: Arc<Inner>,
}

struct Inner {
    http: Arc<Client>,
    application_id: Mutex<Option<Id<ApplicationMarker>>>,
    dm_channels: Mutex<HashMap<UserId, ChannelId>>,
    /// (game, player) pairs whose closed DMs were already announced.
    closed_noticed: Mutex<HashSet<(GameId, UserId)>>,
}

impl Sender {
    /// A sender on `http`.
    pub fn new(http: Arc<Client>) -> Self {
        Self {
            inner: Arc::new(Inner {
                http,
                application_id: Mutex::new(None),
                dm_channels: Mutex::new(HashMap::new()),
                closed_noticed: Mutex::new(HashSet::new()),
            }),
        }
    }

    /// The HTTP client.
    pub fn http(&self) -> &Arc<Client> {
        &self.inner.http
    }

    /// Sets the application id interaction responses are sent for.
    pub fn set_application_id(&self, id: Id<ApplicationMarker>) {
        if let Ok(mut slot) = self.inner.application_id.lock() {
            *slot = Some(id);
        }
    }

    fn application_id(&self) -> Option<Id<ApplicationMarker>> {
        self.inner.application_id.lock().ok().and_then(|id| *id)
    }

    /// The DM channel with `user`, opened on first use and cached.
    async fn dm_channel(&self, user: UserId) -> Result<ChannelId, Failure> {
        if let Some(channel) =
            self.inner.dm_channels.lock().ok().and_then(|m| m.get(&user).copied())
        {
            return Ok(channel);
        }
        let user_id =
            Id::new_checked(user.0).ok_or(Failure::Final(SendError::InvalidId("user")))?;
        let http = &self.inner.http;
        let response =
            with_retries("open DM channel", || http.create_private_channel(user_id).into_future())
                .await?;
        let channel = response.model().await.map_err(|e| {
            Failure::Final(SendError::GaveUp { attempts: 1, last: format!("DM channel: {e}") })
        })?;
        let channel = ChannelId(channel.id.get());
        if let Ok(mut map) = self.inner.dm_channels.lock() {
            map.insert(user, channel);
        }
        Ok(channel)
    }

    /// Delivers one message: every part, in order. Failures are logged here; the result says
    /// how it ended for callers that reply differently.
    pub async fn deliver(&self, delivery: Delivery) -> Result<Delivered, SendError> {
        let (channel, reply_to, recipient) = match delivery.target {
            Target::Channel(channel) => (Ok(channel), None, channel.0),
            Target::Reply { channel, message } => {
                (Ok(channel), Some((channel, message)), channel.0)
            }
            Target::Dm(user) => (self.dm_channel(user).await, None, user.0),
        };
        let result = match channel {
            Ok(channel) => self.post_parts(channel, reply_to, recipient, &delivery).await,
            Err(failure) => Err(failure),
        };
        match result {
            Ok(()) => Ok(Delivered::Sent),
            Err(Failure::DmsClosed) => {
                match (delivery.target, delivery.dm_fallback) {
                    (Target::Dm(user), Some(fallback)) => {
                        self.announce_closed_dms(user, fallback).await;
                    }
                    (target, _) => {
                        tracing::warn!(?target, "a DM was refused: the user's DMs are closed");
                    }
                }
                Ok(Delivered::DmsClosed)
            }
            Err(Failure::Final(error)) => {
                tracing::error!(
                    target_kind = ?delivery.target, error.message = %error,
                    "a message could not be delivered"
                );
                Err(error)
            }
            Err(Failure::Transient(last)) => Err(SendError::GaveUp { attempts: 1, last }),
            // Only interaction callbacks are answered so; a message never is.
            Err(Failure::AlreadyAcknowledged) => Ok(Delivered::Sent),
        }
    }

    async fn post_parts(
        &self,
        channel: ChannelId,
        reply_to: Option<(ChannelId, u64)>,
        recipient: u64,
        delivery: &Delivery,
    ) -> Result<(), Failure> {
        let id = channel_id(channel).map_err(Failure::Final)?;
        let parts = delivery.message.clone().split();
        for (index, part) in parts.iter().enumerate() {
            let nonce = delivery.nonce.as_ref().map(|k| k.nonce(recipient, index));
            let reference = if index == 0 { reply_to } else { None };
            let body = message_body(part, nonce, &delivery.pings, reference);
            let bytes = serde_json::to_vec(&body).map_err(|e| Failure::Final(e.into()))?;
            let http = &self.inner.http;
            with_retries("create message", || {
                http.create_message(id).payload_json(&bytes).into_future()
            })
            .await?;
        }
        Ok(())
    }

    /// Tells the game's channel that `user` cannot be DMed, once per player per game.
    async fn announce_closed_dms(&self, user: UserId, fallback: DmFallback) {
        let first = self
            .inner
            .closed_noticed
            .lock()
            .map(|mut seen| seen.insert((fallback.game, user)))
            .unwrap_or(true);
        tracing::warn!(user.id = %user, game.id = %fallback.game, "a player's DMs are closed");
        if !first {
            return;
        }
        let notice = Delivery::new(Target::Channel(fallback.channel), dms_closed(user))
            .nonce(NonceKey::new(format!("dms-closed:{}", fallback.game), "dms-closed"))
            .pinging([user]);
        // A failure here is logged by `deliver`; there is nowhere else to say it.
        let _ = Box::pin(self.deliver(notice)).await;
    }

    /// Answers an interaction within Discord's 3 seconds: the first part as the response, any
    /// further parts as follow-ups.
    pub async fn respond(
        &self,
        interaction: Id<InteractionMarker>,
        token: &str,
        reply: InteractionReply,
    ) -> Result<(), SendError> {
        let parts = reply.message.split();
        let (first, rest) = parts.split_first().map_or((None, &[][..]), |(f, r)| (Some(f), r));
        let data = interaction_data(first, reply.ephemeral, &reply.pings)?;
        let response = InteractionResponse {
            kind: InteractionResponseType::ChannelMessageWithSource,
            data: Some(data),
        };
        let app = self.application_id().ok_or(SendError::InvalidId("application"))?;
        let http = &self.inner.http;
        let client = http.interaction(app);
        let sent = with_retries("interaction response", || {
            client.create_response(interaction, token, &response).into_future()
        })
        .await;
        acknowledged(sent)?;
        self.follow_up(token, rest, reply.ephemeral, &reply.pings).await
    }

    /// Acknowledges an interaction now and shows the answer later ([`Sender::finish_deferred`]),
    /// for work that may take longer than Discord's 3 seconds.
    pub async fn defer(
        &self,
        interaction: Id<InteractionMarker>,
        token: &str,
        ephemeral: bool,
    ) -> Result<(), SendError> {
        let data = InteractionResponseData {
            flags: ephemeral.then_some(MessageFlags::EPHEMERAL),
            ..Default::default()
        };
        let response = InteractionResponse {
            kind: InteractionResponseType::DeferredChannelMessageWithSource,
            data: Some(data),
        };
        let app = self.application_id().ok_or(SendError::InvalidId("application"))?;
        let client = self.inner.http.interaction(app);
        let sent = with_retries("interaction defer", || {
            client.create_response(interaction, token, &response).into_future()
        })
        .await;
        acknowledged(sent)
    }

    /// Shows the answer of a deferred interaction: edits the original response with the first
    /// part, then follows up with the rest.
    pub async fn finish_deferred(
        &self,
        token: &str,
        reply: InteractionReply,
    ) -> Result<(), SendError> {
        let parts = reply.message.split();
        let (first, rest) = parts.split_first().map_or((None, &[][..]), |(f, r)| (Some(f), r));
        let app = self.application_id().ok_or(SendError::InvalidId("application"))?;
        let client = self.inner.http.interaction(app);
        if let Some(first) = first {
            let embeds = embeds_of(first)?;
            let mentions = twilight_allowed_mentions(&reply.pings);
            with_retries("interaction edit", || {
                client
                    .update_response(token)
                    .content(Some(&first.content))
                    .embeds(Some(&embeds))
                    .allowed_mentions(Some(&mentions))
                    .into_future()
            })
            .await
            .map_err(failure_error)?;
        }
        self.follow_up(token, rest, reply.ephemeral, &reply.pings).await
    }

    async fn follow_up(
        &self,
        token: &str,
        parts: &[OutgoingMessage],
        ephemeral: bool,
        pings: &[UserId],
    ) -> Result<(), SendError> {
        let Some(app) = self.application_id() else {
            return Err(SendError::InvalidId("application"));
        };
        let client = self.inner.http.interaction(app);
        let mentions = twilight_allowed_mentions(pings);
        for part in parts {
            let embeds = embeds_of(part)?;
            with_retries("interaction follow-up", || {
                let mut request = client
                    .create_followup(token)
                    .content(&part.content)
                    .embeds(&embeds)
                    .allowed_mentions(Some(&mentions));
                if ephemeral {
                    request = request.flags(MessageFlags::EPHEMERAL);
                }
                request.into_future()
            })
            .await
            .map_err(failure_error)?;
        }
        Ok(())
    }
}

/// An interaction callback's outcome: Discord refusing a resend as already acknowledged means
/// an earlier attempt got through, so the response stands (and its follow-ups still go).
fn acknowledged<T>(sent: Result<T, Failure>) -> Result<(), SendError> {
    match sent {
        Ok(_) | Err(Failure::AlreadyAcknowledged) => Ok(()),
        Err(failure) => Err(failure_error(failure)),
    }
}

fn failure_error(failure: Failure) -> SendError {
    match failure {
        Failure::AlreadyAcknowledged => SendError::Refused {
            status: 400,
            message: "the interaction was already acknowledged".to_owned(),
        },
        Failure::Final(error) => error,
        Failure::Transient(last) => SendError::GaveUp { attempts: 1, last },
        Failure::DmsClosed => SendError::Refused {
            status: 403,
            message: "cannot send messages to this user".to_owned(),
        },
    }
}

fn embeds_of(part: &OutgoingMessage) -> Result<Vec<Embed>, SendError> {
    part.embeds
        .iter()
        .map(|e| serde_json::from_value::<Embed>(embed_with_kind(e)).map_err(SendError::from))
        .collect()
}

/// twilight's `Embed` requires the `type` Discord echoes back.
fn embed_with_kind(embed: &EmbedSpec) -> Value {
    let mut value = embed_json(embed);
    value["type"] = Value::from("rich");
    value
}

fn twilight_allowed_mentions(
    users: &[UserId],
) -> twilight_model::channel::message::AllowedMentions {
    twilight_model::channel::message::AllowedMentions {
        users: users.iter().filter_map(|u| Id::new_checked(u.0)).collect(),
        ..Default::default()
    }
}

fn interaction_data(
    part: Option<&OutgoingMessage>,
    ephemeral: bool,
    pings: &[UserId],
) -> Result<InteractionResponseData, SendError> {
    let mut data = InteractionResponseData {
        allowed_mentions: Some(twilight_allowed_mentions(pings)),
        flags: ephemeral.then_some(MessageFlags::EPHEMERAL),
        ..Default::default()
    };
    if let Some(part) = part {
        data.content = Some(part.content.clone());
        data.embeds = Some(embeds_of(part)?);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_fits_discords_limit_and_is_stable() {
        let key = NonceKey::new("0192f0e4-7b1c-7cc3-9a7e-1b2c3d4e5f60", "pair");
        let nonce = key.nonce(u64::MAX, 3);
        assert!(nonce.len() <= NONCE_MAX_LEN, "{nonce}");
        assert_eq!(nonce, key.nonce(u64::MAX, 3));
    }

    #[test]
    fn nonces_differ_by_recipient_slot_and_part() {
        let key = NonceKey::new("event-1", "pair");
        let base = key.nonce(7, 0);
        assert_ne!(base, key.nonce(8, 0));
        assert_ne!(base, key.nonce(7, 1));
        assert_ne!(base, NonceKey::new("event-1", "miss").nonce(7, 0));
        assert_ne!(base, NonceKey::new("event-2", "pair").nonce(7, 0));
    }

    #[test]
    fn retries_back_off_and_stay_bounded() {
        assert_eq!(retry_delay(2), FIRST_RETRY_DELAY);
        assert_eq!(retry_delay(3), FIRST_RETRY_DELAY * 2);
        assert_eq!(retry_delay(40), MAX_RETRY_DELAY);
    }

    #[test]
    fn a_message_body_enforces_its_nonce_and_pings_only_the_named_users() {
        let part = OutgoingMessage::text("hello <@5> and <@6>");
        let body = message_body(&part, Some("n1".into()), &[UserId(5)], Some((ChannelId(9), 77)));
        assert_eq!(body["nonce"], "n1");
        assert_eq!(body["enforce_nonce"], true);
        assert_eq!(body["allowed_mentions"]["parse"], json!([]));
        assert_eq!(body["allowed_mentions"]["users"], json!(["5"]));
        assert_eq!(body["message_reference"]["message_id"], "77");
        assert!(body.get("embeds").is_none());
    }

    #[test]
    fn embeds_become_discord_embeds() {
        let spec = EmbedSpec::new("Race lobby", 0x5865F2).field("Teams", "a & b", false);
        let embeds = embeds_of(&OutgoingMessage::text("x").with_embed(spec)).expect("valid");
        assert_eq!(embeds[0].title.as_deref(), Some("Race lobby"));
        assert_eq!(embeds[0].fields[0].value, "a & b");
    }
}

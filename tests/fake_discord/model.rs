//! Payload builders: the JSON shapes the fake Discord sends, written so twilight-model 0.18
//! deserializes them (every required field present, `+00:00` timestamps, string snowflakes).
//! Builders return `serde_json::Value`; [`frame`] turns one into a compact gateway frame whose
//! envelope keys come first, in Discord's order `t, s, op, d`.

use serde_json::{json, Value};

/// The Manage Server permission bit (`MANAGE_GUILD`, 1 << 5).
pub const MANAGE_GUILD: u64 = 1 << 5;
/// The Administrator permission bit (1 << 3).
pub const ADMINISTRATOR: u64 = 1 << 3;
/// What `@everyone` may do in every fake guild: view channels, send messages, embed links,
/// read history, mention, use application commands.
pub const EVERYONE_PERMISSIONS: u64 =
    (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 17) | (1 << 31);
/// The attachment size limit put into every interaction (25 MiB, Discord's default).
pub const ATTACHMENT_SIZE_LIMIT: u64 = 26_214_400;

/// Gateway intent bit GUILDS (1 << 0).
pub const INTENT_GUILDS: u64 = 1;
/// Gateway intent bit GUILD_MESSAGES (1 << 9).
pub const INTENT_GUILD_MESSAGES: u64 = 1 << 9;
/// Gateway intent bit DIRECT_MESSAGES (1 << 12).
pub const INTENT_DIRECT_MESSAGES: u64 = 1 << 12;
/// Gateway intent bit MESSAGE_CONTENT (1 << 15).
pub const INTENT_MESSAGE_CONTENT: u64 = 1 << 15;

/// The current time as Discord writes it: microseconds and a `+00:00` offset (twilight
/// rejects `Z`).
pub fn timestamp() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
}

/// A guild id that Discord's routing formula `(guild_id >> 22) % total` sends to `shard`;
/// `n` makes several distinct ids for the same shard.
pub fn guild_id_for_shard(shard: u64, total: u64, n: u64) -> u64 {
    (n * total + shard) << 22
}

/// The shard a guild's events go to: `(guild_id >> 22) % total`.
pub fn shard_for_guild(guild_id: u64, total: u64) -> u64 {
    (guild_id >> 22) % total.max(1)
}

/// A compact gateway frame with the envelope keys first (`t, s, op, d`), as twilight scans
/// the raw text for the first `"op":`, `"s":` and `"t":`.
pub fn frame(op: u8, seq: Option<u64>, event: Option<&str>, data: &Value) -> String {
    let t = event.map_or_else(|| "null".to_owned(), |e| Value::from(e).to_string());
    let s = seq.map_or_else(|| "null".to_owned(), |s| s.to_string());
    format!(r#"{{"t":{t},"s":{s},"op":{op},"d":{data}}}"#)
}

/// A user object; `bot` marks bot accounts.
pub fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": null,
        "bot": bot,
        "public_flags": 0,
    })
}

/// The bot's own user as `GET /users/@me` and READY describe it.
pub fn current_user(id: u64, name: &str) -> Value {
    json!({
        "id": id.to_string(),
        "username": name,
        "global_name": null,
        "discriminator": "0",
        "avatar": null,
        "banner": null,
        "accent_color": null,
        "bot": true,
        "mfa_enabled": false,
        "verified": true,
        "flags": 0,
        "public_flags": 0,
    })
}

/// A guild member without `permissions` (the MESSAGE_CREATE shape); pass `user` to embed it.
pub fn member(user: Option<Value>, roles: &[u64]) -> Value {
    let mut member = json!({
        "roles": roles.iter().map(u64::to_string).collect::<Vec<_>>(),
        "joined_at": "2025-01-01T00:00:00.000000+00:00",
        "premium_since": null,
        "nick": null,
        "avatar": null,
        "communication_disabled_until": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
    });
    if let Some(user) = user {
        member["user"] = user;
    }
    member
}

/// A role; `position` 0 is `@everyone`.
pub fn role(id: u64, name: &str, permissions: u64, position: i64) -> Value {
    json!({
        "id": id.to_string(),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": permissions.to_string(),
        "managed": false,
        "mentionable": false,
        "flags": 0,
    })
}

/// A guild text channel.
pub fn text_channel(id: u64, guild_id: u64, name: &str, position: i32) -> Value {
    json!({
        "id": id.to_string(),
        "type": 0,
        "guild_id": guild_id.to_string(),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "nsfw": false,
        "topic": null,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "parent_id": null,
        "flags": 0,
    })
}

/// A DM channel with one recipient (the `POST /users/@me/channels` answer).
pub fn dm_channel(id: u64, recipient: Value) -> Value {
    json!({
        "id": id.to_string(),
        "type": 1,
        "last_message_id": null,
        "flags": 0,
        "recipients": [recipient],
    })
}

/// The data of a GUILD_CREATE for an available guild: roles, channels, owner and members.
pub fn guild(
    id: u64,
    name: &str,
    owner_id: u64,
    roles: Vec<Value>,
    channels: Vec<Value>,
    members: Vec<Value>,
) -> Value {
    let member_count = members.len();
    let mut guild = json!({
        "id": id.to_string(),
        "name": name,
        "icon": null,
        "splash": null,
        "discovery_splash": null,
        "banner": null,
        "description": null,
        "owner_id": owner_id.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "application_id": null,
        "widget_enabled": false,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "features": [],
        "emojis": [],
        "stickers": [],
        "mfa_level": 0,
        "nsfw_level": 0,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "public_updates_channel_id": null,
        "safety_alerts_channel_id": null,
        "vanity_url_code": null,
    });
    let rest = json!({
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": false,
        "preferred_locale": "en-US",
        "max_video_channel_users": 25,
        "roles": roles,
        "channels": channels,
        "threads": [],
        "members": members,
        "member_count": member_count,
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "joined_at": "2025-01-01T00:00:00.000000+00:00",
        "large": false,
        "unavailable": false,
    });
    if let (Some(guild), Value::Object(rest)) = (guild.as_object_mut(), rest) {
        guild.extend(rest);
    }
    guild
}

/// The data of READY: the bot user, the shard's guilds as unavailable stubs, the session id,
/// where to resume, and the application.
pub fn ready(
    bot: Value,
    guild_ids: &[u64],
    session_id: &str,
    resume_gateway_url: &str,
    shard: [u32; 2],
    application_id: u64,
) -> Value {
    json!({
        "v": 10,
        "user": bot,
        "guilds": guild_ids
            .iter()
            .map(|id| json!({"id": id.to_string(), "unavailable": true}))
            .collect::<Vec<_>>(),
        "session_id": session_id,
        "resume_gateway_url": resume_gateway_url,
        "shard": shard,
        "application": {"id": application_id.to_string(), "flags": 0},
    })
}

/// Everything a message needs besides its text: where it is and who wrote it.
#[derive(Clone, Debug)]
pub struct MessageParts {
    /// The message id.
    pub id: u64,
    /// The channel it is in.
    pub channel_id: u64,
    /// The guild, or `None` for a DM.
    pub guild_id: Option<u64>,
    /// The author's user object.
    pub author: Value,
    /// The author's member object (guild messages), without `user`.
    pub member: Option<Value>,
    /// The text.
    pub content: String,
    /// User objects for every `<@id>` in the text.
    pub mentions: Vec<Value>,
}

/// A message object (MESSAGE_CREATE data, or a REST answer). Guild messages carry
/// `guild_id` and `member`; DMs carry neither.
pub fn message(parts: &MessageParts) -> Value {
    let mut message = json!({
        "id": parts.id.to_string(),
        "channel_id": parts.channel_id.to_string(),
        "author": parts.author,
        "content": parts.content,
        "timestamp": timestamp(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": parts.mentions,
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
        "components": [],
    });
    if let Some(guild_id) = parts.guild_id {
        message["guild_id"] = Value::from(guild_id.to_string());
    }
    if let Some(member) = &parts.member {
        message["member"] = member.clone();
    }
    message
}

/// The user ids written as `<@id>` or `<@!id>` in a text, in order of appearance.
pub fn mentioned_ids(text: &str) -> Vec<u64> {
    let mut ids = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("<@") {
        rest = &rest[start + 2..];
        let digits = rest.strip_prefix('!').unwrap_or(rest);
        let end = digits.find('>').unwrap_or(0);
        if end > 0 {
            if let Ok(id) = digits[..end].parse::<u64>() {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    ids
}

/// A stable id for a registered command, derived from its name.
pub fn command_id(name: &str) -> u64 {
    let hash = name
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    4_300_000_000_000_000 + hash % 1_000_000_000_000
}

/// A string option for a slash command.
pub fn opt_str(name: &str, value: &str) -> Value {
    json!({"name": name, "type": 3, "value": value})
}

/// An integer option for a slash command.
pub fn opt_int(name: &str, value: i64) -> Value {
    json!({"name": name, "type": 4, "value": value})
}

/// A user option for a slash command (the fake adds the user to `data.resolved.users`).
pub fn opt_user(name: &str, user_id: u64) -> Value {
    json!({"name": name, "type": 6, "value": user_id.to_string()})
}

/// A subcommand option wrapping its own options.
pub fn opt_subcommand(name: &str, options: Vec<Value>) -> Value {
    json!({"name": name, "type": 1, "options": options})
}

/// Where a slash command is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// In a guild text channel.
    Guild {
        /// The guild.
        guild: u64,
        /// The channel.
        channel: u64,
    },
    /// In the user's DM with the bot.
    Dm,
}

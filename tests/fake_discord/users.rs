//! Scripted users: people the tests play. A scripted user writes in guild channels and in
//! its DM with the bot (MESSAGE_CREATE), uses slash commands (INTERACTION_CREATE), and reads
//! what the bot sent to it: DMs and interaction responses.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::model::{self, MessageParts, Place};
use super::{FakeDiscord, GuildSpec, InteractionInfo, InteractionReply, SentMessage, WaitTimeout};

/// A slash command a scripted user sent; use its id to find the bot's answer.
#[derive(Clone, Debug)]
pub struct SlashInteraction {
    /// The interaction id.
    pub id: u64,
    /// The interaction token.
    pub token: String,
}

/// A user the test controls. Cheap to clone.
#[derive(Clone)]
pub struct ScriptedUser {
    fake: FakeDiscord,
    id: u64,
}

impl ScriptedUser {
    pub(crate) fn new(fake: FakeDiscord, id: u64) -> Self {
        Self { fake, id }
    }

    /// The user id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The user name.
    pub fn name(&self) -> String {
        self.fake.shared.read(|s| s.users.get(&self.id).map(|u| u.name.clone()).unwrap_or_default())
    }

    /// How the user is mentioned: `<@id>`.
    pub fn mention(&self) -> String {
        format!("<@{}>", self.id)
    }

    /// The DM channel between the bot and this user (created on first use).
    pub fn dm_channel(&self) -> u64 {
        self.fake.shared.update(|s| s.dm_channel(self.id))
    }

    /// Writes `text` in a guild channel: a MESSAGE_CREATE with `guild_id`, the user's member
    /// (roles: the managers role if granted) and a `mentions` entry for every `<@id>`. An
    /// unknown guild or channel is registered (owned by user 1). Returns the message id.
    pub fn say_in_guild(&self, guild_id: u64, channel_id: u64, text: &str) -> u64 {
        self.fake.shared.update(|s| {
            if s.ensure_guild(GuildSpec::new(guild_id, 1, &[channel_id])) {
                if let Some(data) = s.guild_create(guild_id) {
                    s.dispatch_to_live("GUILD_CREATE", data);
                }
            }
            let id = s.next_id();
            let mentions = model::mentioned_ids(text)
                .into_iter()
                .map(|u| {
                    let mut user = s.user_json(u);
                    user["member"] = model::member(None, &s.roles_of(guild_id, u));
                    user
                })
                .collect();
            let data = model::message(&MessageParts {
                id,
                channel_id,
                guild_id: Some(guild_id),
                author: s.user_json(self.id),
                member: Some(model::member(None, &s.roles_of(guild_id, self.id))),
                content: text.to_owned(),
                mentions,
            });
            s.dispatch("MESSAGE_CREATE", data);
            id
        })
    }

    /// Writes `text` in the user's DM with the bot: a MESSAGE_CREATE without `guild_id`,
    /// delivered to shard 0. Returns the message id.
    pub fn say_in_dm(&self, text: &str) -> u64 {
        self.fake.shared.update(|s| {
            let channel_id = s.dm_channel(self.id);
            let id = s.next_id();
            let mentions = model::mentioned_ids(text).into_iter().map(|u| s.user_json(u)).collect();
            let mut data = model::message(&MessageParts {
                id,
                channel_id,
                guild_id: None,
                author: s.user_json(self.id),
                member: None,
                content: text.to_owned(),
                mentions,
            });
            data["channel_type"] = Value::from(1);
            s.dispatch("MESSAGE_CREATE", data);
            id
        })
    }

    /// Uses a chat-input slash command: an INTERACTION_CREATE (type 2) with `options` (build
    /// them with `model::opt_*`), a token, `attachment_size_limit`, and in a guild the member
    /// with `permissions` as a string bitfield (in a DM: `user`, delivered to shard 0).
    pub fn slash(&self, place: Place, name: &str, options: Vec<Value>) -> SlashInteraction {
        self.fake.shared.update(|s| {
            let id = s.next_id();
            let token = format!("fake-interaction-token-{id}");
            let application_id = s.config.application_id;
            let mut resolved_users = serde_json::Map::new();
            collect_users(&options, &mut |user_id| {
                resolved_users.insert(user_id.to_string(), s.user_json(user_id));
            });
            let mut data = json!({
                "id": model::command_id(name).to_string(),
                "name": name,
                "type": 1,
                "options": options,
            });
            if !resolved_users.is_empty() {
                data["resolved"] = json!({"users": resolved_users});
            }
            let mut interaction = json!({
                "id": id.to_string(),
                "application_id": application_id.to_string(),
                "type": 2,
                "token": token,
                "version": 1,
                "data": data,
                "locale": "en-US",
                "entitlements": [],
                "attachment_size_limit": model::ATTACHMENT_SIZE_LIMIT,
                "app_permissions": model::EVERYONE_PERMISSIONS.to_string(),
            });
            let (channel_id, guild_id) = match place {
                Place::Guild { guild, channel } => {
                    if s.ensure_guild(GuildSpec::new(guild, 1, &[channel])) {
                        if let Some(data) = s.guild_create(guild) {
                            s.dispatch_to_live("GUILD_CREATE", data);
                        }
                    }
                    let mut member = model::member(Some(s.user_json(self.id)), &s.roles_of(guild, self.id));
                    member["permissions"] = Value::from(s.permissions_of(guild, self.id).to_string());
                    interaction["guild_id"] = Value::from(guild.to_string());
                    interaction["guild_locale"] = Value::from("en-US");
                    interaction["member"] = member;
                    interaction["context"] = Value::from(0);
                    interaction["authorizing_integration_owners"] = json!({"0": guild.to_string()});
                    interaction["channel"] = json!({"id": channel.to_string(), "type": 0, "guild_id": guild.to_string()});
                    (channel, Some(guild))
                }
                Place::Dm => {
                    let channel = s.dm_channel(self.id);
                    interaction["user"] = s.user_json(self.id);
                    interaction["context"] = Value::from(1);
                    interaction["authorizing_integration_owners"] = json!({});
                    interaction["channel"] = json!({"id": channel.to_string(), "type": 1});
                    (channel, None)
                }
            };
            interaction["channel_id"] = Value::from(channel_id.to_string());
            s.interactions.insert(
                id,
                InteractionInfo {
                    user_id: self.id,
                    token: token.clone(),
                    channel_id,
                    guild_id,
                    created: Instant::now(),
                },
            );
            s.dispatch("INTERACTION_CREATE", interaction);
            SlashInteraction { id, token }
        })
    }

    /// Every message the bot created in this user's DM channel.
    pub fn dms(&self) -> Vec<SentMessage> {
        self.fake.shared.read(|s| {
            s.recorded
                .messages
                .iter()
                .filter(|m| m.dm_recipient == Some(self.id))
                .cloned()
                .collect()
        })
    }

    /// Waits for a DM to this user that matches `predicate` (DMs already sent count too).
    pub async fn wait_for_dm(
        &self,
        predicate: impl Fn(&SentMessage) -> bool,
        timeout: Duration,
    ) -> Result<SentMessage, WaitTimeout> {
        let id = self.id;
        self.fake
            .wait_for(&format!("a matching DM to user {id}"), timeout, |r| {
                r.messages.iter().find(|m| m.dm_recipient == Some(id) && predicate(m)).cloned()
            })
            .await
    }

    /// Every interaction callback the bot made to this user's slash commands.
    pub fn interaction_responses(&self) -> Vec<InteractionReply> {
        self.fake.shared.read(|s| {
            s.recorded
                .interaction_responses
                .iter()
                .filter(|r| r.user_id == Some(self.id))
                .cloned()
                .collect()
        })
    }
}

/// Calls `found` for every user id in user-typed options (type 6), nested ones included.
fn collect_users(options: &[Value], found: &mut impl FnMut(u64)) {
    for option in options {
        if option["type"].as_u64() == Some(6) {
            if let Some(id) = option["value"].as_str().and_then(|v| v.parse().ok()) {
                found(id);
            }
        }
        if let Some(nested) = option["options"].as_array() {
            collect_users(nested, found);
        }
    }
}

//! Inbound routing: what the shards receive becomes service calls, and their outcomes become
//! replies. A guild message with the guild's prefix is a command answered as a Discord reply; a
//! DM is an answer, `give up` or `status` answered in the DM; a slash command is answered as its
//! interaction response within Discord's 3 seconds (deferred when the work runs long). Messages
//! from bots, webhooks and the bot itself are ignored. Every command, slash command and DM counts
//! against its author's [`RateLimiter`] before any engine work: the first one over the limit gets
//! one polite refusal, the rest no reply at all. The caches the routing needs (the bot's id,
//! guild prefixes, role permissions) are kept current from gateway events.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tracing::Instrument;
use twilight_gateway::Event;
use twilight_model::application::command::{Command, CommandType};
use twilight_model::application::interaction::application_command::{
    CommandData, CommandOptionValue,
};
use twilight_model::application::interaction::{
    Interaction, InteractionContextType, InteractionData, InteractionType,
};
use twilight_model::channel::Message;
use twilight_model::guild::Permissions;
use twilight_model::user::User;
use twilight_util::builder::command::{CommandBuilder, IntegerBuilder, StringBuilder, UserBuilder};

use super::commands::{parse_dm, parse_guild_message, BotCommand, DmCommand};
use super::permissions::PermissionCache;
use super::rate_limit::{Admission, RateLimiter, TOO_FAST};
use super::render::{
    answer_accepted, answer_rejected, channel_status, dm_status, error_reply, game_cancelled,
    game_started, help, history, invitation_sent, leaderboard, lobby_opened, no_game_here, no_team,
    player_stats, prefix_changed, replay, team_formed, team_joined, team_left, team_renamed,
    team_stats, OutgoingMessage,
};
use super::sender::{Delivery, InteractionReply, NonceKey, Sender, Target};
use super::slash::{parse_slash, slash_definitions, SlashCommand, SlashOptionKind, SlashValue};
use crate::domain::game::{GameEvent, Mode};
use crate::domain::guild::Prefix;
use crate::domain::{ChannelId, GuildId, UserId};
use crate::runtime::SharedClock;
use crate::service::{Caller, GameService, ServiceError, StatsReply};

/// How long a slash command may work before its response is deferred: Discord drops an
/// interaction not answered within 3 seconds, and the answer itself takes a request.
pub const DEFER_AFTER: Duration = Duration::from_millis(1_800);

/// A reply: its messages (several for a long replay) and whom it may ping.
#[derive(Clone, Debug, Default)]
struct Reply {
    messages: Vec<OutgoingMessage>,
    pings: Vec<UserId>,
    /// Whether it reports a refusal (ephemeral as a slash response).
    error: bool,
}

impl Reply {
    fn one(message: OutgoingMessage) -> Self {
        Self { messages: vec![message], pings: Vec::new(), error: false }
    }

    fn pinging(mut self, users: impl IntoIterator<Item = UserId>) -> Self {
        self.pings = users.into_iter().collect();
        self
    }

    fn error(error: &ServiceError) -> Self {
        Self { messages: vec![error_reply(error)], pings: Vec::new(), error: true }
    }

    fn none() -> Self {
        Self::default()
    }

    /// All messages as one (for an interaction response, which the sender splits again).
    fn joined(&self) -> OutgoingMessage {
        let mut joined = OutgoingMessage::default();
        for message in &self.messages {
            if !joined.content.is_empty() {
                joined.content.push('\n');
            }
            joined.content.push_str(&message.content);
            joined.embeds.extend(message.embeds.iter().cloned());
        }
        joined.embeds.truncate(10);
        joined
    }
}

/// The inbound router: the gateway's [`EventHandler`](super::gateway::EventHandler).
pub struct Inbound {
    service: GameService,
    sender: Sender,
    clock: SharedClock,
    permissions: PermissionCache,
    prefixes: Mutex<HashMap<GuildId, Prefix>>,
    bot: Mutex<Option<UserId>>,
    limiter: RateLimiter,
}

impl Inbound {
    /// A router calling `service` and replying through `sender`, without a rate limit.
    pub fn new(service: GameService, sender: Sender, clock: SharedClock) -> Self {
        Self {
            service,
            sender,
            clock,
            permissions: PermissionCache::new(),
            prefixes: Mutex::new(HashMap::new()),
            bot: Mutex::new(None),
            limiter: RateLimiter::unlimited(),
        }
    }

    /// The same router, holding every user to `limiter`.
    pub fn rate_limited(mut self, limiter: RateLimiter) -> Self {
        self.limiter = limiter;
        self
    }

    /// Counts one command or DM from `user` against the rate limit.
    fn admit(&self, user: UserId) -> Admission {
        let admission = self.limiter.check(user, Instant::now());
        match admission {
            Admission::Allowed => {}
            Admission::FirstRefusal => {
                tracing::info!(user.id = %user, "a user went over the rate limit; told once");
            }
            Admission::Refused => tracing::debug!(user.id = %user, "rate limited; dropped"),
        }
        admission
    }

    /// Sets the bot's own user id (also learnt from READY), so its own messages are ignored.
    pub fn set_bot_id(&self, id: UserId) {
        if let Ok(mut bot) = self.bot.lock() {
            *bot = Some(id);
        }
    }

    fn bot_id(&self) -> Option<UserId> {
        self.bot.lock().ok().and_then(|b| *b)
    }

    /// The guild's prefix: cached, or read from the guild's stream.
    async fn prefix(&self, guild: GuildId) -> Result<Prefix, ServiceError> {
        if let Some(prefix) = self.prefixes.lock().ok().and_then(|p| p.get(&guild).cloned()) {
            return Ok(prefix);
        }
        let prefix = self.service.prefix(guild).await?;
        if let Ok(mut prefixes) = self.prefixes.lock() {
            prefixes.insert(guild, prefix.clone());
        }
        Ok(prefix)
    }

    fn remember_prefix(&self, guild: GuildId, prefix: Prefix) {
        if let Ok(mut prefixes) = self.prefixes.lock() {
            prefixes.insert(guild, prefix);
        }
    }

    async fn on_message(&self, message: Message) {
        let ignored = message.author.bot
            || message.webhook_id.is_some()
            || Some(UserId(message.author.id.get())) == self.bot_id();
        if ignored {
            return;
        }
        match message.guild_id {
            Some(guild) => self.on_guild_message(GuildId(guild.get()), message).await,
            None => self.on_dm(message).await,
        }
    }

    async fn on_guild_message(&self, guild: GuildId, message: Message) {
        let prefix = match self.prefix(guild).await {
            Ok(prefix) => prefix,
            Err(error) => {
                tracing::warn!(guild.id = %guild, error.message = %error, "could not read the guild's prefix");
                return;
            }
        };
        let mentions: Vec<UserId> = message.mentions.iter().map(|m| UserId(m.id.get())).collect();
        let Some(parsed) = parse_guild_message(&prefix, &message.content, &mentions) else {
            return;
        };
        let user = UserId(message.author.id.get());
        let channel = ChannelId(message.channel_id.get());
        let source = format!("discord:message:{}", message.id);
        match self.admit(user) {
            Admission::Allowed => {}
            Admission::Refused => return,
            Admission::FirstRefusal => {
                let target = Target::Reply { channel, message: message.id.get() };
                let delivery = Delivery::new(target, error_reply(&TOO_FAST))
                    .nonce(NonceKey::new(&source, "reply"));
                let _ = self.sender.deliver(delivery).await;
                return;
            }
        }
        let roles: Vec<u64> = message
            .member
            .as_ref()
            .map(|m| m.roles.iter().map(|r| r.get()).collect())
            .unwrap_or_default();
        let has_manage_guild =
            self.permissions.can_manage_guild(guild, user, &roles).unwrap_or(false);
        let nick = message.member.as_ref().and_then(|m| m.nick.clone());
        let caller =
            Caller::in_guild(guild, user, display_name(&message.author, nick), has_manage_guild);
        let reply = match parsed {
            Err(error) => {
                Reply { messages: vec![error_reply(&error)], pings: Vec::new(), error: true }
            }
            Ok(command) => {
                let span = tracing::info_span!("command", command.kind = command.kind(), guild.id = %guild);
                let partner_name = |id: UserId| {
                    message
                        .mentions
                        .iter()
                        .find(|m| m.id.get() == id.0)
                        .map(|m| {
                            let nick = m.member.as_ref().and_then(|p| p.nick.clone());
                            nick.unwrap_or_else(|| m.name.clone())
                        })
                        .unwrap_or_else(|| format!("player {id}"))
                };
                self.run_guild_command(&caller, channel, &prefix, command, &partner_name, &source)
                    .instrument(span)
                    .await
            }
        };
        for (index, part) in reply.messages.into_iter().enumerate() {
            let target = if index == 0 {
                Target::Reply { channel, message: message.id.get() }
            } else {
                Target::Channel(channel)
            };
            let slot = REPLY_SLOTS.get(index).copied().unwrap_or("reply-more");
            let delivery = Delivery::new(target, part)
                .nonce(NonceKey::new(&source, slot))
                .pinging(reply.pings.iter().copied());
            let _ = self.sender.deliver(delivery).await;
        }
    }

    /// Runs one guild command and renders its reply.
    async fn run_guild_command(
        &self,
        caller: &Caller,
        channel: ChannelId,
        prefix: &Prefix,
        command: BotCommand,
        partner_name: &(dyn Fn(UserId) -> String + Sync),
        source: &str,
    ) -> Reply {
        let result =
            self.guild_command(caller, channel, prefix, command, partner_name, source).await;
        result.unwrap_or_else(|error| Reply::error(&error))
    }

    async fn guild_command(
        &self,
        caller: &Caller,
        channel: ChannelId,
        prefix: &Prefix,
        command: BotCommand,
        partner_name: &(dyn Fn(UserId) -> String + Sync),
        source: &str,
    ) -> Result<Reply, ServiceError> {
        let service = &self.service;
        let user = caller.user;
        let guild = caller.require_guild()?;
        Ok(match command {
            BotCommand::Team { partner, name } => {
                let outcome =
                    service.invite(caller, (partner, partner_name(partner)), name, source).await?;
                let name = outcome.name.as_ref().map(|n| n.as_str().to_owned());
                Reply::one(invitation_sent(user, partner, name.as_deref(), prefix))
                    .pinging([partner])
            }
            BotCommand::Ok => {
                let outcome = service.accept(caller, source).await?;
                let members = [outcome.members[0].user, outcome.members[1].user];
                Reply::one(team_formed(members, outcome.name.as_str())).pinging(members)
            }
            BotCommand::Rename { name } => {
                let outcome = service.rename(caller, name, source).await?;
                Reply::one(team_renamed(outcome.old_name.as_str(), outcome.new_name.as_str()))
            }
            BotCommand::Play { options } => {
                let outcome = service.open_game(caller, channel, options, source).await?;
                let now = self.clock.now();
                if outcome.game.mode() == Some(Mode::TwoPlayer) {
                    Reply::one(game_started(&outcome.game, now))
                } else {
                    Reply::one(lobby_opened(&outcome.game, prefix))
                }
            }
            BotCommand::Join => {
                let outcome = service.join(caller, channel, source).await?;
                let name = outcome.game.team_of(user).map(|t| t.name.clone()).unwrap_or_default();
                Reply::one(team_joined(&outcome.game, &name))
            }
            BotCommand::Leave => {
                let before = service.channel_status(guild, channel).await?;
                let name = before
                    .as_ref()
                    .and_then(|g| g.team_of(user).map(|t| t.name.clone()))
                    .unwrap_or_default();
                let outcome = service.leave(caller, channel, source).await?;
                Reply::one(team_left(&outcome.game, &name))
            }
            BotCommand::Start => {
                let outcome = service.start(caller, channel, source).await?;
                Reply::one(game_started(&outcome.game, self.clock.now()))
            }
            BotCommand::Cancel => {
                let outcome = service.cancel(caller, channel, source).await?;
                let mode = outcome.game.mode().unwrap_or(Mode::Race);
                let by = outcome
                    .events
                    .iter()
                    .find_map(|e| match e {
                        GameEvent::GameCancelled { by, .. } => Some(*by),
                        _ => None,
                    })
                    .unwrap_or(user);
                Reply::one(game_cancelled(mode, by))
            }
            BotCommand::Status => match service.channel_status(guild, channel).await? {
                Some(game) => Reply::one(channel_status(&game, self.clock.now())),
                None => Reply::one(no_game_here(prefix)),
            },
            BotCommand::Stats { target } => match service.stats(guild, user, &target).await? {
                StatsReply::Player(view) => Reply::one(player_stats(&view)),
                StatsReply::Team(view) => Reply::one(team_stats(&view)),
                StatsReply::NoTeam(player) => Reply::one(no_team(player)),
            },
            BotCommand::Leaderboard { kind, period } => {
                Reply::one(leaderboard(&service.leaderboard(guild, kind, period).await?))
            }
            BotCommand::History { player } => {
                Reply::one(history(&service.history(guild, Some(player.unwrap_or(user))).await?))
            }
            BotCommand::Replay { target } => {
                let story = service.replay(guild, &target).await?;
                Reply { messages: replay(&story), pings: Vec::new(), error: false }
            }
            BotCommand::Prefix { new } => {
                let outcome = service.change_prefix(caller, new, source).await?;
                self.remember_prefix(guild, outcome.prefix.clone());
                Reply::one(prefix_changed(&outcome.prefix))
            }
            BotCommand::Help => Reply::one(help(prefix)),
        })
    }

    async fn on_dm(&self, message: Message) {
        let user = UserId(message.author.id.get());
        let source = format!("discord:message:{}", message.id);
        let reply = match self.admit(user) {
            Admission::Allowed => self.dm_command(user, parse_dm(&message.content), &source).await,
            Admission::FirstRefusal => Reply::one(answer_rejected(&TOO_FAST)),
            Admission::Refused => return,
        };
        for (index, part) in reply.messages.into_iter().enumerate() {
            let slot = REPLY_SLOTS.get(index).copied().unwrap_or("reply-more");
            let delivery =
                Delivery::new(Target::Dm(user), part).nonce(NonceKey::new(&source, slot));
            let _ = self.sender.deliver(delivery).await;
        }
    }

    /// Runs a DM command. A completed pair gets no reply here: the notifier's `Match!` or miss
    /// DM is the reply, sent to both players.
    async fn dm_command(&self, user: UserId, command: DmCommand, source: &str) -> Reply {
        let span = tracing::info_span!("dm", user.id = %user);
        async {
            match command {
                DmCommand::Answer(raw) => match self.service.answer(user, &raw, source).await {
                    Ok(outcome) => outcome
                        .events
                        .iter()
                        .find_map(|e| match e {
                            GameEvent::AnswerAccepted { word, .. } => {
                                Some(Reply::one(answer_accepted(word)))
                            }
                            _ => None,
                        })
                        .unwrap_or_else(Reply::none),
                    Err(error) => rejected(&error),
                },
                DmCommand::GiveUp => match self.service.give_up(user, source).await {
                    Ok(_) => Reply::none(),
                    Err(error) => rejected(&error),
                },
                DmCommand::Status => match self.service.dm_status(user).await {
                    Ok(game) => Reply::one(dm_status(
                        game.as_ref().map(|p| &p.game),
                        user,
                        self.clock.now(),
                    )),
                    Err(error) => rejected(&error),
                },
            }
        }
        .instrument(span)
        .await
    }

    async fn on_interaction(&self, interaction: Interaction) {
        if interaction.kind != InteractionType::ApplicationCommand {
            return;
        }
        let Some(InteractionData::ApplicationCommand(data)) = interaction.data.as_ref() else {
            return;
        };
        let span = tracing::info_span!(
            parent: None, "interaction", interaction.id = %interaction.id, command.kind = %data.name
        );
        self.answer_interaction(&interaction, data).instrument(span).await;
    }

    async fn answer_interaction(&self, interaction: &Interaction, data: &CommandData) {
        let Some(author) = interaction.author() else { return };
        let user = UserId(author.id.get());
        match self.admit(user) {
            Admission::Allowed => {}
            // Silence, as for messages: every answer to a flood would be one more request on the
            // interaction callbacks' single shared queue.
            Admission::Refused => return,
            Admission::FirstRefusal => {
                let answer = InteractionReply {
                    message: error_reply(&TOO_FAST),
                    ephemeral: true,
                    pings: Vec::new(),
                };
                if let Err(error) =
                    self.sender.respond(interaction.id, &interaction.token, answer).await
                {
                    tracing::warn!(error.message = %error, "could not answer an interaction");
                }
                return;
            }
        }
        let guild = interaction.guild_id.map(|g| GuildId(g.get()));
        let source = format!("discord:interaction:{}", interaction.id);
        let options = slash_options(data);
        let parsed = parse_slash(&data.name, &options);
        let guess_in_guild = guild.is_some() && matches!(parsed, Ok(SlashCommand::Dm(_)));
        let work = async {
            match parsed {
                Err(error) => {
                    Reply { messages: vec![error_reply(&error)], pings: Vec::new(), error: true }
                }
                Ok(SlashCommand::Dm(command)) => {
                    let reply = self.dm_command(user, command, &source).await;
                    if reply.messages.is_empty() {
                        // The pair resolved: the result comes by DM to both players.
                        Reply::one(OutgoingMessage::text(
                            "Answer received: the result is in your DMs.",
                        ))
                    } else {
                        reply
                    }
                }
                Ok(SlashCommand::Guild(command)) => {
                    let Some(guild) = guild else {
                        return Reply::error(&ServiceError::GuildOnly);
                    };
                    let prefix = match self.prefix(guild).await {
                        Ok(prefix) => prefix,
                        Err(error) => return Reply::error(&error),
                    };
                    let member = interaction.member.as_ref();
                    let has_manage_guild = member
                        .and_then(|m| m.permissions)
                        .is_some_and(|p| p.contains(Permissions::MANAGE_GUILD));
                    let nick = member.and_then(|m| m.nick.clone());
                    let caller =
                        Caller::in_guild(guild, user, display_name(author, nick), has_manage_guild);
                    let Some(channel) = interaction.channel.as_ref().map(|c| c.id) else {
                        return Reply::error(&ServiceError::GuildOnly);
                    };
                    let partner_name = |id: UserId| resolved_name(data, id);
                    self.run_guild_command(
                        &caller,
                        ChannelId(channel.get()),
                        &prefix,
                        command,
                        &partner_name,
                        &source,
                    )
                    .await
                }
            }
        };
        tokio::pin!(work);
        let early = tokio::time::timeout(DEFER_AFTER, &mut work).await;
        let (reply, deferred) = match early {
            Ok(reply) => (reply, false),
            Err(_) => {
                if let Err(error) =
                    self.sender.defer(interaction.id, &interaction.token, guess_in_guild).await
                {
                    tracing::warn!(error.message = %error, "could not defer an interaction");
                }
                (work.await, true)
            }
        };
        let ephemeral = reply.error || guess_in_guild;
        let message =
            if reply.messages.is_empty() { OutgoingMessage::text("Done.") } else { reply.joined() };
        let answer = InteractionReply { message, ephemeral, pings: reply.pings.clone() };
        let sent = if deferred {
            self.sender.finish_deferred(&interaction.token, answer).await
        } else {
            self.sender.respond(interaction.id, &interaction.token, answer).await
        };
        if let Err(error) = sent {
            tracing::warn!(error.message = %error, "could not answer an interaction");
        }
    }

    /// Follows the gateway events the caches depend on.
    fn observe_event(&self, event: &Event) {
        match event {
            Event::Ready(ready) => {
                self.set_bot_id(UserId(ready.user.id.get()));
                self.sender.set_application_id(ready.application.id);
            }
            Event::GuildCreate(guild) => {
                if let twilight_model::gateway::payload::incoming::GuildCreate::Available(guild) =
                    &**guild
                {
                    self.permissions.set_guild(
                        GuildId(guild.id.get()),
                        UserId(guild.owner_id.get()),
                        &guild.roles,
                    );
                }
            }
            Event::GuildUpdate(guild) => {
                let id = GuildId(guild.id.get());
                self.permissions.set_owner(id, UserId(guild.owner_id.get()));
                for role in &guild.roles {
                    self.permissions.upsert_role(id, role);
                }
            }
            Event::GuildDelete(guild) => self.permissions.forget_guild(GuildId(guild.id.get())),
            Event::RoleCreate(role) => {
                self.permissions.upsert_role(GuildId(role.guild_id.get()), &role.role);
            }
            Event::RoleUpdate(role) => {
                self.permissions.upsert_role(GuildId(role.guild_id.get()), &role.role);
            }
            Event::RoleDelete(role) => {
                self.permissions.remove_role(GuildId(role.guild_id.get()), role.role_id.get());
            }
            _ => {}
        }
    }
}

/// Nonce slots of a reply's parts.
const REPLY_SLOTS: [&str; 8] =
    ["reply", "reply-1", "reply-2", "reply-3", "reply-4", "reply-5", "reply-6", "reply-7"];

/// A refused DM command: `Invalid:` and the reason.
fn rejected(error: &ServiceError) -> Reply {
    Reply { messages: vec![answer_rejected(error)], pings: Vec::new(), error: true }
}

/// How a member is called: their server nickname, else their display name, else user name.
fn display_name(user: &User, nick: Option<String>) -> String {
    nick.or_else(|| user.global_name.clone()).unwrap_or_else(|| user.name.clone())
}

/// A user's name as the interaction resolved it.
fn resolved_name(data: &CommandData, id: UserId) -> String {
    let resolved = data.resolved.as_ref();
    let member_nick = resolved.and_then(|r| {
        r.members.iter().find(|(k, _)| k.get() == id.0).and_then(|(_, m)| m.nick.clone())
    });
    let user = resolved.and_then(|r| r.users.iter().find(|(k, _)| k.get() == id.0).map(|(_, u)| u));
    match (member_nick, user) {
        (Some(nick), _) => nick,
        (None, Some(user)) => display_name(user, None),
        (None, None) => format!("player {id}"),
    }
}

/// A slash command's options as the parser reads them.
fn slash_options(data: &CommandData) -> Vec<(String, SlashValue)> {
    data.options
        .iter()
        .filter_map(|option| {
            let value = match &option.value {
                CommandOptionValue::String(s) => SlashValue::String(s.clone()),
                CommandOptionValue::Integer(i) => SlashValue::Integer(*i),
                CommandOptionValue::User(u) => SlashValue::User(UserId(u.get())),
                _ => return None,
            };
            Some((option.name.clone(), value))
        })
        .collect()
}

/// The slash commands as Discord application commands, from [`slash_definitions`], each
/// checked against Discord's limits.
pub fn application_commands() -> Result<Vec<Command>, String> {
    slash_definitions()
        .into_iter()
        .map(|spec| {
            let contexts = if spec.dm_allowed {
                vec![InteractionContextType::Guild, InteractionContextType::BotDm]
            } else {
                vec![InteractionContextType::Guild]
            };
            let mut builder =
                CommandBuilder::new(spec.name, spec.description, CommandType::ChatInput)
                    .contexts(contexts);
            for option in spec.options {
                builder = match option.kind {
                    SlashOptionKind::String => {
                        let mut string = StringBuilder::new(option.name, option.description)
                            .required(option.required);
                        if !option.choices.is_empty() {
                            string = string.choices(option.choices.iter().map(|c| (*c, *c)));
                        }
                        builder.option(string)
                    }
                    SlashOptionKind::Integer => builder.option(
                        IntegerBuilder::new(option.name, option.description)
                            .required(option.required),
                    ),
                    SlashOptionKind::User => builder.option(
                        UserBuilder::new(option.name, option.description).required(option.required),
                    ),
                };
            }
            builder
                .validate()
                .map(CommandBuilder::build)
                .map_err(|e| format!("/{}: {e}", spec.name))
        })
        .collect()
}

#[async_trait]
impl super::gateway::EventHandler for Inbound {
    fn observe(&self, _shard: u32, event: &Event) {
        self.observe_event(event);
    }

    /// Messages and interactions are ordered by their author; other events need no work.
    fn order_key(&self, event: &Event) -> Option<u64> {
        match event {
            Event::MessageCreate(message) => Some(message.author.id.get()),
            Event::InteractionCreate(interaction) => interaction.author_id().map(|id| id.get()),
            _ => None,
        }
    }

    async fn handle(&self, _shard: u32, event: Event) {
        match event {
            Event::MessageCreate(message) => self.on_message(message.message).await,
            Event::InteractionCreate(interaction) => self.on_interaction((*interaction).0).await,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slash_definition_becomes_a_valid_application_command() {
        let commands = application_commands().expect("every command is valid");
        assert_eq!(commands.len(), slash_definitions().len());
        let guess = commands.iter().find(|c| c.name == "guess").expect("/guess");
        let contexts = guess.contexts.as_ref().expect("contexts");
        assert!(contexts.contains(&InteractionContextType::BotDm));
        let team = commands.iter().find(|c| c.name == "team").expect("/team");
        assert!(!team
            .contexts
            .as_ref()
            .expect("contexts")
            .contains(&InteractionContextType::BotDm));
    }
}

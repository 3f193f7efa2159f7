//! The end-to-end harness: a fake Discord, and the bot as `serve` starts it (same
//! `startup::start_bot`, real twilight clients over ws:// and http:// on 127.0.0.1) on a fresh
//! SQLite file or PostgreSQL database, with a fast clock. Helpers wait for what the bot sends
//! after a point, so earlier messages never satisfy a later expectation.
use std::collections::HashMap;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use gamebot::config::{Environment, Settings};
use gamebot::runtime::{FastClock, SharedClock};
use gamebot::startup::{connect_store, start_bot, RunningBot};

#[path = "../common/db.rs"]
mod db;

pub use db::{init_tracing, TestDb};

use crate::fake_discord::{
    FakeConfig, FakeDiscord, GuildSpec, Recorded, ScriptedUser, SentMessage,
};

/// Ann, Bob, Cid, Dee, Eve and Fay: the scripted players' ids.
pub const PLAYERS: [u64; 6] = [
    3_000_000_000_000_011,
    3_000_000_000_000_012,
    3_000_000_000_000_013,
    3_000_000_000_000_014,
    3_000_000_000_000_015,
    3_000_000_000_000_016,
];
/// Their names.
pub const NAMES: [&str; 6] = ["ann", "bob", "cid", "dee", "eve", "fay"];

/// How long any single expectation waits.
pub const WAIT: Duration = Duration::from_secs(10);

/// The guild most tests play in, its owner and its channel.
pub const GUILD: u64 = 1 << 22;
/// The owner of [`GUILD`] (has Manage Server).
pub const OWNER: u64 = 3_000_000_000_000_001;
/// The channel of [`GUILD`].
pub const CHANNEL: u64 = 5_000_000_000_000_001;
/// A second guild and its channel.
pub const GUILD_2: u64 = 2 << 22;
/// The channel of [`GUILD_2`].
pub const CHANNEL_2: u64 = 5_000_000_000_000_002;

/// Which database the bot runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A temp SQLite file.
    Sqlite,
    /// A fresh PostgreSQL database (skipped loudly when none is configured).
    Postgres,
}

/// How a test wants the world set up.
#[derive(Clone)]
pub struct Setup {
    /// The fake's configuration.
    pub fake: FakeConfig,
    /// The database.
    pub backend: Backend,
    /// How many game seconds pass per real second.
    pub speed: u32,
    /// Extra `GAMEBOT_` settings.
    pub vars: Vec<(String, String)>,
}

impl Setup {
    /// One guild ([`GUILD`], owned by [`OWNER`], channel [`CHANNEL`]) on SQLite, real-time
    /// clock, no identify delays.
    pub fn new() -> Self {
        Self {
            fake: FakeConfig {
                guilds: vec![
                    GuildSpec::new(GUILD, OWNER, &[CHANNEL]),
                    GuildSpec::new(GUILD_2, OWNER, &[CHANNEL_2]),
                ],
                heartbeat_interval: Duration::from_millis(500),
                max_concurrency: 0,
                ..FakeConfig::default()
            },
            backend: Backend::Sqlite,
            speed: 1,
            vars: Vec::new(),
        }
    }

    /// The same on another backend.
    pub fn backend(mut self, backend: Backend) -> Self {
        self.backend = backend;
        self
    }

    /// The same with a faster clock.
    pub fn speed(mut self, speed: u32) -> Self {
        self.speed = speed;
        self
    }

    /// The same with one more `GAMEBOT_` setting.
    pub fn var(mut self, key: &str, value: &str) -> Self {
        self.vars.push((key.to_owned(), value.to_owned()));
        self
    }
}

/// A running bot against a fake Discord.
pub struct World {
    /// The fake Discord.
    pub fake: FakeDiscord,
    /// The bot.
    pub bot: Option<RunningBot>,
    db: Option<TestDb>,
    settings: Settings,
    clock: SharedClock,
    vars: Vec<(String, String)>,
    /// How many shards the bot runs.
    shards: usize,
}

/// The settings `serve` would load with these variables (and no environment file).
pub fn settings_with(vars: &[(String, String)]) -> Settings {
    let vars: HashMap<String, String> = vars.iter().cloned().collect();
    Settings::load_from(Environment::Local, Path::new("/nonexistent-gamebot-config"), Some(vars))
        .expect("settings load")
}

impl World {
    /// Starts the fake and the bot; `None` when the backend is not available (skipped).
    pub async fn start(setup: Setup) -> Option<World> {
        let mut world = Self::without_bot(setup).await?;
        world.start_bot().await;
        Some(world)
    }

    /// Starts the fake and makes the database, but no bot (a test runs `gamebot serve` itself
    /// with [`World::vars`]).
    pub async fn without_bot(setup: Setup) -> Option<World> {
        let db = match setup.backend {
            Backend::Sqlite => TestDb::sqlite(),
            Backend::Postgres => TestDb::postgres().await?,
        };
        let url = db.url.clone();
        let fake = FakeDiscord::start_with(setup.fake.clone()).await;
        let mut vars = vec![
            ("GAMEBOT_DATABASE__URL".to_owned(), url),
            ("GAMEBOT_DISCORD__TOKEN".to_owned(), fake.token()),
            ("GAMEBOT_DISCORD__GATEWAY_URL".to_owned(), fake.gateway_url()),
            ("GAMEBOT_DISCORD__API_URL".to_owned(), fake.api_url()),
            ("GAMEBOT_HEALTH__INTERVAL_SECONDS".to_owned(), "1".to_owned()),
        ];
        vars.extend(setup.vars.iter().cloned());
        let settings = settings_with(&vars);
        let clock: SharedClock = Arc::new(FastClock::new(Utc::now(), setup.speed));
        let shards = settings.discord.shards.unwrap_or(setup.fake.shards).max(1) as usize;
        Some(World { fake, bot: None, db: Some(db), settings, clock, vars, shards })
    }

    /// The `GAMEBOT_` variables the bot runs with (database, token, endpoints).
    pub fn vars(&self) -> &[(String, String)] {
        &self.vars
    }

    /// Starts (or restarts) the bot on the same database.
    pub async fn start_bot(&mut self) {
        let (store, _) = connect_store(&self.settings).await.expect("the store opens");
        let bot =
            start_bot(store, &self.settings, self.clock.clone()).await.expect("the bot starts");
        self.fake.wait_until_ready(self.shards, WAIT).await.expect("the shards get ready");
        self.bot = Some(bot);
    }

    /// Stops the bot (as Ctrl-C would).
    pub async fn stop_bot(&mut self) {
        if let Some(bot) = self.bot.take() {
            bot.shutdown().await;
        }
    }

    /// Stops everything and drops the database.
    pub async fn finish(mut self) {
        self.stop_bot().await;
        if let Some(db) = self.db.take() {
            db.drop_database().await;
        }
    }

    /// A scripted user.
    pub fn user(&self, id: u64, name: &str) -> ScriptedUser {
        self.fake.user(id, name)
    }

    /// The six scripted players: ann, bob, cid, dee, eve, fay.
    pub fn players(&self) -> Vec<ScriptedUser> {
        PLAYERS.iter().zip(NAMES).map(|(id, name)| self.fake.user(*id, name)).collect()
    }

    /// How many messages the bot has created so far (a mark for [`World::next_message`]).
    pub fn mark(&self) -> usize {
        self.fake.recorded().messages.len()
    }

    /// The first message created after `mark` that matches `pick`.
    pub async fn next_message(
        &self,
        mark: usize,
        what: &str,
        pick: impl Fn(&SentMessage) -> bool,
    ) -> SentMessage {
        self.fake
            .wait_for(what, WAIT, |r| r.messages.iter().skip(mark).find(|m| pick(m)).cloned())
            .await
            .unwrap_or_else(|e| panic!("{e}\nsent so far:\n{}", self.transcript()))
    }

    /// The bot's reply to the guild message `message_id`.
    pub async fn reply_to(&self, message_id: u64) -> SentMessage {
        let id = message_id.to_string();
        self.fake
            .wait_for(&format!("the reply to message {message_id}"), WAIT, |r| {
                r.messages
                    .iter()
                    .find(|m| {
                        m.message_reference.as_ref().and_then(|r| r["message_id"].as_str())
                            == Some(id.as_str())
                    })
                    .cloned()
            })
            .await
            .unwrap_or_else(|e| panic!("{e}\nsent so far:\n{}", self.transcript()))
    }

    /// `user` writes `text` in `channel` of `guild`; returns the bot's reply.
    pub async fn command_in(
        &self,
        user: &ScriptedUser,
        guild: u64,
        channel: u64,
        text: &str,
    ) -> SentMessage {
        let id = user.say_in_guild(guild, channel, text);
        self.reply_to(id).await
    }

    /// `user` writes `text` in the main channel; returns the bot's reply.
    pub async fn command(&self, user: &ScriptedUser, text: &str) -> SentMessage {
        self.command_in(user, GUILD, CHANNEL, text).await
    }

    /// The first DM to `user` after `mark` whose content matches `pick`.
    pub async fn dm_after(
        &self,
        user: &ScriptedUser,
        mark: usize,
        pick: impl Fn(&str) -> bool,
    ) -> SentMessage {
        let id = user.id();
        self.next_message(mark, &format!("a DM to user {id}"), |m| {
            m.dm_recipient == Some(id) && pick(&m.content)
        })
        .await
    }

    /// `user` DMs `text`; returns the first DM to them after it that matches `pick`.
    pub async fn dm(
        &self,
        user: &ScriptedUser,
        text: &str,
        pick: impl Fn(&str) -> bool,
    ) -> SentMessage {
        let mark = self.mark();
        user.say_in_dm(text);
        self.dm_after(user, mark, pick).await
    }

    /// Every word of every pair `user` was sent so far.
    pub fn pairs_seen_by(&self, user: &ScriptedUser) -> Vec<String> {
        self.fake
            .recorded()
            .messages
            .iter()
            .filter(|m| m.dm_recipient == Some(user.id()) && is_pair(&m.content))
            .flat_map(pair_of)
            .collect()
    }

    /// Every message the bot created, one line each, for failure messages.
    pub fn transcript(&self) -> String {
        self.fake
            .recorded()
            .messages
            .iter()
            .map(|m| {
                let to = match (m.dm_recipient, m.guild_id) {
                    (Some(user), _) => format!("DM {user}"),
                    (None, _) => format!("#{}", m.channel_id),
                };
                format!("  [{to}] {}", m.content.replace('\n', " / "))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The first line of a message.
pub fn first_line(message: &SentMessage) -> &str {
    message.content.lines().next().unwrap_or("")
}

/// The two words of a pair DM (`**word1** + **word2**` on the first line).
pub fn pair_of(message: &SentMessage) -> [String; 2] {
    let line = first_line(message);
    let words: Vec<String> = line.split(" + ").map(|w| w.trim_matches('*').to_owned()).collect();
    assert_eq!(words.len(), 2, "not a pair line: {line}");
    [words[0].clone(), words[1].clone()]
}

/// Whether a DM's first line is a pair line.
pub fn is_pair(content: &str) -> bool {
    let line = content.lines().next().unwrap_or("");
    line.starts_with("**") && line.contains("** + **")
}

/// Common words to answer with; [`answer_for`] picks one that is not in the pair.
pub const ANSWERS: [&str; 8] =
    ["lemon", "garden", "winter", "candle", "rocket", "pillow", "guitar", "forest"];

/// An answer word that is neither word of `pair` and not in `used`.
pub fn answer_for(pair: &[String; 2], used: &[&str]) -> &'static str {
    ANSWERS
        .iter()
        .find(|a| !pair.iter().any(|w| w == *a) && !used.contains(a))
        .copied()
        .expect("a free answer word")
}

/// `inviter` invites `invitee` under `name` in the main channel and `invitee` accepts.
pub async fn form_team(world: &World, inviter: &ScriptedUser, invitee: &ScriptedUser, name: &str) {
    form_team_in(world, GUILD, CHANNEL, inviter, invitee, name).await;
}

/// `inviter` invites `invitee` under `name` in `channel` of `guild` and `invitee` accepts.
pub async fn form_team_in(
    world: &World,
    guild: u64,
    channel: u64,
    inviter: &ScriptedUser,
    invitee: &ScriptedUser,
    name: &str,
) {
    let invite = world
        .command_in(inviter, guild, channel, &format!("wmteam {} {name}", invitee.mention()))
        .await;
    assert!(invite.mentions(invitee.id()), "the invitation names the invitee: {}", invite.content);
    let formed = world.command_in(invitee, guild, channel, "wmok").await;
    assert!(formed.content.contains(name), "team formed: {}", formed.content);
}

/// The pair `a` was dealt after `mark`.
pub async fn pair_after(world: &World, a: &ScriptedUser, mark: usize) -> [String; 2] {
    pair_of(&world.dm_after(a, mark, is_pair).await)
}

/// The team of `a` and `b` matches its current pair (one dealt after `mark`): `a` answers
/// (`Got it`), then `b` answers the same word (`Match!` to both). A word that turns out to be
/// refused (it is in a pair not seen yet) is skipped. Returns the word, also pushed onto `used`.
pub async fn play_match(
    world: &World,
    a: &ScriptedUser,
    b: &ScriptedUser,
    mark: usize,
    used: &mut Vec<&'static str>,
) -> &'static str {
    pair_after(world, a, mark).await;
    let mut skipped: Vec<&'static str> = Vec::new();
    let word = loop {
        let seen = world.pairs_seen_by(a);
        let word = ANSWERS
            .iter()
            .find(|w| !used.contains(w) && !skipped.contains(w) && !seen.iter().any(|s| s == *w))
            .copied()
            .expect("a free answer word");
        let reply =
            world.dm(a, word, |c| c.starts_with("Got it") || c.starts_with("Invalid:")).await;
        if reply.content.starts_with("Got it") {
            break word;
        }
        skipped.push(word);
    };
    used.push(word);
    let after = world.mark();
    b.say_in_dm(word);
    world.dm_after(a, after, |c| c.contains("Match!")).await;
    world.dm_after(b, after, |c| c.contains("Match!")).await;
    word
}

/// The team misses once on the pair dealt after `mark`: different answers, a miss DM and the
/// answers as the new pair. Returns the new pair.
pub async fn play_miss(
    world: &World,
    a: &ScriptedUser,
    b: &ScriptedUser,
    mark: usize,
    used: &mut Vec<&'static str>,
) -> [String; 2] {
    let pair = pair_after(world, a, mark).await;
    let first = answer_for(&pair, used);
    used.push(first);
    let second = answer_for(&pair, used);
    used.push(second);
    world.dm(a, first, |c| c.starts_with("Got it")).await;
    let after = world.mark();
    b.say_in_dm(second);
    let missed = world.dm_after(a, after, |c| c.starts_with("No match")).await;
    assert!(missed.content.contains(first) && missed.content.contains(second));
    let new_pair = pair_after(world, a, after).await;
    assert_eq!(new_pair, [first.to_owned(), second.to_owned()], "the answers are the new pair");
    // The round's dealt pair stays forbidden after the miss: later answers avoid it too.
    used.extend(ANSWERS.iter().filter(|w| pair.iter().any(|p| p == *w)));
    new_pair
}

/// The one `Game over` message in `channel` (waits for it), checked for its shape: first line
/// `Game over`, second `Winner: ...` or `No winner`, last `Replay: <name>`. Returns the lines.
pub async fn game_over_in(world: &World, channel: u64) -> Vec<String> {
    let over = world
        .next_message(0, "the Game over message", |m| {
            m.channel_id == channel && m.content.contains("Game over")
        })
        .await;
    let lines: Vec<String> = over.content.lines().map(str::to_owned).collect();
    assert!(lines[0].contains("Game over"), "{}", over.content);
    assert!(
        lines[1].starts_with("Winner: ") || lines[1] == "No winner",
        "second line: {}",
        over.content
    );
    assert!(lines.last().is_some_and(|l| l.starts_with("Replay: ")), "{}", over.content);
    lines
}

/// The replay name in a `Game over` message's lines.
pub fn replay_name(lines: &[String]) -> String {
    lines.last().and_then(|l| l.strip_prefix("Replay: ")).expect("a replay line").to_owned()
}

/// Fails when any message was created twice: the same content to the same place, sent twice
/// by the bot (resends Discord dropped by nonce are not messages).
pub fn assert_no_duplicates(world: &World) {
    let recorded = world.fake.recorded();
    let mut seen = std::collections::HashSet::new();
    for m in &recorded.messages {
        if let Some(nonce) = &m.nonce {
            assert!(seen.insert(nonce.clone()), "nonce {nonce} used twice: {}", m.content);
        }
    }
}

/// Waits for the `n`-th pair DM (from 0) to `user` after `mark`; returns the mark just before
/// it, for [`play_match`].
pub async fn nth_pair(world: &World, user: &ScriptedUser, mark: usize, n: usize) -> usize {
    let id = user.id();
    world
        .fake
        .wait_for(&format!("pair {n} of user {id}"), WAIT, |r| {
            r.messages
                .iter()
                .enumerate()
                .skip(mark)
                .filter(|(_, m)| m.dm_recipient == Some(id) && is_pair(&m.content))
                .nth(n)
                .map(|(index, _)| index)
        })
        .await
        .unwrap_or_else(|e| panic!("{e}\nsent so far:\n{}", world.transcript()))
}

/// Every message reached its place once: no nonce and no text accepted twice in one channel,
/// both players got the same `rounds` pairs, `rounds` `Match!` DMs each, Ann (who answers
/// first) `rounds` `Got it`, and the channel one `Game over`.
pub fn assert_every_message_once(
    world: &World,
    ann: &ScriptedUser,
    bob: &ScriptedUser,
    rounds: usize,
) {
    assert_no_duplicates(world);
    let recorded = world.fake.recorded();
    let mut seen = HashSet::new();
    for m in &recorded.messages {
        assert!(
            seen.insert((m.channel_id, m.content.clone())),
            "accepted twice in {}: {}\n{}",
            m.channel_id,
            m.content,
            world.transcript()
        );
    }
    let pairs = |user: u64| -> Vec<[String; 2]> {
        recorded
            .messages
            .iter()
            .filter(|m| m.dm_recipient == Some(user) && is_pair(&m.content))
            .map(pair_of)
            .collect()
    };
    let count = |user: u64, marker: &str| {
        recorded
            .messages
            .iter()
            .filter(|m| m.dm_recipient == Some(user) && m.content.starts_with(marker))
            .count()
    };
    let transcript = world.transcript();
    assert_eq!(pairs(ann.id()).len(), rounds, "Ann's pairs\n{transcript}");
    assert_eq!(pairs(ann.id()), pairs(bob.id()), "both got the same pairs\n{transcript}");
    assert_eq!(count(ann.id(), "Got it"), rounds, "{transcript}");
    assert_eq!(count(ann.id(), "Match!"), rounds, "{transcript}");
    assert_eq!(count(bob.id(), "Match!"), rounds, "{transcript}");
    let over = recorded
        .messages
        .iter()
        .filter(|m| m.channel_id == CHANNEL && m.content.contains("Game over"))
        .count();
    assert_eq!(over, 1, "{transcript}");
}

/// Waits until `check` holds on what the fake recorded; returns the time since `since`.
pub async fn time_until(
    world: &World,
    what: &str,
    since: Instant,
    check: impl Fn(&Recorded) -> bool,
) -> Duration {
    world
        .fake
        .wait_for(what, WAIT, |r| check(r).then_some(()))
        .await
        .unwrap_or_else(|e| panic!("{e}\nsent so far:\n{}", world.transcript()));
    since.elapsed()
}

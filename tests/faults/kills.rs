//! `gamebot serve` killed with SIGKILL at three random moments while 50 Two Player games are in
//! play against the fake Discord, restarted each time on the same database, until every game is
//! over. Nothing a player was told is lost, nothing happens twice, and the read models equal
//! their rebuild from the log.
//!
//! The players are scripted Discord users: each team's first player DMs a word and waits for
//! `Got it`, the partner DMs the same word and waits for `Match!`. A message the bot never took
//! (it died with it in hand, or it reached the dead session) gets no reply; the player sends it
//! again a few seconds after the bot is back. Games are the default five rounds; the seed of the
//! kill moments is printed and can be replayed with `GAMEBOT_KILL_SEED`.
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use gamebot::config::DatabaseSettings;
use gamebot::domain::game::{GameEvent, GuessResult};
use gamebot::domain::{ChannelId, TeamId, UserId};
use gamebot::projections::{projection_status, rebuild};
use gamebot::store::{EventStore, RecordedEvent, StreamId};
use rand::{Rng, SeedableRng};

use crate::fake_discord::{FakeDiscord, GuildSpec, ScriptedUser, SentMessage};
use crate::harness::{form_team_in, is_pair, pair_of, Backend, Setup, World, GUILD, OWNER};
use crate::read_models::read_model_rows;

/// Games played at once, one per channel.
const GAMES: usize = 50;
/// Rounds per game: few, so 50 games end in about a minute on a small machine.
const ROUNDS: u32 = 5;
/// The Two Player threshold the games are started with.
const THRESHOLD: f64 = 4.0;
/// Kills of the bot during play.
const KILLS: usize = 3;
/// How long a player waits for the bot's answer, counted from the later of sending and the
/// bot's last restart, before sending again.
const PATIENCE: Duration = Duration::from_secs(6);
/// The longest the whole play may take.
const PLAY_LIMIT: Duration = Duration::from_secs(300);
/// Words the players answer with; each team uses each at most once.
const WORDS: [&str; 40] = [
    "lemon", "garden", "winter", "candle", "rocket", "pillow", "guitar", "forest", "bridge",
    "castle", "dragon", "engine", "falcon", "hammer", "island", "jacket", "kitten", "ladder",
    "marble", "needle", "orange", "pepper", "rabbit", "saddle", "tunnel", "violin", "wallet",
    "yellow", "anchor", "basket", "cotton", "desert", "feather", "glove", "harbor", "jungle",
    "meadow", "pencil", "silver", "timber",
];

const FIRST_CHANNEL: u64 = 5_100_000_000_000_000;
const FIRST_PLAYER: u64 = 3_100_000_000_000_000;

/// The bot's process and its log, which collects every run's stderr.
struct Bot {
    child: Option<Child>,
    log: tempfile::NamedTempFile,
    vars: Vec<(String, String)>,
}

impl Bot {
    fn spawn(&mut self) {
        let log: File = OpenOptions::new().append(true).open(self.log.path()).expect("the log");
        let mut serve = Command::new(env!("CARGO_BIN_EXE_gamebot"));
        serve
            .arg("serve")
            .env("GAMEBOT_CONFIG_DIR", "/nonexistent-gamebot-config")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log);
        for (key, value) in &self.vars {
            serve.env(key, value);
        }
        self.child = Some(serve.spawn().expect("gamebot serve starts"));
    }

    /// SIGKILL, then reap the process.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL sent");
            child.wait().expect("the killed bot is reaped");
        }
    }

    /// Ctrl-C (SIGINT) and wait for a clean exit.
    async fn interrupt(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        let sent = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
        assert!(sent.is_ok_and(|s| s.success()), "SIGINT sent");
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = child.try_wait().expect("the bot can be waited on") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("serve did not stop after Ctrl-C\n{}", self.log_tail());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(status.success(), "serve exits cleanly after the kills: {status}");
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.log.path()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(60)..].join("\n")
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Whether the bot is running, and when it last became ready.
struct Liveness {
    up: bool,
    ready_at: Instant,
}

/// An answer the bot acknowledged: `Got it` (or `already answered`) to the first player, the
/// `Match!` or miss DM to the partner.
#[derive(Clone, Debug)]
struct Ack {
    game: usize,
    player: u64,
    word: String,
    at: Instant,
}

/// What every team's players share.
struct Table {
    fake: FakeDiscord,
    liveness: Mutex<Liveness>,
    acks: Mutex<Vec<Ack>>,
    resends: Mutex<usize>,
    /// Partner resends refused because the pair had resolved meanwhile.
    late: Mutex<usize>,
}

/// How a wait for the bot's answer ended.
enum Heard {
    Reply(SentMessage),
    Nothing,
}

impl Table {
    /// Waits for a message matching `pick` created after `mark`; gives up when the bot has been
    /// up for [`PATIENCE`] since both the send and its last restart.
    async fn hear(&self, mark: usize, sent: Instant, pick: impl Fn(&SentMessage) -> bool) -> Heard {
        loop {
            let found = self
                .fake
                .wait_for("a reply", Duration::from_millis(500), |r| {
                    r.messages.iter().skip(mark).find(|m| pick(m)).cloned()
                })
                .await;
            if let Ok(message) = found {
                return Heard::Reply(message);
            }
            let live = self.liveness.lock().expect("liveness");
            if live.up && Instant::now() > sent.max(live.ready_at) + PATIENCE {
                return Heard::Nothing;
            }
        }
    }

    fn mark(&self) -> usize {
        self.fake.inspect(|r| r.messages.len())
    }

    fn acknowledged(&self, game: usize, player: &ScriptedUser, word: &str) {
        let ack = Ack { game, player: player.id(), word: word.to_owned(), at: Instant::now() };
        self.acks.lock().expect("acks").push(ack);
    }

    fn resent(&self) {
        *self.resends.lock().expect("resends") += 1;
    }

    fn pair_dms(&self, user: &ScriptedUser) -> Vec<[String; 2]> {
        let id = user.id();
        self.fake.inspect(|r| {
            r.messages
                .iter()
                .filter(|m| m.dm_recipient == Some(id) && is_pair(&m.content))
                .map(pair_of)
                .collect()
        })
    }

    fn game_over(&self, channel: u64) -> Option<SentMessage> {
        self.fake.inspect(|r| {
            r.messages
                .iter()
                .find(|m| m.channel_id == channel && m.content.contains("Game over"))
                .cloned()
        })
    }
}

fn channel(game: usize) -> u64 {
    FIRST_CHANNEL + game as u64
}

fn team_name(game: usize) -> String {
    format!("Crew {game}")
}

/// One team plays its game to the end: answer the newest pair, wait for the next one.
async fn play(table: &Table, game: usize, a: &ScriptedUser, b: &ScriptedUser) {
    let mut used: Vec<&'static str> = Vec::new();
    let mut answered_pairs = 0;
    loop {
        if table.game_over(channel(game)).is_some() {
            return;
        }
        let pairs = table.pair_dms(a);
        if pairs.len() <= answered_pairs {
            // Wait for the next pair or the end.
            let _ = table
                .fake
                .wait_for("a new pair or the end", Duration::from_millis(500), |r| {
                    let pairs = r
                        .messages
                        .iter()
                        .filter(|m| m.dm_recipient == Some(a.id()) && is_pair(&m.content))
                        .count();
                    let over = r
                        .messages
                        .iter()
                        .any(|m| m.channel_id == channel(game) && m.content.contains("Game over"));
                    (pairs > answered_pairs || over).then_some(())
                })
                .await;
            continue;
        }
        answered_pairs = pairs.len();
        let shown = format!("{pairs:?}");
        let seen: HashSet<String> = pairs.into_iter().flatten().collect();
        let word = loop {
            let word = WORDS
                .iter()
                .find(|w| !used.contains(w) && !seen.contains(**w))
                .copied()
                .unwrap_or_else(|| {
                    panic!("channel {}: no answer word left; pairs shown: {shown}", channel(game))
                });
            used.push(word);
            if first_answer(table, game, a, word).await {
                break word;
            }
        };
        second_answer(table, game, b, word).await;
    }
}

/// The first player's answer until the bot says whether it took it; false when refused.
async fn first_answer(table: &Table, game: usize, a: &ScriptedUser, word: &str) -> bool {
    let id = a.id();
    loop {
        let mark = table.mark();
        let sent = Instant::now();
        a.say_in_dm(word);
        let heard = table
            .hear(mark, sent, |m| {
                m.dm_recipient == Some(id)
                    && (m.content.starts_with("Got it") || m.content.starts_with("Invalid:"))
            })
            .await;
        match heard {
            Heard::Reply(reply) if reply.content.starts_with("Got it") => {
                table.acknowledged(game, a, word);
                return true;
            }
            // The first send was taken though its reply was lost with the bot.
            Heard::Reply(reply) if reply.content.contains("already answered") => {
                table.acknowledged(game, a, word);
                return true;
            }
            Heard::Reply(_) => return false,
            Heard::Nothing => table.resent(),
        }
    }
}

/// The partner's answer until the pair resolves (`Match!` or a miss DM). Should a resend land
/// after the pair had resolved, it is an answer to the next pair, and acknowledged as such.
async fn second_answer(table: &Table, game: usize, b: &ScriptedUser, word: &str) {
    let id = b.id();
    loop {
        let mark = table.mark();
        let sent = Instant::now();
        b.say_in_dm(word);
        let heard = table
            .hear(mark, sent, |m| {
                m.dm_recipient == Some(id)
                    && (m.content.contains("Match!")
                        || m.content.starts_with("No match")
                        || m.content.starts_with("Got it")
                        || m.content.starts_with("Invalid:"))
            })
            .await;
        match heard {
            // A resend that came after the first send had resolved the pair: in the next round
            // the word is forbidden, after the last one the game is over. The first send's
            // `Match!` was late or lost; the final checks tell which.
            Heard::Reply(reply)
                if reply.content.contains("on your forbidden list")
                    || reply.content.contains("not in a game") =>
            {
                *table.late.lock().expect("late") += 1;
                table.acknowledged(game, b, word);
                return;
            }
            Heard::Reply(reply) if reply.content.starts_with("Invalid:") => {
                panic!("the partner's answer {word} was refused: {}", reply.content)
            }
            Heard::Reply(_) => {
                table.acknowledged(game, b, word);
                return;
            }
            Heard::Nothing => table.resent(),
        }
    }
}

/// What one kill cost: from SIGKILL to the restarted bot's READY, and to the first answer it
/// acknowledged.
#[derive(Debug)]
struct Recovery {
    at: Duration,
    /// Sends the fake dropped by nonce after this restart (the notifier redoing a batch).
    resent: usize,
    /// When the last of them came, after READY.
    resent_until: Option<Duration>,
    ready_after: Duration,
    first_ack_after: Option<Duration>,
    acks_before: usize,
}

/// Kills the bot when the acknowledged answers pass each threshold (plus up to half a second),
/// restarts it and waits for its READY.
async fn kill_at(
    table: &Table,
    bot: &Mutex<Bot>,
    thresholds: &[(usize, u64)],
) -> Vec<(Instant, Recovery)> {
    let mut recoveries = Vec::new();
    for (threshold, jitter_ms) in thresholds {
        loop {
            if table.acks.lock().expect("acks").len() >= *threshold {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(*jitter_ms)).await;
        let readies = count_readies(&table.fake);
        let acks_before = table.acks.lock().expect("acks").len();
        table.liveness.lock().expect("liveness").up = false;
        let killed = Instant::now();
        bot.lock().expect("bot").kill();
        bot.lock().expect("bot").spawn();
        let ready = table
            .fake
            .wait_for("the restarted bot's READY", Duration::from_secs(60), |r| {
                (r.dispatched.iter().filter(|d| d.event == "READY").count() > readies).then_some(())
            })
            .await;
        if let Err(error) = ready {
            panic!("{error}\n{}", bot.lock().expect("bot").log_tail());
        }
        let ready_after = killed.elapsed();
        {
            let mut live = table.liveness.lock().expect("liveness");
            live.up = true;
            live.ready_at = Instant::now();
        }
        recoveries.push((
            killed,
            Recovery {
                at: Duration::ZERO,
                resent: 0,
                resent_until: None,
                ready_after,
                first_ack_after: None,
                acks_before,
            },
        ));
    }
    recoveries
}

/// Samples, every 50 ms until every game is over, how many sends the fake has dropped by nonce
/// (the notifier's resends after a restart).
async fn sample_resends(fake: &FakeDiscord) -> Vec<(Instant, usize)> {
    let mut samples = Vec::new();
    loop {
        let (dropped, over) = fake.inspect(|r| {
            let over = r.messages.iter().filter(|m| m.content.contains("Game over")).count();
            (r.duplicate_nonces.len(), over)
        });
        if samples.last().is_none_or(|(_, last)| *last != dropped) {
            samples.push((Instant::now(), dropped));
        }
        if over >= GAMES {
            return samples;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn count_readies(fake: &FakeDiscord) -> usize {
    fake.inspect(|r| r.dispatched.iter().filter(|d| d.event == "READY").count())
}

/// A game stream's events, decoded.
struct GameLog {
    channel: u64,
    events: Vec<(RecordedEvent, GameEvent)>,
}

fn decode(event: &RecordedEvent) -> GameEvent {
    let tagged = serde_json::json!({ "type": event.event_type, "data": event.data });
    serde_json::from_value(tagged).unwrap_or_else(|e| panic!("{}: {e}", event.event_type))
}

/// Every event in the log, checked for duplicates: each event id once, each stream's versions
/// 1..n once each, and each source id's events one contiguous run (one append) per stream.
async fn whole_log(store: &dyn EventStore) -> Vec<RecordedEvent> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = store.read_all(after, 1_000).await.expect("read_all");
        let Some(last) = page.last() else { break };
        after = last.position;
        all.extend(page);
    }
    let mut ids = HashSet::new();
    let mut versions: HashMap<String, Vec<u64>> = HashMap::new();
    let mut sources: HashMap<(String, String), Vec<u64>> = HashMap::new();
    for event in &all {
        assert!(ids.insert(event.event_id), "event {} stored twice", event.event_id);
        let stream = event.stream_id.to_string();
        versions.entry(stream.clone()).or_default().push(event.stream_version);
        if let Some(source) = &event.metadata.source_id {
            sources.entry((stream, source.clone())).or_default().push(event.stream_version);
        }
    }
    for (stream, mut list) in versions {
        list.sort_unstable();
        let expected: Vec<u64> = (1..=list.len() as u64).collect();
        assert_eq!(list, expected, "stream {stream} has each version once");
    }
    for ((stream, source), mut list) in sources {
        list.sort_unstable();
        let runs = list.windows(2).filter(|w| w[1] != w[0] + 1).count();
        assert_eq!(runs, 0, "source {source} applied more than once on {stream}: {list:?}");
    }
    all
}

/// The game streams by the game's channel.
async fn game_logs(store: &dyn EventStore, all: &[RecordedEvent]) -> BTreeMap<u64, GameLog> {
    let mut logs = BTreeMap::new();
    for event in all.iter().filter(|e| e.event_type == "GameCreated") {
        let GameEvent::GameCreated { game_id, channel: ChannelId(channel), .. } = decode(event)
        else {
            unreachable!()
        };
        let recorded = store.read_stream(&StreamId::game(game_id), 1).await.expect("the game");
        let events = recorded
            .into_iter()
            .map(|e| {
                let decoded = decode(&e);
                (e, decoded)
            })
            .collect();
        let previous = logs.insert(channel, GameLog { channel, events });
        assert!(previous.is_none(), "one game per channel ({channel})");
    }
    logs
}

/// The game ended once, with the result its resolved pairs give: every round matched, and a
/// win exactly when the average guesses per round is within the threshold.
fn assert_right_result(log: &GameLog, team: TeamId) -> bool {
    let ended: Vec<&GameEvent> = log
        .events
        .iter()
        .map(|(_, e)| e)
        .filter(|e| matches!(e, GameEvent::GameEnded { .. }))
        .collect();
    assert_eq!(ended.len(), 1, "channel {}: the game ended once", log.channel);
    let GameEvent::GameEnded { winners, ranking, .. } = ended[0] else { unreachable!() };
    let mut guesses = BTreeMap::new();
    for (_, event) in &log.events {
        if let GameEvent::PairResolved {
            round,
            guess_count,
            result: GuessResult::Matched { .. },
            ..
        } = event
        {
            assert!(guesses.insert(*round, *guess_count).is_none(), "round {round} matched twice");
        }
    }
    assert_eq!(guesses.len() as u32, ROUNDS, "channel {}: every round matched", log.channel);
    let total: u32 = guesses.values().sum();
    let won = f64::from(total) / f64::from(ROUNDS) <= THRESHOLD;
    assert_eq!(winners, &if won { vec![team] } else { Vec::new() }, "channel {}", log.channel);
    assert_eq!(ranking.len(), 1);
    assert_eq!((ranking[0].matches, ranking[0].matched_guesses), (ROUNDS, total));
    won
}

fn stored(log: &GameLog, player: u64, word: &str) -> bool {
    log.events.iter().any(|(_, event)| match event {
        GameEvent::AnswerAccepted { player: UserId(p), raw, .. } => *p == player && raw == word,
        GameEvent::PairResolved { answers, .. } => {
            answers.iter().any(|a| a.player == UserId(player) && a.raw == word)
        }
        _ => false,
    })
}

/// Every resolved pair's DM (`Match!` or the miss) reached both players exactly once.
fn assert_every_pair_told(fake: &FakeDiscord, log: &GameLog) {
    let recorded = fake.recorded();
    for (_, event) in &log.events {
        let GameEvent::PairResolved { answers, result, .. } = event else { continue };
        let told = |m: &&SentMessage| {
            let word = format!("**{}**", answers[0].word);
            let kind = if result.is_match() {
                m.content.starts_with("Match!")
            } else {
                m.content.starts_with("No match")
            };
            kind && m.content.contains(&word)
        };
        for answer in answers {
            let UserId(player) = answer.player;
            let count = recorded
                .messages
                .iter()
                .filter(|m| m.dm_recipient == Some(player))
                .filter(told)
                .count();
            assert_eq!(count, 1, "channel {}: {player} told of {event:?}", log.channel);
        }
    }
}

/// The fake's record: no nonce accepted twice, and no message an event produces (a pair, a
/// match, a miss, a game over) shown twice in one place.
fn assert_no_message_twice(fake: &FakeDiscord) -> usize {
    let recorded = fake.recorded();
    let mut nonces = HashSet::new();
    let mut shown = HashSet::new();
    for m in &recorded.messages {
        if let Some(nonce) = &m.nonce {
            assert!(nonces.insert(nonce.clone()), "nonce {nonce} accepted twice: {}", m.content);
        }
        let from_event = is_pair(&m.content)
            || m.content.contains("Match!")
            || m.content.starts_with("No match")
            || m.content.contains("Game over");
        if from_event {
            let place = (m.channel_id, m.content.clone());
            assert!(shown.insert(place), "shown twice in {}: {}", m.channel_id, m.content);
        }
    }
    recorded.duplicate_nonces.len()
}

async fn fifty_games_survive_three_kills(backend: Backend, seed: u64) {
    let mut setup = Setup::new().backend(backend);
    let channels: Vec<u64> = (0..GAMES).map(channel).collect();
    setup.fake.guilds = vec![GuildSpec::new(GUILD, OWNER, &channels)];
    let Some(world) = World::without_bot(setup).await else { return };
    let vars = world.vars().to_vec();
    let url = vars
        .iter()
        .find(|(k, _)| k == "GAMEBOT_DATABASE__URL")
        .map(|(_, v)| v.clone())
        .expect("the database URL");
    let log = tempfile::NamedTempFile::new().expect("a log file");
    let bot = Mutex::new(Bot { child: None, log, vars });
    bot.lock().expect("bot").spawn();
    if let Err(error) = world.fake.wait_until_ready(1, Duration::from_secs(60)).await {
        panic!("{error}\n{}", bot.lock().expect("bot").log_tail());
    }

    // Arrange: 50 teams, each starting a Two Player game in its own channel.
    let teams: Vec<(ScriptedUser, ScriptedUser)> = (0..GAMES)
        .map(|g| {
            let a = world.user(FIRST_PLAYER + 2 * g as u64, &format!("a{g}"));
            let b = world.user(FIRST_PLAYER + 2 * g as u64 + 1, &format!("b{g}"));
            (a, b)
        })
        .collect();
    let started = Instant::now();
    futures::future::join_all(teams.iter().enumerate().map(|(g, (a, b))| {
        let world = &world;
        async move { form_team_in(world, GUILD, channel(g), a, b, &team_name(g)).await }
    }))
    .await;
    let replies = futures::future::join_all(teams.iter().enumerate().map(|(g, (a, _))| {
        let world = &world;
        async move {
            let start = format!("wm2p rounds={ROUNDS} threshold={THRESHOLD}");
            world.command_in(a, GUILD, channel(g), &start).await
        }
    }))
    .await;
    for reply in &replies {
        assert!(reply.content.contains("Two Player"), "{}", reply.content);
    }
    let set_up = started.elapsed();

    // Act: play every game while the bot is killed three times.
    let table = Table {
        fake: world.fake.clone(),
        liveness: Mutex::new(Liveness { up: true, ready_at: Instant::now() }),
        acks: Mutex::new(Vec::new()),
        resends: Mutex::new(0),
        late: Mutex::new(0),
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let least = GAMES * ROUNDS as usize * 2;
    let thresholds: Vec<(usize, u64)> = [(0.10, 0.30), (0.40, 0.60), (0.70, 0.85)]
        .iter()
        .map(|(from, to)| {
            let at = rng.random_range(*from..*to) * least as f64;
            (at as usize, rng.random_range(0..500))
        })
        .collect();
    let play_started = Instant::now();
    let playing = futures::future::join_all(
        teams.iter().enumerate().map(|(g, (a, b))| play(&table, g, a, b)),
    );
    let (_, kills, resend_samples) = tokio::time::timeout(
        PLAY_LIMIT,
        futures::future::join3(
            playing,
            kill_at(&table, &bot, &thresholds),
            sample_resends(&world.fake),
        ),
    )
    .await
    .unwrap_or_else(|_| panic!("the games did not end\n{}", bot.lock().expect("bot").log_tail()));
    let played = play_started.elapsed();
    let acks = table.acks.lock().expect("acks").clone();
    let kill_times: Vec<Instant> = kills.iter().map(|(killed, _)| *killed).collect();
    let recoveries: Vec<Recovery> = kills
        .into_iter()
        .enumerate()
        .map(|(k, (killed, mut recovery))| {
            recovery.at = killed - play_started;
            // The sends dropped by nonce between this restart and the next kill, and when the
            // last of them came.
            let ready = killed + recovery.ready_after;
            let until = kill_times.get(k + 1).copied();
            let within: Vec<&(Instant, usize)> = resend_samples
                .iter()
                .filter(|(at, _)| *at >= killed && until.is_none_or(|u| *at < u))
                .collect();
            let before = resend_samples
                .iter()
                .take_while(|(at, _)| *at < killed)
                .last()
                .map_or(0, |(_, n)| *n);
            if let Some((last_at, last)) = within.last() {
                recovery.resent = last - before;
                recovery.resent_until = Some(last_at.saturating_duration_since(ready));
            }
            recovery.first_ack_after =
                acks.iter().find(|a| a.at > killed + recovery.ready_after).map(|a| a.at - killed);
            recovery
        })
        .collect();
    assert_eq!(recoveries.len(), KILLS, "the bot was killed {KILLS} times");

    // Let the read models reach the head of the log, then stop the bot cleanly.
    let store = gamebot::store::connect(&DatabaseSettings::from_url(&url)).await.expect("store");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let statuses = projection_status(&*store).await.expect("projection status");
        if statuses.iter().all(|s| s.lag == 0) {
            break;
        }
        assert!(Instant::now() < deadline, "the projections never caught up: {statuses:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut bot = bot.into_inner().expect("bot");
    bot.interrupt().await;

    // Assert: no event twice; every game over once with the right result.
    let all = whole_log(&*store).await;
    let logs = game_logs(&*store, &all).await;
    assert_eq!(logs.len(), GAMES, "one game per channel");
    let mut won = 0;
    for (g, log) in logs.values().enumerate() {
        assert_eq!(log.channel, channel(g));
        let team = log
            .events
            .iter()
            .find_map(|(_, e)| match e {
                GameEvent::TeamJoined { team } => Some(team.team_id),
                _ => None,
            })
            .expect("the team joined");
        let win = assert_right_result(log, team);
        assert_every_pair_told(&world.fake, log);
        won += usize::from(win);
        let over = table.game_over(channel(g)).expect("a Game over message");
        let second = over.content.lines().nth(1).unwrap_or("");
        let expected = if win { format!("Winner: {}", team_name(g)) } else { "No winner".into() };
        assert_eq!(second, expected, "channel {}: {}", log.channel, over.content);
    }
    // Assert: every acknowledged answer is in its game's stream.
    let lost: Vec<&Ack> =
        acks.iter().filter(|a| !stored(&logs[&channel(a.game)], a.player, &a.word)).collect();
    assert!(lost.is_empty(), "acknowledged answers missing from the store: {lost:?}");
    let stored_answers: usize = logs
        .values()
        .flat_map(|l| &l.events)
        .map(|(_, e)| match e {
            GameEvent::PairResolved { .. } => 2,
            _ => 0,
        })
        .sum();
    // Assert: no message an event produced was accepted twice.
    let dropped = assert_no_message_twice(&world.fake);

    // Assert: each read model equals its rebuild from the log.
    let live = read_model_rows(&*store).await;
    assert!(live.len() > GAMES, "the read models hold the games: {} rows", live.len());
    rebuild(&*store, "all").await.expect("rebuild all");
    let rebuilt = read_model_rows(&*store).await;
    if live != rebuilt {
        let only_live: Vec<&String> = live.iter().filter(|r| !rebuilt.contains(r)).collect();
        let only_rebuilt: Vec<&String> = rebuilt.iter().filter(|r| !live.contains(r)).collect();
        panic!("the rebuild differs\nlive only: {only_live:#?}\nrebuilt only: {only_rebuilt:#?}");
    }
    store.close().await;

    eprintln!(
        "{backend:?} seed {seed}: {GAMES} games ({won} won) of {ROUNDS} rounds set up in {set_up:?}, \
         played in {played:?}; answers acknowledged {}, stored {stored_answers}, resent {} ({} after the pair resolved); \
         {} events; sends dropped by nonce {dropped}; kills (into play, acks before, ready after, first ack after, resent by the notifier, last resend after ready): {:?}",
        acks.len(),
        table.resends.lock().expect("resends"),
        table.late.lock().expect("late"),
        all.len(),
        recoveries
            .iter()
            .map(|r| (r.at, r.acks_before, r.ready_after, r.first_ack_after, r.resent, r.resent_until))
            .collect::<Vec<_>>(),
    );
    drop(bot);
    world.finish().await;
}

/// The seed of the kill moments: `GAMEBOT_KILL_SEED` to replay a run, else the clock.
fn seed() -> u64 {
    std::env::var("GAMEBOT_KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        now.map_or(7, |d| d.as_nanos() as u64)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_games_on_sqlite_survive_three_sigkills_of_serve() {
    fifty_games_survive_three_kills(Backend::Sqlite, seed()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_games_on_postgres_survive_three_sigkills_of_serve() {
    fifty_games_survive_three_kills(Backend::Postgres, seed()).await;
}

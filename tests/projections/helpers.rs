//! Test harness: a fresh database per test on each backend, a `Runtime` on it with every
//! projection subscribed, a clock the test sets, and helpers that play games through the
//! registry with real answers from the word service.
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use futures::FutureExt;
use gamebot::config::{HealthSettings, RuntimeSettings};
use gamebot::domain::game::{
    Game, GameCommand, GameEvent, GameOptions, GameTimeouts, Mode, TeamSnapshot,
    DEFAULT_FORBIDDEN_LIST_SIZE,
};
use gamebot::domain::team::{Team, TeamCommand};
use gamebot::domain::words::{Verdict, WordService};
use gamebot::domain::{ChannelId, GameId, GuildId, TeamId, UserId};
use gamebot::projections::{all_projections, ReadModels};
use gamebot::runtime::{Clock, CommandMeta, Outcome, Runtime, SharedClock};
use gamebot::store::{EventStore, StreamId};
use uuid::Uuid;

#[path = "../common/db.rs"]
mod db;

/// How long a test waits for the projections to catch up.
pub const SETTLE_TIMEOUT: Duration = Duration::from_secs(20);
/// The guild every test plays in.
pub const GUILD: GuildId = GuildId(7_000);
/// The channel every test plays in.
pub const CHANNEL: ChannelId = ChannelId(7_001);

/// Runs one test body on PostgreSQL and on SQLite, as `<name>::on_postgres` and
/// `<name>::on_sqlite`, each under an actix system.
macro_rules! projection_test {
    ($name:ident, |$bot:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[actix::test]
            async fn on_postgres() {
                crate::helpers::with_postgres(|$bot| $body).await;
            }

            #[actix::test]
            async fn on_sqlite() {
                crate::helpers::with_sqlite(|$bot| $body).await;
            }
        }
    };
}

/// A clock the test moves by hand.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    /// Moves the clock to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().expect("clock lock") = at;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }

    fn real_wait_until(&self, at: DateTime<Utc>) -> Duration {
        // Time only moves when the test says so; a timer in the future waits "for ever".
        if at <= self.now() {
            Duration::ZERO
        } else {
            Duration::from_secs(3_600)
        }
    }
}

/// A running engine on a fresh database, with every projection subscribed.
pub struct TestBot {
    /// The runtime.
    pub runtime: Runtime,
    /// Its store.
    pub store: Arc<dyn EventStore>,
    /// The query side.
    pub read: ReadModels,
    /// The clock commands are decided at.
    pub clock: Arc<ManualClock>,
    /// The highest position any command appended.
    head: AtomicI64,
}

/// The reference "now" of every test: a fixed moment, so periods are deterministic.
pub fn epoch() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z").expect("a valid time").with_timezone(&Utc)
}

async fn start(store: Arc<dyn EventStore>) -> Arc<TestBot> {
    let clock = Arc::new(ManualClock(Mutex::new(epoch())));
    let shared: SharedClock = clock.clone();
    let runtime = Runtime::start(
        store.clone(),
        shared,
        &RuntimeSettings {
            snapshot_every: 0,
            passivate_after_seconds: 3_600,
            max_concurrent_rebuilds: 4,
        },
        &HealthSettings { interval_seconds: 3_600 },
    );
    for projection in all_projections() {
        runtime.subscribe(projection);
    }
    let read = ReadModels::new(&store);
    Arc::new(TestBot { runtime, store, read, clock, head: AtomicI64::new(0) })
}

async fn run<F, Fut>(store: Arc<dyn EventStore>, test: F)
where
    F: FnOnce(Arc<TestBot>) -> Fut,
    Fut: Future<Output = ()>,
{
    let bot = start(store.clone()).await;
    let outcome = AssertUnwindSafe(test(bot.clone())).catch_unwind().await;
    bot.runtime.stop_subscriptions();
    drop(bot);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs `test` on a fresh SQLite file.
pub async fn with_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Arc<TestBot>) -> Fut,
    Fut: Future<Output = ()>,
{
    db::with_sqlite(|store| run(store, test)).await;
}

/// Runs `test` on a fresh PostgreSQL database (see `tests/common/db.rs` for when it skips).
pub async fn with_postgres<F, Fut>(test: F)
where
    F: FnOnce(Arc<TestBot>) -> Fut,
    Fut: Future<Output = ()>,
{
    db::with_postgres(|store| run(store, test)).await;
}

/// A team snapshot with empty forbidden lists.
pub fn team(name: &str, a: u64, b: u64) -> TeamSnapshot {
    TeamSnapshot {
        team_id: TeamId(Uuid::new_v4()),
        name: name.to_owned(),
        players: [UserId(a), UserId(b)],
        forbidden: [Vec::new(), Vec::new()],
    }
}

/// Two Player options.
pub fn two_player(rounds: u32, threshold: u32) -> GameOptions {
    GameOptions::parse(
        Mode::TwoPlayer,
        &[&format!("rounds={rounds}"), &format!("threshold={threshold}")],
    )
    .expect("valid Two Player options")
}

/// Race options with a 60-second clock.
pub fn race() -> GameOptions {
    GameOptions::parse(Mode::Race, &["time_seconds=60"]).expect("valid Race options")
}

/// Where the next fresh answer comes from: shared by every test, so words rarely repeat.
static NEXT_WORD: AtomicUsize = AtomicUsize::new(0);

/// How a pair should resolve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolve {
    /// Both answer the same word.
    Match,
    /// The two answers differ.
    Miss,
}

impl TestBot {
    fn meta(&self, actor: Option<UserId>) -> CommandMeta {
        CommandMeta {
            source_id: Some(Uuid::new_v4().to_string()),
            actor_id: actor,
            correlation_id: Some(Uuid::new_v4()),
            causation_id: None,
            guild_id: Some(GUILD),
        }
    }

    /// Sends a game command; panics when it is refused.
    pub async fn exec(&self, game: GameId, command: GameCommand) -> Outcome<Game> {
        let kind = command.kind();
        let outcome = self
            .runtime
            .registry()
            .execute::<Game>(StreamId::game(game), command, self.meta(None))
            .await
            .unwrap_or_else(|e| panic!("{kind} was refused: {e}"));
        if let Some(position) = outcome.last_position {
            self.head.fetch_max(position, Ordering::AcqRel);
        }
        outcome
    }

    /// Sends a team command; panics when it is refused.
    pub async fn exec_team(&self, team: TeamId, command: TeamCommand) -> Outcome<Team> {
        let outcome = self
            .runtime
            .registry()
            .execute::<Team>(StreamId::team(GUILD, team), command, self.meta(None))
            .await
            .unwrap_or_else(|e| panic!("the team command was refused: {e}"));
        if let Some(position) = outcome.last_position {
            self.head.fetch_max(position, Ordering::AcqRel);
        }
        outcome
    }

    /// Waits until every projection has handled every command sent so far.
    pub async fn settle(&self) {
        let head = self.head.load(Ordering::Acquire);
        assert!(
            self.runtime.wait_for_subscriptions(head, SETTLE_TIMEOUT).await,
            "projections did not reach position {head}"
        );
    }

    /// Opens a game at the clock's time, with the creator's team joining.
    pub async fn create(&self, options: GameOptions, creator_team: &TeamSnapshot) -> GameId {
        let game = GameId(Uuid::new_v4());
        self.exec(
            game,
            GameCommand::CreateGame {
                game_id: game,
                guild: GUILD,
                channel: CHANNEL,
                creator: creator_team.players[0],
                options,
                creator_team: Some(creator_team.clone()),
                forbidden_list_size: DEFAULT_FORBIDDEN_LIST_SIZE,
                timeouts: GameTimeouts::default(),
            },
        )
        .await;
        game
    }

    /// Resolves the current pair of `team` one way or the other with fresh valid answers.
    pub async fn resolve(&self, game: GameId, team: &TeamSnapshot, how: Resolve) -> Outcome<Game> {
        let words = WordService::embedded();
        let state = self
            .runtime
            .registry()
            .inspect::<Game>(StreamId::game(game))
            .await
            .expect("the game can be inspected")
            .state;
        let in_game = state.team_of(team.players[0]).expect("the team is in the game");
        let mut taken: Vec<String> = Vec::new();
        taken.extend(in_game.dealt.iter().cloned());
        taken.extend(in_game.pair.iter().cloned());
        for player in &in_game.players {
            taken.extend(player.forbidden.iter().cloned());
        }
        let first = fresh_word(&mut taken);
        let second = match how {
            Resolve::Match => first.clone(),
            Resolve::Miss => loop {
                let candidate = fresh_word(&mut taken);
                let a = words.parse_answer(&first).expect("valid");
                let b = words.parse_answer(&candidate).expect("valid");
                if matches!(words.verdict(&a, &b), Verdict::NoMatch) {
                    break candidate;
                }
            },
        };
        self.answer(game, team.players[0], &first).await;
        self.answer(game, team.players[1], &second).await
    }

    /// `player` answers `word`; panics when refused.
    pub async fn answer(&self, game: GameId, player: UserId, word: &str) -> Outcome<Game> {
        self.exec(game, GameCommand::SubmitAnswer { guild: GUILD, player, raw: word.to_owned() })
            .await
    }

    /// Plays `team`'s current round to a match on its `guesses`-th pair.
    pub async fn match_in(&self, game: GameId, team: &TeamSnapshot, guesses: u32) -> Outcome<Game> {
        for _ in 1..guesses {
            self.resolve(game, team, Resolve::Miss).await;
        }
        self.resolve(game, team, Resolve::Match).await
    }

    /// Plays a whole one-round Two Player game for `team` at `at`, matching on the
    /// `guesses`-th pair; with threshold 2 it is a win for 1 or 2 guesses and a loss above.
    pub async fn two_player_game(
        &self,
        team: &TeamSnapshot,
        guesses: u32,
        at: DateTime<Utc>,
    ) -> GameId {
        self.clock.set(at);
        let game = self.create(two_player(1, 2), team).await;
        let outcome = self.match_in(game, team, guesses).await;
        assert!(
            outcome.events.iter().any(|e| matches!(e, GameEvent::GameEnded { .. })),
            "the one-round game ended: {:?}",
            outcome.events
        );
        game
    }

    /// A game's current state.
    pub async fn game(&self, game: GameId) -> Game {
        self.runtime
            .registry()
            .inspect::<Game>(StreamId::game(game))
            .await
            .expect("the game can be inspected")
            .state
    }

    /// Ends a Race game by running its clock out.
    pub async fn end_race(&self, game: GameId) {
        let state = self
            .runtime
            .registry()
            .inspect::<Game>(StreamId::game(game))
            .await
            .expect("the game can be inspected")
            .state;
        let clock_ends_at = state.clock_ends_at().expect("a running Race has a clock");
        self.clock.set(clock_ends_at + TimeDelta::seconds(1));
        let outcome = self.exec(game, GameCommand::EndClock { guild: GUILD, clock_ends_at }).await;
        assert!(
            outcome.events.iter().any(|e| matches!(e, GameEvent::GameEnded { .. })),
            "the clock ended the race: {:?}",
            outcome.events
        );
    }
}

/// A generation-list word that is valid and no variant of any word in `taken`; it is added to
/// `taken`.
fn fresh_word(taken: &mut Vec<String>) -> String {
    let words = WordService::embedded();
    let list = words.generation_list();
    loop {
        let index = NEXT_WORD.fetch_add(7, Ordering::Relaxed) % list.len();
        let candidate = &list[index];
        let Ok(word) = words.parse_answer(candidate) else { continue };
        let clashes = taken.iter().any(|t| {
            t.as_str() == word.as_str()
                || words.is_variant_of(&word, t)
                || words.parse_answer(t).is_ok_and(|t| words.is_variant_of(&t, word.as_str()))
        });
        if !clashes {
            taken.push(word.as_str().to_owned());
            return word.as_str().to_owned();
        }
    }
}

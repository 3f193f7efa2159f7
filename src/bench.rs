//! Throughput measurements, so speed targets live in a command rather than in timed tests:
//! `gamebot bench store` appends from several concurrent writers (one event per append, as a
//! command does) into a scratch database and reports events per second, then times a follower
//! reading the whole log back through `read_all`; then plays many Two Player games at once through
//! the registry and reports answers per second with their latency. It never touches the
//! configured database.
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;

use crate::domain::GameId;
use crate::store::{
    EventStore, ExpectedVersion, Metadata, NewEvent, PostgresStore, SqliteStore, StreamId,
};

/// What to measure.
#[derive(Debug, Clone, Copy)]
pub struct StoreBench {
    /// Concurrent writers, each on its own stream.
    pub writers: usize,
    /// Appends per writer, one event each.
    pub appends_per_writer: usize,
}

/// What was measured.
#[derive(Debug, Clone)]
pub struct StoreBenchReport {
    /// Which backend ran.
    pub backend: &'static str,
    /// Events appended in all.
    pub events: usize,
    /// Wall time of the appends.
    pub append_time: Duration,
    /// Wall time of reading them all back with `read_all` in pages of 1,000.
    pub read_time: Duration,
}

impl std::fmt::Display for StoreBenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rate = |d: Duration| self.events as f64 / d.as_secs_f64().max(1e-9);
        write!(
            f,
            "{}: {} events appended in {:.2} s ({:.0} events/s); read back in {:.2} s ({:.0} events/s)",
            self.backend,
            self.events,
            self.append_time.as_secs_f64(),
            rate(self.append_time),
            self.read_time.as_secs_f64(),
            rate(self.read_time)
        )
    }
}

/// A payload the size of a typical game event.
fn event() -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "BenchAnswered".into(),
        schema_version: 1,
        data: serde_json::json!({ "player": 1234567890_u64, "word": "lantern", "answered_ms": 4210 }),
        metadata: Metadata::origin(Uuid::now_v7()),
    }
}

/// Runs the append and read measurement on `store`.
pub async fn run_store_bench(
    store: Arc<dyn EventStore>,
    backend: &'static str,
    bench: StoreBench,
) -> anyhow::Result<StoreBenchReport> {
    let started = Instant::now();
    let writers = (0..bench.writers).map(|_| {
        let store = store.clone();
        tokio::spawn(async move {
            let stream = StreamId::game(GameId(Uuid::new_v4()));
            for version in 0..bench.appends_per_writer {
                store
                    .append(&stream, ExpectedVersion::Exact(version as u64), vec![event()])
                    .await?;
            }
            Ok::<_, crate::store::StoreError>(())
        })
    });
    for writer in futures::future::join_all(writers).await {
        writer.context("a bench writer panicked")?.context("a bench append failed")?;
    }
    let append_time = started.elapsed();
    let events = bench.writers * bench.appends_per_writer;
    let started = Instant::now();
    let mut position = 0;
    let mut read = 0;
    while read < events {
        let page = store.read_all(position, 1_000).await.context("reading the log back")?;
        let Some(last) = page.last() else {
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        };
        position = last.position;
        read += page.len();
    }
    Ok(StoreBenchReport { backend, events, append_time, read_time: started.elapsed() })
}

/// A store on a scratch database: a temporary SQLite file, or a database created on a
/// PostgreSQL server and dropped by [`Scratch::finish`].
pub struct Scratch {
    /// The store.
    pub store: Arc<dyn EventStore>,
    /// Which backend it is.
    pub backend: &'static str,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(PgConnectOptions, String)>,
}

impl Scratch {
    /// Creates the scratch database and connects a store with `pool` connections.
    pub async fn create(postgres_server: Option<&str>, pool: u32) -> anyhow::Result<Scratch> {
        let Some(server) = postgres_server else {
            let dir = tempfile::tempdir().context("creating a scratch directory")?;
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(dir.path().join("bench.db"))
                .create_if_missing(true);
            let (store, _) = SqliteStore::connect(options, pool).await?;
            return Ok(Scratch {
                store: Arc::new(store),
                backend: "SQLite",
                _dir: Some(dir),
                postgres: None,
            });
        };
        let server = PgConnectOptions::from_str(server).context("reading the PostgreSQL URL")?;
        let name = format!("gamebot_bench_{}", Uuid::new_v4().simple());
        let mut admin =
            PgConnection::connect_with(&server).await.context("connecting to PostgreSQL")?;
        admin.execute(format!("CREATE DATABASE {name}").as_str()).await?;
        let _ = admin.close().await;
        let scratch = Scratch {
            store: Arc::new(PostgresStore::connect(server.clone().database(&name), pool).await?.0),
            backend: "PostgreSQL",
            _dir: None,
            postgres: Some((server, name)),
        };
        Ok(scratch)
    }

    /// Closes the store and drops a PostgreSQL scratch database (the SQLite file goes with its
    /// directory).
    pub async fn finish(self) -> anyhow::Result<()> {
        self.store.close().await;
        if let Some((server, name)) = &self.postgres {
            let mut admin = PgConnection::connect_with(server).await?;
            admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await?;
        }
        Ok(())
    }
}

/// Measures appends and reads on a scratch database (see [`Scratch`]).
pub async fn store_bench(
    postgres_server: Option<&str>,
    bench: StoreBench,
) -> anyhow::Result<StoreBenchReport> {
    let pool = u32::try_from(bench.writers + 2).unwrap_or(u32::MAX);
    let scratch = Scratch::create(postgres_server, pool).await?;
    let report = run_store_bench(scratch.store.clone(), scratch.backend, bench).await;
    scratch.finish().await?;
    report
}

/// Measures answers through the registry on a scratch database (see [`Scratch`]); runs inside
/// an actix system.
pub async fn command_bench(
    postgres_server: Option<&str>,
    games: usize,
    rounds: u32,
) -> anyhow::Result<CommandBenchReport> {
    let scratch = Scratch::create(postgres_server, 16).await?;
    let report = run_command_bench(scratch.store.clone(), scratch.backend, games, rounds).await;
    scratch.finish().await?;
    report
}

/// What the command benchmark measured.
#[derive(Debug, Clone)]
pub struct CommandBenchReport {
    /// Which backend ran.
    pub backend: &'static str,
    /// Answers decided, appended and folded.
    pub commands: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// The health counters of the run (latency percentiles included).
    pub health: crate::runtime::HealthReport,
}

impl std::fmt::Display for CommandBenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} answers through the registry in {:.2} s ({:.0} commands/s); command p50 \
             {:.2} ms, p99 {:.2} ms; append p99 {:.2} ms",
            self.backend,
            self.commands,
            self.elapsed.as_secs_f64(),
            self.commands as f64 / self.elapsed.as_secs_f64().max(1e-9),
            self.health.command_p50_ms,
            self.health.command_p99_ms,
            self.health.append_p99_ms
        )
    }
}

/// Plays `games` Two Player games of `rounds` rounds at once through a runtime's registry on
/// `store`, both players answering the same word each round, and measures the answers: the path
/// every Discord answer takes (decide, append, fold), without Discord.
pub async fn run_command_bench(
    store: Arc<dyn EventStore>,
    backend: &'static str,
    games: usize,
    rounds: u32,
) -> anyhow::Result<CommandBenchReport> {
    use crate::config::{HealthSettings, RuntimeSettings};
    use crate::domain::game::{Game, GameCommand, GameOptions, GameTimeouts, Mode, TeamSnapshot};
    use crate::domain::{ChannelId, GuildId, TeamId, UserId};
    use crate::runtime::{CommandMeta, Runtime, SystemClock};

    let settings = RuntimeSettings {
        snapshot_every: 100,
        passivate_after_seconds: 600,
        max_concurrent_rebuilds: 8,
    };
    let runtime = Runtime::start(
        store,
        Arc::new(SystemClock),
        &settings,
        &HealthSettings { interval_seconds: 3600 },
    );
    let guild = GuildId(1);
    let words = crate::domain::words::WordService::embedded().generation_list();
    let play = |n: usize| {
        let registry = runtime.registry().clone();
        async move {
            let game_id = GameId(Uuid::new_v4());
            let stream = StreamId::game(game_id);
            let players = [UserId(2 * n as u64 + 10), UserId(2 * n as u64 + 11)];
            let team = TeamSnapshot {
                team_id: TeamId(Uuid::new_v4()),
                name: format!("Bench {n}"),
                players,
                forbidden: [Vec::new(), Vec::new()],
            };
            let options = GameOptions::parse(Mode::TwoPlayer, &[&format!("rounds={rounds}")])
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let create = GameCommand::CreateGame {
                game_id,
                guild,
                channel: ChannelId(2),
                creator: players[0],
                options,
                creator_team: Some(team),
                forbidden_list_size: 12,
                timeouts: GameTimeouts::default(),
            };
            let meta = CommandMeta::default;
            registry.execute::<Game>(stream.clone(), create, meta()).await?;
            let mut answered = 0;
            for _ in 0..rounds {
                let game = registry.inspect::<Game>(stream.clone()).await?.state;
                let Some(team) = game.teams().first() else { break };
                let taken = |w: &String| {
                    team.pair.contains(w)
                        || team.dealt.contains(w)
                        || team.players.iter().any(|p| p.forbidden.contains(w))
                };
                let Some(word) = words.iter().find(|w| !taken(w)) else { break };
                for player in players {
                    let answer = GameCommand::SubmitAnswer { guild, player, raw: word.clone() };
                    registry.execute::<Game>(stream.clone(), answer, meta()).await?;
                    answered += 1;
                }
            }
            Ok::<usize, anyhow::Error>(answered)
        }
    };
    let _ = runtime.health().take_report();
    let started = Instant::now();
    let mut commands = 0;
    for answered in futures::future::join_all((0..games).map(play)).await {
        commands += answered?;
    }
    let elapsed = started.elapsed();
    Ok(CommandBenchReport { backend, commands, elapsed, health: runtime.health().take_report() })
}

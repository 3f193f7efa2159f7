//! The command line: one subcommand per job. Each returns `anyhow::Result` so setup failures
//! print their cause chain on one line at exit.
use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::domain::words::{Verdict, WordService};

/// GameBot: Word Match on Discord.
#[derive(Debug, Parser)]
#[command(name = "gamebot", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply the event store's migrations to the configured database and exit.
    Migrate,
    /// Connect to Discord and play: the gateway, the sender and the whole engine, until Ctrl-C.
    /// Needs GAMEBOT_DISCORD__TOKEN.
    Serve,
    /// Ask the word service, to settle a player's dispute from a shell.
    Words {
        /// The question.
        #[command(subcommand)]
        query: WordsQuery,
    },
    /// Play a tournament of all five modes between simulated players on the configured
    /// database (by default `./gamebot.db`), then show leaderboards, a replay and health.
    Demo {
        /// Play on this database instead of the configured one (`sqlite://<file>` or
        /// `postgres://...`).
        #[arg(long)]
        database: Option<String>,
        /// Seeds the simulated players' associations.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Shorter games (for a quick look).
        #[arg(long)]
        quick: bool,
        /// No progress bar.
        #[arg(long)]
        no_progress: bool,
    },
    /// Tell a game again, round by round, by respawning its actor from its event stream.
    Replay {
        /// The replay name (`river-123`) or the game id.
        game: String,
        /// Stop the history at this stream version.
        #[arg(long)]
        until_version: Option<u64>,
        /// Rebuild the game twice and check both against each other and the read models;
        /// exit non-zero on any difference.
        #[arg(long)]
        verify: bool,
    },
    /// List the events projections and reactors gave up on, one per line; `retry` re-drives them.
    Deadletters {
        /// `retry`: hand parked events to their consumer again.
        #[command(subcommand)]
        action: Option<DeadLettersCommand>,
    },
    /// Measure the event store's throughput on a scratch database.
    Bench {
        /// Create the scratch database on this PostgreSQL server (e.g.
        /// `postgres://postgres@127.0.0.1:5432/postgres`) instead of a temporary SQLite file.
        #[arg(long)]
        postgres: Option<String>,
        /// Concurrent writers, each on its own stream.
        #[arg(long, default_value_t = 8)]
        writers: usize,
        /// Appends per writer (one event each).
        #[arg(long, default_value_t = 1000)]
        appends: usize,
        /// Two Player games played at once for the command benchmark (0 skips it).
        #[arg(long, default_value_t = 20)]
        games: usize,
        /// Rounds per game (two answers each).
        #[arg(long, default_value_t = 10)]
        rounds: u32,
    },
    /// Inspect or rebuild the read models.
    Projections {
        /// What to do with them.
        #[command(subcommand)]
        action: ProjectionsCommand,
    },
}

/// `gamebot deadletters ...`.
#[derive(Debug, Subcommand)]
pub enum DeadLettersCommand {
    /// Hand parked events to their consumer again and remove each one that now succeeds; one
    /// that fails again stays parked with its new error. A running bot picks the request up
    /// within seconds; consumers this command can run itself (every projection and every
    /// reactor but the Discord notifier) are re-driven here at once.
    #[command(group(clap::ArgGroup::new("which").required(true).args(["subscription", "all"])))]
    Retry {
        /// Only the events parked by this subscription (as `gamebot deadletters` names it).
        #[arg(long)]
        subscription: Option<String>,
        /// Every parked event.
        #[arg(long)]
        all: bool,
    },
}

/// `gamebot projections ...`.
#[derive(Debug, Subcommand)]
pub enum ProjectionsCommand {
    /// Reset a read model and rebuild it from the whole event log (run it while the bot is
    /// stopped).
    Rebuild {
        /// A projection name (see `projections list`) or `all`.
        name: String,
    },
    /// Show each projection's checkpoint and how many events it still has to handle.
    List,
}

/// Loads the settings and starts telemetry: the first step of every command that needs them.
fn load_settings() -> anyhow::Result<Settings> {
    let settings = Settings::load().context("loading settings")?;
    crate::telemetry::init(&settings.telemetry).context("starting telemetry")?;
    Ok(settings)
}

/// A tokio runtime for the commands that need no actix system.
fn tokio_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// `gamebot projections rebuild|list`: connects to the configured store (migrating it), does
/// the job on a plain tokio runtime (no actix system is needed) and prints what it did.
pub fn projections(action: &ProjectionsCommand) -> anyhow::Result<()> {
    let settings = load_settings()?;
    tokio_runtime()?.block_on(async {
        let (store, _) = crate::startup::connect_store(&settings).await?;
        let result = match action {
            ProjectionsCommand::Rebuild { name } => {
                crate::projections::rebuild(&*store, name).await.map(|reports| {
                    for report in reports {
                        println!("{report}");
                    }
                })
            }
            ProjectionsCommand::List => {
                crate::projections::projection_status(&*store).await.map(|statuses| {
                    for status in statuses {
                        println!("{status}");
                    }
                })
            }
        };
        store.close().await;
        result.context("projections")
    })
}

/// `gamebot migrate`: loads the settings, connects to the event store (which applies pending
/// migrations, creating the SQLite file if needed) and prints what it did.
pub fn migrate() -> anyhow::Result<()> {
    let settings = load_settings()?;
    let report = tokio_runtime()?.block_on(crate::startup::migrate(&settings))?;
    println!("{report}");
    Ok(())
}

/// How long the demo waits for the read models to catch up before reading them.
const CATCH_UP: std::time::Duration = std::time::Duration::from_secs(30);

/// `gamebot demo`: starts the engine on the configured (or given) database with the demo's
/// clock, plays the tournament, prints the health line, and stops. Ctrl-C stops it cleanly:
/// every appended event stays in the store.
pub fn demo(database: Option<String>, options: crate::demo::DemoOptions) -> anyhow::Result<()> {
    let mut settings = Settings::load().context("loading settings")?;
    if let Some(url) = database {
        settings.database.url = secrecy::SecretString::from(url);
    }
    if std::env::var_os("RUST_LOG").is_none() {
        // The demo's own lines tell the story; keep warnings and the health line.
        settings.telemetry.filter = "warn,gamebot::runtime::health=info".to_owned();
    }
    crate::telemetry::init(&settings.telemetry).context("starting telemetry")?;
    let system = actix_rt::System::new();
    system.block_on(async move {
        let (store, migrated) =
            crate::startup::connect_store_patiently(&settings, Some(DEMO_CONNECT_PATIENCE)).await?;
        println!("Playing on the {migrated}");
        let clock = std::sync::Arc::new(crate::demo::DemoClock::new(
            chrono::Utc::now(),
            options.timed_speed,
        ));
        let mut engine = crate::startup::Engine::start(
            store,
            clock.clone(),
            &settings.runtime,
            &settings.health,
        );
        engine.service = engine.service.clone().with_game_timeouts(settings.games.timeouts());
        let played = tokio::select! {
            played = crate::demo::run(&engine, clock, &options) => Some(played),
            _ = tokio::signal::ctrl_c() => None,
        };
        let result = match played {
            None => Err(anyhow::anyhow!(
                "interrupted: the demo stopped; everything played so far is stored ({})",
                migrated.database
            )),
            Some(Err(error)) => Err(anyhow::Error::new(error).context("the demo failed")),
            Some(Ok(report)) => {
                let _ = engine.caught_up(CATCH_UP).await;
                engine.runtime.report_health().await;
                // The health line is written by the reporter a moment later.
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                let (answers, refused, give_ups) = report.answers;
                println!(
                    "\nDemo finished in {:.1} s: {} games, {answers} answers ({refused} refused \
                     and tried again, {:.1} ms each on average), {give_ups} pairs given up. \
                     Replay any game with `gamebot replay <name> --verify`.",
                    report.took.as_secs_f64(),
                    report.games.len(),
                    report.answer_latency.as_secs_f64() * 1000.0
                );
                Ok(())
            }
        };
        engine.stop().await;
        result
    })
}

/// `gamebot replay`: the story of one game from its respawned actor; with `verify`, the check
/// that two rebuilds and the read models agree (an error, so a non-zero exit, when they do not).
pub fn replay(game: &str, until_version: Option<u64>, verify: bool) -> anyhow::Result<()> {
    let settings = load_settings()?;
    actix_rt::System::new().block_on(async move {
        let (store, _) = crate::startup::connect_store(&settings).await?;
        let result = replay_on(&store, game, until_version, verify).await;
        store.close().await;
        let text = result?;
        print!("{text}");
        Ok(())
    })
}

/// The text `gamebot replay` prints, on `store` (inside an actix system).
pub async fn replay_on(
    store: &std::sync::Arc<dyn crate::store::EventStore>,
    game: &str,
    until_version: Option<u64>,
    verify: bool,
) -> anyhow::Result<String> {
    let read_models = crate::projections::ReadModels::new(store);
    let target = crate::replay::parse_target(game);
    let game_id = crate::replay::resolve(&read_models, &target).await?;
    let replay = crate::replay::load(store, game_id, until_version).await?;
    let name = read_models.replay_name_of(game_id).await?;
    let mut text = crate::replay::story(&replay, name.as_deref(), &crate::replay::Names::new());
    if verify {
        let verified = crate::replay::verify(store, &read_models, game_id).await?;
        text.push_str(&format!(
            "verified: two fresh actors rebuilt game {} to version {} with equal states, and the \
             read models agree ({} checks)\n",
            verified.game_id, verified.version, verified.checks
        ));
    }
    Ok(text)
}

/// How long `gamebot demo` waits for an unreachable store at start-up before giving up.
const DEMO_CONNECT_PATIENCE: std::time::Duration = std::time::Duration::from_secs(120);

/// `gamebot deadletters [retry ...]`.
pub fn deadletters(action: Option<&DeadLettersCommand>) -> anyhow::Result<()> {
    match action {
        None => list_deadletters(),
        Some(DeadLettersCommand::Retry { subscription, all }) => {
            retry_deadletters(subscription.as_deref().filter(|_| !all))
        }
    }
}

/// `gamebot deadletters retry`: marks the parked events as requested, then re-drives those of
/// every consumer this process can run (projections and reactors, through a runtime of its own
/// that follows nothing) and prints what happened to each subscription's events.
fn retry_deadletters(subscription: Option<&str>) -> anyhow::Result<()> {
    let settings = load_settings()?;
    actix_rt::System::new().block_on(async move {
        let (store, _) = crate::startup::connect_store(&settings).await?;
        let parked = store.dead_letters().await.context("reading the dead-letter table")?;
        if let Some(name) = subscription {
            if !parked.iter().any(|d| d.subscription == name) {
                store.close().await;
                anyhow::bail!("no events are parked for subscription \"{name}\"");
            }
        }
        let requested = store
            .request_dead_letter_retry(subscription)
            .await
            .context("marking dead letters for a retry")?;
        println!("{requested} parked event(s) marked for a retry");
        let runtime = crate::runtime::Runtime::start(
            store.clone(),
            std::sync::Arc::new(crate::runtime::SystemClock),
            &settings.runtime,
            &settings.health,
        );
        let timers = crate::reactors::start_timer_actor(&runtime);
        let mut consumers = crate::projections::all_projections();
        consumers.extend(crate::reactors::reactors_with_timers(&runtime, timers));
        let mut names: Vec<&str> = parked.iter().map(|d| d.subscription.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let mut failed = false;
        for name in names.into_iter().filter(|n| subscription.is_none_or(|s| s == *n)) {
            let Some(consumer) = consumers.iter().find(|c| c.name() == name) else {
                println!("{name}: left for the running bot (`gamebot serve` re-drives them)");
                continue;
            };
            let done = crate::runtime::redrive_dead_letters(&*store, &**consumer)
                .await
                .with_context(|| format!("re-driving the events parked by {name}"))?;
            failed |= done.parked_again > 0 || done.deferred > 0;
            println!(
                "{name}: {} handled and removed, {} parked again, {} deferred (store busy)",
                done.succeeded, done.parked_again, done.deferred
            );
        }
        store.close().await;
        if failed {
            anyhow::bail!("some events still fail: `gamebot deadletters` shows their errors");
        }
        Ok(())
    })
}

/// `gamebot deadletters`: every parked event, one per line, in log order.
fn list_deadletters() -> anyhow::Result<()> {
    let settings = load_settings()?;
    tokio_runtime()?.block_on(async {
        let (store, _) = crate::startup::connect_store(&settings).await?;
        let parked = store.dead_letters().await;
        store.close().await;
        let parked = parked.context("reading the dead-letter table")?;
        if parked.is_empty() {
            println!("no dead letters: every projection and reactor handled every event");
        }
        for d in parked {
            let requested = if d.retry_requested { " [retry requested]" } else { "" };
            println!(
                "{} {} position {} {} v{} {} ({}){requested}: {}",
                d.parked_at.to_rfc3339(),
                d.subscription,
                d.position,
                d.stream_id,
                d.stream_version,
                d.event_type,
                d.event_id,
                d.error
            );
        }
        Ok(())
    })
}

/// `gamebot bench`: appends from concurrent writers into a scratch database and prints events/s,
/// then plays `games` Two Player games at once through the registry and prints commands/s.
pub fn bench(
    postgres: Option<&str>,
    writers: usize,
    appends: usize,
    games: usize,
    rounds: u32,
) -> anyhow::Result<()> {
    let bench = crate::bench::StoreBench { writers: writers.max(1), appends_per_writer: appends };
    let report = tokio_runtime()?.block_on(crate::bench::store_bench(postgres, bench))?;
    println!("{report}");
    if games > 0 {
        let report = actix_rt::System::new().block_on(crate::bench::command_bench(
            postgres,
            games,
            rounds.max(1),
        ))?;
        println!("{report}");
    }
    Ok(())
}

/// `gamebot serve`: loads the settings, then runs the bot on an actix system until Ctrl-C or a
/// shard closes for good. A missing or rejected token ends it with one line saying so.
pub fn serve() -> anyhow::Result<()> {
    let settings = load_settings()?;
    actix_rt::System::new().block_on(crate::startup::serve(&settings))
}

/// Questions for the word service.
#[derive(Debug, Subcommand)]
pub enum WordsQuery {
    /// Is this a valid answer?
    Valid {
        /// The answer as a player would type it.
        word: String,
    },
    /// Do these two answers match?
    Match {
        /// The first answer.
        a: String,
        /// The second answer.
        b: String,
    },
    /// Print the generation list, the words pairs are dealt from, one a line (alphabetical).
    Generation,
}

/// Answers a words query with the verdict and why, as text for a terminal; for `generation`,
/// the list itself, one word a line.
pub fn words_report(words: &WordService, query: &WordsQuery) -> String {
    match query {
        WordsQuery::Generation => words.generation_list().join("\n"),
        WordsQuery::Valid { word } => match words.parse_answer(word) {
            Ok(w) => {
                let related: Vec<String> = words
                    .normal_forms(&w)
                    .into_iter()
                    .filter(|(form, _)| form != w.as_str())
                    .map(|(form, reason)| format!("\"{form}\" ({reason})"))
                    .collect();
                if related.is_empty() {
                    format!("valid: \"{w}\" is in the dictionary")
                } else {
                    format!(
                        "valid: \"{w}\" is in the dictionary; it reads as {}",
                        related.join(", ")
                    )
                }
            }
            Err(e) => format!("invalid: {e}"),
        },
        WordsQuery::Match { a, b } => {
            let (a, b) = match (words.parse_answer(a), words.parse_answer(b)) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) => return format!("no match: \"{a}\" is invalid: {e}"),
                (_, Err(e)) => return format!("no match: \"{b}\" is invalid: {e}"),
            };
            match words.verdict(&a, &b) {
                Verdict::Match { on, reason } => {
                    format!("match: \"{a}\" and \"{b}\" both read as \"{on}\" ({reason})")
                }
                Verdict::NoMatch => format!("no match: \"{a}\" and \"{b}\" are different words"),
            }
        }
    }
}

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
    /// Inspect or rebuild the read models.
    Projections {
        /// What to do with them.
        #[command(subcommand)]
        action: ProjectionsCommand,
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

/// `gamebot projections rebuild|list`: connects to the configured store (migrating it), does
/// the job on a plain tokio runtime (no actix system is needed) and prints what it did.
pub fn projections(action: &ProjectionsCommand) -> anyhow::Result<()> {
    let settings = Settings::load().context("loading settings")?;
    crate::telemetry::init(&settings.telemetry).context("starting telemetry")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
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
    let settings = Settings::load().context("loading settings")?;
    crate::telemetry::init(&settings.telemetry).context("starting telemetry")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let report = runtime.block_on(crate::startup::migrate(&settings))?;
    println!("{report}");
    Ok(())
}

/// `gamebot serve`: loads the settings, then runs the bot on an actix system until Ctrl-C or a
/// shard closes for good. A missing or rejected token ends it with one line saying so.
pub fn serve() -> anyhow::Result<()> {
    let settings = Settings::load().context("loading settings")?;
    crate::telemetry::init(&settings.telemetry).context("starting telemetry")?;
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
}

/// Answers a words query with the verdict and why, as text for a terminal.
pub fn words_report(words: &WordService, query: &WordsQuery) -> String {
    match query {
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

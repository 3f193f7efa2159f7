//! The `gamebot` binary: parse the command line and hand over to the library.
use std::process::ExitCode;

use clap::Parser;
use gamebot::cli::{words_report, Cli, Command};
use gamebot::domain::words::WordService;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Migrate => gamebot::cli::migrate(),
        Command::Serve => gamebot::cli::serve(),
        Command::Bench { postgres, writers, appends, games, rounds } => {
            gamebot::cli::bench(postgres.as_deref(), writers, appends, games, rounds)
        }
        Command::Demo { database, seed, quick, no_progress } => {
            let options = gamebot::demo::DemoOptions {
                seed,
                quick,
                progress_bar: !no_progress,
                ..Default::default()
            };
            gamebot::cli::demo(database, options)
        }
        Command::Replay { game, until_version, verify } => {
            gamebot::cli::replay(&game, until_version, verify)
        }
        Command::Deadletters { action } => gamebot::cli::deadletters(action.as_ref()),
        Command::Projections { action } => gamebot::cli::projections(&action),
        Command::Words { query } => {
            println!("{}", words_report(WordService::embedded(), &query));
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` prints the whole cause chain on one line.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

//! The `gamebot` binary: parse the command line and hand over to the library.
use clap::Parser;
use gamebot::cli::{words_report, Cli, Command};
use gamebot::domain::words::WordService;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Migrate => anyhow::bail!("migrate is not built yet"),
        Command::Words { query } => {
            println!("{}", words_report(WordService::embedded(), &query));
            Ok(())
        }
    }
}

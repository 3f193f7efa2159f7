//! GameBot runs Word Match, a team word game, on Discord, on an actor-based, event-sourced engine.
//!
//! # Layout
//! - [`domain`]: the game itself, pure: aggregates (game, team, player, guild), their commands,
//!   events and rules, and the word service. No IO, no clock or randomness of its own.
//! - [`store`]: the event store: one trait, PostgreSQL and SQLite backends, the codec with schema
//!   versions and upcasters, snapshots and subscription checkpoints.
//! - [`projections`]: the read models (games, teams, player and team stats, game results for
//!   leaderboards, replays, active players) built from the log, and [`projections::ReadModels`]
//!   to query them.
//! - [`reactors`]: side effects that follow the log: process managers carrying steps between
//!   streams (forbidden lists, active games, teams, replay names) and durable timers.
//! - [`discord`]: the Discord adapter: command parsing (prefix, DM and slash commands) and the
//!   rendering of every message the bot sends, both pure.
//! - [`service`]: the one path from a player's intent (Discord, slash commands, DMs, the demo,
//!   tests) to commands on the right streams in the right order, with typed outcomes for replies.
//! - [`config`]: typed, layered settings (files, then `GAMEBOT_` environment variables).
//! - [`telemetry`]: tracing set-up, human-readable or JSON lines.
//! - [`startup`]: wiring: settings in, connected parts (the event store, later the engine) out.
//! - [`cli`]: the command line: `migrate`, `words`, and later `serve`, `demo`, `replay`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(clippy::all)]

pub mod cli;
pub mod config;
pub mod discord;
pub mod domain;
pub mod projections;
pub mod reactors;
pub mod runtime;
pub mod service;
pub mod startup;
pub mod store;
pub mod telemetry;

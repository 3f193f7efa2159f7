//! End-to-end: `gamebot serve`'s wiring against a fake Discord. The bot runs with its real
//! twilight gateway and HTTP clients over ws:// and http:// on 127.0.0.1; scripted users type
//! commands in guild channels and answers in DMs, and the tests read what the bot sent.
#[path = "../fake_discord/mod.rs"]
mod fake_discord;
mod harness;

mod commands;
mod faults;
mod limits;
mod modes;
mod race;
mod resilience;
mod serve;
mod slash;

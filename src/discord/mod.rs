//! The Discord adapter. This part is pure: parsing what people type (prefix commands, direct
//! messages, slash commands) into commands, and rendering domain facts into the messages the bot
//! sends. The gateway and sender actors around it do the IO.
mod commands;
pub mod gateway;
pub mod inbound;
pub mod intake;
pub mod notifier;
pub mod permissions;
pub mod rate_limit;
mod render;
pub mod sender;
mod slash;

pub use commands::{
    parse_dm, parse_guild_message, usage, BotCommand, CommandHelp, DmCommand, LeaderboardKind,
    ParseError, Period, ReplayTarget, StatsTarget, COMMANDS,
};
pub use render::*;
pub use slash::{
    parse_slash, slash_definitions, SlashCommand, SlashCommandSpec, SlashOptionKind,
    SlashOptionSpec, SlashValue,
};

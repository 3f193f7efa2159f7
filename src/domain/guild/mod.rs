//! The Guild aggregate: one Discord server (`guild-<guild>`). It holds the server's settings
//! (command prefix, forbidden list size), the registry that keeps chosen team names unique, and
//! which channel has an open lobby or running game.
mod commands;
mod errors;
mod events;
mod prefix;
mod state;

pub use commands::GuildCommand;
pub use errors::GuildError;
pub use events::GuildEvent;
pub use prefix::{Prefix, PrefixError, DEFAULT_PREFIX, PREFIX_MAX_CHARS};
pub use state::Guild;

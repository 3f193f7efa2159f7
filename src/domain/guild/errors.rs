//! Why a guild refused a command; messages are shown to the member after `Error:`.
//!
//! # Handling
//! All variants are user errors: reply with the `Display` text; never retry.
use crate::domain::GameId;

/// Why the Guild aggregate refused a command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GuildError {
    /// A setting change from a member without Manage Server.
    #[error("changing this setting needs the Manage Server permission")]
    MissingManageServer,
    /// Another team of this guild holds the name (compared case-insensitively).
    #[error("the team name \"{0}\" is already taken in this server")]
    NameTaken(String),
    /// The channel already has an open lobby or a running game.
    #[error("this channel already has a game; finish or cancel it first")]
    ChannelBusy(GameId),
}

//! What a guild's stream can be asked to do: settings changes from members, and registry and
//! lobby steps from the runtime.
use super::Prefix;
use crate::domain::player::ForbiddenListSize;
use crate::domain::team::TeamName;
use crate::domain::{ChannelId, GameId, TeamId, UserId};

/// A command for the Guild aggregate.
#[derive(Clone, Debug, PartialEq)]
pub enum GuildCommand {
    /// `wmprefix <new>`: needs the Manage Server permission.
    ChangePrefix {
        /// Who asks.
        by: UserId,
        /// Whether they hold Manage Server in this guild (the adapter resolves their roles).
        has_manage_guild: bool,
        /// The new prefix.
        prefix: Prefix,
    },
    /// Sets the forbidden list size for every player of the guild; needs Manage Server.
    ChangeForbiddenListSize {
        /// Who asks.
        by: UserId,
        /// Whether they hold Manage Server in this guild.
        has_manage_guild: bool,
        /// The new size.
        size: ForbiddenListSize,
    },
    /// Holds a chosen name for a team; frees the name the team held before.
    ReserveTeamName {
        /// The team.
        team: TeamId,
        /// The name it wants.
        name: TeamName,
    },
    /// Frees a team's name (its invitation expired or it was disbanded); a no-op if it holds
    /// none.
    ReleaseTeamName {
        /// The team.
        team: TeamId,
    },
    /// A lobby opens (or a Two Player game starts) in a channel.
    OpenChannelGame {
        /// The channel.
        channel: ChannelId,
        /// The game.
        game: GameId,
    },
    /// The channel's game ended or was cancelled; a no-op for any other game.
    CloseChannelGame {
        /// The channel.
        channel: ChannelId,
        /// The game.
        game: GameId,
    },
}

//! What happened to a guild's settings, name registry and channels.
use serde::{Deserialize, Serialize};

use super::Prefix;
use crate::domain::player::ForbiddenListSize;
use crate::domain::team::TeamName;
use crate::domain::{ChannelId, DomainEvent, GameId, TeamId, UserId};

/// An event of the Guild aggregate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum GuildEvent {
    /// The command prefix changed.
    PrefixChanged {
        /// Who changed it.
        by: UserId,
        /// The prefix before.
        old: Prefix,
        /// The prefix now.
        new: Prefix,
    },
    /// The forbidden list size changed (players' lists follow on their next recorded answers).
    ForbiddenListSizeChanged {
        /// Who changed it.
        by: UserId,
        /// The size before.
        old: ForbiddenListSize,
        /// The size now.
        new: ForbiddenListSize,
    },
    /// A team now holds a name.
    TeamNameReserved {
        /// The team.
        team: TeamId,
        /// The name.
        name: TeamName,
        /// The name the team held before, now free.
        released: Option<TeamName>,
    },
    /// A team's name is free again.
    TeamNameReleased {
        /// The team.
        team: TeamId,
        /// The freed name.
        name: TeamName,
    },
    /// A channel's lobby or game opened.
    ChannelGameOpened {
        /// The channel.
        channel: ChannelId,
        /// The game.
        game: GameId,
    },
    /// A channel's game ended or was cancelled; the channel is free.
    ChannelGameClosed {
        /// The channel.
        channel: ChannelId,
        /// The game.
        game: GameId,
    },
}

impl DomainEvent for GuildEvent {
    fn event_type(&self) -> &'static str {
        match self {
            GuildEvent::PrefixChanged { .. } => "PrefixChanged",
            GuildEvent::ForbiddenListSizeChanged { .. } => "ForbiddenListSizeChanged",
            GuildEvent::TeamNameReserved { .. } => "TeamNameReserved",
            GuildEvent::TeamNameReleased { .. } => "TeamNameReleased",
            GuildEvent::ChannelGameOpened { .. } => "ChannelGameOpened",
            GuildEvent::ChannelGameClosed { .. } => "ChannelGameClosed",
        }
    }
}

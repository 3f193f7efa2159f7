//! What happened to a player in a guild.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ForbiddenListSize, InvitationOutcome, ResolvedPairId};
use crate::domain::words::Word;
use crate::domain::{DomainEvent, GameId, TeamId};

/// An event of the Player aggregate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum PlayerEvent {
    /// A resolved pair's answers went onto the forbidden list.
    AnswersRecorded {
        /// The game.
        game: GameId,
        /// The resolved pair (so a redelivery is recognised).
        pair: ResolvedPairId,
        /// The list size in force: the list was resized to it before adding.
        list_size: ForbiddenListSize,
        /// The words added, oldest first (answers already listed are left out).
        added: Vec<Word>,
        /// The words that fell off the old end, oldest first (informational: folding `added`
        /// at `list_size` drops exactly these).
        dropped: Vec<Word>,
    },
    /// The player entered a game.
    ActiveGameClaimed {
        /// The game.
        game: GameId,
    },
    /// The player's game ended or their team left it.
    ActiveGameReleased {
        /// The game.
        game: GameId,
    },
    /// The player joined a newly formed team.
    TeamJoined {
        /// The new team.
        team: TeamId,
        /// The team this one supersedes; the runtime disbands it.
        previous_team: Option<TeamId>,
    },
    /// The player's team was disbanded.
    TeamLeft {
        /// The team.
        team: TeamId,
    },
    /// The player sent an invitation.
    InvitationSent {
        /// The team it opens.
        team: TeamId,
        /// When it expires.
        expires_at: DateTime<Utc>,
        /// The expired invitation it replaces, if one was still noted.
        replaced: Option<TeamId>,
    },
    /// The player's pending invitation ended.
    PendingInvitationCleared {
        /// Its team.
        team: TeamId,
        /// How it ended.
        outcome: InvitationOutcome,
    },
}

impl DomainEvent for PlayerEvent {
    fn event_type(&self) -> &'static str {
        match self {
            PlayerEvent::AnswersRecorded { .. } => "AnswersRecorded",
            PlayerEvent::ActiveGameClaimed { .. } => "ActiveGameClaimed",
            PlayerEvent::ActiveGameReleased { .. } => "ActiveGameReleased",
            PlayerEvent::TeamJoined { .. } => "TeamJoined",
            PlayerEvent::TeamLeft { .. } => "TeamLeft",
            PlayerEvent::InvitationSent { .. } => "InvitationSent",
            PlayerEvent::PendingInvitationCleared { .. } => "PendingInvitationCleared",
        }
    }
}

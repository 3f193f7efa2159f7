//! What a player's stream can be asked to do. Most commands come from process managers reacting
//! to game and team events, so each is idempotent: a redelivered step changes nothing.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::ForbiddenListSize;
use crate::domain::words::Word;
use crate::domain::{GameId, TeamId};

/// Identifies one resolved guess pair: the id of the game event that resolved it (the store's
/// event id). A redelivery of that event carries the same id, so its words are recorded once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResolvedPairId(pub Uuid);

/// How a pending invitation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationOutcome {
    /// The invitee accepted; the team formed.
    Accepted,
    /// Nobody accepted in time.
    Expired,
    /// A later step of sending it was refused (for example the name was taken), so it never
    /// reached the team stream.
    Withdrawn,
}

/// A command for the Player aggregate.
#[derive(Clone, Debug, PartialEq)]
pub enum PlayerCommand {
    /// A guess pair resolved: add the player's accepted answers to the forbidden list.
    RecordAnswers {
        /// The game the pair was played in.
        game: GameId,
        /// The resolved pair (idempotency key).
        pair: ResolvedPairId,
        /// The accepted answers to add, in the order given.
        words: Vec<Word>,
        /// The guild's current list size (the list shrinks or grows to it first).
        list_size: ForbiddenListSize,
    },
    /// The player's team entered a game (lobby or start): it becomes their one active game.
    ClaimActiveGame {
        /// The game.
        game: GameId,
    },
    /// The game ended or the team left it: the player is free again.
    ReleaseActiveGame {
        /// The game being released; another game's release is a no-op.
        game: GameId,
    },
    /// The player is a member of a newly formed team.
    JoinTeam {
        /// The new team.
        team: TeamId,
    },
    /// The player's team was disbanded.
    LeaveTeam {
        /// The disbanded team; a team that is not the current one is a no-op.
        team: TeamId,
    },
    /// The player sent an invitation (checked before the team stream is opened).
    NoteInvitationSent {
        /// The team the invitation opens.
        team: TeamId,
        /// When it expires (the team's `INVITATION_TTL` after now).
        expires_at: DateTime<Utc>,
    },
    /// The player's pending invitation ended.
    ClearPendingInvitation {
        /// The invitation's team; another team's is a no-op.
        team: TeamId,
        /// How it ended.
        outcome: InvitationOutcome,
    },
}

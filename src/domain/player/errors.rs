//! Why a player's stream refused a command; messages are shown to the player after `Error:`.
//!
//! # Handling
//! All variants are user errors: reply with the `Display` text; never retry.
use chrono::{DateTime, Utc};

use crate::domain::{GameId, TeamId};

/// Why the Player aggregate refused a command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlayerError {
    /// The player is already in another active game (a player plays one game at a time).
    #[error("you are already in another game; it must end (or your team must leave it) first")]
    AlreadyInGame(GameId),
    /// The player already has an unexpired invitation out.
    #[error("you already have a pending invitation; it expires at {expires_at}")]
    InvitationPending {
        /// The team of the pending invitation.
        team: TeamId,
        /// When it expires.
        expires_at: DateTime<Utc>,
    },
}

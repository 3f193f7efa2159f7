//! The Player aggregate: one player in one guild (`player-<guild>-<user>`). It holds what must
//! be true of a player across games and teams: the forbidden list, the one active game, the
//! current team and the one pending invitation they sent.
mod commands;
mod errors;
mod events;
mod forbidden_list;
mod state;

pub use commands::{InvitationOutcome, PlayerCommand, ResolvedPairId};
pub use errors::PlayerError;
pub use events::PlayerEvent;
pub use forbidden_list::{
    ForbiddenList, ForbiddenListSize, ForbiddenListSizeError, Pushed, DEFAULT_FORBIDDEN_LIST_SIZE,
    MAX_FORBIDDEN_LIST_SIZE, MIN_FORBIDDEN_LIST_SIZE,
};
pub use state::{PendingInvitation, Player, RECENT_PAIRS_KEPT};

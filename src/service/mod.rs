//! The service layer: the one path from a player's intent (Discord message, slash command, DM,
//! demo player, test) to commands on the right streams in the right order. Callers hand it a
//! [`Caller`] and the input's source id; it returns typed outcomes for the reply renderer, or
//! one [`ServiceError`] whose `Display` is the player-facing reason.
mod answers;
mod core;
mod errors;
mod games;
mod lookups;
mod queries;
mod teams;

pub use answers::PlayerGame;
pub use core::{Caller, GameService};
pub use errors::{ServiceError, SOMETHING_WENT_WRONG};
pub use games::GameOutcome;
pub use lookups::{ActiveGame, LogIndex, LookupError, Lookups, LOG_INDEX_BATCH};
pub use queries::{GuildSettings, PrefixOutcome, StatsReply};
pub use teams::{AcceptOutcome, InviteOutcome, RenameOutcome};

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
mod read_model_lookups;
mod teams;

pub use answers::PlayerGame;
pub use core::{Caller, GameService, TEAM_REACTOR_POLL, TEAM_REACTOR_WAIT};
pub use errors::{ServiceError, SOMETHING_WENT_WRONG, STORE_UNAVAILABLE};
pub use games::GameOutcome;
pub use lookups::{
    ActiveGame, LogIndex, LookupError, Lookups, LOG_INDEX_BATCH, LOG_INDEX_REREAD,
    LOG_INDEX_VISIBILITY_WAIT,
};
pub use queries::{GuildSettings, PrefixOutcome, StatsReply};
pub use read_model_lookups::{ReadModelLookups, HISTORY_SIZE, READ_MODEL_POLL, READ_MODEL_WAIT};
pub use teams::{AcceptOutcome, InviteOutcome, RenameOutcome, TeamInfo};

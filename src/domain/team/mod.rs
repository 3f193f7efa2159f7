//! The Team aggregate: two players of one guild who play together. Its stream
//! (`team-<guild>-<uuid>`) is created by an invitation, becomes a team when the invitee accepts,
//! can be renamed by its members, and ends when a member forms a newer team.
mod commands;
mod errors;
mod events;
mod name;
mod state;

pub use commands::{DisbandReason, Member, TeamCommand};
pub use errors::TeamError;
pub use events::{NameOrigin, TeamEvent};
pub use name::{TeamName, TeamNameError, TEAM_NAME_MAX_CHARS, TEAM_NAME_MIN_CHARS};
pub use state::{Invitation, NameRecord, Team, TeamStatus, INVITATION_TTL};

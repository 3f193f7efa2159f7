//! The pure core of Word Match: aggregates decide on commands and fold events; nothing here does
//! IO, reads the clock or draws randomness of its own (both come in through [`Ctx`]).
mod aggregate;
pub mod game;
pub mod guild;
mod ids;
pub mod player;
pub mod team;
#[cfg(test)]
pub mod testing;
pub mod words;

pub use aggregate::{Aggregate, Ctx, DomainEvent};
pub use ids::{ChannelId, GameId, GuildId, TeamId, UserId};

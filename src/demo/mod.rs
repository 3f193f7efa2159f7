//! The demo: a tournament of all five modes between simulated players, played through the same
//! service, registry and timers as Discord, on a clock fast enough to finish in seconds.
mod associations;
mod clock;

pub use associations::{Associations, Mind};
pub use clock::DemoClock;

//! The demo: a tournament of all five modes between simulated players, played through the same
//! service, registry and timers as Discord, on a clock fast enough to finish in seconds.
mod associations;
mod clock;
mod players;
mod tournament;

pub use associations::{Associations, Mind};
pub use clock::DemoClock;
pub use players::{play_team, Counts, SimPlayer, Table, LOOK_AGAIN};
pub use tournament::{run, DemoOptions, DemoReport, PlayedGame, LONGFORM_SPEED, TIMED_SPEED};

/// Why the demo stopped.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The service refused a scripted step (a bug in the script or the engine).
    #[error("{step}: {error}")]
    Service {
        /// What the script was doing.
        step: String,
        /// The service's reason.
        error: String,
    },
    /// The engine failed under the demo.
    #[error("{0}")]
    Engine(String),
    /// Something did not finish in time.
    #[error("stuck: {0}")]
    Stuck(String),
    /// The event store failed.
    #[error("the event store failed")]
    Store(#[from] crate::store::StoreError),
    /// A replay could not be built or verified (boxed: it carries every difference found).
    #[error(transparent)]
    Verify(Box<crate::replay::VerifyError>),
}

impl From<crate::replay::VerifyError> for DemoError {
    fn from(error: crate::replay::VerifyError) -> Self {
        DemoError::Verify(Box::new(error))
    }
}

impl From<crate::replay::ReplayError> for DemoError {
    fn from(error: crate::replay::ReplayError) -> Self {
        DemoError::Verify(Box::new(error.into()))
    }
}

impl From<crate::store::CodecError> for DemoError {
    fn from(error: crate::store::CodecError) -> Self {
        DemoError::Store(error.into())
    }
}

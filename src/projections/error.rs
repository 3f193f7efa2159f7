//! What can go wrong reading a read model or rebuilding one.
use crate::store::StoreError;

/// A read-model query or rebuild failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadModelError {
    /// The database refused or failed a query.
    ///
    /// # Handling
    /// Infrastructure: log it and show a generic message.
    #[error("read-model query failed: {0}")]
    Sql(#[from] sqlx::Error),
    /// The event store failed (reading the log or a checkpoint).
    ///
    /// # Handling
    /// Infrastructure: log it and show a generic message.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A projection panicked while rebuilding (the event it panicked on is parked, unless it
    /// panicked outside any event).
    ///
    /// # Handling
    /// A bug: fix it and run the rebuild again.
    #[error(transparent)]
    Panicked(#[from] crate::runtime::SubscriberPanicked),
    /// A subscriber failed while resetting its read model.
    ///
    /// # Handling
    /// Infrastructure: the rebuild did not happen; fix the cause and run it again.
    #[error("resetting {projection}: {message}")]
    Reset {
        /// The projection.
        projection: &'static str,
        /// What went wrong.
        message: String,
    },
    /// A stored value does not read back (a column the projections never write that way).
    ///
    /// # Handling
    /// Infrastructure: rebuild the projection.
    #[error("read model {table} holds an unreadable value: {reason}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// `projections rebuild <name>` named no projection.
    ///
    /// # Handling
    /// User: the message lists the valid names.
    #[error("no projection is called \"{name}\"; use one of {known} or all")]
    UnknownProjection {
        /// The name given.
        name: String,
        /// The valid names, comma separated.
        known: String,
    },
}

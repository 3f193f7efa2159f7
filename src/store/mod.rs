//! The event store: the append-only log of every fact GameBot records, and the source of truth.
//! One [`EventStore`] trait with a PostgreSQL backend (production) and a SQLite backend (the
//! embedded default), the envelope around each event, the [`Codec`] from typed domain events to
//! stored JSON with upcasters, snapshots, and subscription checkpoints written in the same
//! transaction as read models ([`ReadModelTx`]). All SQL lives in the backend modules.
mod codec;
mod envelope;
mod error;
mod event_store;
mod postgres;
mod sqlite;
mod stream_id;

pub use codec::{Codec, UpcastFn};
pub use envelope::{
    AppendOutcome, DeadLetter, ExpectedVersion, Metadata, NewEvent, RecordedEvent, Snapshot,
};
pub use error::{is_transient_chain, is_transient_sqlx, CodecError, StoreError};
pub use event_store::{
    connect, connect_and_report, EventStore, MigrationReport, ReadModelTx, ReadPool,
    MAX_EVENTS_PER_APPEND,
};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub use stream_id::{StreamId, StreamIdError, StreamKind};

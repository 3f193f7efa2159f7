//! The actor runtime against real stores: stream actors, the registry supervisor, idempotent
//! commands, conflicts between runtimes, snapshots, passivation and the health line. Every test
//! body runs on PostgreSQL (a fresh database) and on SQLite (a temp file).
#[macro_use]
mod helpers;

// actors: crash and restart, serialized answers, idempotency, snapshots, passivation.
mod actors;
// conflicts: two runtimes writing one stream on one database.
mod conflicts;
// health: the periodic line and its fields.
mod health;
// followers: transient failures retried until applied once, parking, re-drive, restarts.
mod followers;

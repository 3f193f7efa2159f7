//! The event store conformance suite: every test body runs once on PostgreSQL (a fresh database
//! per test, from `GAMEBOT_TEST_DATABASE_URL`) and once on SQLite (a temp file), as
//! `<module>::<test>::on_postgres` and `<module>::<test>::on_sqlite`.
#[macro_use]
mod helpers;

// append: expected versions, concurrent writers, rejected appends.
mod append;
// codec: typed round trips, upcasters, unknown types and corrupt rows.
mod codec;
// codec_fuzz: random bytes, random JSON, truncation, unknown types and versions never decode.
mod codec_fuzz;
// migrate: the `gamebot migrate` command on a fresh directory.
mod migrate;
// reading: read_stream paging, read_all followed under concurrent writers, large payloads.
mod reading;
// sessions: the connection settings each backend relies on.
mod sessions;
// state: snapshots, checkpoints with read models, the append signal.
mod state;

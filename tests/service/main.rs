//! The service suite: every intent goes through `GameService` only, on a real runtime and a
//! fresh database, once on PostgreSQL (`*_postgres`) and once on SQLite (`*_sqlite`).
#[macro_use]
mod helpers;

// teams: invitations, acceptance, expiry, renames and name uniqueness.
mod teams;
// games: lobbies and the refusals of open, join, leave, start and cancel.
mod games;
// play: whole games through DM answers and timers.
mod play;
// idempotency: the same source id sent twice does nothing the second time.
mod idempotency;
// queries: statistics, leaderboards, history, replays and the prefix.
mod queries;
// standalone: the service on a runtime without projections or reactors.
mod standalone;

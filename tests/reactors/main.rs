//! Reactor tests: a runtime with every reactor on a fresh database per test (both backends),
//! driven with real commands through the registry.
#[macro_use]
mod helpers;

// Resolved pairs reach the players' forbidden lists, exactly once.
mod forbidden_words;
// Replay names and released active games when games end.
mod game_end;
// Team formation, supersession and invitation expiry.
mod teams;
// Lobby and idle timeouts: expired lobbies and idle games set their channel and players free.
mod timeouts;
// Knockout, Race, passivation and restart on durable timers.
mod timers;

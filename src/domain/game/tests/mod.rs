//! Given/when/then tests of the game rules, one file per area, and property tests over random
//! command sequences.
mod answers;
mod golf;
mod knockout;
mod lifecycle;
mod longform;
mod properties;
mod race;
mod support;
mod timeouts;
mod two_player;

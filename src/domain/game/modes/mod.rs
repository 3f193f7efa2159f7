//! Mode rules: how play opens, what a match or a miss leads to, how rounds and clocks end, and
//! who wins. Each mode keeps its rules in its own file; `common` routes to them and holds what
//! several modes share.
mod common;
pub(super) mod knockout;
pub(super) mod longform;
pub(super) mod race;
pub(super) mod ranking;
pub(super) mod two_player;

pub(super) use common::{
    after_match, after_miss, emit_round_ended, end_game, match_points, open_play, round_results,
    start_shared_round,
};

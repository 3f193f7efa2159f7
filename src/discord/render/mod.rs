//! Rendering: pure functions from domain facts (events, game state, read-model views) to the
//! messages the bot sends, obeying the message contract of game-rules.md: markers in the first
//! line of the content, every message within Discord's 2,000-character limit.
mod answers;
mod game_over;
mod lobby;
mod message;
mod replies;
mod rounds;
mod stats;
mod status;

#[cfg(test)]
mod tests;

pub use answers::{
    answer_accepted, answer_rejected, dm_status, pair_abandoned, pair_dm, pair_line, pair_matched,
    pair_missed, team_out_dm,
};
pub use game_over::{game_over, game_over_with_reason};
pub use lobby::{
    game_cancelled, game_started, lobby_expired, lobby_opened, options_line, round_started,
    team_joined, team_left,
};
pub use message::{
    duration, elimination_reason, mention, split_for_discord, spoken_duration, EmbedField,
    EmbedSpec, OutgoingMessage, TeamNames, COLOUR_LOBBY, COLOUR_STATS, DISCORD_MESSAGE_LIMIT,
    EMBED_FIELD_LIMIT,
};
pub use replies::{
    dms_closed, error_reply, help, invitation_expired, invitation_sent, prefix_changed,
    replay_not_found, team_formed, team_not_found, team_renamed,
};
pub use rounds::{longform_reveal, round_summary};
pub use stats::{
    history, leaderboard, no_team, player_stats, replay, team_stats, BestPartner, Contender,
    HistoryEntry, HistoryView, LeaderboardRow, LeaderboardView, PlayerStatsView, ReplayGuess,
    ReplayRound, ReplayStory, ReplayTeamRound, TeamStatsView, LEADERBOARD_SIZE,
};
pub use status::{channel_status, no_game_here};

//! What a game can be asked to do: lifecycle commands from the guild channel, answers and give-ups
//! from direct messages, and timer commands fired by the runtime at deadlines the game's own
//! events announced. Every command names the guild it came from; a game refuses another guild's.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::options::GameOptions;
use super::state::Phase;
use super::timeouts::GameTimeouts;
use crate::domain::{ChannelId, GameId, GuildId, TeamId, UserId};

/// The forbidden-list size a guild uses unless it configured another.
pub const DEFAULT_FORBIDDEN_LIST_SIZE: u32 = 12;

/// A team as it stands when it enters a game: its two players and each player's persisted
/// forbidden list (oldest first), taken from the team and player streams by the caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamSnapshot {
    /// The team.
    pub team_id: TeamId,
    /// The team's current name.
    pub name: String,
    /// The two players.
    pub players: [UserId; 2],
    /// Each player's forbidden list, oldest first, aligned with `players`.
    pub forbidden: [Vec<String>; 2],
}

/// A command to a game. Serializable so the runtime can persist or log the timer commands it arms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum GameCommand {
    /// Opens a lobby (or, for Two Player, starts at once).
    CreateGame {
        /// The id the runtime minted for the game.
        game_id: GameId,
        /// Where the game is played.
        guild: GuildId,
        /// The channel announcements go to.
        channel: ChannelId,
        /// The player who opened it.
        creator: UserId,
        /// Mode and options.
        options: GameOptions,
        /// The creator's team, which joins at once; required for Two Player.
        creator_team: Option<TeamSnapshot>,
        /// The guild's forbidden-list size.
        forbidden_list_size: u32,
        /// How long the lobby waits for a start and the game for an answer (the deployment's
        /// `games.*` settings).
        timeouts: GameTimeouts,
    },
    /// A team joins the lobby.
    JoinGame {
        /// The guild the command came from.
        guild: GuildId,
        /// The joining team.
        team: TeamSnapshot,
    },
    /// The team of `player` leaves the lobby.
    LeaveGame {
        /// The guild the command came from.
        guild: GuildId,
        /// The player asking.
        player: UserId,
    },
    /// The creator starts the game.
    StartGame {
        /// The guild the command came from.
        guild: GuildId,
        /// The player asking.
        by: UserId,
    },
    /// Cancels the lobby or the running game.
    CancelGame {
        /// The guild the command came from.
        guild: GuildId,
        /// The player asking.
        by: UserId,
        /// Whether `by` has the Manage Server permission in the guild.
        has_manage_guild: bool,
    },
    /// A player's answer to the team's current pair.
    SubmitAnswer {
        /// The guild of the player's active game.
        guild: GuildId,
        /// The player answering.
        player: UserId,
        /// The text as typed.
        raw: String,
    },
    /// `give up`: abandons the pair (Race, Golf Race) or forfeits (Knockout).
    GiveUp {
        /// The guild of the player's active game.
        guild: GuildId,
        /// The player giving up.
        player: UserId,
    },
    /// Timer: a Knockout round's deadline passed.
    ExpireRound {
        /// The game's guild.
        guild: GuildId,
        /// The round the timer was armed for.
        round: u32,
        /// The deadline the timer was armed for.
        deadline: DateTime<Utc>,
    },
    /// Timer: the pause after a Knockout round is over; start `round`.
    StartNextRound {
        /// The game's guild.
        guild: GuildId,
        /// The round to start.
        round: u32,
        /// The start time the timer was armed for.
        next_round_at: DateTime<Utc>,
    },
    /// Timer: the Race or Golf Race clock ran out.
    EndClock {
        /// The game's guild.
        guild: GuildId,
        /// The clock end the timer was armed for.
        clock_ends_at: DateTime<Utc>,
    },
    /// Gives a finished game its replay name, chosen (unique per database) by the replay-naming
    /// process manager after `GameEnded`. Naming an already named game again changes nothing.
    NameReplay {
        /// The game's guild.
        guild: GuildId,
        /// The name, `<word>-<NNN>`.
        name: String,
    },
    /// Timer: a Longform round's time is up.
    EndLongformRound {
        /// The game's guild.
        guild: GuildId,
        /// The round the timer was armed for.
        round: u32,
        /// The deadline the timer was armed for.
        deadline: DateTime<Utc>,
    },
    /// Timer: nobody started the lobby in time.
    ExpireLobby {
        /// The game's guild.
        guild: GuildId,
        /// The lobby deadline the timer was armed for.
        deadline: DateTime<Utc>,
    },
    /// Timer: nobody answered the running game for its idle period.
    EndIdleGame {
        /// The game's guild.
        guild: GuildId,
        /// The idle deadline the timer was armed for.
        deadline: DateTime<Utc>,
    },
}

impl GameCommand {
    /// The guild the command came from.
    pub fn guild(&self) -> GuildId {
        match self {
            GameCommand::CreateGame { guild, .. }
            | GameCommand::JoinGame { guild, .. }
            | GameCommand::LeaveGame { guild, .. }
            | GameCommand::StartGame { guild, .. }
            | GameCommand::CancelGame { guild, .. }
            | GameCommand::SubmitAnswer { guild, .. }
            | GameCommand::GiveUp { guild, .. }
            | GameCommand::NameReplay { guild, .. }
            | GameCommand::ExpireRound { guild, .. }
            | GameCommand::StartNextRound { guild, .. }
            | GameCommand::EndClock { guild, .. }
            | GameCommand::EndLongformRound { guild, .. }
            | GameCommand::ExpireLobby { guild, .. }
            | GameCommand::EndIdleGame { guild, .. } => *guild,
        }
    }

    /// A short lowercase name for logs (`command.kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            GameCommand::CreateGame { .. } => "create_game",
            GameCommand::JoinGame { .. } => "join_game",
            GameCommand::LeaveGame { .. } => "leave_game",
            GameCommand::StartGame { .. } => "start_game",
            GameCommand::CancelGame { .. } => "cancel_game",
            GameCommand::SubmitAnswer { .. } => "submit_answer",
            GameCommand::GiveUp { .. } => "give_up",
            GameCommand::NameReplay { .. } => "name_replay",
            GameCommand::ExpireRound { .. } => "expire_round",
            GameCommand::StartNextRound { .. } => "start_next_round",
            GameCommand::EndClock { .. } => "end_clock",
            GameCommand::EndLongformRound { .. } => "end_longform_round",
            GameCommand::ExpireLobby { .. } => "expire_lobby",
            GameCommand::EndIdleGame { .. } => "end_idle_game",
        }
    }

    /// Whether a timer, rather than a person, sent the command.
    pub fn is_timer(&self) -> bool {
        self.timer_phase().is_some()
    }

    /// For a timer command, the phase it was armed in: a timer that finds the game in another
    /// phase is stale. None for the commands people send.
    pub fn timer_phase(&self) -> Option<Phase> {
        match self {
            GameCommand::ExpireLobby { .. } => Some(Phase::Lobby),
            GameCommand::ExpireRound { .. }
            | GameCommand::StartNextRound { .. }
            | GameCommand::EndClock { .. }
            | GameCommand::EndLongformRound { .. }
            | GameCommand::EndIdleGame { .. } => Some(Phase::Running),
            GameCommand::CreateGame { .. }
            | GameCommand::JoinGame { .. }
            | GameCommand::LeaveGame { .. }
            | GameCommand::StartGame { .. }
            | GameCommand::CancelGame { .. }
            | GameCommand::SubmitAnswer { .. }
            | GameCommand::GiveUp { .. }
            | GameCommand::NameReplay { .. } => None,
        }
    }
}

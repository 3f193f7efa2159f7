//! Why a game refused a command. Every message is read by a player after `Error:` (channel
//! commands) or `Invalid:` (answers in DMs), so each one says what was wrong in plain words.
//!
//! # Handling
//! Every variant is a user error: reply with its `Display` and change nothing. None is worth a
//! retry, and none is an infrastructure failure.
use super::options::Mode;
use crate::domain::words::InvalidWord;

/// Where a forbidden word comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForbiddenBy {
    /// One of the two words dealt to the team this round.
    DealtPair,
    /// The player's own forbidden list (words used before).
    ForbiddenList,
}

impl std::fmt::Display for ForbiddenBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ForbiddenBy::DealtPair => "in your pair this round",
            ForbiddenBy::ForbiddenList => "on your forbidden list",
        })
    }
}

fn forbidden_message(word: &str, forbidden: &str, by: ForbiddenBy) -> String {
    if word == forbidden {
        format!("\"{word}\" is not allowed: it is {by}; answer another word")
    } else {
        format!(
            "\"{word}\" is not allowed: it is a form of \"{forbidden}\", which is {by}; \
             answer another word"
        )
    }
}

/// A refused game command.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GameError {
    /// The command needs a game that was never created.
    #[error("there is no game here")]
    NoSuchGame,
    /// `CreateGame` on a stream that already holds a game.
    #[error("this game already exists")]
    GameAlreadyExists,
    /// The command came from another guild than the game's.
    #[error("this game belongs to another server")]
    WrongGuild,
    /// Two Player needs the creator's team.
    #[error("Two Player is played by your team: form one with your partner first")]
    TeamRequired,
    /// A team whose two players are the same person.
    #[error("a team needs two different players")]
    NotTwoPlayers,
    /// Join by a team already in the game.
    #[error("your team is already in this game")]
    AlreadyJoined,
    /// Join by a team with a player who already plays for another team in this game.
    #[error("a player of your team is already in this game with another team")]
    PlayerAlreadyInGame,
    /// The lobby holds the most teams the mode allows.
    #[error("the lobby is full ({max} teams)")]
    LobbyFull {
        /// The mode's maximum.
        max: usize,
    },
    /// Join, leave or start after the lobby closed.
    #[error("the game has already started")]
    AlreadyStarted,
    /// Two Player games have no lobby to join or leave.
    #[error("a Two Player game has no lobby")]
    NoLobby,
    /// Leave by a player whose team is not in the lobby.
    #[error("your team is not in this lobby")]
    TeamNotInLobby,
    /// Start by someone other than the lobby's creator.
    #[error("only the player who opened the lobby can start it")]
    NotTheCreator,
    /// Start with fewer teams than the mode needs.
    #[error("{mode} needs at least {min} teams to start; {joined} joined")]
    TooFewTeams {
        /// The mode.
        mode: Mode,
        /// Its minimum.
        min: usize,
        /// Teams in the lobby.
        joined: usize,
    },
    /// Cancel by someone who is neither the creator nor a Manage Server member.
    #[error("only the player who opened the game or a member with Manage Server can cancel it")]
    NotAllowedToCancel,
    /// A play command before the game started.
    #[error("the game has not started yet")]
    NotStarted,
    /// A replay name for a game that has not ended.
    #[error("only a finished game gets a replay name")]
    NotFinished,
    /// A replay name that is not `<word>-<NNN>`.
    #[error("a replay name is a word, a hyphen and a number from 100 to 999, not `{0}`")]
    BadReplayName(String),
    /// Any command after the game ended.
    #[error("the game is over")]
    GameOver,
    /// Any command after the game was cancelled.
    #[error("the game was cancelled")]
    GameCancelled,
    /// An answer or give up from someone who does not play in this game.
    #[error("you are not playing in this game")]
    NotInThisGame,
    /// An answer or give up from an eliminated team.
    #[error("your team is out of this game")]
    TeamIsOut,
    /// An answer after the team matched, before the next round.
    #[error("your team already matched this round; wait for the next round")]
    WaitForNextRound,
    /// An answer after the round or clock ran out, before the timer closed it.
    #[error("time is up")]
    TimeIsUp,
    /// A second answer before the partner answered.
    #[error("already answered, waiting for your partner")]
    AlreadyAnswered,
    /// The answer is not a valid word.
    #[error("{0}")]
    InvalidAnswer(#[from] InvalidWord),
    /// The answer is a forbidden word or a variant of one.
    #[error("{}", forbidden_message(word, forbidden, *by))]
    ForbiddenWord {
        /// The answer.
        word: String,
        /// The forbidden word it is, or is a variant of.
        forbidden: String,
        /// Where that word is forbidden.
        by: ForbiddenBy,
    },
    /// `give up` in a mode that has none.
    #[error("give up is not part of {0}")]
    GiveUpNotAllowed(Mode),
    /// Every possible pair is forbidden for the team.
    #[error("no word pair can be dealt: every word is forbidden for this team")]
    NoPairToDeal,
}

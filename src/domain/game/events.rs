//! What happened in a game, in the past tense. Every random or time-based fact (dealt pairs,
//! deadlines, answer times) and every derived fact (points, eliminations, winners, the final
//! ranking) is written here when it is decided, so replay and projections never recompute them.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::commands::TeamSnapshot;
use super::options::GameOptions;
use super::timeouts::GameTimeouts;
use crate::domain::words::MatchReason;
use crate::domain::{ChannelId, DomainEvent, GameId, GuildId, TeamId, UserId};

/// One player's answer inside a resolved pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GivenAnswer {
    /// Who answered.
    pub player: UserId,
    /// The text as typed.
    pub raw: String,
    /// The normalised word.
    pub word: String,
    /// Milliseconds between the pair being shown and this answer.
    pub answered_ms: u64,
}

/// The result of a resolved guess pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum GuessResult {
    /// Both answers are the same word.
    Matched {
        /// The normal form both answers reduce to.
        on: String,
        /// How the answers relate.
        reason: MatchReason,
    },
    /// The answers differ; they become the team's new pair.
    Missed,
}

impl GuessResult {
    /// Whether the pair matched.
    pub fn is_match(&self) -> bool {
        matches!(self, GuessResult::Matched { .. })
    }
}

/// Why a team left a running game.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EliminationReason {
    /// Knockout: reached the guess limit without matching.
    GuessLimit,
    /// Knockout: had not matched when the round ended.
    TimeExpired,
    /// Knockout: among the highest guess counts at round end.
    Slowest,
    /// Knockout: the team gave up.
    Forfeit,
    /// Longform: the highest guess count of the round.
    LongformRound,
}

/// One team's line in a round summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamRoundResult {
    /// The team.
    pub team_id: TeamId,
    /// Whether it matched this round.
    pub matched: bool,
    /// Its guess count this round (resolved pairs, counting the match).
    pub guess_count: u32,
    /// Why it went out this round, if it did (during the round or at its end).
    pub eliminated: Option<EliminationReason>,
}

/// When and why a team was eliminated, as shown in the final ranking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EliminationFact {
    /// The round it went out in.
    pub round: u32,
    /// Why.
    pub reason: EliminationReason,
}

/// One team's place in the final ranking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamStanding {
    /// 1 for the best; teams that tie share a rank.
    pub rank: u32,
    /// The team.
    pub team_id: TeamId,
    /// Its name during the game.
    pub name: String,
    /// Its players.
    pub players: [UserId; 2],
    /// Points (Race: matches; Golf Race: the points table; other modes: 0).
    pub score: i32,
    /// Pairs matched.
    pub matches: u32,
    /// Guesses the matched pairs took in total.
    pub matched_guesses: u32,
    /// `matched_guesses / matches`, or none without a match.
    pub average_guesses: Option<f64>,
    /// Pairs abandoned with `give up` (Race, Golf Race).
    pub give_ups: u32,
    /// Set for a team that was eliminated.
    pub eliminated: Option<EliminationFact>,
}

/// Why a game ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EndReason {
    /// The mode's rules decided the result. Games recorded before ending reasons existed read as
    /// this one.
    #[default]
    Played,
    /// Nobody answered for `idle_seconds`, so the game ended with no winner.
    Idle {
        /// How long the game had gone without an answer (the idle period of its mode).
        idle_seconds: u64,
    },
}

/// An event in a game stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum GameEvent {
    /// A game was opened.
    GameCreated {
        /// The game.
        game_id: GameId,
        /// Where it is played.
        guild: GuildId,
        /// The announcement channel.
        channel: ChannelId,
        /// Who opened it.
        creator: UserId,
        /// Mode and options.
        options: GameOptions,
        /// Forbidden-list size for its players.
        forbidden_list_size: u32,
        /// When.
        created_at: DateTime<Utc>,
        /// How long the lobby waits for a start and the game for an answer; the defaults for a
        /// game recorded before timeouts existed.
        #[serde(default)]
        timeouts: GameTimeouts,
    },
    /// A team joined the lobby.
    TeamJoined {
        /// The team with its players' forbidden lists.
        team: TeamSnapshot,
    },
    /// A team left the lobby.
    TeamLeft {
        /// The team.
        team_id: TeamId,
        /// The player who asked.
        by: UserId,
    },
    /// Play began.
    GameStarted {
        /// When.
        started_at: DateTime<Utc>,
        /// Race and Golf Race: when the game clock ends.
        clock_ends_at: Option<DateTime<Utc>>,
    },
    /// A shared round began (Two Player, Knockout, Longform); pairs follow.
    RoundStarted {
        /// The round number, from 1.
        round: u32,
        /// When.
        started_at: DateTime<Utc>,
        /// Knockout and Longform: when the round's time is up.
        round_deadline: Option<DateTime<Utc>>,
    },
    /// A team was dealt a new pair from the generation list.
    PairDealt {
        /// The team.
        team_id: TeamId,
        /// The team's round (shared round, or its own pair number in Race and Golf Race).
        round: u32,
        /// The two words.
        pair: [String; 2],
        /// When.
        dealt_at: DateTime<Utc>,
    },
    /// A player's answer was accepted; the partner has not answered yet.
    AnswerAccepted {
        /// The team.
        team_id: TeamId,
        /// Who answered.
        player: UserId,
        /// The text as typed.
        raw: String,
        /// The normalised word.
        word: String,
        /// Milliseconds since the pair was shown.
        answered_ms: u64,
    },
    /// Both players answered; the guess pair is resolved.
    PairResolved {
        /// The team.
        team_id: TeamId,
        /// The team's round.
        round: u32,
        /// The attempt number within the round (1 = a perfect round on a match).
        guess_count: u32,
        /// The pair the players answered.
        pair: [String; 2],
        /// Both answers, in the team's player order.
        answers: [GivenAnswer; 2],
        /// Match or miss.
        result: GuessResult,
        /// Points this pair earned (Race 1 per match, Golf Race by guesses, else 0).
        points: i32,
        /// When.
        resolved_at: DateTime<Utc>,
    },
    /// A Race or Golf Race team gave up its pair (a failed attempt); a new pair follows.
    PairAbandoned {
        /// The team.
        team_id: TeamId,
        /// The teammate who gave up.
        player: UserId,
        /// The team's round.
        round: u32,
        /// The attempt that the give up counts as.
        guess_count: u32,
        /// The pair abandoned.
        pair: [String; 2],
        /// Points it cost (Golf Race -1, Race 0).
        points: i32,
        /// When.
        abandoned_at: DateTime<Utc>,
    },
    /// A team is out of the game.
    TeamEliminated {
        /// The team.
        team_id: TeamId,
        /// The round.
        round: u32,
        /// Why.
        reason: EliminationReason,
        /// Its guess count in that round.
        guess_count: u32,
    },
    /// A shared Knockout or Longform round ended, after its eliminations.
    RoundEnded {
        /// The round.
        round: u32,
        /// Every team that played the round: matched or not, guess count, elimination.
        results: Vec<TeamRoundResult>,
        /// Knockout: when the next round starts; none when the game is over or the next round
        /// starts at once (Longform).
        next_round_at: Option<DateTime<Utc>>,
        /// When.
        ended_at: DateTime<Utc>,
    },
    /// The game is over.
    GameEnded {
        /// Winning teams: one, several for a shared win, or none.
        winners: Vec<TeamId>,
        /// Every team, best first.
        ranking: Vec<TeamStanding>,
        /// When.
        ended_at: DateTime<Utc>,
        /// Why: played to its result, or ended for want of answers.
        #[serde(default)]
        reason: EndReason,
    },
    /// The lobby or game was cancelled.
    GameCancelled {
        /// Who cancelled.
        by: UserId,
        /// When.
        cancelled_at: DateTime<Utc>,
    },
    /// Nobody started the lobby within its timeout, so it closed without a game; like a
    /// cancellation, it frees the channel and the players.
    LobbyExpired {
        /// The lobby timeout that ran out, in seconds.
        lobby_seconds: u32,
        /// When.
        expired_at: DateTime<Utc>,
    },
    /// A finished game got its replay name; the `Game over` message is posted with it.
    ReplayNamed {
        /// The name, `<word>-<NNN>`, unique case-insensitively.
        name: String,
    },
}

impl DomainEvent for GameEvent {
    fn event_type(&self) -> &'static str {
        match self {
            GameEvent::GameCreated { .. } => "GameCreated",
            GameEvent::TeamJoined { .. } => "TeamJoined",
            GameEvent::TeamLeft { .. } => "TeamLeft",
            GameEvent::GameStarted { .. } => "GameStarted",
            GameEvent::RoundStarted { .. } => "RoundStarted",
            GameEvent::PairDealt { .. } => "PairDealt",
            GameEvent::AnswerAccepted { .. } => "AnswerAccepted",
            GameEvent::PairResolved { .. } => "PairResolved",
            GameEvent::PairAbandoned { .. } => "PairAbandoned",
            GameEvent::TeamEliminated { .. } => "TeamEliminated",
            GameEvent::RoundEnded { .. } => "RoundEnded",
            GameEvent::GameEnded { .. } => "GameEnded",
            GameEvent::GameCancelled { .. } => "GameCancelled",
            GameEvent::LobbyExpired { .. } => "LobbyExpired",
            GameEvent::ReplayNamed { .. } => "ReplayNamed",
        }
    }
}

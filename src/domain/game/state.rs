//! The state of one game: its set-up, phase, teams with their players' forbidden lists and
//! pending answers, and the round or clock in play. `apply` folds events into it and holds no
//! rules; `decide` routes each command to the lifecycle, play or mode rules.
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::commands::{GameCommand, TeamSnapshot};
use super::decision::Decision;
use super::errors::GameError;
use super::events::{EliminationReason, GameEvent, GuessResult};
use super::options::{GameOptions, Mode};
use super::timeouts::{self, idle_period, GameTimeouts};
use super::{lifecycle, modes, play};
use crate::domain::{Aggregate, ChannelId, Ctx, GameId, GuildId, TeamId, UserId};

/// Where a game is in its life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// No `GameCreated` yet.
    #[default]
    NotCreated,
    /// Teams may join and leave.
    Lobby,
    /// Being played.
    Running,
    /// Finished with a result (which may be no winner).
    Ended,
    /// Closed before a result: cancelled, or a lobby nobody started in time.
    Cancelled,
}

impl Phase {
    /// Whether the game is finished, one way or the other.
    pub fn is_closed(self) -> bool {
        matches!(self, Phase::Ended | Phase::Cancelled)
    }
}

/// What a game was created with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GameSetup {
    /// The game.
    pub game_id: GameId,
    /// Its guild.
    pub guild: GuildId,
    /// Its announcement channel.
    pub channel: ChannelId,
    /// Who opened it.
    pub creator: UserId,
    /// Mode and options.
    pub options: GameOptions,
    /// Size of each player's forbidden list.
    pub forbidden_list_size: u32,
    /// How long the lobby waits for a start and the game for an answer.
    #[serde(default)]
    pub timeouts: GameTimeouts,
}

/// An answer waiting for the partner's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAnswer {
    /// The text as typed.
    pub raw: String,
    /// The normalised word.
    pub word: String,
    /// Milliseconds since the pair was shown.
    pub answered_ms: u64,
}

/// One player in the game.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerInGame {
    /// The player.
    pub user: UserId,
    /// The forbidden list, oldest first, at most the game's list size.
    pub forbidden: Vec<String>,
    /// The answer given to the current pair, if any.
    pub answer: Option<PendingAnswer>,
}

/// Where a team is in the current round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TeamStatus {
    /// In the lobby, or between a give up and its new pair.
    #[default]
    Waiting,
    /// A pair is in play.
    Playing,
    /// Matched this round; waiting for the round to end or the next pair.
    Matched,
    /// Out of the game.
    Eliminated {
        /// The round it went out in.
        round: u32,
        /// Why.
        reason: EliminationReason,
        /// Its place in the order of eliminations (0 = first out).
        order: u32,
    },
}

impl TeamStatus {
    /// Whether the team is still in the game.
    pub fn is_alive(self) -> bool {
        !matches!(self, TeamStatus::Eliminated { .. })
    }

    /// Whether a pair is in play for the team.
    pub fn is_playing(self) -> bool {
        matches!(self, TeamStatus::Playing)
    }
}

/// One team in the game.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamInGame {
    /// The team.
    pub team_id: TeamId,
    /// Its name when it joined.
    pub name: String,
    /// Its two players, in the order of the snapshot.
    pub players: [PlayerInGame; 2],
    /// Where it is in the round.
    pub status: TeamStatus,
    /// Its round: the shared round, or its own pair number in Race and Golf Race.
    pub round: u32,
    /// The pair dealt this round (forbidden as answers for the round).
    pub dealt: [String; 2],
    /// The pair in play: the dealt pair, or the last two answers after a miss.
    pub pair: [String; 2],
    /// When the pair in play was shown.
    pub pair_shown_at: Option<DateTime<Utc>>,
    /// Guess pairs resolved this round.
    pub guesses: u32,
    /// Pairs matched in the game.
    pub matches: u32,
    /// Guesses the matched pairs took in total.
    pub matched_guesses: u32,
    /// Points in the game.
    pub score: i32,
    /// Pairs abandoned with `give up`.
    pub give_ups: u32,
}

impl TeamInGame {
    fn from_snapshot(team: &TeamSnapshot, list_size: u32) -> Self {
        let player = |i: usize| {
            let list = &team.forbidden[i];
            let keep = list.len().saturating_sub(list_size as usize);
            PlayerInGame { user: team.players[i], forbidden: list[keep..].to_vec(), answer: None }
        };
        TeamInGame {
            team_id: team.team_id,
            name: team.name.clone(),
            players: [player(0), player(1)],
            status: TeamStatus::Waiting,
            round: 0,
            dealt: Default::default(),
            pair: Default::default(),
            pair_shown_at: None,
            guesses: 0,
            matches: 0,
            matched_guesses: 0,
            score: 0,
            give_ups: 0,
        }
    }

    /// The index (0 or 1) of `user` in the team.
    pub fn seat_of(&self, user: UserId) -> Option<usize> {
        self.players.iter().position(|p| p.user == user)
    }

    /// The two players' ids.
    pub fn users(&self) -> [UserId; 2] {
        [self.players[0].user, self.players[1].user]
    }
}

/// A game of Word Match: the aggregate of a `game-<uuid>` stream.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Game {
    setup: Option<GameSetup>,
    phase: Phase,
    teams: Vec<TeamInGame>,
    round: u32,
    round_deadline: Option<DateTime<Utc>>,
    next_round_at: Option<DateTime<Utc>>,
    clock_ends_at: Option<DateTime<Utc>>,
    eliminations: u32,
    winners: Vec<TeamId>,
    #[serde(default)]
    replay_name: Option<String>,
    /// When the game was created (the lobby's timeout counts from here).
    #[serde(default)]
    created_at: Option<DateTime<Utc>>,
    /// When a player last answered or gave up, or play began (the idle timeout counts from
    /// here).
    #[serde(default)]
    last_played_at: Option<DateTime<Utc>>,
}

impl Game {
    /// The set-up, once created.
    pub fn setup(&self) -> Option<&GameSetup> {
        self.setup.as_ref()
    }

    /// The mode, once created.
    pub fn mode(&self) -> Option<Mode> {
        self.setup.as_ref().map(|s| s.options.mode())
    }

    /// Where the game is in its life.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The teams, in joining order, eliminated ones included.
    pub fn teams(&self) -> &[TeamInGame] {
        &self.teams
    }

    /// The team `user` plays in.
    pub fn team_of(&self, user: UserId) -> Option<&TeamInGame> {
        self.teams.iter().find(|t| t.seat_of(user).is_some())
    }

    /// The replay name, once the finished game has one.
    pub fn replay_name(&self) -> Option<&str> {
        self.replay_name.as_deref()
    }

    /// The shared round (Two Player, Knockout, Longform); 0 before the first.
    pub fn round(&self) -> u32 {
        self.round
    }

    /// When the shared round in play times out (Knockout, Longform).
    pub fn round_deadline(&self) -> Option<DateTime<Utc>> {
        self.round_deadline
    }

    /// When the next Knockout round starts, during the pause between rounds.
    pub fn next_round_at(&self) -> Option<DateTime<Utc>> {
        self.next_round_at
    }

    /// When the Race or Golf Race clock ends.
    pub fn clock_ends_at(&self) -> Option<DateTime<Utc>> {
        self.clock_ends_at
    }

    /// The winners of an ended game (empty for no winner).
    pub fn winners(&self) -> &[TeamId] {
        &self.winners
    }

    /// When the lobby closes unless someone starts it; only while it is a lobby.
    pub fn lobby_deadline(&self) -> Option<DateTime<Utc>> {
        let setup = self.setup.as_ref()?;
        if self.phase != Phase::Lobby {
            return None;
        }
        let timeout = Duration::seconds(i64::from(setup.timeouts.lobby_seconds));
        self.created_at.map(|at| at + timeout)
    }

    /// When the running game ends with no winner unless someone answers first: the last answer
    /// (or the start) plus the mode's idle period ([`idle_period`]).
    pub fn idle_deadline(&self) -> Option<DateTime<Utc>> {
        let setup = self.setup.as_ref()?;
        if self.phase != Phase::Running {
            return None;
        }
        self.last_played_at.map(|at| at + idle_period(&setup.options, setup.timeouts))
    }

    /// The timer the runtime should have armed now: the command to send at the returned time.
    /// A lobby has its expiry; a running game has the earlier of its mode's deadline (round,
    /// pause, clock) and its idle deadline, the mode's on a tie, since it decides a result.
    /// None for a closed game.
    pub fn pending_timer(&self) -> Option<(DateTime<Utc>, GameCommand)> {
        let setup = self.setup.as_ref()?;
        let guild = setup.guild;
        match self.phase {
            Phase::Lobby => {
                return self
                    .lobby_deadline()
                    .map(|deadline| (deadline, GameCommand::ExpireLobby { guild, deadline }));
            }
            Phase::Running => {}
            Phase::NotCreated | Phase::Ended | Phase::Cancelled => return None,
        }
        let idle = self
            .idle_deadline()
            .map(|deadline| (deadline, GameCommand::EndIdleGame { guild, deadline }));
        match (self.mode_timer(setup), idle) {
            (Some(mode), Some(idle)) if idle.0 < mode.0 => Some(idle),
            (Some(mode), _) => Some(mode),
            (None, idle) => idle,
        }
    }

    /// The running game's mode deadline: a Knockout round or pause, the Race clock, a Longform
    /// round; none in Two Player.
    fn mode_timer(&self, setup: &GameSetup) -> Option<(DateTime<Utc>, GameCommand)> {
        let guild = setup.guild;
        match setup.options.mode() {
            Mode::TwoPlayer => None,
            Mode::Race | Mode::Golf => self
                .clock_ends_at
                .map(|at| (at, GameCommand::EndClock { guild, clock_ends_at: at })),
            Mode::Knockout => match (self.round_deadline, self.next_round_at) {
                (Some(deadline), _) => Some((
                    deadline,
                    GameCommand::ExpireRound { guild, round: self.round, deadline },
                )),
                (None, Some(at)) => Some((
                    at,
                    GameCommand::StartNextRound { guild, round: self.round + 1, next_round_at: at },
                )),
                (None, None) => None,
            },
            Mode::Longform => self.round_deadline.map(|deadline| {
                (deadline, GameCommand::EndLongformRound { guild, round: self.round, deadline })
            }),
        }
    }

    fn team_mut(&mut self, team_id: TeamId) -> Option<&mut TeamInGame> {
        self.teams.iter_mut().find(|t| t.team_id == team_id)
    }

    fn list_size(&self) -> usize {
        self.setup.as_ref().map_or(0, |s| s.forbidden_list_size as usize)
    }
}

/// Appends `word` to a FIFO forbidden list of at most `size` entries, unless it is there.
fn remember(list: &mut Vec<String>, word: &str, size: usize) {
    if !list.iter().any(|w| w == word) {
        list.push(word.to_owned());
    }
    let excess = list.len().saturating_sub(size);
    list.drain(..excess);
}

/// Whether `name` has the replay-name shape: lowercase letters, a hyphen, a number 100-999.
fn is_replay_name(name: &str) -> bool {
    let Some((word, number)) = name.rsplit_once('-') else { return false };
    !word.is_empty()
        && word.chars().all(|c| c.is_ascii_lowercase())
        && number.len() == 3
        && number.parse::<u16>().is_ok_and(|n| (100..=999).contains(&n))
}

/// Names a finished game's replay once; later names for the same game change nothing, so a
/// redelivered naming step is harmless.
fn name_replay(game: &Game, name: &str) -> Result<Vec<GameEvent>, GameError> {
    if game.phase != Phase::Ended {
        return Err(GameError::NotFinished);
    }
    if !is_replay_name(name) {
        return Err(GameError::BadReplayName(name.to_owned()));
    }
    if game.replay_name.is_some() {
        return Ok(Vec::new());
    }
    Ok(vec![GameEvent::ReplayNamed { name: name.to_owned() }])
}

impl Aggregate for Game {
    type Command = GameCommand;
    type Event = GameEvent;
    type Error = GameError;
    const KIND: &'static str = "game";

    fn decide(&self, command: &GameCommand, ctx: &Ctx<'_>) -> Result<Vec<GameEvent>, GameError> {
        let mut d = Decision::new(self.clone(), ctx);
        if let GameCommand::CreateGame { .. } = command {
            lifecycle::create(&mut d, command)?;
            return Ok(d.into_events());
        }
        let setup = self.setup.as_ref().ok_or(GameError::NoSuchGame)?;
        if command.guild() != setup.guild {
            return Err(GameError::WrongGuild);
        }
        if command.timer_phase().is_some_and(|armed_in| armed_in != self.phase) {
            // A timer that outlived its lobby or its game is stale, not a mistake.
            return Ok(Vec::new());
        }
        if let GameCommand::NameReplay { name, .. } = command {
            return name_replay(self, name);
        }
        match self.phase {
            Phase::Ended => return Err(GameError::GameOver),
            Phase::Cancelled => return Err(GameError::GameCancelled),
            Phase::NotCreated | Phase::Lobby | Phase::Running => {}
        }
        match command {
            GameCommand::CreateGame { .. } => return Err(GameError::GameAlreadyExists),
            GameCommand::NameReplay { .. } => return Err(GameError::NotFinished),
            GameCommand::JoinGame { team, .. } => lifecycle::join(&mut d, team)?,
            GameCommand::LeaveGame { player, .. } => lifecycle::leave(&mut d, *player)?,
            GameCommand::StartGame { by, .. } => lifecycle::start(&mut d, *by)?,
            GameCommand::CancelGame { by, has_manage_guild, .. } => {
                lifecycle::cancel(&mut d, *by, *has_manage_guild)?
            }
            GameCommand::SubmitAnswer { player, raw, .. } => {
                play::submit_answer(&mut d, *player, raw)?
            }
            GameCommand::GiveUp { player, .. } => play::give_up(&mut d, *player)?,
            GameCommand::ExpireRound { round, deadline, .. } => {
                modes::knockout::expire_round(&mut d, *round, *deadline)?
            }
            GameCommand::StartNextRound { round, next_round_at, .. } => {
                modes::knockout::start_next_round(&mut d, *round, *next_round_at)?
            }
            GameCommand::EndClock { clock_ends_at, .. } => {
                modes::race::end_clock(&mut d, *clock_ends_at)?
            }
            GameCommand::EndLongformRound { round, deadline, .. } => {
                modes::longform::end_round_timer(&mut d, *round, *deadline)?
            }
            GameCommand::ExpireLobby { deadline, .. } => timeouts::expire_lobby(&mut d, *deadline)?,
            GameCommand::EndIdleGame { deadline, .. } => {
                timeouts::end_idle_game(&mut d, *deadline)?
            }
        }
        Ok(d.into_events())
    }

    fn apply(&mut self, event: &GameEvent) {
        let size = self.list_size();
        match event {
            GameEvent::GameCreated {
                game_id,
                guild,
                channel,
                creator,
                options,
                forbidden_list_size,
                created_at,
                timeouts,
            } => {
                self.setup = Some(GameSetup {
                    game_id: *game_id,
                    guild: *guild,
                    channel: *channel,
                    creator: *creator,
                    options: *options,
                    forbidden_list_size: *forbidden_list_size,
                    timeouts: *timeouts,
                });
                self.phase = Phase::Lobby;
                self.created_at = Some(*created_at);
            }
            GameEvent::TeamJoined { team } => {
                self.teams.push(TeamInGame::from_snapshot(team, size as u32));
            }
            GameEvent::TeamLeft { team_id, .. } => self.teams.retain(|t| t.team_id != *team_id),
            GameEvent::GameStarted { started_at, clock_ends_at } => {
                self.phase = Phase::Running;
                self.clock_ends_at = *clock_ends_at;
                self.last_played_at = Some(*started_at);
            }
            GameEvent::RoundStarted { round, round_deadline, .. } => {
                self.round = *round;
                self.round_deadline = *round_deadline;
                self.next_round_at = None;
            }
            GameEvent::PairDealt { team_id, round, pair, dealt_at } => {
                if let Some(team) = self.team_mut(*team_id) {
                    team.round = *round;
                    team.dealt = pair.clone();
                    team.pair = pair.clone();
                    team.pair_shown_at = Some(*dealt_at);
                    team.guesses = 0;
                    team.status = TeamStatus::Playing;
                    team.players.iter_mut().for_each(|p| p.answer = None);
                }
            }
            GameEvent::AnswerAccepted { team_id, player, raw, word, answered_ms } => {
                let Some(team) = self.team_mut(*team_id) else { return };
                // The answer's time is recorded as milliseconds after its pair was shown.
                let answered_at = team.pair_shown_at.map(|shown| {
                    shown + Duration::milliseconds(i64::try_from(*answered_ms).unwrap_or(i64::MAX))
                });
                if let Some(seat) = team.players.iter_mut().find(|p| p.user == *player) {
                    seat.answer = Some(PendingAnswer {
                        raw: raw.clone(),
                        word: word.clone(),
                        answered_ms: *answered_ms,
                    });
                }
                if answered_at.is_some() {
                    self.last_played_at = answered_at;
                }
            }
            GameEvent::PairResolved {
                team_id,
                guess_count,
                answers,
                result,
                points,
                resolved_at,
                ..
            } => {
                if let Some(team) = self.team_mut(*team_id) {
                    for (seat, answer) in team.players.iter_mut().zip(answers) {
                        seat.answer = None;
                        remember(&mut seat.forbidden, &answer.word, size);
                    }
                    team.guesses = *guess_count;
                    team.score += points;
                    match result {
                        GuessResult::Matched { .. } => {
                            team.matches += 1;
                            team.matched_guesses += guess_count;
                            team.status = TeamStatus::Matched;
                        }
                        GuessResult::Missed => {
                            team.pair = [answers[0].word.clone(), answers[1].word.clone()];
                            team.pair_shown_at = Some(*resolved_at);
                        }
                    }
                }
                self.last_played_at = Some(*resolved_at);
            }
            GameEvent::PairAbandoned { team_id, points, abandoned_at, .. } => {
                if let Some(team) = self.team_mut(*team_id) {
                    team.players.iter_mut().for_each(|p| p.answer = None);
                    team.give_ups += 1;
                    team.score += points;
                    team.status = TeamStatus::Waiting;
                }
                self.last_played_at = Some(*abandoned_at);
            }
            GameEvent::TeamEliminated { team_id, round, reason, .. } => {
                let order = self.eliminations;
                if let Some(team) = self.team_mut(*team_id) {
                    team.players.iter_mut().for_each(|p| p.answer = None);
                    team.status = TeamStatus::Eliminated { round: *round, reason: *reason, order };
                }
                self.eliminations += 1;
            }
            GameEvent::RoundEnded { next_round_at, .. } => {
                self.round_deadline = None;
                self.next_round_at = *next_round_at;
            }
            GameEvent::GameEnded { winners, .. } => {
                self.phase = Phase::Ended;
                self.winners = winners.clone();
                self.round_deadline = None;
                self.next_round_at = None;
            }
            GameEvent::ReplayNamed { name } => self.replay_name = Some(name.clone()),
            GameEvent::GameCancelled { .. } | GameEvent::LobbyExpired { .. } => {
                self.phase = Phase::Cancelled;
                self.round_deadline = None;
                self.next_round_at = None;
            }
        }
    }
}

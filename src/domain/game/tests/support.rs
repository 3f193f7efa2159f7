//! Fixtures for game tests: ids, teams, event builders for given histories, and `Play`, which
//! drives a game command by command through the harness for whole-game scenarios where pairs
//! are dealt at random.
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::super::*;
use crate::domain::testing::{test_epoch, AggregateTest};
use crate::domain::{Aggregate, ChannelId, GameId, GuildId, TeamId, UserId};

/// The harness alias for games.
pub type GameTest = AggregateTest<Game>;

/// The guild every test game is played in.
pub const GUILD: GuildId = GuildId(1);
/// Another guild.
pub const OTHER_GUILD: GuildId = GuildId(2);
/// The channel of every test game.
pub const CHANNEL: ChannelId = ChannelId(10);

/// Common words the placeholder and the real word lists both have, none a variant of another.
pub const WORDS: [&str; 20] = [
    "money", "water", "fire", "stone", "bread", "king", "queen", "ship", "star", "moon", "sun",
    "apple", "car", "road", "tree", "house", "dog", "cat", "river", "bank",
];

pub fn game_id() -> GameId {
    GameId(Uuid::from_u128(1))
}

pub fn team_id(n: u8) -> TeamId {
    TeamId(Uuid::from_u128(100 + u128::from(n)))
}

/// The first player of team `n`.
pub fn a(n: u8) -> UserId {
    UserId(u64::from(n) * 10 + 1)
}

/// The second player of team `n`.
pub fn b(n: u8) -> UserId {
    UserId(u64::from(n) * 10 + 2)
}

/// The player who creates every test game: the first player of team 1.
pub fn creator() -> UserId {
    a(1)
}

/// A player in no team.
pub fn stranger() -> UserId {
    UserId(999)
}

pub fn team(n: u8) -> TeamSnapshot {
    TeamSnapshot {
        team_id: team_id(n),
        name: format!("Team {n}"),
        players: [a(n), b(n)],
        forbidden: [Vec::new(), Vec::new()],
    }
}

pub fn t0() -> DateTime<Utc> {
    test_epoch()
}

pub fn secs(n: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(n)
}

pub fn created(options: GameOptions) -> GameEvent {
    created_with_list(options, DEFAULT_FORBIDDEN_LIST_SIZE)
}

pub fn created_with_list(options: GameOptions, forbidden_list_size: u32) -> GameEvent {
    GameEvent::GameCreated {
        game_id: game_id(),
        guild: GUILD,
        channel: CHANNEL,
        creator: creator(),
        options,
        forbidden_list_size,
        created_at: t0(),
        timeouts: GameTimeouts::default(),
    }
}

pub fn defaults(mode: Mode) -> GameOptions {
    GameOptions::defaults(mode)
}

pub fn options(mode: Mode, words: &[&str]) -> GameOptions {
    GameOptions::parse(mode, words).expect("valid test options")
}

pub fn joined(n: u8) -> GameEvent {
    GameEvent::TeamJoined { team: team(n) }
}

/// A lobby of `mode` with default options and teams 1..=teams.
pub fn lobby(mode: Mode, teams: u8) -> Vec<GameEvent> {
    let mut events = vec![created(defaults(mode))];
    events.extend((1..=teams).map(joined));
    events
}

pub fn started(clock_ends_at: Option<DateTime<Utc>>) -> GameEvent {
    GameEvent::GameStarted { started_at: t0(), clock_ends_at }
}

pub fn round_started(round: u32, round_deadline: Option<DateTime<Utc>>) -> GameEvent {
    GameEvent::RoundStarted { round, started_at: t0(), round_deadline }
}

pub fn dealt(n: u8, round: u32, pair: [&str; 2]) -> GameEvent {
    GameEvent::PairDealt {
        team_id: team_id(n),
        round,
        pair: pair.map(str::to_owned),
        dealt_at: t0(),
    }
}

pub fn create_command(options: GameOptions, creator_team: Option<TeamSnapshot>) -> GameCommand {
    GameCommand::CreateGame {
        game_id: game_id(),
        guild: GUILD,
        channel: CHANNEL,
        creator: creator(),
        options,
        creator_team,
        forbidden_list_size: DEFAULT_FORBIDDEN_LIST_SIZE,
        timeouts: GameTimeouts::default(),
    }
}

pub fn join(n: u8) -> GameCommand {
    GameCommand::JoinGame { guild: GUILD, team: team(n) }
}

pub fn start() -> GameCommand {
    GameCommand::StartGame { guild: GUILD, by: creator() }
}

pub fn answer(player: UserId, raw: &str) -> GameCommand {
    GameCommand::SubmitAnswer { guild: GUILD, player, raw: raw.to_owned() }
}

pub fn give_up(player: UserId) -> GameCommand {
    GameCommand::GiveUp { guild: GUILD, player }
}

/// A game in play with the given history, driven one command at a time. Each command gets a
/// fresh seed and the current test time, exactly as the runtime would give it.
pub struct Play {
    pub history: Vec<GameEvent>,
    pub now: DateTime<Utc>,
    seed: u64,
}

impl Play {
    pub fn from(history: Vec<GameEvent>) -> Self {
        Play { history, now: t0(), seed: 1 }
    }

    /// Creates a game and starts it (Two Player starts on creation).
    pub fn started(options: GameOptions, teams: u8, list_size: u32) -> Self {
        Play::started_with(options, teams, list_size, GameTimeouts::default())
    }

    /// As [`Play::started`], with the given lobby and idle timeouts.
    pub fn started_with(
        options: GameOptions,
        teams: u8,
        list_size: u32,
        timeouts: GameTimeouts,
    ) -> Self {
        let mut play = Play::from(Vec::new());
        play.run(GameCommand::CreateGame {
            game_id: game_id(),
            guild: GUILD,
            channel: CHANNEL,
            creator: creator(),
            options,
            creator_team: Some(team(1)),
            forbidden_list_size: list_size,
            timeouts,
        });
        if options.mode() != Mode::TwoPlayer {
            for n in 2..=teams {
                play.run(join(n));
            }
            play.run(start());
        }
        play
    }

    pub fn state(&self) -> Game {
        GameTest::given(self.history.clone()).state().clone()
    }

    pub fn test(&self) -> GameTest {
        GameTest::given(self.history.clone()).at(self.now).with_seed(self.seed)
    }

    /// Runs a command that must succeed and returns its events.
    #[track_caller]
    pub fn run(&mut self, command: GameCommand) -> Vec<GameEvent> {
        let events = self.test().when(command).events();
        self.history.extend(events.clone());
        self.seed += 1;
        events
    }

    pub fn team(&self, n: u8) -> TeamInGame {
        self.state().teams().iter().find(|t| t.team_id == team_id(n)).cloned().expect("team")
    }

    /// `count` distinct words team `n` may answer now (not dealt, not forbidden for either).
    pub fn free_words(&self, n: u8, count: usize) -> Vec<&'static str> {
        let team = self.team(n);
        let words: Vec<&'static str> = WORDS
            .into_iter()
            .filter(|w| !team.dealt.iter().any(|d| d == w))
            .filter(|w| !team.pair.iter().any(|d| d == w))
            .filter(|w| team.players.iter().all(|p| !p.forbidden.iter().any(|f| f == w)))
            .take(count)
            .collect();
        assert_eq!(words.len(), count, "not enough free words for team {n}");
        words
    }

    /// Both players of team `n` answer the same free word.
    #[track_caller]
    pub fn matches(&mut self, n: u8) -> Vec<GameEvent> {
        let word = self.free_words(n, 1)[0];
        self.run(answer(a(n), word));
        self.run(answer(b(n), word))
    }

    /// The players of team `n` answer two different free words.
    #[track_caller]
    pub fn misses(&mut self, n: u8) -> Vec<GameEvent> {
        let words = self.free_words(n, 2);
        self.run(answer(a(n), words[0]));
        self.run(answer(b(n), words[1]))
    }

    /// Team `n` misses `misses` times, then matches.
    #[track_caller]
    pub fn matches_after(&mut self, n: u8, misses: u32) -> Vec<GameEvent> {
        for _ in 0..misses {
            self.misses(n);
        }
        self.matches(n)
    }

    /// The last `GameEnded` event.
    pub fn ended(&self) -> (Vec<TeamId>, Vec<TeamStanding>) {
        self.history
            .iter()
            .rev()
            .find_map(|e| match e {
                GameEvent::GameEnded { winners, ranking, .. } => {
                    Some((winners.clone(), ranking.clone()))
                }
                _ => None,
            })
            .expect("the game ended")
    }
}

/// The eliminations among `events`: team, reason.
pub fn eliminations(events: &[GameEvent]) -> Vec<(TeamId, EliminationReason)> {
    events
        .iter()
        .filter_map(|e| match e {
            GameEvent::TeamEliminated { team_id, reason, .. } => Some((*team_id, *reason)),
            _ => None,
        })
        .collect()
}

/// The winners of the `GameEnded` among `events`, if any.
pub fn winners(events: &[GameEvent]) -> Option<Vec<TeamId>> {
    events.iter().find_map(|e| match e {
        GameEvent::GameEnded { winners, .. } => Some(winners.clone()),
        _ => None,
    })
}

/// The stored type names of `events`, for asserting their order.
pub fn types(events: &[GameEvent]) -> Vec<&'static str> {
    events.iter().map(crate::domain::DomainEvent::event_type).collect()
}

/// Folds `events` onto a default game.
pub fn fold(events: &[GameEvent]) -> Game {
    let mut game = Game::default();
    for event in events {
        game.apply(event);
    }
    game
}

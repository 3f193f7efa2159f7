//! Harness: a runtime per test on each backend, and a Two Player or Race game to play in it.
use std::io::Write;
use std::sync::{Arc, Mutex};

use gamebot::config::{HealthSettings, RuntimeSettings};
use gamebot::domain::game::{
    Game, GameCommand, GameEvent, GameOptions, GameTimeouts, Mode, Phase, TeamSnapshot,
};
use gamebot::domain::words::WordService;
use gamebot::domain::{ChannelId, GameId, GuildId, TeamId, UserId};
use gamebot::runtime::{CommandMeta, Runtime, SystemClock};
use gamebot::store::{EventStore, StreamId};
use serde_json::Value;
use uuid::Uuid;

#[path = "../common/db.rs"]
mod db;

pub use db::{with_postgres, with_sqlite};

/// Runs one runtime test on both backends, under an actix system.
macro_rules! runtime_test {
    ($name:ident, |$store:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[actix::test]
            async fn on_postgres() {
                crate::helpers::with_postgres(|$store| $body).await;
            }

            #[actix::test]
            async fn on_sqlite() {
                crate::helpers::with_sqlite(|$store| $body).await;
            }
        }
    };
}

/// The guild every test game is in.
pub const GUILD: GuildId = GuildId(7);

/// Runtime settings for tests: snapshots every `snapshot_every` events, long idle time.
pub fn settings(snapshot_every: u64) -> RuntimeSettings {
    RuntimeSettings { snapshot_every, passivate_after_seconds: 3600, max_concurrent_rebuilds: 4 }
}

/// A health line every `seconds`.
pub fn health(seconds: u64) -> HealthSettings {
    HealthSettings { interval_seconds: seconds }
}

/// A runtime on `store` with the wall clock.
pub fn runtime(store: &Arc<dyn EventStore>, settings: &RuntimeSettings) -> Runtime {
    Runtime::start(store.clone(), Arc::new(SystemClock), settings, &health(3600))
}

/// Team `n`: players `n * 10 + 1` and `n * 10 + 2`.
pub fn team(n: u64) -> TeamSnapshot {
    TeamSnapshot {
        team_id: TeamId(Uuid::from_u128(u128::from(n))),
        name: format!("Team {n}"),
        players: [UserId(n * 10 + 1), UserId(n * 10 + 2)],
        forbidden: [Vec::new(), Vec::new()],
    }
}

/// Metadata for a command from `user` with a fresh source id.
pub fn meta(user: UserId) -> CommandMeta {
    CommandMeta {
        source_id: Some(Uuid::new_v4().to_string()),
        actor_id: Some(user),
        guild_id: Some(GUILD),
        ..CommandMeta::default()
    }
}

/// Creates a game of `mode` with `teams` teams (team 1 creates) and starts it unless it is Two
/// Player (which starts at once). Returns its stream.
pub async fn started_game(runtime: &Runtime, mode: Mode, options: &[&str], teams: u64) -> StreamId {
    let game_id = GameId(Uuid::new_v4());
    let stream = StreamId::game(game_id);
    let creator = team(1).players[0];
    let create = GameCommand::CreateGame {
        game_id,
        guild: GUILD,
        channel: ChannelId(70),
        creator,
        options: GameOptions::parse(mode, options).expect("valid options"),
        creator_team: Some(team(1)),
        forbidden_list_size: 12,
        timeouts: GameTimeouts::default(),
    };
    execute(runtime, &stream, create, creator).await;
    for n in 2..=teams {
        execute(runtime, &stream, GameCommand::JoinGame { guild: GUILD, team: team(n) }, creator)
            .await;
    }
    if mode != Mode::TwoPlayer {
        execute(runtime, &stream, GameCommand::StartGame { guild: GUILD, by: creator }, creator)
            .await;
    }
    assert_eq!(game(runtime, &stream).await.phase(), Phase::Running);
    stream
}

/// Sends `command` and expects it accepted.
pub async fn execute(
    runtime: &Runtime,
    stream: &StreamId,
    command: GameCommand,
    user: UserId,
) -> Vec<GameEvent> {
    runtime
        .registry()
        .execute::<Game>(stream.clone(), command, meta(user))
        .await
        .unwrap_or_else(|e| panic!("command refused: {e}"))
        .events
}

/// The game's state as its actor holds it.
pub async fn game(runtime: &Runtime, stream: &StreamId) -> Game {
    runtime.registry().inspect::<Game>(stream.clone()).await.expect("inspect").state
}

/// `count` answer words that are neither the team's pair nor on either player's list.
pub fn free_words(game: &Game, team: TeamId, count: usize) -> Vec<String> {
    let team = game.teams().iter().find(|t| t.team_id == team).expect("team in game");
    let taken = |w: &str| {
        team.pair.iter().chain(team.dealt.iter()).any(|p| p == w)
            || team.players.iter().any(|p| p.forbidden.iter().any(|f| f == w))
    };
    WordService::embedded()
        .generation_list()
        .iter()
        .filter(|w| !taken(w))
        .take(count)
        .cloned()
        .collect()
}

/// Both players of `team` answer the same free word: a match.
pub async fn match_pair(runtime: &Runtime, stream: &StreamId, n: u64) -> Vec<GameEvent> {
    let snapshot = team(n);
    let word = free_words(&game(runtime, stream).await, snapshot.team_id, 1).remove(0);
    let mut events = Vec::new();
    for player in snapshot.players {
        let answer = GameCommand::SubmitAnswer { guild: GUILD, player, raw: word.clone() };
        events.extend(execute(runtime, stream, answer, player).await);
    }
    events
}

/// Collects log lines written by the subscriber.
#[derive(Clone, Default)]
pub struct Lines(Arc<Mutex<Vec<u8>>>);

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lines").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Lines {
    pub fn json(&self) -> Vec<Value> {
        let bytes = self.0.lock().expect("lines").clone();
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
}

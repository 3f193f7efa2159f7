//! Test harness: a fresh database per test on each backend (the approach of tests/store, copied
//! here so this binary stands alone), a runtime with every reactor, and the service-layer steps a
//! test drives it with (forming teams, claiming games, answering) through the registry.
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures::FutureExt;
use gamebot::config::{HealthSettings, RuntimeSettings};
use gamebot::domain::game::{
    Game, GameCommand, GameEvent, GameOptions, GameTimeouts, TeamInGame, TeamSnapshot,
};
use gamebot::domain::guild::{Guild, GuildCommand};
use gamebot::domain::player::{Player, PlayerCommand};
use gamebot::domain::team::{Member, Team, TeamCommand, TeamName, INVITATION_TTL};
use gamebot::domain::words::WordService;
use gamebot::domain::{ChannelId, GameId, GuildId, TeamId, UserId};
use gamebot::reactors::{start_reactors, RunningReactors};
use gamebot::runtime::{CommandMeta, FastClock, Runtime, SharedClock, SystemClock};
use gamebot::store::{Codec, EventStore, StreamId};
use uuid::Uuid;

#[path = "../common/db.rs"]
mod db;

pub use db::TestDb;

/// How long a test waits for reactors to finish a chain of steps.
pub const SETTLE: Duration = Duration::from_secs(20);
/// The guild every test plays in.
pub const GUILD: GuildId = GuildId(7);
/// The channel games are opened in.
pub const CHANNEL: ChannelId = ChannelId(70);
/// The timeouts of games opened with [`Engine::open_game`]: a day each, so the fast clocks of
/// the timer tests never reach them; the timeout tests choose their own.
pub const DAY_LONG_TIMEOUTS: GameTimeouts =
    GameTimeouts { lobby_seconds: 86_400, idle_seconds: 86_400 };

/// Runs one async test body on both backends, as `<name>_postgres` and `<name>_sqlite`.
macro_rules! on_both_backends {
    ($body:path, $postgres:ident, $sqlite:ident) => {
        #[actix::test]
        async fn $postgres() {
            crate::helpers::with_postgres($body).await;
        }

        #[actix::test]
        async fn $sqlite() {
            crate::helpers::with_sqlite($body).await;
        }
    };
}

/// Runs `test` on a fresh SQLite file.
pub async fn with_sqlite<F, Fut>(test: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = ()>,
{
    test(TestDb::sqlite()).await;
}

/// Runs `test` on a fresh PostgreSQL database, dropped afterwards (see `tests/common/db.rs`
/// for when it skips).
pub async fn with_postgres<F, Fut>(test: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(db) = TestDb::postgres().await else { return };
    let outcome = AssertUnwindSafe(test(db.clone())).catch_unwind().await;
    db.drop_database().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// A clock `speed` times faster than the wall clock, starting now.
pub fn fast_clock(speed: u32) -> SharedClock {
    Arc::new(FastClock::new(Utc::now(), speed))
}

/// The wall clock.
pub fn system_clock() -> SharedClock {
    Arc::new(SystemClock)
}

/// A runtime with every reactor on one store.
pub struct Engine {
    /// The runtime.
    pub runtime: Runtime,
    /// The reactors.
    pub reactors: RunningReactors,
    /// Its store.
    pub store: Arc<dyn EventStore>,
}

/// Starts a runtime with every reactor on `db`, passivating idle actors after `passivate`
/// seconds.
pub async fn start_engine(db: &TestDb, clock: SharedClock, passivate: u64) -> Engine {
    let store = db.connect().await;
    let settings = RuntimeSettings {
        snapshot_every: 20,
        passivate_after_seconds: passivate,
        max_concurrent_rebuilds: 8,
    };
    let runtime =
        Runtime::start(store.clone(), clock, &settings, &HealthSettings { interval_seconds: 3600 });
    let reactors = start_reactors(&runtime);
    Engine { runtime, reactors, store }
}

/// Polls `check` until it returns true or `SETTLE` passes.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + SETTLE;
    loop {
        if check().await {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Provenance of a command a person sent.
pub fn by(user: UserId) -> CommandMeta {
    CommandMeta {
        source_id: Some(Uuid::new_v4().to_string()),
        actor_id: Some(user),
        guild_id: Some(GUILD),
        ..CommandMeta::default()
    }
}

impl Engine {
    /// A player's state.
    pub async fn player(&self, user: UserId) -> Player {
        self.runtime
            .registry()
            .inspect::<Player>(StreamId::player(GUILD, user))
            .await
            .expect("player state")
            .state
    }

    /// A team's state.
    pub async fn team(&self, team: TeamId) -> Team {
        self.runtime
            .registry()
            .inspect::<Team>(StreamId::team(GUILD, team))
            .await
            .expect("team state")
            .state
    }

    /// The guild's state.
    pub async fn guild(&self) -> Guild {
        self.runtime.registry().inspect::<Guild>(StreamId::guild(GUILD)).await.expect("guild").state
    }

    /// A game's state.
    pub async fn game(&self, game: GameId) -> Game {
        self.runtime.registry().inspect::<Game>(StreamId::game(game)).await.expect("game").state
    }

    /// A game's events as stored (read without waking its actor).
    pub async fn game_events(&self, game: GameId) -> Vec<GameEvent> {
        let codec = Codec::<GameEvent>::new();
        self.store
            .read_stream(&StreamId::game(game), 1)
            .await
            .expect("game stream")
            .iter()
            .map(|e| codec.decode(e).expect("a game event"))
            .collect()
    }

    /// Sends an invitation the way the service layer does: reserve the name, note it on the
    /// inviter, open the team stream. Returns the new team.
    pub async fn invite(&self, inviter: UserId, invitee: UserId, name: Option<&str>) -> TeamId {
        let registry = self.runtime.registry();
        let team = TeamId(Uuid::new_v4());
        let name = name.map(|n| TeamName::parse(n).expect("a valid team name"));
        if let Some(name) = &name {
            registry
                .execute::<Guild>(
                    StreamId::guild(GUILD),
                    GuildCommand::ReserveTeamName { team, name: name.clone() },
                    by(inviter),
                )
                .await
                .expect("name reserved");
        }
        let expires_at = self.runtime.clock().now() + INVITATION_TTL;
        registry
            .execute::<Player>(
                StreamId::player(GUILD, inviter),
                PlayerCommand::NoteInvitationSent { team, expires_at },
                by(inviter),
            )
            .await
            .expect("invitation noted");
        let member = |user: UserId| Member { user, display_name: format!("player{}", user.0) };
        registry
            .execute::<Team>(
                StreamId::team(GUILD, team),
                TeamCommand::InviteTeammate {
                    team_id: team,
                    guild: GUILD,
                    inviter: member(inviter),
                    invitee: member(invitee),
                    name,
                },
                by(inviter),
            )
            .await
            .expect("invitation sent");
        team
    }

    /// Forms a team of `a` and `b` and waits until both players are on it.
    pub async fn form_team(&self, a: UserId, b: UserId, name: Option<&str>) -> TeamId {
        let team = self.invite(a, b, name).await;
        self.runtime
            .registry()
            .execute::<Team>(
                StreamId::team(GUILD, team),
                TeamCommand::AcceptInvitation { by: b },
                by(b),
            )
            .await
            .expect("invitation accepted");
        eventually("both players joined the new team", || async {
            self.player(a).await.team() == Some(team) && self.player(b).await.team() == Some(team)
        })
        .await;
        team
    }

    /// The team as it enters a game, read from its team and player streams.
    pub async fn snapshot(&self, team: TeamId) -> TeamSnapshot {
        let state = self.team(team).await;
        let members = state.members().expect("a formed team").clone();
        let players = [members[0].user, members[1].user];
        let mut forbidden = [Vec::new(), Vec::new()];
        for (seat, user) in players.iter().enumerate() {
            forbidden[seat] =
                self.player(*user).await.forbidden().words().map(|w| w.to_string()).collect();
        }
        TeamSnapshot {
            team_id: team,
            name: state.name().expect("a name").to_string(),
            players,
            forbidden,
        }
    }

    /// Claims `game` on both players of `team`, as the service layer does before entering.
    pub async fn claim(&self, game: GameId, team: TeamId) {
        for user in self.snapshot(team).await.players {
            self.runtime
                .registry()
                .execute::<Player>(
                    StreamId::player(GUILD, user),
                    PlayerCommand::ClaimActiveGame { game },
                    by(user),
                )
                .await
                .expect("active game claimed");
        }
    }

    /// Opens a game in the channel with the creator's team in it, with [`DAY_LONG_TIMEOUTS`].
    pub async fn open_game(&self, creator_team: TeamId, options: GameOptions) -> GameId {
        self.open_game_with(creator_team, options, DAY_LONG_TIMEOUTS).await
    }

    /// Opens a game in the channel with the creator's team in it and the given timeouts.
    pub async fn open_game_with(
        &self,
        creator_team: TeamId,
        options: GameOptions,
        timeouts: GameTimeouts,
    ) -> GameId {
        let game = GameId(Uuid::new_v4());
        let creator = self.snapshot(creator_team).await.players[0];
        // The channel's previous game is closed by a reactor, shortly after it ended.
        eventually("the channel is free", || async {
            self.guild().await.channel_game(CHANNEL).is_none()
        })
        .await;
        self.runtime
            .registry()
            .execute::<Guild>(
                StreamId::guild(GUILD),
                GuildCommand::OpenChannelGame { channel: CHANNEL, game },
                by(creator),
            )
            .await
            .expect("channel opened");
        self.claim(game, creator_team).await;
        let command = GameCommand::CreateGame {
            game_id: game,
            guild: GUILD,
            channel: CHANNEL,
            creator,
            options,
            creator_team: Some(self.snapshot(creator_team).await),
            forbidden_list_size: 12,
            timeouts,
        };
        self.send(game, creator, command).await;
        game
    }

    /// Claims and joins `team` to the lobby of `game`.
    pub async fn join(&self, game: GameId, team: TeamId) {
        self.claim(game, team).await;
        let snapshot = self.snapshot(team).await;
        let joiner = snapshot.players[0];
        self.send(game, joiner, GameCommand::JoinGame { guild: GUILD, team: snapshot }).await;
    }

    /// Sends a game command that must be accepted.
    pub async fn send(&self, game: GameId, user: UserId, command: GameCommand) {
        self.runtime
            .registry()
            .execute::<Game>(StreamId::game(game), command, by(user))
            .await
            .expect("the game accepts the command");
    }

    /// Both players of `team` give the same answer: a match.
    pub async fn play_match(&self, game: GameId, team: TeamId) {
        let state = self.game(game).await;
        let seat = team_in(&state, team);
        let word = usable_words(seat, &[]).next().expect("a usable word");
        for user in seat.users() {
            let command =
                GameCommand::SubmitAnswer { guild: GUILD, player: user, raw: word.into() };
            self.send(game, user, command).await;
        }
    }

    /// The players of `team` give two different answers: a miss.
    pub async fn play_miss(&self, game: GameId, team: TeamId) {
        let state = self.game(game).await;
        let seat = team_in(&state, team);
        let first = usable_words(seat, &[]).next().expect("a usable word");
        let second = usable_words(seat, &[first]).next().expect("a second usable word");
        for (user, word) in seat.users().into_iter().zip([first, second]) {
            let command =
                GameCommand::SubmitAnswer { guild: GUILD, player: user, raw: word.into() };
            self.send(game, user, command).await;
        }
    }

    /// Stops following the log and closes the store.
    pub async fn shut_down(self) {
        self.runtime.stop_subscriptions();
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.store.close().await;
    }
}

/// The team in a game's state.
pub fn team_in(game: &Game, team: TeamId) -> &TeamInGame {
    game.teams().iter().find(|t| t.team_id == team).expect("the team is in the game")
}

/// Common dictionary words to answer with.
const CANDIDATES: [&str; 40] = [
    "apple", "river", "stone", "music", "garden", "pencil", "window", "castle", "planet", "rocket",
    "forest", "bridge", "candle", "doctor", "island", "jacket", "kettle", "ladder", "mirror",
    "needle", "orange", "parrot", "rabbit", "saddle", "tunnel", "violin", "wallet", "anchor",
    "button", "cactus", "dragon", "engine", "falcon", "guitar", "hammer", "jungle", "lemon",
    "monkey", "pillow", "spider",
];

/// Words the team's players may answer now: valid, and neither a pair word, a forbidden word,
/// nor a variant of one, nor of `avoid`.
pub fn usable_words<'a>(
    team: &'a TeamInGame,
    avoid: &'a [&'a str],
) -> impl Iterator<Item = &'static str> + 'a {
    let words = WordService::embedded();
    CANDIDATES.into_iter().filter(move |candidate| {
        let Ok(word) = words.parse_answer(candidate) else { return false };
        let mut blocked = team
            .dealt
            .iter()
            .chain(team.pair.iter())
            .chain(team.players.iter().flat_map(|p| p.forbidden.iter()))
            .map(String::as_str)
            .chain(avoid.iter().copied());
        !blocked.any(|b| words.is_variant_of(&word, b))
    })
}

/// Players numbered from 100, so tests read as "player 1, player 2".
pub fn user(n: u64) -> UserId {
    UserId(100 + n)
}

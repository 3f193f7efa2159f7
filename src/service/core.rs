//! The game service: the one place that turns a player's intent (a Discord message, a slash
//! command, a demo player, a test) into commands on the right streams in the right order.
//! Each public method is one intent; each sends one or more steps, every step with the
//! caller's source id plus a step suffix (`<source>:invite`), so a redelivered input finds
//! every step already applied and changes nothing. When a later step is refused, the earlier
//! steps are undone with compensating commands, themselves idempotent.
use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use super::errors::{from_command, ServiceError};
use super::lookups::Lookups;
use super::read_model_lookups::ReadModelLookups;
use crate::domain::game::GameTimeouts;
use crate::domain::{Aggregate, GameId, GuildId, TeamId, UserId};
use crate::reactors::TEAMS as TEAMS_REACTOR;
use crate::runtime::{CommandMeta, Outcome, Progress, RegistryHandle, Runtime, SharedClock};
use crate::store::{EventStore, StreamId};

/// The namespace deterministic ids are derived in (a fixed random UUID: changing it would give
/// a redelivered message a different game or team id than its first delivery).
const ID_NAMESPACE: Uuid = Uuid::from_u128(0x6a4e_b07e_5e1c_4c2a_9d8e_51f0_c0de_5eed);

/// Who is asking: the author of a message or interaction, as the Discord adapter saw them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The guild the command was sent in; `None` in direct messages.
    pub guild: Option<GuildId>,
    /// The author.
    pub user: UserId,
    /// Their display name in the guild (used for default team names).
    pub display_name: String,
    /// Whether they hold Manage Server in the guild (resolved by the adapter).
    pub has_manage_guild: bool,
}

impl Caller {
    /// A caller in a guild channel.
    pub fn in_guild(
        guild: GuildId,
        user: UserId,
        display_name: impl Into<String>,
        has_manage_guild: bool,
    ) -> Self {
        Self { guild: Some(guild), user, display_name: display_name.into(), has_manage_guild }
    }

    /// The guild, or [`ServiceError::GuildOnly`] for a command sent in DMs.
    pub fn require_guild(&self) -> Result<GuildId, ServiceError> {
        self.guild.ok_or(ServiceError::GuildOnly)
    }
}

/// The service every input goes through. Cheap to clone: it holds handles only.
#[derive(Clone)]
pub struct GameService {
    pub(super) registry: RegistryHandle,
    pub(super) store: Arc<dyn EventStore>,
    pub(super) lookups: Arc<dyn Lookups>,
    pub(super) clock: SharedClock,
    /// The teams reactor's progress, when it runs: `accept` waits for it to carry the new team
    /// onto both players' streams instead of doing it itself (see `accept`).
    pub(super) team_reactor: Option<Arc<Progress>>,
    /// How long a lobby waits for a start and a game for an answer; every game it opens records
    /// them (see `with_game_timeouts`).
    pub(super) timeouts: GameTimeouts,
}

/// How long `accept` waits for the teams reactor to join both players to the new team before
/// it replies anyway: the reactor trails by milliseconds, so this only bounds a stall.
pub const TEAM_REACTOR_WAIT: Duration = Duration::from_secs(2);

/// How often that wait looks at the reactor's checkpoint.
pub const TEAM_REACTOR_POLL: Duration = Duration::from_millis(5);

/// One input's identity: its source id, plus the correlation id every step shares.
#[derive(Clone, Debug)]
pub(super) struct Source {
    id: String,
    correlation: Uuid,
    actor: Option<UserId>,
    guild: Option<GuildId>,
}

impl Source {
    pub(super) fn new(id: &str, actor: Option<UserId>, guild: Option<GuildId>) -> Self {
        let correlation = Uuid::new_v5(&ID_NAMESPACE, format!("correlation:{id}").as_bytes());
        Self { id: id.to_owned(), correlation, actor, guild }
    }

    /// The metadata of one step: `<source>:<step>`.
    pub(super) fn step(&self, step: &str) -> CommandMeta {
        CommandMeta {
            source_id: Some(format!("{}:{step}", self.id)),
            actor_id: self.actor,
            correlation_id: Some(self.correlation),
            causation_id: None,
            guild_id: self.guild,
        }
    }

    /// A game id that is the same every time this input is delivered.
    pub(super) fn game_id(&self) -> GameId {
        GameId(Uuid::new_v5(&ID_NAMESPACE, format!("game:{}", self.id).as_bytes()))
    }

    /// A team id that is the same every time this input is delivered.
    pub(super) fn team_id(&self) -> TeamId {
        TeamId(Uuid::new_v5(&ID_NAMESPACE, format!("team:{}", self.id).as_bytes()))
    }
}

impl GameService {
    /// A service sending commands through `registry`, reading game streams from `store` (for
    /// replays), answering lookups with `lookups`, and reading time (invitation deadlines) from
    /// `clock`, the runtime's own.
    pub fn new(
        registry: RegistryHandle,
        store: Arc<dyn EventStore>,
        lookups: Arc<dyn Lookups>,
        clock: SharedClock,
    ) -> Self {
        Self {
            registry,
            store,
            lookups,
            clock,
            team_reactor: None,
            timeouts: GameTimeouts::default(),
        }
    }

    /// The production service on `runtime`: lookups on the read models
    /// ([`ReadModelLookups::for_runtime`]) and, when the teams reactor runs, `accept` waiting
    /// for it. Subscribe the projections and reactors first.
    pub fn for_runtime(runtime: &Runtime) -> Self {
        let lookups = Arc::new(ReadModelLookups::for_runtime(runtime));
        let service = Self::new(
            runtime.registry().clone(),
            runtime.store().clone(),
            lookups,
            runtime.clock().clone(),
        );
        match runtime.progress(TEAMS_REACTOR) {
            Some(progress) => service.with_team_reactor(progress),
            None => service,
        }
    }

    /// Lets `accept` rely on the teams reactor (whose progress this is) to join both players to
    /// a formed team. Without it, `accept` sends those commands itself.
    pub fn with_team_reactor(mut self, progress: Arc<Progress>) -> Self {
        self.team_reactor = Some(progress);
        self
    }

    /// Waits until the teams reactor has handled `position`; false when it is not running or
    /// did not get there in [`TEAM_REACTOR_WAIT`].
    pub(super) async fn team_reactor_passed(&self, position: i64) -> bool {
        let Some(progress) = &self.team_reactor else { return false };
        let deadline = tokio::time::Instant::now() + TEAM_REACTOR_WAIT;
        while progress.checkpoint() < position {
            if tokio::time::Instant::now() >= deadline {
                tracing::warn!(
                    position,
                    "the teams reactor lags; replying before it joined the team"
                );
                return false;
            }
            tokio::time::sleep(TEAM_REACTOR_POLL).await;
        }
        true
    }

    /// Runs one step; a refusal keeps its domain type, a failure is logged and hidden.
    pub(super) async fn run<A>(
        &self,
        stream: StreamId,
        command: A::Command,
        meta: CommandMeta,
    ) -> Result<Outcome<A>, ServiceError>
    where
        A: Aggregate,
        A::Error: Into<ServiceError>,
    {
        let step = meta.source_id.clone().unwrap_or_default();
        tracing::debug!(stream.id = %stream, service.step = %step, "service step");
        self.registry
            .execute::<A>(stream, command, meta)
            .await
            .map_err(|error| from_command(error, &step))
    }

    /// A stream's current state, rebuilt by its actor.
    pub(super) async fn state<A>(&self, stream: StreamId) -> Result<A, ServiceError>
    where
        A: Aggregate,
        A::Error: Into<ServiceError>,
    {
        let step = format!("inspect {stream}");
        self.registry
            .inspect::<A>(stream)
            .await
            .map(|inspected| inspected.state)
            .map_err(|error| from_command(error, &step))
    }

    /// Runs a compensating step: its failure is logged (the reactors and the next command see
    /// the stream state anyway) but never replaces the refusal being reported.
    pub(super) async fn undo<A>(&self, stream: StreamId, command: A::Command, meta: CommandMeta)
    where
        A: Aggregate,
        A::Error: Into<ServiceError>,
    {
        if let Err(error) = self.run::<A>(stream.clone(), command, meta).await {
            tracing::warn!(stream.id = %stream, error.message = %error, "a compensating step failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::game::{GameOptions, Mode};
    use crate::domain::ChannelId;

    fn assert_send<T: Send>(_: &T) {}

    /// Compile-time only: the gateway spawns service calls on a multi-threaded runtime, so
    /// their futures must be `Send`.
    #[allow(dead_code)]
    fn service_futures_are_send(service: &GameService, caller: &Caller) {
        assert_send(&service.invite(caller, (UserId(2), "Bob".into()), None, "s"));
        assert_send(&service.accept(caller, "s"));
        let options = GameOptions::defaults(Mode::Race);
        assert_send(&service.open_game(caller, ChannelId(1), options, "s"));
        assert_send(&service.answer(UserId(1), "river", "s"));
        assert_send(&service.dm_status(UserId(1)));
    }

    #[test]
    fn a_redelivered_input_names_the_same_game_and_team() {
        let first = Source::new("123", None, None);
        let again = Source::new("123", None, None);
        let other = Source::new("124", None, None);
        assert_eq!(first.game_id(), again.game_id());
        assert_eq!(first.team_id(), again.team_id());
        assert_ne!(first.game_id(), other.game_id());
        assert_ne!(first.game_id().0, first.team_id().0);
        assert_eq!(first.step("invite").source_id.as_deref(), Some("123:invite"));
    }
}

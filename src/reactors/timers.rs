//! The timers reactor turns deadlines announced by events into durable timers: after a game event
//! that can move a deadline it asks the game which timer should be armed now
//! ([`Game::pending_timer`]) and stores it (or deletes the stream's timer when there is none); a
//! team invitation arms its expiry until the team forms or the invitation expires. Each row is
//! written in its own short transaction after the game was asked, then the [`TimerActor`] is
//! told, so no transaction is ever open while an actor is awaited.
//!
//! Every answer moves a running game's idle deadline, so answers are deadline events too; each
//! writes the game's row again (the timer actor keeps a re-armed identical deadline as it was).
use std::sync::Arc;

use actix::Addr;
use async_trait::async_trait;

use super::common::{command_failed, decode, game_of};
use super::timer_actor::{Arm, Disarm, TimerActor};
use super::timer_table::{delete_timer, save_timer, ArmedTimer, TimerCommand};
use crate::domain::game::Game;
use crate::domain::team::TeamEvent;
use crate::runtime::{HandleError, RegistryHandle, Subscriber};
use crate::store::{Codec, EventStore, RecordedEvent, StreamId, StreamKind};

/// The checkpoint name of the timers reactor.
pub const TIMERS: &str = "reactor.timers";

/// The game events after which the armed timer can change: those that set or clear the phase,
/// the creation time, the round, the round deadline, the pause or the clock, and the answers and
/// give ups that move the idle deadline: the only inputs of [`Game::pending_timer`]. Other events
/// (joins, dealt pairs, eliminations, names) never move a deadline.
const GAME_DEADLINE_EVENTS: [&str; 10] = [
    "GameCreated",
    "GameStarted",
    "RoundStarted",
    "AnswerAccepted",
    "PairResolved",
    "PairAbandoned",
    "RoundEnded",
    "GameEnded",
    "GameCancelled",
    "LobbyExpired",
];

/// The game events after which a game has no timer at all.
const GAME_CLOSED_EVENTS: [&str; 3] = ["GameEnded", "GameCancelled", "LobbyExpired"];

/// Arms and disarms durable timers from events.
pub struct TimersReactor {
    registry: RegistryHandle,
    store: Arc<dyn EventStore>,
    timers: Addr<TimerActor>,
    team_codec: Codec<TeamEvent>,
}

impl TimersReactor {
    /// A reactor asking games through `registry`, storing timers in `store` and arming them on
    /// `timers`.
    pub fn new(
        registry: RegistryHandle,
        store: Arc<dyn EventStore>,
        timers: Addr<TimerActor>,
    ) -> Arc<Self> {
        Arc::new(Self { registry, store, timers, team_codec: Codec::new() })
    }

    async fn arm(&self, timer: ArmedTimer) -> Result<(), HandleError> {
        save_timer(&*self.store, &timer).await?;
        self.timers.do_send(Arm(timer));
        Ok(())
    }

    async fn disarm(&self, stream: &StreamId) -> Result<(), HandleError> {
        delete_timer(&*self.store, stream, None).await?;
        self.timers.do_send(Disarm(stream.clone()));
        Ok(())
    }

    async fn on_game_event(&self, event: &RecordedEvent) -> Result<(), HandleError> {
        let kind = event.event_type.as_str();
        if !GAME_DEADLINE_EVENTS.contains(&kind) {
            return Ok(());
        }
        if GAME_CLOSED_EVENTS.contains(&kind) {
            // A closed game has no timer; no need to wake its actor to learn that.
            return self.disarm(&event.stream_id).await;
        }
        let game = game_of(&event.stream_id)?;
        // The current state, possibly newer than this event: then a later event re-arms from
        // the same state, so the last write always reflects the game as it is.
        let inspected = self
            .registry
            .inspect::<Game>(event.stream_id.clone())
            .await
            .map_err(|e| command_failed(&format!("reading game {game}"), e))?;
        match inspected.state.pending_timer() {
            Some((at, command)) => {
                let command = TimerCommand::Game { command };
                self.arm(ArmedTimer::new(event.stream_id.clone(), at, command, event.event_id))
                    .await
            }
            None => self.disarm(&event.stream_id).await,
        }
    }

    async fn on_team_event(&self, event: &RecordedEvent) -> Result<(), HandleError> {
        match event.event_type.as_str() {
            "TeammateInvited" => {
                let TeamEvent::TeammateInvited { guild, expires_at, .. } =
                    decode(&self.team_codec, event)?
                else {
                    return Ok(());
                };
                let command = TimerCommand::ExpireInvitation { guild };
                let timer =
                    ArmedTimer::new(event.stream_id.clone(), expires_at, command, event.event_id);
                self.arm(timer).await
            }
            "TeamFormed" | "InvitationExpired" => self.disarm(&event.stream_id).await,
            _ => Ok(()),
        }
    }
}

#[async_trait]
impl Subscriber for TimersReactor {
    fn name(&self) -> &'static str {
        TIMERS
    }

    #[tracing::instrument(level = "debug", skip_all, fields(
        reactor = TIMERS, stream.id = %event.stream_id, event.type = %event.event_type,
        event.position = event.position
    ))]
    async fn react(&self, event: &RecordedEvent) -> Result<(), HandleError> {
        match event.stream_id.kind() {
            StreamKind::Game => self.on_game_event(event).await,
            StreamKind::Team => self.on_team_event(event).await,
            _ => Ok(()),
        }
    }
}

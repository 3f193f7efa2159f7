//! The notifier: the reactor that turns game and team events into Discord messages. Pairs,
//! matches, misses, give ups and eliminations go to the players by DM; round summaries, the
//! Longform reveal, new shared rounds, the one `Game over` message and a lobby closing for want
//! of a start go to the game's channel.
//! Replies to commands (lobbies, joins, `Got it`, `Invalid:`) are not its job: the command's
//! handler sends those as replies.
//!
//! It reacts only (no read model). Every message carries a nonce derived from the event id, so
//! when the subscription sees an event again after a crash, Discord drops the resend.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{TimeDelta, Utc};

use super::render::{
    game_cancelled, game_over_with_reason, invitation_expired, lobby_expired, longform_reveal,
    pair_abandoned, pair_dm, pair_matched, pair_missed, round_started, round_summary, team_out_dm,
    OutgoingMessage, TeamNames,
};
use super::sender::{Delivered, Delivery, DmFallback, NonceKey, SendError, Sender, Target};
use crate::domain::game::{Game, GameEvent, GuessResult, Mode, Phase};
use crate::domain::team::TeamEvent;
use crate::domain::{Aggregate, TeamId, UserId};
use crate::runtime::{HandleError, Progress, SharedClock, Subscriber};
use crate::store::{Codec, EventStore, RecordedEvent, StreamId, StreamKind};

/// The notifier's checkpoint name.
pub const NOTIFIER: &str = "discord_notifier";

/// The pause between two messages of the Longform reveal, on the game clock.
pub const REVEAL_PAUSE: TimeDelta = TimeDelta::seconds(3);

/// How long a pair DM waits for the active-players read model to reach its event, so that a
/// player answering at once is found in the game; after that the DM goes anyway.
pub const ACTIVE_PLAYERS_WAIT: Duration = Duration::from_secs(2);

/// Events older than this when first seen are not announced: a notifier started on an old log
/// (a new deployment, a rebuilt checkpoint) must not replay months of messages.
pub const STALE_AFTER: TimeDelta = TimeDelta::minutes(15);

/// One game as of some version, with its events so far.
#[derive(Clone, Default)]
struct GameContext {
    version: u64,
    game: Game,
    events: Vec<GameEvent>,
}

/// The reactor. Build it with [`Notifier::new`] and subscribe it to the runtime.
pub struct Notifier {
    sender: Sender,
    store: Arc<dyn EventStore>,
    clock: SharedClock,
    active_players: Option<Arc<Progress>>,
    games: Mutex<HashMap<StreamId, GameContext>>,
}

impl Notifier {
    /// A notifier sending through `sender`. `active_players` is the active-players read model's
    /// progress, which pair DMs wait for (none: no waiting).
    pub fn new(
        sender: Sender,
        store: Arc<dyn EventStore>,
        clock: SharedClock,
        active_players: Option<Arc<Progress>>,
    ) -> Self {
        Self { sender, store, clock, active_players, games: Mutex::new(HashMap::new()) }
    }

    /// The game as of `event`, with every event up to it, plus the events the same command
    /// appended after it (a miss followed by the elimination it caused).
    async fn context(
        &self,
        event: &RecordedEvent,
    ) -> Result<(GameContext, Vec<GameEvent>), HandleError> {
        let cached = self.games.lock().ok().and_then(|games| games.get(&event.stream_id).cloned());
        let mut context = match cached {
            Some(c) if c.version < event.stream_version => c,
            _ => GameContext::default(),
        };
        let codec = Codec::<GameEvent>::new();
        let recorded = self.store.read_stream(&event.stream_id, context.version + 1).await?;
        let mut after = Vec::new();
        for r in &recorded {
            let decoded =
                codec.decode(r).map_err(|e| HandleError::Unhandled(format!("game event: {e}")))?;
            if r.stream_version <= event.stream_version {
                context.game.apply(&decoded);
                context.events.push(decoded);
                context.version = r.stream_version;
            } else if r.metadata.causation_id == event.metadata.causation_id {
                after.push(decoded);
            } else {
                break;
            }
        }
        if let Ok(mut games) = self.games.lock() {
            // A game is done with once cancelled, or named after its end (the last event the
            // notifier acts on).
            let done = match context.game.phase() {
                Phase::Cancelled => true,
                Phase::Ended => context.game.replay_name().is_some(),
                _ => false,
            };
            if done {
                games.remove(&event.stream_id);
            } else {
                games.insert(event.stream_id.clone(), context.clone());
            }
        }
        Ok((context, after))
    }

    async fn wait_for_active_players(&self, position: i64) {
        let Some(progress) = &self.active_players else { return };
        let deadline = tokio::time::Instant::now() + ACTIVE_PLAYERS_WAIT;
        while progress.checkpoint() < position {
            if tokio::time::Instant::now() >= deadline {
                tracing::warn!(
                    position,
                    "active players read model is late; sending the pair anyway"
                );
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Sends `message` to both players of `team`, each with its own nonce.
    async fn to_team(
        &self,
        event: &RecordedEvent,
        game: &Game,
        team: TeamId,
        slot: &'static str,
        message: &OutgoingMessage,
    ) -> Result<(), HandleError> {
        let Some(players) = game.teams().iter().find(|t| t.team_id == team).map(|t| t.users())
        else {
            return Ok(());
        };
        for player in players {
            self.dm(event, game, player, slot, message.clone()).await?;
        }
        Ok(())
    }

    async fn dm(
        &self,
        event: &RecordedEvent,
        game: &Game,
        player: UserId,
        slot: &'static str,
        message: OutgoingMessage,
    ) -> Result<(), HandleError> {
        let mut delivery =
            Delivery::new(Target::Dm(player), message).nonce(NonceKey::new(event.event_id, slot));
        if let Some(setup) = game.setup() {
            delivery =
                delivery.dm_fallback(DmFallback { channel: setup.channel, game: setup.game_id });
        }
        delivered(self.sender.deliver(delivery).await)
    }

    async fn to_channel(
        &self,
        event: &RecordedEvent,
        game: &Game,
        slot: &'static str,
        message: OutgoingMessage,
    ) -> Result<(), HandleError> {
        let Some(setup) = game.setup() else { return Ok(()) };
        let delivery = Delivery::new(Target::Channel(setup.channel), message)
            .nonce(NonceKey::new(event.event_id, slot));
        delivered(self.sender.deliver(delivery).await)
    }

    async fn on_game_event(&self, event: &RecordedEvent) -> Result<(), HandleError> {
        let (context, after) = self.context(event).await?;
        let Some(current) = context.events.last() else { return Ok(()) };
        let game = &context.game;
        let mode = game.mode().unwrap_or(Mode::Race);
        match current {
            GameEvent::PairDealt { team_id, pair, .. } => {
                self.wait_for_active_players(event.position).await;
                self.to_team(event, game, *team_id, "pair", &pair_dm(pair, mode, 1)).await?;
            }
            GameEvent::PairResolved { team_id, guess_count, answers, result, points, .. } => {
                match result {
                    GuessResult::Matched { .. } => {
                        let message = pair_matched(answers, *guess_count, *points, mode);
                        self.to_team(event, game, *team_id, "match", &message).await?;
                    }
                    GuessResult::Missed => {
                        let missed = pair_missed(answers, *guess_count);
                        self.to_team(event, game, *team_id, "miss", &missed).await?;
                        // The answers are the new pair, unless this miss ended the team's play.
                        let ended = after.iter().any(|e| match e {
                            GameEvent::TeamEliminated { team_id: t, .. } => t == team_id,
                            GameEvent::RoundEnded { .. } | GameEvent::GameEnded { .. } => true,
                            _ => false,
                        });
                        let still_playing = game
                            .teams()
                            .iter()
                            .any(|t| t.team_id == *team_id && t.status.is_playing());
                        if !ended && still_playing {
                            let pair = [answers[0].word.clone(), answers[1].word.clone()];
                            let message = pair_dm(&pair, mode, guess_count + 1);
                            self.to_team(event, game, *team_id, "pair", &message).await?;
                        }
                    }
                }
            }
            GameEvent::PairAbandoned { team_id, player, guess_count, pair, points, .. } => {
                let message = pair_abandoned(pair, *player, *guess_count, *points);
                self.to_team(event, game, *team_id, "abandon", &message).await?;
            }
            GameEvent::TeamEliminated { team_id, round, reason, .. } => {
                self.to_team(event, game, *team_id, "out", &team_out_dm(*round, *reason)).await?;
            }
            GameEvent::RoundStarted { round, .. }
                if *round > 1 && matches!(mode, Mode::Knockout | Mode::Longform) =>
            {
                let message = round_started(game, self.clock.now());
                self.to_channel(event, game, "round", message).await?;
            }
            GameEvent::RoundEnded { round, results, next_round_at, ended_at } => {
                let names = TeamNames::from_game(game);
                match mode {
                    Mode::Longform => {
                        let reveal = longform_reveal(*round, &context.events, &names);
                        let count = reveal.len();
                        for (index, message) in reveal.into_iter().enumerate() {
                            self.to_channel(event, game, reveal_slot(index), message).await?;
                            if index + 1 < count {
                                let at = self.clock.now() + REVEAL_PAUSE;
                                tokio::time::sleep(self.clock.real_wait_until(at)).await;
                            }
                        }
                    }
                    _ => {
                        let message =
                            round_summary(*round, results, &names, *next_round_at, *ended_at);
                        self.to_channel(event, game, "summary", message).await?;
                    }
                }
            }
            GameEvent::ReplayNamed { name } => {
                let ended = context.events.iter().rev().find_map(|e| match e {
                    GameEvent::GameEnded { winners, ranking, reason, .. } => {
                        Some((winners, ranking, *reason))
                    }
                    _ => None,
                });
                if let Some((winners, ranking, reason)) = ended {
                    let message = game_over_with_reason(mode, winners, ranking, reason, name);
                    self.to_channel(event, game, "game-over", message).await?;
                }
            }
            GameEvent::LobbyExpired { lobby_seconds, .. } => {
                // Nobody sent a command, so nobody got a reply: the channel hears it here.
                self.to_channel(event, game, "lobby-expired", lobby_expired(mode, *lobby_seconds))
                    .await?;
            }
            GameEvent::GameCancelled { by, .. } => {
                // The channel got the reply to the cancel command; players of a running game
                // are told where they answer, in their DMs.
                let started =
                    context.events.iter().any(|e| matches!(e, GameEvent::GameStarted { .. }));
                if started {
                    for team in game.teams() {
                        for player in team.users() {
                            self.dm(event, game, player, "cancelled", game_cancelled(mode, *by))
                                .await?;
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    async fn on_team_event(&self, event: &RecordedEvent) -> Result<(), HandleError> {
        let decoded = Codec::<TeamEvent>::new()
            .decode(event)
            .map_err(|e| HandleError::Unhandled(format!("team event: {e}")))?;
        if let TeamEvent::InvitationExpired { inviter, invitee, .. } = decoded {
            // The invitation does not record its channel, so the inviter hears it by DM.
            let delivery = Delivery::new(Target::Dm(inviter), invitation_expired(inviter, invitee))
                .nonce(NonceKey::new(event.event_id, "expired"));
            delivered(self.sender.deliver(delivery).await)?;
        }
        Ok(())
    }
}

/// What a delivery means for the notification's event. Every message carries a nonce Discord
/// enforces, so handing the event over again after a failure resends only what did not arrive:
/// - Discord failing or unreachable past the sender's own retries is transient: the event is
///   retried until the messages go out (a token Discord rejects too, since nothing can be sent
///   until an operator fixes it);
/// - a request Discord refuses for good (a channel the bot may not write to) is permanent: the
///   event is parked, to be re-driven once the permission is fixed;
/// - closed DMs are not a failure: the sender already told the game's channel.
fn delivered(result: Result<Delivered, SendError>) -> Result<(), HandleError> {
    match result {
        Ok(Delivered::Sent | Delivered::DmsClosed) => Ok(()),
        Err(error @ (SendError::GaveUp { .. } | SendError::Unauthorized)) => {
            Err(HandleError::Unavailable(format!("Discord: {error}")))
        }
        Err(error) => Err(HandleError::Unhandled(format!("Discord: {error}"))),
    }
}

/// The nonce slot of the reveal's `index`-th message.
fn reveal_slot(index: usize) -> &'static str {
    const SLOTS: [&str; 14] = [
        "reveal-0",
        "reveal-1",
        "reveal-2",
        "reveal-3",
        "reveal-4",
        "reveal-5",
        "reveal-6",
        "reveal-7",
        "reveal-8",
        "reveal-9",
        "reveal-10",
        "reveal-11",
        "reveal-12",
        "reveal-13",
    ];
    SLOTS.get(index).copied().unwrap_or("reveal-more")
}

#[async_trait]
impl Subscriber for Notifier {
    fn name(&self) -> &'static str {
        NOTIFIER
    }

    async fn react(&self, event: &RecordedEvent) -> Result<(), HandleError> {
        if Utc::now() - event.recorded_at > STALE_AFTER {
            tracing::debug!(position = event.position, "not announcing an old event");
            return Ok(());
        }
        match event.stream_id.kind() {
            StreamKind::Game => self.on_game_event(event).await,
            StreamKind::Team => self.on_team_event(event).await,
            StreamKind::Player | StreamKind::Guild => Ok(()),
        }
    }
}

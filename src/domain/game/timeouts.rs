//! How long a game waits for people: a lobby for someone to start it, a running game for an
//! answer. The deployment chooses the two periods (`games.*` settings); the service hands them to
//! the game in `CreateGame` and the game records them in `GameCreated`, so every deadline below is
//! decided from the game's own events and a rebuild arms the same timers. A lobby nobody starts
//! closes (`LobbyExpired`); a running game nobody answers ends with no winner (`GameEnded` with
//! [`EndReason::Idle`]). Both free the channel and the players the way a cancel or an end does.
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::decision::Decision;
use super::errors::GameError;
use super::events::{EndReason, GameEvent};
use super::modes::ranking;
use super::options::GameOptions;

/// How long a lobby stays open unless the deployment chose another period (15 minutes).
pub const DEFAULT_LOBBY_TIMEOUT_SECONDS: u32 = 900;

/// How long a running game waits for an answer unless the deployment chose another period (an
/// hour).
pub const DEFAULT_IDLE_TIMEOUT_SECONDS: u32 = 3600;

/// The two waiting periods of one game, as recorded when it was created.
///
/// A game stored before the periods existed reads as the defaults (`#[serde(default)]` on the
/// `GameCreated` field): an additive field that old data decodes to correctly needs no schema
/// version bump.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GameTimeouts {
    /// Seconds a lobby stays open after it was created.
    pub lobby_seconds: u32,
    /// Seconds a running game waits for an answer (Longform waits longer, see [`idle_period`]).
    pub idle_seconds: u32,
}

impl Default for GameTimeouts {
    fn default() -> Self {
        Self {
            lobby_seconds: DEFAULT_LOBBY_TIMEOUT_SECONDS,
            idle_seconds: DEFAULT_IDLE_TIMEOUT_SECONDS,
        }
    }
}

impl GameTimeouts {
    /// Both periods `factor` times longer (saturating), for a clock that runs `factor` times
    /// faster than the one the periods were chosen for.
    pub fn scaled(self, factor: u32) -> Self {
        Self {
            lobby_seconds: self.lobby_seconds.saturating_mul(factor),
            idle_seconds: self.idle_seconds.saturating_mul(factor),
        }
    }
}

/// How long after its last answer a running game of `options` ends for want of answers.
///
/// Decision (rules silent): Longform players answer once a day, so one team may answer early in
/// a round and late in the next, almost two rounds apart, in a healthy game. A Longform game
/// therefore waits two full rounds plus the idle period; every other mode waits the idle period.
pub fn idle_period(options: &GameOptions, timeouts: GameTimeouts) -> Duration {
    let idle = Duration::seconds(i64::from(timeouts.idle_seconds));
    match options {
        GameOptions::Longform(o) => Duration::hours(2 * i64::from(o.round_hours.get())) + idle,
        _ => idle,
    }
}

/// Timer: the lobby's time is up. Stale unless the game is still the lobby whose deadline the
/// timer names.
///
/// Decision (rules silent): a `start` that arrives after the deadline, before the timer fired,
/// is still accepted; the lobby closes only when the timer finds it unstarted.
pub(super) fn expire_lobby(d: &mut Decision<'_>, deadline: DateTime<Utc>) -> Result<(), GameError> {
    if d.state().lobby_deadline() != Some(deadline) {
        return Ok(());
    }
    let lobby_seconds = d.setup()?.timeouts.lobby_seconds;
    d.emit(GameEvent::LobbyExpired { lobby_seconds, expired_at: d.now });
    Ok(())
}

/// Timer: nobody answered for the idle period. Stale unless it names the game's idle deadline,
/// which every answer and give up moves.
///
/// Decision (rules silent): the game ends with no winner and the ranking as it stands, without
/// closing the round in play (no round summary, no eliminations). An answer that arrives after
/// the deadline, before the timer fired, counts and keeps the game going.
pub(super) fn end_idle_game(
    d: &mut Decision<'_>,
    deadline: DateTime<Utc>,
) -> Result<(), GameError> {
    if d.state().idle_deadline() != Some(deadline) {
        return Ok(());
    }
    let setup = d.setup()?;
    let period = idle_period(&setup.options, setup.timeouts);
    let idle_seconds = u64::try_from(period.num_seconds()).unwrap_or(0);
    let ranking = ranking::rank(d.mode()?, d.state().teams());
    d.emit(GameEvent::GameEnded {
        winners: Vec::new(),
        ranking,
        ended_at: d.now,
        reason: EndReason::Idle { idle_seconds },
    });
    Ok(())
}

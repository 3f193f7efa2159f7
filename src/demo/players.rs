//! Simulated players at the table: each team is driven by one loop that watches its game the way
//! a player watches their DMs (the pair in play, the partner's progress), thinks for a while in
//! game time, and answers or gives up through the game service, exactly like a Discord DM.
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::associations::{Associations, Mind};
use super::clock::DemoClock;
use super::DemoError;
use crate::domain::game::{Game, Mode, Phase, TeamInGame};
use crate::domain::{GameId, TeamId, UserId};
use crate::runtime::{Clock, RegistryHandle};
use crate::service::GameService;
use crate::store::StreamId;

/// How often (real time) a waiting player looks at the game again: short enough that nobody
/// notices, long enough that four teams polling cost nothing.
pub const LOOK_AGAIN: Duration = Duration::from_millis(10);

/// Commands one team may send in one game before the demo calls it stuck: far above any real
/// game (a Longform game of many rounds sends a few hundred).
const MAX_ACTIONS_PER_GAME: u32 = 2_000;

/// A simulated player.
#[derive(Debug, Clone)]
pub struct SimPlayer {
    /// Their Discord id.
    pub user: UserId,
    /// Their display name.
    pub name: String,
    /// How they think.
    pub mind: Mind,
}

/// What every team's loop shares.
pub struct Table {
    /// The one path for intents.
    pub service: GameService,
    /// Where game state is read (a player's `status`).
    pub registry: RegistryHandle,
    /// Game time.
    pub clock: Arc<DemoClock>,
    /// The shared culture.
    pub net: Associations,
    /// Prefix of every source id of this run, so runs never collide.
    pub run: String,
    /// Counters for the summary.
    pub counts: Counts,
}

/// What the simulated players did.
#[derive(Debug, Default)]
pub struct Counts {
    /// Answers accepted.
    pub answers: AtomicU64,
    /// Answers the game refused (forbidden, variants); the player tried another word.
    pub rejected: AtomicU64,
    /// Pairs given up.
    pub give_ups: AtomicU64,
    /// Real microseconds the service took for every answer, summed (for the mean).
    pub answer_micros: AtomicU64,
    sources: AtomicU64,
}

impl Table {
    fn source(&self, what: &str) -> String {
        format!("{}:{what}:{}", self.run, self.counts.sources.fetch_add(1, Ordering::Relaxed))
    }

    /// The game as it stands, rebuilt by its actor.
    pub async fn game(&self, game: GameId) -> Result<Game, DemoError> {
        patiently("reading a game", || self.registry.inspect::<Game>(StreamId::game(game)))
            .await
            .map(|i| i.state)
            .map_err(|e| DemoError::Engine(format!("reading game {game}: {e}")))
    }

    /// Sleeps until the game clock reads `at`.
    async fn until(&self, at: DateTime<Utc>) {
        let wait = self.clock.real_wait_until(at);
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

/// How long a player waits after "time is up" before looking at the game again.
const TIME_UP_PAUSE: Duration = Duration::from_millis(100);

/// How long a simulated player keeps trying while the engine says "try again in a moment" (the
/// store is unreachable or busy): long enough to wait out a database restart.
pub const PATIENCE: Duration = Duration::from_secs(240);

/// The first pause before trying again; it doubles up to [`MAX_RETRY_PAUSE`].
const FIRST_RETRY_PAUSE: Duration = Duration::from_millis(200);

/// The longest pause between two tries.
const MAX_RETRY_PAUSE: Duration = Duration::from_secs(2);

/// Sends `call` again, as a person would, while it fails with an error that says "try again"
/// ([`crate::service::ServiceError::is_transient`], or a transient command error); gives up
/// after [`PATIENCE`]. The caller keeps the same source id across tries, so a try whose reply
/// was lost is not applied twice.
pub async fn patiently<T, E, F, Fut>(what: &str, mut call: F) -> Result<T, E>
where
    E: Retryable + std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut pause = FIRST_RETRY_PAUSE;
    loop {
        match call().await {
            Err(error) if error.retryable() && tokio::time::Instant::now() + pause < deadline => {
                tracing::info!(step = what, error.message = %error, "trying again in a moment");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_RETRY_PAUSE);
            }
            result => return result,
        }
    }
}

/// An error a simulated player meets with "try again in a moment".
pub trait Retryable {
    /// Whether trying again later may work.
    fn retryable(&self) -> bool;
}

impl Retryable for crate::service::ServiceError {
    fn retryable(&self) -> bool {
        self.is_transient()
    }
}

impl<E: std::error::Error + 'static> Retryable for crate::runtime::CommandError<E> {
    fn retryable(&self) -> bool {
        self.is_transient()
    }
}

impl Retryable for crate::store::StoreError {
    fn retryable(&self) -> bool {
        self.is_transient()
    }
}

impl Retryable for crate::replay::ReplayError {
    fn retryable(&self) -> bool {
        crate::store::is_transient_chain(self)
    }
}

impl Retryable for crate::replay::VerifyError {
    fn retryable(&self) -> bool {
        crate::store::is_transient_chain(self)
    }
}

/// A stable number for one pair state of one seat, so a player's think time and choices do not
/// change when the loop looks at the same pair again.
fn nonce(team: &TeamInGame, seat: usize) -> u64 {
    let words = format!("{}|{}|{}|{}", team.pair[0], team.pair[1], team.round, team.guesses);
    words.bytes().fold(seat as u64 + 1, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
}

/// Plays one team's part of a game until the game closes or the team is out.
pub async fn play_team(
    table: &Table,
    game_id: GameId,
    mode: Mode,
    team_id: TeamId,
    players: &[SimPlayer; 2],
) -> Result<(), DemoError> {
    let clocked = matches!(mode, Mode::Race | Mode::Golf);
    let mut rejected: HashSet<String> = HashSet::new();
    let mut pair_seen: Option<(u32, u32, [String; 2])> = None;
    let mut actions = 0;
    loop {
        let game = table.game(game_id).await?;
        if game.phase().is_closed() {
            return Ok(());
        }
        let Some(team) = game.teams().iter().find(|t| t.team_id == team_id) else {
            return Ok(());
        };
        if !team.status.is_alive() {
            return Ok(());
        }
        if game.phase() != Phase::Running || !team.status.is_playing() {
            tokio::time::sleep(LOOK_AGAIN).await;
            continue;
        }
        let key = (team.round, team.guesses, team.pair.clone());
        if pair_seen.as_ref() != Some(&key) {
            rejected.clear();
            pair_seen = Some(key);
        }
        actions += 1;
        if actions > MAX_ACTIONS_PER_GAME {
            return Err(DemoError::Stuck(format!(
                "team {} sent {MAX_ACTIONS_PER_GAME} commands in game {game_id} without finishing",
                team.name
            )));
        }
        let shown = team.pair_shown_at.unwrap_or_else(|| table.clock.now());
        let attempt = team.guesses + 1;
        // The seat that acts next: the quicker of those who have not answered this pair yet.
        let next = (0..2)
            .filter(|seat| team.players[*seat].answer.is_none())
            .map(|seat| {
                let think = players[seat].mind.think_time(mode, attempt, nonce(team, seat));
                (shown + chrono::TimeDelta::from_std(think).unwrap_or_default(), seat)
            })
            .min();
        let Some((at, seat)) = next else {
            tokio::time::sleep(LOOK_AGAIN).await;
            continue;
        };
        let player = &players[seat];
        table.until(at).await;
        // A timer may have moved the game on while the player thought: look again first.
        let now = table.game(game_id).await?;
        let still = now.teams().iter().find(|t| t.team_id == team_id).is_some_and(|t| {
            t.status.is_playing()
                && (t.round, t.guesses, &t.pair) == (team.round, team.guesses, &team.pair)
                && t.players[seat].answer.is_none()
        });
        if !still {
            continue;
        }
        if clocked && player.mind.gives_up(team.guesses, nonce(team, seat)) {
            let source = table.source("give-up");
            match patiently("giving up", || table.service.give_up(player.user, &source)).await {
                Ok(_) => table.counts.give_ups.fetch_add(1, Ordering::Relaxed),
                Err(e) if e.is_user_error() => 0,
                Err(e) => return Err(DemoError::Engine(format!("{} giving up: {e}", player.name))),
            };
            continue;
        }
        let me = &team.players[seat];
        let avoid = |w: &str| {
            team.dealt.iter().any(|d| d == w)
                || me.forbidden.iter().any(|f| f == w)
                || rejected.contains(w)
        };
        let word = match table.net.answer(&player.mind, &team.pair, attempt, &avoid) {
            Some(word) => word.to_owned(),
            None if clocked => {
                // Nothing comes to mind: a Race player gives the pair up.
                let source = table.source("give-up");
                let _ =
                    patiently("giving up", || table.service.give_up(player.user, &source)).await;
                table.counts.give_ups.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            None => fallback_word(table, &avoid, nonce(team, seat)),
        };
        let sent = std::time::Instant::now();
        let source = table.source("answer");
        let answered =
            patiently("answering", || table.service.answer(player.user, &word, &source)).await;
        let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
        table.counts.answer_micros.fetch_add(micros, Ordering::Relaxed);
        match answered {
            Ok(_) => {
                table.counts.answers.fetch_add(1, Ordering::Relaxed);
            }
            Err(crate::service::ServiceError::Game(crate::domain::game::GameError::TimeIsUp)) => {
                // The clock ran out and its timer has not closed the round yet (it may be
                // waiting for the store): like a player, wait for the game to move on.
                actions -= 1;
                tokio::time::sleep(TIME_UP_PAUSE).await;
            }
            Err(e) if e.is_user_error() => {
                // Forbidden, a variant of a forbidden word, or the pair moved on meanwhile:
                // like a player, try again with what the game now shows.
                tracing::debug!(player = %player.name, word, error.message = %e, "answer refused");
                table.counts.rejected.fetch_add(1, Ordering::Relaxed);
                rejected.insert(word);
            }
            Err(e) => return Err(DemoError::Engine(format!("{} answering: {e}", player.name))),
        }
    }
}

/// Any word from the generation list the player may use, for a mind gone blank.
fn fallback_word(table: &Table, avoid: &dyn Fn(&str) -> bool, nonce: u64) -> String {
    let words = crate::domain::words::WordService::embedded().generation_list();
    let start = (nonce as usize) % words.len().max(1);
    words
        .iter()
        .cycle()
        .skip(start)
        .take(words.len())
        .find(|w| !avoid(w))
        .cloned()
        .unwrap_or_else(|| table.run.clone())
}

//! Lookups are the questions the service cannot answer from a stream whose id it knows: which
//! invitation is addressed to a player, which games a player is in across guilds (to route a
//! DM), which game a replay name means, and the statistics read models. [`Lookups`] is the port;
//! [`LogIndex`] is a small in-memory implementation that folds the event log on demand, so the
//! service works (and is tested) before the projections' read models are wired in.
//!
//! Contract for every implementation: **read-your-writes**. A lookup reflects every event the
//! store had committed when it was called (a read model waits until its projection passed the
//! store's head position first). The service still treats every answer as a hint and checks it
//! against the authoritative stream before acting on it.
use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::Mutex;

use crate::discord::{HistoryView, LeaderboardView, PlayerStatsView, TeamStatsView};
use crate::discord::{LeaderboardKind, Period};
use crate::domain::game::GameEvent;
use crate::domain::player::PlayerEvent;
use crate::domain::team::TeamEvent;
use crate::domain::{GameId, GuildId, TeamId, UserId};
use crate::store::{Codec, EventStore, RecordedEvent, StoreError, StreamKind};

/// How many events [`LogIndex`] reads per store call while catching up.
pub const LOG_INDEX_BATCH: usize = 1_000;

/// How long [`LogIndex`] waits for events this process appended to become readable before it
/// answers from what it can see: visibility lags a commit by milliseconds, so a second is
/// generous without hanging a reply.
pub const LOG_INDEX_VISIBILITY_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// How soon [`LogIndex`] reads again while appended events are not yet visible.
pub const LOG_INDEX_REREAD: std::time::Duration = std::time::Duration::from_millis(5);

/// A game a player has claimed as their active one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ActiveGame {
    /// The guild of the player stream that holds the claim.
    pub guild: GuildId,
    /// The game.
    pub game: GameId,
}

/// Why a lookup gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// This implementation does not keep that read model.
    ///
    /// # Handling
    /// Tell the player the feature is unavailable; nothing to log.
    #[error("{0} are not kept by this lookup")]
    Unsupported(&'static str),
    /// Reading the store or a read model failed.
    ///
    /// # Handling
    /// Log with the cause chain; tell the player something went wrong.
    #[error("a lookup failed")]
    Failed(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<StoreError> for LookupError {
    fn from(error: StoreError) -> Self {
        LookupError::Failed(Box::new(error))
    }
}

/// The read-model questions the service asks; see the module doc for the consistency contract.
#[async_trait]
pub trait Lookups: Send + Sync + 'static {
    /// Teams whose invitation to `invitee` in `guild` is still pending (not formed, not
    /// expired by its timer), oldest first.
    async fn invitations_for(
        &self,
        guild: GuildId,
        invitee: UserId,
    ) -> Result<Vec<TeamId>, LookupError>;

    /// The games `user` has claimed, in any guild, oldest claim first.
    async fn active_games_of(&self, user: UserId) -> Result<Vec<ActiveGame>, LookupError>;

    /// The formed, not disbanded, team of `guild` currently called `name` (compared
    /// case-insensitively), default names (`ann & bob`) included.
    async fn team_named(&self, guild: GuildId, name: &str) -> Result<Option<TeamId>, LookupError>;

    /// The game a replay name (compared case-insensitively) belongs to.
    async fn replay_game(&self, name: &str) -> Result<Option<GameId>, LookupError>;

    /// A player's statistics in a guild; `None` when they finished no game there.
    async fn player_stats(
        &self,
        guild: GuildId,
        player: UserId,
    ) -> Result<Option<PlayerStatsView>, LookupError>;

    /// A team's statistics; `None` when the team finished no game.
    async fn team_stats(
        &self,
        guild: GuildId,
        team: TeamId,
    ) -> Result<Option<TeamStatsView>, LookupError>;

    /// The guild's leaderboard for a period (rows in any order; the renderer ranks them).
    async fn leaderboard(
        &self,
        guild: GuildId,
        kind: LeaderboardKind,
        period: Period,
    ) -> Result<LeaderboardView, LookupError>;

    /// Recent finished games of the guild, or of one player in it, newest first.
    async fn history(
        &self,
        guild: GuildId,
        player: Option<UserId>,
    ) -> Result<HistoryView, LookupError>;
}

/// What [`LogIndex`] has folded so far.
#[derive(Default)]
struct Folded {
    position: i64,
    /// (guild, invitee) -> pending invitations, oldest first.
    invitations: HashMap<(GuildId, UserId), Vec<TeamId>>,
    /// user -> claimed games, oldest first.
    active: HashMap<UserId, Vec<ActiveGame>>,
    /// lowercase replay name -> game.
    replays: HashMap<String, GameId>,
    /// (guild, lowercase current name) -> formed team.
    team_names: HashMap<(GuildId, String), TeamId>,
    /// team -> (guild, lowercase current name), to move or drop the entry above.
    names_of_teams: HashMap<TeamId, (GuildId, String)>,
}

impl Folded {
    fn fold(&mut self, event: &RecordedEvent, codecs: &Codecs) {
        self.position = self.position.max(event.position);
        // Only these types change what the index keeps; skip decoding the rest.
        let kept = matches!(
            event.event_type.as_str(),
            "TeammateInvited"
                | "TeamFormed"
                | "InvitationExpired"
                | "TeamRenamed"
                | "TeamDisbanded"
                | "ActiveGameClaimed"
                | "ActiveGameReleased"
                | "ReplayNamed"
        );
        if !kept {
            return;
        }
        match event.stream_id.kind() {
            StreamKind::Team => {
                if let Ok(team_event) = codecs.team.decode(event) {
                    self.fold_team(&team_event);
                }
            }
            StreamKind::Player => {
                if let (Some((guild, user)), Ok(player_event)) =
                    (player_of(event), codecs.player.decode(event))
                {
                    self.fold_player(guild, user, &player_event);
                }
            }
            StreamKind::Game => {
                if let Ok(GameEvent::ReplayNamed { name }) = codecs.game.decode(event) {
                    if let Some(game) = game_of(event) {
                        self.replays.insert(name.to_lowercase(), game);
                    }
                }
            }
            StreamKind::Guild => {}
        }
    }

    fn fold_team(&mut self, event: &TeamEvent) {
        match event {
            TeamEvent::TeammateInvited { team, guild, invitee, .. } => {
                self.invitations.entry((*guild, invitee.user)).or_default().push(*team);
            }
            TeamEvent::TeamFormed { team, guild, name, .. } => {
                self.forget_invitation(*team);
                self.name_team(*team, *guild, name.as_str());
            }
            TeamEvent::InvitationExpired { team, .. } => self.forget_invitation(*team),
            TeamEvent::TeamRenamed { team, new_name, .. } => {
                if let Some((guild, _)) = self.names_of_teams.get(team).cloned() {
                    self.name_team(*team, guild, new_name.as_str());
                }
            }
            TeamEvent::TeamDisbanded { team, .. } => {
                if let Some(key) = self.names_of_teams.remove(team) {
                    self.team_names.remove(&key);
                }
            }
        }
    }

    fn forget_invitation(&mut self, team: TeamId) {
        for pending in self.invitations.values_mut() {
            pending.retain(|t| *t != team);
        }
        self.invitations.retain(|_, pending| !pending.is_empty());
    }

    fn name_team(&mut self, team: TeamId, guild: GuildId, name: &str) {
        if let Some(old) = self.names_of_teams.remove(&team) {
            self.team_names.remove(&old);
        }
        let key = (guild, name_key(name));
        self.team_names.insert(key.clone(), team);
        self.names_of_teams.insert(team, key);
    }

    fn fold_player(&mut self, guild: GuildId, user: UserId, event: &PlayerEvent) {
        match event {
            PlayerEvent::ActiveGameClaimed { game } => {
                let games = self.active.entry(user).or_default();
                games.retain(|a| a.guild != guild);
                games.push(ActiveGame { guild, game: *game });
            }
            PlayerEvent::ActiveGameReleased { game } => {
                if let Some(games) = self.active.get_mut(&user) {
                    games.retain(|a| !(a.guild == guild && a.game == *game));
                }
            }
            _ => {}
        }
    }
}

/// A name as compared: the same key the guild's registry and the read models use.
fn name_key(name: &str) -> String {
    crate::domain::team::TeamName::key_of(name)
}

/// The player stream's guild and user, read from its id (`player-<guild>-<user>`).
fn player_of(event: &RecordedEvent) -> Option<(GuildId, UserId)> {
    let rest = event.stream_id.as_str().strip_prefix("player-")?;
    let (guild, user) = rest.split_once('-')?;
    Some((GuildId(guild.parse().ok()?), UserId(user.parse().ok()?)))
}

/// The game stream's id (`game-<uuid>`).
fn game_of(event: &RecordedEvent) -> Option<GameId> {
    let rest = event.stream_id.as_str().strip_prefix("game-")?;
    uuid::Uuid::parse_str(rest).ok().map(GameId)
}

struct Codecs {
    game: Codec<GameEvent>,
    team: Codec<TeamEvent>,
    player: Codec<PlayerEvent>,
}

/// Lookups folded from the event log into memory, caught up to the store's head on every call
/// (so read-your-writes holds by construction). It keeps only what is open (pending invitations,
/// claimed games) plus replay names, and no statistics: those come from the projections' read
/// models. Rebuilt from the log when the process starts.
#[derive(Clone)]
pub struct LogIndex {
    store: Arc<dyn EventStore>,
    codecs: Arc<Codecs>,
    folded: Arc<Mutex<Folded>>,
}

impl LogIndex {
    /// An index over `store`'s log; it reads the log on first use.
    pub fn new(store: Arc<dyn EventStore>) -> Self {
        let codecs = Codecs { game: Codec::new(), team: Codec::new(), player: Codec::new() };
        Self { store, codecs: Arc::new(codecs), folded: Arc::default() }
    }

    /// Folds every event up to the store's head, then runs `read` on the result. The head is
    /// the higher of what the store shows and what this process appended: on PostgreSQL an
    /// event can commit before it is visible (an older transaction is still open), and a
    /// lookup must still see the caller's own writes.
    async fn caught_up<T>(&self, read: impl FnOnce(&Folded) -> T) -> Result<T, LookupError> {
        let mut folded = self.folded.lock().await;
        let appended = *self.store.watch_appends().borrow();
        let head = self.store.last_position().await?.max(appended);
        let deadline = tokio::time::Instant::now() + LOG_INDEX_VISIBILITY_WAIT;
        while folded.position < head {
            let batch = self.store.read_all(folded.position, LOG_INDEX_BATCH).await?;
            if batch.is_empty() {
                if tokio::time::Instant::now() >= deadline {
                    tracing::warn!(
                        index.position = folded.position,
                        store.head = head,
                        "appended events stayed invisible; answering from what is visible"
                    );
                    break;
                }
                tokio::time::sleep(LOG_INDEX_REREAD).await;
                continue;
            }
            for event in &batch {
                folded.fold(event, &self.codecs);
            }
        }
        Ok(read(&folded))
    }
}

#[async_trait]
impl Lookups for LogIndex {
    async fn invitations_for(
        &self,
        guild: GuildId,
        invitee: UserId,
    ) -> Result<Vec<TeamId>, LookupError> {
        self.caught_up(|f| f.invitations.get(&(guild, invitee)).cloned().unwrap_or_default()).await
    }

    async fn active_games_of(&self, user: UserId) -> Result<Vec<ActiveGame>, LookupError> {
        self.caught_up(|f| f.active.get(&user).cloned().unwrap_or_default()).await
    }

    async fn team_named(&self, guild: GuildId, name: &str) -> Result<Option<TeamId>, LookupError> {
        let key = (guild, name_key(name));
        self.caught_up(|f| f.team_names.get(&key).copied()).await
    }

    async fn replay_game(&self, name: &str) -> Result<Option<GameId>, LookupError> {
        let key = name.trim().to_lowercase();
        self.caught_up(|f| f.replays.get(&key).copied()).await
    }

    async fn player_stats(
        &self,
        _guild: GuildId,
        _player: UserId,
    ) -> Result<Option<PlayerStatsView>, LookupError> {
        Err(LookupError::Unsupported("statistics"))
    }

    async fn team_stats(
        &self,
        _guild: GuildId,
        _team: TeamId,
    ) -> Result<Option<TeamStatsView>, LookupError> {
        Err(LookupError::Unsupported("statistics"))
    }

    async fn leaderboard(
        &self,
        _guild: GuildId,
        _kind: LeaderboardKind,
        _period: Period,
    ) -> Result<LeaderboardView, LookupError> {
        Err(LookupError::Unsupported("leaderboards"))
    }

    async fn history(
        &self,
        _guild: GuildId,
        _player: Option<UserId>,
    ) -> Result<HistoryView, LookupError> {
        Err(LookupError::Unsupported("game histories"))
    }
}

//! Why the service could not do what a player asked. One enum for every entry point, whose
//! `Display` is the reason shown to the player after `Error:` (channel) or `Invalid:` (DMs):
//! domain refusals pass through with their own words, service-level refusals say what is
//! missing, and infrastructure failures become one generic sentence while their cause chain is
//! logged where they happen.
use crate::domain::game::GameError;
use crate::domain::guild::GuildError;
use crate::domain::player::PlayerError;
use crate::domain::team::TeamError;
use crate::domain::UserId;
use crate::runtime::CommandError;

/// The generic reason shown when the engine, not the player, failed.
pub const SOMETHING_WENT_WRONG: &str = "something went wrong, try again";

/// The reason shown while the event store cannot be reached (an outage, a locked file).
pub const STORE_UNAVAILABLE: &str = "the game store is unavailable, try again in a moment";

/// Why a service call did nothing (or undid what it had started).
///
/// # Handling
/// Every variant except [`ServiceError::Busy`], [`ServiceError::StoreUnavailable`] and
/// [`ServiceError::Internal`] is a user error: reply with the `Display` text and never retry.
/// `Busy` and `StoreUnavailable`: the player may simply send again in a moment. `Internal`:
/// already logged with its cause chain; reply with the generic text.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The game refused the command.
    #[error("{0}")]
    Game(#[from] GameError),
    /// The team refused the command.
    #[error("{0}")]
    Team(#[from] TeamError),
    /// The player's stream refused the command (one game at a time, one pending invitation).
    #[error("{0}")]
    Player(#[from] PlayerError),
    /// The guild refused the command (a taken name, a busy channel, a missing permission).
    #[error("{0}")]
    Guild(#[from] GuildError),
    /// A channel command arrived without a guild (from a DM).
    #[error("this command works in a server channel, not in direct messages")]
    GuildOnly,
    /// The command needs the caller's team and they have none in this guild.
    #[error("you are not in a team in this server; invite a partner first")]
    NoTeam,
    /// `ok` with no invitation addressed to the caller in this guild.
    #[error("nobody has invited you to a team in this server")]
    NoInvitation,
    /// The channel has no lobby or game.
    #[error("there is no game in this channel")]
    NoGameHere,
    /// A DM answer, give up or status from a player who is in no game.
    #[error("you are not in a game right now")]
    NotInAGame,
    /// The caller's partner already plays in another game.
    #[error("your partner <@{0}> is already in another game; it must end first")]
    PartnerInAnotherGame(UserId),
    /// `replay` of a name or id that names no finished game of the asking guild (another
    /// guild's game is not found either).
    #[error("there is no finished game called `{0}` in this server")]
    ReplayNotFound(String),
    /// `stats team <name>` for a name no team of this guild holds.
    #[error("there is no team called \"{0}\" in this server")]
    TeamNotFound(String),
    /// A read-model query this deployment cannot answer yet.
    #[error("{what} are not available right now")]
    QueryUnavailable {
        /// What was asked for, plural (`statistics`).
        what: &'static str,
    },
    /// Other writers kept winning the race for a stream.
    #[error("the game was busy, try again")]
    Busy,
    /// The event store could not be reached or stayed busy (an outage, a locked file); the
    /// cause was logged. Nothing of the command was half-done: each step is one append.
    #[error("{STORE_UNAVAILABLE}")]
    StoreUnavailable,
    /// The store or the runtime failed; the cause was logged where it happened.
    #[error("{SOMETHING_WENT_WRONG}")]
    Internal,
}

impl ServiceError {
    /// Whether the player broke a rule or asked for something missing (as opposed to a failure
    /// of the engine they may retry).
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self,
            ServiceError::Busy | ServiceError::StoreUnavailable | ServiceError::Internal
        )
    }

    /// Whether the same request may succeed if sent again in a moment.
    pub fn is_transient(&self) -> bool {
        matches!(self, ServiceError::Busy | ServiceError::StoreUnavailable)
    }
}

/// Maps a stream's command error: a refusal keeps its domain type; contention asks for a retry;
/// everything else is logged here with its chain and becomes [`ServiceError::Internal`].
pub(super) fn from_command<E>(error: CommandError<E>, step: &str) -> ServiceError
where
    E: std::error::Error + Into<ServiceError> + 'static,
{
    match error {
        CommandError::Rejected(refusal) => refusal.into(),
        CommandError::Contended => {
            tracing::warn!(service.step = step, "a command kept losing the version race");
            ServiceError::Busy
        }
        other if other.is_transient() => {
            tracing::warn!(
                service.step = step,
                error.message = %other,
                error.cause_chain = ?error_chain(&other),
                "the event store is unavailable"
            );
            ServiceError::StoreUnavailable
        }
        other => {
            tracing::error!(
                service.step = step,
                error.message = %other,
                error.cause_chain = ?error_chain(&other),
                "a service step failed"
            );
            ServiceError::Internal
        }
    }
}

/// Logs an infrastructure failure outside a command (a read, a lookup) and hides it; a store
/// that cannot be reached becomes [`ServiceError::StoreUnavailable`].
pub(super) fn internal(step: &str, error: &(dyn std::error::Error + 'static)) -> ServiceError {
    if crate::store::is_transient_chain(error) {
        tracing::warn!(
            service.step = step,
            error.message = %error,
            error.cause_chain = ?error_chain(error),
            "the event store is unavailable"
        );
        return ServiceError::StoreUnavailable;
    }
    tracing::error!(
        service.step = step,
        error.message = %error,
        error.cause_chain = ?error_chain(error),
        "a service read failed"
    );
    ServiceError::Internal
}

/// Every message in an error's source chain, outermost first.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut chain = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_refusal_shows_its_own_message() {
        let error = from_command(CommandError::Rejected(TeamError::CannotInviteYourself), "t");
        assert_eq!(error.to_string(), "you cannot invite yourself");
        assert!(error.is_user_error());
    }

    #[test]
    fn an_unreachable_store_asks_the_player_to_try_again_in_a_moment() {
        let down = crate::store::StoreError::Backend(sqlx::Error::PoolTimedOut);
        let error = from_command::<TeamError>(CommandError::Store(down), "t");
        assert_eq!(error.to_string(), STORE_UNAVAILABLE);
        assert!(error.is_transient() && !error.is_user_error());
        let wrapped = crate::store::StoreError::Backend(sqlx::Error::Io(std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused,
        )));
        assert!(matches!(internal("read", &wrapped), ServiceError::StoreUnavailable));
        let corrupt = crate::store::StoreError::Backend(sqlx::Error::RowNotFound);
        assert!(matches!(internal("read", &corrupt), ServiceError::Internal));
    }

    #[test]
    fn an_infrastructure_failure_shows_the_generic_message() {
        let error = from_command::<TeamError>(CommandError::Panicked("boom".into()), "t");
        assert_eq!(error.to_string(), SOMETHING_WENT_WRONG);
        assert!(!error.is_user_error());
    }
}

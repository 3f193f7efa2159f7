//! What every reactor shares: the provenance a reactor-issued command carries (so a redelivered
//! event is a no-op at the stream), how a refused or failed command becomes a handling error,
//! and reading ids and past game state out of the log.
use uuid::Uuid;

use crate::domain::game::{Game, GameEvent};
use crate::domain::{Aggregate, GameId, GuildId};
use crate::runtime::{CommandError, CommandMeta, HandleError, Outcome};
use crate::store::{Codec, EventStore, RecordedEvent, StreamId, StreamKind};

/// The provenance of a command a reactor sends because of `event`.
///
/// The source id is `<reactor>:<event id>:<step>`: the event id makes a redelivery a duplicate
/// at the stream, and the step keeps two commands one event sends to the same stream (a formed
/// team's `JoinTeam` and `ClearPendingInvitation` to the inviter) from being taken for each other.
pub(super) fn caused_by(
    reactor: &str,
    step: &str,
    event: &RecordedEvent,
    guild: GuildId,
) -> CommandMeta {
    CommandMeta {
        source_id: Some(format!("{reactor}:{}:{step}", event.event_id)),
        actor_id: None,
        correlation_id: Some(event.metadata.correlation_id),
        causation_id: Some(event.event_id),
        guild_id: Some(guild),
    }
}

/// Turns a command's result into the subscriber's: a failure the store or the runtime may get
/// over (unreachable, busy, an actor gone) stays transient, so the subscription retries the
/// event until it passes; a refusal or a bug is permanent, so it parks after a few attempts.
pub(super) fn sent<A: Aggregate>(
    what: &str,
    result: Result<Outcome<A>, CommandError<A::Error>>,
) -> Result<(), HandleError> {
    result.map(|_| ()).map_err(|error| command_failed(what, error))
}

/// Classifies a stream command's failure for the subscription (see [`sent`]).
pub(super) fn command_failed<E: std::error::Error + 'static>(
    what: &str,
    error: CommandError<E>,
) -> HandleError {
    match error {
        CommandError::Store(error) => HandleError::Store(error),
        CommandError::Rejected(error) => {
            HandleError::Unhandled(format!("{what} was refused: {error}"))
        }
        other if other.is_transient() => HandleError::Unavailable(format!("{what}: {other}")),
        other => HandleError::Unhandled(format!("{what} failed: {other}")),
    }
}

/// Decodes a typed event, naming the event when it cannot be read.
pub(super) fn decode<E: crate::domain::DomainEvent>(
    codec: &Codec<E>,
    event: &RecordedEvent,
) -> Result<E, HandleError> {
    codec.decode(event).map_err(|e| HandleError::Store(e.into()))
}

/// The game of `event` when it is a game event of one of `types` (stored type names); `None`
/// for every other event, which the reactor ignores.
pub(super) fn game_event_among(
    event: &RecordedEvent,
    types: &[&str],
) -> Result<Option<GameId>, HandleError> {
    if event.stream_id.kind() != StreamKind::Game || !types.contains(&event.event_type.as_str()) {
        return Ok(None);
    }
    game_of(&event.stream_id).map(Some)
}

/// The game a `game-<uuid>` stream holds.
pub(super) fn game_of(stream: &StreamId) -> Result<GameId, HandleError> {
    stream
        .as_str()
        .strip_prefix("game-")
        .and_then(|rest| Uuid::parse_str(rest).ok())
        .map(GameId)
        .ok_or_else(|| HandleError::Unhandled(format!("`{stream}` is not a game stream")))
}

/// The guild a team, player or guild stream belongs to (`<kind>-<guild>[-...]`).
pub(super) fn guild_of(stream: &StreamId) -> Result<GuildId, HandleError> {
    stream
        .as_str()
        .split_once('-')
        .and_then(|(_, rest)| rest.split('-').next())
        .and_then(|guild| guild.parse::<u64>().ok())
        .map(GuildId)
        .ok_or_else(|| HandleError::Unhandled(format!("`{stream}` names no guild")))
}

/// The game as it stood at `version` of its stream, folded from the log. Used for facts an
/// event does not carry (a leaving team's players, the channel), so a redelivery long after the
/// game sees exactly what the first delivery saw, without waking the game's actor.
pub(super) async fn game_as_of(
    store: &dyn EventStore,
    codec: &Codec<GameEvent>,
    stream: &StreamId,
    version: u64,
) -> Result<Game, HandleError> {
    let mut game = Game::default();
    for recorded in store.read_stream(stream, 1).await? {
        if recorded.stream_version > version {
            break;
        }
        game.apply(&decode(codec, &recorded)?);
    }
    Ok(game)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{TeamId, UserId};

    #[test]
    fn guild_and_game_ids_are_read_back_from_stream_ids() {
        let game = GameId(Uuid::new_v4());
        assert_eq!(game_of(&StreamId::game(game)).ok(), Some(game));
        let team = StreamId::team(GuildId(42), TeamId(Uuid::new_v4()));
        assert_eq!(guild_of(&team).ok(), Some(GuildId(42)));
        assert_eq!(guild_of(&StreamId::player(GuildId(7), UserId(9))).ok(), Some(GuildId(7)));
        assert_eq!(guild_of(&StreamId::guild(GuildId(5))).ok(), Some(GuildId(5)));
        assert!(game_of(&team).is_err(), "a team stream holds no game");
    }
}

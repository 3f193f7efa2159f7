//! Typed access to the events projections read: a recorded event of a game or team stream,
//! decoded with the domain's codec, with the id its stream names. Events of other streams are
//! `None`, so a projection ignores what it does not follow.
use uuid::Uuid;

use crate::domain::game::GameEvent;
use crate::domain::team::TeamEvent;
use crate::domain::{GameId, TeamId};
use crate::runtime::HandleError;
use crate::store::{Codec, RecordedEvent, StreamKind};

/// The uuid after the last `-`-separated id part of a stream id: `game-<uuid>` or
/// `team-<guild>-<uuid>` (a uuid has 5 hyphen-separated groups).
fn trailing_uuid(event: &RecordedEvent) -> Result<Uuid, HandleError> {
    let text = event.stream_id.as_str();
    let parts: Vec<&str> = text.split('-').collect();
    let start = parts.len().saturating_sub(5);
    Uuid::parse_str(&parts[start..].join("-"))
        .map_err(|e| HandleError::Unhandled(format!("stream id {text} names no uuid: {e}")))
}

/// The game event in `event`, with its game, or `None` for another stream kind.
pub fn game_event(event: &RecordedEvent) -> Result<Option<(GameId, GameEvent)>, HandleError> {
    if event.stream_id.kind() != StreamKind::Game {
        return Ok(None);
    }
    let decoded = Codec::<GameEvent>::new()
        .decode(event)
        .map_err(|e| HandleError::Unhandled(format!("cannot decode a game event: {e}")))?;
    Ok(Some((GameId(trailing_uuid(event)?), decoded)))
}

/// The team event in `event`, with its team, or `None` for another stream kind.
pub fn team_event(event: &RecordedEvent) -> Result<Option<(TeamId, TeamEvent)>, HandleError> {
    if event.stream_id.kind() != StreamKind::Team {
        return Ok(None);
    }
    let decoded = Codec::<TeamEvent>::new()
        .decode(event)
        .map_err(|e| HandleError::Unhandled(format!("cannot decode a team event: {e}")))?;
    Ok(Some((TeamId(trailing_uuid(event)?), decoded)))
}

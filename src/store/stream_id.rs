//! A stream is the ordered history of one aggregate instance; its id names the aggregate kind by
//! its prefix: `game-<uuid>`, `team-<guild>-<uuid>`, `player-<guild>-<user>`, `guild-<guild>`.
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{GameId, GuildId, TeamId, UserId};

/// The kind of aggregate a stream holds, taken from the stream id's prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StreamKind {
    /// `game-<uuid>`: one game of Word Match.
    Game,
    /// `team-<guild>-<uuid>`: a team in a guild.
    Team,
    /// `player-<guild>-<user>`: a player's per-guild record.
    Player,
    /// `guild-<guild>`: a guild's settings and lobbies.
    Guild,
}

impl StreamKind {
    /// The prefix, equal to the aggregate's `KIND` (`game`, `team`, `player`, `guild`).
    pub fn as_str(self) -> &'static str {
        match self {
            StreamKind::Game => "game",
            StreamKind::Team => "team",
            StreamKind::Player => "player",
            StreamKind::Guild => "guild",
        }
    }
}

impl fmt::Display for StreamKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The id of a stream. Built from typed ids, or parsed (and so checked) from stored text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StreamId {
    text: String,
    kind: StreamKind,
}

/// Why text is not a stream id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a stream id: {reason}")]
pub struct StreamIdError {
    /// The rejected text.
    pub text: String,
    /// What was expected.
    pub reason: &'static str,
}

impl StreamId {
    /// The stream of one game.
    pub fn game(game: GameId) -> Self {
        Self { text: format!("game-{game}"), kind: StreamKind::Game }
    }

    /// The stream of one team in a guild.
    pub fn team(guild: GuildId, team: TeamId) -> Self {
        Self { text: format!("team-{guild}-{team}"), kind: StreamKind::Team }
    }

    /// The stream of one player in a guild.
    pub fn player(guild: GuildId, user: UserId) -> Self {
        Self { text: format!("player-{guild}-{user}"), kind: StreamKind::Player }
    }

    /// The stream of one guild.
    pub fn guild(guild: GuildId) -> Self {
        Self { text: format!("guild-{guild}"), kind: StreamKind::Guild }
    }

    /// The aggregate kind this stream holds.
    pub fn kind(&self) -> StreamKind {
        self.kind
    }

    /// The id as stored.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for StreamId {
    type Err = StreamIdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = |reason| StreamIdError { text: text.to_owned(), reason };
        let snowflake = |s: &str| s.parse::<u64>().map_err(|_| fail("a Discord id must be digits"));
        let uuid = |s: &str| Uuid::parse_str(s).map_err(|_| fail("expected a hyphenated UUID"));
        let (prefix, rest) = text.split_once('-').ok_or_else(|| fail("missing `<kind>-`"))?;
        let id = match prefix {
            "game" => Self::game(GameId(uuid(rest)?)),
            "guild" => Self::guild(GuildId(snowflake(rest)?)),
            "team" => {
                let (guild, team) =
                    rest.split_once('-').ok_or_else(|| fail("expected team-<guild>-<uuid>"))?;
                Self::team(GuildId(snowflake(guild)?), TeamId(uuid(team)?))
            }
            "player" => {
                let (guild, user) =
                    rest.split_once('-').ok_or_else(|| fail("expected player-<guild>-<user>"))?;
                Self::player(GuildId(snowflake(guild)?), UserId(snowflake(user)?))
            }
            _ => return Err(fail("the kind must be game, team, player or guild")),
        };
        // Re-rendering must give the same text, so one stream never has two spellings.
        if id.text != text {
            return Err(fail(
                "not in canonical form (lowercase hyphenated UUID, no leading zeros)",
            ));
        }
        Ok(id)
    }
}

impl TryFrom<String> for StreamId {
    type Error = StreamIdError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<StreamId> for String {
    fn from(id: StreamId) -> Self {
        id.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_text() {
        let uuid = Uuid::new_v4();
        for id in [
            StreamId::game(GameId(uuid)),
            StreamId::team(GuildId(7), TeamId(uuid)),
            StreamId::player(GuildId(7), UserId(42)),
            StreamId::guild(GuildId(7)),
        ] {
            let parsed: StreamId = id.as_str().parse().expect("canonical text parses");
            assert_eq!(parsed, id);
            assert!(id.as_str().starts_with(id.kind().as_str()));
        }
    }

    #[test]
    fn malformed_ids_are_rejected() {
        for (text, why) in [
            ("game", "no separator"),
            ("game-not-a-uuid", "bad uuid"),
            ("match-1", "unknown kind"),
            ("guild-007", "leading zeros"),
            ("player-1", "missing user"),
            ("team-1-x", "bad team uuid"),
            ("guild--1", "negative"),
        ] {
            assert!(text.parse::<StreamId>().is_err(), "{text} should be rejected ({why})");
        }
    }
}

//! The `teams` read model: every team of every guild (from its invitation to its end) with its
//! members, status and name history, copied from the team streams. It answers "which team is
//! called X here" and "which team is this player in".
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::error::ReadModelError;
use super::events::team_event;
use super::sql::{args, delete_all, from_millis, from_snowflake, tx_conn, Conn};
use crate::domain::team::{NameOrigin, TeamEvent, TeamName};
use crate::domain::{GuildId, TeamId, UserId};
use crate::runtime::{HandleError, Subscriber};
use crate::store::{ReadModelTx, RecordedEvent};

/// Where a team is in its life, as the read model records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeamState {
    /// Invitation sent, not accepted yet.
    Invited,
    /// Playing together.
    Formed,
    /// Nobody accepted in time.
    InvitationExpired,
    /// Ended (a member formed a newer team).
    Disbanded,
}

impl TeamState {
    fn as_str(self) -> &'static str {
        match self {
            TeamState::Invited => "invited",
            TeamState::Formed => "formed",
            TeamState::InvitationExpired => "expired",
            TeamState::Disbanded => "disbanded",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [TeamState::Invited, TeamState::Formed, TeamState::InvitationExpired, TeamState::Disbanded]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// One name a team has had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamNameEntry {
    /// The name.
    pub name: String,
    /// Chosen or the default.
    pub origin: NameOrigin,
    /// When the team took it.
    pub named_at: DateTime<Utc>,
}

/// One team as the `teams` read model knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamView {
    /// The team.
    pub team_id: TeamId,
    /// Its guild.
    pub guild: GuildId,
    /// Its current name (before formation: the proposed or default name).
    pub name: String,
    /// Inviter first, then invitee.
    pub members: [UserId; 2],
    /// Where it is in its life.
    pub state: TeamState,
    /// Every name it has had since it formed, oldest first.
    pub name_history: Vec<TeamNameEntry>,
    /// When it formed.
    pub formed_at: Option<DateTime<Utc>>,
}

/// The projection that builds the `teams` read model.
#[derive(Debug, Default)]
pub struct TeamsProjection;

/// Its checkpoint name.
pub const TEAMS: &str = "teams";

fn origin_text(origin: NameOrigin) -> &'static str {
    match origin {
        NameOrigin::Default => "default",
        NameOrigin::Chosen => "chosen",
    }
}

fn version(event: &RecordedEvent) -> i64 {
    i64::try_from(event.stream_version).unwrap_or(i64::MAX)
}

#[async_trait]
impl Subscriber for TeamsProjection {
    fn name(&self) -> &'static str {
        TEAMS
    }

    async fn handle(&self, tx: &mut ReadModelTx, event: &RecordedEvent) -> Result<(), HandleError> {
        let Some((team, decoded)) = team_event(event)? else { return Ok(()) };
        let mut c = tx_conn(tx);
        match decoded {
            TeamEvent::TeammateInvited {
                guild,
                inviter,
                invitee,
                proposed_name,
                invited_at,
                ..
            } => {
                let name = proposed_name.unwrap_or_else(|| {
                    TeamName::default_for(&inviter.display_name, &invitee.display_name)
                });
                c.execute(
                    "INSERT INTO read_model.teams (team_id, guild, name, name_key, status, \
                     member_a, member_b, invited_at) VALUES ($1, $2, $3, $4, 'invited', $5, $6, $7) \
                     ON CONFLICT (team_id) DO NOTHING",
                    args![
                        team,
                        guild,
                        name.as_str(),
                        name.key(),
                        inviter.user,
                        invitee.user,
                        invited_at
                    ],
                )
                .await?;
            }
            TeamEvent::TeamFormed { guild, members, name, name_origin, formed_at, .. } => {
                c.execute(
                    "INSERT INTO read_model.teams (team_id, guild, name, name_key, status, \
                     member_a, member_b, invited_at, formed_at) \
                     VALUES ($1, $2, $3, $4, 'formed', $5, $6, $7, $7) \
                     ON CONFLICT (team_id) DO UPDATE SET name = excluded.name, \
                     name_key = excluded.name_key, status = 'formed', member_a = excluded.member_a, \
                     member_b = excluded.member_b, formed_at = excluded.formed_at",
                    args![
                        team,
                        guild,
                        name.as_str(),
                        name.key(),
                        members[0].user,
                        members[1].user,
                        formed_at
                    ],
                )
                .await?;
                c.execute(
                    "INSERT INTO read_model.teams_names (team_id, version, name, origin, named_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (team_id, version) DO NOTHING",
                    args![team, version(event), name.as_str(), origin_text(name_origin), formed_at],
                )
                .await?;
            }
            TeamEvent::InvitationExpired { expired_at, .. } => {
                c.execute(
                    "UPDATE read_model.teams SET status = 'expired', ended_at = $2 \
                     WHERE team_id = $1",
                    args![team, expired_at],
                )
                .await?;
            }
            TeamEvent::TeamRenamed { new_name, renamed_at, .. } => {
                c.execute(
                    "UPDATE read_model.teams SET name = $2, name_key = $3 WHERE team_id = $1",
                    args![team, new_name.as_str(), new_name.key()],
                )
                .await?;
                c.execute(
                    "INSERT INTO read_model.teams_names (team_id, version, name, origin, named_at) \
                     VALUES ($1, $2, $3, 'chosen', $4) ON CONFLICT (team_id, version) DO NOTHING",
                    args![team, version(event), new_name.as_str(), renamed_at],
                )
                .await?;
            }
            TeamEvent::TeamDisbanded { disbanded_at, .. } => {
                c.execute(
                    "UPDATE read_model.teams SET status = 'disbanded', ended_at = $2 \
                     WHERE team_id = $1",
                    args![team, disbanded_at],
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn reset(&self, tx: &mut ReadModelTx) -> Result<(), HandleError> {
        delete_all(tx, &["DELETE FROM read_model.teams_names", "DELETE FROM read_model.teams"])
            .await?;
        Ok(())
    }
}

/// `SELECT <the columns [`team_from_row`] reads> FROM read_model.teams WHERE <condition>`.
macro_rules! select_team {
    ($condition:literal $(,)?) => {
        concat!(
            "SELECT team_id, guild, name, member_a, member_b, status, formed_at \
             FROM read_model.teams WHERE ",
            $condition
        )
    };
}

type TeamRow = (String, i64, String, i64, i64, String, Option<i64>);

fn corrupt(reason: String) -> ReadModelError {
    ReadModelError::Corrupt { table: "teams", reason }
}

async fn team_from_row(
    c: &mut Conn<'_>,
    row: Option<TeamRow>,
) -> Result<Option<TeamView>, ReadModelError> {
    let Some((id, guild, name, a, b, status, formed_at)) = row else { return Ok(None) };
    let history: Vec<(String, String, i64)> = c
        .fetch_all(
            "SELECT name, origin, named_at FROM read_model.teams_names WHERE team_id = $1 \
             ORDER BY version",
            args![id.as_str()],
        )
        .await?;
    let name_history = history
        .into_iter()
        .map(|(name, origin, at)| TeamNameEntry {
            name,
            origin: if origin == "default" { NameOrigin::Default } else { NameOrigin::Chosen },
            named_at: from_millis(at),
        })
        .collect();
    Ok(Some(TeamView {
        team_id: TeamId(uuid::Uuid::parse_str(&id).map_err(|e| corrupt(format!("id {id}: {e}")))?),
        guild: GuildId(from_snowflake(guild)),
        name,
        members: [UserId(from_snowflake(a)), UserId(from_snowflake(b))],
        state: TeamState::parse(&status).ok_or_else(|| corrupt(format!("status {status}")))?,
        name_history,
        formed_at: formed_at.map(from_millis),
    }))
}

/// One team by id.
pub async fn team(c: &mut Conn<'_>, team: TeamId) -> Result<Option<TeamView>, ReadModelError> {
    let row = c.fetch_optional(select_team!("team_id = $1"), args![team]).await?;
    team_from_row(c, row).await
}

/// The team called `name` in `guild`, case-insensitively: the formed one if any, else the one
/// that formed last (its stats stay readable after it ended).
pub async fn team_by_name(
    c: &mut Conn<'_>,
    guild: GuildId,
    name: &str,
) -> Result<Option<TeamView>, ReadModelError> {
    let key = TeamName::key_of(name);
    let row = c
        .fetch_optional(
            select_team!(
                "guild = $1 AND name_key = $2 AND status IN ('formed', 'disbanded') \
                 ORDER BY CASE WHEN status = 'formed' THEN 0 ELSE 1 END, formed_at DESC LIMIT 1"
            ),
            args![guild, key],
        )
        .await?;
    team_from_row(c, row).await
}

/// Teams whose invitation to `invitee` in `guild` is still pending, oldest first.
pub async fn pending_invitations_for(
    c: &mut Conn<'_>,
    guild: GuildId,
    invitee: UserId,
) -> Result<Vec<TeamId>, ReadModelError> {
    let rows: Vec<(String,)> = c
        .fetch_all(
            "SELECT team_id FROM read_model.teams \
             WHERE guild = $1 AND member_b = $2 AND status = 'invited' ORDER BY invited_at",
            args![guild, invitee],
        )
        .await?;
    rows.into_iter()
        .map(|(team,)| {
            let team = uuid::Uuid::parse_str(&team).map_err(|e| ReadModelError::Corrupt {
                table: "teams",
                reason: format!("team id {team}: {e}"),
            })?;
            Ok(TeamId(team))
        })
        .collect()
}

/// The formed team `user` is in, in `guild` (the newest, while an older one is being
/// disbanded).
pub async fn current_team(
    c: &mut Conn<'_>,
    guild: GuildId,
    user: UserId,
) -> Result<Option<TeamView>, ReadModelError> {
    let row = c
        .fetch_optional(
            select_team!(
                "guild = $1 AND status = 'formed' AND (member_a = $2 OR member_b = $2) \
                 ORDER BY formed_at DESC LIMIT 1"
            ),
            args![guild, user],
        )
        .await?;
    team_from_row(c, row).await
}

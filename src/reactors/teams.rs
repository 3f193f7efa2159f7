//! The teams process manager keeps teams, players and the guild's name registry in step: a
//! formed team is joined by both members and ends the inviter's pending invitation; a player's
//! newer team disbands (supersedes) the old one; a disbanded team's members leave it and its name
//! is freed; an expired invitation ends the inviter's pending invitation and frees its name.
use std::sync::Arc;

use async_trait::async_trait;

use super::common::{caused_by, decode, guild_of, sent};
use crate::domain::guild::{Guild, GuildCommand};
use crate::domain::player::{InvitationOutcome, Player, PlayerCommand, PlayerEvent};
use crate::domain::team::{DisbandReason, Team, TeamCommand, TeamEvent};
use crate::domain::{GuildId, TeamId, UserId};
use crate::runtime::{HandleError, RegistryHandle, Subscriber};
use crate::store::{Codec, RecordedEvent, StreamId, StreamKind};

/// The checkpoint name of the teams reactor.
pub const TEAMS: &str = "reactor.teams";

/// Coordinates team, player and guild streams around team formation and its end.
pub struct TeamsReactor {
    registry: RegistryHandle,
    team_codec: Codec<TeamEvent>,
    player_codec: Codec<PlayerEvent>,
}

impl TeamsReactor {
    /// A reactor sending through `registry`.
    pub fn new(registry: RegistryHandle) -> Arc<Self> {
        Arc::new(Self { registry, team_codec: Codec::new(), player_codec: Codec::new() })
    }

    async fn to_player(
        &self,
        event: &RecordedEvent,
        step: &str,
        guild: GuildId,
        user: UserId,
        command: PlayerCommand,
    ) -> Result<(), HandleError> {
        let meta = caused_by(TEAMS, step, event, guild);
        let result = self.registry.execute::<Player>(StreamId::player(guild, user), command, meta);
        sent(step, result.await)
    }

    async fn release_name(
        &self,
        event: &RecordedEvent,
        guild: GuildId,
        team: TeamId,
    ) -> Result<(), HandleError> {
        let meta = caused_by(TEAMS, "release_name", event, guild);
        let command = GuildCommand::ReleaseTeamName { team };
        sent(
            "release_name",
            self.registry.execute::<Guild>(StreamId::guild(guild), command, meta).await,
        )
    }

    async fn on_team_event(&self, event: &RecordedEvent) -> Result<(), HandleError> {
        if !matches!(
            event.event_type.as_str(),
            "TeamFormed" | "InvitationExpired" | "TeamDisbanded"
        ) {
            return Ok(());
        }
        let guild = guild_of(&event.stream_id)?;
        match decode(&self.team_codec, event)? {
            TeamEvent::TeamFormed { team, members, .. } => {
                for member in &members {
                    let command = PlayerCommand::JoinTeam { team };
                    self.to_player(event, "join_team", guild, member.user, command).await?;
                }
                let inviter = members[0].user;
                let command = PlayerCommand::ClearPendingInvitation {
                    team,
                    outcome: InvitationOutcome::Accepted,
                };
                self.to_player(event, "clear_invitation", guild, inviter, command).await
            }
            TeamEvent::InvitationExpired { team, inviter, .. } => {
                let command = PlayerCommand::ClearPendingInvitation {
                    team,
                    outcome: InvitationOutcome::Expired,
                };
                self.to_player(event, "clear_invitation", guild, inviter, command).await?;
                self.release_name(event, guild, team).await
            }
            TeamEvent::TeamDisbanded { team, members, .. } => {
                for member in members {
                    let command = PlayerCommand::LeaveTeam { team };
                    self.to_player(event, "leave_team", guild, member, command).await?;
                }
                self.release_name(event, guild, team).await
            }
            _ => Ok(()),
        }
    }

    async fn on_player_event(&self, event: &RecordedEvent) -> Result<(), HandleError> {
        if event.event_type != "TeamJoined" {
            return Ok(());
        }
        let PlayerEvent::TeamJoined { team, previous_team: Some(old), .. } =
            decode(&self.player_codec, event)?
        else {
            return Ok(());
        };
        let guild = guild_of(&event.stream_id)?;
        let meta = caused_by(TEAMS, "disband", event, guild);
        let command =
            TeamCommand::DisbandTeam { reason: DisbandReason::Superseded { by_team: team } };
        let result = self.registry.execute::<Team>(StreamId::team(guild, old), command, meta).await;
        sent("disband", result)
    }
}

#[async_trait]
impl Subscriber for TeamsReactor {
    fn name(&self) -> &'static str {
        TEAMS
    }

    #[tracing::instrument(level = "debug", skip_all, fields(
        reactor = TEAMS, stream.id = %event.stream_id, event.type = %event.event_type,
        event.position = event.position
    ))]
    async fn react(&self, event: &RecordedEvent) -> Result<(), HandleError> {
        match event.stream_id.kind() {
            StreamKind::Team => self.on_team_event(event).await,
            StreamKind::Player => self.on_player_event(event).await,
            _ => Ok(()),
        }
    }
}

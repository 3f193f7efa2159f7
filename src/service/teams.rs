//! Team formation through the service: invitations, acceptance and renames, each a short
//! sequence of steps on the guild (name registry), player (pending invitation, current team) and
//! team streams, with the earlier steps undone when a later one is refused.
use chrono::{DateTime, Utc};

use super::core::{Caller, GameService, Source};
use super::errors::ServiceError;
use super::queries::from_lookup;
use crate::domain::guild::{Guild, GuildCommand};
use crate::domain::player::{InvitationOutcome, Player, PlayerCommand};
use crate::domain::team::{
    Member, NameOrigin, Team, TeamCommand, TeamError, TeamEvent, TeamName, TeamStatus,
    INVITATION_TTL,
};
use crate::domain::{GuildId, TeamId, UserId};
use crate::store::StreamId;

/// What `invite` did: the invitation is out and waits for the partner's `ok`.
#[derive(Clone, Debug, PartialEq)]
pub struct InviteOutcome {
    /// The team the invitation opens (its stream is `team-<guild>-<team>`).
    pub team: TeamId,
    /// Who invited.
    pub inviter: UserId,
    /// Who is invited.
    pub invitee: UserId,
    /// The chosen name, if any (reserved in the guild).
    pub name: Option<TeamName>,
    /// When the invitation stops being acceptable.
    pub expires_at: DateTime<Utc>,
    /// True when this source id had already sent the invitation: nothing new happened.
    pub duplicate: bool,
}

/// What `accept` did: the team is formed and both players belong to it.
#[derive(Clone, Debug, PartialEq)]
pub struct AcceptOutcome {
    /// The new team.
    pub team: TeamId,
    /// Its two players, inviter first.
    pub members: [Member; 2],
    /// Its first name (chosen, or `<name1> & <name2>`).
    pub name: TeamName,
    /// The team stream's events.
    pub events: Vec<TeamEvent>,
    /// True when this source id had already formed the team: nothing new happened.
    pub duplicate: bool,
}

/// What `rename` did.
#[derive(Clone, Debug, PartialEq)]
pub struct RenameOutcome {
    /// The team.
    pub team: TeamId,
    /// The name before.
    pub old_name: TeamName,
    /// The name now.
    pub new_name: TeamName,
    /// True when this source id had already renamed the team: nothing new happened.
    pub duplicate: bool,
}

/// A player's current team, as a reply shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamInfo {
    /// The team.
    pub team: TeamId,
    /// Its current name.
    pub name: TeamName,
    /// Its two players, inviter first.
    pub members: [Member; 2],
}

/// The caller's formed team in a guild, read from the authoritative streams.
#[derive(Clone, Debug)]
pub(super) struct CurrentTeam {
    pub(super) id: TeamId,
    pub(super) name: TeamName,
    pub(super) origin: NameOrigin,
    pub(super) members: [Member; 2],
}

impl CurrentTeam {
    pub(super) fn users(&self) -> [UserId; 2] {
        [self.members[0].user, self.members[1].user]
    }
}

impl GameService {
    /// `team @partner [name]`: invites `partner` (their id and display name) to form a team
    /// with the caller, optionally under a chosen name.
    ///
    /// Steps: reserve the chosen name in the guild (`<source>:reserve`), note the invitation on
    /// the inviter's player stream (`<source>:note`, which enforces one pending invitation per
    /// inviter), then open the team stream with the invitation (`<source>:invite`). A refused
    /// step undoes the earlier ones (`<source>:withdraw`, `<source>:unreserve`).
    #[tracing::instrument(skip_all, fields(source.id = source_id, user.id = %caller.user))]
    pub async fn invite(
        &self,
        caller: &Caller,
        partner: (UserId, String),
        name: Option<TeamName>,
        source_id: &str,
    ) -> Result<InviteOutcome, ServiceError> {
        let guild = caller.require_guild()?;
        let (partner, partner_name) = partner;
        if partner == caller.user {
            return Err(TeamError::CannotInviteYourself.into());
        }
        let source = Source::new(source_id, Some(caller.user), Some(guild));
        let team = source.team_id();
        let guild_stream = StreamId::guild(guild);
        let inviter_stream = StreamId::player(guild, caller.user);
        if let Some(name) = &name {
            let reserve = GuildCommand::ReserveTeamName { team, name: name.clone() };
            self.run::<Guild>(guild_stream.clone(), reserve, source.step("reserve")).await?;
        }
        let expires_at = self.clock.now() + INVITATION_TTL;
        let note = PlayerCommand::NoteInvitationSent { team, expires_at };
        if let Err(refused) =
            self.run::<Player>(inviter_stream.clone(), note, source.step("note")).await
        {
            self.unreserve(guild, team, name.is_some(), &source).await;
            return Err(refused);
        }
        let invite = TeamCommand::InviteTeammate {
            team_id: team,
            guild,
            inviter: Member { user: caller.user, display_name: caller.display_name.clone() },
            invitee: Member { user: partner, display_name: partner_name },
            name: name.clone(),
        };
        match self.run::<Team>(StreamId::team(guild, team), invite, source.step("invite")).await {
            Ok(outcome) => {
                let expires_at = outcome
                    .events
                    .iter()
                    .find_map(|event| match event {
                        TeamEvent::TeammateInvited { expires_at, .. } => Some(*expires_at),
                        _ => None,
                    })
                    .unwrap_or(expires_at);
                Ok(InviteOutcome {
                    team,
                    inviter: caller.user,
                    invitee: partner,
                    name: name.clone(),
                    expires_at,
                    duplicate: outcome.duplicate,
                })
            }
            Err(refused) => {
                let withdraw = PlayerCommand::ClearPendingInvitation {
                    team,
                    outcome: InvitationOutcome::Withdrawn,
                };
                self.undo::<Player>(inviter_stream, withdraw, source.step("withdraw")).await;
                self.unreserve(guild, team, name.is_some(), &source).await;
                Err(refused)
            }
        }
    }

    /// Frees the name an invitation reserved, when it reserved one.
    async fn unreserve(&self, guild: GuildId, team: TeamId, reserved: bool, source: &Source) {
        if reserved {
            let release = GuildCommand::ReleaseTeamName { team };
            self.undo::<Guild>(StreamId::guild(guild), release, source.step("unreserve")).await;
        }
    }

    /// `ok`: the caller accepts the invitation addressed to them in this guild, which forms the
    /// team (`<source>:accept`). Before replying, both players must have joined it on their
    /// player streams and the inviter's pending invitation must be cleared, so the very next
    /// command of either player sees the new team. The teams reactor does both for
    /// `TeamFormed`; when it runs, `accept` waits for it to pass the event rather than sending
    /// the same commands itself, because `JoinTeam` does not commute: a reactor still catching
    /// up on an older `TeamFormed` would otherwise move a player back to the older team. Without
    /// the reactor, `accept` sends them itself (`<source>:join:<user>`, `<source>:clear`); if
    /// the reactor stalls past [`TEAM_REACTOR_WAIT`](super::TEAM_REACTOR_WAIT), the reply goes
    /// out and the reactor finishes the steps when it recovers.
    ///
    /// Decision: with several invitations pending for the caller, the newest unexpired one is
    /// accepted. The invitation is found through [`Lookups::invitations_for`](super::Lookups)
    /// (read-your-writes) and checked on its team stream before accepting.
    #[tracing::instrument(skip_all, fields(source.id = source_id, user.id = %caller.user))]
    pub async fn accept(
        &self,
        caller: &Caller,
        source_id: &str,
    ) -> Result<AcceptOutcome, ServiceError> {
        let guild = caller.require_guild()?;
        let source = Source::new(source_id, Some(caller.user), Some(guild));
        let candidates =
            self.lookups.invitations_for(guild, caller.user).await.map_err(from_lookup)?;
        let now = self.clock.now();
        let mut chosen = None;
        let mut saw_expired = false;
        for team in candidates.iter().rev() {
            let state = self.state::<Team>(StreamId::team(guild, *team)).await?;
            let Some(invitation) = state.invitation() else { continue };
            if state.status() != TeamStatus::Invited || invitation.invitee.user != caller.user {
                continue;
            }
            if now < invitation.expires_at {
                chosen = Some(*team);
                break;
            }
            saw_expired = true;
        }
        let Some(team) = chosen else {
            if let Some(outcome) = self.accepted_before(guild, caller.user, &source).await {
                return Ok(outcome);
            }
            return Err(if saw_expired {
                TeamError::InvitationExpired.into()
            } else {
                ServiceError::NoInvitation
            });
        };
        let accept = TeamCommand::AcceptInvitation { by: caller.user };
        let outcome =
            self.run::<Team>(StreamId::team(guild, team), accept, source.step("accept")).await?;
        if self.team_reactor.is_some() {
            if let Some(position) = outcome.last_position {
                self.team_reactor_passed(position).await;
            }
        } else {
            self.join_members(guild, team, &outcome.events, &source).await?;
            self.clear_inviters_invitation(guild, team, &outcome.events, &source).await?;
        }
        formed_outcome(team, outcome.events, outcome.duplicate).ok_or_else(|| {
            tracing::error!(team.id = %team, "an accepted invitation recorded no TeamFormed");
            ServiceError::Internal
        })
    }

    /// A redelivered `ok`: the invitation is no longer pending because this very source formed
    /// the caller's current team. Sending the same accept step again returns its original
    /// outcome; any other answer means this source formed nothing.
    async fn accepted_before(
        &self,
        guild: GuildId,
        user: UserId,
        source: &Source,
    ) -> Option<AcceptOutcome> {
        let player = self.state::<Player>(StreamId::player(guild, user)).await.ok()?;
        let team = player.team()?;
        let accept = TeamCommand::AcceptInvitation { by: user };
        let outcome = self
            .run::<Team>(StreamId::team(guild, team), accept, source.step("accept"))
            .await
            .ok()?;
        if !outcome.duplicate {
            return None;
        }
        formed_outcome(team, outcome.events, true)
    }

    /// Both members of a just-formed team join it on their player streams (what the teams
    /// reactor does for `TeamFormed`, for a runtime without it).
    async fn join_members(
        &self,
        guild: GuildId,
        team: TeamId,
        events: &[TeamEvent],
        source: &Source,
    ) -> Result<(), ServiceError> {
        for event in events {
            if let TeamEvent::TeamFormed { members, .. } = event {
                for member in members {
                    let join = PlayerCommand::JoinTeam { team };
                    let step = source.step(&format!("join:{}", member.user));
                    self.run::<Player>(StreamId::player(guild, member.user), join, step).await?;
                }
            }
        }
        Ok(())
    }

    /// The inviter's pending invitation ends with the team's forming (`<source>:clear`), so they
    /// may invite again at once; the reactors send the same idempotent command.
    async fn clear_inviters_invitation(
        &self,
        guild: GuildId,
        team: TeamId,
        events: &[TeamEvent],
        source: &Source,
    ) -> Result<(), ServiceError> {
        for event in events {
            if let TeamEvent::TeamFormed { members: [inviter, _], .. } = event {
                let clear = PlayerCommand::ClearPendingInvitation {
                    team,
                    outcome: InvitationOutcome::Accepted,
                };
                let stream = StreamId::player(guild, inviter.user);
                self.run::<Player>(stream, clear, source.step("clear")).await?;
            }
        }
        Ok(())
    }

    /// `rename <name>`: a member renames their team. The new name is reserved in the guild
    /// first (`<source>:reserve`, which frees the old one); if the team then refuses, the old
    /// name is reserved back, or released when it was a default name (`<source>:unreserve`).
    #[tracing::instrument(skip_all, fields(source.id = source_id, user.id = %caller.user))]
    pub async fn rename(
        &self,
        caller: &Caller,
        name: TeamName,
        source_id: &str,
    ) -> Result<RenameOutcome, ServiceError> {
        let guild = caller.require_guild()?;
        let source = Source::new(source_id, Some(caller.user), Some(guild));
        let team = self.current_team(guild, caller.user).await?;
        let guild_stream = StreamId::guild(guild);
        let reserve = GuildCommand::ReserveTeamName { team: team.id, name: name.clone() };
        self.run::<Guild>(guild_stream.clone(), reserve, source.step("reserve")).await?;
        let rename = TeamCommand::RenameTeam { by: caller.user, name: name.clone() };
        match self.run::<Team>(StreamId::team(guild, team.id), rename, source.step("rename")).await
        {
            Ok(outcome) => {
                let old_name = outcome
                    .events
                    .iter()
                    .find_map(|event| match event {
                        TeamEvent::TeamRenamed { old_name, .. } => Some(old_name.clone()),
                        _ => None,
                    })
                    .unwrap_or(team.name);
                Ok(RenameOutcome {
                    team: team.id,
                    old_name,
                    new_name: name,
                    duplicate: outcome.duplicate,
                })
            }
            Err(refused) => {
                let restore = match team.origin {
                    NameOrigin::Chosen => {
                        GuildCommand::ReserveTeamName { team: team.id, name: team.name }
                    }
                    NameOrigin::Default => GuildCommand::ReleaseTeamName { team: team.id },
                };
                self.undo::<Guild>(guild_stream, restore, source.step("unreserve")).await;
                Err(refused)
            }
        }
    }

    /// `user`'s current team in `guild`, `None` when they have none (read from the player and
    /// team streams, so it reflects an `ok` the moment it returned).
    pub async fn team_of(
        &self,
        guild: GuildId,
        user: UserId,
    ) -> Result<Option<TeamInfo>, ServiceError> {
        match self.current_team(guild, user).await {
            Ok(team) => {
                Ok(Some(TeamInfo { team: team.id, name: team.name, members: team.members }))
            }
            Err(ServiceError::NoTeam) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// The caller's formed team in `guild`: their player stream names it, its team stream
    /// says it is formed. [`ServiceError::NoTeam`] otherwise.
    pub(super) async fn current_team(
        &self,
        guild: GuildId,
        user: UserId,
    ) -> Result<CurrentTeam, ServiceError> {
        let player = self.state::<Player>(StreamId::player(guild, user)).await?;
        let id = player.team().ok_or(ServiceError::NoTeam)?;
        self.team_by_id(guild, id).await?.ok_or(ServiceError::NoTeam)
    }

    /// A formed team by id, `None` when it is not (or no longer) formed.
    pub(super) async fn team_by_id(
        &self,
        guild: GuildId,
        id: TeamId,
    ) -> Result<Option<CurrentTeam>, ServiceError> {
        let team = self.state::<Team>(StreamId::team(guild, id)).await?;
        if !team.status().is_formed() {
            return Ok(None);
        }
        let (Some(members), Some(record)) = (team.members(), team.name_history().last()) else {
            return Ok(None);
        };
        Ok(Some(CurrentTeam {
            id,
            name: record.name.clone(),
            origin: record.origin,
            members: members.clone(),
        }))
    }
}

fn formed_outcome(team: TeamId, events: Vec<TeamEvent>, duplicate: bool) -> Option<AcceptOutcome> {
    let (members, name) = events.iter().find_map(|event| match event {
        TeamEvent::TeamFormed { members, name, .. } => Some((members.clone(), name.clone())),
        _ => None,
    })?;
    Some(AcceptOutcome { team, members, name, events, duplicate })
}

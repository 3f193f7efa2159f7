//! What happened to a team. Every time-based fact (the invitation's deadline, when a name was
//! taken) is inside the event, so folding a stream never reads the clock.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{DisbandReason, Member, TeamName};
use crate::domain::{DomainEvent, GuildId, TeamId, UserId};

/// Where a team's name came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameOrigin {
    /// Built from the members' display names (`<name1> & <name2>`); not in the guild registry.
    Default,
    /// Chosen by a member and reserved in the guild's registry.
    Chosen,
}

/// An event of the Team aggregate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum TeamEvent {
    /// A player invited another to form this team; the stream's first event.
    TeammateInvited {
        /// The team's id.
        team: TeamId,
        /// The team's guild.
        guild: GuildId,
        /// Who invited.
        inviter: Member,
        /// Who was invited.
        invitee: Member,
        /// The chosen name, if any.
        proposed_name: Option<TeamName>,
        /// When the invitation was sent.
        invited_at: DateTime<Utc>,
        /// When it stops being acceptable (the timer's deadline).
        expires_at: DateTime<Utc>,
    },
    /// The invitee accepted: the team exists.
    TeamFormed {
        /// The team's id.
        team: TeamId,
        /// The team's guild.
        guild: GuildId,
        /// The two players, inviter first.
        members: [Member; 2],
        /// The team's first name.
        name: TeamName,
        /// Whether the name was chosen or the default.
        name_origin: NameOrigin,
        /// When the team formed.
        formed_at: DateTime<Utc>,
    },
    /// The invitation's deadline passed without an acceptance.
    InvitationExpired {
        /// The team's id.
        team: TeamId,
        /// Who had invited (their pending invitation ends).
        inviter: UserId,
        /// Who had been invited.
        invitee: UserId,
        /// When it expired.
        expired_at: DateTime<Utc>,
    },
    /// A member renamed the team.
    TeamRenamed {
        /// The team's id.
        team: TeamId,
        /// Who renamed it.
        by: UserId,
        /// The name before.
        old_name: TeamName,
        /// Where the old name came from (a chosen one must be released from the registry).
        old_origin: NameOrigin,
        /// The name now.
        new_name: TeamName,
        /// When.
        renamed_at: DateTime<Utc>,
    },
    /// The team ended; it accepts nothing more.
    TeamDisbanded {
        /// The team's id.
        team: TeamId,
        /// Both members, who leave it.
        members: [UserId; 2],
        /// The name it had (released from the registry if chosen).
        name: TeamName,
        /// Why it ended.
        reason: DisbandReason,
        /// When.
        disbanded_at: DateTime<Utc>,
    },
}

impl DomainEvent for TeamEvent {
    fn event_type(&self) -> &'static str {
        match self {
            TeamEvent::TeammateInvited { .. } => "TeammateInvited",
            TeamEvent::TeamFormed { .. } => "TeamFormed",
            TeamEvent::InvitationExpired { .. } => "InvitationExpired",
            TeamEvent::TeamRenamed { .. } => "TeamRenamed",
            TeamEvent::TeamDisbanded { .. } => "TeamDisbanded",
        }
    }
}

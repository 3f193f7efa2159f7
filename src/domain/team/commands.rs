//! What a team can be asked to do. Commands arrive already parsed: names are [`TeamName`]s and
//! players carry the display names the Discord adapter looked up, since the domain knows no
//! Discord.
use serde::{Deserialize, Serialize};

use super::TeamName;
use crate::domain::{GuildId, TeamId, UserId};

/// A player as the team knows them: their id and the display name used for the default team
/// name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The player.
    pub user: UserId,
    /// Their display name in the guild when they joined (Discord's, not checked by the domain).
    pub display_name: String,
}

/// Why a formed team ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DisbandReason {
    /// A member formed a newer team (a player belongs to one team per guild at a time).
    Superseded {
        /// The newer team.
        by_team: TeamId,
    },
}

/// A command for the Team aggregate.
#[derive(Clone, Debug, PartialEq)]
pub enum TeamCommand {
    /// `wmteam @partner [name]`: opens the team's stream with an invitation that expires
    /// [`INVITATION_TTL`](super::INVITATION_TTL) after `ctx.now`.
    InviteTeammate {
        /// The id the runtime minted for the new team's stream.
        team_id: TeamId,
        /// The guild the team belongs to.
        guild: GuildId,
        /// Who invites.
        inviter: Member,
        /// Who is invited.
        invitee: Member,
        /// A chosen name, already reserved in the guild's registry; `None` for the default name.
        name: Option<TeamName>,
    },
    /// `wmok`: the invitee accepts, which forms the team.
    AcceptInvitation {
        /// Who accepts.
        by: UserId,
    },
    /// Timer: the invitation's deadline passed. Stale (a no-op) once the invitation is no longer
    /// pending or before its deadline.
    ExpireInvitation,
    /// `wmrename <name>`: a member renames the team; the name is already reserved in the guild.
    RenameTeam {
        /// Who renames.
        by: UserId,
        /// The new name.
        name: TeamName,
    },
    /// Process manager: the team ends. A no-op on a team already disbanded, so a redelivered
    /// step changes nothing.
    DisbandTeam {
        /// Why.
        reason: DisbandReason,
    },
}

//! The Team aggregate's state and rules: an invitation that becomes a team, renames with their
//! history, and the end of the team.
//!
//! Invariants the runtime coordinates across streams (this aggregate cannot see them):
//! - One pending invitation per inviter: before `InviteTeammate` the runtime asks the inviter's
//!   player stream to `NoteInvitationSent`, and clears it when this team forms or expires.
//! - Unique names per guild: the runtime asks the guild to `ReserveTeamName` before inviting with
//!   a name or renaming (which frees the team's old name), and to `ReleaseTeamName` when the
//!   invitation expires or the team is disbanded. Default names are not reserved (see
//!   [`NameOrigin::Default`]).
//! - One team per player per guild: on `TeamFormed` the runtime sends `JoinTeam` to both players;
//!   a `TeamJoined` that names a previous team makes it send `DisbandTeam { Superseded }` here,
//!   and each member of the disbanded team then gets `LeaveTeam`.
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::{DisbandReason, Member, NameOrigin, TeamCommand, TeamError, TeamEvent, TeamName};
use crate::domain::{Aggregate, Ctx, GuildId, TeamId, UserId};

/// How long an invitation can be accepted: the rule book's five minutes.
pub const INVITATION_TTL: TimeDelta = TimeDelta::minutes(5);

/// Where a team is in its life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TeamStatus {
    /// Nothing recorded yet.
    #[default]
    Empty,
    /// Invitation sent, waiting for the invitee.
    Invited,
    /// Nobody accepted in time; the stream is finished.
    InvitationExpired,
    /// Two players, playing together.
    Formed,
    /// Ended; accepts nothing more.
    Disbanded {
        /// Why it ended.
        reason: DisbandReason,
    },
}

impl TeamStatus {
    /// Whether the team is formed and not disbanded.
    pub fn is_formed(&self) -> bool {
        matches!(self, TeamStatus::Formed)
    }

    /// Whether the team was disbanded.
    pub fn is_disbanded(&self) -> bool {
        matches!(self, TeamStatus::Disbanded { .. })
    }
}

/// The invitation that opened the team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// The team's id.
    pub team: TeamId,
    /// The team's guild.
    pub guild: GuildId,
    /// Who invited.
    pub inviter: Member,
    /// Who was invited.
    pub invitee: Member,
    /// The chosen name, if any.
    pub proposed_name: Option<TeamName>,
    /// When it was sent.
    pub invited_at: DateTime<Utc>,
    /// When it stops being acceptable.
    pub expires_at: DateTime<Utc>,
}

/// One name the team has had, oldest first in [`Team::name_history`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameRecord {
    /// The name.
    pub name: TeamName,
    /// Chosen or default.
    pub origin: NameOrigin,
    /// When the team took it.
    pub since: DateTime<Utc>,
    /// Who renamed the team to it (`None` for the name it formed with).
    pub by: Option<UserId>,
}

/// A team of two players in one guild.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Team {
    status: TeamStatus,
    invitation: Option<Invitation>,
    members: Option<[Member; 2]>,
    names: Vec<NameRecord>,
}

impl Team {
    /// The team's id, once invited.
    pub fn id(&self) -> Option<TeamId> {
        self.invitation.as_ref().map(|invitation| invitation.team)
    }

    /// The team's guild, once invited.
    pub fn guild(&self) -> Option<GuildId> {
        self.invitation.as_ref().map(|invitation| invitation.guild)
    }

    /// Where the team is in its life.
    pub fn status(&self) -> TeamStatus {
        self.status
    }

    /// The invitation that opened the stream.
    pub fn invitation(&self) -> Option<&Invitation> {
        self.invitation.as_ref()
    }

    /// The two players, inviter first, once formed (kept after disbanding).
    pub fn members(&self) -> Option<&[Member; 2]> {
        self.members.as_ref()
    }

    /// Whether `user` is one of the two players.
    pub fn is_member(&self, user: UserId) -> bool {
        self.members.as_ref().is_some_and(|members| members.iter().any(|m| m.user == user))
    }

    /// The current name, once formed.
    pub fn name(&self) -> Option<&TeamName> {
        self.names.last().map(|record| &record.name)
    }

    /// Every name the team has had, oldest first; the last is the current one.
    pub fn name_history(&self) -> &[NameRecord] {
        &self.names
    }

    fn invite(
        &self,
        team_id: TeamId,
        guild: GuildId,
        inviter: &Member,
        invitee: &Member,
        name: &Option<TeamName>,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<TeamEvent>, TeamError> {
        if inviter.user == invitee.user {
            return Err(TeamError::CannotInviteYourself);
        }
        if self.status != TeamStatus::Empty {
            return Err(TeamError::AlreadyExists);
        }
        Ok(vec![TeamEvent::TeammateInvited {
            team: team_id,
            guild,
            inviter: inviter.clone(),
            invitee: invitee.clone(),
            proposed_name: name.clone(),
            invited_at: ctx.now,
            expires_at: ctx.now + INVITATION_TTL,
        }])
    }

    fn accept(&self, by: UserId, ctx: &Ctx<'_>) -> Result<Vec<TeamEvent>, TeamError> {
        match (self.status, &self.invitation) {
            (TeamStatus::Disbanded { .. }, _) => Err(TeamError::Disbanded),
            (TeamStatus::Formed, _) => Err(TeamError::AlreadyFormed),
            (TeamStatus::InvitationExpired, _) => Err(TeamError::InvitationExpired),
            (TeamStatus::Empty, _) | (TeamStatus::Invited, None) => Err(TeamError::NoInvitation),
            (TeamStatus::Invited, Some(invitation)) => {
                if by != invitation.invitee.user {
                    return Err(TeamError::NotTheInvitee);
                }
                // The deadline itself is already too late: "expires after 5 minutes".
                if ctx.now >= invitation.expires_at {
                    return Err(TeamError::InvitationExpired);
                }
                let (name, name_origin) = match &invitation.proposed_name {
                    Some(name) => (name.clone(), NameOrigin::Chosen),
                    None => (
                        TeamName::default_for(
                            &invitation.inviter.display_name,
                            &invitation.invitee.display_name,
                        ),
                        NameOrigin::Default,
                    ),
                };
                Ok(vec![TeamEvent::TeamFormed {
                    team: invitation.team,
                    guild: invitation.guild,
                    members: [invitation.inviter.clone(), invitation.invitee.clone()],
                    name,
                    name_origin,
                    formed_at: ctx.now,
                }])
            }
        }
    }

    fn expire(&self, ctx: &Ctx<'_>) -> Vec<TeamEvent> {
        match (self.status, &self.invitation) {
            (TeamStatus::Invited, Some(invitation)) if ctx.now >= invitation.expires_at => {
                vec![TeamEvent::InvitationExpired {
                    team: invitation.team,
                    inviter: invitation.inviter.user,
                    invitee: invitation.invitee.user,
                    expired_at: ctx.now,
                }]
            }
            // Already accepted, expired or disbanded, or the timer fired early: stale.
            _ => Vec::new(),
        }
    }

    fn rename(
        &self,
        by: UserId,
        name: &TeamName,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<TeamEvent>, TeamError> {
        match self.status {
            TeamStatus::Disbanded { .. } => return Err(TeamError::Disbanded),
            TeamStatus::Formed => {}
            _ => return Err(TeamError::NotFormed),
        }
        if !self.is_member(by) {
            return Err(TeamError::NotAMember);
        }
        let (Some(invitation), Some(current)) = (&self.invitation, self.names.last()) else {
            return Err(TeamError::NotFormed);
        };
        // A change of case only is a real rename; the registry already holds the key.
        if &current.name == name {
            return Err(TeamError::SameName(name.to_string()));
        }
        Ok(vec![TeamEvent::TeamRenamed {
            team: invitation.team,
            by,
            old_name: current.name.clone(),
            old_origin: current.origin,
            new_name: name.clone(),
            renamed_at: ctx.now,
        }])
    }

    fn disband(&self, reason: DisbandReason, ctx: &Ctx<'_>) -> Result<Vec<TeamEvent>, TeamError> {
        match (self.status, &self.invitation, &self.members, self.names.last()) {
            (TeamStatus::Disbanded { .. }, ..) => Ok(Vec::new()),
            (TeamStatus::Formed, Some(invitation), Some([first, second]), Some(current)) => {
                Ok(vec![TeamEvent::TeamDisbanded {
                    team: invitation.team,
                    members: [first.user, second.user],
                    name: current.name.clone(),
                    reason,
                    disbanded_at: ctx.now,
                }])
            }
            _ => Err(TeamError::NotFormed),
        }
    }
}

impl Aggregate for Team {
    type Command = TeamCommand;
    type Event = TeamEvent;
    type Error = TeamError;
    const KIND: &'static str = "team";

    fn decide(&self, command: &TeamCommand, ctx: &Ctx<'_>) -> Result<Vec<TeamEvent>, TeamError> {
        match command {
            TeamCommand::InviteTeammate { team_id, guild, inviter, invitee, name } => {
                self.invite(*team_id, *guild, inviter, invitee, name, ctx)
            }
            TeamCommand::AcceptInvitation { by } => self.accept(*by, ctx),
            TeamCommand::ExpireInvitation => Ok(self.expire(ctx)),
            TeamCommand::RenameTeam { by, name } => self.rename(*by, name, ctx),
            TeamCommand::DisbandTeam { reason } => self.disband(*reason, ctx),
        }
    }

    fn apply(&mut self, event: &TeamEvent) {
        match event {
            TeamEvent::TeammateInvited {
                team,
                guild,
                inviter,
                invitee,
                proposed_name,
                invited_at,
                expires_at,
            } => {
                self.status = TeamStatus::Invited;
                self.invitation = Some(Invitation {
                    team: *team,
                    guild: *guild,
                    inviter: inviter.clone(),
                    invitee: invitee.clone(),
                    proposed_name: proposed_name.clone(),
                    invited_at: *invited_at,
                    expires_at: *expires_at,
                });
            }
            TeamEvent::TeamFormed { members, name, name_origin, formed_at, .. } => {
                self.status = TeamStatus::Formed;
                self.members = Some(members.clone());
                self.names.push(NameRecord {
                    name: name.clone(),
                    origin: *name_origin,
                    since: *formed_at,
                    by: None,
                });
            }
            TeamEvent::InvitationExpired { .. } => self.status = TeamStatus::InvitationExpired,
            TeamEvent::TeamRenamed { by, new_name, renamed_at, .. } => {
                self.names.push(NameRecord {
                    name: new_name.clone(),
                    origin: NameOrigin::Chosen,
                    since: *renamed_at,
                    by: Some(*by),
                });
            }
            TeamEvent::TeamDisbanded { reason, .. } => {
                self.status = TeamStatus::Disbanded { reason: *reason };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use proptest::prelude::*;
    use uuid::Uuid;

    use super::*;
    use crate::domain::testing::{test_epoch, AggregateTest};
    use crate::domain::DomainEvent;

    type TeamTest = AggregateTest<Team>;

    const ANN: UserId = UserId(1);
    const BOB: UserId = UserId(2);
    const CAT: UserId = UserId(3);
    const GUILD: GuildId = GuildId(10);

    fn team_id() -> TeamId {
        TeamId(Uuid::from_u128(0x7e47))
    }

    fn newer_team() -> TeamId {
        TeamId(Uuid::from_u128(0x7e48))
    }

    fn member(user: UserId) -> Member {
        let display_name = match user.0 {
            1 => "Ann",
            2 => "Bob",
            _ => "Cat",
        };
        Member { user, display_name: display_name.to_owned() }
    }

    fn name(raw: &str) -> TeamName {
        TeamName::parse(raw).expect("a valid test name")
    }

    fn minutes(n: i64) -> DateTime<Utc> {
        test_epoch() + TimeDelta::minutes(n)
    }

    fn invite(proposed_name: Option<TeamName>) -> TeamCommand {
        TeamCommand::InviteTeammate {
            team_id: team_id(),
            guild: GUILD,
            inviter: member(ANN),
            invitee: member(BOB),
            name: proposed_name,
        }
    }

    fn invited() -> TeamEvent {
        TeamEvent::TeammateInvited {
            team: team_id(),
            guild: GUILD,
            inviter: member(ANN),
            invitee: member(BOB),
            proposed_name: None,
            invited_at: test_epoch(),
            expires_at: minutes(5),
        }
    }

    fn formed() -> TeamEvent {
        TeamEvent::TeamFormed {
            team: team_id(),
            guild: GUILD,
            members: [member(ANN), member(BOB)],
            name: TeamName::default_for("Ann", "Bob"),
            name_origin: NameOrigin::Default,
            formed_at: minutes(1),
        }
    }

    fn renamed(by: UserId, old: TeamName, new: &str, at: i64) -> TeamEvent {
        let old_origin =
            if old.as_str().contains('&') { NameOrigin::Default } else { NameOrigin::Chosen };
        TeamEvent::TeamRenamed {
            team: team_id(),
            by,
            old_name: old,
            old_origin,
            new_name: name(new),
            renamed_at: minutes(at),
        }
    }

    fn superseded() -> DisbandReason {
        DisbandReason::Superseded { by_team: newer_team() }
    }

    fn disbanded() -> TeamEvent {
        TeamEvent::TeamDisbanded {
            team: team_id(),
            members: [ANN, BOB],
            name: TeamName::default_for("Ann", "Bob"),
            reason: superseded(),
            disbanded_at: minutes(30),
        }
    }

    #[test]
    fn an_invitation_opens_the_team_with_a_five_minute_deadline() {
        TeamTest::given_no_previous_events().when(invite(None)).then_expect_events(vec![invited()]);
    }

    #[test]
    fn inviting_yourself_is_refused() {
        TeamTest::given_no_previous_events()
            .when(TeamCommand::InviteTeammate {
                team_id: team_id(),
                guild: GUILD,
                inviter: member(ANN),
                invitee: member(ANN),
                name: None,
            })
            .then_expect_error(TeamError::CannotInviteYourself);
    }

    #[test]
    fn a_second_invitation_on_the_same_team_is_refused() {
        TeamTest::given([invited()]).when(invite(None)).then_expect_error(TeamError::AlreadyExists);
    }

    #[test]
    fn accepting_forms_the_team_with_the_default_name() {
        TeamTest::given([invited()])
            .at(minutes(1))
            .when(TeamCommand::AcceptInvitation { by: BOB })
            .then_expect_events(vec![formed()]);
    }

    #[test]
    fn accepting_an_invitation_with_a_name_forms_the_team_under_that_name() {
        let events =
            TeamTest::given_no_previous_events().when(invite(Some(name("Word Nerds")))).events();
        let state = TeamTest::given(events)
            .at(minutes(4))
            .when(TeamCommand::AcceptInvitation { by: BOB })
            .state_after();
        assert_eq!(state.name(), Some(&name("Word Nerds")));
        assert_eq!(state.name_history()[0].origin, NameOrigin::Chosen);
        assert!(state.status().is_formed());
        assert!(state.is_member(ANN) && state.is_member(BOB));
    }

    #[test]
    fn only_the_invitee_can_accept() {
        for intruder in [ANN, CAT] {
            TeamTest::given([invited()])
                .at(minutes(1))
                .when(TeamCommand::AcceptInvitation { by: intruder })
                .then_expect_error(TeamError::NotTheInvitee);
        }
    }

    #[test]
    fn accepting_at_the_deadline_is_too_late() {
        TeamTest::given([invited()])
            .at(minutes(5))
            .when(TeamCommand::AcceptInvitation { by: BOB })
            .then_expect_error(TeamError::InvitationExpired);
    }

    #[test]
    fn accepting_an_invitation_the_timer_expired_is_refused() {
        let expired = TeamEvent::InvitationExpired {
            team: team_id(),
            inviter: ANN,
            invitee: BOB,
            expired_at: minutes(5),
        };
        TeamTest::given([invited(), expired])
            .at(minutes(6))
            .when(TeamCommand::AcceptInvitation { by: BOB })
            .then_expect_error(TeamError::InvitationExpired);
    }

    #[test]
    fn accepting_twice_is_refused() {
        TeamTest::given([invited(), formed()])
            .at(minutes(2))
            .when(TeamCommand::AcceptInvitation { by: BOB })
            .then_expect_error(TeamError::AlreadyFormed);
    }

    #[test]
    fn accepting_without_an_invitation_is_refused() {
        TeamTest::given_no_previous_events()
            .when(TeamCommand::AcceptInvitation { by: BOB })
            .then_expect_error(TeamError::NoInvitation);
    }

    #[test]
    fn the_timer_expires_a_pending_invitation_at_its_deadline() {
        TeamTest::given([invited()])
            .at(minutes(5))
            .when(TeamCommand::ExpireInvitation)
            .then_expect_events(vec![TeamEvent::InvitationExpired {
                team: team_id(),
                inviter: ANN,
                invitee: BOB,
                expired_at: minutes(5),
            }]);
    }

    #[test]
    fn a_stale_expiry_timer_changes_nothing() {
        let cases: [(&str, Vec<TeamEvent>, i64); 4] = [
            ("no invitation", vec![], 10),
            ("fired before the deadline", vec![invited()], 4),
            ("already accepted", vec![invited(), formed()], 10),
            ("already disbanded", vec![invited(), formed(), disbanded()], 40),
        ];
        for (case, given, at) in cases {
            let events =
                TeamTest::given(given).at(minutes(at)).when(TeamCommand::ExpireInvitation).events();
            assert!(events.is_empty(), "{case}: expected no events, got {events:?}");
        }
    }

    #[test]
    fn a_member_renames_the_team_and_the_history_is_kept() {
        let first = renamed(BOB, TeamName::default_for("Ann", "Bob"), "Word Nerds", 2);
        TeamTest::given([invited(), formed()])
            .at(minutes(2))
            .when(TeamCommand::RenameTeam { by: BOB, name: name("Word Nerds") })
            .then_expect_events(vec![first.clone()]);

        let state = TeamTest::given([invited(), formed(), first])
            .at(minutes(3))
            .when(TeamCommand::RenameTeam { by: ANN, name: name("Pun Intended") })
            .state_after();
        let history: Vec<(&str, NameOrigin, Option<UserId>)> = state
            .name_history()
            .iter()
            .map(|record| (record.name.as_str(), record.origin, record.by))
            .collect();
        assert_eq!(
            history,
            vec![
                ("Ann & Bob", NameOrigin::Default, None),
                ("Word Nerds", NameOrigin::Chosen, Some(BOB)),
                ("Pun Intended", NameOrigin::Chosen, Some(ANN)),
            ]
        );
        assert_eq!(state.name(), Some(&name("Pun Intended")));
    }

    #[test]
    fn only_a_member_can_rename_the_team() {
        TeamTest::given([invited(), formed()])
            .when(TeamCommand::RenameTeam { by: CAT, name: name("Hijacked") })
            .then_expect_error(TeamError::NotAMember);
    }

    #[test]
    fn renaming_before_the_invitation_is_accepted_is_refused() {
        TeamTest::given([invited()])
            .when(TeamCommand::RenameTeam { by: ANN, name: name("Too Early") })
            .then_expect_error(TeamError::NotFormed);
    }

    #[test]
    fn renaming_to_the_current_name_is_refused_but_a_change_of_case_is_a_rename() {
        let given = [invited(), formed(), renamed(ANN, formed_name(), "Word Nerds", 2)];
        TeamTest::given(given.clone())
            .when(TeamCommand::RenameTeam { by: BOB, name: name("Word Nerds") })
            .then_expect_error(TeamError::SameName("Word Nerds".to_owned()));
        let state = TeamTest::given(given)
            .when(TeamCommand::RenameTeam { by: BOB, name: name("WORD NERDS") })
            .state_after();
        assert_eq!(state.name(), Some(&name("WORD NERDS")));
    }

    fn formed_name() -> TeamName {
        TeamName::default_for("Ann", "Bob")
    }

    #[test]
    fn a_superseded_team_is_disbanded() {
        TeamTest::given([invited(), formed()])
            .at(minutes(30))
            .when(TeamCommand::DisbandTeam { reason: superseded() })
            .then_expect_events(vec![disbanded()]);
    }

    #[test]
    fn a_disbanded_team_refuses_every_command() {
        let given = || TeamTest::given([invited(), formed(), disbanded()]).at(minutes(31));
        given()
            .when(TeamCommand::RenameTeam { by: ANN, name: name("Back Again") })
            .then_expect_error(TeamError::Disbanded);
        given()
            .when(TeamCommand::AcceptInvitation { by: BOB })
            .then_expect_error(TeamError::Disbanded);
        given().when(invite(None)).then_expect_error(TeamError::AlreadyExists);
    }

    #[test]
    fn disbanding_a_disbanded_team_again_changes_nothing() {
        TeamTest::given([invited(), formed(), disbanded()])
            .when(TeamCommand::DisbandTeam { reason: superseded() })
            .then_expect_events(vec![]);
    }

    #[test]
    fn disbanding_a_team_that_never_formed_is_refused() {
        TeamTest::given([invited()])
            .when(TeamCommand::DisbandTeam { reason: superseded() })
            .then_expect_error(TeamError::NotFormed);
    }

    #[test]
    fn every_team_event_has_a_stable_json_shape() {
        let expired = TeamEvent::InvitationExpired {
            team: team_id(),
            inviter: ANN,
            invitee: BOB,
            expired_at: minutes(5),
        };
        let events = [
            invited(),
            formed(),
            expired,
            renamed(BOB, formed_name(), "Word Nerds", 2),
            disbanded(),
        ];
        for event in events {
            insta::assert_json_snapshot!(format!("team_event_{}", event.event_type()), event);
        }
    }

    #[test]
    fn the_team_state_survives_a_json_round_trip() {
        let state = TeamTest::given([invited(), formed(), disbanded()]).state().clone();
        let json = serde_json::to_string(&state).expect("state serializes");
        let back: Team = serde_json::from_str(&json).expect("state deserializes");
        assert_eq!(back, state);
    }

    fn any_user() -> impl Strategy<Value = UserId> {
        prop::sample::select(vec![ANN, BOB, CAT])
    }

    fn any_command() -> impl Strategy<Value = TeamCommand> {
        prop_oneof![
            (any_user(), any_user(), prop::option::of(Just(name("Word Nerds")))).prop_map(
                |(inviter, invitee, proposed)| TeamCommand::InviteTeammate {
                    team_id: team_id(),
                    guild: GUILD,
                    inviter: member(inviter),
                    invitee: member(invitee),
                    name: proposed,
                }
            ),
            any_user().prop_map(|by| TeamCommand::AcceptInvitation { by }),
            Just(TeamCommand::ExpireInvitation),
            (any_user(), prop::sample::select(vec!["Word Nerds", "word nerds", "Puns"]))
                .prop_map(|(by, new)| TeamCommand::RenameTeam { by, name: name(new) }),
            Just(TeamCommand::DisbandTeam { reason: superseded() }),
        ]
    }

    proptest! {
        #[test]
        fn replaying_the_emitted_events_rebuilds_the_same_team(
            steps in prop::collection::vec((any_command(), 0i64..200), 1..40)
        ) {
            let words = crate::domain::words::WordService::embedded();
            let mut now = test_epoch();
            let mut state = Team::default();
            let mut recorded = Vec::new();
            for (command, seconds) in steps {
                now += TimeDelta::seconds(seconds);
                let ctx = Ctx { now, seed: 0, words };
                let was_disbanded = state.status().is_disbanded();
                if let Ok(events) = state.decide(&command, &ctx) {
                    prop_assert!(
                        !was_disbanded || events.is_empty(),
                        "a disbanded team emitted {events:?}"
                    );
                    for event in events {
                        state.apply(&event);
                        recorded.push(event);
                    }
                }
                if let Some([first, second]) = state.members() {
                    prop_assert_ne!(first.user, second.user, "a team has two different players");
                }
                prop_assert_eq!(state.name().is_some(), state.members().is_some());
            }
            let mut replayed = Team::default();
            for event in &recorded {
                replayed.apply(event);
            }
            prop_assert_eq!(replayed, state);
        }
    }
}

//! Team formation, supersession and invitation expiry across team, player and guild streams.
use gamebot::domain::guild::{Guild, GuildCommand};
use gamebot::domain::team::{DisbandReason, TeamName, TeamStatus};
use gamebot::domain::TeamId;
use gamebot::store::StreamId;
use uuid::Uuid;

use crate::helpers::{by, eventually, fast_clock, start_engine, system_clock, user, TestDb, GUILD};

async fn a_formed_team_supersedes_and_disbands_the_old_one_and_frees_its_name(db: TestDb) {
    // Arrange: players 1 and 2 form a named team.
    let engine = start_engine(&db, system_clock(), 300).await;
    let old = engine.form_team(user(1), user(2), Some("Old Crew")).await;
    assert!(engine.guild().await.team_name(old).is_some(), "the chosen name is held");
    assert_eq!(engine.player(user(1)).await.pending_invitation(), None, "accepted: cleared");

    // Act: player 1 forms a new team with player 3.
    let new = engine.form_team(user(1), user(3), None).await;

    // Assert: the old team is disbanded, its other member left it, its name is free.
    eventually("the old team is disbanded and its name released", || async {
        engine.team(old).await.status()
            == TeamStatus::Disbanded { reason: DisbandReason::Superseded { by_team: new } }
            && engine.player(user(2)).await.team().is_none()
            && engine.guild().await.team_name(old).is_none()
    })
    .await;
    assert_eq!(engine.player(user(1)).await.team(), Some(new));
    assert_eq!(engine.player(user(3)).await.team(), Some(new));
    assert_eq!(engine.player(user(1)).await.pending_invitation(), None);
    let other = TeamId(Uuid::new_v4());
    let name = TeamName::parse("old crew").expect("a valid name");
    engine
        .runtime
        .registry()
        .execute::<Guild>(
            StreamId::guild(GUILD),
            GuildCommand::ReserveTeamName { team: other, name },
            by(user(4)),
        )
        .await
        .expect("the freed name can be taken again");
    engine.shut_down().await;
}

on_both_backends!(
    a_formed_team_supersedes_and_disbands_the_old_one_and_frees_its_name,
    a_formed_team_supersedes_and_disbands_the_old_one_and_frees_its_name_postgres,
    a_formed_team_supersedes_and_disbands_the_old_one_and_frees_its_name_sqlite
);

async fn an_invitation_expires_on_its_timer_and_the_inviter_is_free_again(db: TestDb) {
    // Arrange: five minutes pass in half a second.
    let engine = start_engine(&db, fast_clock(600), 300).await;

    // Act: nobody accepts.
    let team = engine.invite(user(1), user(2), Some("Night Owls")).await;

    // Assert: expired on its timer; the inviter's invitation and the name are freed.
    eventually("the invitation expired and everything it held is free", || async {
        engine.team(team).await.status() == TeamStatus::InvitationExpired
            && engine.player(user(1)).await.pending_invitation().is_none()
            && engine.guild().await.team_name(team).is_none()
    })
    .await;
    let again = engine.invite(user(1), user(3), None).await;
    assert_eq!(
        engine.team(again).await.status(),
        TeamStatus::Invited,
        "a new invitation is allowed"
    );
    engine.shut_down().await;
}

on_both_backends!(
    an_invitation_expires_on_its_timer_and_the_inviter_is_free_again,
    an_invitation_expires_on_its_timer_and_the_inviter_is_free_again_postgres,
    an_invitation_expires_on_its_timer_and_the_inviter_is_free_again_sqlite
);

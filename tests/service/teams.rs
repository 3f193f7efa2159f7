//! Team formation through the service.
use chrono::TimeDelta;
use gamebot::domain::guild::GuildError;
use gamebot::domain::player::PlayerError;
use gamebot::domain::team::{TeamError, INVITATION_TTL};
use gamebot::service::ServiceError;

use crate::helpers::*;

service_test!(
    an_accepted_invitation_forms_a_team_with_the_default_name_postgres,
    an_accepted_invitation_forms_a_team_with_the_default_name_sqlite,
    |env| async move {
        // Arrange
        let ann = env.caller(ANN);
        // Act
        let invited =
            env.service.invite(&ann, (BOB, name_of(BOB)), None, &env.source()).await.unwrap();
        let formed = env.service.accept(&env.caller(BOB), &env.source()).await.unwrap();
        // Assert
        assert_eq!(formed.team, invited.team);
        assert_eq!(formed.name.as_str(), "Ann & Bob");
        assert_eq!([formed.members[0].user, formed.members[1].user], [ANN, BOB]);
        for user in [ANN, BOB] {
            let team = env.service.team_of(GUILD, user).await.unwrap().expect("in a team");
            assert_eq!(team.team, formed.team, "both players are in the new team");
            assert_eq!(team.name.as_str(), "Ann & Bob");
        }
        assert!(env.service.team_of(GUILD, CAROL).await.unwrap().is_none());
    }
);

service_test!(
    a_chosen_name_is_the_team_name_postgres,
    a_chosen_name_is_the_team_name_sqlite,
    |env| async move {
        let ann = env.caller(ANN);
        env.service
            .invite(&ann, (BOB, name_of(BOB)), Some(team_name("Word Nerds")), &env.source())
            .await
            .unwrap();
        let formed = env.service.accept(&env.caller(BOB), &env.source()).await.unwrap();
        assert_eq!(formed.name.as_str(), "Word Nerds");
    }
);

service_test!(
    inviting_yourself_is_refused_postgres,
    inviting_yourself_is_refused_sqlite,
    |env| async move {
        let error = env
            .service
            .invite(&env.caller(ANN), (ANN, name_of(ANN)), None, &env.source())
            .await
            .unwrap_err();
        assert!(matches!(error, ServiceError::Team(TeamError::CannotInviteYourself)), "{error:?}");
        // Nothing was noted: Ann can invite someone else at once.
        env.service
            .invite(&env.caller(ANN), (BOB, name_of(BOB)), None, &env.source())
            .await
            .expect("no invitation is pending after a refused one");
    }
);

service_test!(
    a_second_pending_invitation_is_refused_until_the_first_expires_postgres,
    a_second_pending_invitation_is_refused_until_the_first_expires_sqlite,
    |env| async move {
        let ann = env.caller(ANN);
        env.service.invite(&ann, (BOB, name_of(BOB)), None, &env.source()).await.unwrap();
        let error = env
            .service
            .invite(&ann, (CAROL, name_of(CAROL)), Some(team_name("Second")), &env.source())
            .await
            .unwrap_err();
        assert!(
            matches!(error, ServiceError::Player(PlayerError::InvitationPending { .. })),
            "{error:?}"
        );
        // The refused invitation released the name it had reserved.
        env.service
            .invite(&env.caller(DAN), (EVE, name_of(EVE)), Some(team_name("second")), &env.source())
            .await
            .expect("the name of a refused invitation is free again");
        // An expired invitation is replaced by a new one.
        env.clock.advance(INVITATION_TTL + TimeDelta::seconds(1));
        env.service
            .invite(&ann, (CAROL, name_of(CAROL)), None, &env.source())
            .await
            .expect("a new invitation replaces an expired one");
        let formed = env.service.accept(&env.caller(CAROL), &env.source()).await.unwrap();
        assert_eq!(formed.name.as_str(), "Ann & Carol");
    }
);

service_test!(
    only_the_invitee_can_accept_postgres,
    only_the_invitee_can_accept_sqlite,
    |env| async move {
        env.service
            .invite(&env.caller(ANN), (BOB, name_of(BOB)), None, &env.source())
            .await
            .unwrap();
        let error = env.service.accept(&env.caller(CAROL), &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::NoInvitation), "{error:?}");
        let error = env.service.accept(&env.caller(ANN), &env.source()).await.unwrap_err();
        assert!(
            matches!(error, ServiceError::NoInvitation),
            "the inviter cannot accept: {error:?}"
        );
        env.service.accept(&env.caller(BOB), &env.source()).await.expect("Bob accepts");
    }
);

service_test!(
    an_expired_invitation_cannot_be_accepted_postgres,
    an_expired_invitation_cannot_be_accepted_sqlite,
    |env| async move {
        env.service
            .invite(&env.caller(ANN), (BOB, name_of(BOB)), None, &env.source())
            .await
            .unwrap();
        env.clock.advance(INVITATION_TTL);
        let error = env.service.accept(&env.caller(BOB), &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::Team(TeamError::InvitationExpired)), "{error:?}");
        assert!(error.to_string().contains("expired"), "{error}");
    }
);

service_test!(
    an_invitation_in_another_guild_is_not_accepted_here_postgres,
    an_invitation_in_another_guild_is_not_accepted_here_sqlite,
    |env| async move {
        let ann_elsewhere = gamebot::service::Caller::in_guild(OTHER_GUILD, ANN, "Ann", false);
        env.service.invite(&ann_elsewhere, (BOB, name_of(BOB)), None, &env.source()).await.unwrap();
        let error = env.service.accept(&env.caller(BOB), &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::NoInvitation), "{error:?}");
    }
);

service_test!(
    renames_keep_names_unique_in_the_guild_postgres,
    renames_keep_names_unique_in_the_guild_sqlite,
    |env| async move {
        // Arrange: two teams.
        env.team(ANN, BOB).await;
        env.team(CAROL, DAN).await;
        // Act and assert: a member renames; the other team cannot take the name in any case.
        let renamed = env
            .service
            .rename(&env.caller(BOB), team_name("Word Nerds"), &env.source())
            .await
            .unwrap();
        assert_eq!(renamed.old_name.as_str(), "Ann & Bob");
        assert_eq!(renamed.new_name.as_str(), "Word Nerds");
        let error = env
            .service
            .rename(&env.caller(CAROL), team_name("word  NERDS"), &env.source())
            .await
            .unwrap_err();
        assert!(matches!(error, ServiceError::Guild(GuildError::NameTaken(_))), "{error:?}");
        let error = env
            .service
            .invite(
                &env.caller(EVE),
                (FAY, name_of(FAY)),
                Some(team_name("WORD NERDS")),
                &env.source(),
            )
            .await
            .unwrap_err();
        assert!(matches!(error, ServiceError::Guild(GuildError::NameTaken(_))), "{error:?}");
        // Renaming to the same name is refused and keeps the name reserved.
        let error = env
            .service
            .rename(&env.caller(ANN), team_name("Word Nerds"), &env.source())
            .await
            .unwrap_err();
        assert!(matches!(error, ServiceError::Team(TeamError::SameName(_))), "{error:?}");
        let error = env
            .service
            .rename(&env.caller(CAROL), team_name("Word Nerds"), &env.source())
            .await
            .unwrap_err();
        assert!(matches!(error, ServiceError::Guild(GuildError::NameTaken(_))), "{error:?}");
        // A new name frees the old one for the other team.
        env.service
            .rename(&env.caller(ANN), team_name("Pun Intended"), &env.source())
            .await
            .unwrap();
        let renamed = env
            .service
            .rename(&env.caller(CAROL), team_name("word nerds"), &env.source())
            .await
            .expect("the old name is free again");
        assert_eq!(renamed.new_name.as_str(), "word nerds");
        // Someone without a team cannot rename.
        let error = env
            .service
            .rename(&env.caller(EVE), team_name("Lonely"), &env.source())
            .await
            .unwrap_err();
        assert!(matches!(error, ServiceError::NoTeam), "{error:?}");
        let team = env.service.team_of(GUILD, ANN).await.unwrap().expect("in a team");
        assert_eq!(team.name.as_str(), "Pun Intended");
    }
);

service_test!(
    a_team_command_from_a_dm_is_refused_postgres,
    a_team_command_from_a_dm_is_refused_sqlite,
    |env| async move {
        let in_dm = gamebot::service::Caller {
            guild: None,
            user: ANN,
            display_name: "Ann".into(),
            has_manage_guild: false,
        };
        let error = env.service.accept(&in_dm, &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::GuildOnly), "{error:?}");
    }
);

service_test!(
    a_new_team_supersedes_the_old_one_postgres,
    a_new_team_supersedes_the_old_one_sqlite,
    |env| async move {
        // Arrange
        let old = env.team(ANN, BOB).await;
        env.service.rename(&env.caller(ANN), team_name("Old Guard"), &env.source()).await.unwrap();
        // Act: Carol invites Ann, who accepts.
        let new = env.team(CAROL, ANN).await;
        env.settle().await;
        // Assert: Ann is in the new team at once; the reactors disbanded the old one, so Bob
        // has no team and its chosen name is free.
        let ann = env.service.team_of(GUILD, ANN).await.unwrap().expect("Ann has a team");
        assert_eq!(ann.team, new);
        assert_ne!(ann.team, old);
        assert!(env.service.team_of(GUILD, BOB).await.unwrap().is_none(), "the old team is gone");
        let renamed = env
            .service
            .rename(&env.caller(CAROL), team_name("old guard"), &env.source())
            .await
            .expect("the disbanded team's name is free");
        assert_eq!(renamed.new_name.as_str(), "old guard");
    }
);

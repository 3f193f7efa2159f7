//! Lobbies through the service: opening, joining, leaving, starting and cancelling, with every
//! refusal the rule book names.
use gamebot::domain::game::{EndReason, GameError, GameEvent, GameTimeouts, Mode, Phase};
use gamebot::domain::guild::GuildError;
use gamebot::domain::player::PlayerError;
use gamebot::service::ServiceError;

use crate::helpers::*;

service_test!(
    a_lobby_is_opened_joined_started_and_the_creator_team_is_in_it_postgres,
    a_lobby_is_opened_joined_started_and_the_creator_team_is_in_it_sqlite,
    |env| async move {
        // Arrange
        let a = env.team(ANN, BOB).await;
        let c = env.team(CAROL, DAN).await;
        // Act
        let opened = env
            .service
            .open_game(&env.caller(ANN), CHANNEL, options(Mode::Knockout, &[]), &env.source())
            .await
            .unwrap();
        let joined = env.service.join(&env.caller(DAN), CHANNEL, &env.source()).await.unwrap();
        let started = env.service.start(&env.caller(ANN), CHANNEL, &env.source()).await.unwrap();
        // Assert
        assert_eq!(opened.game.phase(), Phase::Lobby);
        assert_eq!(opened.game.teams().len(), 1, "the creator's team joins the lobby it opens");
        assert_eq!(opened.game.teams()[0].team_id, a);
        assert!(joined.events.iter().any(|e| matches!(e, GameEvent::TeamJoined { .. })));
        assert_eq!(joined.game.teams()[1].team_id, c);
        assert_eq!(started.game.phase(), Phase::Running);
        let status = env.service.channel_status(GUILD, CHANNEL).await.unwrap().expect("a game");
        assert_eq!(status.phase(), Phase::Running);
        assert!(env.service.channel_status(GUILD, CHANNEL_2).await.unwrap().is_none());
    }
);

service_test!(
    a_channel_holds_one_game_postgres,
    a_channel_holds_one_game_sqlite,
    |env| async move {
        env.team(ANN, BOB).await;
        env.team(CAROL, DAN).await;
        env.service
            .open_game(&env.caller(ANN), CHANNEL, options(Mode::Race, &[]), &env.source())
            .await
            .unwrap();
        let error = env
            .service
            .open_game(&env.caller(CAROL), CHANNEL, options(Mode::Race, &[]), &env.source())
            .await
            .unwrap_err();
        assert!(matches!(error, ServiceError::Guild(GuildError::ChannelBusy(_))), "{error:?}");
        // The refused opener is free: their team can open a game elsewhere.
        env.service
            .open_game(&env.caller(CAROL), CHANNEL_2, options(Mode::Race, &[]), &env.source())
            .await
            .expect("the refused team was never claimed");
    }
);

service_test!(
    a_player_is_in_one_active_game_at_a_time_postgres,
    a_player_is_in_one_active_game_at_a_time_sqlite,
    |env| async move {
        env.team(ANN, BOB).await;
        env.service
            .open_game(&env.caller(ANN), CHANNEL, options(Mode::Race, &[]), &env.source())
            .await
            .unwrap();
        // The same player cannot open a second game...
        let error = env
            .service
            .open_game(&env.caller(BOB), CHANNEL_2, options(Mode::Golf, &[]), &env.source())
            .await
            .unwrap_err();
        assert!(matches!(error, ServiceError::Player(PlayerError::AlreadyInGame(_))), "{error:?}");
        assert!(
            env.service.channel_status(GUILD, CHANNEL_2).await.unwrap().is_none(),
            "the refused game never took the channel"
        );
        // ... nor join one with a new team: the partner's refusal names the partner.
        env.team(CAROL, ANN).await; // Ann's new team; Ann still plays the first game.
        env.team(DAN, EVE).await;
        env.service
            .open_game(&env.caller(DAN), CHANNEL_3, options(Mode::Race, &[]), &env.source())
            .await
            .unwrap();
        let error =
            env.service.join(&env.caller(CAROL), CHANNEL_3, &env.source()).await.unwrap_err();
        assert!(
            matches!(error, ServiceError::PartnerInAnotherGame(user) if user == ANN),
            "{error:?}"
        );
        assert!(error.to_string().contains("partner"), "{error}");
        // Carol's own claim was released when Ann's was refused.
        env.team(CAROL, FAY).await;
        env.service
            .join(&env.caller(FAY), CHANNEL_3, &env.source())
            .await
            .expect("Carol is free after the refused join");
    }
);

service_test!(
    joining_twice_leaving_and_lobby_refusals_postgres,
    joining_twice_leaving_and_lobby_refusals_sqlite,
    |env| async move {
        env.team(ANN, BOB).await;
        env.team(CAROL, DAN).await;
        // No game in the channel yet.
        let error = env.service.join(&env.caller(CAROL), CHANNEL, &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::NoGameHere), "{error:?}");
        env.service
            .open_game(&env.caller(ANN), CHANNEL, options(Mode::Knockout, &[]), &env.source())
            .await
            .unwrap();
        // Too few teams.
        let error = env.service.start(&env.caller(ANN), CHANNEL, &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::Game(GameError::TooFewTeams { .. })), "{error:?}");
        // Joining twice.
        env.service.join(&env.caller(CAROL), CHANNEL, &env.source()).await.unwrap();
        let error = env.service.join(&env.caller(DAN), CHANNEL, &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::Game(GameError::AlreadyJoined)), "{error:?}");
        assert!(error.to_string().contains("already"), "{error}");
        // The refused second join kept the claims of the team that is in the lobby.
        let error = env
            .service
            .open_game(&env.caller(DAN), CHANNEL_2, options(Mode::Race, &[]), &env.source())
            .await
            .unwrap_err();
        assert!(matches!(error, ServiceError::Player(PlayerError::AlreadyInGame(_))), "{error:?}");
        // Without a team.
        let error = env.service.join(&env.caller(EVE), CHANNEL, &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::NoTeam), "{error:?}");
        // Only the creator starts.
        let error =
            env.service.start(&env.caller(CAROL), CHANNEL, &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::Game(GameError::NotTheCreator)), "{error:?}");
        // Leaving frees both players.
        let left = env.service.leave(&env.caller(DAN), CHANNEL, &env.source()).await.unwrap();
        assert_eq!(left.game.teams().len(), 1);
        env.service
            .open_game(&env.caller(CAROL), CHANNEL_2, options(Mode::Race, &[]), &env.source())
            .await
            .expect("the team that left is free");
        let error = env.service.leave(&env.caller(EVE), CHANNEL, &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::Game(GameError::TeamNotInLobby)), "{error:?}");
    }
);

service_test!(
    cancelling_needs_the_creator_or_manage_server_postgres,
    cancelling_needs_the_creator_or_manage_server_sqlite,
    |env| async move {
        env.team(ANN, BOB).await;
        env.team(CAROL, DAN).await;
        env.service
            .open_game(&env.caller(ANN), CHANNEL, options(Mode::Race, &[]), &env.source())
            .await
            .unwrap();
        env.service.join(&env.caller(CAROL), CHANNEL, &env.source()).await.unwrap();
        // Neither creator nor Manage Server.
        let error =
            env.service.cancel(&env.caller(CAROL), CHANNEL, &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::Game(GameError::NotAllowedToCancel)), "{error:?}");
        // A member with Manage Server may.
        let cancelled = env.service.cancel(&env.admin(EVE), CHANNEL, &env.source()).await.unwrap();
        assert_eq!(cancelled.game.phase(), Phase::Cancelled);
        // The channel and every player are free at once.
        assert!(env.service.channel_status(GUILD, CHANNEL).await.unwrap().is_none());
        env.service
            .open_game(&env.caller(DAN), CHANNEL, options(Mode::Race, &[]), &env.source())
            .await
            .expect("the channel and Carol's team are free");
        env.service
            .join(&env.caller(BOB), CHANNEL, &env.source())
            .await
            .expect("Ann's team is free");
        // The creator may cancel too.
        env.service
            .cancel(&env.caller(DAN), CHANNEL, &env.source())
            .await
            .expect("creator cancels");
        let error = env.service.cancel(&env.caller(DAN), CHANNEL, &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::NoGameHere), "{error:?}");
    }
);

service_test!(two_player_needs_a_team_postgres, two_player_needs_a_team_sqlite, |env| async move {
    let error = env
        .service
        .open_game(&env.caller(ANN), CHANNEL, options(Mode::TwoPlayer, &[]), &env.source())
        .await
        .unwrap_err();
    assert!(matches!(error, ServiceError::Game(GameError::TeamRequired)), "{error:?}");
    // A lobby without a team is fine for the other modes.
    let opened = env
        .service
        .open_game(&env.caller(ANN), CHANNEL, options(Mode::Knockout, &[]), &env.source())
        .await
        .unwrap();
    assert!(opened.game.teams().is_empty());
});

service_test!(
    a_claim_and_a_channel_left_by_an_attempt_cut_short_are_freed_by_the_next_command_postgres,
    a_claim_and_a_channel_left_by_an_attempt_cut_short_are_freed_by_the_next_command_sqlite,
    |env| async move {
        use gamebot::domain::guild::{Guild, GuildCommand};
        use gamebot::domain::player::{Player, PlayerCommand};
        use gamebot::domain::GameId;
        use gamebot::runtime::CommandMeta;
        use gamebot::store::StreamId;
        // Arrange: an open that an outage cut short claimed Ann and held the channel for a
        // game that was never created.
        env.team(ANN, BOB).await;
        let never_created = GameId(uuid::Uuid::new_v4());
        let meta = || CommandMeta { source_id: Some(env.source()), ..CommandMeta::default() };
        let claim = PlayerCommand::ClaimActiveGame { game: never_created };
        env.runtime
            .registry()
            .execute::<Player>(StreamId::player(GUILD, ANN), claim, meta())
            .await
            .expect("claimed");
        let hold = GuildCommand::OpenChannelGame { channel: CHANNEL, game: never_created };
        env.runtime
            .registry()
            .execute::<Guild>(StreamId::guild(GUILD), hold, meta())
            .await
            .expect("held");
        // Act
        let opened = env
            .service
            .open_game(&env.caller(ANN), CHANNEL, options(Mode::Race, &[]), &env.source())
            .await;
        // Assert: neither the stale claim nor the stale channel stands in the way.
        let opened = opened.expect("the stale claim and channel were freed");
        assert_eq!(opened.game.phase(), Phase::Lobby);
        let status = env.service.channel_status(GUILD, CHANNEL).await.unwrap().expect("a game");
        assert_eq!(status.phase(), Phase::Lobby);
    }
);

service_test!(
    an_expired_lobby_frees_its_channel_and_teams_at_once_postgres,
    an_expired_lobby_frees_its_channel_and_teams_at_once_sqlite,
    |env| async move {
        // Arrange: a service configured with a ten-minute lobby timeout.
        let timeouts = GameTimeouts { lobby_seconds: 600, idle_seconds: 1200 };
        let service = env.service.clone().with_game_timeouts(timeouts);
        env.team(ANN, BOB).await;
        env.team(CAROL, DAN).await;
        let opened = service
            .open_game(&env.caller(ANN), CHANNEL, options(Mode::Knockout, &[]), &env.source())
            .await
            .unwrap();
        service.join(&env.caller(CAROL), CHANNEL, &env.source()).await.unwrap();
        let recorded = opened.events.iter().find_map(|e| match e {
            GameEvent::GameCreated { timeouts, .. } => Some(*timeouts),
            _ => None,
        });
        assert_eq!(recorded, Some(timeouts), "the game records the service's timeouts");

        // Act: nobody starts it; its timer fires.
        let expired = service
            .fire_timer(opened.game_id, &env.source())
            .await
            .unwrap()
            .expect("a lobby has its expiry armed");

        // Assert
        assert!(
            matches!(expired.events[..], [GameEvent::LobbyExpired { lobby_seconds: 600, .. }]),
            "{:?}",
            expired.events
        );
        assert_eq!(expired.game.phase(), Phase::Cancelled);
        assert!(env.service.channel_status(GUILD, CHANNEL).await.unwrap().is_none());
        service
            .open_game(&env.caller(DAN), CHANNEL, options(Mode::Race, &[]), &env.source())
            .await
            .expect("the channel and Carol's team are free");
        service.join(&env.caller(BOB), CHANNEL, &env.source()).await.expect("Ann's team is free");
    }
);

service_test!(
    an_idle_two_player_game_ends_with_no_winner_and_frees_its_team_postgres,
    an_idle_two_player_game_ends_with_no_winner_and_frees_its_team_sqlite,
    |env| async move {
        // Arrange
        env.team(ANN, BOB).await;
        let opened = env
            .service
            .open_game(&env.caller(ANN), CHANNEL, options(Mode::TwoPlayer, &[]), &env.source())
            .await
            .unwrap();
        // Act: nobody answers; the idle timer fires.
        let ended = env
            .service
            .fire_timer(opened.game_id, &env.source())
            .await
            .unwrap()
            .expect("a Two Player game has its idle timer armed");
        // Assert
        assert!(ended.ended(), "{:?}", ended.events);
        assert!(ended.game.winners().is_empty());
        let reason = ended.events.iter().find_map(|e| match e {
            GameEvent::GameEnded { reason, .. } => Some(*reason),
            _ => None,
        });
        assert_eq!(reason, Some(EndReason::Idle { idle_seconds: 3600 }), "the default hour");
        assert!(env.service.dm_status(ANN).await.unwrap().is_none(), "Ann is in no game");
        env.service
            .open_game(&env.caller(BOB), CHANNEL, options(Mode::TwoPlayer, &[]), &env.source())
            .await
            .expect("the channel and the team are free for the next game");
    }
);

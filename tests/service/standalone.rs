//! The service on a bare runtime (no projections, no reactors): lookups from the in-memory log
//! index, and `accept` joining both players itself.
use gamebot::domain::game::{Game, GameCommand, GameEvent, Mode, Phase};
use gamebot::runtime::CommandMeta;
use gamebot::service::ServiceError;
use gamebot::store::StreamId;

use crate::helpers::*;

standalone_test!(
    without_reactors_a_formed_team_plays_at_once_postgres,
    without_reactors_a_formed_team_plays_at_once_sqlite,
    |env| async move {
        // Arrange and act: a team, then a Two Player game and an answer from a DM.
        let team = env.team(ANN, BOB).await;
        assert_eq!(env.service.team_of(GUILD, BOB).await.unwrap().map(|t| t.team), Some(team));
        let opened = env
            .service
            .open_game(&env.caller(BOB), CHANNEL, options(Mode::TwoPlayer, &[]), &env.source())
            .await
            .unwrap();
        let mut answered = None;
        for word in ["apple", "river", "garden"] {
            if let Ok(outcome) = env.service.answer(ANN, word, &env.source()).await {
                answered = Some(outcome);
                break;
            }
        }
        // Assert
        assert_eq!(opened.game.phase(), Phase::Running);
        let answered = answered.expect("an answer is accepted");
        assert_eq!(answered.game_id, opened.game_id, "the DM went to the game");
        assert!(answered.events.iter().any(|e| matches!(e, GameEvent::AnswerAccepted { .. })));
        // The inviter's invitation was cleared: Ann may invite again at once.
        env.service
            .invite(&env.caller(ANN), (CAROL, name_of(CAROL)), None, &env.source())
            .await
            .expect("no pending invitation after the team formed");
        // Statistics need the read models.
        let error = env
            .service
            .leaderboard(
                GUILD,
                gamebot::discord::LeaderboardKind::Players,
                gamebot::discord::Period::All,
            )
            .await
            .unwrap_err();
        assert!(matches!(error, ServiceError::QueryUnavailable { .. }), "{error:?}");
    }
);

standalone_test!(
    a_game_closed_by_its_timer_frees_its_channel_and_players_for_the_next_game_postgres,
    a_game_closed_by_its_timer_frees_its_channel_and_players_for_the_next_game_sqlite,
    |env| async move {
        // Arrange: a Knockout lobby whose expiry fires through the registry, as the timer actor
        // fires it; no reactor runs to free the channel and the players afterwards.
        env.team(ANN, BOB).await;
        let lobby = env
            .service
            .open_game(&env.caller(ANN), CHANNEL, options(Mode::Knockout, &[]), &env.source())
            .await
            .unwrap();
        let (deadline, timer) = lobby.game.pending_timer().expect("a lobby has its expiry");
        assert!(matches!(timer, GameCommand::ExpireLobby { deadline: d, .. } if d == deadline));
        let fired = env
            .runtime
            .registry()
            .execute::<Game>(StreamId::game(lobby.game_id), timer, CommandMeta::default())
            .await
            .expect("the timer fires");
        assert!(matches!(fired.events[..], [GameEvent::LobbyExpired { .. }]), "{:?}", fired.events);

        // Act: the same players open the next game in the same channel at once.
        let next = env
            .service
            .open_game(&env.caller(BOB), CHANNEL, options(Mode::TwoPlayer, &[]), &env.source())
            .await;

        // Assert
        let next = next.expect("the closed lobby holds neither the channel nor the players");
        assert_eq!(next.game.phase(), Phase::Running);
        let open = env.service.channel_status(GUILD, CHANNEL).await.unwrap().expect("a game");
        assert_eq!(open.setup().map(|s| s.game_id), Some(next.game_id));
    }
);

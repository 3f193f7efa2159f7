//! The service on a bare runtime (no projections, no reactors): lookups from the in-memory log
//! index, and `accept` joining both players itself.
use gamebot::domain::game::{GameEvent, Mode, Phase};
use gamebot::service::ServiceError;

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

//! Whole games through the service: answers arrive as DMs (no guild) and are routed to the
//! player's active game; timers are fired through the service as the demo does.
use gamebot::domain::game::{ForbiddenBy, GameError, GameEvent, Mode, Phase};
use gamebot::domain::{TeamId, UserId};
use gamebot::service::{GameOutcome, ServiceError};

use crate::helpers::*;

/// Words the tests answer with, each a common dictionary word; a word the game refuses (it is
/// in the dealt pair or already used) is skipped.
const WORDS: &[&str] = &[
    "apple", "river", "garden", "music", "candle", "pillow", "rocket", "forest", "window",
    "hammer", "bridge", "castle", "doctor", "engine", "finger", "guitar", "island", "jacket",
    "kitten", "ladder", "mirror", "needle", "orange", "pencil", "rabbit", "saddle", "tunnel",
    "valley", "wallet", "yellow",
];

/// Plays one matching guess pair for the team of `first` and `second`: both answer the same
/// word. Returns the outcome of the answer that resolved the pair. `next` is the index into
/// [`WORDS`] to try first; it moves past every word used or refused.
async fn play_match(env: &TestEnv, first: UserId, second: UserId, next: &mut usize) -> GameOutcome {
    loop {
        let word = WORDS[*next % WORDS.len()];
        *next += 1;
        match env.service.answer(first, word, &env.source()).await {
            Ok(outcome) => {
                assert!(
                    outcome.events.iter().any(|e| matches!(e, GameEvent::AnswerAccepted { .. })),
                    "the first answer waits for the partner: {:?}",
                    outcome.events
                );
                let resolved = env.service.answer(second, word, &env.source()).await.unwrap();
                assert!(
                    resolved.events.iter().any(|e| matches!(
                        e,
                        GameEvent::PairResolved { result, .. } if result.is_match()
                    )),
                    "the same word matches: {:?}",
                    resolved.events
                );
                return resolved;
            }
            Err(ServiceError::Game(GameError::ForbiddenWord { .. })) => continue,
            Err(other) => panic!("answer {word} refused: {other:?}"),
        }
    }
}

service_test!(
    a_two_player_game_is_played_from_dms_to_game_over_postgres,
    a_two_player_game_is_played_from_dms_to_game_over_sqlite,
    |env| async move {
        // Arrange
        let team = env.team(ANN, BOB).await;
        let opened = env
            .service
            .open_game(
                &env.caller(ANN),
                CHANNEL,
                options(Mode::TwoPlayer, &["rounds=3"]),
                &env.source(),
            )
            .await
            .unwrap();
        assert_eq!(opened.game.phase(), Phase::Running, "Two Player starts at once");
        let status = env.service.dm_status(BOB).await.unwrap().expect("Bob is in the game");
        assert_eq!(status.game_id, opened.game_id);
        // Act: a refused answer, a second answer before the partner, then three perfect rounds.
        let error = env.service.answer(ANN, "two words", &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::Game(GameError::InvalidAnswer(_))), "{error:?}");
        env.service.answer(ANN, "zebra", &env.source()).await.unwrap();
        let error = env.service.answer(ANN, "lion", &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::Game(GameError::AlreadyAnswered)), "{error:?}");
        assert_eq!(error.to_string(), "already answered, waiting for your partner");
        let missed = env.service.answer(BOB, "tiger", &env.source()).await.unwrap();
        assert!(missed.events.iter().any(|e| matches!(
            e,
            GameEvent::PairResolved { result, .. } if !result.is_match()
        )));
        let mut next = 0;
        let mut last = None;
        for _ in 0..3 {
            last = Some(play_match(&env, ANN, BOB, &mut next).await);
        }
        // Assert
        let last = last.expect("three rounds played");
        assert!(last.ended(), "the third match ends the game: {:?}", last.events);
        assert_eq!(last.game.phase(), Phase::Ended);
        assert_eq!(last.game.winners(), [team].as_slice(), "4 guesses over 3 rounds is a win");
        // The game is over for the players: DMs find no game, and the channel is free.
        assert!(env.service.dm_status(ANN).await.unwrap().is_none());
        let error = env.service.answer(BOB, "apple", &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::NotInAGame), "{error:?}");
        assert!(env.service.channel_status(GUILD, CHANNEL).await.unwrap().is_none());
        env.service
            .open_game(&env.caller(BOB), CHANNEL, options(Mode::TwoPlayer, &[]), &env.source())
            .await
            .expect("a new game right after game over");
    }
);

service_test!(
    a_race_between_two_teams_runs_to_the_end_of_its_clock_postgres,
    a_race_between_two_teams_runs_to_the_end_of_its_clock_sqlite,
    |env| async move {
        // Arrange
        let ann_bob = env.team(ANN, BOB).await;
        let carol_dan: TeamId = env.team(CAROL, DAN).await;
        let opened = env
            .service
            .open_game(
                &env.caller(ANN),
                CHANNEL,
                options(Mode::Race, &["time_seconds=60"]),
                &env.source(),
            )
            .await
            .unwrap();
        env.service.join(&env.caller(CAROL), CHANNEL, &env.source()).await.unwrap();
        env.service.start(&env.caller(ANN), CHANNEL, &env.source()).await.unwrap();
        // Act: Ann and Bob match twice, Carol and Dan once and give one pair up.
        let mut next = 0;
        play_match(&env, ANN, BOB, &mut next).await;
        play_match(&env, BOB, ANN, &mut next).await;
        play_match(&env, DAN, CAROL, &mut next).await;
        let gave_up = env.service.give_up(CAROL, &env.source()).await.unwrap();
        assert!(gave_up.events.iter().any(|e| matches!(e, GameEvent::PairAbandoned { .. })));
        let ended = env
            .service
            .fire_timer(opened.game_id, &env.source())
            .await
            .unwrap()
            .expect("a Race has its clock armed");
        // Assert
        assert!(ended.ended(), "{:?}", ended.events);
        assert_eq!(ended.game.winners(), [ann_bob].as_slice());
        let ranking = ended
            .events
            .iter()
            .find_map(|e| match e {
                GameEvent::GameEnded { ranking, .. } => Some(ranking.clone()),
                _ => None,
            })
            .expect("a ranking");
        assert_eq!(ranking.iter().map(|s| s.team_id).collect::<Vec<_>>(), [ann_bob, carol_dan]);
        assert_eq!(ranking[0].matches, 2);
        assert_eq!(ranking[1].matches, 1);
        assert!(env.service.fire_timer(opened.game_id, &env.source()).await.unwrap().is_none());
        assert!(env.service.dm_status(DAN).await.unwrap().is_none());
    }
);

service_test!(
    a_dm_from_a_player_in_no_game_is_refused_postgres,
    a_dm_from_a_player_in_no_game_is_refused_sqlite,
    |env| async move {
        let error = env.service.answer(ANN, "apple", &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::NotInAGame), "{error:?}");
        assert_eq!(error.to_string(), "you are not in a game right now");
        let error = env.service.give_up(ANN, &env.source()).await.unwrap_err();
        assert!(matches!(error, ServiceError::NotInAGame), "{error:?}");
        assert!(env.service.dm_status(ANN).await.unwrap().is_none());
    }
);

service_test!(
    dms_go_to_the_running_game_when_a_player_plays_in_two_guilds_postgres,
    dms_go_to_the_running_game_when_a_player_plays_in_two_guilds_sqlite,
    |env| async move {
        // Arrange: Ann and Bob have a running Two Player game here and a lobby elsewhere.
        env.team(ANN, BOB).await;
        let running = env
            .service
            .open_game(&env.caller(ANN), CHANNEL, options(Mode::TwoPlayer, &[]), &env.source())
            .await
            .unwrap();
        let ann_elsewhere = gamebot::service::Caller::in_guild(OTHER_GUILD, ANN, "Ann", false);
        let bob_elsewhere = gamebot::service::Caller::in_guild(OTHER_GUILD, BOB, "Bob", false);
        env.service.invite(&ann_elsewhere, (BOB, "Bob".into()), None, &env.source()).await.unwrap();
        env.service.accept(&bob_elsewhere, &env.source()).await.unwrap();
        env.service
            .open_game(&ann_elsewhere, CHANNEL, options(Mode::Race, &[]), &env.source())
            .await
            .expect("one active game per player per guild");
        // Act
        let status = env.service.dm_status(ANN).await.unwrap().expect("in a game");
        let answered = env.service.answer(BOB, "apple", &env.source()).await;
        // Assert
        assert_eq!(status.game_id, running.game_id, "the running game wins over a lobby");
        let answered = answered.unwrap_or_else(|e| panic!("routed to the running game: {e:?}"));
        assert_eq!(answered.game_id, running.game_id);
    }
);

service_test!(
    a_race_ends_on_its_durable_timer_and_gets_a_replay_name_postgres,
    a_race_ends_on_its_durable_timer_and_gets_a_replay_name_sqlite,
    |env| async move {
        // Arrange: a Race with one match.
        env.team(ANN, BOB).await;
        env.team(CAROL, DAN).await;
        let opened = env
            .service
            .open_game(
                &env.caller(ANN),
                CHANNEL,
                options(Mode::Race, &["time_seconds=30"]),
                &env.source(),
            )
            .await
            .unwrap();
        env.service.join(&env.caller(DAN), CHANNEL, &env.source()).await.unwrap();
        env.service.start(&env.caller(ANN), CHANNEL, &env.source()).await.unwrap();
        let mut next = 0;
        play_match(&env, ANN, BOB, &mut next).await;
        // Act: the clock passes the end; the timers reactor fires on its own.
        env.clock.advance(chrono::TimeDelta::seconds(31));
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        let name = loop {
            let history = env.service.history(GUILD, None).await.unwrap();
            let named = history
                .games
                .first()
                .map(|g| g.replay_name.clone())
                .filter(|name| *name != opened.game_id.to_string());
            if let Some(name) = named {
                break name;
            }
            assert!(tokio::time::Instant::now() < deadline, "the game never ended and got a name");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        // Assert: the game is over for everyone, and its replay is found by name.
        env.settle().await;
        assert!(env.service.dm_status(CAROL).await.unwrap().is_none());
        assert!(env.service.channel_status(GUILD, CHANNEL).await.unwrap().is_none());
        let story = env
            .service
            .replay(GUILD, &gamebot::discord::ReplayTarget::Name(name.to_uppercase()))
            .await
            .unwrap();
        assert_eq!(story.replay_name, name);
        assert_eq!(story.winners, ["Ann & Bob"]);
    }
);

service_test!(
    a_forbidden_word_from_one_game_is_refused_in_the_next_postgres,
    a_forbidden_word_from_one_game_is_refused_in_the_next_sqlite,
    |env| async move {
        // Arrange: a one-round game that Ann and Bob win by answering the same word.
        env.team(ANN, BOB).await;
        let two_player = || options(Mode::TwoPlayer, &["rounds=1"]);
        env.service
            .open_game(&env.caller(ANN), CHANNEL, two_player(), &env.source())
            .await
            .unwrap();
        let mut next = 0;
        let resolved = play_match(&env, ANN, BOB, &mut next).await;
        assert!(resolved.ended(), "one round ends the game");
        let word = WORDS[next - 1];
        env.settle().await;

        // Act: the next game, and Ann tries the same word.
        env.service
            .open_game(&env.caller(ANN), CHANNEL, two_player(), &env.source())
            .await
            .unwrap();
        let refused = env.service.answer(ANN, word, &env.source()).await;

        // Assert: the player's forbidden list persisted across games.
        assert!(
            matches!(
                refused,
                Err(ServiceError::Game(GameError::ForbiddenWord {
                    by: ForbiddenBy::ForbiddenList,
                    ..
                }))
            ),
            "{word} was answered in the last game: {refused:?}"
        );
    }
);

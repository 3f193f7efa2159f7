//! Two runtimes on one database each own an actor for the same game stream (as two processes
//! would during a hand-over): the store's version check catches the loser, which catches up and
//! decides again, and nothing is lost.
use gamebot::domain::game::{Game, GameCommand, GameEvent, GuessResult, Mode};

use crate::helpers::*;

runtime_test!(
    two_runtimes_writing_one_stream_retry_the_conflict_and_lose_nothing,
    |store| async move {
        // Arrange: a Two Player game; both runtimes have loaded it.
        let first = runtime(&store, &settings(0));
        let second = runtime(&store, &settings(0));
        let stream = started_game(&first, Mode::TwoPlayer, &[], 1).await;
        let _ = game(&second, &stream).await;
        let [one, two] = team(1).players;
        let word = free_words(&game(&first, &stream).await, team(1).team_id, 1).remove(0);

        // Act: one player's answer goes through the first runtime, the partner's through the second,
        // whose state is now one event behind.
        execute(
            &first,
            &stream,
            GameCommand::SubmitAnswer { guild: GUILD, player: one, raw: word.clone() },
            one,
        )
        .await;
        let events = execute(
            &second,
            &stream,
            GameCommand::SubmitAnswer { guild: GUILD, player: two, raw: word.clone() },
            two,
        )
        .await;

        // Assert: the second runtime saw the conflict, caught up, and resolved the pair with both answers.
        assert_eq!(second.health().take_report().conflicts, 1);
        let GameEvent::PairResolved { answers, result, .. } = &events[0] else {
            panic!("expected the pair to resolve, got {events:?}")
        };
        assert_eq!([answers[0].player, answers[1].player], [one, two]);
        assert!(matches!(result, GuessResult::Matched { .. }));
        let fresh = runtime(&store, &settings(0));
        assert_eq!(
            game(&fresh, &stream).await,
            game(&second, &stream).await,
            "the stored history folds to what the winner of the race holds"
        );
        assert_eq!(
            fresh.registry().inspect::<Game>(stream.clone()).await.expect("inspect").version,
            store.stream_version(&stream).await.expect("version")
        );
    }
);

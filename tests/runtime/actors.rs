//! Stream actors under the registry: they survive a panic, serialize concurrent commands, answer a
//! repeated source id with the original outcome, snapshot, and passivate when idle.
use std::time::Duration;

use futures::future::join_all;
use gamebot::domain::game::{Game, GameCommand, GameError, GameEvent, Mode};
use gamebot::runtime::CommandError;
use gamebot::store::Codec;

use crate::helpers::*;

runtime_test!(
    a_game_actor_that_panics_mid_round_keeps_its_state_and_plays_on,
    |store| async move {
        // Arrange: a Two Player game where one player has answered.
        let runtime = runtime(&store, &settings(0));
        let stream = started_game(&runtime, Mode::TwoPlayer, &[], 1).await;
        let [first, second] = team(1).players;
        let word = free_words(&game(&runtime, &stream).await, team(1).team_id, 1).remove(0);
        execute(
            &runtime,
            &stream,
            GameCommand::SubmitAnswer { guild: GUILD, player: first, raw: word.clone() },
            first,
        )
        .await;
        let before = game(&runtime, &stream).await;

        // Act: the partner's answer hits a fault inside the domain code.
        runtime.game_faults().set(|c| matches!(c, GameCommand::SubmitAnswer { .. }));
        let answer = GameCommand::SubmitAnswer { guild: GUILD, player: second, raw: word.clone() };
        let crashed =
            runtime.registry().execute::<Game>(stream.clone(), answer.clone(), meta(second)).await;
        runtime.game_faults().clear();

        // Assert: an error reply, a restart, the same state, and the answer then resolves the pair.
        assert!(matches!(crashed, Err(CommandError::Panicked(_))), "{crashed:?}");
        assert_eq!(
            game(&runtime, &stream).await,
            before,
            "the restarted actor rebuilt the same state"
        );
        assert_eq!(runtime.health().take_report().restarts, 1);
        let events = execute(&runtime, &stream, answer, second).await;
        assert!(
            matches!(&events[0], GameEvent::PairResolved { answers, .. } if answers[0].player == first),
            "the first answer survived the crash: {events:?}"
        );
    }
);

runtime_test!(
    fifty_concurrent_answers_to_one_game_are_serialized_and_none_is_lost,
    |store| async move {
        // Arrange: a Race game with twelve teams (24 players).
        let runtime = runtime(&store, &settings(0));
        let stream = started_game(&runtime, Mode::Race, &[], 12).await;
        let state = game(&runtime, &stream).await;
        let words = free_words(&state, team(1).team_id, 400);
        let dealt: Vec<&String> = state.teams().iter().flat_map(|t| t.pair.iter()).collect();
        let words: Vec<String> =
            words.into_iter().filter(|w| !dealt.contains(&w)).take(50).collect();
        let players: Vec<_> = (1..=12).flat_map(|n| team(n).players).collect();
        let version_before = store.stream_version(&stream).await.expect("version");

        // Act: fifty answers sent at once.
        let sends = (0..50).map(|i| {
            let player = players[i % players.len()];
            let command = GameCommand::SubmitAnswer { guild: GUILD, player, raw: words[i].clone() };
            runtime.registry().execute::<Game>(stream.clone(), command, meta(player))
        });
        let outcomes = join_all(sends).await;

        // Assert: every answer was decided exactly once: accepted (its events stored) or refused by
        // a rule; no conflict, no infrastructure error, and the stream holds exactly those events.
        let mut appended = 0;
        for outcome in &outcomes {
            match outcome {
                Ok(outcome) => appended += outcome.events.len(),
                Err(CommandError::Rejected(
                    GameError::AlreadyAnswered | GameError::ForbiddenWord { .. },
                )) => {}
                Err(other) => panic!("an answer was lost: {other}"),
            }
        }
        let accepted = outcomes.iter().filter(|o| o.is_ok()).count();
        assert!(accepted >= 24, "every player's first answer is accepted, got {accepted}");
        let stored = store.read_stream(&stream, version_before + 1).await.expect("read");
        assert_eq!(stored.len(), appended, "the stream holds exactly the accepted answers' events");
        let codec = Codec::<GameEvent>::new();
        for outcome in outcomes.iter().flatten() {
            let first = (outcome.version - version_before) as usize - outcome.events.len();
            let at_its_versions: Vec<GameEvent> = stored[first..first + outcome.events.len()]
                .iter()
                .map(|e| codec.decode(e).expect("decodes"))
                .collect();
            assert_eq!(at_its_versions, outcome.events, "each reply is what the stream holds");
        }
        assert_eq!(
            runtime.health().take_report().conflicts,
            0,
            "one process never conflicts with itself"
        );
    }
);

runtime_test!(
    a_repeated_source_id_returns_the_original_outcome_and_appends_nothing,
    |store| async move {
        let runtime = runtime(&store, &settings(0));
        let stream = started_game(&runtime, Mode::TwoPlayer, &[], 1).await;
        let player = team(1).players[0];
        let word = free_words(&game(&runtime, &stream).await, team(1).team_id, 1).remove(0);
        let command = GameCommand::SubmitAnswer { guild: GUILD, player, raw: word };
        let meta = meta(player);

        let first = runtime
            .registry()
            .execute::<Game>(stream.clone(), command.clone(), meta.clone())
            .await
            .expect("first");
        let version = store.stream_version(&stream).await.expect("version");
        let again =
            runtime.registry().execute::<Game>(stream.clone(), command, meta).await.expect("again");

        assert!(!first.duplicate);
        assert!(again.duplicate, "the second delivery is recognised");
        assert_eq!(again.events, first.events, "it returns the original outcome");
        assert_eq!(
            store.stream_version(&stream).await.expect("version"),
            version,
            "nothing appended"
        );
    }
);

runtime_test!(snapshots_are_saved_and_a_new_runtime_rebuilds_the_same_state, |store| async move {
    let settings = settings(4);
    let first = runtime(&store, &settings);
    let stream = started_game(&first, Mode::TwoPlayer, &["rounds=5"], 1).await;
    for _ in 0..3 {
        match_pair(&first, &stream, 1).await;
    }
    let state = game(&first, &stream).await;
    let snapshot = store.load_snapshot(&stream).await.expect("load").expect("a snapshot was saved");
    assert!(snapshot.version >= 4, "snapshot at version {}", snapshot.version);

    let second = runtime(&store, &settings);
    assert_eq!(
        game(&second, &stream).await,
        state,
        "snapshot plus later events give the same state"
    );
});

runtime_test!(an_idle_actor_is_passivated_and_comes_back_on_the_next_command, |store| async move {
    let mut settings = settings(0);
    settings.passivate_after_seconds = 1;
    let runtime = runtime(&store, &settings);
    let stream = started_game(&runtime, Mode::TwoPlayer, &[], 1).await;
    let state = game(&runtime, &stream).await;
    let _ = runtime.health().take_report();

    actix_rt::time::sleep(Duration::from_millis(2_500)).await;
    let idle = runtime.health().take_report();
    assert_eq!(idle.passivations, 1, "the idle game actor was passivated");
    assert_eq!(idle.live.get("game").copied().unwrap_or(0), 0, "and it stopped");

    assert_eq!(game(&runtime, &stream).await, state, "it comes back with the same state");
    assert_eq!(runtime.health().take_report().spawns, 1);
});

runtime_test!(the_command_benchmark_plays_every_answer_it_counts, |store| async move {
    let report =
        gamebot::bench::run_command_bench(store.clone(), "test", 3, 2).await.expect("bench runs");
    assert_eq!(report.commands, 3 * 2 * 2, "three games, two rounds, two answers a round");
    assert!(report.health.commands >= report.commands as u64, "every answer went through an actor");
});

runtime_test!(
    a_stream_whose_rebuild_panics_is_rebuilt_after_a_backoff_while_others_play_on,
    |store| async move {
        // Arrange: two games, then a fresh runtime (nothing loaded) whose rebuild of the
        // first game panics.
        let first_runtime = runtime(&store, &settings(0));
        let broken = started_game(&first_runtime, Mode::TwoPlayer, &[], 1).await;
        let healthy = started_game(&first_runtime, Mode::TwoPlayer, &[], 1).await;
        let broken_id = game(&first_runtime, &broken).await.setup().expect("created").game_id;
        let runtime = runtime(&store, &settings(0));
        runtime.game_rebuild_faults().set(move |event| {
            matches!(event, GameEvent::GameCreated { game_id, .. } if *game_id == broken_id)
        });

        // Act
        let refused = runtime.registry().inspect::<Game>(broken.clone()).await;
        let other = runtime.registry().inspect::<Game>(healthy.clone()).await;
        let held_off = runtime.registry().inspect::<Game>(broken.clone()).await;
        runtime.game_rebuild_faults().clear();
        tokio::time::sleep(Duration::from_millis(250)).await;
        let rebuilt = runtime.registry().inspect::<Game>(broken.clone()).await;

        // Assert
        assert!(matches!(refused, Err(CommandError::Panicked(_))), "{refused:?}");
        assert!(other.is_ok(), "another stream is untouched: {other:?}");
        match held_off {
            Err(CommandError::Panicked(message)) => {
                assert!(message.contains("retrying in"), "{message}")
            }
            other => panic!("a second ask within the backoff is held off, not {other:?}"),
        }
        let rebuilt = rebuilt.expect("rebuilt once the fault is gone");
        assert_eq!(rebuilt.state.setup().map(|s| s.game_id), Some(broken_id));
    }
);

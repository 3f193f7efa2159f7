//! A resolved pair's answers land on each player's own forbidden list, once.
use std::collections::BTreeSet;

use gamebot::domain::game::{GameEvent, GameOptions, Rounds, TwoPlayerOptions};
use gamebot::reactors::ForbiddenWordsReactor;
use gamebot::runtime::catch_up_once;
use gamebot::store::StreamId;

use crate::helpers::{eventually, start_engine, system_clock, user, TestDb, GUILD};

async fn a_resolved_pair_lands_on_both_players_lists_and_a_redelivery_adds_nothing(db: TestDb) {
    // Arrange
    let engine = start_engine(&db, system_clock(), 300).await;
    let team = engine.form_team(user(1), user(2), None).await;
    let rounds = Rounds::parse("2").expect("a valid round count");
    let options = GameOptions::TwoPlayer(TwoPlayerOptions { rounds, ..Default::default() });
    let game = engine.open_game(team, options).await;

    // Act: a miss, then a match.
    engine.play_miss(game, team).await;
    engine.play_match(game, team).await;

    // Assert: each player's own answers are on their list.
    let mut expected = [BTreeSet::new(), BTreeSet::new()];
    for event in engine.game_events(game).await {
        if let GameEvent::PairResolved { answers, .. } = event {
            for (seat, answer) in answers.iter().enumerate() {
                assert_eq!(answer.player, user(seat as u64 + 1), "answers in player order");
                expected[seat].insert(answer.word.clone());
            }
        }
    }
    assert_eq!(expected[0].len(), 2, "two pairs resolved");
    for (seat, words) in expected.iter().enumerate() {
        let player = user(seat as u64 + 1);
        eventually("the answers are on the player's forbidden list", || async {
            let listed: BTreeSet<String> =
                engine.player(player).await.forbidden().words().map(|w| w.to_string()).collect();
            &listed == words
        })
        .await;
    }
    let head = engine.store.last_position().await.expect("head");
    assert!(engine.runtime.wait_for_subscriptions(head, crate::helpers::SETTLE).await);

    // Act: redeliver every event to a fresh reactor, as after a checkpoint reset.
    let streams = [StreamId::player(GUILD, user(1)), StreamId::player(GUILD, user(2))];
    let mut before = Vec::new();
    for stream in &streams {
        before.push(engine.store.stream_version(stream).await.expect("version"));
    }
    let again = ForbiddenWordsReactor::new(engine.runtime.registry().clone());
    let mut checkpoint = 0;
    while let Some(position) =
        catch_up_once(&*engine.store, &*again, checkpoint).await.expect("redelivery")
    {
        checkpoint = position;
    }

    // Assert: nothing new on either player stream.
    for (stream, version) in streams.iter().zip(before) {
        let after = engine.store.stream_version(stream).await.expect("version");
        assert_eq!(after, version, "a redelivered pair appended to {stream}");
    }
    engine.shut_down().await;
}

on_both_backends!(
    a_resolved_pair_lands_on_both_players_lists_and_a_redelivery_adds_nothing,
    a_resolved_pair_lands_on_both_players_lists_and_a_redelivery_adds_nothing_postgres,
    a_resolved_pair_lands_on_both_players_lists_and_a_redelivery_adds_nothing_sqlite
);

//! Appending: every expected-version case, concurrent writers on one stream, rejected appends.
use std::sync::Arc;

use gamebot::store::{ExpectedVersion, StoreError};

use crate::helpers::{new_stream, notes};

store_test!(any_version_appends_to_new_and_existing_streams, |store| async move {
    // Arrange
    let stream = new_stream();

    // Act
    let first = store.append(&stream, ExpectedVersion::Any, notes(2)).await.expect("new stream");
    let second = store.append(&stream, ExpectedVersion::Any, notes(3)).await.expect("existing");

    // Assert
    assert_eq!(first.stream_version, 2);
    assert_eq!(second.stream_version, 5);
    assert!(second.first_position > first.last_position, "{first:?} then {second:?}");
    assert_eq!(store.stream_version(&stream).await.unwrap(), 5);
    let versions: Vec<u64> =
        store.read_stream(&stream, 1).await.unwrap().iter().map(|e| e.stream_version).collect();
    assert_eq!(versions, vec![1, 2, 3, 4, 5]);
});

store_test!(no_stream_appends_only_to_a_stream_without_events, |store| async move {
    // Arrange
    let stream = new_stream();

    // Act
    let created = store.append(&stream, ExpectedVersion::NoStream, notes(1)).await;
    let again = store.append(&stream, ExpectedVersion::NoStream, notes(1)).await;

    // Assert
    assert_eq!(created.expect("a new stream accepts NoStream").stream_version, 1);
    match again {
        Err(StoreError::Conflict { stream: s, expected, actual }) => {
            assert_eq!((s, expected, actual), (stream.clone(), ExpectedVersion::NoStream, 1));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(store.stream_version(&stream).await.unwrap(), 1, "the loser wrote nothing");
});

store_test!(an_exact_version_that_matches_appends, |store| async move {
    // Arrange
    let stream = new_stream();
    store.append(&stream, ExpectedVersion::NoStream, notes(2)).await.unwrap();

    // Act
    let outcome = store.append(&stream, ExpectedVersion::Exact(2), notes(2)).await;

    // Assert
    assert_eq!(outcome.expect("version 2 matches").stream_version, 4);
    assert_eq!(store.read_stream(&stream, 0).await.unwrap().len(), 4);
});

store_test!(a_stale_exact_version_conflicts_and_reports_the_actual_version, |store| async move {
    // Arrange: one existing stream at version 3 and one that does not exist.
    let existing = new_stream();
    store.append(&existing, ExpectedVersion::Any, notes(3)).await.unwrap();
    let missing = new_stream();

    let cases = [
        ("behind the stream", &existing, ExpectedVersion::Exact(2), 3),
        ("ahead of the stream", &existing, ExpectedVersion::Exact(4), 3),
        ("a stream that does not exist", &missing, ExpectedVersion::Exact(1), 0),
    ];
    for (description, stream, expected, actual_version) in cases {
        // Act
        let result = store.append(stream, expected, notes(1)).await;

        // Assert
        match result {
            Err(StoreError::Conflict { actual, expected: e, .. }) => {
                assert_eq!(actual, actual_version, "actual version when {description}");
                assert_eq!(e, expected, "{description}");
            }
            other => panic!("{description}: expected a conflict, got {other:?}"),
        }
    }
    assert_eq!(store.stream_version(&existing).await.unwrap(), 3);
    assert_eq!(store.stream_version(&missing).await.unwrap(), 0);
    assert!(store.read_stream(&missing, 0).await.unwrap().is_empty());
});

store_test!(
    sixteen_concurrent_appenders_at_one_version_have_exactly_one_winner,
    |store| async move {
        // Arrange
        let stream = new_stream();
        store.append(&stream, ExpectedVersion::NoStream, notes(1)).await.unwrap();
        let barrier = Arc::new(tokio::sync::Barrier::new(16));

        // Act
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (store, stream, barrier) = (store.clone(), stream.clone(), barrier.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    store.append(&stream, ExpectedVersion::Exact(1), notes(2)).await
                })
            })
            .collect();
        let mut wins = 0;
        let mut conflicts = 0;
        for task in tasks {
            match task.await.expect("task finished") {
                Ok(outcome) => {
                    wins += 1;
                    assert_eq!(outcome.stream_version, 3);
                }
                Err(StoreError::Conflict { actual, .. }) => {
                    conflicts += 1;
                    assert_eq!(actual, 3, "losers see the winner's version");
                }
                Err(other) => panic!("unexpected error: {other:?}"),
            }
        }

        // Assert
        assert_eq!((wins, conflicts), (1, 15));
        let versions: Vec<u64> =
            store.read_stream(&stream, 0).await.unwrap().iter().map(|e| e.stream_version).collect();
        assert_eq!(versions, vec![1, 2, 3]);
    }
);

store_test!(malformed_appends_are_rejected_without_writing, |store| async move {
    // Arrange
    let stream = new_stream();
    let mut repeated = notes(2);
    repeated[1].event_id = repeated[0].event_id;
    store.append(&stream, ExpectedVersion::Any, notes(1)).await.unwrap();
    let stored = store.read_stream(&stream, 0).await.unwrap();
    let mut already_stored = notes(1);
    already_stored[0].event_id = stored[0].event_id;

    // Act
    let empty = store.append(&stream, ExpectedVersion::Any, Vec::new()).await;
    let twice_in_one = store.append(&stream, ExpectedVersion::Any, repeated).await;
    let twice_across = store.append(&stream, ExpectedVersion::Exact(1), already_stored).await;

    // Assert
    assert!(matches!(empty, Err(StoreError::InvalidAppend { .. })), "{empty:?}");
    assert!(matches!(twice_in_one, Err(StoreError::DuplicateEvent { .. })), "{twice_in_one:?}");
    assert!(matches!(twice_across, Err(StoreError::DuplicateEvent { .. })), "{twice_across:?}");
    assert_eq!(store.stream_version(&stream).await.unwrap(), 1, "nothing was written");
    assert_eq!(store.read_stream(&stream, 0).await.unwrap().len(), 1);
});

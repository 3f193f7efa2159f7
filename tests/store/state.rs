//! Beside the log: snapshots, subscription checkpoints written with read models, and the
//! new-event signal.
use std::time::Duration;

use gamebot::store::{ExpectedVersion, ReadModelTx};
use serde_json::json;

use crate::helpers::{new_stream, notes, raw_execute};

store_test!(the_latest_snapshot_wins_and_keeps_its_schema_version, |store| async move {
    // Arrange
    let stream = new_stream();
    assert!(store.load_snapshot(&stream).await.unwrap().is_none(), "none before the first save");

    // Act
    store.save_snapshot(&stream, 10, 1, json!({ "score": 10 })).await.unwrap();
    store.save_snapshot(&stream, 20, 2, json!({ "score": 20, "名前": "🎲" })).await.unwrap();
    store.save_snapshot(&stream, 15, 1, json!({ "score": 15 })).await.unwrap();

    // Assert
    let snapshot = store.load_snapshot(&stream).await.unwrap().expect("a snapshot");
    assert_eq!(snapshot.stream_id, stream);
    assert_eq!(snapshot.version, 20, "an older snapshot never replaces a newer one");
    assert_eq!(snapshot.schema_version, 2);
    assert_eq!(snapshot.state, json!({ "score": 20, "名前": "🎲" }));
});

/// Creates the read-model table these tests write to.
async fn create_read_model(store: &dyn gamebot::store::EventStore) {
    let mut tx = store.begin_read_model_tx().await.unwrap();
    raw_execute(
        &mut tx,
        "CREATE TABLE test_scores (name text PRIMARY KEY, score bigint NOT NULL)",
        "CREATE TABLE test_scores (name TEXT PRIMARY KEY, score INTEGER NOT NULL)",
        &[],
    )
    .await;
    tx.commit().await.unwrap();
}

/// Rows in the read-model table.
async fn count_scores(store: &dyn gamebot::store::EventStore) -> i64 {
    let tx = store.begin_read_model_tx().await.unwrap();
    let count = match tx {
        ReadModelTx::Postgres(mut tx) => sqlx::query_scalar("SELECT count(*) FROM test_scores")
            .fetch_one(&mut *tx)
            .await
            .unwrap(),
        ReadModelTx::Sqlite(mut tx) => sqlx::query_scalar("SELECT count(*) FROM test_scores")
            .fetch_one(&mut *tx)
            .await
            .unwrap(),
    };
    count
}

store_test!(a_checkpoint_and_its_read_model_row_roll_back_together, |store| async move {
    // Arrange
    create_read_model(store.as_ref()).await;
    store.save_checkpoint("scores", 5).await.unwrap();

    // Act
    let mut tx = store.begin_read_model_tx().await.unwrap();
    raw_execute(
        &mut tx,
        "INSERT INTO test_scores VALUES ($1, 1)",
        "INSERT INTO test_scores VALUES (?, 1)",
        &["ana"],
    )
    .await;
    tx.save_checkpoint("scores", 42).await.unwrap();
    assert_eq!(tx.load_checkpoint("scores").await.unwrap(), Some(42), "visible inside");
    tx.rollback().await.unwrap();

    // Assert
    assert_eq!(store.load_checkpoint("scores").await.unwrap(), Some(5));
    assert_eq!(count_scores(store.as_ref()).await, 0);
});

store_test!(a_checkpoint_and_its_read_model_row_commit_together, |store| async move {
    // Arrange
    create_read_model(store.as_ref()).await;
    assert_eq!(store.load_checkpoint("scores").await.unwrap(), None);

    // Act
    let mut tx = store.begin_read_model_tx().await.unwrap();
    raw_execute(
        &mut tx,
        "INSERT INTO test_scores VALUES ($1, 1)",
        "INSERT INTO test_scores VALUES (?, 1)",
        &["ana"],
    )
    .await;
    tx.save_checkpoint("scores", 42).await.unwrap();
    tx.commit().await.unwrap();
    let dropped = {
        let mut tx = store.begin_read_model_tx().await.unwrap();
        tx.save_checkpoint("scores", 99).await.unwrap();
        tx // dropped without commit below
    };
    drop(dropped);

    // Assert
    assert_eq!(store.load_checkpoint("scores").await.unwrap(), Some(42), "a dropped tx rolls back");
    assert_eq!(count_scores(store.as_ref()).await, 1);
});

store_test!(watch_appends_signals_after_an_append, |store| async move {
    // Arrange
    let mut appends = store.watch_appends();
    let before = *appends.borrow_and_update();
    let stream = new_stream();

    // Act
    let outcome = store.append(&stream, ExpectedVersion::Any, notes(2)).await.unwrap();

    // Assert
    let signalled = tokio::time::timeout(
        Duration::from_secs(5),
        appends.wait_for(|head| *head >= outcome.last_position),
    )
    .await;
    assert!(signalled.is_ok(), "no signal within 5 s (was {before})");
    assert!(before < outcome.last_position);
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_processs_append_wakes_a_postgres_watcher_on_postgres() {
    // Arrange: two stores on one database stand for two processes.
    let Some(database) = crate::helpers::TestDb::postgres().await else { return };
    let (writer, _) = gamebot::store::PostgresStore::connect(
        database.postgres_options().expect("PostgreSQL").clone(),
        2,
    )
    .await
    .unwrap();
    let (watcher, _) = gamebot::store::PostgresStore::connect(
        database.postgres_options().expect("PostgreSQL").clone(),
        2,
    )
    .await
    .unwrap();
    use gamebot::store::EventStore;
    let mut appends = watcher.watch_appends();
    // The listener subscribes in the background; give it a moment before the append.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Act
    let outcome = writer.append(&new_stream(), ExpectedVersion::Any, notes(1)).await.unwrap();

    // Assert
    let signalled = tokio::time::timeout(
        Duration::from_secs(5),
        appends.wait_for(|head| *head >= outcome.last_position),
    )
    .await;
    writer.close().await;
    watcher.close().await;
    database.drop_database().await;
    assert!(signalled.is_ok(), "NOTIFY from the other store did not arrive");
}

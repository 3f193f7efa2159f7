//! The connection settings each backend's guarantees rest on.
use gamebot::store::ReadModelTx;

store_test!(store_sessions_run_with_the_documented_settings, |store| async move {
    // Arrange
    let tx = store.begin_read_model_tx().await.unwrap();

    // Act + Assert
    match tx {
        ReadModelTx::Postgres(mut tx) => {
            let timeout: String = sqlx::query_scalar("SHOW idle_in_transaction_session_timeout")
                .fetch_one(&mut *tx)
                .await
                .unwrap();
            assert_eq!(timeout, "15s", "a stuck transaction must not hold readers back for long");
        }
        ReadModelTx::Sqlite(mut tx) => {
            let journal: String =
                sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut *tx).await.unwrap();
            let synchronous: i64 =
                sqlx::query_scalar("PRAGMA synchronous").fetch_one(&mut *tx).await.unwrap();
            let foreign_keys: i64 =
                sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&mut *tx).await.unwrap();
            let busy_timeout: i64 =
                sqlx::query_scalar("PRAGMA busy_timeout").fetch_one(&mut *tx).await.unwrap();
            assert_eq!(journal, "wal");
            assert_eq!(synchronous, 2, "FULL");
            assert_eq!(foreign_keys, 1);
            assert!(busy_timeout >= 1_000, "busy timeout {busy_timeout} ms");
        }
    }
});

//! Every row of every read-model table as text, shared by test binaries
//! (`#[path = "../common/read_models.rs"] mod read_models;`): comparing the rows before and after
//! `projections::rebuild` shows a live projection equals its rebuild from the log.
use gamebot::store::{EventStore, ReadPool};
use sqlx::Row;

/// Every row of every read-model table, as sorted text (`table: row`).
pub async fn read_model_rows(store: &dyn EventStore) -> Vec<String> {
    let mut rows = Vec::new();
    match store.read_pool() {
        ReadPool::Postgres(pool) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = 'read_model'",
            )
            .fetch_all(&pool)
            .await
            .expect("read-model tables");
            for table in tables {
                let sql = format!("SELECT row_to_json(t)::text FROM read_model.{table} t");
                for row in sqlx::query(&sql).fetch_all(&pool).await.expect("rows") {
                    rows.push(format!("{table}: {}", row.get::<String, _>(0)));
                }
            }
        }
        ReadPool::Sqlite(pool) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm\\_%' ESCAPE '\\'",
            )
            .fetch_all(&pool)
            .await
            .expect("read-model tables");
            for table in tables {
                let columns: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                        .fetch_all(&pool)
                        .await
                        .expect("columns");
                let sql = format!("SELECT json_array({}) FROM {table}", columns.join(", "));
                for row in sqlx::query(&sql).fetch_all(&pool).await.expect("rows") {
                    rows.push(format!("{table}: {}", row.get::<String, _>(0)));
                }
            }
        }
    }
    rows.sort();
    rows
}

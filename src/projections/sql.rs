//! The one place read-model SQL meets a backend. Each statement is written once, naming tables
//! as `read_model.<table>` with `$n` placeholders; on SQLite (no schemas) the tables are named
//! `rm_<table>` and the text is rewritten accordingly. Values travel as [`Arg`]s and rows come
//! back as tuples, which decode the same on both backends because the schema sticks to 64-bit
//! integers, text and booleans.
use std::borrow::Cow;

use chrono::{DateTime, TimeZone, Utc};
use sqlx::pool::PoolConnection;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, PgConnection, Postgres, Sqlite, SqliteConnection};

use crate::domain::{ChannelId, GameId, GuildId, TeamId, UserId};
use crate::store::{ReadModelTx, ReadPool};

/// The PostgreSQL schema prefix every statement names its tables with.
const SCHEMA_PREFIX: &str = "read_model.";
/// What SQLite table names start with in its place.
const SQLITE_PREFIX: &str = "rm_";

/// One bound value.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// A 64-bit integer (counts, times in milliseconds, Discord ids).
    Int(i64),
    /// A nullable integer.
    OptInt(Option<i64>),
    /// Text (uuids, names, JSON).
    Text(String),
    /// Nullable text.
    OptText(Option<String>),
    /// A boolean (0/1 on SQLite).
    Bool(bool),
}

impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Arg::Int(value)
    }
}

impl From<u32> for Arg {
    fn from(value: u32) -> Self {
        Arg::Int(i64::from(value))
    }
}

impl From<Option<i64>> for Arg {
    fn from(value: Option<i64>) -> Self {
        Arg::OptInt(value)
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_owned())
    }
}

impl From<Option<String>> for Arg {
    fn from(value: Option<String>) -> Self {
        Arg::OptText(value)
    }
}

impl From<bool> for Arg {
    fn from(value: bool) -> Self {
        Arg::Bool(value)
    }
}

impl From<UserId> for Arg {
    fn from(value: UserId) -> Self {
        Arg::Int(snowflake(value.0))
    }
}

impl From<GuildId> for Arg {
    fn from(value: GuildId) -> Self {
        Arg::Int(snowflake(value.0))
    }
}

impl From<ChannelId> for Arg {
    fn from(value: ChannelId) -> Self {
        Arg::Int(snowflake(value.0))
    }
}

impl From<GameId> for Arg {
    fn from(value: GameId) -> Self {
        Arg::Text(value.0.to_string())
    }
}

impl From<TeamId> for Arg {
    fn from(value: TeamId) -> Self {
        Arg::Text(value.0.to_string())
    }
}

impl From<DateTime<Utc>> for Arg {
    fn from(value: DateTime<Utc>) -> Self {
        Arg::Int(millis(value))
    }
}

impl From<Option<DateTime<Utc>>> for Arg {
    fn from(value: Option<DateTime<Utc>>) -> Self {
        Arg::OptInt(value.map(millis))
    }
}

/// Builds a `Vec<Arg>` from values that convert into [`Arg`].
macro_rules! args {
    ($($value:expr),* $(,)?) => {
        vec![$($crate::projections::sql::Arg::from($value)),*]
    };
}
pub(crate) use args;

/// A Discord snowflake as a signed 64-bit column: the bits are kept, so [`from_snowflake`]
/// restores any value exactly (real snowflakes are below 2^63 and stay positive).
pub fn snowflake(id: u64) -> i64 {
    i64::from_ne_bytes(id.to_ne_bytes())
}

/// A stored counter (an SQL integer) as a count; never negative, saturating at `u32::MAX`.
pub fn count(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

/// The inverse of [`snowflake`].
pub fn from_snowflake(column: i64) -> u64 {
    u64::from_ne_bytes(column.to_ne_bytes())
}

/// A time as stored: Unix milliseconds.
pub fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

/// A stored time back as a timestamp; out-of-range values (never written) read as the epoch.
pub fn from_millis(column: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(column).single().unwrap_or_default()
}

/// A borrowed connection on either backend: a transaction's or a pooled one.
pub enum Conn<'a> {
    /// PostgreSQL.
    Postgres(&'a mut PgConnection),
    /// SQLite.
    Sqlite(&'a mut SqliteConnection),
}

/// Empties `tables` (statements `DELETE FROM <table>`, children first) inside a read-model
/// transaction: every projection's `reset` before a rebuild.
pub async fn delete_all(tx: &mut ReadModelTx, tables: &[&'static str]) -> Result<(), sqlx::Error> {
    let mut c = tx_conn(tx);
    for delete in tables {
        c.execute(delete, vec![]).await?;
    }
    Ok(())
}

/// The connection inside a read-model transaction.
pub fn tx_conn(tx: &mut ReadModelTx) -> Conn<'_> {
    match tx {
        ReadModelTx::Postgres(tx) => Conn::Postgres(tx),
        ReadModelTx::Sqlite(tx) => Conn::Sqlite(tx),
    }
}

/// A connection taken from a [`ReadPool`] for a few queries.
pub enum PooledConn {
    /// PostgreSQL.
    Postgres(PoolConnection<Postgres>),
    /// SQLite.
    Sqlite(PoolConnection<Sqlite>),
}

impl PooledConn {
    /// Takes a connection from `pool`.
    pub async fn acquire(pool: &ReadPool) -> Result<Self, sqlx::Error> {
        Ok(match pool {
            ReadPool::Postgres(pool) => PooledConn::Postgres(pool.acquire().await?),
            ReadPool::Sqlite(pool) => PooledConn::Sqlite(pool.acquire().await?),
        })
    }

    /// The connection, for queries.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            PooledConn::Postgres(c) => Conn::Postgres(c),
            PooledConn::Sqlite(c) => Conn::Sqlite(c),
        }
    }
}

/// `sql` for SQLite: the schema prefix becomes the table-name prefix.
fn sqlite_text(sql: &'static str) -> Cow<'static, str> {
    Cow::Owned(sql.replace(SCHEMA_PREFIX, SQLITE_PREFIX))
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::Int(v) => query.bind(v),
                Arg::OptInt(v) => query.bind(v),
                Arg::Text(v) => query.bind(v),
                Arg::OptText(v) => query.bind(v),
                Arg::Bool(v) => query.bind(v),
            };
        }
        query
    }};
}

impl Conn<'_> {
    /// Runs a statement; returns the rows it affected.
    pub async fn execute(&mut self, sql: &'static str, args: Vec<Arg>) -> Result<u64, sqlx::Error> {
        match self {
            Conn::Postgres(c) => {
                let query = bind_all!(sqlx::query(sql), args);
                Ok(query.execute(&mut **c).await?.rows_affected())
            }
            Conn::Sqlite(c) => {
                let text = sqlite_text(sql);
                let query = bind_all!(sqlx::query(&text), args);
                Ok(query.execute(&mut **c).await?.rows_affected())
            }
        }
    }

    /// Every row of a query, decoded as `T` (a tuple).
    pub async fn fetch_all<T>(
        &mut self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<Vec<T>, sqlx::Error>
    where
        T: for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin,
    {
        match self {
            Conn::Postgres(c) => {
                let query = bind_all!(sqlx::query_as::<_, T>(sql), args);
                query.fetch_all(&mut **c).await
            }
            Conn::Sqlite(c) => {
                let text = sqlite_text(sql);
                let query = bind_all!(sqlx::query_as::<_, T>(&text), args);
                query.fetch_all(&mut **c).await
            }
        }
    }

    /// The first row of a query, if any, decoded as `T` (a tuple).
    pub async fn fetch_optional<T>(
        &mut self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<Option<T>, sqlx::Error>
    where
        T: for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin,
    {
        match self {
            Conn::Postgres(c) => {
                let query = bind_all!(sqlx::query_as::<_, T>(sql), args);
                query.fetch_optional(&mut **c).await
            }
            Conn::Sqlite(c) => {
                let text = sqlite_text(sql);
                let query = bind_all!(sqlx::query_as::<_, T>(&text), args);
                query.fetch_optional(&mut **c).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowflakes_above_the_signed_range_survive_the_round_trip() {
        for id in [0, 1, 1 << 62, u64::MAX, (1 << 63) + 5] {
            assert_eq!(from_snowflake(snowflake(id)), id);
        }
    }

    #[test]
    fn sqlite_statements_name_prefixed_tables() {
        assert_eq!(
            sqlite_text(
                "DELETE FROM read_model.games WHERE game_id IN (SELECT x FROM read_model.t)"
            ),
            "DELETE FROM rm_games WHERE game_id IN (SELECT x FROM rm_t)"
        );
    }
}

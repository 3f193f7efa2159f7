//! A durable timer is one row of the `timers` table: the deadline a stream's events announced,
//! the command to send when it passes, and the event that armed it. At most one per stream,
//! since each aggregate has at most one deadline in force. Each write is its own short
//! transaction, never held while an actor is awaited.
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::game::GameCommand;
use crate::domain::GuildId;
use crate::store::{EventStore, ReadModelTx, StoreError, StreamId};

/// What a timer sends when it fires.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "target", rename_all = "snake_case")]
pub enum TimerCommand {
    /// A game timer command (`ExpireLobby`, `ExpireRound`, `StartNextRound`, `EndClock`,
    /// `EndLongformRound`, `EndIdleGame`), carrying the exact deadline the game checks it
    /// against.
    Game {
        /// The command.
        command: GameCommand,
    },
    /// `TeamCommand::ExpireInvitation` to a team's stream.
    ExpireInvitation {
        /// The team's guild.
        guild: GuildId,
    },
}

impl TimerCommand {
    /// The guild the command belongs to.
    pub fn guild(&self) -> GuildId {
        match self {
            TimerCommand::Game { command } => command.guild(),
            TimerCommand::ExpireInvitation { guild } => *guild,
        }
    }
}

/// One armed timer.
#[derive(Clone, Debug, PartialEq)]
pub struct ArmedTimer {
    /// The stream the command goes to.
    pub stream: StreamId,
    /// When to fire: the deadline rounded up to the microsecond (the precision PostgreSQL
    /// keeps), so a timer is never early.
    pub fire_at: DateTime<Utc>,
    /// What to send.
    pub command: TimerCommand,
    /// The event that armed it; the fired command's causation.
    pub armed_by: Uuid,
}

impl ArmedTimer {
    /// A timer for `stream` at `deadline`.
    pub fn new(
        stream: StreamId,
        deadline: DateTime<Utc>,
        command: TimerCommand,
        armed_by: Uuid,
    ) -> Self {
        Self { stream, fire_at: round_up_to_micros(deadline), command, armed_by }
    }

    /// The source id of the fired command: one per stream and deadline, so a timer fired again
    /// after a crash (the command applied, the row not yet deleted) is a duplicate.
    pub fn source_id(&self) -> String {
        format!("timer:{}:{}", self.stream, self.fire_at.to_rfc3339())
    }
}

fn round_up_to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    let down = at.trunc_subsecs(6);
    if down < at {
        down + TimeDelta::microseconds(1)
    } else {
        down
    }
}

fn sqlite_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn command_json(command: &TimerCommand) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(command).map_err(|e| StoreError::Backend(sqlx::Error::Encode(Box::new(e))))
}

/// Writes (or replaces) the timer of its stream.
pub async fn save_timer(store: &dyn EventStore, timer: &ArmedTimer) -> Result<(), StoreError> {
    let command = command_json(&timer.command)?;
    let mut tx = store.begin_read_model_tx().await?;
    match &mut tx {
        ReadModelTx::Postgres(tx) => {
            sqlx::query(
                "INSERT INTO event_store.timers (stream_id, fire_at, command, armed_by) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (stream_id) DO UPDATE SET \
                 fire_at = EXCLUDED.fire_at, command = EXCLUDED.command, \
                 armed_by = EXCLUDED.armed_by, armed_at = now()",
            )
            .bind(timer.stream.as_str())
            .bind(timer.fire_at)
            .bind(command)
            .bind(timer.armed_by)
            .execute(&mut **tx)
            .await?;
        }
        ReadModelTx::Sqlite(tx) => {
            sqlx::query(
                "INSERT INTO timers (stream_id, fire_at, command, armed_by, armed_at) \
                 VALUES (?, ?, ?, ?, ?) ON CONFLICT (stream_id) DO UPDATE SET \
                 fire_at = excluded.fire_at, command = excluded.command, \
                 armed_by = excluded.armed_by, armed_at = excluded.armed_at",
            )
            .bind(timer.stream.as_str())
            .bind(sqlite_time(timer.fire_at))
            .bind(command.to_string())
            .bind(timer.armed_by.as_bytes().as_slice())
            .bind(sqlite_time(Utc::now()))
            .execute(&mut **tx)
            .await?;
        }
    }
    tx.commit().await
}

/// Deletes the timer of `stream`; with `armed_by`, only if that event's arming is still the one
/// stored (a timer re-armed meanwhile is kept).
pub async fn delete_timer(
    store: &dyn EventStore,
    stream: &StreamId,
    armed_by: Option<Uuid>,
) -> Result<(), StoreError> {
    let mut tx = store.begin_read_model_tx().await?;
    match (&mut tx, armed_by) {
        (ReadModelTx::Postgres(tx), None) => {
            sqlx::query("DELETE FROM event_store.timers WHERE stream_id = $1")
                .bind(stream.as_str())
                .execute(&mut **tx)
                .await?;
        }
        (ReadModelTx::Postgres(tx), Some(armed_by)) => {
            sqlx::query("DELETE FROM event_store.timers WHERE stream_id = $1 AND armed_by = $2")
                .bind(stream.as_str())
                .bind(armed_by)
                .execute(&mut **tx)
                .await?;
        }
        (ReadModelTx::Sqlite(tx), None) => {
            sqlx::query("DELETE FROM timers WHERE stream_id = ?")
                .bind(stream.as_str())
                .execute(&mut **tx)
                .await?;
        }
        (ReadModelTx::Sqlite(tx), Some(armed_by)) => {
            sqlx::query("DELETE FROM timers WHERE stream_id = ? AND armed_by = ?")
                .bind(stream.as_str())
                .bind(armed_by.as_bytes().as_slice())
                .execute(&mut **tx)
                .await?;
        }
    }
    tx.commit().await
}

/// A timers row as read, each column parsed or with the reason it could not be.
type RawTimerRow =
    (String, Result<DateTime<Utc>, String>, Result<serde_json::Value, String>, Option<Uuid>);

/// Every stored timer, earliest first. A row that cannot be read is skipped with a WARN (it
/// names the stream), so one bad row cannot keep every other deadline from being re-armed.
pub async fn load_timers(store: &dyn EventStore) -> Result<Vec<ArmedTimer>, StoreError> {
    let mut tx = store.begin_read_model_tx().await?;
    let rows: Vec<RawTimerRow> = match &mut tx {
        ReadModelTx::Postgres(tx) => {
            let rows: Vec<(String, DateTime<Utc>, serde_json::Value, Uuid)> = sqlx::query_as(
                "SELECT stream_id, fire_at, command, armed_by FROM event_store.timers",
            )
            .fetch_all(&mut **tx)
            .await?;
            rows.into_iter().map(|(s, at, c, by)| (s, Ok(at), Ok(c), Some(by))).collect()
        }
        ReadModelTx::Sqlite(tx) => {
            let rows: Vec<(String, String, String, Vec<u8>)> =
                sqlx::query_as("SELECT stream_id, fire_at, command, armed_by FROM timers")
                    .fetch_all(&mut **tx)
                    .await?;
            rows.into_iter()
                .map(|(s, at, c, by)| {
                    let at = DateTime::parse_from_rfc3339(&at)
                        .map(|t| t.with_timezone(&Utc))
                        .map_err(|e| e.to_string());
                    let c = serde_json::from_str(&c).map_err(|e| e.to_string());
                    (s, at, c, Uuid::from_slice(&by).ok())
                })
                .collect()
        }
    };
    tx.rollback().await?;
    let mut timers = Vec::with_capacity(rows.len());
    for (stream, fire_at, command, armed_by) in rows {
        let parsed = (|| {
            let stream: StreamId =
                stream.parse().map_err(|e: crate::store::StreamIdError| e.to_string())?;
            let command: TimerCommand =
                serde_json::from_value(command?).map_err(|e| e.to_string())?;
            let armed_by = armed_by.ok_or("the arming event id is not a UUID")?;
            Ok::<_, String>(ArmedTimer { stream, fire_at: fire_at?, command, armed_by })
        })();
        match parsed {
            Ok(timer) => timers.push(timer),
            Err(reason) => tracing::warn!(
                stream.id = %stream, reason, "an unreadable timer row is skipped"
            ),
        }
    }
    timers.sort_by_key(|t| t.fire_at);
    Ok(timers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_is_rounded_up_to_the_microsecond_never_down() {
        let exact = DateTime::parse_from_rfc3339("2026-11-26T10:00:00.123456Z")
            .expect("a time")
            .with_timezone(&Utc);
        assert_eq!(round_up_to_micros(exact), exact);
        let finer = exact + TimeDelta::nanoseconds(1);
        assert_eq!(round_up_to_micros(finer), exact + TimeDelta::microseconds(1));
    }
}

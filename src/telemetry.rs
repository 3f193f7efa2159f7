//! Tracing set-up: one global subscriber per process, readable lines by default or JSON lines
//! when `telemetry.format = "json"`. The filter comes from `RUST_LOG` when set, else from
//! `telemetry.filter`.
use std::sync::OnceLock;

use tracing::Subscriber;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::config::{LogFormat, TelemetrySettings};

/// Why telemetry could not start.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The filter directive (from `RUST_LOG` or `telemetry.filter`) does not parse.
    #[error("log filter `{filter}` from {source_name} is invalid: {reason}")]
    InvalidFilter {
        /// The directive as given.
        filter: String,
        /// `RUST_LOG` or `telemetry.filter`.
        source_name: &'static str,
        /// The parser's complaint.
        reason: String,
    },
    /// The global subscriber could not be installed (a bad filter on the first call, or another
    /// subscriber installed by someone else first).
    #[error("cannot install the tracing subscriber: {0}")]
    Init(String),
}

/// Builds a subscriber writing to `writer`; tests pass their own sink.
pub fn subscriber<W>(
    settings: &TelemetrySettings,
    writer: W,
) -> Result<Box<dyn Subscriber + Send + Sync>, TelemetryError>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = filter(settings)?;
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer);
    Ok(match settings.format {
        LogFormat::Human => Box::new(builder.finish()),
        LogFormat::Json => {
            Box::new(builder.json().flatten_event(true).with_current_span(true).finish())
        }
    })
}

/// Installs the global subscriber writing to stderr. Only the first call installs; later calls
/// return its outcome, so tests and the binary can all call it.
pub fn init(settings: &TelemetrySettings) -> Result<(), TelemetryError> {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    let outcome = INSTALLED.get_or_init(|| {
        let subscriber = subscriber(settings, std::io::stderr).map_err(|e| e.to_string())?;
        tracing::subscriber::set_global_default(subscriber).map_err(|e| e.to_string())
    });
    outcome.clone().map_err(TelemetryError::Init)
}

fn filter(settings: &TelemetrySettings) -> Result<EnvFilter, TelemetryError> {
    let (directive, source_name) = match std::env::var("RUST_LOG") {
        Ok(value) if !value.trim().is_empty() => (value, "RUST_LOG"),
        _ => (settings.filter.clone(), "telemetry.filter"),
    };
    EnvFilter::try_new(&directive).map_err(|e| TelemetryError::InvalidFilter {
        filter: directive,
        source_name,
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A sink that keeps what was written.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("sink lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    #[test]
    fn json_format_writes_one_json_object_per_line() {
        let sink = Captured::default();
        let settings = TelemetrySettings { format: LogFormat::Json, filter: "info".into() };
        let subscriber = subscriber(&settings, sink.clone()).expect("valid filter");
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(stream.id = "game-1", "appended");
        });
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let line: serde_json::Value = serde_json::from_str(text.trim()).expect("a JSON line");
        assert_eq!(line["message"], "appended");
        assert_eq!(line["stream.id"], "game-1");
    }

    #[test]
    fn an_invalid_filter_is_reported_with_its_source() {
        if std::env::var("RUST_LOG").is_ok() {
            return; // RUST_LOG would win over the configured filter.
        }
        let settings = TelemetrySettings { format: LogFormat::Human, filter: "=[bad".into() };
        let err = subscriber(&settings, std::io::sink).err().expect("rejected");
        assert!(err.to_string().contains("telemetry.filter"), "{err}");
    }
}

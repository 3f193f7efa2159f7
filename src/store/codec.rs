//! The codec turns typed domain events into stored JSON and back. Events serialize adjacently
//! tagged (`{"type": .., "data": ..}`); the codec stores `type` and `data` in their own columns
//! with the schema version the code writes, and on read runs upcasters, keyed by (type, version),
//! that rewrite old data one version at a time until it has the current shape.
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use serde_json::{Map, Value};
use uuid::Uuid;

use super::{CodecError, Metadata, NewEvent, RecordedEvent};
use crate::domain::DomainEvent;

/// Rewrites one type's data from schema version `n` to `n + 1`; `Err` explains why the data
/// cannot be upgraded.
pub type UpcastFn = Box<dyn Fn(Value) -> Result<Value, String> + Send + Sync>;

/// Encoder and decoder for the events of one aggregate, `E`.
pub struct Codec<E> {
    upcasters: HashMap<(String, u32), UpcastFn>,
    events: PhantomData<fn() -> E>,
}

impl<E> fmt::Debug for Codec<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut keys: Vec<_> = self.upcasters.keys().collect();
        keys.sort();
        f.debug_struct("Codec").field("upcasters", &keys).finish()
    }
}

impl<E: DomainEvent> Default for Codec<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: DomainEvent> Codec<E> {
    /// A codec without upcasters.
    pub fn new() -> Self {
        Self { upcasters: HashMap::new(), events: PhantomData }
    }

    /// Registers the upcaster that rewrites `event_type` data from `from_version` to
    /// `from_version + 1`. Chains run in order: v1 -> v2 -> v3 ...
    pub fn with_upcaster(
        mut self,
        event_type: &str,
        from_version: u32,
        upcast: impl Fn(Value) -> Result<Value, String> + Send + Sync + 'static,
    ) -> Self {
        self.upcasters.insert((event_type.to_owned(), from_version), Box::new(upcast));
        self
    }

    /// Turns a typed event into a new event with a fresh, time-ordered id.
    pub fn encode(&self, event: &E, metadata: Metadata) -> Result<NewEvent, CodecError> {
        let event_type = event.event_type();
        let encode_error =
            |reason: String| CodecError::Encode { event_type: event_type.to_owned(), reason };
        let mut object = match serde_json::to_value(event) {
            Ok(Value::Object(object)) => object,
            Ok(other) => return Err(encode_error(format!("expected a JSON object, got {other}"))),
            Err(e) => return Err(encode_error(e.to_string())),
        };
        match object.get("type") {
            Some(Value::String(tag)) if tag == event_type => {}
            tag => {
                return Err(encode_error(format!(
                    "the serialized `type` tag {tag:?} differs from event_type(); serialize the \
                     enum with #[serde(tag = \"type\", content = \"data\")]"
                )))
            }
        }
        Ok(NewEvent {
            event_id: Uuid::now_v7(),
            event_type: event_type.to_owned(),
            schema_version: event.schema_version(),
            // A unit variant has no `data`; store JSON null for it.
            data: object.remove("data").unwrap_or(Value::Null),
            metadata,
        })
    }

    /// Turns a recorded event back into a typed one, upcasting old data first.
    pub fn decode(&self, recorded: &RecordedEvent) -> Result<E, CodecError> {
        let mut version = recorded.schema_version;
        let mut data = recorded.data.clone();
        while let Some(upcast) = self.upcasters.get(&(recorded.event_type.clone(), version)) {
            data = upcast(data).map_err(|reason| CodecError::Upcast {
                stream: recorded.stream_id.clone(),
                version: recorded.stream_version,
                event_type: recorded.event_type.clone(),
                from_version: version,
                reason,
            })?;
            version += 1;
        }
        let mut tagged = Map::new();
        tagged.insert("type".into(), Value::String(recorded.event_type.clone()));
        if !data.is_null() {
            tagged.insert("data".into(), data);
        }
        let event: E = serde_json::from_value(Value::Object(tagged)).map_err(|source| {
            // serde has no typed "unknown variant" error; its message is stable across versions.
            // A field holding an unknown variant of some inner enum says "unknown variant" too,
            // so the type alone is read again, without data, to tell the two apart.
            let unknown_type = source.to_string().starts_with("unknown variant")
                && serde_json::from_value::<E>(serde_json::json!({ "type": recorded.event_type }))
                    .is_err_and(|alone| alone.to_string().starts_with("unknown variant"));
            if unknown_type {
                CodecError::UnknownType {
                    stream: recorded.stream_id.clone(),
                    version: recorded.stream_version,
                    event_type: recorded.event_type.clone(),
                }
            } else {
                CodecError::Data {
                    stream: recorded.stream_id.clone(),
                    version: recorded.stream_version,
                    event_type: recorded.event_type.clone(),
                    schema_version: recorded.schema_version,
                    source,
                }
            }
        })?;
        if event.schema_version() != version {
            return Err(CodecError::MissingUpcaster {
                stream: recorded.stream_id.clone(),
                version: recorded.stream_version,
                event_type: recorded.event_type.clone(),
                reached: version,
                current: event.schema_version(),
            });
        }
        Ok(event)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::domain::GameId;
    use crate::store::StreamId;

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(tag = "type", content = "data")]
    enum Happened {
        Opened,
        Renamed { name: String },
    }

    impl DomainEvent for Happened {
        fn event_type(&self) -> &'static str {
            match self {
                Happened::Opened => "Opened",
                Happened::Renamed { .. } => "Renamed",
            }
        }
        fn schema_version(&self) -> u32 {
            match self {
                Happened::Opened => 1,
                Happened::Renamed { .. } => 2,
            }
        }
    }

    fn recorded(new: NewEvent) -> RecordedEvent {
        RecordedEvent {
            position: 1,
            stream_id: StreamId::game(GameId(Uuid::nil())),
            stream_version: 3,
            event_id: new.event_id,
            event_type: new.event_type,
            schema_version: new.schema_version,
            data: new.data,
            metadata: new.metadata,
            recorded_at: Utc::now(),
        }
    }

    #[test]
    fn unit_and_struct_variants_round_trip() {
        let codec = Codec::<Happened>::new().with_upcaster("Renamed", 1, Ok);
        for event in [Happened::Opened, Happened::Renamed { name: "Ünïcode 🎲".into() }] {
            let new = codec.encode(&event, Metadata::origin(Uuid::nil())).unwrap();
            assert_eq!(new.event_type, event.event_type());
            assert_eq!(codec.decode(&recorded(new)).unwrap(), event);
        }
    }

    #[test]
    fn old_data_without_an_upcaster_names_the_missing_step() {
        let codec = Codec::<Happened>::new();
        let mut new = codec
            .encode(&Happened::Renamed { name: "a".into() }, Metadata::origin(Uuid::nil()))
            .unwrap();
        new.schema_version = 1;
        let err = codec.decode(&recorded(new)).unwrap_err();
        assert!(matches!(err, CodecError::MissingUpcaster { reached: 1, current: 2, .. }), "{err}");
    }
}

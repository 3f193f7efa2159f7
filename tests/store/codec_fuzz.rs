//! Hostile stored data through the decoder, many cases each, with the codecs the engine uses:
//! random bytes and random JSON where an event's data should be, truncated JSON, unknown type
//! names, unknown schema versions and fields of the wrong shape. Nothing garbled ever decodes
//! into an event, and every refusal names the stream, the version and the type. The valid
//! events come from the pinned snapshots of every event variant (`src/domain/*/snapshots`), the
//! persisted contract itself. No database: the decoder is the part under test, and the step
//! before it (text to JSON) is the same `serde_json` parse the SQLite backend runs.
use std::path::Path;
use std::sync::OnceLock;

use chrono::Utc;
use gamebot::domain::game::GameEvent;
use gamebot::domain::guild::GuildEvent;
use gamebot::domain::player::PlayerEvent;
use gamebot::domain::team::TeamEvent;
use gamebot::domain::{DomainEvent, GameId, GuildId, TeamId, UserId};
use gamebot::store::{Codec, CodecError, Metadata, RecordedEvent, StreamId};
use proptest::prelude::*;
use serde_json::Value;

/// Fields added after their event was first stored, with a serde default that old events read
/// as (`README.md`, "Schema versions bump only for changes old data cannot be read as"): left
/// out, they decode to the default rather than to nothing.
const DEFAULTED: &[(&str, &str)] = &[("GameCreated", "timeouts"), ("GameEnded", "reason")];
use uuid::Uuid;

/// Cases per property: enough to reach the rare branches, fast enough for CI.
const CASES: u32 = 4_096;

/// The schema version every event type is written at today (the snapshots pin it).
const CURRENT_VERSION: u32 = 1;

/// Which aggregate's codec reads a sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Aggregate {
    Game,
    Team,
    Player,
    Guild,
}

impl Aggregate {
    fn stream(self) -> StreamId {
        match self {
            Aggregate::Game => StreamId::game(GameId(Uuid::from_u128(1))),
            Aggregate::Team => StreamId::team(GuildId(7), TeamId(Uuid::from_u128(0xa))),
            Aggregate::Player => StreamId::player(GuildId(7), UserId(101)),
            Aggregate::Guild => StreamId::guild(GuildId(7)),
        }
    }

    /// Decodes with this aggregate's codec; on success, the data the decoded event encodes to.
    fn decode(self, recorded: &RecordedEvent) -> Result<Value, CodecError> {
        match self {
            Aggregate::Game => canonical::<GameEvent>(recorded),
            Aggregate::Team => canonical::<TeamEvent>(recorded),
            Aggregate::Player => canonical::<PlayerEvent>(recorded),
            Aggregate::Guild => canonical::<GuildEvent>(recorded),
        }
    }
}

fn canonical<E: DomainEvent>(recorded: &RecordedEvent) -> Result<Value, CodecError> {
    let codec = Codec::<E>::new();
    let event = codec.decode(recorded)?;
    Ok(codec.encode(&event, Metadata::origin(Uuid::nil())).expect("a decoded event encodes").data)
}

/// One valid stored event.
#[derive(Clone, Debug)]
struct Sample {
    aggregate: Aggregate,
    event_type: String,
    data: Value,
}

impl Sample {
    fn recorded(&self, event_type: &str, schema_version: u32, data: Value) -> RecordedEvent {
        RecordedEvent {
            position: 42,
            stream_id: self.aggregate.stream(),
            stream_version: 17,
            event_id: Uuid::nil(),
            event_type: event_type.to_owned(),
            schema_version,
            data,
            metadata: Metadata::origin(Uuid::nil()),
            recorded_at: Utc::now(),
        }
    }

    fn decode(
        &self,
        event_type: &str,
        schema_version: u32,
        data: Value,
    ) -> Result<Value, CodecError> {
        self.aggregate.decode(&self.recorded(event_type, schema_version, data))
    }
}

/// Every event variant's pinned JSON, read from the insta snapshots.
fn corpus() -> &'static [Sample] {
    static SAMPLES: OnceLock<Vec<Sample>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain");
        let mut samples = Vec::new();
        for (folder, aggregate) in [
            ("game", Aggregate::Game),
            ("team", Aggregate::Team),
            ("player", Aggregate::Player),
            ("guild", Aggregate::Guild),
        ] {
            let dir = root.join(folder).join("snapshots");
            for entry in std::fs::read_dir(&dir).expect("the snapshots folder") {
                let path = entry.expect("a snapshot").path();
                let text = std::fs::read_to_string(&path).expect("a readable snapshot");
                // `---` header `---` body: the body is the serialized value.
                let body = text.splitn(3, "---\n").nth(2).expect("an insta snapshot");
                let json: Value = serde_json::from_str(body).expect("snapshot JSON");
                let Some(event_type) = json.get("type").and_then(Value::as_str) else {
                    continue; // not an event (the options of every mode)
                };
                samples.push(Sample {
                    aggregate,
                    event_type: event_type.to_owned(),
                    data: json.get("data").cloned().unwrap_or(Value::Null),
                });
            }
        }
        samples.sort_by(|a, b| a.event_type.cmp(&b.event_type));
        samples
    })
}

/// The type names an aggregate knows.
fn known_types(aggregate: Aggregate) -> Vec<&'static str> {
    corpus().iter().filter(|s| s.aggregate == aggregate).map(|s| s.event_type.as_str()).collect()
}

/// Every field name the real events use, to steer random JSON towards real shapes.
fn field_names() -> Vec<String> {
    let mut names: Vec<String> = corpus()
        .iter()
        .filter_map(|s| s.data.as_object())
        .flat_map(|o| o.keys().cloned())
        .collect();
    names.sort();
    names.dedup();
    names
}

fn sample() -> impl Strategy<Value = Sample> {
    prop::sample::select(corpus().to_vec())
}

/// Any JSON value, with object keys often taken from the real events' fields.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter_map("finite", |x| serde_json::Number::from_f64(x).map(Value::Number)),
        "\\PC{0,12}".prop_map(Value::String),
        Just(Value::String("00000000-0000-0000-0000-00000000000a".into())),
        Just(Value::String("2026-01-01T12:00:00Z".into())),
    ];
    let key = prop_oneof![prop::sample::select(field_names()), "[a-z_]{0,10}"];
    leaf.prop_recursive(3, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..8)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// A refusal names where the event is and what it claims to be.
fn assert_names_the_event(
    error: &CodecError,
    sample: &Sample,
    event_type: &str,
) -> Result<(), TestCaseError> {
    let message = error.to_string();
    let stream = sample.aggregate.stream();
    prop_assert!(message.contains(&format!("{stream}@17")), "{}", message);
    let quoted = format!("`{event_type}`");
    prop_assert!(message.contains(&quoted), "{}", message);
    if let CodecError::Data { source, .. } = error {
        prop_assert!(!source.to_string().trim().is_empty(), "serde said why: {}", message);
    }
    Ok(())
}

/// Whether `data` is the stored form `canonical` of an event, allowing what the decoder
/// deliberately tolerates: an optional field left out reads as empty, and a field it does not
/// know is ignored (what a newer writer may add). Every field the event has must be there with
/// its value.
fn is_stored_form(canonical: &Value, data: &Value) -> bool {
    match (canonical, data) {
        (Value::Object(full), Value::Object(given)) => {
            full.iter().all(|(k, v)| match given.get(k) {
                Some(g) => is_stored_form(v, g),
                None => v.is_null(),
            })
        }
        (Value::Array(full), Value::Array(given)) => {
            full.len() == given.len() && full.iter().zip(given).all(|(f, g)| is_stored_form(f, g))
        }
        (full, given) => full == given,
    }
}

/// Garbage decodes to an error, or to an event only when it is that event's stored form.
fn assert_no_event_from(
    sample: &Sample,
    event_type: &str,
    data: Value,
) -> Result<(), TestCaseError> {
    match sample.decode(event_type, CURRENT_VERSION, data.clone()) {
        Ok(canonical) => prop_assert!(
            is_stored_form(&canonical, &data),
            "garbage {} decoded as a `{}`: {}",
            data,
            event_type,
            canonical
        ),
        Err(error) => {
            prop_assert!(
                matches!(error, CodecError::Data { .. } | CodecError::UnknownType { .. }),
                "{:?}",
                error
            );
            assert_names_the_event(&error, sample, event_type)?;
        }
    }
    Ok(())
}

/// The JSON kind of a value, for retyping a field.
fn kind(value: &Value) -> u8 {
    match value {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }
}

#[test]
fn an_unknown_value_of_an_inner_enum_is_misshapen_data_not_an_unknown_type() {
    // Found by `a_field_of_the_wrong_shape_or_missing_is_refused`: serde reports a bad name
    // origin as an "unknown variant", which the codec took for an unknown event type.
    let renamed = corpus().iter().find(|s| s.event_type == "TeamRenamed").expect("a sample");
    for origin in [serde_json::json!("legacy"), serde_json::json!({ "chosen2": 1 })] {
        let mut data = renamed.data.clone();
        data["old_origin"] = origin.clone();
        let error = renamed.decode("TeamRenamed", CURRENT_VERSION, data).unwrap_err();
        assert!(matches!(error, CodecError::Data { .. }), "{origin}: {error:?}");
        assert!(error.to_string().contains("`TeamRenamed`"), "{error}");
    }
}

#[test]
fn every_pinned_event_decodes_to_its_own_stored_form() {
    let samples = corpus();
    for aggregate in [Aggregate::Game, Aggregate::Team, Aggregate::Player, Aggregate::Guild] {
        assert!(known_types(aggregate).len() >= 4, "{aggregate:?}: {:?}", known_types(aggregate));
    }
    assert!(samples.len() >= 30, "every variant of every aggregate: {}", samples.len());
    for sample in samples {
        let decoded = sample.decode(&sample.event_type, CURRENT_VERSION, sample.data.clone());
        assert_eq!(decoded.ok().as_ref(), Some(&sample.data), "{} decodes", sample.event_type);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn random_bytes_as_data_never_decode_into_an_event(
        sample in sample(),
        bytes in prop::collection::vec(any::<u8>(), 0..48),
    ) {
        // The store parses the column first; bytes that are not JSON stop there.
        if let Ok(data) = serde_json::from_slice::<Value>(&bytes) {
            assert_no_event_from(&sample, &sample.event_type, data)?;
        }
    }

    #[test]
    fn random_json_as_data_never_decodes_into_an_event(sample in sample(), data in json()) {
        assert_no_event_from(&sample, &sample.event_type, data)?;
    }

    #[test]
    fn truncated_data_is_never_json_let_alone_an_event(
        sample in sample(),
        cut in any::<prop::sample::Index>(),
    ) {
        let text = serde_json::to_string(&sample.data).expect("serializes");
        let boundaries: Vec<usize> = (0..text.len()).filter(|i| text.is_char_boundary(*i)).collect();
        let at = *cut.get(&boundaries);
        let parsed = serde_json::from_str::<Value>(&text[..at]);
        prop_assert!(parsed.is_err(), "{:?} parsed", &text[..at]);
        let error = parsed.unwrap_err().to_string();
        prop_assert!(!error.is_empty());
    }

    #[test]
    fn an_unknown_type_is_refused_by_name(
        sample in sample(),
        name in prop_oneof!["[A-Z][A-Za-z]{0,20}", "\\PC{0,16}"],
    ) {
        prop_assume!(!known_types(sample.aggregate).contains(&name.as_str()));
        let error = sample.decode(&name, CURRENT_VERSION, sample.data.clone()).unwrap_err();
        prop_assert!(
            matches!(&error, CodecError::UnknownType { event_type, .. } if *event_type == name),
            "{:?}",
            error
        );
        assert_names_the_event(&error, &sample, &name)?;
    }

    #[test]
    fn an_unknown_schema_version_is_refused_naming_both_versions(
        sample in sample(),
        version in any::<u32>(),
    ) {
        prop_assume!(version != CURRENT_VERSION);
        let error = sample.decode(&sample.event_type, version, sample.data.clone()).unwrap_err();
        match &error {
            CodecError::MissingUpcaster { reached, current, .. } => {
                prop_assert_eq!((*reached, *current), (version, CURRENT_VERSION));
                let message = error.to_string();
                let versions = format!("schema v{version} but the code reads v{CURRENT_VERSION}");
                prop_assert!(message.contains(&versions), "{}", message);
            }
            other => prop_assert!(false, "not a missing upcaster: {:?}", other),
        }
        assert_names_the_event(&error, &sample, &sample.event_type)?;
    }

    #[test]
    fn a_field_of_the_wrong_shape_or_missing_is_refused(
        sample in sample(),
        field in any::<prop::sample::Index>(),
        replacement in json(),
        remove in any::<bool>(),
    ) {
        let Some(object) = sample.data.as_object() else { return Ok(()) };
        prop_assume!(!object.is_empty());
        let keys: Vec<&String> = object.keys().collect();
        let key = field.get(&keys).to_string();
        let original = object[&key].clone();
        let mut mutated = object.clone();
        if remove {
            mutated.remove(&key);
        } else {
            // Only a change of JSON kind is sure to be wrong: a null (an empty option) may
            // hold many things, and serde reads a struct from an array of its fields too.
            let (from, to) = (kind(&original), kind(&replacement));
            prop_assume!(from != 0 && to != 0 && from != to && !(from == 5 && to == 4));
            mutated.insert(key.clone(), replacement);
        }
        let mutated = Value::Object(mutated);
        match sample.decode(&sample.event_type, CURRENT_VERSION, mutated.clone()) {
            // Only an optional field may be left out (it reads as empty); a retyped field never
            // decodes.
            Ok(canonical) => {
                prop_assert!(remove, "{} with {} retyped decoded", sample.event_type, key);
                if DEFAULTED.contains(&(sample.event_type.as_str(), key.as_str())) {
                    // Added later with a default that events stored before it read as.
                    prop_assert!(!canonical[&key].is_null(), "{} reads as its default", key);
                } else {
                    prop_assert!(canonical[&key].is_null(), "{} is optional", key);
                    prop_assert!(is_stored_form(&canonical, &mutated));
                }
            }
            Err(error) => {
                prop_assert!(matches!(error, CodecError::Data { .. }), "{:?}", error);
                assert_names_the_event(&error, &sample, &sample.event_type)?;
            }
        }
    }
}

//! Typed events through the store: round trips with metadata, upcasting old data on read, and
//! clear errors for rows the code cannot read.
use gamebot::domain::{DomainEvent, GuildId, UserId};
use gamebot::store::{CodecError, ExpectedVersion, Metadata, ReadModelTx, StoreError};
use uuid::Uuid;

use crate::helpers::{codec, new_stream, raw_execute, TestEvent};

store_test!(typed_events_round_trip_with_their_metadata, |store| async move {
    // Arrange
    let codec = codec();
    let stream = new_stream();
    let metadata = Metadata {
        correlation_id: Uuid::new_v4(),
        causation_id: Uuid::new_v4(),
        actor_id: Some(UserId(80_351_110_224_678_912)),
        source_id: Some("message-1234".into()),
        guild_id: Some(GuildId(41_771_983_423_143_937)),
    };
    let events = vec![
        TestEvent::Opened,
        TestEvent::WordPlayed { word: "apple".into(), score: 3 },
        TestEvent::NoteTaken { text: "done".into() },
    ];
    let new: Vec<_> =
        events.iter().map(|e| codec.encode(e, metadata.clone()).expect("encodes")).collect();
    let ids: Vec<Uuid> = new.iter().map(|e| e.event_id).collect();

    // Act
    let outcome = store.append(&stream, ExpectedVersion::NoStream, new).await.unwrap();
    let recorded = store.read_stream(&stream, 0).await.unwrap();

    // Assert
    let decoded: Vec<TestEvent> = recorded.iter().map(|r| codec.decode(r).unwrap()).collect();
    assert_eq!(decoded, events);
    for (i, r) in recorded.iter().enumerate() {
        assert_eq!(r.metadata, metadata);
        assert_eq!(r.event_id, ids[i]);
        assert_eq!(r.stream_id, stream);
        assert_eq!(r.stream_version, i as u64 + 1);
        assert_eq!(r.event_type, events[i].event_type());
    }
    assert_eq!(recorded[1].schema_version, 2);
    assert_eq!(recorded[0].position, outcome.first_position);
    assert_eq!(recorded[2].position, outcome.last_position);
    let age = chrono::Utc::now() - recorded[0].recorded_at;
    assert!(age < chrono::Duration::minutes(1), "recorded_at is now-ish: {age}");
});

store_test!(an_upcaster_rewrites_v1_data_to_the_current_shape_on_read, |store| async move {
    // Arrange: a WordPlayed written by older code, at schema v1 without `score`.
    let codec = codec();
    let stream = new_stream();
    let mut old = codec
        .encode(
            &TestEvent::WordPlayed { word: "pear".into(), score: 0 },
            Metadata::origin(Uuid::nil()),
        )
        .unwrap();
    old.schema_version = 1;
    old.data = serde_json::json!({ "word": "pear" });
    store.append(&stream, ExpectedVersion::NoStream, vec![old]).await.unwrap();

    // Act
    let recorded = store.read_stream(&stream, 0).await.unwrap();
    let decoded = codec.decode(&recorded[0]);
    let without_upcaster = gamebot::store::Codec::<TestEvent>::new().decode(&recorded[0]);

    // Assert
    assert_eq!(recorded[0].schema_version, 1, "the stored row is never rewritten");
    assert_eq!(decoded.unwrap(), TestEvent::WordPlayed { word: "pear".into(), score: 1 });
    assert!(
        matches!(
            without_upcaster,
            Err(CodecError::Data { .. } | CodecError::MissingUpcaster { .. })
        ),
        "{without_upcaster:?}"
    );
});

store_test!(
    unknown_types_and_corrupt_rows_are_errors_naming_stream_version_and_type,
    |store| async move {
        // Arrange: rows written behind the store's back (the one test allowed to do so).
        let codec = codec();
        let stream = new_stream();
        let broken = new_stream();
        let good_meta = serde_json::to_string(&Metadata::origin(Uuid::nil())).unwrap();
        let mut tx = store.begin_read_model_tx().await.unwrap();
        let is_sqlite = matches!(tx, ReadModelTx::Sqlite(_));
        for s in [stream.as_str(), broken.as_str()] {
            raw_execute(
            &mut tx,
            "INSERT INTO event_store.streams (stream_id, stream_type, version) VALUES ($1, 'game', 2)",
            "INSERT INTO streams (stream_id, stream_type, version) VALUES (?, 'game', 2)",
            &[s],
        )
        .await;
        }
        let rows = [
            (stream.as_str(), "1", "NoSuchEvent", "{}", good_meta.as_str()),
            (stream.as_str(), "2", "WordPlayed", r#"{"wrong": true}"#, good_meta.as_str()),
            (broken.as_str(), "1", "Opened", "null", r#""not an envelope""#),
            (
                broken.as_str(),
                "2",
                "NoteTaken",
                if is_sqlite { "{not json" } else { "{}" },
                good_meta.as_str(),
            ),
        ];
        for (i, (s, version, event_type, data, metadata)) in rows.into_iter().enumerate() {
            let index = i.to_string();
            let event_id = Uuid::new_v4().to_string();
            raw_execute(
            &mut tx,
            "INSERT INTO event_store.events (position, transaction_id, event_id, stream_id, \
               stream_version, event_type, schema_version, data, metadata) \
             VALUES (pg_current_xact_id()::text::bigint * 65536 + $1::bigint, pg_current_xact_id(), \
               $2::uuid, $3, $4::bigint, $5, 1, $6::jsonb, $7::jsonb)",
            "INSERT INTO events (position, event_id, stream_id, stream_version, event_type, \
               schema_version, data, metadata, recorded_at) \
             VALUES (? + 1, unhex(replace(?, '-', '')), ?, CAST(? AS INTEGER), ?, 1, ?, ?, \
               '2026-11-26T00:00:00.000000Z')",
            &[&index, &event_id, s, version, event_type, data, metadata],
        )
        .await;
        }
        tx.commit().await.unwrap();

        // Act
        let readable = store.read_stream(&stream, 0).await.expect("the envelope is intact");
        let unknown = codec.decode(&readable[0]).unwrap_err();
        let misshapen = codec.decode(&readable[1]).unwrap_err();
        let corrupt_metadata = store.read_stream(&broken, 0).await.unwrap_err();
        let corrupt_data = store.read_stream(&broken, 2).await;

        // Assert
        assert!(matches!(unknown, CodecError::UnknownType { .. }), "{unknown:?}");
        let message = unknown.to_string();
        assert!(
            message.contains(stream.as_str())
                && message.contains("@1")
                && message.contains("NoSuchEvent"),
            "{message}"
        );
        let message = misshapen.to_string();
        assert!(matches!(misshapen, CodecError::Data { .. }), "{misshapen:?}");
        assert!(
            message.contains(stream.as_str())
                && message.contains("@2")
                && message.contains("WordPlayed"),
            "{message}"
        );
        let message = corrupt_metadata.to_string();
        assert!(matches!(corrupt_metadata, StoreError::Corrupt { .. }), "{corrupt_metadata:?}");
        assert!(
            message.contains(broken.as_str())
                && message.contains("@1")
                && message.contains("Opened"),
            "{message}"
        );
        if is_sqlite {
            let message = corrupt_data.expect_err("invalid JSON text").to_string();
            assert!(
                message.contains("@2")
                    && message.contains("NoteTaken")
                    && message.contains("not valid JSON"),
                "{message}"
            );
        } else {
            assert!(corrupt_data.is_ok(), "jsonb cannot hold invalid JSON");
        }
        // read_all shows a row once every older transaction in the cluster has finished.
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match store.read_all(0, 10).await {
                Err(StoreError::Corrupt { .. }) => break,
                Ok(events) if events.len() < 3 && tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                other => panic!("read_all should report the corrupt row, got {other:?}"),
            }
        }
    }
);

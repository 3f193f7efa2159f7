//! Reading: whole streams however long, the global log followed while writers commit
//! concurrently, and payloads that stress encoding and size.
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use gamebot::store::{ExpectedVersion, Metadata, StreamId};
use uuid::Uuid;

use crate::helpers::{codec, new_stream, notes, wait_until_visible, TestEvent};

/// Writers in the concurrent follower test.
const WRITERS: usize = 8;
/// Events each writer appends.
const EVENTS_PER_WRITER: usize = 1_000;
/// Events per append: small, so the writers' transactions interleave often.
const WRITER_BATCH: usize = 5;

store_test!(
    a_follower_of_read_all_sees_every_concurrent_event_once_in_position_order,
    |store| async move {
        // Arrange
        let mut appends = store.watch_appends();
        let writers: Vec<_> = (0..WRITERS)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    let stream = new_stream();
                    let mut ids = Vec::new();
                    for _ in 0..EVENTS_PER_WRITER / WRITER_BATCH {
                        let batch = notes(WRITER_BATCH);
                        ids.extend(batch.iter().map(|e| e.event_id));
                        store.append(&stream, ExpectedVersion::Any, batch).await.expect("append");
                    }
                    (stream, ids)
                })
            })
            .collect();

        // Act: follow the log the way a subscriber does, while the writers run.
        let expected_total = WRITERS * EVENTS_PER_WRITER;
        let mut after = 0;
        let mut seen: Vec<(i64, StreamId, u64, Uuid)> = Vec::with_capacity(expected_total);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while seen.len() < expected_total {
            assert!(
                tokio::time::Instant::now() < deadline,
                "follower stalled at {} events",
                seen.len()
            );
            let batch = store.read_all(after, 300).await.expect("read_all");
            if batch.is_empty() {
                let writers_done = writers.iter().all(|w| w.is_finished());
                if writers_done && *appends.borrow() <= after {
                    // Read past the last appended position: a shortfall now means skipped events.
                    break;
                }
                if *appends.borrow_and_update() > after {
                    // Committed but held behind an older in-flight transaction: look again shortly.
                    tokio::time::sleep(Duration::from_millis(2)).await;
                } else {
                    let _ =
                        tokio::time::timeout(Duration::from_millis(500), appends.changed()).await;
                }
                continue;
            }
            for event in batch {
                assert!(event.position > after, "position {} after {after}", event.position);
                after = event.position;
                seen.push((event.position, event.stream_id, event.stream_version, event.event_id));
            }
        }
        let mut written = HashMap::new();
        for writer in writers {
            let (stream, ids) = writer.await.expect("writer finished");
            written.insert(stream, ids);
        }
        let late = store.read_all(after, 300).await.unwrap();

        // Assert
        assert_eq!(seen.len(), expected_total, "the follower skipped events");
        assert!(late.is_empty(), "{} events appeared behind the follower", late.len());
        let unique: HashSet<Uuid> = seen.iter().map(|s| s.3).collect();
        assert_eq!(unique.len(), expected_total, "every event exactly once");
        let all_written: HashSet<Uuid> = written.values().flatten().copied().collect();
        assert_eq!(unique, all_written);
        for (stream, ids) in &written {
            let in_log: Vec<(u64, Uuid)> =
                seen.iter().filter(|s| &s.1 == stream).map(|s| (s.2, s.3)).collect();
            let expected: Vec<(u64, Uuid)> =
                ids.iter().enumerate().map(|(i, id)| (i as u64 + 1, *id)).collect();
            assert_eq!(in_log, expected, "stream {stream} in version order");
        }
    }
);

store_test!(a_100k_event_stream_reads_whole_and_in_order, |store| async move {
    // Arrange
    let stream = new_stream();
    let mut version = 0;
    for _ in 0..100 {
        let outcome =
            store.append(&stream, ExpectedVersion::Exact(version), notes(1_000)).await.unwrap();
        version = outcome.stream_version;
    }

    // Act
    let events = store.read_stream(&stream, 0).await.unwrap();

    // Assert
    assert_eq!(events.len(), 100_000);
    assert!(
        events.iter().enumerate().all(|(i, e)| e.stream_version == i as u64 + 1),
        "versions run 1..=100000 without gaps"
    );
    assert!(events.windows(2).all(|w| w[0].position < w[1].position));
    let tail = store.read_stream(&stream, 99_990).await.unwrap();
    assert_eq!(tail.len(), 11);
    assert_eq!(tail[0].stream_version, 99_990);
});

store_test!(read_all_pages_through_every_stream_in_position_order, |store| async move {
    // Arrange
    let (a, b) = (new_stream(), new_stream());
    store.append(&a, ExpectedVersion::Any, notes(3)).await.unwrap();
    store.append(&b, ExpectedVersion::Any, notes(2)).await.unwrap();
    let last = store.append(&a, ExpectedVersion::Any, notes(1)).await.unwrap();
    wait_until_visible(store.as_ref(), last.last_position).await;

    // Act
    let mut pages = Vec::new();
    let mut after = 0;
    loop {
        let page = store.read_all(after, 2).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.position;
        pages.push(page);
    }

    // Assert
    let order: Vec<(StreamId, u64)> =
        pages.iter().flatten().map(|e| (e.stream_id.clone(), e.stream_version)).collect();
    let expected = vec![
        (a.clone(), 1),
        (a.clone(), 2),
        (a.clone(), 3),
        (b.clone(), 1),
        (b.clone(), 2),
        (a.clone(), 4),
    ];
    assert_eq!(order, expected);
    assert_eq!(pages.len(), 3);
    assert_eq!(store.last_position().await.unwrap(), after);
});

store_test!(unicode_and_64_kib_payloads_survive_unchanged, |store| async move {
    // Arrange
    let codec = codec();
    let stream = new_stream();
    let texts = [
        "Ünïcödé: ñandú, straße, ΑΒΓ, кириллица".to_string(),
        "emoji 🎲🧩👩🏽‍🚀 and CJK 漢字かなカナ 한국어".to_string(),
        "right-to-left עברית العربية, combining e\u{301}, quotes \"'\\ and\nnewlines\t".to_string(),
        "é".repeat(32 * 1024), // 64 KiB of UTF-8
        "x".repeat(64 * 1024),
    ];
    let events: Vec<_> = texts
        .iter()
        .map(|t| {
            codec
                .encode(&TestEvent::NoteTaken { text: t.clone() }, Metadata::origin(Uuid::new_v4()))
                .unwrap()
        })
        .collect();

    // Act
    store.append(&stream, ExpectedVersion::NoStream, events).await.unwrap();
    let recorded = store.read_stream(&stream, 0).await.unwrap();

    // Assert
    for (text, r) in texts.iter().zip(&recorded) {
        assert_eq!(codec.decode(r).unwrap(), TestEvent::NoteTaken { text: text.clone() });
    }
    assert_eq!(texts[3].len(), 64 * 1024);
});

store_test!(appends_of_any_batch_size_read_back_in_order, |store| async move {
    let cases: [(&str, &[usize]); 4] = [
        ("single events", &[1, 1, 1, 1]),
        ("growing batches", &[1, 2, 3, 5, 8, 13]),
        ("one batch past an insert chunk", &[1_001]),
        ("mixed", &[7, 1, 250, 2, 1_000, 3]),
    ];
    for (description, sizes) in cases {
        // Arrange
        let stream = new_stream();
        let mut written = Vec::new();

        // Act
        for &size in sizes {
            let batch = notes(size);
            written.extend(batch.iter().map(|e| e.event_id));
            let outcome = store.append(&stream, ExpectedVersion::Any, batch).await.unwrap();
            assert_eq!(outcome.stream_version, written.len() as u64, "{description}");
            assert!(outcome.first_position <= outcome.last_position, "{description}");
        }
        let read: Vec<Uuid> =
            store.read_stream(&stream, 0).await.unwrap().iter().map(|e| e.event_id).collect();

        // Assert
        assert_eq!(read, written, "{description}: every event, in append order");
    }
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_write_transaction_holds_readers_back_until_it_ends_on_postgres() {
    // Arrange: a read-model transaction that has written (so it has a transaction id) stays open.
    let Some(database) = crate::helpers::TestDb::postgres().await else { return };
    let (store, _) = gamebot::store::PostgresStore::connect(
        database.postgres_options().expect("PostgreSQL").clone(),
        4,
    )
    .await
    .unwrap();
    use gamebot::store::EventStore;
    let mut open = store.begin_read_model_tx().await.unwrap();
    open.save_checkpoint("slow-projection", 1).await.unwrap();
    let stream = new_stream();

    // Act
    let outcome = store.append(&stream, ExpectedVersion::Any, notes(1)).await.unwrap();
    let while_open = store.read_all(0, 10).await.unwrap();
    let version_while_open = store.stream_version(&stream).await.unwrap();
    open.rollback().await.unwrap();
    crate::helpers::wait_until_visible(&store, outcome.last_position).await;
    let after_close = store.read_all(0, 10).await.unwrap();

    // Assert
    store.close().await;
    database.drop_database().await;
    assert!(while_open.is_empty(), "a newer commit stays hidden while an older tx is open");
    assert_eq!(version_while_open, 1, "the stream itself is up to date at once");
    assert_eq!(after_close.len(), 1);
}

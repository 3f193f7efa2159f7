//! Faults of the network between the bot and Discord, one per test, each in the middle of a
//! two-round game: the fault starts right after round one's pair is dealt, so both answers of
//! round one are typed while it lasts, and round two is played after it. Every test then checks
//! that the game ended and that every message the bot produced reached its place exactly once:
//! no nonce and no text accepted twice, and none missing (both pair DMs of every round, every
//! `Got it` and `Match!`, the one `Game over`).
//!
//! Gateway: the TCP socket dropped without a close frame, INVALID_SESSION that may be resumed,
//! heartbeats left unanswered (with events still flowing, and on a connection gone silent).
//! RECONNECT and a non-resumable INVALID_SESSION are in `resilience.rs`.
//! REST: a storm of 429s (per route and global), 500s outlasting the sender's own attempts, and
//! answers held back past the client's timeout while Discord keeps the message (a channel
//! message, and a slash command's response).
use std::time::{Duration, Instant};

use crate::fake_discord::{Failure, Recorded, RouteMatcher};
use crate::harness::*;

/// The REST timeout of the timeout test: short, so a held answer costs little time.
const REQUEST_TIMEOUT: Duration = Duration::from_millis(300);

/// What a run through a fault observed.
struct Observed {
    /// From the fault's start until `back` held.
    recovery: Duration,
    /// Resends Discord dropped by their nonce.
    dropped_resends: usize,
    /// Messages the bot created.
    accepted: usize,
}

/// Ann and Bob (team Foxes) play `wm2p rounds=2`, matching every pair. `fault` runs right
/// after round one's pair reached Ann, before any answer; `back` says from the recorded data
/// when the fault is over (checked while round one is played). Ends with the checks of
/// [`assert_every_message_once`].
async fn two_rounds_through(
    world: &World,
    name: &str,
    fault: impl FnOnce(&World),
    back: impl Fn(&Recorded) -> bool,
) -> Observed {
    let p = world.players();
    let (ann, bob) = (&p[0], &p[1]);
    form_team(world, ann, bob, "Foxes").await;
    let mark = world.mark();
    world.command(ann, "wm2p rounds=2").await;
    pair_after(world, ann, mark).await;

    let mut used = Vec::new();
    let started = Instant::now();
    fault(world);
    let what = format!("the end of the fault ({name})");
    let (recovery, _) = tokio::join!(
        time_until(world, &what, started, back),
        play_match(world, ann, bob, mark, &mut used)
    );

    let second = nth_pair(world, ann, mark, 1).await;
    play_match(world, ann, bob, second, &mut used).await;
    assert_eq!(game_over_in(world, CHANNEL).await[1], "Winner: Foxes", "{}", world.transcript());
    assert_every_message_once(world, ann, bob, 2);
    let health = world.bot.as_ref().expect("running").shard_states().health_line();
    assert!(health.starts_with("gateway=0:connected/"), "the shard is back: {health}");
    let recorded = world.fake.recorded();
    let observed = Observed {
        recovery,
        dropped_resends: recorded.duplicate_nonces.len(),
        accepted: recorded.messages.len(),
    };
    // One line per fault for the record (shown with --nocapture).
    eprintln!(
        "fault={name} recovery_ms={} dropped_resends={} accepted={} duplicates=0 missing=0",
        observed.recovery.as_millis(),
        observed.dropped_resends,
        observed.accepted
    );
    observed
}

/// Accepted RESUMEs and IDENTIFYs so far.
fn sessions(world: &World) -> (usize, usize) {
    let r = world.fake.recorded();
    (r.resumes.iter().filter(|r| r.accepted).count(), r.identifies.len())
}

#[actix_rt::test]
async fn a_socket_dropped_without_a_close_frame_is_resumed() {
    let Some(world) = World::start(Setup::new()).await else { return };
    let (resumed, identified) = sessions(&world);
    let observed = two_rounds_through(
        &world,
        "gateway socket dropped",
        |w| assert_eq!(w.fake.drop_connections(), 1),
        |r| r.resumes.iter().filter(|r| r.accepted).count() > resumed,
    )
    .await;
    let recorded = world.fake.recorded();
    assert_eq!(recorded.identifies.len(), identified, "resumed, not identified again");
    let replayed: usize = recorded.resumes.iter().map(|r| r.replayed).sum();
    eprintln!("fault=gateway socket dropped replayed_dispatches={replayed}");
    assert!(observed.recovery < Duration::from_secs(3), "{:?}", observed.recovery);
    world.finish().await;
}

#[actix_rt::test]
async fn a_resumable_invalid_session_is_resumed() {
    let Some(world) = World::start(Setup::new()).await else { return };
    let (resumed, identified) = sessions(&world);
    let observed = two_rounds_through(
        &world,
        "INVALID_SESSION resumable",
        |w| assert_eq!(w.fake.send_invalid_session(true), 1),
        |r| r.resumes.iter().filter(|r| r.accepted).count() > resumed,
    )
    .await;
    let recorded = world.fake.recorded();
    assert_eq!(recorded.identifies.len(), identified, "the session went on, no new IDENTIFY");
    assert!(observed.recovery < Duration::from_secs(3), "{:?}", observed.recovery);
    world.finish().await;
}

#[actix_rt::test]
async fn a_connection_gone_silent_is_given_up_and_resumed() {
    let Some(world) = World::start(Setup::new()).await else { return };
    let (resumed, _) = sessions(&world);
    let observed = two_rounds_through(
        &world,
        "gateway silent (no ACK, no dispatch)",
        |w| assert_eq!(w.fake.silence_connections(), 1),
        |r| r.resumes.iter().filter(|r| r.accepted).count() > resumed,
    )
    .await;
    let recorded = world.fake.recorded();
    assert!(recorded.withheld_acks >= 1, "a heartbeat went unanswered");
    let replayed: usize = recorded.resumes.iter().map(|r| r.replayed).sum();
    assert!(replayed >= 1, "the answers typed meanwhile were replayed on the RESUME");
    eprintln!(
        "fault=gateway silent withheld_acks={} replayed_dispatches={replayed}",
        recorded.withheld_acks
    );
    // Twilight gives a connection up one heartbeat interval (500 ms here) after a beat that got
    // nothing back.
    assert!(observed.recovery < Duration::from_secs(3), "{:?}", observed.recovery);
    world.finish().await;
}

#[actix_rt::test]
async fn withheld_heartbeat_acks_end_in_a_resume_and_lose_nothing() {
    let Some(world) = World::start(Setup::new()).await else { return };
    let (resumed, _) = sessions(&world);
    let observed = two_rounds_through(
        &world,
        "heartbeat ACK withheld",
        |w| assert_eq!(w.fake.withhold_heartbeat_acks(), 1),
        |r| r.resumes.iter().filter(|r| r.accepted).count() > resumed,
    )
    .await;
    let withheld = world.fake.recorded().withheld_acks;
    assert!(withheld >= 1, "a heartbeat went unanswered");
    eprintln!("fault=heartbeat ACK withheld withheld_acks={withheld}");
    assert!(observed.recovery < Duration::from_secs(5), "{:?}", observed.recovery);
    world.finish().await;
}

/// How many answers of `status` the fake gave so far.
fn answered(r: &Recorded, status: u16) -> usize {
    r.requests.iter().filter(|q| q.status == status).count()
}

/// Whether both players got a `Match!` DM.
fn both_matched(r: &Recorded) -> bool {
    let matched = |user: u64| {
        r.messages.iter().any(|m| m.dm_recipient == Some(user) && m.content.starts_with("Match!"))
    };
    matched(PLAYERS[0]) && matched(PLAYERS[1])
}

#[actix_rt::test]
async fn a_storm_of_429s_per_route_and_global_is_waited_out() {
    let Some(world) = World::start(Setup::new()).await else { return };
    const PER_ROUTE: usize = 12;
    const GLOBAL: usize = 12;
    let observed = two_rounds_through(
        &world,
        "REST 429 storm",
        |w| {
            // The global limit first (every route), then the message route's own bucket.
            w.fake.fail_times(
                RouteMatcher::Any,
                Failure::GloballyRateLimited { retry_after: Duration::from_millis(200) },
                GLOBAL,
            );
            w.fake.fail_times(
                RouteMatcher::CreateMessage,
                Failure::RateLimited { reset_after: Duration::from_millis(50) },
                PER_ROUTE,
            );
        },
        |r| answered(r, 429) >= PER_ROUTE + GLOBAL && both_matched(r),
    )
    .await;
    let recorded = world.fake.recorded();
    assert_eq!(answered(&recorded, 429), PER_ROUTE + GLOBAL);
    // The pace of the retries through the storm: twilight retries a global 429 at once (it
    // reads no retry-after), bounded only by its own 50 requests/s; a bucket's 429 it waits
    // out for the bucket's reset-after.
    let limited: Vec<_> = recorded.requests.iter().filter(|q| q.status == 429).collect();
    let span = |from: usize, to: usize| limited[to].at.duration_since(limited[from].at);
    eprintln!(
        "fault=REST 429 storm global_429s={GLOBAL} in_ms={} per_route_429s={PER_ROUTE} in_ms={} \
         dropped_resends={}",
        span(0, GLOBAL - 1).as_millis(),
        span(GLOBAL, GLOBAL + PER_ROUTE - 1).as_millis(),
        observed.dropped_resends
    );
    assert!(observed.recovery < Duration::from_secs(5), "{:?}", observed.recovery);
    world.finish().await;
}

#[actix_rt::test]
async fn server_errors_past_the_senders_attempts_are_retried_until_every_message_is_out() {
    server_errors_past_the_senders_attempts(Backend::Sqlite).await;
}

#[actix_rt::test]
async fn server_errors_past_the_senders_attempts_are_retried_on_postgres_too() {
    server_errors_past_the_senders_attempts(Backend::Postgres).await;
}

/// Bob's DM channel fails more often in a row than the sender tries, while round one's
/// `Match!` goes out: the notifier's event fails as transient and is handed over again.
async fn server_errors_past_the_senders_attempts(backend: Backend) {
    let Some(world) = World::start(Setup::new().backend(backend)).await else { return };
    // Bob's DM channel opens with his first pair, before the fault starts.
    let bob = world.players()[1].clone();
    const FAILURES: usize = gamebot::discord::sender::SEND_ATTEMPTS as usize + 2;
    let observed = two_rounds_through(
        &world,
        "REST 500s",
        |w| {
            let route = RouteMatcher::CreateMessageIn(bob.dm_channel());
            w.fake.fail_times(route, Failure::ServerError, FAILURES);
        },
        |r| answered(r, 500) >= FAILURES && both_matched(r),
    )
    .await;
    let recorded = world.fake.recorded();
    assert_eq!(answered(&recorded, 500), FAILURES);
    // The sender gave up on Bob's `Match!`, the notifier's event was handed over again, and
    // Ann's `Match!` of the same event, sent again, was dropped by its nonce.
    assert!(observed.dropped_resends >= 1, "the event was retried as a whole");
    assert!(
        recorded.duplicate_nonces.iter().all(|d| d.channel_id == world.players()[0].dm_channel()),
        "only Ann's message of the retried event was sent again: {:?}",
        recorded.duplicate_nonces
    );
    world.finish().await;
}

#[actix_rt::test]
async fn answers_held_past_the_clients_timeout_leave_each_message_once() {
    let mut setup = Setup::new();
    setup.vars.push((
        "GAMEBOT_DISCORD__REQUEST_TIMEOUT_MS".to_owned(),
        REQUEST_TIMEOUT.as_millis().to_string(),
    ));
    let Some(world) = World::start(setup).await else { return };
    const HELD: usize = 4;
    let observed = two_rounds_through(
        &world,
        "REST timeouts",
        |w| {
            // Discord takes each message at once but answers only after the client gave up.
            w.fake.fail_times(RouteMatcher::CreateMessage, Failure::Slow(REQUEST_TIMEOUT * 3), HELD)
        },
        |r| r.duplicate_nonces.len() >= HELD && both_matched(r),
    )
    .await;
    // Each held answer made the sender send again; every resend was dropped by its nonce.
    assert!(observed.dropped_resends >= HELD, "{}", observed.dropped_resends);
    assert!(observed.recovery < Duration::from_secs(8), "{:?}", observed.recovery);
    world.finish().await;
}

#[actix_rt::test]
async fn a_slash_answer_held_past_the_clients_timeout_is_shown_once() {
    let mut setup = Setup::new();
    setup.vars.push((
        "GAMEBOT_DISCORD__REQUEST_TIMEOUT_MS".to_owned(),
        REQUEST_TIMEOUT.as_millis().to_string(),
    ));
    let Some(world) = World::start(setup).await else { return };
    let p = world.players();
    let (ann, bob) = (&p[0], &p[1]);
    form_team(&world, ann, bob, "Foxes").await;
    let mark = world.mark();
    world.command(ann, "wm2p rounds=1").await;
    let pair = pair_after(&world, ann, mark).await;
    let word = answer_for(&pair, &[]);

    // Discord takes the response at once but answers after the client gave up; the resend is
    // refused as already acknowledged.
    world.fake.fail_next(RouteMatcher::InteractionCallback, Failure::Slow(REQUEST_TIMEOUT * 3));
    let started = Instant::now();
    let interaction = ann.slash(
        crate::fake_discord::Place::Dm,
        "guess",
        vec![crate::fake_discord::model::opt_str("word", word)],
    );
    let text = world.fake.wait_for_interaction_text(interaction.id, WAIT).await.expect("an answer");
    assert!(text.starts_with("Got it"), "{text}");
    let shown = started.elapsed();
    let after = world.mark();
    bob.say_in_dm(word);
    world.dm_after(ann, after, |c| c.contains("Match!")).await;
    world.dm_after(bob, after, |c| c.contains("Match!")).await;
    assert_eq!(game_over_in(&world, CHANNEL).await[1], "Winner: Foxes");

    // The client gave up on the held answer and sent the response again.
    let path = format!("/api/v10/interactions/{}/", interaction.id);
    let callbacks = |r: &Recorded| -> Vec<u16> {
        r.requests.iter().filter(|q| q.path.starts_with(&path)).map(|q| q.status).collect()
    };
    let resent =
        time_until(&world, "a resent response", started, |r| callbacks(r).len() >= 2).await;
    let recorded = world.fake.recorded();
    let callbacks = callbacks(&recorded);
    let responses =
        recorded.interaction_responses.iter().filter(|r| r.interaction_id == interaction.id);
    assert_eq!(responses.count(), 1, "shown once");
    assert_eq!(callbacks.first(), Some(&204), "{callbacks:?}");
    assert!(callbacks[1..].iter().all(|s| *s == 400), "resends refused: {callbacks:?}");
    assert_no_duplicates(&world);
    eprintln!(
        "fault=REST timeout on an interaction callback shown_ms={} resent_ms={} \
         callbacks={callbacks:?}",
        shown.as_millis(),
        resent.as_millis()
    );
    world.finish().await;
}

//! The stored JSON of every game event, pinned with insta: the persisted format is a contract,
//! so a change here must be deliberate. A change old data cannot be read as needs a schema
//! version bump and an upcaster; a field added with a serde default that old data reads as
//! correctly (`GameCreated.timeouts`, `GameEnded.reason`) needs neither, and a test below reads
//! the old form.
use std::collections::BTreeSet;

use chrono::{Duration, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::domain::words::MatchReason;
use crate::domain::{Aggregate, ChannelId, DomainEvent, GameId, GuildId, TeamId, UserId};

fn examples() -> Vec<GameEvent> {
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).single().expect("a valid date");
    let team_a = TeamId(Uuid::from_u128(0xa));
    let team_b = TeamId(Uuid::from_u128(0xb));
    let (ann, bob) = (UserId(101), UserId(102));
    let answer = |player, word: &str, answered_ms| GivenAnswer {
        player,
        raw: word.to_uppercase(),
        word: word.to_owned(),
        answered_ms,
    };
    vec![
        GameEvent::GameCreated {
            game_id: GameId(Uuid::from_u128(1)),
            guild: GuildId(7),
            channel: ChannelId(70),
            creator: ann,
            options: GameOptions::defaults(Mode::Knockout),
            forbidden_list_size: DEFAULT_FORBIDDEN_LIST_SIZE,
            created_at: at,
            timeouts: GameTimeouts { lobby_seconds: 900, idle_seconds: 3600 },
        },
        GameEvent::TeamJoined {
            team: TeamSnapshot {
                team_id: team_a,
                name: "Ann & Bob".into(),
                players: [ann, bob],
                forbidden: [vec!["river".into()], vec![]],
            },
        },
        GameEvent::TeamLeft { team_id: team_b, by: UserId(201) },
        GameEvent::GameStarted { started_at: at, clock_ends_at: Some(at + Duration::seconds(180)) },
        GameEvent::RoundStarted {
            round: 1,
            started_at: at,
            round_deadline: Some(at + Duration::seconds(300)),
        },
        GameEvent::PairDealt {
            team_id: team_a,
            round: 1,
            pair: ["river".into(), "bank".into()],
            dealt_at: at,
        },
        GameEvent::AnswerAccepted {
            team_id: team_a,
            player: ann,
            raw: "Money".into(),
            word: "money".into(),
            answered_ms: 4200,
        },
        GameEvent::PairResolved {
            team_id: team_a,
            round: 1,
            guess_count: 2,
            pair: ["money".into(), "water".into()],
            answers: [answer(ann, "colour", 3100), answer(bob, "color", 5400)],
            result: GuessResult::Matched { on: "color".into(), reason: MatchReason::Spelling },
            points: 3,
            resolved_at: at + Duration::seconds(5),
        },
        GameEvent::PairAbandoned {
            team_id: team_a,
            player: bob,
            round: 2,
            guess_count: 4,
            pair: ["stone".into(), "bread".into()],
            points: -1,
            abandoned_at: at + Duration::seconds(60),
        },
        GameEvent::TeamEliminated {
            team_id: team_b,
            round: 1,
            reason: EliminationReason::TimeExpired,
            guess_count: 3,
        },
        GameEvent::RoundEnded {
            round: 1,
            results: vec![
                TeamRoundResult {
                    team_id: team_a,
                    matched: true,
                    guess_count: 2,
                    eliminated: None,
                },
                TeamRoundResult {
                    team_id: team_b,
                    matched: false,
                    guess_count: 3,
                    eliminated: Some(EliminationReason::TimeExpired),
                },
            ],
            next_round_at: Some(at + Duration::seconds(305)),
            ended_at: at + Duration::seconds(300),
        },
        GameEvent::GameEnded {
            winners: vec![team_a],
            ranking: vec![
                TeamStanding {
                    rank: 1,
                    team_id: team_a,
                    name: "Ann & Bob".into(),
                    players: [ann, bob],
                    score: 0,
                    matches: 1,
                    matched_guesses: 2,
                    average_guesses: Some(2.0),
                    give_ups: 0,
                    eliminated: None,
                },
                TeamStanding {
                    rank: 2,
                    team_id: team_b,
                    name: "Cy & Di".into(),
                    players: [UserId(201), UserId(202)],
                    score: 0,
                    matches: 0,
                    matched_guesses: 0,
                    average_guesses: None,
                    give_ups: 0,
                    eliminated: Some(EliminationFact {
                        round: 1,
                        reason: EliminationReason::TimeExpired,
                    }),
                },
            ],
            ended_at: at + Duration::seconds(300),
            reason: EndReason::Played,
        },
        GameEvent::GameCancelled { by: ann, cancelled_at: at },
        GameEvent::LobbyExpired { lobby_seconds: 900, expired_at: at + Duration::seconds(900) },
        GameEvent::ReplayNamed { name: "lantern-314".to_owned() },
    ]
}

#[test]
fn every_event_type_has_an_example() {
    let types: BTreeSet<&str> = examples().iter().map(DomainEvent::event_type).collect();
    assert_eq!(types.len(), 15, "one example per variant: {types:?}");
    assert!(examples().iter().all(|e| e.schema_version() == 1));
}

#[test]
fn the_stored_json_of_every_event_is_stable() {
    for event in examples() {
        let json = serde_json::to_value(&event).expect("events serialize");
        assert_eq!(json["type"], event.event_type(), "the type tag is the variant name");
        let back: GameEvent = serde_json::from_value(json).expect("events deserialize");
        assert_eq!(back, event, "the stored form reads back");
        insta::assert_json_snapshot!(event.event_type(), event);
    }
}

#[test]
fn an_idle_ending_is_stored_with_its_kind_and_period() {
    let reason = EndReason::Idle { idle_seconds: 3600 };
    let json = serde_json::to_value(reason).expect("reasons serialize");
    assert_eq!(json, serde_json::json!({ "kind": "idle", "idle_seconds": 3600 }));
    assert_eq!(serde_json::from_value::<EndReason>(json).expect("reads back"), reason);
}

#[test]
fn events_stored_before_timeouts_existed_read_with_the_defaults() {
    let created = serde_json::json!({
        "type": "GameCreated",
        "data": {
            "game_id": "00000000-0000-0000-0000-000000000001", "guild": 7, "channel": 70,
            "creator": 101, "options": { "mode": "race", "time_seconds": 180 },
            "forbidden_list_size": 12, "created_at": "2026-01-01T12:00:00Z"
        }
    });
    let GameEvent::GameCreated { timeouts, .. } =
        serde_json::from_value(created).expect("an old GameCreated reads")
    else {
        panic!("not a GameCreated");
    };
    assert_eq!(timeouts, GameTimeouts::default());
    let ended = serde_json::json!({
        "type": "GameEnded",
        "data": { "winners": [], "ranking": [], "ended_at": "2026-01-01T12:05:00Z" }
    });
    let GameEvent::GameEnded { reason, .. } =
        serde_json::from_value(ended).expect("an old GameEnded reads")
    else {
        panic!("not a GameEnded");
    };
    assert_eq!(reason, EndReason::Played);
}

#[test]
fn a_state_snapshot_taken_before_timeouts_existed_still_loads() {
    let history = [
        examples()[0].clone(),
        GameEvent::GameStarted { started_at: examples_time(), clock_ends_at: None },
    ];
    let mut game = Game::default();
    for event in &history {
        game.apply(event);
    }
    let mut json = serde_json::to_value(&game).expect("the state serializes");
    let object = json.as_object_mut().expect("an object");
    object.remove("created_at");
    object.remove("last_played_at");
    object["setup"].as_object_mut().expect("a setup").remove("timeouts");
    let old: Game = serde_json::from_value(json).expect("an old snapshot loads");
    assert_eq!(old.setup().map(|s| s.timeouts), Some(GameTimeouts::default()));
    assert_eq!(old.idle_deadline(), None, "no idle timer without a recorded last answer");
}

fn examples_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).single().expect("a valid date")
}

#[test]
fn the_options_of_every_mode_are_stored_with_the_mode_as_tag() {
    let all: Vec<GameOptions> = Mode::ALL.into_iter().map(GameOptions::defaults).collect();
    insta::assert_json_snapshot!("GameOptions", all);
}

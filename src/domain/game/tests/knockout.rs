//! Knockout: guess-limit eliminations, round end by matches or timer, the slowest cut with its
//! ties and guards, forfeits, the pause between rounds, stale timers and a whole game.
use chrono::Duration;

use super::super::*;
use super::support::*;

/// A Knockout in round 1 with `teams` teams, each holding river + bank, deadline at 300 s.
fn knockout(teams: u8, opts: &[&str]) -> Play {
    let mut history = vec![created(options(Mode::Knockout, opts))];
    history.extend((1..=teams).map(joined));
    history.push(started(None));
    history.push(round_started(1, Some(secs(300))));
    history.extend((1..=teams).map(|n| dealt(n, 1, ["river", "bank"])));
    Play::from(history)
}

fn expire(round: u32, deadline_secs: i64) -> GameCommand {
    GameCommand::ExpireRound { guild: GUILD, round, deadline: secs(deadline_secs) }
}

fn result(n: u8, matched: bool, guess_count: u32) -> TeamRoundResult {
    TeamRoundResult { team_id: team_id(n), matched, guess_count, eliminated: None }
}

fn out(n: u8, matched: bool, guess_count: u32, reason: EliminationReason) -> TeamRoundResult {
    TeamRoundResult { team_id: team_id(n), matched, guess_count, eliminated: Some(reason) }
}

#[test]
fn a_team_reaching_the_guess_limit_is_eliminated_at_once() {
    let mut play = knockout(3, &["guess_limit=2"]);
    play.misses(1);
    let events = play.misses(1);
    assert_eq!(types(&events), ["PairResolved", "TeamEliminated"]);
    assert_eq!(
        events[1],
        GameEvent::TeamEliminated {
            team_id: team_id(1),
            round: 1,
            reason: EliminationReason::GuessLimit,
            guess_count: 2,
        }
    );
}

#[test]
fn a_match_on_the_limit_attempt_is_a_match() {
    let mut play = knockout(3, &["guess_limit=2"]);
    play.misses(1);
    let events = play.matches(1);
    assert_eq!(types(&events), ["PairResolved"]);
    assert_eq!(play.team(1).status, TeamStatus::Matched);
}

#[test]
fn an_eliminated_team_cannot_answer_or_forfeit() {
    let mut play = knockout(3, &["guess_limit=2"]);
    play.misses(1);
    play.misses(1);
    play.test().when(answer(a(1), "stone")).then_expect_error(GameError::TeamIsOut);
    play.test().when(give_up(b(1))).then_expect_error(GameError::TeamIsOut);
}

#[test]
fn a_team_that_matched_waits_for_the_next_round() {
    let mut play = knockout(3, &[]);
    play.matches(1);
    play.test().when(answer(a(1), "stone")).then_expect_error(GameError::WaitForNextRound);
}

#[test]
fn the_round_ends_when_every_team_matched_and_the_slowest_is_cut() {
    let mut play = knockout(3, &[]);
    play.matches(1);
    play.matches_after(2, 1);
    play.now = secs(60);
    let events = play.matches_after(3, 2);
    assert_eq!(
        events[1..],
        [
            GameEvent::TeamEliminated {
                team_id: team_id(3),
                round: 1,
                reason: EliminationReason::Slowest,
                guess_count: 3,
            },
            GameEvent::RoundEnded {
                round: 1,
                results: vec![
                    result(1, true, 1),
                    result(2, true, 2),
                    out(3, true, 3, EliminationReason::Slowest),
                ],
                next_round_at: Some(secs(65)),
                ended_at: secs(60),
            },
        ]
    );
    assert_eq!(play.state().round_deadline(), None);
    assert_eq!(
        play.state().pending_timer(),
        Some((
            secs(65),
            GameCommand::StartNextRound { guild: GUILD, round: 2, next_round_at: secs(65) }
        ))
    );
}

#[test]
fn teams_that_did_not_match_by_the_deadline_are_eliminated_then_the_slowest() {
    let mut play = knockout(4, &[]);
    play.matches(1);
    play.matches_after(2, 1);
    play.matches(4);
    play.misses(3);
    play.now = secs(300);
    let events = play.run(expire(1, 300));
    assert_eq!(
        eliminations(&events),
        [(team_id(3), EliminationReason::TimeExpired), (team_id(2), EliminationReason::Slowest),]
    );
    let GameEvent::RoundEnded { results, next_round_at, .. } = events.last().expect("events")
    else {
        panic!("{events:?}")
    };
    assert_eq!(
        results,
        &[
            result(1, true, 1),
            out(2, true, 2, EliminationReason::Slowest),
            out(3, false, 1, EliminationReason::TimeExpired),
            result(4, true, 1),
        ]
    );
    assert_eq!(*next_round_at, Some(secs(305)));
}

#[test]
fn ties_at_the_cut_are_all_eliminated() {
    let mut play = knockout(3, &[]);
    play.matches(1);
    play.matches_after(2, 1);
    let events = play.matches_after(3, 1);
    assert_eq!(
        eliminations(&events),
        [(team_id(2), EliminationReason::Slowest), (team_id(3), EliminationReason::Slowest)]
    );
    assert_eq!(winners(&events), Some(vec![team_id(1)]));
}

#[test]
fn when_every_team_ties_nobody_is_cut() {
    let mut play = knockout(3, &[]);
    play.matches_after(1, 1);
    play.matches_after(2, 1);
    let events = play.matches_after(3, 1);
    assert!(eliminations(&events).is_empty());
    assert!(matches!(
        events.last(),
        Some(GameEvent::RoundEnded { results, next_round_at: Some(_), .. })
            if results.iter().all(|r| r.eliminated.is_none())
    ));
}

#[test]
fn more_than_eight_teams_cut_the_three_slowest() {
    let mut play = knockout(10, &[]);
    let misses = [0, 0, 0, 0, 0, 0, 1, 2, 3, 4];
    for (n, m) in (1..=10).zip(misses) {
        play.matches_after(n, m);
    }
    let events = play.history.clone();
    let cut: Vec<_> = eliminations(&events).into_iter().map(|(t, _)| t).collect();
    assert_eq!(cut, [team_id(8), team_id(9), team_id(10)]);
}

#[test]
fn more_than_eight_teams_cut_everyone_tied_with_the_third_slowest() {
    let mut play = knockout(10, &[]);
    let misses = [0, 0, 0, 0, 0, 1, 1, 1, 3, 4];
    for (n, m) in (1..=10).zip(misses) {
        play.matches_after(n, m);
    }
    let cut: Vec<_> = eliminations(&play.history).into_iter().map(|(t, _)| t).collect();
    assert_eq!(cut, [team_id(6), team_id(7), team_id(8), team_id(9), team_id(10)]);
}

#[test]
fn more_than_eight_counts_the_teams_left_after_time_expired() {
    // Nine teams, one times out: eight remain, so only the single slowest is cut.
    let mut play = knockout(9, &[]);
    let misses = [0, 0, 0, 0, 0, 0, 1, 2];
    for (n, m) in (1..=8).zip(misses) {
        play.matches_after(n, m);
    }
    play.now = secs(300);
    let events = play.run(expire(1, 300));
    assert_eq!(
        eliminations(&events),
        [(team_id(9), EliminationReason::TimeExpired), (team_id(8), EliminationReason::Slowest),]
    );
}

#[test]
fn the_last_team_is_never_cut() {
    let mut play = knockout(3, &[]);
    play.matches_after(1, 5);
    play.now = secs(300);
    let events = play.run(expire(1, 300));
    assert_eq!(
        eliminations(&events),
        [
            (team_id(2), EliminationReason::TimeExpired),
            (team_id(3), EliminationReason::TimeExpired),
        ]
    );
    assert_eq!(winners(&events), Some(vec![team_id(1)]));
}

#[test]
fn when_every_team_is_gone_at_once_there_is_no_winner() {
    let mut play = knockout(2, &[]);
    play.misses(1);
    play.now = secs(300);
    let events = play.run(expire(1, 300));
    assert_eq!(types(&events), ["TeamEliminated", "TeamEliminated", "RoundEnded", "GameEnded"]);
    assert_eq!(winners(&events), Some(vec![]));
    let (_, ranking) = play.ended();
    assert!(ranking.iter().all(|s| s.rank == 1), "teams out together share a rank: {ranking:?}");
}

#[test]
fn a_forfeit_eliminates_the_team_at_once() {
    let mut play = knockout(3, &[]);
    let events = play.run(give_up(b(3)));
    assert_eq!(
        events,
        vec![GameEvent::TeamEliminated {
            team_id: team_id(3),
            round: 1,
            reason: EliminationReason::Forfeit,
            guess_count: 0,
        }]
    );
}

#[test]
fn a_forfeit_that_leaves_one_team_ends_the_game() {
    let mut play = knockout(3, &[]);
    play.run(give_up(a(3)));
    let events = play.run(give_up(a(2)));
    assert_eq!(types(&events), ["TeamEliminated", "RoundEnded", "GameEnded"]);
    assert_eq!(winners(&events), Some(vec![team_id(1)]));
    let (_, ranking) = play.ended();
    let order: Vec<_> = ranking.iter().map(|s| (s.team_id, s.rank)).collect();
    assert_eq!(order, [(team_id(1), 1), (team_id(2), 2), (team_id(3), 3)]);
}

#[test]
fn a_forfeit_by_the_last_team_playing_ends_the_round() {
    let mut play = knockout(4, &[]);
    play.matches(1);
    play.matches_after(2, 1);
    play.matches(3);
    let events = play.run(give_up(a(4)));
    assert_eq!(
        eliminations(&events),
        [(team_id(4), EliminationReason::Forfeit), (team_id(2), EliminationReason::Slowest)]
    );
    assert!(matches!(events.last(), Some(GameEvent::RoundEnded { .. })));
}

#[test]
fn a_guess_limit_that_leaves_one_team_ends_the_game_at_once() {
    let mut play = knockout(2, &["guess_limit=2"]);
    play.misses(2);
    let events = play.misses(2);
    assert_eq!(types(&events), ["PairResolved", "TeamEliminated", "RoundEnded", "GameEnded"]);
    assert_eq!(winners(&events), Some(vec![team_id(1)]));
}

#[test]
fn a_stale_round_timer_is_ignored() {
    let play = knockout(3, &[]);
    play.test().when(expire(2, 300)).then_expect_events(vec![]);
    play.test().when(expire(1, 299)).then_expect_events(vec![]);
    let mut done = knockout(3, &[]);
    done.matches(1);
    done.matches(2);
    done.matches_after(3, 1);
    done.test().when(expire(1, 300)).then_expect_events(vec![]);
}

#[test]
fn the_next_round_starts_when_the_pause_is_over_for_the_remaining_teams() {
    let mut play = knockout(3, &["round_seconds=60", "round_delay_seconds=10"]);
    play.matches(1);
    play.matches(2);
    play.now = secs(20);
    play.matches_after(3, 1);
    let stale = GameCommand::StartNextRound { guild: GUILD, round: 2, next_round_at: secs(31) };
    play.test().when(stale).then_expect_events(vec![]);
    let wrong_round =
        GameCommand::StartNextRound { guild: GUILD, round: 3, next_round_at: secs(30) };
    play.test().when(wrong_round).then_expect_events(vec![]);
    play.now = secs(30);
    let events =
        play.run(GameCommand::StartNextRound { guild: GUILD, round: 2, next_round_at: secs(30) });
    assert_eq!(types(&events), ["RoundStarted", "PairDealt", "PairDealt"]);
    assert_eq!(
        events[0],
        GameEvent::RoundStarted { round: 2, started_at: secs(30), round_deadline: Some(secs(90)) }
    );
    let dealt_to: Vec<_> = events[1..]
        .iter()
        .map(|e| match e {
            GameEvent::PairDealt { team_id, round, .. } => (*team_id, *round),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(dealt_to, [(team_id(1), 2), (team_id(2), 2)]);
}

#[test]
fn an_answer_after_the_round_deadline_is_refused() {
    let mut play = knockout(3, &[]);
    play.now = secs(300) + Duration::milliseconds(1);
    play.test().when(answer(a(1), "stone")).then_expect_error(GameError::TimeIsUp);
}

#[test]
fn a_whole_knockout_game_ends_with_the_last_team_standing() {
    let mut play = Play::started(defaults(Mode::Knockout), 3, 12);
    play.matches(1);
    play.matches_after(2, 1);
    play.matches_after(3, 2);
    let (at, timer) = play.state().pending_timer().expect("the pause is timed");
    play.now = at;
    play.run(timer);
    assert_eq!(play.state().round(), 2);
    play.matches(2);
    let events = play.matches_after(1, 1);
    assert_eq!(winners(&events), Some(vec![team_id(2)]));
    let (_, ranking) = play.ended();
    let order: Vec<_> = ranking
        .iter()
        .map(|s| (s.team_id, s.rank, s.eliminated.map(|e| (e.round, e.reason))))
        .collect();
    assert_eq!(
        order,
        [
            (team_id(2), 1, None),
            (team_id(1), 2, Some((2, EliminationReason::Slowest))),
            (team_id(3), 3, Some((1, EliminationReason::Slowest))),
        ]
    );
    assert_eq!(play.state().phase(), Phase::Ended);
    assert_eq!(play.state().pending_timer(), None);
}

//! Golf Race: points by guesses, -1 for a give up, and the winners with both tiebreaks.
use super::super::modes::race::golf_points;
use super::super::*;
use super::race::{clocked, end_clock};
use super::support::*;

#[test]
fn the_points_table_follows_the_guess_count() {
    let table: Vec<i32> = (1..=12).map(golf_points).collect();
    assert_eq!(table, [4, 3, 3, 3, 2, 2, 2, 1, 1, 1, 0, 0]);
}

#[test]
fn a_match_scores_by_its_guess_count() {
    let mut play = clocked(Mode::Golf, 2);
    let events = play.matches(1);
    assert!(matches!(events[0], GameEvent::PairResolved { points: 4, guess_count: 1, .. }));
    let events = play.matches_after(2, 2);
    assert!(matches!(events[0], GameEvent::PairResolved { points: 3, guess_count: 3, .. }));
}

#[test]
fn a_give_up_costs_a_point() {
    let mut play = clocked(Mode::Golf, 2);
    let events = play.run(give_up(a(1)));
    assert!(matches!(events[0], GameEvent::PairAbandoned { points: -1, .. }));
    assert_eq!(play.team(1).score, -1);
}

#[test]
fn the_highest_points_win() {
    let mut play = clocked(Mode::Golf, 2);
    play.matches(1);
    play.run(give_up(a(1)));
    play.matches(2);
    play.run(end_clock());
    let (winners, ranking) = play.ended();
    assert_eq!(winners, [team_id(2)]);
    let scores: Vec<_> = ranking.iter().map(|s| (s.team_id, s.score, s.give_ups)).collect();
    assert_eq!(scores, [(team_id(2), 4, 0), (team_id(1), 3, 1)]);
}

#[test]
fn equal_points_are_broken_by_the_lower_average_guesses() {
    let mut play = clocked(Mode::Golf, 2);
    // Team 1: two matches of 5 guesses = 2 + 2 points, average 5.
    play.matches_after(1, 4);
    play.matches_after(1, 4);
    // Team 2: one perfect match = 4 points, average 1.
    play.matches(2);
    play.run(end_clock());
    let (winners, ranking) = play.ended();
    assert_eq!(winners, [team_id(2)]);
    assert_eq!((ranking[0].score, ranking[1].score), (4, 4));
}

#[test]
fn equal_points_and_average_are_broken_by_more_matches() {
    let mut play = clocked(Mode::Golf, 2);
    // Team 1: one perfect match: 4 points, average 1, 1 match.
    play.matches(1);
    // Team 2: two perfect matches and four give ups: 4 points, average 1, 2 matches.
    play.matches(2);
    play.matches(2);
    for _ in 0..4 {
        play.run(give_up(b(2)));
    }
    play.run(end_clock());
    let (winners, ranking) = play.ended();
    assert_eq!(winners, [team_id(2)]);
    let table: Vec<_> = ranking.iter().map(|s| (s.team_id, s.rank, s.score, s.matches)).collect();
    assert_eq!(table, [(team_id(2), 1, 4, 2), (team_id(1), 2, 4, 1)]);
}

#[test]
fn a_full_tie_is_a_shared_win() {
    let mut play = clocked(Mode::Golf, 2);
    play.matches_after(1, 1);
    play.matches_after(2, 1);
    play.run(end_clock());
    assert_eq!(play.ended().0, [team_id(1), team_id(2)]);
}

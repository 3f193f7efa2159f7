//! Race: the game clock, per-team rounds, give up, 1 point per match, and the winners with the
//! average-guesses tiebreak and shared wins.
use super::super::*;
use super::support::*;

/// A Race with `teams` teams, each holding river + bank, clock ending at 180 s.
pub fn clocked(mode: Mode, teams: u8) -> Play {
    let mut history = vec![created_with_list(defaults(mode), 4)];
    history.extend((1..=teams).map(joined));
    history.push(started(Some(secs(180))));
    history.extend((1..=teams).map(|n| dealt(n, 1, ["river", "bank"])));
    Play::from(history)
}

pub fn end_clock() -> GameCommand {
    GameCommand::EndClock { guild: GUILD, clock_ends_at: secs(180) }
}

#[test]
fn a_match_scores_a_point_and_deals_that_team_alone_a_new_pair() {
    let mut play = clocked(Mode::Race, 2);
    let events = play.matches(1);
    assert_eq!(types(&events), ["PairResolved", "PairDealt"]);
    assert!(matches!(events[0], GameEvent::PairResolved { points: 1, round: 1, .. }));
    assert!(matches!(events[1], GameEvent::PairDealt { round: 2, .. }));
    let GameEvent::PairDealt { team_id: dealt_to, .. } = events[1] else { unreachable!() };
    assert_eq!(dealt_to, team_id(1));
    assert_eq!(play.team(2).round, 1, "the other team is still on its first pair");
    assert_eq!(play.team(1).status, TeamStatus::Playing);
}

#[test]
fn give_up_abandons_the_pair_as_a_failed_attempt_and_deals_a_new_one() {
    let mut play = clocked(Mode::Race, 2);
    play.misses(1);
    play.run(answer(a(1), "stone"));
    play.now = secs(9);
    let events = play.run(give_up(b(1)));
    let team = play.team(1);
    assert_eq!(
        events[0],
        GameEvent::PairAbandoned {
            team_id: team_id(1),
            player: b(1),
            round: 1,
            guess_count: 2,
            pair: ["money".into(), "water".into()],
            points: 0,
            abandoned_at: secs(9),
        }
    );
    assert!(matches!(events[1], GameEvent::PairDealt { round: 2, .. }));
    assert_eq!((team.give_ups, team.guesses, team.score), (1, 0, 0));
    assert!(team.players.iter().all(|p| p.answer.is_none()), "a pending answer is dropped");
}

#[test]
fn a_stale_clock_timer_is_ignored() {
    let play = clocked(Mode::Race, 2);
    play.test()
        .when(GameCommand::EndClock { guild: GUILD, clock_ends_at: secs(179) })
        .then_expect_events(vec![]);
}

#[test]
fn the_most_matches_win_when_the_clock_ends() {
    let mut play = clocked(Mode::Race, 3);
    play.matches(1);
    play.matches_after(1, 3);
    play.matches(2);
    play.misses(3);
    play.now = secs(180);
    let events = play.run(end_clock());
    assert_eq!(types(&events), ["GameEnded"]);
    let (winners, ranking) = play.ended();
    assert_eq!(winners, [team_id(1)]);
    let table: Vec<_> = ranking.iter().map(|s| (s.team_id, s.rank, s.score, s.matches)).collect();
    assert_eq!(table, [(team_id(1), 1, 2, 2), (team_id(2), 2, 1, 1), (team_id(3), 3, 0, 0)]);
    assert_eq!(ranking[0].average_guesses, Some(2.5));
    assert_eq!(ranking[2].average_guesses, None);
}

#[test]
fn equal_matches_are_broken_by_the_lower_average_guesses() {
    let mut play = clocked(Mode::Race, 2);
    play.matches(1);
    play.matches_after(1, 2);
    play.matches(2);
    play.matches(2);
    play.run(end_clock());
    let (winners, ranking) = play.ended();
    assert_eq!(winners, [team_id(2)]);
    assert_eq!((ranking[1].team_id, ranking[1].rank), (team_id(1), 2));
}

#[test]
fn a_full_tie_is_a_shared_win() {
    let mut play = clocked(Mode::Race, 3);
    play.matches_after(1, 1);
    play.matches_after(2, 1);
    play.run(end_clock());
    let (winners, ranking) = play.ended();
    assert_eq!(winners, [team_id(1), team_id(2)]);
    let ranks: Vec<_> = ranking.iter().map(|s| s.rank).collect();
    assert_eq!(ranks, [1, 1, 3]);
}

#[test]
fn without_any_match_there_is_no_winner() {
    let mut play = clocked(Mode::Race, 2);
    play.misses(1);
    play.run(end_clock());
    let (winners, ranking) = play.ended();
    assert!(winners.is_empty());
    assert!(ranking.iter().all(|s| s.rank == 1));
}

#[test]
fn a_whole_race_from_the_lobby_ends_on_the_clock() {
    let mut play = Play::started(options(Mode::Race, &["time_seconds=60"]), 2, 4);
    play.matches(2);
    play.matches_after(1, 1);
    let (at, timer) = play.state().pending_timer().expect("the clock is timed");
    assert_eq!(at, secs(60));
    play.now = at;
    play.run(timer);
    assert_eq!(play.ended().0, [team_id(2)]);
    play.test().when(answer(a(1), "stone")).then_expect_error(GameError::GameOver);
}

//! Property tests: random command sequences in every mode keep the game's invariants, and
//! replaying the emitted events from the default state rebuilds exactly the same state.
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use super::super::*;
use super::support::*;
use crate::domain::testing::test_epoch;
use crate::domain::words::WordService;
use crate::domain::{Aggregate, Ctx, TeamId};

/// What a random player, creator or timer does next.
#[derive(Clone, Debug)]
enum Action {
    /// A player of team `team` answers word `word` of [`WORDS`].
    Answer { team: u8, seat: u8, word: usize },
    /// A player answers the word the partner is waiting with, if any (most matches).
    Echo { team: u8, seat: u8 },
    /// A player sends something that is no word.
    Nonsense { team: u8, seat: u8 },
    /// A player gives up.
    GiveUp { team: u8, seat: u8 },
    /// The due timer fires.
    Timer,
    /// A timer armed for another deadline fires.
    StaleTimer,
    /// Time passes.
    Wait { seconds: i64 },
    /// A team joins.
    Join { team: u8 },
    /// A team leaves.
    Leave { team: u8 },
    /// The creator starts.
    Start,
}

fn action() -> impl Strategy<Value = Action> {
    let team = 1u8..=5;
    let seat = 0u8..2;
    prop_oneof![
        12 => (team.clone(), seat.clone(), 0..WORDS.len())
            .prop_map(|(team, seat, word)| Action::Answer { team, seat, word }),
        8 => (team.clone(), seat.clone()).prop_map(|(team, seat)| Action::Echo { team, seat }),
        1 => (team.clone(), seat.clone()).prop_map(|(team, seat)| Action::Nonsense { team, seat }),
        1 => (team.clone(), seat).prop_map(|(team, seat)| Action::GiveUp { team, seat }),
        2 => Just(Action::Timer),
        1 => Just(Action::StaleTimer),
        2 => (1i64..400).prop_map(|seconds| Action::Wait { seconds }),
        2 => team.clone().prop_map(|team| Action::Join { team }),
        1 => team.prop_map(|team| Action::Leave { team }),
        2 => Just(Action::Start),
    ]
}

fn player(team: u8, seat: u8) -> crate::domain::UserId {
    if seat == 0 {
        a(team)
    } else {
        b(team)
    }
}

fn stale(game: &Game) -> GameCommand {
    let far: DateTime<Utc> = test_epoch() - Duration::days(1);
    if game.phase() == Phase::Lobby {
        return GameCommand::ExpireLobby { guild: GUILD, deadline: far };
    }
    match game.mode() {
        Some(Mode::TwoPlayer) => GameCommand::EndIdleGame { guild: GUILD, deadline: far },
        Some(Mode::Race | Mode::Golf) => GameCommand::EndClock { guild: GUILD, clock_ends_at: far },
        Some(Mode::Longform) => {
            GameCommand::EndLongformRound { guild: GUILD, round: game.round(), deadline: far }
        }
        _ => GameCommand::ExpireRound { guild: GUILD, round: game.round() + 7, deadline: far },
    }
}

/// The teams mentioned as acting in `events`.
fn acting_teams(events: &[GameEvent]) -> Vec<TeamId> {
    events
        .iter()
        .filter_map(|e| match e {
            GameEvent::PairDealt { team_id, .. }
            | GameEvent::AnswerAccepted { team_id, .. }
            | GameEvent::PairResolved { team_id, .. }
            | GameEvent::PairAbandoned { team_id, .. }
            | GameEvent::TeamEliminated { team_id, .. } => Some(*team_id),
            _ => None,
        })
        .collect()
}

const LIST_SIZE: u32 = 3;

fn check_invariants(before: &Game, result: &Result<Vec<GameEvent>, GameError>, after: &Game) {
    for team in after.teams() {
        assert_ne!(team.players[0].user, team.players[1].user, "two different players");
        for p in &team.players {
            assert!(p.forbidden.len() <= LIST_SIZE as usize, "the list keeps its size");
        }
        if let Some(old) = before.teams().iter().find(|t| t.team_id == team.team_id) {
            if old.round == team.round && old.status.is_alive() && team.status.is_alive() {
                assert!(team.guesses >= old.guesses, "guess counts only grow within a round");
            }
        }
    }
    let Ok(events) = result else { return };
    if before.phase().is_closed() {
        assert!(events.is_empty(), "a closed game accepts nothing: {events:?}");
    }
    for team in before.teams().iter().filter(|t| !t.status.is_alive()) {
        assert!(
            !acting_teams(events).contains(&team.team_id),
            "an eliminated team acted: {events:?}"
        );
    }
}

/// The word the partner of `player` is waiting with.
fn partner_word(game: &Game, player: crate::domain::UserId) -> Option<String> {
    let team = game.team_of(player)?;
    let seat = team.seat_of(player)?;
    team.players[1 - seat].answer.as_ref().map(|a| a.word.clone())
}

fn run(mode: Mode, actions: Vec<Action>, cancel_at: Option<usize>) {
    let words = WordService::embedded();
    let mut now = test_epoch();
    let mut seed = 0u64;
    let create = GameCommand::CreateGame {
        game_id: game_id(),
        guild: GUILD,
        channel: CHANNEL,
        creator: creator(),
        options: match mode {
            // Two rounds, so random play reaches the end of the game.
            Mode::TwoPlayer => options(mode, &["rounds=2"]),
            _ => GameOptions::defaults(mode),
        },
        creator_team: Some(team(1)),
        forbidden_list_size: LIST_SIZE,
        // Short, so random waits reach both timeouts.
        timeouts: GameTimeouts { lobby_seconds: 600, idle_seconds: 900 },
    };
    let mut game = Game::default();
    let mut log: Vec<GameEvent> = Vec::new();
    let mut commands = vec![create];
    commands.extend([join(2), join(3)]);
    for (step, action) in actions.into_iter().enumerate() {
        if cancel_at == Some(step) {
            let by = stranger();
            commands.push(GameCommand::CancelGame { guild: GUILD, by, has_manage_guild: true });
        }
        let command: Option<GameCommand> = match action {
            Action::Answer { team, seat, word } => Some(answer(player(team, seat), WORDS[word])),
            Action::Echo { team, seat } => {
                let who = player(team, seat);
                partner_word(&game, who).map(|word| answer(who, &word))
            }
            Action::Nonsense { team, seat } => Some(answer(player(team, seat), "qq zz")),
            Action::GiveUp { team, seat } => Some(give_up(player(team, seat))),
            Action::Timer => match game.pending_timer() {
                Some((at, command)) => {
                    now = now.max(at);
                    Some(command)
                }
                None => None,
            },
            Action::StaleTimer => Some(stale(&game)),
            Action::Wait { seconds } => {
                now += Duration::seconds(seconds);
                None
            }
            Action::Join { team: n } => Some(join(n)),
            Action::Leave { team: n } => {
                Some(GameCommand::LeaveGame { guild: GUILD, player: a(n) })
            }
            Action::Start => Some(start()),
        };
        commands.extend(command);
        for command in commands.drain(..) {
            seed += 1;
            let ctx = Ctx { now, seed, words };
            let result = game.decide(&command, &ctx);
            let before = game.clone();
            if let Ok(events) = &result {
                for event in events {
                    game.apply(event);
                }
                log.extend(events.iter().cloned());
            }
            check_invariants(&before, &result, &game);
        }
    }
    assert_eq!(fold(&log), game, "replaying the events rebuilds the state");
    let json = serde_json::to_string(&game).expect("the state serializes");
    let back: Game = serde_json::from_str(&json).expect("the state deserializes");
    assert_eq!(back, game, "a snapshot of the state round-trips");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn two_player_games_keep_their_invariants(
        actions in prop::collection::vec(action(), 1..120),
        cancel_at in prop::option::weighted(0.2, 0..120usize),
    ) {
        run(Mode::TwoPlayer, actions, cancel_at);
    }

    #[test]
    fn knockout_games_keep_their_invariants(
        actions in prop::collection::vec(action(), 1..160),
        cancel_at in prop::option::weighted(0.2, 0..160usize),
    ) {
        run(Mode::Knockout, actions, cancel_at);
    }

    #[test]
    fn race_games_keep_their_invariants(
        actions in prop::collection::vec(action(), 1..120),
        cancel_at in prop::option::weighted(0.2, 0..120usize),
    ) {
        run(Mode::Race, actions, cancel_at);
    }

    #[test]
    fn golf_games_keep_their_invariants(
        actions in prop::collection::vec(action(), 1..120),
        cancel_at in prop::option::weighted(0.2, 0..120usize),
    ) {
        run(Mode::Golf, actions, cancel_at);
    }

    #[test]
    fn longform_games_keep_their_invariants(
        actions in prop::collection::vec(action(), 1..160),
        cancel_at in prop::option::weighted(0.2, 0..160usize),
    ) {
        run(Mode::Longform, actions, cancel_at);
    }
}

//! Lobby and lifecycle rules: creating, joining, leaving, starting, cancelling, guild checks and
//! closed games.
use super::super::*;
use super::support::*;

#[test]
fn creating_a_lobby_records_it_and_the_creators_team_joins() {
    GameTest::given_no_previous_events()
        .when(create_command(defaults(Mode::Knockout), Some(team(1))))
        .then_expect_events(vec![created(defaults(Mode::Knockout)), joined(1)]);
}

#[test]
fn a_creator_without_a_team_opens_an_empty_lobby() {
    GameTest::given_no_previous_events()
        .when(create_command(defaults(Mode::Race), None))
        .then_expect_events(vec![created(defaults(Mode::Race))]);
}

#[test]
fn creating_a_game_twice_is_refused() {
    GameTest::given(lobby(Mode::Race, 1))
        .when(create_command(defaults(Mode::Race), None))
        .then_expect_error(GameError::GameAlreadyExists);
}

#[test]
fn a_two_player_game_starts_at_once_with_a_dealt_pair() {
    let events = GameTest::given_no_previous_events()
        .when(create_command(defaults(Mode::TwoPlayer), Some(team(1))))
        .events();
    assert_eq!(
        types(&events),
        ["GameCreated", "TeamJoined", "GameStarted", "RoundStarted", "PairDealt"]
    );
    let GameEvent::PairDealt { team_id: dealt_to, round, pair, .. } = &events[4] else {
        panic!("expected a dealt pair, got {:?}", events[4]);
    };
    assert_eq!((*dealt_to, *round), (team_id(1), 1));
    assert_ne!(pair[0], pair[1], "a pair has two different words");
}

#[test]
fn a_two_player_game_needs_the_creators_team() {
    GameTest::given_no_previous_events()
        .when(create_command(defaults(Mode::TwoPlayer), None))
        .then_expect_error(GameError::TeamRequired);
}

#[test]
fn a_team_of_one_person_twice_is_refused() {
    let mut solo = team(2);
    solo.players = [a(2), a(2)];
    GameTest::given(lobby(Mode::Race, 1))
        .when(GameCommand::JoinGame { guild: GUILD, team: solo })
        .then_expect_error(GameError::NotTwoPlayers);
}

#[test]
fn a_team_joins_an_open_lobby() {
    GameTest::given(lobby(Mode::Race, 1)).when(join(2)).then_expect_events(vec![joined(2)]);
}

#[test]
fn joining_twice_is_refused_with_already() {
    GameTest::given(lobby(Mode::Race, 2)).when(join(2)).then_expect_error(GameError::AlreadyJoined);
    assert!(GameError::AlreadyJoined.to_string().contains("already"));
}

#[test]
fn a_team_sharing_a_player_with_a_joined_team_is_refused() {
    let mut overlapping = team(3);
    overlapping.players = [a(3), b(2)];
    GameTest::given(lobby(Mode::Race, 2))
        .when(GameCommand::JoinGame { guild: GUILD, team: overlapping })
        .then_expect_error(GameError::PlayerAlreadyInGame);
}

#[test]
fn a_thirteenth_team_is_refused() {
    GameTest::given(lobby(Mode::Knockout, 12))
        .when(join(13))
        .then_expect_error(GameError::LobbyFull { max: 12 });
}

#[test]
fn joining_a_started_game_is_refused() {
    let mut history = lobby(Mode::Race, 2);
    history.push(started(Some(secs(180))));
    GameTest::given(history).when(join(3)).then_expect_error(GameError::AlreadyStarted);
}

#[test]
fn joining_a_two_player_game_is_refused() {
    let play = Play::started(defaults(Mode::TwoPlayer), 1, 12);
    play.test().when(join(2)).then_expect_error(GameError::NoLobby);
}

#[test]
fn a_team_leaves_the_lobby_by_any_of_its_players() {
    GameTest::given(lobby(Mode::Race, 2))
        .when(GameCommand::LeaveGame { guild: GUILD, player: b(2) })
        .then_expect_events(vec![GameEvent::TeamLeft { team_id: team_id(2), by: b(2) }]);
}

#[test]
fn a_team_that_left_can_join_again() {
    let mut history = lobby(Mode::Race, 2);
    history.push(GameEvent::TeamLeft { team_id: team_id(2), by: a(2) });
    GameTest::given(history).when(join(2)).then_expect_events(vec![joined(2)]);
}

#[test]
fn leaving_a_lobby_the_team_is_not_in_is_refused() {
    GameTest::given(lobby(Mode::Race, 1))
        .when(GameCommand::LeaveGame { guild: GUILD, player: stranger() })
        .then_expect_error(GameError::TeamNotInLobby);
}

#[test]
fn leaving_after_the_start_is_refused() {
    let mut history = lobby(Mode::Race, 2);
    history.push(started(Some(secs(180))));
    GameTest::given(history)
        .when(GameCommand::LeaveGame { guild: GUILD, player: a(2) })
        .then_expect_error(GameError::AlreadyStarted);
}

#[test]
fn only_the_creator_starts_the_game() {
    GameTest::given(lobby(Mode::Knockout, 2))
        .when(GameCommand::StartGame { guild: GUILD, by: a(2) })
        .then_expect_error(GameError::NotTheCreator);
}

#[test]
fn starting_with_too_few_teams_names_the_minimum() {
    let cases =
        [(Mode::Knockout, 1, 2), (Mode::Race, 1, 2), (Mode::Golf, 1, 2), (Mode::Longform, 2, 3)];
    for (mode, teams, min) in cases {
        GameTest::given(lobby(mode, teams))
            .when(start())
            .then_expect_error(GameError::TooFewTeams { mode, min, joined: usize::from(teams) });
    }
    let message = GameError::TooFewTeams { mode: Mode::Longform, min: 3, joined: 2 }.to_string();
    assert_eq!(message, "Longform needs at least 3 teams to start; 2 joined");
}

#[test]
fn starting_a_knockout_deals_every_team_a_pair_and_sets_the_round_deadline() {
    let events = GameTest::given(lobby(Mode::Knockout, 3)).when(start()).events();
    assert_eq!(
        types(&events),
        ["GameStarted", "RoundStarted", "PairDealt", "PairDealt", "PairDealt"]
    );
    assert_eq!(events[1], round_started(1, Some(secs(300))));
}

#[test]
fn starting_a_race_starts_the_clock() {
    let events = GameTest::given(lobby(Mode::Race, 2)).when(start()).events();
    assert_eq!(events[0], started(Some(secs(180))));
    assert_eq!(types(&events), ["GameStarted", "PairDealt", "PairDealt"]);
}

#[test]
fn starting_twice_is_refused() {
    let mut history = lobby(Mode::Race, 2);
    history.push(started(Some(secs(180))));
    GameTest::given(history).when(start()).then_expect_error(GameError::AlreadyStarted);
}

#[test]
fn the_creator_cancels_the_lobby() {
    GameTest::given(lobby(Mode::Race, 2))
        .when(GameCommand::CancelGame { guild: GUILD, by: creator(), has_manage_guild: false })
        .then_expect_events(vec![GameEvent::GameCancelled { by: creator(), cancelled_at: t0() }]);
}

#[test]
fn a_manage_server_member_cancels_a_running_game() {
    let play = Play::started(defaults(Mode::Race), 2, 12);
    play.test()
        .when(GameCommand::CancelGame { guild: GUILD, by: stranger(), has_manage_guild: true })
        .then_expect_events(vec![GameEvent::GameCancelled { by: stranger(), cancelled_at: t0() }]);
}

#[test]
fn anyone_else_may_not_cancel() {
    GameTest::given(lobby(Mode::Race, 2))
        .when(GameCommand::CancelGame { guild: GUILD, by: a(2), has_manage_guild: false })
        .then_expect_error(GameError::NotAllowedToCancel);
}

#[test]
fn either_player_of_a_two_player_game_may_cancel_it() {
    let play = Play::started(defaults(Mode::TwoPlayer), 1, 12);
    let events = play
        .test()
        .when(GameCommand::CancelGame { guild: GUILD, by: b(1), has_manage_guild: false })
        .events();
    assert_eq!(types(&events), ["GameCancelled"]);
}

#[test]
fn a_cancelled_game_accepts_nothing() {
    let mut history = lobby(Mode::Race, 2);
    history.push(GameEvent::GameCancelled { by: creator(), cancelled_at: t0() });
    GameTest::given(history.clone()).when(join(3)).then_expect_error(GameError::GameCancelled);
    GameTest::given(history).when(start()).then_expect_error(GameError::GameCancelled);
}

#[test]
fn a_command_from_another_guild_is_refused() {
    let history = lobby(Mode::Race, 2);
    let commands = [
        GameCommand::JoinGame { guild: OTHER_GUILD, team: team(3) },
        GameCommand::LeaveGame { guild: OTHER_GUILD, player: a(2) },
        GameCommand::StartGame { guild: OTHER_GUILD, by: creator() },
        GameCommand::CancelGame { guild: OTHER_GUILD, by: creator(), has_manage_guild: true },
        GameCommand::SubmitAnswer { guild: OTHER_GUILD, player: a(1), raw: "water".into() },
        GameCommand::GiveUp { guild: OTHER_GUILD, player: a(1) },
        GameCommand::EndClock { guild: OTHER_GUILD, clock_ends_at: secs(180) },
    ];
    for command in commands {
        GameTest::given(history.clone()).when(command).then_expect_error(GameError::WrongGuild);
    }
}

#[test]
fn commands_to_a_game_that_does_not_exist_are_refused() {
    GameTest::given_no_previous_events().when(join(1)).then_expect_error(GameError::NoSuchGame);
}

#[test]
fn answering_in_the_lobby_is_refused() {
    GameTest::given(lobby(Mode::Race, 2))
        .when(answer(a(1), "water"))
        .then_expect_error(GameError::NotStarted);
}

#[test]
fn a_completed_game_accepts_nothing() {
    let mut play = Play::started(options(Mode::TwoPlayer, &["rounds=1"]), 1, 12);
    play.matches(1);
    assert_eq!(play.state().phase(), Phase::Ended);
    let refused = [
        (join(2), GameError::GameOver),
        (start(), GameError::GameOver),
        (answer(a(1), "water"), GameError::GameOver),
        (give_up(a(1)), GameError::GameOver),
        (
            GameCommand::CancelGame { guild: GUILD, by: creator(), has_manage_guild: true },
            GameError::GameOver,
        ),
    ];
    for (command, error) in refused {
        play.test().when(command).then_expect_error(error);
    }
    play.test()
        .when(GameCommand::EndClock { guild: GUILD, clock_ends_at: secs(180) })
        .then_expect_events(vec![]);
}

#[test]
fn a_lobby_has_its_expiry_armed_and_a_race_has_its_clock() {
    assert_eq!(
        fold(&lobby(Mode::Race, 2)).pending_timer(),
        Some((secs(900), GameCommand::ExpireLobby { guild: GUILD, deadline: secs(900) }))
    );
    let play = Play::started(defaults(Mode::Race), 2, 12);
    assert_eq!(
        play.state().pending_timer(),
        Some((secs(180), GameCommand::EndClock { guild: GUILD, clock_ends_at: secs(180) }))
    );
}

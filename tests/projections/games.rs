//! The games read model, history, open games per channel and the active-player index.
use chrono::TimeDelta;
use gamebot::domain::game::{GameCommand, Mode};
use gamebot::domain::UserId;
use gamebot::projections::GameStatus;

use crate::helpers::{epoch, race, team, two_player, CHANNEL, GUILD};

projection_test!(a_finished_two_player_game_shows_in_games_and_history, |bot| async move {
    // Arrange
    let pair = team("Word Nerds", 11, 12);

    // Act: one round, matched on the third pair (average 3 > threshold 2: a loss).
    let game = bot.two_player_game(&pair, 3, epoch()).await;
    bot.settle().await;

    // Assert
    let view = bot.read.game(game).await.unwrap().expect("the game is in the read model");
    assert_eq!(view.status, GameStatus::Ended);
    assert_eq!(view.mode(), Mode::TwoPlayer);
    assert_eq!((view.guild, view.channel, view.creator), (GUILD, CHANNEL, UserId(11)));
    assert_eq!(view.teams.len(), 1);
    assert_eq!(view.teams[0].name, "Word Nerds");
    assert_eq!(view.teams[0].players, [UserId(11), UserId(12)]);
    assert!(view.winners.is_empty(), "three guesses miss a threshold of two");
    assert_eq!(view.round, 1);
    assert_eq!(view.ended_at, Some(epoch()));
    assert_eq!(view.started_at, Some(epoch()));
    assert!(bot.read.open_game_in_channel(GUILD, CHANNEL).await.unwrap().is_none());

    let history = bot.read.recent_games(GUILD, Some(UserId(12)), 10).await.unwrap();
    assert_eq!(history.games.len(), 1);
    let entry = &history.games[0];
    assert_eq!((entry.mode, entry.teams, entry.won), (Mode::TwoPlayer, 1, Some(false)));
    assert_eq!(entry.replay_name, game.to_string(), "an unnamed game is listed by its id");
    assert!(bot.read.recent_games(GUILD, Some(UserId(99)), 10).await.unwrap().games.is_empty());
});

projection_test!(a_lobby_is_the_open_game_of_its_channel_until_cancelled, |bot| async move {
    // Arrange
    let first = team("Alpha", 21, 22);
    let second = team("Beta", 23, 24);
    let game = bot.create(race(), &first).await;

    // Act
    bot.exec(game, GameCommand::JoinGame { guild: GUILD, team: second.clone() }).await;
    bot.settle().await;
    let open = bot.read.open_game_in_channel(GUILD, CHANNEL).await.unwrap();
    bot.clock.set(epoch() + TimeDelta::minutes(3));
    bot.exec(
        game,
        GameCommand::CancelGame { guild: GUILD, by: UserId(21), has_manage_guild: false },
    )
    .await;
    bot.settle().await;

    // Assert
    let open = open.expect("the lobby is open");
    assert_eq!(open.game_id, game);
    assert_eq!(open.status, GameStatus::Lobby);
    let names: Vec<&str> = open.teams.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Alpha", "Beta"], "teams in joining order");
    assert!(bot.read.open_game_in_channel(GUILD, CHANNEL).await.unwrap().is_none());
    let cancelled = bot.read.game(game).await.unwrap().unwrap();
    assert_eq!(cancelled.status, GameStatus::Cancelled);
    assert_eq!(cancelled.ended_at, Some(epoch() + TimeDelta::minutes(3)));
    assert!(bot.read.recent_games(GUILD, None, 10).await.unwrap().games.is_empty());
});

projection_test!(
    players_are_active_from_joining_until_they_leave_or_the_game_ends,
    |bot| async move {
        // Arrange
        let first = team("Gamma", 31, 32);
        let second = team("Delta", 33, 34);
        let third = team("Epsilon", 35, 36);

        // Act: the creator's team is in at once; two teams join; one leaves.
        let game = bot.create(race(), &first).await;
        bot.settle().await;
        let creator_active = bot.read.active_games_of(UserId(32)).await.unwrap();
        bot.exec(game, GameCommand::JoinGame { guild: GUILD, team: second.clone() }).await;
        bot.exec(game, GameCommand::JoinGame { guild: GUILD, team: third.clone() }).await;
        bot.exec(game, GameCommand::LeaveGame { guild: GUILD, player: UserId(36) }).await;
        bot.settle().await;
        let joined_active = bot.read.active_games_of(UserId(33)).await.unwrap();
        let left_active = bot.read.active_games_of(UserId(35)).await.unwrap();
        bot.exec(game, GameCommand::StartGame { guild: GUILD, by: UserId(31) }).await;
        bot.end_race(game).await;
        bot.settle().await;

        // Assert
        assert_eq!(creator_active, vec![(GUILD, game)], "the creator's team joins at creation");
        assert_eq!(joined_active, vec![(GUILD, game)]);
        assert!(left_active.is_empty(), "a team that left the lobby is no longer routed");
        for player in [31, 32, 33, 34] {
            assert!(
                bot.read.active_games_of(UserId(player)).await.unwrap().is_empty(),
                "player {player} is released when the game ends"
            );
        }
    }
);

projection_test!(
    an_idle_game_counts_as_played_without_a_winner_and_an_expired_lobby_not_at_all,
    |bot| async move {
        // Arrange: a Two Player game matched once, then left; a Race lobby nobody starts.
        let idle = team("Sleepers", 31, 32);
        let waiting = team("Waiters", 33, 34);
        let game = bot.create(two_player(3, 3), &idle).await;
        bot.match_in(game, &idle, 1).await;
        let idle_deadline = bot.game(game).await.idle_deadline().expect("an idle deadline");

        // Act: both timers fire.
        bot.clock.set(idle_deadline);
        bot.exec(game, GameCommand::EndIdleGame { guild: GUILD, deadline: idle_deadline }).await;
        let lobby = bot.create(race(), &waiting).await;
        let lobby_deadline = bot.game(lobby).await.lobby_deadline().expect("a lobby deadline");
        bot.clock.set(lobby_deadline);
        bot.exec(lobby, GameCommand::ExpireLobby { guild: GUILD, deadline: lobby_deadline }).await;
        bot.settle().await;

        // Assert: the idle game is a finished game with no winner everywhere.
        let view = bot.read.game(game).await.unwrap().expect("the game is in the read model");
        assert_eq!(view.status, GameStatus::Ended);
        assert!(view.winners.is_empty());
        assert_eq!(view.ended_at, Some(idle_deadline));
        let stats = bot.read.player_stats(GUILD, UserId(31)).await.unwrap();
        assert_eq!((stats.games, stats.wins, stats.matches, stats.perfect_rounds), (1, 0, 1, 1));
        let team_stats = bot.read.team_stats(GUILD, idle.team_id).await.unwrap().expect("known");
        assert_eq!((team_stats.games, team_stats.wins, team_stats.win_streak), (1, 0, 0));
        let history = bot.read.recent_games(GUILD, Some(UserId(32)), 10).await.unwrap();
        assert_eq!(history.games.iter().map(|g| g.won).collect::<Vec<_>>(), [Some(false)]);
        // The expired lobby is closed like a cancelled one and counts nowhere.
        let view = bot.read.game(lobby).await.unwrap().expect("the lobby is in the read model");
        assert_eq!(view.status, GameStatus::Cancelled);
        assert_eq!(view.ended_at, Some(lobby_deadline));
        assert!(bot.read.open_game_in_channel(GUILD, CHANNEL).await.unwrap().is_none());
        assert_eq!(bot.read.player_stats(GUILD, UserId(33)).await.unwrap().games, 0);
        assert!(bot.read.recent_games(GUILD, Some(UserId(33)), 10).await.unwrap().games.is_empty());
    }
);

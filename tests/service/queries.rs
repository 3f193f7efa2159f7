//! Replies that read: status, statistics, leaderboards, history, replays and the prefix, after
//! state set up through the service.
use gamebot::discord::{Contender, LeaderboardKind, Period, ReplayTarget, StatsTarget};
use gamebot::domain::game::{GameEvent, Mode};
use gamebot::domain::guild::{GuildError, Prefix};
use gamebot::domain::{GameId, UserId};
use gamebot::service::{Caller, ServiceError, StatsReply};

use crate::helpers::*;

/// Plays a one-round Two Player game for Ann and Bob to its end; returns the game.
async fn play_one_round(env: &TestEnv) -> GameId {
    let opened = env
        .service
        .open_game(
            &env.caller(ANN),
            CHANNEL,
            options(Mode::TwoPlayer, &["rounds=1"]),
            &env.source(),
        )
        .await
        .unwrap();
    for word in ["apple", "river", "garden", "music"] {
        if env.service.answer(ANN, word, &env.source()).await.is_ok() {
            let done = env.service.answer(BOB, word, &env.source()).await.unwrap();
            assert!(done.ended(), "one matched round ends the game");
            return opened.game_id;
        }
    }
    panic!("no word was accepted");
}

fn player(reply: StatsReply) -> gamebot::discord::PlayerStatsView {
    match reply {
        StatsReply::Player(view) => view,
        other => panic!("player statistics expected: {other:?}"),
    }
}

service_test!(
    statistics_leaderboards_and_history_follow_a_finished_game_postgres,
    statistics_leaderboards_and_history_follow_a_finished_game_sqlite,
    |env| async move {
        // Arrange: before any game, the replies say so.
        env.team(ANN, BOB).await;
        let before =
            player(env.service.stats(GUILD, ANN, &StatsTarget::Player(None)).await.unwrap());
        assert_eq!(before.games, 0);
        // Act
        let game = play_one_round(&env).await;
        // Assert
        let ann = player(env.service.stats(GUILD, ANN, &StatsTarget::Player(None)).await.unwrap());
        assert_eq!((ann.games, ann.wins, ann.matches), (1, 1, 1));
        assert_eq!(ann.perfect_rounds, 1);
        let bob =
            player(env.service.stats(GUILD, ANN, &StatsTarget::Player(Some(BOB))).await.unwrap());
        assert_eq!(bob.player, BOB);
        assert_eq!(bob.wins, 1);
        let StatsReply::Team(team) =
            env.service.stats(GUILD, BOB, &StatsTarget::Team(None)).await.unwrap()
        else {
            panic!("Bob has a team")
        };
        assert_eq!((team.name.as_str(), team.games, team.wins), ("Ann & Bob", 1, 1));
        let StatsReply::Team(named) = env
            .service
            .stats(GUILD, CAROL, &StatsTarget::Team(Some("ann & BOB".into())))
            .await
            .unwrap()
        else {
            panic!("the default name is found")
        };
        assert_eq!(named.members, [ANN, BOB]);
        let reply = env.service.stats(GUILD, CAROL, &StatsTarget::Team(None)).await.unwrap();
        assert_eq!(reply, StatsReply::NoTeam(CAROL));
        let error = env
            .service
            .stats(GUILD, CAROL, &StatsTarget::Team(Some("Nobody".into())))
            .await
            .unwrap_err();
        assert!(matches!(error, ServiceError::TeamNotFound(_)), "{error:?}");
        let board =
            env.service.leaderboard(GUILD, LeaderboardKind::Players, Period::All).await.unwrap();
        let winners: Vec<UserId> = board
            .rows
            .iter()
            .filter_map(|row| match row.who {
                Contender::Player(user) if row.wins == 1 => Some(user),
                _ => None,
            })
            .collect();
        assert!(winners.contains(&ANN) && winners.contains(&BOB), "{board:?}");
        let history = env.service.history(GUILD, Some(ANN)).await.unwrap();
        assert_eq!(history.games.len(), 1);
        assert_eq!(history.games[0].won, Some(true));
        assert!(env.service.history(OTHER_GUILD, None).await.unwrap().games.is_empty());
        let story = env.service.replay(GUILD, &ReplayTarget::Game(game)).await.unwrap();
        assert_eq!(story.rounds.len(), 1);
        assert_eq!(story.teams, ["Ann & Bob"]);
    }
);

service_test!(
    a_replay_of_an_unfinished_or_unknown_game_is_not_found_postgres,
    a_replay_of_an_unfinished_or_unknown_game_is_not_found_sqlite,
    |env| async move {
        env.team(ANN, BOB).await;
        let running = env
            .service
            .open_game(&env.caller(ANN), CHANNEL, options(Mode::TwoPlayer, &[]), &env.source())
            .await
            .unwrap();
        assert!(running.events.iter().any(|e| matches!(e, GameEvent::GameStarted { .. })));
        let error =
            env.service.replay(GUILD, &ReplayTarget::Game(running.game_id)).await.unwrap_err();
        assert!(matches!(error, ServiceError::ReplayNotFound(_)), "{error:?}");
        let error =
            env.service.replay(GUILD, &ReplayTarget::Name("river-123".into())).await.unwrap_err();
        assert!(matches!(error, ServiceError::ReplayNotFound(_)), "{error:?}");
        assert_eq!(
            error.to_string(),
            "there is no finished game called `river-123` in this server"
        );
    }
);

/// The game's replay name, once the replay-names reactor has given it one.
async fn replay_name_of(env: &TestEnv, game: GameId) -> String {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        env.settle().await;
        let history = env.service.history(GUILD, None).await.unwrap();
        let named = history
            .games
            .iter()
            .find(|g| g.replay_name != game.to_string())
            .map(|g| g.replay_name.clone());
        if let Some(name) = named {
            return name;
        }
        assert!(tokio::time::Instant::now() < deadline, "the game never got a replay name");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

service_test!(
    a_game_played_in_one_guild_is_not_visible_from_another_postgres,
    a_game_played_in_one_guild_is_not_visible_from_another_sqlite,
    |env| async move {
        // Arrange: Ann and Bob finish a game in GUILD; they are a team in OTHER_GUILD too.
        env.team(ANN, BOB).await;
        let game = play_one_round(&env).await;
        let name = replay_name_of(&env, game).await;
        let there = |user| Caller::in_guild(OTHER_GUILD, user, name_of(user), false);
        env.service.invite(&there(ANN), (BOB, name_of(BOB)), None, &env.source()).await.unwrap();
        env.service.accept(&there(BOB), &env.source()).await.unwrap();
        env.settle().await;

        // Act and assert: the game is told where it was played...
        let here = env.service.replay(GUILD, &ReplayTarget::Name(name.clone())).await.unwrap();
        assert_eq!(here.replay_name, name);
        assert!(env.service.replay(GUILD, &ReplayTarget::Game(game)).await.is_ok());
        // ...and from the other guild it is "no such replay here", by name and by id, in the
        // same words as a name that names nothing.
        for target in [
            ReplayTarget::Name(name.clone()),
            ReplayTarget::Name(name.to_uppercase()),
            ReplayTarget::Game(game),
        ] {
            let error = env.service.replay(OTHER_GUILD, &target).await.unwrap_err();
            assert!(matches!(error, ServiceError::ReplayNotFound(_)), "{target:?}: {error:?}");
            assert!(error.is_user_error());
            assert!(error.to_string().ends_with("in this server"), "{error}");
        }
        // Statistics, team statistics, history and the leaderboard stay in their guild.
        let ann =
            player(env.service.stats(OTHER_GUILD, ANN, &StatsTarget::Player(None)).await.unwrap());
        assert_eq!((ann.games, ann.wins), (0, 0), "{ann:?}");
        let StatsReply::Team(team) =
            env.service.stats(OTHER_GUILD, ANN, &StatsTarget::Team(None)).await.unwrap()
        else {
            panic!("Ann has a team in the other guild too")
        };
        assert_eq!((team.games, team.wins), (0, 0), "{team:?}");
        let error =
            env.service.stats(OTHER_GUILD, ANN, &StatsTarget::Team(Some("Ann & Bob".into()))).await;
        match error {
            Ok(StatsReply::Team(named)) => assert_eq!(named.games, 0, "{named:?}"),
            other => panic!("the other guild's own Ann & Bob, with no games: {other:?}"),
        }
        assert!(env.service.history(OTHER_GUILD, Some(ANN)).await.unwrap().games.is_empty());
        let board = env
            .service
            .leaderboard(OTHER_GUILD, LeaderboardKind::Players, Period::All)
            .await
            .unwrap();
        assert!(board.rows.is_empty(), "{board:?}");
        // A running game's channel status is asked through its guild's own stream.
        env.service
            .open_game(&env.caller(ANN), CHANNEL, options(Mode::TwoPlayer, &[]), &env.source())
            .await
            .unwrap();
        assert!(env.service.channel_status(GUILD, CHANNEL).await.unwrap().is_some());
        assert!(env.service.channel_status(OTHER_GUILD, CHANNEL).await.unwrap().is_none());
    }
);

service_test!(
    the_prefix_changes_only_with_manage_server_postgres,
    the_prefix_changes_only_with_manage_server_sqlite,
    |env| async move {
        assert_eq!(env.service.prefix(GUILD).await.unwrap().as_str(), "wm");
        let new = Prefix::parse("!").expect("a valid prefix");
        let error = env
            .service
            .change_prefix(&env.caller(ANN), new.clone(), &env.source())
            .await
            .unwrap_err();
        assert!(matches!(error, ServiceError::Guild(GuildError::MissingManageServer)), "{error:?}");
        let changed =
            env.service.change_prefix(&env.admin(ANN), new.clone(), &env.source()).await.unwrap();
        assert!(changed.changed);
        assert_eq!(env.service.prefix(GUILD).await.unwrap(), new);
        let settings = env.service.guild_settings(GUILD).await.unwrap();
        assert_eq!(settings.prefix, new);
        assert_eq!(settings.forbidden_list_size.get(), 12);
        assert_eq!(env.service.prefix(OTHER_GUILD).await.unwrap().as_str(), "wm");
    }
);

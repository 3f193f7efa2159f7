//! Player and team statistics, best partner, win streaks and leaderboards.
use chrono::TimeDelta;
use gamebot::discord::{Contender, LeaderboardKind, Period};
use gamebot::domain::game::{GameCommand, GameEvent};
use gamebot::domain::{GuildId, UserId};

use crate::helpers::{epoch, race, team, two_player, GUILD};

projection_test!(a_two_player_game_counts_matches_guesses_and_perfect_rounds, |bot| async move {
    // Arrange
    let pair = team("Counters", 51, 52);
    let game = bot.create(two_player(3, 3), &pair).await;

    // Act: rounds matched on the 1st, 2nd and 4th pair: 7 guesses for 3 matches, 1 perfect.
    bot.match_in(game, &pair, 1).await;
    bot.match_in(game, &pair, 2).await;
    bot.match_in(game, &pair, 4).await;
    bot.settle().await;

    // Assert
    let stats = bot.read.player_stats(GUILD, UserId(51)).await.unwrap();
    assert_eq!(
        (stats.games, stats.wins, stats.matches, stats.matched_guesses, stats.perfect_rounds),
        (1, 1, 3, 7, 1),
        "average 7/3 is within the threshold of 3: a win"
    );
    let partner = stats.best_partner.expect("a partner");
    assert_eq!((partner.partner, partner.wins, partner.games), (UserId(52), 1, 1));
    let team_stats = bot.read.team_stats(GUILD, pair.team_id).await.unwrap().expect("known");
    assert_eq!(
        (team_stats.games, team_stats.wins, team_stats.matches, team_stats.matched_guesses),
        (1, 1, 3, 7)
    );
    assert_eq!((team_stats.perfect_rounds, team_stats.win_streak), (1, 1));
    assert_eq!(team_stats.name, "Counters");
    // Another guild sees neither the team nor its players' games.
    let elsewhere = GuildId(GUILD.0 + 1);
    assert_eq!(bot.read.team_stats(elsewhere, pair.team_id).await.unwrap(), None);
    assert_eq!(bot.read.player_stats(elsewhere, UserId(51)).await.unwrap().games, 0);
    assert!(bot.read.recent_games(elsewhere, None, 10).await.unwrap().games.is_empty());
    let nobody = bot.read.player_stats(GUILD, UserId(59)).await.unwrap();
    assert_eq!((nobody.games, nobody.best_partner), (0, None));
    let board = bot
        .read
        .leaderboard(GUILD, LeaderboardKind::Players, Period::All, epoch(), 10)
        .await
        .unwrap();
    let who: Vec<_> = board.rows.iter().map(|r| (r.who.clone(), r.wins, r.games)).collect();
    assert_eq!(
        who,
        vec![(Contender::Player(UserId(51)), 1, 1), (Contender::Player(UserId(52)), 1, 1)]
    );
});

projection_test!(races_rank_teams_by_wins_then_win_rate, |bot| async move {
    // Arrange
    let a = team("Aces", 61, 62);
    let b = team("Bees", 63, 64);
    let c = team("Cees", 65, 66);

    // Act: three races between Aces and Bees (Aces win two), and one solo win for Cees.
    for (round, (winner, loser)) in [(&a, &b), (&b, &a), (&a, &b)].into_iter().enumerate() {
        bot.clock.set(epoch() - TimeDelta::hours(3 - round as i64));
        let game = bot.create(race(), winner).await;
        bot.exec(game, GameCommand::JoinGame { guild: GUILD, team: loser.clone() }).await;
        bot.exec(game, GameCommand::StartGame { guild: GUILD, by: winner.players[0] }).await;
        bot.match_in(game, winner, 1).await;
        bot.match_in(game, winner, 2).await;
        bot.match_in(game, loser, 3).await;
        bot.end_race(game).await;
    }
    bot.two_player_game(&c, 1, epoch() - TimeDelta::minutes(30)).await;
    bot.settle().await;

    // Assert
    let board = bot
        .read
        .leaderboard(GUILD, LeaderboardKind::Teams, Period::All, epoch(), 10)
        .await
        .unwrap();
    let rows: Vec<_> = board.rows.iter().map(|r| (r.who.clone(), r.wins, r.games)).collect();
    assert_eq!(
        rows,
        vec![
            (Contender::Team("Aces".into()), 2, 3),
            (Contender::Team("Cees".into()), 1, 1),
            (Contender::Team("Bees".into()), 1, 3),
        ],
        "wins first, then win rate"
    );
    let ace = bot.read.player_stats(GUILD, UserId(61)).await.unwrap();
    assert_eq!((ace.games, ace.wins, ace.matches, ace.matched_guesses), (3, 2, 5, 9));
    let bee = bot.read.team_stats(GUILD, b.team_id).await.unwrap().unwrap();
    assert_eq!((bee.games, bee.wins, bee.matches, bee.matched_guesses), (3, 1, 4, 9));
    assert_eq!(bee.win_streak, 0, "Bees lost the last race");
    let history = bot.read.recent_games(GUILD, Some(UserId(63)), 2).await.unwrap();
    let won: Vec<_> = history.games.iter().map(|g| g.won).collect();
    assert_eq!(won, vec![Some(false), Some(true)], "newest first, limited to 2");
    assert_eq!(history.games[1].winners, vec!["Bees".to_owned()]);
});

projection_test!(the_best_partner_is_the_one_with_most_wins_together, |bot| async move {
    // Arrange: 71 plays with 72 (one win, one loss) and with 73 (two wins).
    let with_72 = team("Seventy Two", 71, 72);
    let with_73 = team("Seventy Three", 71, 73);

    // Act
    bot.two_player_game(&with_72, 1, epoch() - TimeDelta::hours(4)).await;
    bot.two_player_game(&with_72, 3, epoch() - TimeDelta::hours(3)).await;
    bot.two_player_game(&with_73, 1, epoch() - TimeDelta::hours(2)).await;
    bot.two_player_game(&with_73, 2, epoch() - TimeDelta::hours(1)).await;
    bot.settle().await;

    // Assert
    let stats = bot.read.player_stats(GUILD, UserId(71)).await.unwrap();
    assert_eq!((stats.games, stats.wins), (4, 3));
    let best = stats.best_partner.expect("a best partner");
    assert_eq!((best.partner, best.wins, best.games), (UserId(73), 2, 2));
    let other = bot.read.player_stats(GUILD, UserId(72)).await.unwrap().best_partner.unwrap();
    assert_eq!((other.partner, other.wins, other.games), (UserId(71), 1, 2));
});

projection_test!(a_team_win_streak_counts_wins_since_its_last_loss, |bot| async move {
    // Arrange
    let pair = team("Streakers", 81, 82);
    let cases = [
        ("a first win", 1, 1),
        ("a second win", 2, 2),
        ("a loss resets it", 3, 0),
        ("a win after the loss", 1, 1),
        ("another win", 2, 2),
    ];
    for (step, (description, guesses, streak)) in cases.into_iter().enumerate() {
        // Act
        bot.two_player_game(&pair, guesses, epoch() + TimeDelta::minutes(step as i64)).await;
        bot.settle().await;

        // Assert
        let stats = bot.read.team_stats(GUILD, pair.team_id).await.unwrap().unwrap();
        assert_eq!(stats.win_streak, streak, "{description}");
        assert_eq!(stats.games, step as u32 + 1, "{description}");
    }
});

projection_test!(leaderboard_periods_count_games_ended_within_them, |bot| async move {
    // Arrange: a win 10 days ago, one 2 days ago, one an hour ago.
    bot.two_player_game(&team("Old", 91, 92), 1, epoch() - TimeDelta::days(10)).await;
    bot.two_player_game(&team("Recent", 93, 94), 1, epoch() - TimeDelta::days(2)).await;
    bot.two_player_game(&team("Fresh", 95, 96), 1, epoch() - TimeDelta::hours(1)).await;
    bot.settle().await;
    let cases = [
        (Period::Day, vec![95, 96]),
        (Period::Week, vec![93, 94, 95, 96]),
        (Period::Month, vec![91, 92, 93, 94, 95, 96]),
        (Period::All, vec![91, 92, 93, 94, 95, 96]),
    ];
    for (period, expected) in cases {
        // Act
        let board = bot
            .read
            .leaderboard(GUILD, LeaderboardKind::Players, period, epoch(), 10)
            .await
            .unwrap();

        // Assert
        let mut players: Vec<u64> = board
            .rows
            .iter()
            .map(|r| match r.who {
                Contender::Player(p) => p.0,
                Contender::Team(_) => panic!("a players board lists players"),
            })
            .collect();
        players.sort_unstable();
        assert_eq!(players, expected, "{period:?}");
        assert_eq!(board.period, period);
    }
    let teams = bot
        .read
        .leaderboard(GUILD, LeaderboardKind::Teams, Period::Week, epoch(), 10)
        .await
        .unwrap();
    let mut names: Vec<_> = teams.rows.iter().map(|r| r.who.clone()).collect();
    names.sort_by_key(|c| format!("{c:?}"));
    assert_eq!(names, vec![Contender::Team("Fresh".into()), Contender::Team("Recent".into())]);
});

projection_test!(give_ups_and_misses_do_not_count_as_matches, |bot| async move {
    // Arrange
    let quitters = team("Quitters", 121, 122);
    let others = team("Others", 123, 124);
    let game = bot.create(race(), &quitters).await;
    bot.exec(game, GameCommand::JoinGame { guild: GUILD, team: others.clone() }).await;
    bot.exec(game, GameCommand::StartGame { guild: GUILD, by: UserId(121) }).await;

    // Act: a miss, a give up, then a match; the other team never matches.
    bot.resolve(game, &quitters, crate::helpers::Resolve::Miss).await;
    bot.exec(game, GameCommand::GiveUp { guild: GUILD, player: UserId(122) }).await;
    let matched = bot.resolve(game, &quitters, crate::helpers::Resolve::Match).await;
    bot.end_race(game).await;
    bot.settle().await;

    // Assert
    let guess_count = matched
        .events
        .iter()
        .find_map(|e| match e {
            GameEvent::PairResolved { guess_count, result, .. } if result.is_match() => {
                Some(*guess_count)
            }
            _ => None,
        })
        .expect("the last pair matched");
    let stats = bot.read.player_stats(GUILD, UserId(121)).await.unwrap();
    assert_eq!((stats.games, stats.wins, stats.matches), (1, 1, 1));
    assert_eq!(stats.matched_guesses, guess_count, "the guesses of the matching pair only");
    assert_eq!(stats.perfect_rounds, u32::from(guess_count == 1));
    let other = bot.read.team_stats(GUILD, others.team_id).await.unwrap().unwrap();
    assert_eq!((other.games, other.wins, other.matches, other.win_streak), (1, 0, 0, 0));
});

projection_test!(a_cancelled_game_counts_in_no_statistics, |bot| async move {
    // Arrange
    let pair = team("Cancellers", 131, 132);
    let game = bot.create(two_player(3, 3), &pair).await;
    bot.match_in(game, &pair, 1).await;

    // Act
    bot.exec(
        game,
        GameCommand::CancelGame { guild: GUILD, by: UserId(132), has_manage_guild: false },
    )
    .await;
    bot.settle().await;

    // Assert
    let stats = bot.read.player_stats(GUILD, UserId(131)).await.unwrap();
    assert_eq!((stats.games, stats.matches, stats.perfect_rounds), (0, 0, 0));
    assert_eq!(stats.best_partner, None);
    assert_eq!(bot.read.team_stats(GUILD, pair.team_id).await.unwrap(), None);
    let board = bot
        .read
        .leaderboard(GUILD, LeaderboardKind::Players, Period::All, epoch(), 10)
        .await
        .unwrap();
    assert!(board.rows.is_empty());
});

//! Rebuilding a read model from the whole log gives exactly the live one; an event a subscriber
//! cannot handle is retried, parked in the dead-letter table, and skipped.
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::TimeDelta;
use gamebot::discord::{LeaderboardKind, Period};
use gamebot::domain::game::GameCommand;
use gamebot::domain::{GameId, TeamId, UserId};
use gamebot::projections::{projection_status, rebuild, PROJECTION_NAMES};
use gamebot::runtime::{HandleError, Subscriber};
use gamebot::store::{ReadModelTx, RecordedEvent};

use crate::helpers::{epoch, race, team, TestBot, CHANNEL, GUILD};

/// Every query answer the read models give about these games, players and teams, as text.
async fn everything(bot: &TestBot, games: &[GameId], players: &[u64], teams: &[TeamId]) -> String {
    let read = &bot.read;
    let mut out = Vec::new();
    for game in games {
        out.push(format!("{:?}", read.game(*game).await.unwrap()));
        out.push(format!("{:?}", read.replay_name_of(*game).await.unwrap()));
    }
    out.push(format!("{:?}", read.open_game_in_channel(GUILD, CHANNEL).await.unwrap()));
    out.push(format!("{:?}", read.recent_games(GUILD, None, 50).await.unwrap()));
    for player in players {
        let user = UserId(*player);
        out.push(format!("{:?}", read.player_stats(GUILD, user).await.unwrap()));
        out.push(format!("{:?}", read.recent_games(GUILD, Some(user), 50).await.unwrap()));
        out.push(format!("{:?}", read.active_games_of(user).await.unwrap()));
        out.push(format!("{:?}", read.current_team(GUILD, user).await.unwrap()));
    }
    for team in teams {
        out.push(format!("{:?}", read.team_stats(GUILD, *team).await.unwrap()));
    }
    for kind in [LeaderboardKind::Players, LeaderboardKind::Teams] {
        for period in [Period::Day, Period::Week, Period::Month, Period::All] {
            out.push(format!(
                "{:?}",
                read.leaderboard(GUILD, kind, period, epoch(), 10).await.unwrap()
            ));
        }
    }
    out.push(format!("{:?}", read.replay_by_name("ember-123").await.unwrap()));
    out.join("\n")
}

projection_test!(
    rebuilding_every_projection_gives_exactly_the_live_read_models,
    |bot| async move {
        // Arrange: finished, cancelled, named and still open games.
        let a = team("Rebuild A", 101, 102);
        let b = team("Rebuild B", 103, 104);
        let c = team("Rebuild C", 105, 106);
        let won = bot.two_player_game(&a, 1, epoch() - TimeDelta::days(3)).await;
        bot.exec(won, GameCommand::NameReplay { guild: GUILD, name: "ember-123".into() }).await;
        let lost = bot.two_player_game(&b, 4, epoch() - TimeDelta::hours(5)).await;
        bot.clock.set(epoch() - TimeDelta::hours(2));
        let raced = bot.create(race(), &a).await;
        bot.exec(raced, GameCommand::JoinGame { guild: GUILD, team: b.clone() }).await;
        bot.exec(raced, GameCommand::StartGame { guild: GUILD, by: UserId(101) }).await;
        bot.match_in(raced, &b, 2).await;
        bot.end_race(raced).await;
        bot.clock.set(epoch() - TimeDelta::hours(1));
        let cancelled = bot.create(race(), &c).await;
        bot.exec(
            cancelled,
            GameCommand::CancelGame { guild: GUILD, by: UserId(105), has_manage_guild: false },
        )
        .await;
        let open = bot.create(race(), &b).await;
        bot.exec(open, GameCommand::JoinGame { guild: GUILD, team: c.clone() }).await;
        bot.settle().await;
        let games = [won, lost, raced, cancelled, open];
        let players = [101, 102, 103, 104, 105, 106];
        let teams = [a.team_id, b.team_id, c.team_id];
        let live = everything(&bot, &games, &players, &teams).await;
        bot.runtime.stop_subscriptions();
        tokio::time::sleep(Duration::from_millis(100)).await;

        // Act
        let reports = rebuild(&*bot.store, "all").await.expect("the rebuild runs");

        // Assert
        let head = bot.store.last_position().await.unwrap();
        let names: Vec<&str> = reports.iter().map(|r| r.name).collect();
        assert_eq!(names, PROJECTION_NAMES.to_vec());
        assert!(reports.iter().all(|r| r.position == head), "{reports:?} vs head {head}");
        let rebuilt = everything(&bot, &games, &players, &teams).await;
        assert_eq!(rebuilt, live);
        assert!(live.contains("Rebuild A"), "the comparison covers real rows: {live}");
        let statuses = projection_status(&*bot.store).await.unwrap();
        assert!(statuses.iter().all(|s| s.checkpoint == Some(head) && s.lag == 0), "{statuses:?}");
        let unknown = rebuild(&*bot.store, "nonsense").await.expect_err("an unknown name fails");
        assert!(unknown.to_string().contains("player_stats"), "{unknown}");
    }
);

/// A subscriber that cannot handle `PairResolved` and records what it did handle.
#[derive(Default)]
struct Faulty {
    handled: Mutex<Vec<String>>,
}

#[async_trait]
impl Subscriber for Faulty {
    fn name(&self) -> &'static str {
        "faulty_test"
    }

    async fn handle(
        &self,
        _tx: &mut ReadModelTx,
        event: &RecordedEvent,
    ) -> Result<(), HandleError> {
        if event.event_type == "PairResolved" {
            return Err(HandleError::Unhandled("this test cannot take pairs".into()));
        }
        self.handled.lock().unwrap().push(event.event_type.clone());
        Ok(())
    }
}

projection_test!(
    an_event_that_keeps_failing_is_parked_and_the_projection_moves_on,
    |bot| async move {
        // Arrange
        let faulty = Arc::new(Faulty::default());
        bot.runtime.subscribe(faulty.clone());
        let pair = team("Parked", 111, 112);

        // Act: one round matched on the second pair: two PairResolved events, then GameEnded.
        bot.two_player_game(&pair, 2, epoch()).await;
        bot.settle().await;

        // Assert
        let parked = bot.store.dead_letters().await.unwrap();
        let ours: Vec<_> = parked.iter().filter(|d| d.subscription == "faulty_test").collect();
        assert_eq!(ours.len(), 2, "{parked:?}");
        assert_eq!(bot.store.dead_letter_count().await.unwrap(), parked.len() as u64);
        assert!(ours.iter().all(|d| d.event_type == "PairResolved"));
        assert!(ours[0].error.contains("cannot take pairs"), "{}", ours[0].error);
        assert!(
            parked.iter().all(|d| d.subscription == "faulty_test"),
            "real projections park nothing"
        );
        let head = bot.store.last_position().await.unwrap();
        assert_eq!(bot.store.load_checkpoint("faulty_test").await.unwrap(), Some(head));
        assert!(faulty.handled.lock().unwrap().contains(&"GameEnded".to_owned()), "it moved on");
        let stats = bot.read.player_stats(GUILD, UserId(111)).await.unwrap();
        assert_eq!((stats.matches, stats.matched_guesses), (1, 2));
    }
);

//! Replay names both ways.
use gamebot::domain::game::GameCommand;

use crate::helpers::{epoch, team, GUILD};

projection_test!(a_replay_name_finds_its_game_whatever_the_case_and_back, |bot| async move {
    // Arrange
    let pair = team("Replayers", 41, 42);
    let game = bot.two_player_game(&pair, 1, epoch()).await;

    // Act
    bot.exec(game, GameCommand::NameReplay { guild: GUILD, name: "lantern-417".into() }).await;
    bot.settle().await;

    // Assert
    assert_eq!(bot.read.replay_by_name("lantern-417").await.unwrap(), Some(game));
    assert_eq!(bot.read.replay_by_name("  Lantern-417 ").await.unwrap(), Some(game));
    assert_eq!(bot.read.replay_by_name("lantern-418").await.unwrap(), None);
    assert_eq!(bot.read.replay_name_of(game).await.unwrap().as_deref(), Some("lantern-417"));
    let view = bot.read.game(game).await.unwrap().unwrap();
    assert_eq!(view.replay_name.as_deref(), Some("lantern-417"));
    let history = bot.read.recent_games(GUILD, None, 10).await.unwrap();
    assert_eq!(history.games[0].replay_name, "lantern-417");
});

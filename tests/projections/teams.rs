//! The teams read model: formation, renames with their history, lookups by name and member.
use gamebot::discord::{Contender, LeaderboardKind, Period};
use gamebot::domain::game::TeamSnapshot;
use gamebot::domain::team::{Member, NameOrigin, TeamCommand, TeamName};
use gamebot::domain::{TeamId, UserId};
use gamebot::projections::TeamState;
use uuid::Uuid;

use crate::helpers::{epoch, GUILD};

fn member(user: u64, name: &str) -> Member {
    Member { user: UserId(user), display_name: name.to_owned() }
}

projection_test!(a_renamed_team_is_found_by_its_new_name_and_keeps_its_history, |bot| async move {
    // Arrange: 201 invites 202 as "Night Owls"; 202 accepts.
    let team_id = TeamId(Uuid::new_v4());
    bot.exec_team(
        team_id,
        TeamCommand::InviteTeammate {
            team_id,
            guild: GUILD,
            inviter: member(201, "Ann"),
            invitee: member(202, "Bob"),
            name: Some(TeamName::parse("Night Owls").unwrap()),
        },
    )
    .await;
    bot.settle().await;
    let invited = bot.read.team(team_id).await.unwrap().expect("the invitation is known");
    bot.exec_team(team_id, TeamCommand::AcceptInvitation { by: UserId(202) }).await;
    bot.settle().await;
    let before_games = bot.read.team_stats(GUILD, team_id).await.unwrap();

    // Act: renamed, then a game under the old name it joined with.
    bot.exec_team(
        team_id,
        TeamCommand::RenameTeam { by: UserId(202), name: TeamName::parse("Early Birds").unwrap() },
    )
    .await;
    let snapshot = TeamSnapshot {
        team_id,
        name: "Night Owls".into(),
        players: [UserId(201), UserId(202)],
        forbidden: [Vec::new(), Vec::new()],
    };
    bot.two_player_game(&snapshot, 1, epoch()).await;
    bot.settle().await;

    // Assert
    assert_eq!(invited.state, TeamState::Invited);
    let before_games = before_games.expect("a formed team has (empty) stats");
    assert_eq!((before_games.name.as_str(), before_games.games), ("Night Owls", 0));
    let found = bot.read.team_by_name(GUILD, "  EARLY birds ").await.unwrap().expect("found");
    assert_eq!(found.team_id, team_id);
    assert_eq!(found.state, TeamState::Formed);
    assert_eq!(found.members, [UserId(201), UserId(202)]);
    let history: Vec<(&str, NameOrigin)> =
        found.name_history.iter().map(|n| (n.name.as_str(), n.origin)).collect();
    assert_eq!(history, [("Night Owls", NameOrigin::Chosen), ("Early Birds", NameOrigin::Chosen)]);
    assert!(bot.read.team_by_name(GUILD, "Night Owls").await.unwrap().is_none());
    let current = bot.read.current_team(GUILD, UserId(202)).await.unwrap().expect("in a team");
    assert_eq!(current.team_id, team_id);
    assert!(bot.read.current_team(GUILD, UserId(203)).await.unwrap().is_none());
    let stats = bot.read.team_stats(GUILD, team_id).await.unwrap().unwrap();
    assert_eq!((stats.name.as_str(), stats.games, stats.wins), ("Early Birds", 1, 1));
    let board = bot
        .read
        .leaderboard(GUILD, LeaderboardKind::Teams, Period::All, epoch(), 10)
        .await
        .unwrap();
    assert_eq!(board.rows[0].who, Contender::Team("Early Birds".into()), "the current name");
});

//! A whole Race game driven only by Discord messages: teams, lobby, start, answers by DM, the
//! clock running out, and the one `Game over` message.
use crate::harness::*;

/// Forms a team: `inviter` invites `invitee` under `name` and `invitee` accepts.
pub async fn form_team(
    world: &World,
    inviter: &crate::fake_discord::ScriptedUser,
    invitee: &crate::fake_discord::ScriptedUser,
    name: &str,
) {
    let invite = world.command(inviter, &format!("wmteam {} {name}", invitee.mention())).await;
    assert!(invite.mentions(invitee.id()), "the invitation pings the invitee: {}", invite.content);
    let formed = world.command(invitee, "wmok").await;
    assert!(formed.content.contains(name), "team formed: {}", formed.content);
}

#[actix_rt::test]
async fn a_whole_race_game_is_played_through_discord_messages() {
    let Some(world) = World::start(Setup::new().speed(6)).await else { return };
    let ann = world.user(3_000_000_000_000_011, "ann");
    let bob = world.user(3_000_000_000_000_012, "bob");
    let cid = world.user(3_000_000_000_000_013, "cid");
    let dee = world.user(3_000_000_000_000_014, "dee");
    form_team(&world, &ann, &bob, "Foxes").await;
    form_team(&world, &cid, &dee, "Owls").await;

    let lobby = world.command(&ann, "wmrace time_seconds=30").await;
    assert!(lobby.content.contains("Race"), "{}", lobby.content);
    let joined = world.command(&cid, "wmjoin").await;
    assert!(joined.content.contains("Owls"), "{}", joined.content);
    let mark = world.mark();
    let started = world.command(&ann, "wmstart").await;
    assert!(started.content.contains("started"), "{}", started.content);

    let ann_pair = world.dm_after(&ann, mark, is_pair).await;
    let bob_pair = world.dm_after(&bob, mark, is_pair).await;
    let pair = pair_of(&ann_pair);
    assert_eq!(pair, pair_of(&bob_pair), "both players get the same pair");

    let word = answer_for(&pair, &[]);
    let got = world.dm(&ann, word, |c| c.starts_with("Got it")).await;
    assert!(got.content.contains(word));
    let mark = world.mark();
    bob.say_in_dm(word);
    let matched = world.dm_after(&ann, mark, |c| c.contains("Match!")).await;
    assert!(matched.content.contains(word));
    world.dm_after(&bob, mark, |c| c.contains("Match!")).await;
    // Race deals the team a new pair at once.
    world.dm_after(&ann, mark, is_pair).await;

    let over = world
        .next_message(0, "Game over", |m| {
            m.channel_id == CHANNEL && m.content.contains("Game over")
        })
        .await;
    let lines: Vec<&str> = over.content.lines().collect();
    assert!(lines[0].contains("Game over"), "{}", over.content);
    assert_eq!(lines[1], "Winner: Foxes", "{}", over.content);
    assert!(lines.last().unwrap().starts_with("Replay: "), "{}", over.content);
    let game_overs = world
        .fake
        .channel_messages(CHANNEL)
        .iter()
        .filter(|m| m.content.contains("Game over"))
        .count();
    assert_eq!(game_overs, 1, "exactly one Game over message");
    world.finish().await;
}

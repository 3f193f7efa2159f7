//! A whole Race game driven only by Discord messages, on SQLite and on PostgreSQL: teams,
//! lobby, start, answers by DM, the clock running out, and the one `Game over` message.
use crate::harness::*;

async fn a_whole_race_game(backend: Backend) {
    let Some(world) = World::start(Setup::new().backend(backend).speed(6)).await else { return };
    let p = world.players();
    let (ann, bob, cid, dee) = (&p[0], &p[1], &p[2], &p[3]);
    form_team(&world, ann, bob, "Foxes").await;
    form_team(&world, cid, dee, "Owls").await;

    let lobby = world.command(ann, "wmrace time_seconds=30").await;
    assert!(lobby.content.contains("Race"), "{}", lobby.content);
    let joined = world.command(cid, "wmjoin").await;
    assert!(joined.content.contains("Owls"), "{}", joined.content);
    let mark = world.mark();
    let started = world.command(ann, "wmstart").await;
    assert!(started.content.contains("started"), "{}", started.content);

    let ann_pair = pair_after(&world, ann, mark).await;
    assert_eq!(ann_pair, pair_after(&world, bob, mark).await, "both players get the same pair");
    let mut used = Vec::new();
    let after_match = world.mark();
    play_match(&world, ann, bob, mark, &mut used).await;
    // Race deals the team a new pair at once.
    pair_after(&world, ann, after_match).await;

    let lines = game_over_in(&world, CHANNEL).await;
    assert_eq!(lines[1], "Winner: Foxes");
    let game_overs = world
        .fake
        .channel_messages(CHANNEL)
        .iter()
        .filter(|m| m.content.contains("Game over"))
        .count();
    assert_eq!(game_overs, 1, "exactly one Game over message");
    assert_no_duplicates(&world);
    world.finish().await;
}

#[actix_rt::test]
async fn a_whole_race_game_is_played_through_discord_messages() {
    a_whole_race_game(Backend::Sqlite).await;
}

#[actix_rt::test]
async fn a_whole_race_game_is_played_through_discord_messages_on_postgres() {
    a_whole_race_game(Backend::Postgres).await;
}

//! A full game of every other mode, from the team commands to `Game over`: Two Player, Knockout
//! and Golf Race on a fast clock, Longform on a much faster one (hour-long rounds pass in
//! seconds, with the round's dramatic reveal).
use crate::harness::*;

#[actix_rt::test]
async fn a_two_player_game_starts_at_once_and_is_won_under_the_threshold() {
    let Some(world) = World::start(Setup::new()).await else { return };
    let p = world.players();
    let (ann, bob) = (&p[0], &p[1]);
    form_team(&world, ann, bob, "Foxes").await;
    let mark = world.mark();
    let started = world.command(ann, "wm2p rounds=2").await;
    assert!(started.content.contains("Two Player"), "{}", started.content);
    let mut used = Vec::new();
    let round_two = world.mark();
    play_match(&world, ann, bob, mark, &mut used).await;
    // The next round starts at once with a new pair.
    play_match(&world, ann, bob, round_two, &mut used).await;
    let lines = game_over_in(&world, CHANNEL).await;
    assert_eq!(lines[1], "Winner: Foxes");
    assert_no_duplicates(&world);
    world.finish().await;
}

#[actix_rt::test]
async fn a_knockout_game_ends_when_the_slowest_team_is_eliminated() {
    let Some(world) = World::start(Setup::new().speed(6)).await else { return };
    let p = world.players();
    let (ann, bob, cid, dee) = (&p[0], &p[1], &p[2], &p[3]);
    form_team(&world, ann, bob, "Foxes").await;
    form_team(&world, cid, dee, "Owls").await;
    world.command(ann, "wmknockout round_seconds=30 round_delay_seconds=1").await;
    world.command(cid, "wmjoin").await;
    let mark = world.mark();
    world.command(ann, "wmstart").await;
    let mut used = Vec::new();
    play_match(&world, ann, bob, mark, &mut used).await;
    let mut owls_used = Vec::new();
    play_miss(&world, cid, dee, mark, &mut owls_used).await;
    let retry = world.mark();
    // The new pair is the two answers; the Owls now match on guess 2.
    let word = answer_for(&[owls_used[0].to_owned(), owls_used[1].to_owned()], &owls_used);
    world.dm(cid, word, |c| c.starts_with("Got it")).await;
    dee.say_in_dm(word);
    world.dm_after(dee, retry, |c| c.contains("Match!")).await;

    let summary = world
        .next_message(0, "the round summary", |m| {
            m.channel_id == CHANNEL && m.content.contains("Round 1 is over")
        })
        .await;
    assert!(summary.content.contains("Owls"), "{}", summary.content);
    world.dm_after(cid, retry, |c| c.contains("out of the game")).await;
    let lines = game_over_in(&world, CHANNEL).await;
    assert_eq!(lines[1], "Winner: Foxes");
    assert_no_duplicates(&world);
    world.finish().await;
}

#[actix_rt::test]
async fn a_golf_race_game_counts_points_until_the_clock_ends() {
    let Some(world) = World::start(Setup::new().speed(6)).await else { return };
    let p = world.players();
    let (ann, bob, cid, dee) = (&p[0], &p[1], &p[2], &p[3]);
    form_team(&world, ann, bob, "Foxes").await;
    form_team(&world, cid, dee, "Owls").await;
    world.command(ann, "wmgolf time_seconds=30").await;
    world.command(cid, "wmjoin").await;
    let mark = world.mark();
    world.command(ann, "wmstart").await;
    let mut used = Vec::new();
    play_match(&world, ann, bob, mark, &mut used).await;
    let lines = game_over_in(&world, CHANNEL).await;
    assert_eq!(lines[1], "Winner: Foxes");
    assert!(lines.iter().any(|l| l.contains("Foxes") && l.contains("4 points")), "{lines:?}");
    world.finish().await;
}

#[actix_rt::test]
async fn a_longform_game_reveals_each_round_and_ends_with_the_last_team() {
    // One game hour passes in six real seconds; the 15-minute default lobby would close in 1.5.
    let setup = Setup::new().speed(600).var("GAMEBOT_GAMES__LOBBY_TIMEOUT_SECONDS", "86400");
    let Some(world) = World::start(setup).await else { return };
    let p = world.players();
    let (ann, bob, cid, dee, eve, fay) = (&p[0], &p[1], &p[2], &p[3], &p[4], &p[5]);
    form_team(&world, ann, bob, "Foxes").await;
    form_team(&world, cid, dee, "Owls").await;
    form_team(&world, eve, fay, "Bees").await;
    world.command(ann, "wmlongform round_hours=1").await;
    world.command(cid, "wmjoin").await;
    world.command(eve, "wmjoin").await;
    let mark = world.mark();
    world.command(ann, "wmstart").await;

    // Round 1: Foxes and Owls match; Bees never answer and go out at the round's end.
    let mut foxes = Vec::new();
    let mut owls = Vec::new();
    play_match(&world, ann, bob, mark, &mut foxes).await;
    play_match(&world, cid, dee, mark, &mut owls).await;
    let reveal = world
        .next_message(mark, "the round 1 reveal", |m| {
            m.channel_id == CHANNEL && m.content.starts_with("Eliminated in round 1")
        })
        .await;
    assert!(reveal.content.contains("Bees"), "{}", reveal.content);
    let revealed = world.fake.channel_messages(CHANNEL);
    assert!(
        revealed.iter().any(|m| m.content.contains("**Foxes**, round 1")),
        "each team's guesses are revealed"
    );

    // Round 2: only the Foxes match; the Owls go out and the Foxes win.
    let round_two = world.mark();
    play_match(&world, ann, bob, round_two, &mut foxes).await;
    let lines = game_over_in(&world, CHANNEL).await;
    assert_eq!(lines[1], "Winner: Foxes");
    assert_no_duplicates(&world);
    world.finish().await;
}

#[actix_rt::test]
async fn an_unstarted_lobby_closes_and_an_unanswered_game_ends_with_the_configured_timeouts() {
    // Half an hour of game time passes in three real seconds.
    let setup = Setup::new()
        .speed(600)
        .var("GAMEBOT_GAMES__LOBBY_TIMEOUT_SECONDS", "1800")
        .var("GAMEBOT_GAMES__IDLE_TIMEOUT_SECONDS", "1800");
    let Some(world) = World::start(setup).await else { return };
    let p = world.players();
    let (ann, bob, cid, dee) = (&p[0], &p[1], &p[2], &p[3]);
    form_team(&world, ann, bob, "Foxes").await;
    form_team(&world, cid, dee, "Owls").await;

    // A Knockout lobby nobody starts closes, with a line in its channel.
    let mark = world.mark();
    world.command(ann, "wmknockout").await;
    world.command(cid, "wmjoin").await;
    let closed = world
        .next_message(mark, "the lobby closing", |m| {
            m.channel_id == CHANNEL && m.content.contains("lobby closed")
        })
        .await;
    assert_eq!(
        closed.content,
        "The Knockout lobby closed: nobody started the game within 30 minutes."
    );

    // The channel and both teams are free: a Two Player game opens, and nobody answers.
    let opened = world.command(ann, "wm2p").await;
    assert!(!first_line(&opened).starts_with("Error:"), "{}", opened.content);
    let lines = game_over_in(&world, CHANNEL).await;
    assert_eq!(
        lines[0],
        "**Game over!** Two Player, 1 team: no answers for 30 minutes, the game ends with no \
         winner."
    );
    assert_eq!(lines[1], "No winner");
    let again = world.command(cid, "wm2p").await;
    assert!(!first_line(&again).starts_with("Error:"), "the channel is free: {}", again.content);
    assert_no_duplicates(&world);
    world.finish().await;
}

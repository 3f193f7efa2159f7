//! Every guild command and DM rule through Discord: status, stats, leaderboards, history and
//! replays before and after a game; forbidden words and their variants; give up; the prefix
//! and its Manage Server check; cancelling someone else's game; parse errors; and messages
//! the bot must ignore.
use std::time::Duration;

use crate::harness::*;

/// Waits a moment and checks the bot did not reply to `message_id`.
async fn assert_no_reply(world: &World, message_id: u64) {
    tokio::time::sleep(Duration::from_millis(600)).await;
    let id = message_id.to_string();
    let replied = world.fake.recorded().messages.iter().any(|m| {
        m.message_reference.as_ref().and_then(|r| r["message_id"].as_str()) == Some(id.as_str())
    });
    assert!(!replied, "the bot replied to message {message_id}:\n{}", world.transcript());
}

#[actix_rt::test]
async fn status_stats_leaderboard_history_and_replay_answer_before_and_after_a_game() {
    let Some(world) = World::start(Setup::new()).await else { return };
    let p = world.players();
    let (ann, bob) = (&p[0], &p[1]);

    let empty = world.command(ann, "wmstatus").await;
    assert!(first_line(&empty).contains("no game"), "{}", empty.content);
    let stats = world.command(ann, "wmstats").await;
    assert!(stats.content.contains("has not played"), "{}", stats.content);
    let board = world.command(ann, "wmleaderboard").await;
    assert!(!board.content.starts_with("Error"), "{}", board.content);
    let history = world.command(ann, "wmhistory").await;
    assert!(history.content.contains("has not finished"), "{}", history.content);

    form_team(&world, ann, bob, "Foxes").await;
    let mark = world.mark();
    world.command(ann, "wm2p rounds=1").await;
    let status = world.command(bob, "wmstatus").await;
    assert!(status.text().contains("Two Player"), "{}", status.text());
    let dm_status = world.dm(ann, "status", |_| true).await;
    assert!(is_pair(&dm_status.content), "DM status repeats the pair: {}", dm_status.content);
    let mut used = Vec::new();
    play_match(&world, ann, bob, mark, &mut used).await;
    let name = replay_name(&game_over_in(&world, CHANNEL).await);

    let stats = world.command(ann, "wmstats").await;
    assert!(stats.content.contains("1 game"), "{}", stats.content);
    let team = world.command(bob, "wmstats team").await;
    assert!(team.text().contains("Foxes"), "{}", team.text());
    let named = world.command(bob, "wmstats team Foxes").await;
    assert!(named.text().contains("Foxes"), "{}", named.text());
    let board = world.command(ann, "wmleaderboard teams week").await;
    assert!(board.text().contains("Foxes"), "{}", board.text());
    let history = world.command(ann, "wmhistory").await;
    assert!(history.text().contains("Foxes"), "{}", history.text());
    let replay = world.command(ann, &format!("wmreplay {name}")).await;
    assert!(replay.text().contains(&name) && replay.text().contains(used[0]), "{}", replay.text());
    let missing = world.command(ann, "wmreplay nothing-123").await;
    assert!(first_line(&missing).starts_with("Error:"), "{}", missing.content);
    world.finish().await;
}

#[actix_rt::test]
async fn forbidden_words_variants_and_second_answers_are_refused_with_invalid() {
    let Some(world) = World::start(Setup::new()).await else { return };
    let p = world.players();
    let (ann, bob, cid, dee) = (&p[0], &p[1], &p[2], &p[3]);
    form_team(&world, ann, bob, "Foxes").await;
    form_team(&world, cid, dee, "Owls").await;
    world.command(ann, "wmrace time_seconds=600").await;
    world.command(cid, "wmjoin").await;
    let mark = world.mark();
    world.command(ann, "wmstart").await;
    let pair = pair_after(&world, ann, mark).await;

    let own = world.dm(ann, &pair[0], |c| c.starts_with("Invalid:")).await;
    assert!(first_line(&own).starts_with("Invalid:"), "a word of the pair: {}", own.content);
    world.dm(ann, "xqzvvt", |c| c.starts_with("Invalid:")).await;
    world.dm(ann, "two words", |c| c.starts_with("Invalid:")).await;

    let next = world.mark();
    let mut used = Vec::new();
    let word = play_match(&world, ann, bob, mark, &mut used).await;
    pair_after(&world, ann, next).await;
    // Now on both players' forbidden lists, and so are its variants.
    world.dm(ann, word, |c| c.starts_with("Invalid:")).await;
    world.dm(bob, &format!("{word}s"), |c| c.starts_with("Invalid:")).await;
    world.dm(bob, &word.to_uppercase(), |c| c.starts_with("Invalid:")).await;

    world.dm(ann, "candle", |c| c.starts_with("Got it")).await;
    let again = world.dm(ann, "rocket", |c| c.starts_with("Invalid:")).await;
    assert!(again.content.contains("already"), "{}", again.content);

    let cancel_mark = world.mark();
    let cancelled = world.command(ann, "wmcancel").await;
    assert!(cancelled.content.contains("cancelled"), "{}", cancelled.content);
    world.dm_after(dee, cancel_mark, |c| c.contains("cancelled")).await;
    world.finish().await;
}

#[actix_rt::test]
async fn give_up_skips_the_pair_in_race_and_is_refused_in_two_player() {
    let Some(world) = World::start(Setup::new()).await else { return };
    let p = world.players();
    let (ann, bob, cid, dee) = (&p[0], &p[1], &p[2], &p[3]);
    form_team(&world, ann, bob, "Foxes").await;
    form_team(&world, cid, dee, "Owls").await;
    world.command(ann, "wmrace time_seconds=600").await;
    world.command(cid, "wmjoin").await;
    let mark = world.mark();
    world.command(ann, "wmstart").await;
    let first = pair_after(&world, ann, mark).await;
    assert_eq!(first, pair_after(&world, bob, mark).await);

    let gave_up = world.mark();
    ann.say_in_dm("give up");
    let notice = world.dm_after(bob, gave_up, |c| c.starts_with("Gave up")).await;
    assert!(notice.content.contains(&first[0]), "{}", notice.content);
    let second = pair_after(&world, bob, gave_up).await;
    assert_ne!(first, second, "a new pair follows");
    assert!(world.command(ann, "wmcancel").await.content.contains("cancelled"));

    world.command(ann, "wm2p").await;
    let refused = world.dm(bob, "give up", |c| c.starts_with("Invalid:")).await;
    assert!(first_line(&refused).starts_with("Invalid:"), "{}", refused.content);
    world.finish().await;
}

#[actix_rt::test]
async fn only_a_member_with_manage_server_changes_the_prefix() {
    let Some(world) = World::start(Setup::new()).await else { return };
    let p = world.players();
    let (ann, bob) = (&p[0], &p[1]);
    let owner = world.user(OWNER, "owner");

    let refused = world.command(ann, "wmprefix !").await;
    assert!(first_line(&refused).starts_with("Error:"), "{}", refused.content);

    let changed = world.command(&owner, "wmprefix !").await;
    assert!(changed.content.contains('!'), "{}", changed.content);
    let old = ann.say_in_guild(GUILD, CHANNEL, "wmhelp");
    assert_no_reply(&world, old).await;
    let help = world.command(ann, "!help").await;
    assert!(help.content.contains("!team"), "{}", help.content);

    world.fake.grant_manage_server(GUILD, bob.id());
    let by_manager = world.command(bob, "!prefix gg").await;
    assert!(by_manager.content.contains("gg"), "{}", by_manager.content);
    let status = world.command(ann, "ggstatus").await;
    assert!(!first_line(&status).starts_with("Error"), "{}", status.content);
    // The other guild keeps its own prefix.
    let elsewhere = world.command_in(ann, GUILD_2, CHANNEL_2, "wmstatus").await;
    assert!(first_line(&elsewhere).contains("no game"), "{}", elsewhere.content);
    world.finish().await;
}

#[actix_rt::test]
async fn cancelling_someone_elses_game_needs_manage_server() {
    let Some(world) = World::start(Setup::new()).await else { return };
    let p = world.players();
    let (ann, bob, cid, dee) = (&p[0], &p[1], &p[2], &p[3]);
    let owner = world.user(OWNER, "owner");
    form_team(&world, ann, bob, "Foxes").await;
    form_team(&world, cid, dee, "Owls").await;
    world.command(ann, "wmrace").await;
    world.command(cid, "wmjoin").await;
    let refused = world.command(cid, "wmcancel").await;
    assert!(first_line(&refused).starts_with("Error:"), "{}", refused.content);
    let cancelled = world.command(&owner, "wmcancel").await;
    assert!(cancelled.content.contains("cancelled"), "{}", cancelled.content);
    world.finish().await;
}

#[actix_rt::test]
async fn mistyped_commands_get_errors_and_bots_and_chat_are_ignored() {
    let Some(world) = World::start(Setup::new()).await else { return };
    let ann = &world.players()[0];
    let unknown = world.command(ann, "wmdance").await;
    assert!(first_line(&unknown).starts_with("Error:"), "{}", unknown.content);
    let option = world.command(ann, "wmrace time_seconds=5").await;
    assert!(option.content.contains("time_seconds"), "{}", option.content);
    let yourself = world.command(ann, &format!("wmteam {}", ann.mention())).await;
    assert!(first_line(&yourself).starts_with("Error:"), "{}", yourself.content);

    let chat = ann.say_in_guild(GUILD, CHANNEL, "hello everyone");
    let robot = world.fake.other_bot(3_900_000_000_000_001, "robot");
    let from_bot = robot.say_in_guild(GUILD, CHANNEL, "wmhelp");
    assert_no_reply(&world, chat).await;
    assert_no_reply(&world, from_bot).await;
    world.finish().await;
}

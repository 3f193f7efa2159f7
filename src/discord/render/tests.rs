//! Rendering tests: the contract's markers checked exactly on first lines, the 2,000-character
//! limit, and an insta snapshot of one representative message of each kind.
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::*;
use crate::discord::{parse_guild_message, LeaderboardKind, Period};
use crate::domain::game::{
    EliminationFact, EliminationReason, EndReason, Game, GameError, GameEvent, GameOptions,
    GameTimeouts, GivenAnswer, GuessResult, Mode, TeamRoundResult, TeamSnapshot, TeamStanding,
};
use crate::domain::guild::Prefix;
use crate::domain::testing::test_epoch;
use crate::domain::words::{InvalidWord, MatchReason};
use crate::domain::{Aggregate, ChannelId, GameId, GuildId, TeamId, UserId};

/// Snapshots of rendered messages live in `src/discord/snapshots/` with the slash definitions.
macro_rules! snapshot {
    ($name:literal, $value:expr) => {
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(concat!("render__", $name), $value);
        })
    };
}

fn t0() -> DateTime<Utc> {
    test_epoch()
}

fn secs(n: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(n)
}

fn team_id(n: u8) -> TeamId {
    TeamId(Uuid::from_u128(100 + u128::from(n)))
}

fn a(n: u8) -> UserId {
    UserId(u64::from(n) * 10 + 1)
}

fn b(n: u8) -> UserId {
    UserId(u64::from(n) * 10 + 2)
}

fn snapshot_of(n: u8) -> TeamSnapshot {
    TeamSnapshot {
        team_id: team_id(n),
        name: format!("Team {n}"),
        players: [a(n), b(n)],
        forbidden: [Vec::new(), Vec::new()],
    }
}

fn created(options: GameOptions) -> GameEvent {
    GameEvent::GameCreated {
        game_id: GameId(Uuid::from_u128(1)),
        guild: GuildId(1),
        channel: ChannelId(10),
        creator: a(1),
        options,
        forbidden_list_size: 12,
        created_at: t0(),
        timeouts: GameTimeouts::default(),
    }
}

fn joined(n: u8) -> GameEvent {
    GameEvent::TeamJoined { team: snapshot_of(n) }
}

fn dealt(n: u8, round: u32, pair: [&str; 2]) -> GameEvent {
    GameEvent::PairDealt {
        team_id: team_id(n),
        round,
        pair: pair.map(str::to_owned),
        dealt_at: t0(),
    }
}

fn given(player: UserId, word: &str) -> GivenAnswer {
    GivenAnswer { player, raw: word.to_owned(), word: word.to_owned(), answered_ms: 1500 }
}

fn resolved(n: u8, round: u32, guess: u32, words: [&str; 2]) -> GameEvent {
    let matched = words[0] == words[1];
    GameEvent::PairResolved {
        team_id: team_id(n),
        round,
        guess_count: guess,
        pair: ["river".into(), "bank".into()],
        answers: [given(a(n), words[0]), given(b(n), words[1])],
        result: if matched {
            GuessResult::Matched { on: words[0].to_owned(), reason: MatchReason::Identical }
        } else {
            GuessResult::Missed
        },
        points: i32::from(matched),
        resolved_at: secs(30),
    }
}

fn game(events: &[GameEvent]) -> Game {
    let mut game = Game::default();
    for e in events {
        game.apply(e);
    }
    game
}

/// A Race game three teams play: team 1 matched once and has a pending answer, team 2 is on its
/// second guess, team 3 matched and waits.
fn running_race() -> Game {
    game(&[
        created(GameOptions::defaults(Mode::Race)),
        joined(1),
        joined(2),
        joined(3),
        GameEvent::GameStarted { started_at: t0(), clock_ends_at: Some(secs(180)) },
        dealt(1, 1, ["river", "bank"]),
        dealt(2, 1, ["cat", "dog"]),
        dealt(3, 1, ["sun", "moon"]),
        resolved(1, 1, 1, ["money", "money"]),
        dealt(1, 2, ["king", "queen"]),
        GameEvent::AnswerAccepted {
            team_id: team_id(1),
            player: a(1),
            raw: "crown".into(),
            word: "crown".into(),
            answered_ms: 800,
        },
        resolved(2, 1, 1, ["pet", "bone"]),
        resolved(3, 1, 1, ["sky", "sky"]),
    ])
}

fn standing(rank: u32, n: u8, score: i32, matches: u32, guesses: u32) -> TeamStanding {
    TeamStanding {
        rank,
        team_id: team_id(n),
        name: format!("Team {n}"),
        players: [a(n), b(n)],
        score,
        matches,
        matched_guesses: guesses,
        average_guesses: (matches > 0).then(|| f64::from(guesses) / f64::from(matches)),
        give_ups: 0,
        eliminated: None,
    }
}

/// A message as text for snapshots: the content, then each embed.
fn show(message: &OutgoingMessage) -> String {
    let mut out = message.content.clone();
    for e in &message.embeds {
        out.push_str(&format!("\n--- embed: {} (#{:06X})", e.title, e.colour));
        if let Some(d) = &e.description {
            out.push_str(&format!("\n{d}"));
        }
        for f in &e.fields {
            out.push_str(&format!(
                "\n[{}{}]\n{}",
                f.name,
                if f.inline { ", inline" } else { "" },
                f.value
            ));
        }
    }
    out
}

fn show_all(messages: &[OutgoingMessage]) -> String {
    messages.iter().map(show).collect::<Vec<_>>().join("\n=== next message ===\n")
}

fn lines(message: &OutgoingMessage) -> Vec<&str> {
    message.content.lines().collect()
}

// ---- Direct messages -------------------------------------------------------------------------

#[test]
fn a_pair_dm_names_both_words_in_bold_on_its_first_line() {
    let pair = ["river".to_owned(), "bank".to_owned()];
    for mode in Mode::ALL {
        for guess in [1, 4] {
            let dm = pair_dm(&pair, mode, guess);
            assert_eq!(dm.first_line(), "**river** + **bank**", "{mode} guess {guess}");
            assert!(lines(&dm).len() >= 2, "a line on how to answer follows");
        }
    }
    snapshot!("pair_dm", show(&pair_dm(&pair, Mode::Golf, 1)));
}

#[test]
fn an_accepted_answer_is_acknowledged_with_got_it() {
    let dm = answer_accepted("river");
    assert_eq!(dm.content, "Got it: **river**. Waiting for your partner.");
}

#[test]
fn a_rejected_answer_starts_with_invalid_and_the_domain_reason() {
    let cases: Vec<(GameError, &str)> = vec![
        (GameError::AlreadyAnswered, "Invalid: already answered, waiting for your partner"),
        (GameError::InvalidAnswer(InvalidWord::NotOneWord), "Invalid: answer with one word only"),
        (
            GameError::InvalidAnswer(InvalidWord::NotInDictionary("zzq".into())),
            "Invalid: \"zzq\" is not in the dictionary",
        ),
        (GameError::NotInThisGame, "Invalid: you are not playing in this game"),
        (GameError::GiveUpNotAllowed(Mode::Longform), "Invalid: give up is not part of Longform"),
    ];
    for (error, expected) in cases {
        assert_eq!(answer_rejected(&error).first_line(), expected);
    }
    let forbidden = GameError::ForbiddenWord {
        word: "rivers".into(),
        forbidden: "river".into(),
        by: crate::domain::game::ForbiddenBy::DealtPair,
    };
    let dm = answer_rejected(&forbidden);
    assert!(dm.first_line().starts_with("Invalid: \"rivers\" is not allowed"));
    snapshot!("answer_rejected_forbidden", show(&dm));
}

#[test]
fn a_match_dm_says_match_on_its_first_line() {
    let same = [given(a(1), "river"), given(b(1), "river")];
    let dm = pair_matched(&same, 2, 1, Mode::Race);
    assert_eq!(dm.first_line(), "Match! You both said **river** (guess 2).");
    let perfect = pair_matched(&same, 1, 4, Mode::Golf);
    assert_eq!(perfect.first_line(), "Match! You both said **river** (guess 1). Perfect round!");
    let variants = [given(a(1), "color"), given(b(1), "colour")];
    for mode in Mode::ALL {
        assert!(pair_matched(&variants, 3, 0, mode).first_line().contains("Match!"), "{mode}");
    }
    snapshot!("pair_matched_variants", show(&pair_matched(&variants, 3, 2, Mode::Golf)));
}

#[test]
fn a_miss_dm_shows_both_answers_and_is_not_a_pair_dm() {
    let dm = pair_missed(&[given(a(1), "sea"), given(b(1), "money")], 2);
    assert_eq!(dm.first_line(), "No match on guess 2: **sea** and **money**.");
    assert!(!dm.content.contains("Match!"));
    snapshot!("pair_missed", show(&dm));
}

#[test]
fn dm_status_shows_the_pair_first_then_the_count_and_who_answered() {
    let race = running_race();
    let dm = dm_status(Some(&race), a(1), secs(60));
    assert_eq!(dm.first_line(), "**king** + **queen**");
    assert!(dm.content.contains("You answered **crown**"));
    let partner = dm_status(Some(&race), b(1), secs(60));
    assert!(partner.content.contains("Your partner has answered; your turn."));
    let second_guess = dm_status(Some(&race), a(2), secs(60));
    assert_eq!(second_guess.first_line(), "**pet** + **bone**");
    assert!(second_guess.content.contains("guess 2"));
    assert_eq!(dm_status(None, a(1), t0()).content, "You are not in a game right now.");
    assert_eq!(
        dm_status(Some(&race), UserId(999), t0()).content,
        "You are not in a game right now."
    );
    snapshot!("dm_status", show(&dm));
}

#[test]
fn no_message_but_a_pair_dm_or_status_starts_with_a_bold_pair() {
    let answers = [given(a(1), "sea"), given(b(1), "money")];
    let pair = ["river".to_owned(), "bank".to_owned()];
    let others = [
        answer_accepted("river"),
        answer_rejected(&GameError::AlreadyAnswered),
        pair_matched(&[given(a(1), "sea"), given(b(1), "sea")], 1, 1, Mode::Race),
        pair_missed(&answers, 3),
        pair_abandoned(&pair, a(1), 2, -1),
        team_out_dm(2, EliminationReason::Forfeit),
    ];
    for message in others {
        assert!(!message.first_line().contains("** + **"), "{:?}", message.first_line());
    }
}

// ---- Channel: lobby, start, status -----------------------------------------------------------

#[test]
fn the_lobby_lists_its_teams_and_options_in_an_embed() {
    let lobby = game(&[created(GameOptions::defaults(Mode::Knockout)), joined(1), joined(2)]);
    let opened = lobby_opened(&lobby, &Prefix::default());
    assert_eq!(opened.first_line(), "**Knockout** lobby opened by <@11>.");
    assert!(opened.content.contains("`wmjoin`") && opened.content.contains("`wmstart`"));
    let embed = &opened.embeds[0];
    assert!(embed.fields[0].value.contains("**Team 2**"));
    assert!(embed.fields[1].value.contains("round_seconds=300"));
    snapshot!("lobby_opened", show(&opened));
    let joined_msg = team_joined(&lobby, "Team 2");
    assert_eq!(joined_msg.first_line(), "**Team 2** joined the Knockout lobby (2 teams in).");
    snapshot!("team_joined", show(&joined_msg));
    let left = game(&[created(GameOptions::defaults(Mode::Knockout)), joined(1)]);
    assert_eq!(
        team_left(&left, "Team 2").first_line(),
        "**Team 2** left the Knockout lobby (1 team in)."
    );
}

#[test]
fn the_start_names_the_teams_and_the_clock() {
    let race = running_race();
    let started = game_started(&race, t0());
    assert!(started.first_line().starts_with("The **Race** game has started with 3 teams"));
    assert!(started.content.contains("The clock runs for 3m."));
    snapshot!("game_started_race", show(&started));
    let two = game(&[
        created(GameOptions::defaults(Mode::TwoPlayer)),
        joined(1),
        GameEvent::GameStarted { started_at: t0(), clock_ends_at: None },
    ]);
    snapshot!("game_started_two_player", show(&game_started(&two, t0())));
}

#[test]
fn channel_status_shows_mode_clock_and_every_team() {
    let status = channel_status(&running_race(), secs(60));
    let text = lines(&status);
    assert_eq!(text[0], "**Race** game: running. Options: `time_seconds=180`");
    assert_eq!(text[1], "Clock: 2m left.");
    assert!(status.content.contains("**Team 1**: playing, guess 1, 1 match"));
    assert!(status.content.contains("**Team 2**: playing, guess 2, 0 matches"));
    snapshot!("channel_status_race", show(&status));
    let empty = no_game_here(&Prefix::default());
    assert!(!empty.first_line().starts_with("Error:"), "an empty case is a normal reply");
    assert_eq!(empty.first_line(), "There is no game in this channel.");
}

#[test]
fn knockout_status_between_rounds_shows_the_next_round() {
    let knockout = game(&[
        created(GameOptions::defaults(Mode::Knockout)),
        joined(1),
        joined(2),
        joined(3),
        GameEvent::GameStarted { started_at: t0(), clock_ends_at: None },
        GameEvent::RoundStarted { round: 1, started_at: t0(), round_deadline: Some(secs(300)) },
        dealt(1, 1, ["river", "bank"]),
        dealt(2, 1, ["cat", "dog"]),
        dealt(3, 1, ["sun", "moon"]),
        resolved(1, 1, 1, ["money", "money"]),
        resolved(2, 1, 1, ["pet", "pet"]),
        GameEvent::TeamEliminated {
            team_id: team_id(3),
            round: 1,
            reason: EliminationReason::TimeExpired,
            guess_count: 0,
        },
        GameEvent::RoundEnded {
            round: 1,
            results: vec![],
            next_round_at: Some(secs(305)),
            ended_at: secs(300),
        },
    ]);
    let status = channel_status(&knockout, secs(302));
    assert_eq!(lines(&status)[0], "**Knockout** game: between rounds 1 and 2. Options: `round_seconds=300 guess_limit=12 round_delay_seconds=5`");
    assert!(status.content.contains("Next round in 3s."));
    assert!(status.content.contains("**Team 3**: out in round 1 (ran out of time)"));
    snapshot!("channel_status_knockout", show(&status));
    let round_two = game(&[
        created(GameOptions::defaults(Mode::Knockout)),
        joined(1),
        joined(2),
        GameEvent::GameStarted { started_at: t0(), clock_ends_at: None },
        GameEvent::RoundStarted { round: 2, started_at: t0(), round_deadline: Some(secs(300)) },
    ]);
    let started = round_started(&round_two, t0());
    assert_eq!(started.first_line(), "**Round 2** of Knockout has begun with 2 teams. Time: 5m.");
    snapshot!("round_started", show(&started));
}

// ---- Round ends ------------------------------------------------------------------------------

fn knockout_results() -> Vec<TeamRoundResult> {
    vec![
        TeamRoundResult { team_id: team_id(1), matched: true, guess_count: 2, eliminated: None },
        TeamRoundResult {
            team_id: team_id(2),
            matched: true,
            guess_count: 7,
            eliminated: Some(EliminationReason::Slowest),
        },
        TeamRoundResult { team_id: team_id(3), matched: true, guess_count: 3, eliminated: None },
        TeamRoundResult {
            team_id: team_id(4),
            matched: false,
            guess_count: 5,
            eliminated: Some(EliminationReason::TimeExpired),
        },
    ]
}

fn names(n: u8) -> TeamNames {
    let mut names = TeamNames::default();
    for i in 1..=n {
        names.insert(team_id(i), format!("Team {i}"));
    }
    names
}

#[test]
fn the_knockout_summary_names_the_eliminated_and_every_guess_count() {
    let summary = round_summary(2, &knockout_results(), &names(4), Some(secs(305)), secs(300));
    let text = lines(&summary);
    assert_eq!(text[0], "**Round 2 is over.**");
    assert_eq!(text[1], "Eliminated: **Team 2** (slowest), **Team 4** (ran out of time)");
    for n in 1..=4 {
        assert!(summary.content.contains(&format!("- **Team {n}**:")), "team {n} has a line");
    }
    assert!(summary.content.contains("Next round in 5s."));
    snapshot!("knockout_round_summary", show(&summary));
    let calm = round_summary(3, &knockout_results()[..1], &names(4), None, secs(300));
    assert_eq!(lines(&calm)[1], "Nobody was eliminated.");
}

#[test]
fn the_longform_reveal_posts_each_team_then_the_eliminated() {
    let results = vec![
        TeamRoundResult { team_id: team_id(1), matched: true, guess_count: 2, eliminated: None },
        TeamRoundResult {
            team_id: team_id(2),
            matched: false,
            guess_count: 3,
            eliminated: Some(EliminationReason::LongformRound),
        },
        TeamRoundResult { team_id: team_id(3), matched: true, guess_count: 1, eliminated: None },
    ];
    let events = vec![
        resolved(1, 1, 1, ["sea", "money"]),
        resolved(1, 2, 1, ["old", "new"]), // another round: not revealed
        resolved(2, 1, 1, ["pet", "bone"]),
        resolved(1, 1, 2, ["coin", "coin"]),
        resolved(3, 1, 1, ["sky", "sky"]),
        resolved(2, 1, 2, ["walk", "fetch"]),
        resolved(2, 1, 3, ["leash", "park"]),
        GameEvent::RoundEnded { round: 1, results, next_round_at: None, ended_at: secs(86_400) },
    ];
    let reveal = longform_reveal(1, &events, &names(3));
    assert_eq!(reveal.len(), 4, "one message per team, then the eliminated");
    assert_eq!(reveal[0].first_line(), "**Team 3**, round 1: matched in 1 guess");
    assert_eq!(reveal[1].first_line(), "**Team 1**, round 1: matched in 2 guesses");
    assert_eq!(lines(&reveal[1])[1..], ["1. sea / money", "2. coin / coin - match!"]);
    assert_eq!(reveal[2].first_line(), "**Team 2**, round 1: no match after 3 guesses");
    assert_eq!(
        reveal[3].first_line(),
        "Eliminated in round 1: **Team 2** (no match after 3 guesses)"
    );
    snapshot!("longform_reveal", show_all(&reveal));
    assert!(longform_reveal(2, &events, &names(3)).is_empty(), "no RoundEnded, no reveal");
}

// ---- Game over -------------------------------------------------------------------------------

#[test]
fn game_over_has_the_marker_the_winner_the_ranking_and_the_replay() {
    let ranking = vec![standing(1, 2, 4, 4, 9), standing(2, 1, 3, 3, 5), standing(3, 3, 0, 0, 0)];
    let over = game_over(Mode::Race, &[team_id(2)], &ranking, "river-123");
    let text = lines(&over);
    assert!(text[0].contains("Game over"));
    assert_eq!(text[1], "Winner: Team 2");
    assert_eq!(text.len(), 2 + ranking.len() + 1, "one line per team between");
    assert!(text[2].starts_with("1. **Team 2**"));
    assert!(text[3].starts_with("2. **Team 1**"));
    assert!(text[4].starts_with("3. **Team 3**"));
    assert_eq!(text[5], "Replay: river-123");
    snapshot!("game_over_race", show(&over));
}

#[test]
fn a_shared_win_joins_the_names_and_no_winner_says_so() {
    let ranking = vec![standing(1, 1, 11, 4, 9), standing(1, 2, 11, 4, 9)];
    let shared = game_over(Mode::Golf, &[team_id(1), team_id(2)], &ranking, "moon-456");
    assert_eq!(lines(&shared)[1], "Winner: Team 1 & Team 2");
    snapshot!("game_over_golf_shared", show(&shared));
    let lost = game_over(Mode::TwoPlayer, &[], &ranking[..1], "sun-789");
    assert_eq!(lines(&lost)[1], "No winner");
    assert_eq!(lines(&lost).last(), Some(&"Replay: sun-789"));
}

#[test]
fn an_idle_game_over_says_why_and_keeps_the_markers() {
    let ranking = vec![standing(1, 1, 0, 2, 5)];
    let idle = EndReason::Idle { idle_seconds: 3600 };
    let over = game_over_with_reason(Mode::TwoPlayer, &[], &ranking, idle, "sun-789");
    let text = lines(&over);
    assert_eq!(
        text[0],
        "**Game over!** Two Player, 1 team: no answers for an hour, the game ends with no winner."
    );
    assert_eq!(text[1], "No winner");
    assert!(text[2].starts_with("1. **Team 1**"));
    assert_eq!(text.last(), Some(&"Replay: sun-789"));
    let played = game_over_with_reason(Mode::TwoPlayer, &[], &ranking, EndReason::Played, "a-100");
    assert_eq!(played, game_over(Mode::TwoPlayer, &[], &ranking, "a-100"));
    let longform = EndReason::Idle { idle_seconds: 49 * 3600 };
    let over = game_over_with_reason(Mode::Longform, &[], &ranking, longform, "moon-456");
    assert!(over.first_line().contains("no answers for 2 days and 1 hour"), "{}", show(&over));
}

#[test]
fn an_expired_lobby_says_nobody_started_it_in_time() {
    let message = lobby_expired(Mode::Knockout, 900);
    assert_eq!(
        message.content,
        "The Knockout lobby closed: nobody started the game within 15 minutes."
    );
}

#[test]
fn periods_read_as_words() {
    let table: [(u64, &str); 9] = [
        (0, "0 seconds"),
        (1, "a second"),
        (45, "45 seconds"),
        (60, "a minute"),
        (900, "15 minutes"),
        (3600, "an hour"),
        (5400, "1 hour and 30 minutes"),
        (86_400 + 3600 + 120 + 5, "1 day, 1 hour, 2 minutes and 5 seconds"),
        (49 * 3600, "2 days and 1 hour"),
    ];
    for (seconds, words) in table {
        assert_eq!(spoken_duration(seconds), words, "{seconds} s");
    }
}

#[test]
fn knockout_game_over_shows_each_elimination() {
    let mut ranking =
        vec![standing(1, 1, 0, 3, 6), standing(2, 2, 0, 2, 9), standing(3, 3, 0, 0, 0)];
    ranking[1].eliminated = Some(EliminationFact { round: 3, reason: EliminationReason::Slowest });
    ranking[2].eliminated =
        Some(EliminationFact { round: 1, reason: EliminationReason::GuessLimit });
    let over = game_over(Mode::Knockout, &[team_id(1)], &ranking, "star-321");
    assert!(over.content.contains("2. **Team 2**: out in round 3 (slowest)"));
    snapshot!("game_over_knockout", show(&over));
}

#[test]
fn game_over_stays_one_message_within_the_limit_with_twelve_long_names() {
    let long = |n: u8| {
        let mut s = standing(u32::from(n), n, 0, 1, 3);
        s.name = format!("{} {n}", "W".repeat(200));
        s
    };
    let ranking: Vec<TeamStanding> = (1..=12).map(long).collect();
    let over = game_over(Mode::Race, &[team_id(1)], &ranking, "river-123");
    assert!(over.content.chars().count() <= DISCORD_MESSAGE_LIMIT);
    let text = lines(&over);
    assert!(text[0].contains("Game over"));
    assert!(text[1].starts_with("Winner: "));
    assert_eq!(text.last(), Some(&"Replay: river-123"));
    assert!(over.content.contains("more teams"));
}

// ---- Replies ---------------------------------------------------------------------------------

#[test]
fn errors_start_with_error() {
    let parse = parse_guild_message(&Prefix::default(), "wmfoo", &[]);
    let Some(Err(e)) = parse else { panic!("wmfoo is an unknown command") };
    assert_eq!(error_reply(&e).content, "Error: unknown command `wmfoo`; try `wmhelp`");
    assert_eq!(
        error_reply(&GameError::AlreadyJoined).first_line(),
        "Error: your team is already in this game"
    );
    let missing = replay_not_found(&crate::discord::ReplayTarget::Name("river-999".into()));
    assert_eq!(
        missing.content,
        "Error: no finished game has the replay name \"river-999\"; `history` lists recent games"
    );
    assert!(team_not_found("Owls").first_line().starts_with("Error: no team"));
}

#[test]
fn help_lists_every_command_with_the_guild_prefix() {
    let bang = Prefix::parse("!").expect("valid");
    let text = help(&bang);
    for c in crate::discord::COMMANDS {
        assert!(text.content.contains(&format!("`!{}", c.name)), "help lists !{}", c.name);
    }
    assert!(!text.content.contains("`wm"), "the default prefix does not appear");
    snapshot!("help", show(&help(&Prefix::default())));
}

#[test]
fn notices_for_teams_prefix_and_closed_dms() {
    let wm = Prefix::default();
    let all = [
        invitation_sent(a(1), b(1), Some("Owls"), &wm),
        invitation_sent(a(1), b(1), None, &wm),
        team_formed([a(1), b(1)], "Owls"),
        invitation_expired(a(1), b(1)),
        team_renamed("ann & bob", "Owls"),
        prefix_changed(&Prefix::parse("!").expect("valid")),
        dms_closed(a(1)),
        game_cancelled(Mode::Race, a(1)),
    ];
    assert!(all[0].content.contains("`wmok` within 5 minutes"));
    assert!(all[6].first_line().starts_with("<@11> I can't DM you: open your DMs"));
    snapshot!("notices", show_all(&all));
}

// ---- Stats, leaderboards, history, replay ---------------------------------------------------

fn player_view(games: u32) -> PlayerStatsView {
    PlayerStatsView {
        player: a(1),
        games,
        wins: 3,
        matches: 10,
        matched_guesses: 24,
        perfect_rounds: 2,
        best_partner: Some(BestPartner { partner: b(1), wins: 3, games: 4 }),
    }
}

#[test]
fn player_and_team_stats_show_every_figure() {
    let stats = player_stats(&player_view(5));
    assert_eq!(stats.first_line(), "Statistics for <@11> in this server:");
    for figure in [
        "5 games",
        "3 wins",
        "60% win rate",
        "10 matches",
        "2.40 guesses",
        "2 perfect rounds",
        "<@12>",
    ] {
        assert!(stats.content.contains(figure), "{figure}");
    }
    snapshot!("player_stats", show(&stats));
    let empty = player_stats(&player_view(0));
    assert_eq!(empty.content, "<@11> has not played a game in this server yet.");
    let team = team_stats(&TeamStatsView {
        name: "Owls".into(),
        members: [a(1), b(1)],
        games: 4,
        wins: 3,
        matches: 9,
        matched_guesses: 18,
        perfect_rounds: 1,
        win_streak: 2,
    });
    assert!(team.content.contains("current win streak 2"));
    snapshot!("team_stats", show(&team));
}

#[test]
fn the_leaderboard_ranks_by_wins_then_win_rate_and_shows_ten() {
    let row =
        |n: u64, games, wins| LeaderboardRow { who: Contender::Player(UserId(n)), games, wins };
    let mut rows: Vec<LeaderboardRow> = (1..=12).map(|n| row(n, 20, n as u32)).collect();
    rows.push(row(99, 12, 12)); // ties on wins with <@12>, better rate
    let view = LeaderboardView { kind: LeaderboardKind::Players, period: Period::Week, rows };
    let board = leaderboard(&view);
    let text = lines(&board);
    assert_eq!(text[0], "**Top players this week**");
    assert_eq!(text.len(), 1 + LEADERBOARD_SIZE);
    assert_eq!(text[1], "1. <@99>: 12 wins, 100% win rate (12 games)");
    assert!(text[2].starts_with("2. <@12>"));
    snapshot!("leaderboard", show(&board));
    let empty = LeaderboardView { kind: LeaderboardKind::Teams, period: Period::Day, rows: vec![] };
    assert!(!leaderboard(&empty).first_line().starts_with("Error:"));
}

#[test]
fn history_lists_recent_games_or_says_there_are_none() {
    let entry = |name: &str, won| HistoryEntry {
        replay_name: name.into(),
        mode: Mode::Race,
        ended_at: t0(),
        teams: 3,
        winners: vec!["Owls".into()],
        won,
    };
    let view = HistoryView {
        player: Some(a(1)),
        games: vec![entry("river-123", Some(true)), entry("moon-456", Some(false))],
    };
    let text = history(&view);
    assert!(text.content.contains("`river-123`") && text.content.contains("(lost)"));
    snapshot!("history", show(&text));
    let none = history(&HistoryView { player: None, games: vec![] });
    assert_eq!(none.content, "No game has finished in this server yet.");
    let many =
        HistoryView { player: None, games: (0..200).map(|_| entry("river-123", None)).collect() };
    let long = history(&many);
    assert!(long.content.chars().count() <= DISCORD_MESSAGE_LIMIT);
    assert!(long.content.ends_with("more games"));
}

fn knockout_story_events() -> Vec<GameEvent> {
    vec![
        created(GameOptions::defaults(Mode::Knockout)),
        joined(1),
        joined(2),
        GameEvent::GameStarted { started_at: t0(), clock_ends_at: None },
        GameEvent::RoundStarted { round: 1, started_at: t0(), round_deadline: Some(secs(300)) },
        dealt(1, 1, ["river", "bank"]),
        dealt(2, 1, ["cat", "dog"]),
        resolved(1, 1, 1, ["money", "sea"]),
        resolved(1, 1, 2, ["coin", "coin"]),
        resolved(2, 1, 1, ["pet", "bone"]),
        resolved(2, 1, 2, ["walk", "leash"]),
        resolved(2, 1, 3, ["park", "park"]),
        GameEvent::TeamEliminated {
            team_id: team_id(2),
            round: 1,
            reason: EliminationReason::Slowest,
            guess_count: 3,
        },
        GameEvent::GameEnded {
            winners: vec![team_id(1)],
            ranking: vec![standing(1, 1, 0, 1, 2), standing(2, 2, 0, 1, 3)],
            ended_at: secs(100),
            reason: EndReason::Played,
        },
    ]
}

#[test]
fn a_replay_tells_the_game_round_by_round() {
    let story = ReplayStory::from_events("river-123", &knockout_story_events()).expect("a game");
    assert_eq!(story.teams, ["Team 1", "Team 2"]);
    assert_eq!(story.rounds.len(), 1);
    assert_eq!(story.rounds[0].teams[1].eliminated, Some(EliminationReason::Slowest));
    assert_eq!(story.winners, ["Team 1"]);
    let pages = replay(&story);
    assert_eq!(pages.len(), 1);
    assert!(pages[0].first_line().starts_with("**Replay river-123**: Knockout"));
    snapshot!("replay", show_all(&pages));
}

#[test]
fn the_replay_of_an_idle_game_says_it_ended_for_want_of_answers() {
    let mut events = knockout_story_events();
    if let Some(GameEvent::GameEnded { winners, reason, .. }) = events.last_mut() {
        winners.clear();
        *reason = EndReason::Idle { idle_seconds: 3600 };
    }
    let story = ReplayStory::from_events("river-123", &events).expect("a game");
    assert_eq!(story.reason, EndReason::Idle { idle_seconds: 3600 });
    let pages = replay(&story);
    assert_eq!(
        pages.last().and_then(|p| p.content.lines().last()),
        Some("No winner: no answers for an hour, the game ended.")
    );
}

#[test]
fn a_long_replay_is_paginated_within_the_limit() {
    let mut events = knockout_story_events();
    events.truncate(4);
    for round in 1..=60 {
        events.push(GameEvent::RoundStarted { round, started_at: t0(), round_deadline: None });
        events.push(dealt(1, round, ["river", "bank"]));
        events.push(dealt(2, round, ["cat", "dog"]));
        for guess in 1..=5 {
            events.push(resolved(1, round, guess, ["money", "sea"]));
            events.push(resolved(2, round, guess, ["pet", "bone"]));
        }
    }
    let story = ReplayStory::from_events("river-123", &events).expect("a game");
    let pages = replay(&story);
    assert!(pages.len() > 1);
    assert!(pages.iter().all(|p| p.content.chars().count() <= DISCORD_MESSAGE_LIMIT));
    assert!(pages[0].first_line().starts_with("**Replay river-123**"));
    assert_eq!(pages.last().map(|p| p.content.lines().last()), Some(Some("No winner")));
}

#[test]
fn every_rendered_message_fits_in_one_discord_message() {
    let race = running_race();
    let mut all = vec![
        help(&Prefix::default()),
        channel_status(&race, t0()),
        lobby_opened(&race, &Prefix::default()),
        game_started(&race, t0()),
        dm_status(Some(&race), a(1), t0()),
    ];
    all.extend(longform_reveal(1, &knockout_story_events(), &names(2)));
    for message in all {
        assert!(
            message.content.chars().count() <= DISCORD_MESSAGE_LIMIT,
            "{}",
            message.first_line()
        );
    }
}

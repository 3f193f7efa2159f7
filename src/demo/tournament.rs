//! The tournament script: eight simulated players form four teams in a fresh guild, then play
//! all five modes (Two Player next to a Knockout, then a Race, a Golf Race and a Longform game),
//! each through the game service and the registry, each ending with the `Game over` message as
//! Discord would post it; then the leaderboards, the replay of one game from its respawned actor,
//! a verification of every game, and the health line.
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::try_join_all;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use uuid::Uuid;

use super::associations::{Associations, Mind};
use super::clock::DemoClock;
use super::players::{patiently, play_team, SimPlayer, Table, LOOK_AGAIN, PATIENCE};
use super::DemoError;
use crate::discord::{game_over, leaderboard, LeaderboardKind, Period};
use crate::domain::game::{GameEvent, GameOptions, GameTimeouts, Mode, Phase};
use crate::domain::team::TeamName;
use crate::domain::words::WordService;
use crate::domain::{ChannelId, GameId, GuildId, TeamId, UserId};
use crate::replay;
use crate::service::Caller;
use crate::startup::Engine;
use crate::store::{Codec, StreamId};

/// The players, in seat order: teams are (0, 1), (2, 3), (4, 5), (6, 7).
const PLAYER_NAMES: [&str; 8] = ["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana"];

/// The teams' chosen names, in team order.
const TEAM_NAMES: [&str; 4] = ["Night Owls", "Word Nerds", "Quick Foxes", "Lucky Ducks"];

/// Game seconds per real second in timed play: a 3-minute Race takes 3 seconds, and a player's
/// 10-second thought takes a sixth of a second, slow enough for the engine to keep up easily.
pub const TIMED_SPEED: u32 = 60;

/// Game seconds per real second in Longform: a 24-hour round takes 1.5 seconds.
pub const LONGFORM_SPEED: u32 = 57_600;

/// The longest a game may take in real time before the demo gives up on it.
const GAME_TIMEOUT: Duration = Duration::from_secs(360);

/// How the demo plays.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Seeds the association net and the players' minds.
    pub seed: u64,
    /// Game seconds per real second in Two Player, Knockout, Race and Golf Race.
    pub timed_speed: u32,
    /// Game seconds per real second in Longform.
    pub longform_speed: u32,
    /// Shorter games (2 Two Player rounds, 60-second Race clocks, 6-hour Longform rounds), for
    /// tests.
    pub quick: bool,
    /// Draw a progress bar on the terminal.
    pub progress_bar: bool,
    /// Print as the tournament goes (off in tests, which read the report).
    pub print: bool,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            seed: 2026,
            timed_speed: TIMED_SPEED,
            longform_speed: LONGFORM_SPEED,
            quick: false,
            progress_bar: true,
            print: true,
        }
    }
}

/// One game the demo played.
#[derive(Debug, Clone)]
pub struct PlayedGame {
    /// Its mode.
    pub mode: Mode,
    /// The game.
    pub game_id: GameId,
    /// Its replay name.
    pub replay_name: String,
    /// The `Game over` message as posted to the channel.
    pub game_over: String,
    /// Real time it took.
    pub took: Duration,
}

/// Everything the demo printed, for callers that check it.
#[derive(Debug, Clone)]
pub struct DemoReport {
    /// The guild the tournament was played in.
    pub guild: GuildId,
    /// The games, in the order they ended.
    pub games: Vec<PlayedGame>,
    /// The players' and the teams' all-time leaderboards, as text.
    pub leaderboards: Vec<String>,
    /// The replay of one game, told by its respawned actor.
    pub replay: String,
    /// One line per game: its replay verified.
    pub verified: Vec<String>,
    /// Answers accepted, answers refused, pairs given up.
    pub answers: (u64, u64, u64),
    /// The mean real time the service took to handle one answer.
    pub answer_latency: Duration,
    /// Real time the whole demo took.
    pub took: Duration,
}

/// Prints above the progress bar (or plainly without one).
struct Narrator {
    bar: ProgressBar,
    print: bool,
}

impl Narrator {
    fn new(options: &DemoOptions, steps: u64) -> Self {
        let bar = if options.progress_bar {
            ProgressBar::with_draw_target(Some(steps), ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} [{elapsed:>3}] {bar:30} {pos}/{len} {msg}")
        {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(100));
        Self { bar, print: options.print }
    }

    fn say(&self, text: &str) {
        if self.print {
            self.bar.suspend(|| println!("{text}"));
        }
    }

    fn step(&self, message: &str) {
        self.bar.set_message(message.to_owned());
    }

    fn done(&self) {
        self.bar.inc(1);
    }
}

/// Bot text for a terminal: mentions become names, bold markers go.
fn for_terminal(text: &str, names: &HashMap<UserId, String>) -> String {
    let mut text = text.replace("**", "");
    for (user, name) in names {
        text = text.replace(&format!("<@{user}>"), name);
    }
    text
}

/// A number in [1, 2^53) from a uuid, for Discord-like ids unique to this run.
fn snowflake(id: Uuid) -> u64 {
    (id.as_u64_pair().0 >> 11).max(1)
}

/// One team as the tournament knows it.
#[derive(Debug, Clone)]
struct DemoTeam {
    id: TeamId,
    name: String,
    players: [SimPlayer; 2],
}

/// The game timeouts the demo plays with: the configured ones, as many times longer as its
/// Longform clock runs faster than its timed clock, and never shorter than the players'
/// [`PATIENCE`] at the fastest clock. At 57,600 game seconds per real second a 15-minute lobby
/// would close in 16 ms, before the scripted players could start it; and a store outage the
/// players wait out must not close a lobby or end a game for want of answers meanwhile.
fn demo_timeouts(configured: GameTimeouts, options: &DemoOptions) -> GameTimeouts {
    let factor = (options.longform_speed / options.timed_speed.max(1)).max(1);
    let scaled = configured.scaled(factor);
    let fastest = options.longform_speed.max(options.timed_speed);
    let floor = u32::try_from(PATIENCE.as_secs()).unwrap_or(u32::MAX).saturating_mul(fastest);
    GameTimeouts {
        lobby_seconds: scaled.lobby_seconds.max(floor),
        idle_seconds: scaled.idle_seconds.max(floor),
    }
}

/// Plays the whole tournament on a started engine whose clock is `clock`.
pub async fn run(
    engine: &Engine,
    clock: Arc<DemoClock>,
    options: &DemoOptions,
) -> Result<DemoReport, DemoError> {
    let started = Instant::now();
    let run_id = Uuid::now_v7();
    let guild = GuildId(snowflake(run_id));
    let narrator = Narrator::new(options, 7);
    // The deployment's timeouts are wall-clock durations; the demo's clocks run fast, so it
    // lengthens them by the ratio of its two speeds, or a Longform lobby would close in
    // milliseconds.
    let timeouts = demo_timeouts(engine.service.game_timeouts(), options);
    let table = Table {
        service: engine.service.clone().with_game_timeouts(timeouts),
        registry: engine.runtime.registry().clone(),
        clock: clock.clone(),
        net: Associations::new(WordService::embedded().generation_list(), options.seed),
        run: format!("demo-{run_id}"),
        counts: Default::default(),
    };
    clock.set_speed(options.timed_speed);
    narrator.say(&format!(
        "Guild {guild}: eight players, four teams, five games (seed {}).",
        options.seed
    ));

    // Arrange: the players and their teams, formed the Discord way (invite, then ok).
    narrator.step("forming teams");
    let players: Vec<SimPlayer> = PLAYER_NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| SimPlayer {
            user: UserId(snowflake(Uuid::new_v4())),
            name: (*name).to_owned(),
            mind: Mind::new(options.seed.wrapping_mul(1_000).wrapping_add(i as u64)),
        })
        .collect();
    let names: HashMap<UserId, String> = players.iter().map(|p| (p.user, p.name.clone())).collect();
    let caller = |p: &SimPlayer| Caller::in_guild(guild, p.user, p.name.clone(), false);
    let mut teams = Vec::new();
    for (i, team_name) in TEAM_NAMES.iter().enumerate() {
        let (a, b) = (&players[2 * i], &players[2 * i + 1]);
        let name = TeamName::parse(team_name)
            .map_err(|e| DemoError::Engine(format!("team name {team_name}: {e}")))?;
        let step = format!("{} invites {}", a.name, b.name);
        let source = table.source_for(&step);
        let invitee = (b.user, b.name.clone());
        let inviter = caller(a);
        patiently(&step, || {
            table.service.invite(&inviter, invitee.clone(), Some(name.clone()), &source)
        })
        .await
        .map_err(|e| DemoError::Service { step: step.clone(), error: e.to_string() })?;
        let step = format!("{} accepts", b.name);
        let source = table.source_for(&step);
        let invited = caller(b);
        let formed = patiently(&step, || table.service.accept(&invited, &source))
            .await
            .map_err(|e| DemoError::Service { step, error: e.to_string() })?;
        narrator.say(&format!("{} & {} formed {}.", a.name, b.name, formed.name));
        teams.push(DemoTeam {
            id: formed.team,
            name: formed.name.to_string(),
            players: [a.clone(), b.clone()],
        });
    }
    narrator.done();

    // Act: the five games.
    let opts = |mode: Mode, words: &[&str]| {
        GameOptions::parse(mode, words)
            .map_err(|e| DemoError::Engine(format!("options for {mode}: {e}")))
    };
    let quick = options.quick;
    let two_player = opts(Mode::TwoPlayer, if quick { &["rounds=2"] } else { &[] })?;
    let knockout = opts(Mode::Knockout, &["round_seconds=120", "guess_limit=8"])?;
    let race = opts(Mode::Race, if quick { &["time_seconds=60"] } else { &[] })?;
    let golf = opts(Mode::Golf, if quick { &["time_seconds=60"] } else { &[] })?;
    let longform = opts(Mode::Longform, if quick { &["round_hours=6"] } else { &[] })?;
    let ctx = GameCtx { engine, table: &table, narrator: &narrator, guild, names: &names };

    narrator.step("Two Player and Knockout");
    let (first, second) = futures::try_join!(
        ctx.play(ChannelId(guild.0 + 1), two_player, &teams[..1]),
        ctx.play(ChannelId(guild.0 + 2), knockout, &teams[1..]),
    )?;
    let mut games = vec![first, second];
    narrator.step("Race");
    games.push(ctx.play(ChannelId(guild.0 + 3), race, &teams).await?);
    narrator.step("Golf Race");
    games.push(ctx.play(ChannelId(guild.0 + 4), golf, &teams).await?);
    narrator.step("Longform (24-hour rounds)");
    clock.set_speed(options.longform_speed);
    games.push(ctx.play(ChannelId(guild.0 + 5), longform, &teams).await?);
    clock.set_speed(options.timed_speed);

    // Assert (for the audience): leaderboards, a replay, every replay verified.
    narrator.step("leaderboards and replays");
    let patience = PATIENCE;
    let caught_up = patiently("reading the log's head", || async {
        engine.runtime.store().last_position().await
    })
    .await?;
    if !engine.runtime.wait_for_subscriptions(caught_up, patience).await {
        return Err(DemoError::Stuck(format!(
            "the read models did not catch up within {patience:?}"
        )));
    }
    let mut leaderboards = Vec::new();
    for kind in [LeaderboardKind::Players, LeaderboardKind::Teams] {
        let view = patiently("leaderboard", || table.service.leaderboard(guild, kind, Period::All))
            .await
            .map_err(|e| DemoError::Service {
                step: "leaderboard".to_owned(),
                error: e.to_string(),
            })?;
        let text = for_terminal(&leaderboard(&view).content, &names);
        narrator.say(&format!("\n{text}"));
        leaderboards.push(text);
    }
    let shown = games.iter().find(|g| g.mode == Mode::Knockout).unwrap_or(&games[0]);
    let store = engine.runtime.store();
    let replayed = patiently("replay", || replay::load(store, shown.game_id, None)).await?;
    let story = replay::story(&replayed, Some(&shown.replay_name), &names);
    narrator.say(&format!("\nThe {} game again, from its respawned actor:\n{story}", shown.mode));
    let mut verified = Vec::new();
    for game in &games {
        let verify = || replay::verify(store, &engine.read_models, game.game_id);
        let ok = patiently("verifying a replay", verify).await?;
        let line = format!(
            "verified {} ({}): two rebuilds and the read models agree ({} events, {} checks)",
            game.replay_name, game.mode, ok.version, ok.checks
        );
        narrator.say(&line);
        verified.push(line);
    }
    narrator.done();
    narrator.bar.finish_and_clear();
    let counts = &table.counts;
    let answers = (
        counts.answers.load(Ordering::Relaxed),
        counts.rejected.load(Ordering::Relaxed),
        counts.give_ups.load(Ordering::Relaxed),
    );
    let sent = (answers.0 + answers.1).max(1);
    let answer_latency = Duration::from_micros(counts.answer_micros.load(Ordering::Relaxed) / sent);
    Ok(DemoReport {
        answer_latency,
        guild,
        games,
        leaderboards,
        replay: story,
        verified,
        answers,
        took: started.elapsed(),
    })
}

/// What playing one game needs.
struct GameCtx<'a> {
    engine: &'a Engine,
    table: &'a Table,
    narrator: &'a Narrator,
    guild: GuildId,
    names: &'a HashMap<UserId, String>,
}

impl GameCtx<'_> {
    /// Opens a game in `channel` for `teams` (the first team's first player creates it, the
    /// others join, the creator starts it), plays it to the end, and prints its `Game over`.
    async fn play(
        &self,
        channel: ChannelId,
        options: GameOptions,
        teams: &[DemoTeam],
    ) -> Result<PlayedGame, DemoError> {
        let started = Instant::now();
        let mode = options.mode();
        let creator = &teams[0].players[0];
        let caller = |p: &SimPlayer| Caller::in_guild(self.guild, p.user, p.name.clone(), false);
        let service = &self.table.service;
        let fail = |step: String| {
            move |e: crate::service::ServiceError| DemoError::Service { step, error: e.to_string() }
        };
        let source = self.table.source_for("open");
        let opener = caller(creator);
        let opened =
            patiently("opening a game", || service.open_game(&opener, channel, options, &source))
                .await
                .map_err(fail(format!("{} opens a {mode} game", creator.name)))?;
        let game_id = opened.game_id;
        for team in &teams[1..] {
            let p = &team.players[0];
            let source = self.table.source_for("join");
            let joiner = caller(p);
            patiently("joining", || service.join(&joiner, channel, &source))
                .await
                .map_err(fail(format!("{} joins the {mode} lobby", team.name)))?;
        }
        if mode != Mode::TwoPlayer {
            let source = self.table.source_for("start");
            let starter = caller(creator);
            patiently("starting", || service.start(&starter, channel, &source))
                .await
                .map_err(fail(format!("{} starts the {mode} game", creator.name)))?;
        }
        let playing = try_join_all(
            teams.iter().map(|t| play_team(self.table, game_id, mode, t.id, &t.players)),
        );
        tokio::time::timeout(GAME_TIMEOUT, playing).await.map_err(|_| {
            DemoError::Stuck(format!("the {mode} game did not end within {GAME_TIMEOUT:?}"))
        })??;
        // The game is over; the replay-naming reactor names it a moment later (or once the
        // store is back, after an outage).
        let deadline = Instant::now() + PATIENCE;
        let replay_name = loop {
            let game = self.table.game(game_id).await?;
            match (game.phase(), game.replay_name()) {
                (Phase::Ended, Some(name)) => break name.to_owned(),
                (Phase::Cancelled, _) => {
                    return Err(DemoError::Stuck(format!("the {mode} game was cancelled")))
                }
                _ if Instant::now() > deadline => {
                    return Err(DemoError::Stuck(format!(
                        "the {mode} game got no replay name in {:?}",
                        PATIENCE
                    )))
                }
                _ => tokio::time::sleep(LOOK_AGAIN).await,
            }
        };
        let text = self.game_over_text(game_id, mode, &replay_name).await?;
        self.narrator.say(&format!("\n{text}"));
        // The next game needs these players free: their claims are released by a reactor.
        let _ = self.engine.caught_up(PATIENCE).await;
        self.narrator.done();
        Ok(PlayedGame { mode, game_id, replay_name, game_over: text, took: started.elapsed() })
    }

    /// The `Game over` message exactly as the channel gets it, from the `GameEnded` event.
    async fn game_over_text(
        &self,
        game: GameId,
        mode: Mode,
        replay_name: &str,
    ) -> Result<String, DemoError> {
        let stream = StreamId::game(game);
        let store = self.engine.runtime.store();
        let recorded = patiently("reading a game", || store.read_stream(&stream, 1)).await?;
        let codec = Codec::<GameEvent>::new();
        for event in recorded.iter().rev() {
            if let GameEvent::GameEnded { winners, ranking, .. } = codec.decode(event)? {
                let message = game_over(mode, &winners, &ranking, replay_name);
                return Ok(for_terminal(&message.content, self.names));
            }
        }
        Err(DemoError::Stuck(format!("game {game} ended without a GameEnded event")))
    }
}

impl Table {
    /// A source id for one scripted step of this run.
    fn source_for(&self, step: &str) -> String {
        format!("{}:{}:{}", self.run, step.replace(' ', "-"), Uuid::new_v4())
    }
}

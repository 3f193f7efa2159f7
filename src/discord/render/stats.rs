//! Read-only replies: player and team statistics, leaderboards, history and replays. Each takes a
//! view struct that a read model fills; empty cases (no games played, an empty board) are
//! normal replies that say so. Replays are paginated within Discord's limit.
use chrono::{DateTime, Utc};

use super::message::{
    average, count, elimination_reason, fit_lines, mention, split_for_discord, spoken_duration,
    EmbedSpec, OutgoingMessage, COLOUR_STATS,
};
use crate::discord::commands::{LeaderboardKind, Period};
use crate::domain::game::{EliminationReason, EndReason, GameEvent, GameOptions, Mode};
use crate::domain::{TeamId, UserId};

/// How many rows a leaderboard shows (the rule book's "top 10").
pub const LEADERBOARD_SIZE: usize = 10;

/// A player's best partner: the teammate they won the most games with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BestPartner {
    /// The partner.
    pub partner: UserId,
    /// Games won together.
    pub wins: u32,
    /// Games played together.
    pub games: u32,
}

/// A player's statistics in one guild.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayerStatsView {
    /// The player.
    pub player: UserId,
    /// Games played to the end.
    pub games: u32,
    /// Games won (shared wins count).
    pub wins: u32,
    /// Pairs matched.
    pub matches: u32,
    /// Guesses the matched pairs took in total (for the average).
    pub matched_guesses: u32,
    /// Matches on the first pair of a round.
    pub perfect_rounds: u32,
    /// The teammate with the most wins together, if any game was played.
    pub best_partner: Option<BestPartner>,
}

/// A team's statistics in one guild.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamStatsView {
    /// The team's current name.
    pub name: String,
    /// Its players.
    pub members: [UserId; 2],
    /// Games played to the end.
    pub games: u32,
    /// Games won.
    pub wins: u32,
    /// Pairs matched.
    pub matches: u32,
    /// Guesses the matched pairs took in total.
    pub matched_guesses: u32,
    /// Matches on the first pair of a round.
    pub perfect_rounds: u32,
    /// Wins in a row, up to its latest game.
    pub win_streak: u32,
}

/// `wins / games` as a percentage, `-` without games.
fn win_rate(wins: u32, games: u32) -> String {
    if games == 0 {
        "-".to_owned()
    } else {
        format!("{:.0}%", f64::from(wins) * 100.0 / f64::from(games))
    }
}

fn avg(matched_guesses: u32, matches: u32) -> String {
    average((matches > 0).then(|| f64::from(matched_guesses) / f64::from(matches)))
}

/// The reply to `stats [@player]`.
pub fn player_stats(view: &PlayerStatsView) -> OutgoingMessage {
    let who = mention(view.player);
    if view.games == 0 {
        return OutgoingMessage::text(format!("{who} has not played a game in this server yet."));
    }
    let partner = view.best_partner.as_ref().map_or_else(
        || "-".to_owned(),
        |b| format!("{} ({} of {} won)", mention(b.partner), b.wins, b.games),
    );
    let embed = EmbedSpec::new("Player statistics", COLOUR_STATS)
        .field("Games", view.games.to_string(), true)
        .field("Wins", view.wins.to_string(), true)
        .field("Win rate", win_rate(view.wins, view.games), true)
        .field("Matches", view.matches.to_string(), true)
        .field("Avg guesses per match", avg(view.matched_guesses, view.matches), true)
        .field("Perfect rounds", view.perfect_rounds.to_string(), true)
        .field("Best partner", partner.clone(), false);
    OutgoingMessage::lines([
        format!("Statistics for {who} in this server:"),
        format!(
            "{}, {} ({} win rate); {}, {} guesses per match, {}; best partner: {partner}.",
            count(view.games as usize, "game", "games"),
            count(view.wins as usize, "win", "wins"),
            win_rate(view.wins, view.games),
            count(view.matches as usize, "match", "matches"),
            avg(view.matched_guesses, view.matches),
            count(view.perfect_rounds as usize, "perfect round", "perfect rounds"),
        ),
    ])
    .with_embed(embed)
}

/// The reply to `stats team [name]`.
pub fn team_stats(view: &TeamStatsView) -> OutgoingMessage {
    if view.games == 0 {
        return OutgoingMessage::text(format!(
            "The team **{}** has not played a game yet.",
            view.name
        ));
    }
    let [a, b] = view.members;
    let embed = EmbedSpec::new(format!("Team {}", view.name), COLOUR_STATS)
        .field("Players", format!("{} & {}", mention(a), mention(b)), false)
        .field("Games", view.games.to_string(), true)
        .field("Wins", view.wins.to_string(), true)
        .field("Win rate", win_rate(view.wins, view.games), true)
        .field("Matches", view.matches.to_string(), true)
        .field("Avg guesses per match", avg(view.matched_guesses, view.matches), true)
        .field("Perfect rounds", view.perfect_rounds.to_string(), true)
        .field("Win streak", view.win_streak.to_string(), true);
    OutgoingMessage::lines([
        format!("Statistics for the team **{}**:", view.name),
        format!(
            "{}, {} ({} win rate); {}, {} guesses per match, {}; current win streak {}.",
            count(view.games as usize, "game", "games"),
            count(view.wins as usize, "win", "wins"),
            win_rate(view.wins, view.games),
            count(view.matches as usize, "match", "matches"),
            avg(view.matched_guesses, view.matches),
            count(view.perfect_rounds as usize, "perfect round", "perfect rounds"),
            view.win_streak
        ),
    ])
    .with_embed(embed)
}

/// The reply to `stats team` from a player who is in no team.
pub fn no_team(player: UserId) -> OutgoingMessage {
    OutgoingMessage::text(format!("{} is not in a team in this server.", mention(player)))
}

/// Who a leaderboard row is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Contender {
    /// A player (shown as a mention).
    Player(UserId),
    /// A team, by its current name.
    Team(String),
}

/// One row of a leaderboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderboardRow {
    /// The player or team.
    pub who: Contender,
    /// Games played in the period.
    pub games: u32,
    /// Games won in the period.
    pub wins: u32,
}

/// A leaderboard: what it ranks, over which period, and its rows in any order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderboardView {
    /// Players or teams.
    pub kind: LeaderboardKind,
    /// The time window.
    pub period: Period,
    /// Every contender with games in the period.
    pub rows: Vec<LeaderboardRow>,
}

fn period_text(period: Period) -> &'static str {
    match period {
        Period::Day => "today",
        Period::Week => "this week",
        Period::Month => "this month",
        Period::All => "of all time",
    }
}

/// The reply to `leaderboard`: the top [`LEADERBOARD_SIZE`] by wins, then win rate, then fewer
/// games (the rule book's order; the last key only makes the order total).
pub fn leaderboard(view: &LeaderboardView) -> OutgoingMessage {
    let what = match view.kind {
        LeaderboardKind::Players => "players",
        LeaderboardKind::Teams => "teams",
    };
    let title = format!("Top {what} {}", period_text(view.period));
    if view.rows.is_empty() {
        return OutgoingMessage::text(format!(
            "No games finished {} in this server yet, so there is no leaderboard.",
            period_text(view.period)
        ));
    }
    let mut rows: Vec<&LeaderboardRow> = view.rows.iter().collect();
    rows.sort_by(|a, b| {
        // Win rate a.wins/a.games vs b.wins/b.games without floating point.
        let rate_a = u64::from(a.wins) * u64::from(b.games.max(1));
        let rate_b = u64::from(b.wins) * u64::from(a.games.max(1));
        b.wins.cmp(&a.wins).then(rate_b.cmp(&rate_a)).then(a.games.cmp(&b.games))
    });
    let mut lines = vec![format!("**{title}**")];
    for (i, row) in rows.iter().take(LEADERBOARD_SIZE).enumerate() {
        let who = match &row.who {
            Contender::Player(user) => mention(*user),
            Contender::Team(name) => format!("**{name}**"),
        };
        lines.push(format!(
            "{}. {who}: {}, {} win rate ({})",
            i + 1,
            count(row.wins as usize, "win", "wins"),
            win_rate(row.wins, row.games),
            count(row.games as usize, "game", "games")
        ));
    }
    OutgoingMessage::lines(lines)
}

/// One finished game in a history.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    /// The game's replay name.
    pub replay_name: String,
    /// Its mode.
    pub mode: Mode,
    /// When it ended.
    pub ended_at: DateTime<Utc>,
    /// How many teams played.
    pub teams: u32,
    /// The winning teams' names (empty for no winner).
    pub winners: Vec<String>,
    /// For a player's history: whether their team won.
    pub won: Option<bool>,
}

/// Recent games in a guild, or of one player, newest first.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryView {
    /// The player whose games these are; `None` for the guild's.
    pub player: Option<UserId>,
    /// The games, newest first.
    pub games: Vec<HistoryEntry>,
}

/// The reply to `history [@player]`, one game per line.
pub fn history(view: &HistoryView) -> OutgoingMessage {
    let whose = view.player.map(mention);
    if view.games.is_empty() {
        return OutgoingMessage::text(match whose {
            Some(p) => format!("{p} has not finished a game in this server yet."),
            None => "No game has finished in this server yet.".to_owned(),
        });
    }
    let mut lines = vec![match whose {
        Some(p) => format!("**Recent games of** {p}:"),
        None => "**Recent games in this server:**".to_owned(),
    }];
    for g in &view.games {
        let winners = if g.winners.is_empty() {
            "no winner".to_owned()
        } else {
            format!("won by **{}**", g.winners.join(" & "))
        };
        let result = match g.won {
            Some(true) => " (won)",
            Some(false) => " (lost)",
            None => "",
        };
        lines.push(format!(
            "`{}` {} <t:{}:d>, {}, {winners}{result}",
            g.replay_name,
            g.mode,
            g.ended_at.timestamp(),
            count(g.teams as usize, "team", "teams")
        ));
    }
    fit_lines(lines, "games")
}

/// One resolved guess pair of a replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayGuess {
    /// The attempt number within the round.
    pub guess_count: u32,
    /// The two answers, in the team's player order.
    pub words: [String; 2],
    /// Whether they matched.
    pub matched: bool,
}

/// One team's part of a replay round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayTeamRound {
    /// The team's name.
    pub team: String,
    /// The pair dealt.
    pub dealt: [String; 2],
    /// Its resolved guess pairs, in order.
    pub guesses: Vec<ReplayGuess>,
    /// Whether it gave the pair up.
    pub gave_up: bool,
    /// Why it went out in this round, if it did.
    pub eliminated: Option<EliminationReason>,
}

/// One round of a replay (for Race and Golf Race, each team's n-th pair).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayRound {
    /// The round (or pair) number, from 1.
    pub number: u32,
    /// Every team that played it.
    pub teams: Vec<ReplayTeamRound>,
}

/// A finished game told round by round.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayStory {
    /// The replay name.
    pub replay_name: String,
    /// Mode and options.
    pub options: GameOptions,
    /// The teams' names in joining order.
    pub teams: Vec<String>,
    /// The rounds in order.
    pub rounds: Vec<ReplayRound>,
    /// The winners' names (empty for no winner).
    pub winners: Vec<String>,
    /// Why the game ended: played to its result, or for want of answers.
    pub reason: EndReason,
}

impl ReplayStory {
    /// Builds the story from a game's events (the stream in order). `None` when the events hold
    /// no `GameCreated`.
    pub fn from_events(replay_name: &str, events: &[GameEvent]) -> Option<ReplayStory> {
        let options = events.iter().find_map(|e| match e {
            GameEvent::GameCreated { options, .. } => Some(*options),
            _ => None,
        })?;
        let mut names: Vec<(TeamId, String)> = Vec::new();
        let mut rounds: Vec<ReplayRound> = Vec::new();
        let mut winners = Vec::new();
        let mut reason = EndReason::Played;
        let name_of = |names: &[(TeamId, String)], id: TeamId| {
            names.iter().find(|(t, _)| *t == id).map_or_else(String::new, |(_, n)| n.clone())
        };
        for event in events {
            match event {
                GameEvent::TeamJoined { team } => names.push((team.team_id, team.name.clone())),
                GameEvent::TeamLeft { team_id, .. } => names.retain(|(t, _)| t != team_id),
                GameEvent::PairDealt { team_id, round, pair, .. } => {
                    let team = name_of(&names, *team_id);
                    let at = match rounds.iter().position(|r| r.number == *round) {
                        Some(at) => at,
                        None => {
                            rounds.push(ReplayRound { number: *round, teams: Vec::new() });
                            rounds.len() - 1
                        }
                    };
                    rounds[at].teams.push(ReplayTeamRound {
                        team,
                        dealt: pair.clone(),
                        guesses: Vec::new(),
                        gave_up: false,
                        eliminated: None,
                    });
                }
                GameEvent::PairResolved {
                    team_id, round, guess_count, answers, result, ..
                } => {
                    if let Some(t) = team_round(&mut rounds, *round, &name_of(&names, *team_id)) {
                        t.guesses.push(ReplayGuess {
                            guess_count: *guess_count,
                            words: [answers[0].word.clone(), answers[1].word.clone()],
                            matched: result.is_match(),
                        });
                    }
                }
                GameEvent::PairAbandoned { team_id, round, .. } => {
                    if let Some(t) = team_round(&mut rounds, *round, &name_of(&names, *team_id)) {
                        t.gave_up = true;
                    }
                }
                GameEvent::TeamEliminated { team_id, round, reason, .. } => {
                    if let Some(t) = team_round(&mut rounds, *round, &name_of(&names, *team_id)) {
                        t.eliminated = Some(*reason);
                    }
                }
                GameEvent::GameEnded { winners: w, ranking, reason: why, .. } => {
                    reason = *why;
                    winners = w
                        .iter()
                        .filter_map(|id| ranking.iter().find(|s| s.team_id == *id))
                        .map(|s| s.name.clone())
                        .collect();
                }
                _ => {}
            }
        }
        rounds.sort_by_key(|r| r.number);
        Some(ReplayStory {
            replay_name: replay_name.to_owned(),
            options,
            teams: names.into_iter().map(|(_, n)| n).collect(),
            rounds,
            winners,
            reason,
        })
    }
}

/// The latest part of `team` in round `number`.
fn team_round<'a>(
    rounds: &'a mut [ReplayRound],
    number: u32,
    team: &str,
) -> Option<&'a mut ReplayTeamRound> {
    rounds.iter_mut().find(|r| r.number == number)?.teams.iter_mut().rev().find(|t| t.team == team)
}

/// The reply to `replay`: a header, then each round with every team's pairs, then the winner.
/// Several messages when the story is longer than one Discord message.
pub fn replay(story: &ReplayStory) -> Vec<OutgoingMessage> {
    let mode = story.options.mode();
    let unit = if mode.is_clocked() { "Pair" } else { "Round" };
    let mut lines = vec![format!(
        "**Replay {}**: {mode}, {}: {}",
        story.replay_name,
        count(story.teams.len(), "team", "teams"),
        story.teams.join(", ")
    )];
    for round in &story.rounds {
        lines.push(format!("**{unit} {}**", round.number));
        for t in &round.teams {
            let guesses: Vec<String> =
                t.guesses.iter().map(|g| format!("{} / {}", g.words[0], g.words[1])).collect();
            let outcome = match (t.guesses.last(), t.gave_up) {
                (_, true) => "gave up".to_owned(),
                (Some(g), _) if g.matched => {
                    format!("match in {}", count(g.guess_count as usize, "guess", "guesses"))
                }
                _ => "no match".to_owned(),
            };
            let out = t
                .eliminated
                .map_or_else(String::new, |r| format!(", out: {}", elimination_reason(r)));
            let played = if guesses.is_empty() {
                String::new()
            } else {
                format!(": {}", guesses.join(", "))
            };
            lines.push(format!(
                "- {} ({} + {}){played}; {outcome}{out}",
                t.team, t.dealt[0], t.dealt[1]
            ));
        }
    }
    lines.push(match (story.winners.is_empty(), story.reason) {
        (true, EndReason::Idle { idle_seconds }) => {
            format!("No winner: no answers for {}, the game ended.", spoken_duration(idle_seconds))
        }
        (true, EndReason::Played) => "No winner".to_owned(),
        (false, _) => {
            format!("Winner: {}", story.winners.join(" & "))
        }
    });
    split_for_discord(&lines.join("\n")).into_iter().map(OutgoingMessage::text).collect()
}

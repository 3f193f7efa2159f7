//! An outgoing message as plain data: the text content that carries every marker the contract
//! names, plus optional embeds for presentation. Also the 2,000-character split, and the small
//! formatting helpers every renderer shares (mentions, team names, durations).
use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::game::{EliminationReason, Game};
use crate::domain::{TeamId, UserId};

/// Discord refuses message content longer than this many characters.
pub const DISCORD_MESSAGE_LIMIT: usize = 2000;
/// Discord's limit on an embed field's value.
pub const EMBED_FIELD_LIMIT: usize = 1024;

/// Lobby embeds: Discord's blurple, the colour of "waiting to start".
pub const COLOUR_LOBBY: u32 = 0x5865F2;
/// Statistics, leaderboards and history: a calm blue for read-only information.
pub const COLOUR_STATS: u32 = 0x3498DB;

/// One name/value field of an embed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbedField {
    /// The field's title.
    pub name: String,
    /// Its text (at most [`EMBED_FIELD_LIMIT`] characters).
    pub value: String,
    /// Whether Discord may put it beside its neighbours.
    pub inline: bool,
}

/// An embed as plain data; the sender turns it into Discord's embed. Embeds only add detail:
/// nothing the contract tests read lives only in an embed.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EmbedSpec {
    /// The title.
    pub title: String,
    /// The text under the title.
    pub description: Option<String>,
    /// The fields, in order.
    pub fields: Vec<EmbedField>,
    /// The colour of the side bar, `0xRRGGBB`.
    pub colour: u32,
}

impl EmbedSpec {
    /// An embed with a title and colour, and nothing else yet.
    pub fn new(title: impl Into<String>, colour: u32) -> Self {
        EmbedSpec { title: title.into(), colour, ..Default::default() }
    }

    /// Adds a field; a value over Discord's limit is cut with an ellipsis.
    pub fn field(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
        inline: bool,
    ) -> Self {
        let value = clip(&value.into(), EMBED_FIELD_LIMIT);
        self.fields.push(EmbedField { name: name.into(), value, inline });
        self
    }
}

/// A message the bot sends: to a channel (as a reply or an announcement) or as a DM.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OutgoingMessage {
    /// The text. Its first line carries the contract's marker, when it has one.
    pub content: String,
    /// Embeds shown under the text.
    pub embeds: Vec<EmbedSpec>,
}

impl OutgoingMessage {
    /// A message of text lines joined by newlines.
    pub fn lines<I, S>(lines: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let content = lines.into_iter().map(|l| l.as_ref().to_owned()).collect::<Vec<_>>();
        OutgoingMessage { content: content.join("\n"), embeds: Vec::new() }
    }

    /// A message of one text.
    pub fn text(content: impl Into<String>) -> Self {
        OutgoingMessage { content: content.into(), embeds: Vec::new() }
    }

    /// The same message with an embed added.
    pub fn with_embed(mut self, embed: EmbedSpec) -> Self {
        self.embeds.push(embed);
        self
    }

    /// The first line of the content, where the contract's markers sit.
    pub fn first_line(&self) -> &str {
        self.content.lines().next().unwrap_or("")
    }

    /// The message as one or more messages within Discord's content limit, split on line
    /// boundaries; the embeds go with the last part, after the text they illustrate.
    pub fn split(self) -> Vec<OutgoingMessage> {
        let mut parts: Vec<OutgoingMessage> =
            split_for_discord(&self.content).into_iter().map(OutgoingMessage::text).collect();
        match parts.last_mut() {
            Some(last) => last.embeds = self.embeds,
            None => parts.push(OutgoingMessage { content: String::new(), embeds: self.embeds }),
        }
        parts
    }
}

/// Splits `content` into pieces of at most [`DISCORD_MESSAGE_LIMIT`] characters. Pieces break
/// between lines; a single line longer than the limit is broken at its last space within the
/// limit, or mid-word when it has none. Empty content gives no pieces.
pub fn split_for_discord(content: &str) -> Vec<String> {
    split_at_limit(content, DISCORD_MESSAGE_LIMIT)
}

fn split_at_limit(content: &str, limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    // The piece being filled and its length in characters.
    let mut current: Option<(String, usize)> = None;
    for line in content.split('\n') {
        let chars = line.chars().count();
        if chars > limit {
            pieces.extend(current.take().map(|(text, _)| text));
            pieces.extend(break_long_line(line, limit));
            continue;
        }
        match current.as_mut() {
            Some((text, len)) if *len + 1 + chars <= limit => {
                text.push('\n');
                text.push_str(line);
                *len += 1 + chars;
            }
            _ => {
                pieces.extend(current.take().map(|(text, _)| text));
                current = Some((line.to_owned(), chars));
            }
        }
    }
    pieces.extend(current.map(|(text, _)| text));
    // Discord refuses a message of nothing but white space.
    pieces.retain(|p| !p.trim().is_empty());
    pieces
}

/// Breaks one over-long line into pieces of at most `limit` characters.
fn break_long_line(line: &str, limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest: Vec<char> = line.chars().collect();
    while rest.len() > limit {
        let cut = rest[..limit]
            .iter()
            .rposition(|c| *c == ' ')
            .filter(|at| *at > 0)
            .map_or(limit, |at| at + 1);
        let piece: String = rest[..cut].iter().collect();
        pieces.push(piece.trim_end().to_owned());
        rest.drain(..cut);
    }
    if !rest.is_empty() {
        pieces.push(rest.into_iter().collect());
    }
    pieces
}

/// `text` cut to at most `limit` characters, ending in an ellipsis when cut.
pub(super) fn clip(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(limit.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// One message of `lines` within Discord's limit: the last lines give way to a line counting
/// how many `what` were left out.
pub(super) fn fit_lines(mut lines: Vec<String>, what: &str) -> OutgoingMessage {
    let size = |lines: &[String]| lines.iter().map(|l| l.chars().count() + 1).sum::<usize>();
    let total = lines.len();
    while size(&lines) > DISCORD_MESSAGE_LIMIT && lines.len() > 1 {
        lines.pop();
        let more = format!("... and {} more {what}", total - lines.len());
        if size(&lines) + more.chars().count() < DISCORD_MESSAGE_LIMIT {
            lines.push(more);
            break;
        }
    }
    OutgoingMessage::lines(lines)
}

/// A Discord mention of a user: `<@123>`.
pub fn mention(user: UserId) -> String {
    format!("<@{}>", user.0)
}

/// The names of a game's teams by id, for renderers whose facts carry only ids.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TeamNames(HashMap<TeamId, String>);

impl TeamNames {
    /// Every team that is or was in `game`.
    pub fn from_game(game: &Game) -> Self {
        TeamNames(game.teams().iter().map(|t| (t.team_id, t.name.clone())).collect())
    }

    /// Adds or replaces one team's name.
    pub fn insert(&mut self, team: TeamId, name: impl Into<String>) {
        self.0.insert(team, name.into());
    }

    /// The team's name; a neutral stand-in for a team that is not known.
    pub fn get(&self, team: TeamId) -> &str {
        self.0.get(&team).map_or("a team", String::as_str)
    }
}

/// How an elimination reads in a sentence ("out: ran out of time").
pub fn elimination_reason(reason: EliminationReason) -> &'static str {
    match reason {
        EliminationReason::GuessLimit => "reached the guess limit",
        EliminationReason::TimeExpired => "ran out of time",
        EliminationReason::Slowest => "slowest",
        EliminationReason::Forfeit => "forfeited",
        EliminationReason::LongformRound => "most guesses",
    }
}

/// A duration in the largest two units that matter: `45s`, `2m 30s`, `5h 10m`, `2d 3h`.
pub fn duration(delta: TimeDelta) -> String {
    let secs = delta.num_seconds().max(0);
    let (d, h, m, s) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) if s == 0 => format!("{m}m"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, 0) => format!("{h}h"),
        (0, _, _) => format!("{h}h {m}m"),
        (_, 0, _) => format!("{d}d"),
        _ => format!("{d}d {h}h"),
    }
}

/// A period in words, for sentences: `15 minutes`, `an hour`, `2 days and 1 hour`,
/// `1 hour, 2 minutes and 5 seconds`.
pub fn spoken_duration(seconds: u64) -> String {
    let units = [(86_400, "day", "a day"), (3600, "hour", "an hour"), (60, "minute", "a minute")];
    let mut rest = seconds;
    let mut parts: Vec<(u64, &str, &str)> = Vec::new();
    for (size, name, one) in units {
        if rest >= size {
            parts.push((rest / size, name, one));
            rest %= size;
        }
    }
    if rest > 0 || parts.is_empty() {
        parts.push((rest, "second", "a second"));
    }
    if let [(1, _, one)] = parts.as_slice() {
        return (*one).to_owned();
    }
    let words: Vec<String> = parts
        .iter()
        .map(|(n, name, _)| if *n == 1 { format!("1 {name}") } else { format!("{n} {name}s") })
        .collect();
    match words.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, init)) => format!("{} and {last}", init.join(", ")),
        None => String::new(),
    }
}

/// Time left until `at`, as seen at `now` (zero once passed).
pub(super) fn left(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    duration(at - now)
}

/// `1 team`, `3 teams`.
pub(super) fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// An average with two decimals, or a dash when there is none.
pub(super) fn average(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn lengths(pieces: &[String]) -> Vec<usize> {
        pieces.iter().map(|p| p.chars().count()).collect()
    }

    #[test]
    fn short_content_stays_one_piece() {
        assert_eq!(split_for_discord("a\nb"), vec!["a\nb".to_owned()]);
        assert!(split_for_discord("").is_empty());
    }

    #[test]
    fn long_content_splits_between_lines_never_inside_one() {
        let line = "x".repeat(99);
        let content = vec![line.as_str(); 50].join("\n"); // 50 * 100 - 1 = 4999 characters
        let pieces = split_for_discord(&content);
        assert_eq!(lengths(&pieces), vec![1999, 1999, 999]);
        assert!(pieces.iter().all(|p| p.split('\n').all(|l| l == line)));
        assert_eq!(pieces.join("\n"), content, "nothing is lost or added");
    }

    #[test]
    fn a_line_of_exactly_the_limit_fits_alone() {
        let line = "y".repeat(DISCORD_MESSAGE_LIMIT);
        let pieces = split_for_discord(&format!("first\n{line}\nlast"));
        assert_eq!(pieces, vec!["first".to_owned(), line, "last".to_owned()]);
    }

    #[test]
    fn an_over_long_line_breaks_at_spaces_within_the_limit() {
        let words = vec!["word"; 1000].join(" "); // 4999 characters
        let pieces = split_for_discord(&words);
        assert!(pieces.iter().all(|p| p.chars().count() <= DISCORD_MESSAGE_LIMIT));
        assert!(pieces.iter().all(|p| p.split(' ').all(|w| w == "word")), "no word is cut");
        assert_eq!(pieces.join(" "), words);
    }

    #[test]
    fn an_over_long_word_is_cut_hard() {
        let word = "é".repeat(4500);
        let pieces = split_for_discord(&word);
        assert_eq!(lengths(&pieces), vec![2000, 2000, 500]);
    }

    #[test]
    fn the_limit_counts_characters_not_bytes() {
        let line = "é".repeat(1000); // 2000 bytes, 1000 characters
        let content = format!("{line}\n{line}");
        assert_eq!(split_for_discord(&content).len(), 2);
        let short = "é".repeat(999);
        assert_eq!(split_for_discord(&format!("{short}\n{short}")).len(), 1);
    }

    #[test]
    fn blank_lines_inside_a_piece_are_kept() {
        assert_eq!(split_for_discord("a\n\nb"), vec!["a\n\nb".to_owned()]);
    }

    #[test]
    fn a_split_message_keeps_its_embeds_on_the_last_part() {
        let message = OutgoingMessage::text(vec!["z".repeat(1500); 3].join("\n"))
            .with_embed(EmbedSpec::new("detail", COLOUR_STATS));
        let parts = message.split();
        assert_eq!(parts.len(), 3);
        assert!(parts[..2].iter().all(|p| p.embeds.is_empty()));
        assert_eq!(parts[2].embeds.len(), 1);
    }

    #[test]
    fn durations_read_in_their_two_largest_units() {
        let cases = [
            (0, "0s"),
            (45, "45s"),
            (60, "1m"),
            (150, "2m 30s"),
            (3600, "1h"),
            (18_600, "5h 10m"),
            (86_400, "1d"),
            (183_600, "2d 3h"),
            (-5, "0s"),
        ];
        for (secs, expected) in cases {
            assert_eq!(duration(TimeDelta::seconds(secs)), expected, "{secs} seconds");
        }
    }

    proptest! {
        #[test]
        fn any_content_splits_into_pieces_within_the_limit_that_rejoin_to_it(
            lines in proptest::collection::vec("[a-z ]{1,300}", 0..40),
            limit in 50usize..400,
        ) {
            let content = lines.join("\n");
            let pieces = split_at_limit(&content, limit);
            for piece in &pieces {
                prop_assert!(piece.chars().count() <= limit);
                prop_assert!(!piece.trim().is_empty());
            }
            // Lines of at most the limit are never cut, so the pieces rejoin to the lines.
            if lines.iter().all(|l| l.chars().count() <= limit && !l.trim().is_empty()) {
                prop_assert_eq!(pieces.join("\n"), content);
            }
        }
    }
}

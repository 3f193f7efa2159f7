//! Command parsing: a guild message that starts with the guild's prefix (`wmteam @ann`) becomes a
//! [`BotCommand`], a direct message becomes a [`DmCommand`]. Values are parsed with the domain's
//! own parsers (team names, game options, prefixes), so a command that parses carries only valid
//! values and every refusal names what was wrong and how to write it.
use uuid::Uuid;

use crate::domain::game::{GameOptions, Mode, OptionError};
use crate::domain::guild::{Prefix, PrefixError};
use crate::domain::team::{TeamName, TeamNameError};
use crate::domain::{GameId, UserId};

/// Whose statistics `wmstats` asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatsTarget {
    /// A player: the one mentioned, or the author when `None`.
    Player(Option<UserId>),
    /// A team: the one named, or the author's team when `None`. The name is looked up, not
    /// checked against the naming rules, because default names (`ann & bob`) hold a `&`.
    Team(Option<String>),
}

/// What a leaderboard ranks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaderboardKind {
    /// Players.
    Players,
    /// Teams.
    Teams,
}

/// The time window a leaderboard counts games in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// The last 24 hours.
    Day,
    /// The last 7 days.
    Week,
    /// The last 30 days.
    Month,
    /// Every game ever played in the guild.
    All,
}

/// Which finished game `wmreplay` shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayTarget {
    /// A replay name such as `river-123`, as typed (looked up case-insensitively).
    Name(String),
    /// A game id (a UUID).
    Game(GameId),
}

/// A command typed in a guild channel (or its slash-command twin), with every value parsed.
#[derive(Clone, Debug, PartialEq)]
pub enum BotCommand {
    /// `team @partner [name]`: invite a partner to form a team.
    Team {
        /// The invited player.
        partner: UserId,
        /// A chosen name; `None` for the default `<name1> & <name2>`.
        name: Option<TeamName>,
    },
    /// `ok`: accept the invitation addressed to the author.
    Ok,
    /// `rename <name>`: rename the author's team.
    Rename {
        /// The new name.
        name: TeamName,
    },
    /// `2p`, `knockout`, `race`, `golf`, `longform` with `key=value` options: open a lobby (or
    /// start a Two Player game at once). The mode is `options.mode()`.
    Play {
        /// The mode and its options, defaults filled in.
        options: GameOptions,
    },
    /// `join`: the author's team joins the channel's lobby.
    Join,
    /// `leave`: the author's team leaves the channel's lobby.
    Leave,
    /// `start`: the lobby's creator starts the game.
    Start,
    /// `cancel`: cancel the channel's lobby or game.
    Cancel,
    /// `status`: the channel's game.
    Status,
    /// `stats [@player]`, `stats team [name]`.
    Stats {
        /// Whose statistics.
        target: StatsTarget,
    },
    /// `leaderboard [players|teams] [day|week|month|all]`.
    Leaderboard {
        /// Players or teams (default players).
        kind: LeaderboardKind,
        /// The time window (default all).
        period: Period,
    },
    /// `history [@player]`: recent games of a player (the author when `None`).
    History {
        /// The player.
        player: Option<UserId>,
    },
    /// `replay <replay-name or game-id>`.
    Replay {
        /// The game.
        target: ReplayTarget,
    },
    /// `prefix <new>`: change the guild's prefix.
    Prefix {
        /// The new prefix.
        new: Prefix,
    },
    /// `help`: the command list.
    Help,
}

impl BotCommand {
    /// A short lowercase name for logs (`command.kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            BotCommand::Team { .. } => "team",
            BotCommand::Ok => "ok",
            BotCommand::Rename { .. } => "rename",
            BotCommand::Play { .. } => "play",
            BotCommand::Join => "join",
            BotCommand::Leave => "leave",
            BotCommand::Start => "start",
            BotCommand::Cancel => "cancel",
            BotCommand::Status => "status",
            BotCommand::Stats { .. } => "stats",
            BotCommand::Leaderboard { .. } => "leaderboard",
            BotCommand::History { .. } => "history",
            BotCommand::Replay { .. } => "replay",
            BotCommand::Prefix { .. } => "prefix",
            BotCommand::Help => "help",
        }
    }
}

/// A direct message to the bot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DmCommand {
    /// `give up`: abandon the pair (Race, Golf Race) or forfeit (Knockout).
    GiveUp,
    /// `status`: the team's current pair and guess count.
    Status,
    /// Anything else, passed through as typed: the game checks it against the word rules, so a
    /// multi-word answer is refused with the rules' own reason.
    Answer(String),
}

/// One line of the command list: how a command is written and what it does. The same table
/// drives `help` and the usage shown in parse errors, so they never disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommandHelp {
    /// The command word after the prefix (`team`).
    pub name: &'static str,
    /// What follows it, empty when nothing does (`@partner [name]`).
    pub args: &'static str,
    /// What it does, in a few words.
    pub summary: &'static str,
}

/// Every guild command, in the order `help` lists them.
pub const COMMANDS: &[CommandHelp] = &[
    CommandHelp {
        name: "team",
        args: "@partner [name]",
        summary: "invite a partner to form a team",
    },
    CommandHelp { name: "ok", args: "", summary: "accept the invitation you received" },
    CommandHelp { name: "rename", args: "<name>", summary: "rename your team" },
    CommandHelp {
        name: "2p",
        args: "[rounds=N] [threshold=X]",
        summary: "start a Two Player game for your team",
    },
    CommandHelp {
        name: "knockout",
        args: "[round_seconds=N] [guess_limit=N] [round_delay_seconds=N]",
        summary: "open a Knockout lobby",
    },
    CommandHelp { name: "race", args: "[time_seconds=N]", summary: "open a Race lobby" },
    CommandHelp { name: "golf", args: "[time_seconds=N]", summary: "open a Golf Race lobby" },
    CommandHelp { name: "longform", args: "[round_hours=N]", summary: "open a Longform lobby" },
    CommandHelp { name: "join", args: "", summary: "your team joins the lobby in this channel" },
    CommandHelp { name: "leave", args: "", summary: "your team leaves the lobby" },
    CommandHelp { name: "start", args: "", summary: "start the lobby you opened" },
    CommandHelp { name: "cancel", args: "", summary: "cancel this channel's lobby or game" },
    CommandHelp { name: "status", args: "", summary: "the game in this channel" },
    CommandHelp {
        name: "stats",
        args: "[@player] | team [name]",
        summary: "player or team statistics",
    },
    CommandHelp {
        name: "leaderboard",
        args: "[players|teams] [day|week|month|all]",
        summary: "the top 10",
    },
    CommandHelp { name: "history", args: "[@player]", summary: "recent games" },
    CommandHelp {
        name: "replay",
        args: "<replay-name or game-id>",
        summary: "a finished game, round by round",
    },
    CommandHelp {
        name: "prefix",
        args: "<new>",
        summary: "change the command prefix (Manage Server)",
    },
    CommandHelp { name: "help", args: "", summary: "this list" },
];

/// How `name` is written with `prefix`: `` `wmteam @partner [name]` ``.
pub fn usage(prefix: &str, name: &str) -> String {
    match COMMANDS.iter().find(|c| c.name == name) {
        Some(c) if !c.args.is_empty() => format!("`{prefix}{name} {}`", c.args),
        _ => format!("`{prefix}{name}`"),
    }
}

/// Why a command could not be read. Shown to the author after `Error:`.
///
/// # Handling
/// Every variant is a user error: reply with its `Display` (ephemeral for slash commands);
/// nothing reaches the domain.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ParseError {
    /// The word after the prefix names no command.
    #[error("unknown command `{prefix}{typed}`; try `{prefix}help`")]
    UnknownCommand {
        /// The guild's prefix.
        prefix: String,
        /// The command word as typed.
        typed: String,
    },
    /// `team` without a mentioned partner.
    #[error("`{prefix}team` needs a partner: {}", usage(prefix, "team"))]
    MissingPartner {
        /// The guild's prefix.
        prefix: String,
    },
    /// A command that takes a player got something that is not a mention.
    #[error("\"{given}\" is not a mention of a member: {}", usage(prefix, command))]
    NotAMention {
        /// The guild's prefix.
        prefix: String,
        /// The command.
        command: &'static str,
        /// What was typed instead.
        given: String,
    },
    /// A command that needs a value got none.
    #[error("`{prefix}{command}` needs {what}: {}", usage(prefix, command))]
    MissingArgument {
        /// The guild's prefix.
        prefix: String,
        /// The command.
        command: &'static str,
        /// What is missing, with its article ("a name").
        what: &'static str,
    },
    /// Words after a command that takes none, or more than it takes.
    #[error("`{prefix}{command}` does not take \"{extra}\": {}", usage(prefix, command))]
    UnexpectedArguments {
        /// The guild's prefix.
        prefix: String,
        /// The command.
        command: &'static str,
        /// The words that were not expected.
        extra: String,
    },
    /// A team name that breaks the naming rules.
    #[error("{0}")]
    TeamName(#[from] TeamNameError),
    /// A game option that is unknown, malformed or out of range.
    #[error("{0}")]
    GameOption(#[from] OptionError),
    /// A prefix that breaks the prefix rules.
    #[error("{0}")]
    Prefix(#[from] PrefixError),
    /// A leaderboard word that is neither a kind nor a period.
    #[error(
        "\"{given}\" is not a leaderboard choice: use players or teams, and day, week, month or all"
    )]
    LeaderboardChoice {
        /// The word as typed.
        given: String,
    },
    /// A slash command this bot does not register.
    #[error("unknown command `/{0}`; try `/help`")]
    UnknownSlashCommand(String),
    /// A slash command without one of its required options.
    #[error("`/{command}` needs the option `{option}`")]
    MissingSlashOption {
        /// The command.
        command: &'static str,
        /// The option.
        option: &'static str,
    },
    /// A slash option whose value has the wrong type (a stale registration).
    #[error("the option `{option}` of `/{command}` must be {expected}")]
    SlashOptionType {
        /// The command.
        command: &'static str,
        /// The option.
        option: &'static str,
        /// The type expected, with its article.
        expected: &'static str,
    },
    /// A slash choice outside the registered choices (a stale registration).
    #[error("\"{given}\" is not a choice of `{option}` in `/{command}`")]
    SlashChoice {
        /// The command.
        command: &'static str,
        /// The option.
        option: &'static str,
        /// The value given.
        given: String,
    },
}

/// Parses a guild message.
///
/// `None` when the message is not for the bot: it does not start with the prefix (compared
/// without case), or nothing but white space follows the prefix. The command word is read
/// without case; the rest keeps its case. `mentions` are the users Discord resolved in the
/// message; a partner written as plain `@name` (some clients and test fakes) is taken from them.
pub fn parse_guild_message(
    prefix: &Prefix,
    text: &str,
    mentions: &[UserId],
) -> Option<Result<BotCommand, ParseError>> {
    let rest = prefix.strip(text.trim_start())?;
    // Decision (rules silent): `wm team` (a space after the prefix) or a bare `wm` is chat, not a
    // command: the rule book says no space follows the prefix.
    if rest.is_empty() || rest.starts_with(char::is_whitespace) {
        return None;
    }
    let (word, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let args = args.trim();
    let p = prefix.as_str();
    Some(parse_command(p, &word.to_lowercase(), args, mentions))
}

fn parse_command(
    p: &str,
    word: &str,
    args: &str,
    mentions: &[UserId],
) -> Result<BotCommand, ParseError> {
    let words: Vec<&str> = args.split_whitespace().collect();
    match word {
        "team" => parse_team(p, args, mentions),
        "ok" => no_arguments(p, "ok", args, BotCommand::Ok),
        "rename" => {
            if args.is_empty() {
                return Err(missing(p, "rename", "a name"));
            }
            Ok(BotCommand::Rename { name: TeamName::parse(args)? })
        }
        "join" => no_arguments(p, "join", args, BotCommand::Join),
        "leave" => no_arguments(p, "leave", args, BotCommand::Leave),
        "start" => no_arguments(p, "start", args, BotCommand::Start),
        "cancel" => no_arguments(p, "cancel", args, BotCommand::Cancel),
        "status" => no_arguments(p, "status", args, BotCommand::Status),
        "stats" => parse_stats(p, args, mentions),
        "leaderboard" => parse_leaderboard(&words),
        "history" => {
            let player = optional_player(p, "history", &words, mentions)?;
            Ok(BotCommand::History { player })
        }
        "replay" => match words.as_slice() {
            [] => Err(missing(p, "replay", "a replay name or game id")),
            [one] => Ok(BotCommand::Replay { target: replay_target(one) }),
            [_, extra @ ..] => Err(unexpected(p, "replay", &extra.join(" "))),
        },
        "prefix" => {
            if args.is_empty() {
                return Err(missing(p, "prefix", "the new prefix"));
            }
            Ok(BotCommand::Prefix { new: Prefix::parse(args)? })
        }
        "help" => no_arguments(p, "help", args, BotCommand::Help),
        other => match other.parse::<Mode>() {
            Ok(mode) => Ok(BotCommand::Play { options: GameOptions::parse(mode, &words)? }),
            Err(_) => {
                Err(ParseError::UnknownCommand { prefix: p.to_owned(), typed: word.to_owned() })
            }
        },
    }
}

fn missing(p: &str, command: &'static str, what: &'static str) -> ParseError {
    ParseError::MissingArgument { prefix: p.to_owned(), command, what }
}

fn unexpected(p: &str, command: &'static str, extra: &str) -> ParseError {
    ParseError::UnexpectedArguments { prefix: p.to_owned(), command, extra: extra.to_owned() }
}

fn no_arguments(
    p: &str,
    command: &'static str,
    args: &str,
    parsed: BotCommand,
) -> Result<BotCommand, ParseError> {
    // Decision (rules silent): words after a command that takes none are refused rather than
    // ignored, so a typo such as `wmstart race` is pointed out instead of doing something else.
    if args.is_empty() {
        Ok(parsed)
    } else {
        Err(unexpected(p, command, args))
    }
}

/// Reads a user mention token: `<@123>` or the legacy nickname form `<@!123>`.
fn mention_token(word: &str) -> Option<UserId> {
    let inner = word.strip_prefix("<@")?.strip_suffix('>')?;
    let digits = inner.strip_prefix('!').unwrap_or(inner);
    digits.parse().ok().map(UserId)
}

/// The player a word names: a mention token, or a plain `@name` when Discord resolved exactly
/// one mention for the message.
fn mentioned(word: &str, mentions: &[UserId]) -> Option<UserId> {
    mention_token(word).or_else(|| match mentions {
        [only] if word.starts_with('@') => Some(*only),
        _ => None,
    })
}

fn parse_team(p: &str, args: &str, mentions: &[UserId]) -> Result<BotCommand, ParseError> {
    let (first, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    if first.is_empty() {
        return Err(ParseError::MissingPartner { prefix: p.to_owned() });
    }
    let partner = mentioned(first, mentions).ok_or_else(|| ParseError::NotAMention {
        prefix: p.to_owned(),
        command: "team",
        given: first.to_owned(),
    })?;
    let rest = rest.trim();
    let name = if rest.is_empty() { None } else { Some(TeamName::parse(rest)?) };
    Ok(BotCommand::Team { partner, name })
}

fn optional_player(
    p: &str,
    command: &'static str,
    words: &[&str],
    mentions: &[UserId],
) -> Result<Option<UserId>, ParseError> {
    match words {
        [] => Ok(None),
        [one] => mentioned(one, mentions).map(Some).ok_or_else(|| ParseError::NotAMention {
            prefix: p.to_owned(),
            command,
            given: (*one).to_owned(),
        }),
        [_, extra @ ..] => Err(unexpected(p, command, &extra.join(" "))),
    }
}

fn parse_stats(p: &str, args: &str, mentions: &[UserId]) -> Result<BotCommand, ParseError> {
    let (first, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    if first.eq_ignore_ascii_case("team") {
        let name = rest.split_whitespace().collect::<Vec<_>>().join(" ");
        let name = (!name.is_empty()).then_some(name);
        return Ok(BotCommand::Stats { target: StatsTarget::Team(name) });
    }
    let words: Vec<&str> = args.split_whitespace().collect();
    let player = optional_player(p, "stats", &words, mentions)?;
    Ok(BotCommand::Stats { target: StatsTarget::Player(player) })
}

fn leaderboard_kind(word: &str) -> Option<LeaderboardKind> {
    match word {
        "players" | "player" => Some(LeaderboardKind::Players),
        "teams" | "team" => Some(LeaderboardKind::Teams),
        _ => None,
    }
}

fn period(word: &str) -> Option<Period> {
    match word {
        "day" => Some(Period::Day),
        "week" => Some(Period::Week),
        "month" => Some(Period::Month),
        "all" => Some(Period::All),
        _ => None,
    }
}

fn parse_leaderboard(words: &[&str]) -> Result<BotCommand, ParseError> {
    // Decision (rules silent): the two choices may come in either order, singular or plural;
    // without them the board ranks players over all time.
    let mut kind = None;
    let mut when = None;
    for word in words {
        let lower = word.to_lowercase();
        match (leaderboard_kind(&lower), period(&lower)) {
            (Some(k), _) if kind.is_none() => kind = Some(k),
            (_, Some(w)) if when.is_none() => when = Some(w),
            _ => return Err(ParseError::LeaderboardChoice { given: (*word).to_owned() }),
        }
    }
    Ok(BotCommand::Leaderboard {
        kind: kind.unwrap_or(LeaderboardKind::Players),
        period: when.unwrap_or(Period::All),
    })
}

/// Reads `wmreplay`'s argument: a game id (bare or as `game-<uuid>`), else a replay name.
pub(super) fn replay_target(word: &str) -> ReplayTarget {
    let id = word.strip_prefix("game-").unwrap_or(word);
    match Uuid::parse_str(id) {
        Ok(uuid) => ReplayTarget::Game(GameId(uuid)),
        Err(_) => ReplayTarget::Name(word.to_owned()),
    }
}

/// Parses a direct message: `give up` and `status` (any case, any spacing) are commands; any
/// other text is an answer, passed through as typed.
///
/// Decision (rules silent): `status` is never an answer in a DM; a player who means the word
/// answers it with `/guess status`.
pub fn parse_dm(text: &str) -> DmCommand {
    let normal = text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    match normal.as_str() {
        "give up" | "giveup" => DmCommand::GiveUp,
        "status" => DmCommand::Status,
        _ => DmCommand::Answer(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn wm() -> Prefix {
        Prefix::default()
    }

    fn parse(text: &str) -> Option<Result<BotCommand, ParseError>> {
        parse_guild_message(&wm(), text, &[])
    }

    fn ok(text: &str) -> BotCommand {
        match parse(text) {
            Some(Ok(command)) => command,
            other => panic!("{text:?} should parse, got {other:?}"),
        }
    }

    fn err(text: &str) -> String {
        match parse(text) {
            Some(Err(e)) => e.to_string(),
            other => panic!("{text:?} should be refused, got {other:?}"),
        }
    }

    fn name(text: &str) -> TeamName {
        TeamName::parse(text).expect("a valid test name")
    }

    fn opts(mode: Mode, words: &[&str]) -> BotCommand {
        BotCommand::Play { options: GameOptions::parse(mode, words).expect("valid test options") }
    }

    #[test]
    fn every_command_form_parses_to_its_command() {
        let cases: Vec<(&str, BotCommand)> = vec![
            ("wmteam <@42>", BotCommand::Team { partner: UserId(42), name: None }),
            ("wmteam <@!42>", BotCommand::Team { partner: UserId(42), name: None }),
            (
                "wmteam <@42>   Word   Nerds ",
                BotCommand::Team { partner: UserId(42), name: Some(name("Word Nerds")) },
            ),
            ("wmok", BotCommand::Ok),
            ("wmrename The Owls", BotCommand::Rename { name: name("The Owls") }),
            ("wm2p", opts(Mode::TwoPlayer, &[])),
            ("wm2p rounds=3 threshold=2.5", opts(Mode::TwoPlayer, &["rounds=3", "threshold=2.5"])),
            ("wmknockout", opts(Mode::Knockout, &[])),
            (
                "wmknockout round_seconds=60 guess_limit=5",
                opts(Mode::Knockout, &["round_seconds=60", "guess_limit=5"]),
            ),
            ("wmrace time_seconds=60", opts(Mode::Race, &["time_seconds=60"])),
            ("wmgolf", opts(Mode::Golf, &[])),
            ("wmlongform round_hours=2", opts(Mode::Longform, &["round_hours=2"])),
            ("wmjoin", BotCommand::Join),
            ("wmleave", BotCommand::Leave),
            ("wmstart", BotCommand::Start),
            ("wmcancel", BotCommand::Cancel),
            ("wmstatus", BotCommand::Status),
            ("wmstats", BotCommand::Stats { target: StatsTarget::Player(None) }),
            ("wmstats <@7>", BotCommand::Stats { target: StatsTarget::Player(Some(UserId(7))) }),
            ("wmstats team", BotCommand::Stats { target: StatsTarget::Team(None) }),
            (
                "wmstats team ann & bob",
                BotCommand::Stats { target: StatsTarget::Team(Some("ann & bob".into())) },
            ),
            (
                "wmleaderboard",
                BotCommand::Leaderboard { kind: LeaderboardKind::Players, period: Period::All },
            ),
            (
                "wmleaderboard teams week",
                BotCommand::Leaderboard { kind: LeaderboardKind::Teams, period: Period::Week },
            ),
            (
                "wmleaderboard Day players",
                BotCommand::Leaderboard { kind: LeaderboardKind::Players, period: Period::Day },
            ),
            (
                "wmleaderboard month",
                BotCommand::Leaderboard { kind: LeaderboardKind::Players, period: Period::Month },
            ),
            ("wmhistory", BotCommand::History { player: None }),
            ("wmhistory <@9>", BotCommand::History { player: Some(UserId(9)) }),
            (
                "wmreplay river-123",
                BotCommand::Replay { target: ReplayTarget::Name("river-123".into()) },
            ),
            (
                "wmreplay 00000000-0000-0000-0000-000000000001",
                BotCommand::Replay { target: ReplayTarget::Game(GameId(Uuid::from_u128(1))) },
            ),
            (
                "wmreplay game-00000000-0000-0000-0000-000000000001",
                BotCommand::Replay { target: ReplayTarget::Game(GameId(Uuid::from_u128(1))) },
            ),
            ("wmprefix !", BotCommand::Prefix { new: Prefix::parse("!").expect("valid") }),
            ("wmhelp", BotCommand::Help),
        ];
        for (text, expected) in cases {
            assert_eq!(ok(text), expected, "parsing {text:?}");
        }
    }

    #[test]
    fn the_prefix_and_the_command_word_ignore_case() {
        assert_eq!(ok("WMOK"), BotCommand::Ok);
        assert_eq!(ok("Wmjoin"), BotCommand::Join);
        assert_eq!(ok("wmRename Big Owls"), BotCommand::Rename { name: name("Big Owls") });
    }

    #[test]
    fn a_custom_prefix_replaces_the_default() {
        let bang = Prefix::parse("!").expect("valid");
        assert_eq!(parse_guild_message(&bang, "!ok", &[]), Some(Ok(BotCommand::Ok)));
        assert_eq!(parse_guild_message(&bang, "wmok", &[]), None);
    }

    #[test]
    fn messages_that_are_not_commands_are_not_for_us() {
        for text in ["hello", "", "w", "wm", "wm team <@1>", "wm   ", "ok wm"] {
            assert_eq!(parse(text), None, "{text:?} is chat, not a command");
        }
    }

    #[test]
    fn a_plain_at_name_takes_the_single_resolved_mention() {
        let parsed = parse_guild_message(&wm(), "wmteam @bob Owls", &[UserId(5)]);
        assert_eq!(
            parsed,
            Some(Ok(BotCommand::Team { partner: UserId(5), name: Some(name("Owls")) }))
        );
        let stats = parse_guild_message(&wm(), "wmstats @bob", &[UserId(5)]);
        assert_eq!(
            stats,
            Some(Ok(BotCommand::Stats { target: StatsTarget::Player(Some(UserId(5))) }))
        );
    }

    #[test]
    fn every_refusal_says_what_was_wrong() {
        let cases = [
            ("wmfoo", "unknown command `wmfoo`; try `wmhelp`"),
            ("wmteam", "`wmteam` needs a partner: `wmteam @partner [name]`"),
            ("wmteam bob", "\"bob\" is not a mention of a member: `wmteam @partner [name]`"),
            ("wmteam @bob", "\"@bob\" is not a mention of a member: `wmteam @partner [name]`"),
            ("wmteam <@1> ab", "a team name needs at least 3 characters (this one has 2)"),
            (
                "wmteam <@1> a&b",
                "\"&\" is not allowed in a team name: use letters, digits, spaces, hyphens or emoji",
            ),
            ("wmrename", "`wmrename` needs a name: `wmrename <name>`"),
            ("wmok now", "`wmok` does not take \"now\": `wmok`"),
            ("wmstart race", "`wmstart` does not take \"race\": `wmstart`"),
            ("wmrace time_seconds=10", "time_seconds must be 30 to 3600, got 10"),
            ("wmrace speed=fast", "unknown option \"speed\"; Race takes time_seconds"),
            ("wmrace 60", "option \"60\" is not written as key=value"),
            ("wm2p rounds=0", "rounds must be 1 to 20, got 0"),
            ("wm2p threshold=13", "threshold must be 1 to 12, got 13"),
            ("wmknockout guess_limit=1", "guess_limit must be 2 to 50, got 1"),
            ("wmknockout round_seconds=4000", "round_seconds must be 30 to 3600, got 4000"),
            ("wmlongform round_hours=200", "round_hours must be 1 to 168, got 200"),
            ("wmlongform round_hours=x", "round_hours must be a number from 1 to 168, not \"x\""),
            ("wmstats bob", "\"bob\" is not a mention of a member: `wmstats [@player] | team [name]`"),
            ("wmhistory <@1> <@2>", "`wmhistory` does not take \"<@2>\": `wmhistory [@player]`"),
            (
                "wmleaderboard weekly",
                "\"weekly\" is not a leaderboard choice: use players or teams, and day, week, month or all",
            ),
            (
                "wmleaderboard teams players",
                "\"players\" is not a leaderboard choice: use players or teams, and day, week, month or all",
            ),
            (
                "wmreplay",
                "`wmreplay` needs a replay name or game id: `wmreplay <replay-name or game-id>`",
            ),
            ("wmprefix", "`wmprefix` needs the new prefix: `wmprefix <new>`"),
            ("wmprefix toolong", "the prefix has at most 5 characters (this one has 7)"),
            ("wmprefix a b", "the prefix cannot contain spaces"),
            ("wmprefix /x", "the prefix cannot start with \"/\": that is how slash commands start"),
        ];
        for (text, expected) in cases {
            assert_eq!(err(text), expected, "refusing {text:?}");
        }
    }

    #[test]
    fn errors_show_the_guild_prefix() {
        let bang = Prefix::parse("!").expect("valid");
        let refused = parse_guild_message(&bang, "!team", &[]);
        assert_eq!(
            refused.map(|r| r.map_err(|e| e.to_string())),
            Some(Err("`!team` needs a partner: `!team @partner [name]`".into()))
        );
    }

    #[test]
    fn direct_messages_are_give_up_status_or_an_answer() {
        let cases = [
            ("give up", DmCommand::GiveUp),
            ("  Give   UP ", DmCommand::GiveUp),
            ("giveup", DmCommand::GiveUp),
            ("status", DmCommand::Status),
            ("STATUS\n", DmCommand::Status),
            ("river", DmCommand::Answer("river".into())),
            (" River ", DmCommand::Answer(" River ".into())),
            ("two words", DmCommand::Answer("two words".into())),
            ("give up now", DmCommand::Answer("give up now".into())),
            ("", DmCommand::Answer(String::new())),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_dm(text), expected, "parsing the DM {text:?}");
        }
    }

    #[test]
    fn every_command_in_the_help_table_parses() {
        for command in COMMANDS {
            let text = match command.name {
                "team" => "wmteam <@1>".to_owned(),
                "rename" => "wmrename Owls".to_owned(),
                "replay" => "wmreplay river-123".to_owned(),
                "prefix" => "wmprefix !".to_owned(),
                other => format!("wm{other}"),
            };
            assert!(matches!(parse(&text), Some(Ok(_))), "{text:?} from the help table parses");
        }
    }

    proptest! {
        #[test]
        fn text_without_the_prefix_is_never_for_us(text in "[^wW\\s].{0,40}") {
            prop_assert_eq!(parse(&text), None);
        }

        #[test]
        fn any_text_after_the_prefix_parses_or_is_refused_without_panicking(rest in "\\PC{0,60}") {
            let _ = parse_guild_message(&wm(), &format!("wm{rest}"), &[UserId(1)]);
        }

        #[test]
        fn any_user_id_in_a_mention_is_the_partner(id in any::<u64>(), bang in any::<bool>()) {
            let token = if bang { format!("<@!{id}>") } else { format!("<@{id}>") };
            prop_assert_eq!(
                parse(&format!("wmteam {token}")),
                Some(Ok(BotCommand::Team { partner: UserId(id), name: None }))
            );
        }

        #[test]
        fn any_single_word_dm_other_than_status_is_an_answer(word in "[a-z]{1,20}") {
            prop_assume!(word != "status" && word != "giveup");
            prop_assert_eq!(parse_dm(&word), DmCommand::Answer(word.clone()));
        }
    }

    /// Hostile input: random and half-formed commands, many cases each. Every message is either
    /// not for the bot, a command whose values all obey their rules, or a refusal whose message
    /// names what was wrong.
    mod hostile {
        use proptest::prelude::*;

        use super::*;

        /// Cases per property: enough to reach the rare branches, fast enough for CI.
        const CASES: u32 = 4_096;

        /// A word after the prefix: a command or mode in any case, or something else.
        fn command_word() -> impl Strategy<Value = String> {
            let known: Vec<&str> = COMMANDS
                .iter()
                .map(|c| c.name)
                .chain(["knockout", "race", "golf", "longform"])
                .collect();
            prop_oneof![
                3 => prop::sample::select(known).prop_flat_map(|w| {
                    prop::collection::vec(any::<bool>(), w.len()).prop_map(move |upper| {
                        w.chars()
                            .zip(upper)
                            .map(|(c, up)| if up { c.to_ascii_uppercase() } else { c })
                            .collect()
                    })
                }),
                1 => "\\PC{1,12}",
            ]
        }

        /// One argument token: mentions well and badly formed, options with hostile values,
        /// choices, names in many scripts, emoji, and noise.
        fn token() -> impl Strategy<Value = String> {
            let keys = prop::sample::select(vec![
                "rounds",
                "threshold",
                "time_seconds",
                "round_seconds",
                "guess_limit",
                "round_delay_seconds",
                "round_hours",
                "ROUNDS",
                "Threshold",
                "speed",
                "",
            ]);
            let values = prop_oneof![
                (0u64..5_000).prop_map(|n| n.to_string()),
                any::<i64>().prop_map(|n| n.to_string()),
                any::<f64>().prop_map(|x| x.to_string()),
                prop::sample::select(vec![
                    "NaN",
                    "inf",
                    "-inf",
                    "1e1",
                    "+3",
                    "\u{663}",
                    "",
                    "=",
                    "99999999999999999999",
                ])
                .prop_map(str::to_owned),
                "\\PC{0,6}",
            ];
            prop_oneof![
                any::<u64>().prop_map(|id| format!("<@{id}>")),
                any::<u64>().prop_map(|id| format!("<@!{id}>")),
                prop::sample::select(vec!["<@>", "<@abc>", "<@!>", "<@-1>", "@bob", "<@1"])
                    .prop_map(str::to_owned),
                (keys, values).prop_map(|(k, v)| format!("{k}={v}")),
                prop::sample::select(vec![
                    "team",
                    "players",
                    "teams",
                    "day",
                    "week",
                    "month",
                    "all",
                    "weekly",
                    "Caf\u{e9}",
                    "Cafe\u{301}",
                    "\u{5b57}\u{5b57}\u{5b57}",
                    "\u{1f525}",
                    "&",
                    "-",
                    "game-00000000-0000-0000-0000-000000000001",
                    "river-123",
                    "/x",
                    "!",
                ])
                .prop_map(str::to_owned),
                "\\PC{1,10}",
            ]
        }

        /// A whole message: a prefix in any case, a command word, separators and tokens.
        fn message() -> impl Strategy<Value = String> {
            (
                prop::sample::select(vec!["wm", "WM", "Wm", "wM", " wm", "\twm"]),
                command_word(),
                prop::collection::vec(
                    (prop::sample::select(vec![" ", "  ", "\t", "\u{3000}", "\n"]), token()),
                    0..6,
                ),
            )
                .prop_map(|(prefix, word, args)| {
                    let mut text = format!("{prefix}{word}");
                    for (separator, token) in args {
                        text.push_str(separator);
                        text.push_str(&token);
                    }
                    text
                })
        }

        /// A command that parsed carries only values that obey their own rules.
        fn assert_valid(command: &BotCommand) -> Result<(), TestCaseError> {
            match command {
                BotCommand::Team { name: Some(name), .. } | BotCommand::Rename { name } => {
                    prop_assert_eq!(TeamName::parse(name.as_str()), Ok(name.clone()));
                }
                BotCommand::Play { options } => {
                    let stored = serde_json::to_value(options).expect("options serialize");
                    let back: GameOptions =
                        serde_json::from_value(stored).expect("stored options are in range");
                    prop_assert_eq!(&back, options);
                }
                BotCommand::Prefix { new } => {
                    prop_assert_eq!(Prefix::parse(new.as_str()), Ok(new.clone()));
                }
                BotCommand::Replay { target: ReplayTarget::Name(name) } => {
                    prop_assert!(!name.is_empty() && !name.contains(char::is_whitespace));
                }
                BotCommand::Stats { target: StatsTarget::Team(Some(name)) } => {
                    prop_assert!(!name.is_empty() && name.trim() == name, "{:?}", name);
                }
                _ => {}
            }
            Ok(())
        }

        /// A refusal says what was wrong: its message is not empty and names the part of the
        /// input (or the rule) at fault.
        fn assert_specific(error: &ParseError, input: &str) -> Result<(), TestCaseError> {
            let message = error.to_string();
            prop_assert!(!message.trim().is_empty(), "an empty message for {:?}", input);
            match error {
                ParseError::UnknownCommand { typed, .. } => {
                    prop_assert!(!typed.is_empty() && message.contains(typed.as_str()));
                }
                ParseError::NotAMention { given, command, .. } => {
                    prop_assert!(input.contains(given.as_str()), "{:?} in {:?}", given, input);
                    prop_assert!(message.contains(given.as_str()) && message.contains(command));
                }
                ParseError::MissingPartner { .. } => prop_assert!(message.contains("team")),
                ParseError::MissingArgument { command, what, .. } => {
                    prop_assert!(message.contains(command) && message.contains(what));
                }
                ParseError::UnexpectedArguments { command, extra, .. } => {
                    let words: Vec<&str> = input.split_whitespace().collect();
                    prop_assert!(
                        extra.split_whitespace().all(|w| words.contains(&w)),
                        "{:?} from {:?}",
                        extra,
                        input
                    );
                    prop_assert!(message.contains(command) && message.contains(extra.as_str()));
                }
                ParseError::LeaderboardChoice { given } => {
                    prop_assert!(
                        input.contains(given.as_str()) && message.contains(given.as_str())
                    );
                }
                ParseError::GameOption(option) => match option {
                    OptionError::Malformed(word) | OptionError::Duplicate(word) => {
                        prop_assert!(message.contains(word.as_str()), "{}", message);
                    }
                    OptionError::Unknown { name, allowed, .. } => {
                        let quoted = format!("\"{name}\"");
                        prop_assert!(message.contains(&quoted), "{}", message);
                        prop_assert!(!allowed.is_empty() && message.contains(allowed.as_str()));
                    }
                    OptionError::NotANumber { name, min, max, .. }
                    | OptionError::OutOfRange { name, min, max, .. } => {
                        prop_assert!(message.starts_with(name), "{}", message);
                        let range = format!("{min} to {max}");
                        prop_assert!(message.contains(&range), "{}", message);
                    }
                },
                ParseError::TeamName(_) => prop_assert!(message.contains("team name")),
                ParseError::Prefix(_) => prop_assert!(message.contains("prefix")),
                other => prop_assert!(false, "a slash-only error from a message: {:?}", other),
            }
            Ok(())
        }

        fn check(text: &str, mentions: &[UserId]) -> Result<(), TestCaseError> {
            match parse_guild_message(&wm(), text, mentions) {
                None => {
                    let rest = wm().strip(text.trim_start());
                    prop_assert!(
                        rest.is_none_or(|r| r.is_empty() || r.starts_with(char::is_whitespace)),
                        "{:?} was taken for chat",
                        text
                    );
                }
                Some(Ok(command)) => assert_valid(&command)?,
                Some(Err(error)) => assert_specific(&error, text)?,
            }
            Ok(())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(CASES))]

            #[test]
            fn any_text_is_chat_a_valid_command_or_a_specific_refusal(
                text in any::<String>(),
                mention in any::<u64>(),
            ) {
                check(&text, &[])?;
                check(&format!("wm{text}"), &[UserId(mention)])?;
            }

            #[test]
            fn any_near_command_is_a_valid_command_or_a_specific_refusal(
                text in message(),
                mentions in prop::collection::vec(any::<u64>().prop_map(UserId), 0..3),
            ) {
                check(&text, &mentions)?;
            }

            #[test]
            fn any_bytes_read_as_text_never_panic_the_parsers(
                bytes in prop::collection::vec(any::<u8>(), 0..64),
            ) {
                let text = String::from_utf8_lossy(&bytes);
                check(&format!("wm{text}"), &[])?;
                // A DM is always one of the three: nothing is refused at this stage.
                match parse_dm(&text) {
                    DmCommand::Answer(raw) => prop_assert_eq!(raw, text.as_ref()),
                    DmCommand::GiveUp | DmCommand::Status => {}
                }
            }
        }
    }
}

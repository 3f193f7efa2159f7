//! Slash commands: their definitions as plain data (the gateway turns them into Discord
//! application commands at start-up) and the parsing of an invocation into the same
//! [`BotCommand`]s and [`DmCommand`]s the prefix commands produce, so both paths share one set of
//! rules.
use serde::Serialize;

use super::commands::{
    replay_target, BotCommand, DmCommand, LeaderboardKind, ParseError, Period, StatsTarget,
};
use crate::domain::game::{GameOptions, Mode};
use crate::domain::guild::Prefix;
use crate::domain::team::TeamName;
use crate::domain::UserId;

/// The value of one option of an invoked slash command, as the gateway read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SlashValue {
    /// A string option.
    String(String),
    /// An integer option.
    Integer(i64),
    /// A user option (the resolved user's id).
    User(UserId),
}

/// What an invoked slash command asks for: a guild command, or an answer command (`/guess`).
#[derive(Clone, Debug, PartialEq)]
pub enum SlashCommand {
    /// The twin of a prefix command.
    Guild(BotCommand),
    /// The twin of a direct message.
    Dm(DmCommand),
}

/// The type of a slash option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlashOptionKind {
    /// Free text, or one of the listed choices.
    String,
    /// A whole number.
    Integer,
    /// A member of the guild.
    User,
}

/// One option of a slash command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SlashOptionSpec {
    /// The option's name (lowercase).
    pub name: &'static str,
    /// What it is for (at most 100 characters, Discord's limit).
    pub description: &'static str,
    /// Its type.
    pub kind: SlashOptionKind,
    /// Whether it must be given. Discord requires required options to come first.
    pub required: bool,
    /// The only values allowed (each its own display name), empty for free input.
    pub choices: Vec<&'static str>,
}

/// One slash command as it is registered with Discord.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SlashCommandSpec {
    /// The command's name (lowercase, no slash).
    pub name: &'static str,
    /// What it does (at most 100 characters, Discord's limit).
    pub description: &'static str,
    /// Its options, required ones first.
    pub options: Vec<SlashOptionSpec>,
    /// Whether it can be used in a direct message with the bot.
    pub dm_allowed: bool,
}

fn option(
    name: &'static str,
    description: &'static str,
    kind: SlashOptionKind,
    required: bool,
) -> SlashOptionSpec {
    SlashOptionSpec { name, description, kind, required, choices: Vec::new() }
}

fn choice(
    name: &'static str,
    description: &'static str,
    required: bool,
    choices: &[&'static str],
) -> SlashOptionSpec {
    SlashOptionSpec {
        name,
        description,
        kind: SlashOptionKind::String,
        required,
        choices: choices.to_vec(),
    }
}

fn command(
    name: &'static str,
    description: &'static str,
    options: Vec<SlashOptionSpec>,
) -> SlashCommandSpec {
    SlashCommandSpec { name, description, options, dm_allowed: false }
}

const MODE_CHOICES: [&str; 5] = ["2p", "knockout", "race", "golf", "longform"];
const LEADERBOARD_KINDS: [&str; 2] = ["players", "teams"];
const PERIODS: [&str; 4] = ["day", "week", "month", "all"];
const STATS_KINDS: [&str; 2] = ["player", "team"];

/// Every slash command the bot registers, in the order of the rule book's command table.
pub fn slash_definitions() -> Vec<SlashCommandSpec> {
    use SlashOptionKind::{String as Text, User};
    vec![
        command(
            "team",
            "Invite a partner to form a team",
            vec![
                option("partner", "The player you invite", User, true),
                option("name", "A team name (3 to 32 characters)", Text, false),
            ],
        ),
        command("ok", "Accept the team invitation you received", vec![]),
        command(
            "rename",
            "Rename your team",
            vec![option("name", "The new name (3 to 32 characters)", Text, true)],
        ),
        command(
            "play",
            "Open a lobby for a mode (Two Player starts at once)",
            vec![
                choice("mode", "The mode", true, &MODE_CHOICES),
                option("options", "Options as key=value words, e.g. time_seconds=120", Text, false),
            ],
        ),
        command("join", "Your team joins the lobby in this channel", vec![]),
        command("leave", "Your team leaves the lobby in this channel", vec![]),
        command("start", "Start the lobby you opened", vec![]),
        command("cancel", "Cancel this channel's lobby or game", vec![]),
        command("status", "The game in this channel", vec![]),
        command(
            "stats",
            "Player or team statistics in this server",
            vec![
                option("player", "The player (default: you)", User, false),
                option("team", "The team's name", Text, false),
                choice("of", "Player or team (default: player)", false, &STATS_KINDS),
            ],
        ),
        command(
            "leaderboard",
            "The top 10 of this server",
            vec![
                choice("kind", "Players or teams (default: players)", false, &LEADERBOARD_KINDS),
                choice("period", "The time window (default: all)", false, &PERIODS),
            ],
        ),
        command(
            "history",
            "Recent games in this server",
            vec![option("player", "The player (default: you)", User, false)],
        ),
        command(
            "replay",
            "A finished game, round by round",
            vec![option("game", "The replay name (river-123) or the game id", Text, true)],
        ),
        command(
            "prefix",
            "Change the command prefix (Manage Server)",
            vec![option("new", "The new prefix (1 to 5 characters)", Text, true)],
        ),
        command("help", "The command list", vec![]),
        SlashCommandSpec {
            name: "guess",
            description: "Answer your team's current pair (works in DMs with the bot)",
            options: vec![option("word", "Your one-word answer", Text, true)],
            dm_allowed: true,
        },
    ]
}

/// The options of one invocation, read by name.
struct Invocation<'a> {
    command: &'static str,
    options: &'a [(String, SlashValue)],
}

impl Invocation<'_> {
    fn value(&self, name: &str) -> Option<&SlashValue> {
        self.options.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    fn text(&self, name: &'static str) -> Result<Option<&str>, ParseError> {
        match self.value(name) {
            None => Ok(None),
            Some(SlashValue::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(ParseError::SlashOptionType {
                command: self.command,
                option: name,
                expected: "text",
            }),
        }
    }

    fn required_text(&self, name: &'static str) -> Result<&str, ParseError> {
        self.text(name)?
            .ok_or(ParseError::MissingSlashOption { command: self.command, option: name })
    }

    fn user(&self, name: &'static str) -> Result<Option<UserId>, ParseError> {
        match self.value(name) {
            None => Ok(None),
            Some(SlashValue::User(u)) => Ok(Some(*u)),
            Some(_) => Err(ParseError::SlashOptionType {
                command: self.command,
                option: name,
                expected: "a member",
            }),
        }
    }

    fn bad_choice(&self, option: &'static str, given: &str) -> ParseError {
        ParseError::SlashChoice { command: self.command, option, given: given.to_owned() }
    }
}

/// Parses an invoked slash command.
///
/// `name` is the command's registered name; `options` are its options by name. Values are
/// parsed with the same domain parsers as the prefix commands, so errors read the same.
pub fn parse_slash(
    name: &str,
    options: &[(String, SlashValue)],
) -> Result<SlashCommand, ParseError> {
    let command = slash_definitions()
        .into_iter()
        .find(|c| c.name == name)
        .map(|c| c.name)
        .ok_or_else(|| ParseError::UnknownSlashCommand(name.to_owned()))?;
    let inv = Invocation { command, options };
    let guild = |c: BotCommand| Ok(SlashCommand::Guild(c));
    match command {
        "team" => {
            let partner = inv
                .user("partner")?
                .ok_or(ParseError::MissingSlashOption { command, option: "partner" })?;
            let name = inv.text("name")?.map(TeamName::parse).transpose()?;
            guild(BotCommand::Team { partner, name })
        }
        "ok" => guild(BotCommand::Ok),
        "rename" => {
            guild(BotCommand::Rename { name: TeamName::parse(inv.required_text("name")?)? })
        }
        "play" => {
            let mode_text = inv.required_text("mode")?;
            let mode: Mode = mode_text.parse().map_err(|_| inv.bad_choice("mode", mode_text))?;
            let words: Vec<&str> = inv.text("options")?.unwrap_or("").split_whitespace().collect();
            guild(BotCommand::Play { options: GameOptions::parse(mode, &words)? })
        }
        "join" => guild(BotCommand::Join),
        "leave" => guild(BotCommand::Leave),
        "start" => guild(BotCommand::Start),
        "cancel" => guild(BotCommand::Cancel),
        "status" => guild(BotCommand::Status),
        "stats" => {
            let team =
                inv.text("team")?.map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "));
            let of_team = match inv.text("of")? {
                None | Some("player") => false,
                Some("team") => true,
                Some(other) => return Err(inv.bad_choice("of", other)),
            };
            let target = if team.is_some() || of_team {
                StatsTarget::Team(team.filter(|t| !t.is_empty()))
            } else {
                StatsTarget::Player(inv.user("player")?)
            };
            guild(BotCommand::Stats { target })
        }
        "leaderboard" => {
            let kind = match inv.text("kind")? {
                None | Some("players") => LeaderboardKind::Players,
                Some("teams") => LeaderboardKind::Teams,
                Some(other) => return Err(inv.bad_choice("kind", other)),
            };
            let period = match inv.text("period")? {
                None | Some("all") => Period::All,
                Some("day") => Period::Day,
                Some("week") => Period::Week,
                Some("month") => Period::Month,
                Some(other) => return Err(inv.bad_choice("period", other)),
            };
            guild(BotCommand::Leaderboard { kind, period })
        }
        "history" => guild(BotCommand::History { player: inv.user("player")? }),
        "replay" => {
            // A blank value (Discord lets white space through a required option) is as missing
            // as no value: it names no game.
            let game = inv.required_text("game")?.trim();
            if game.is_empty() {
                return Err(ParseError::MissingSlashOption { command, option: "game" });
            }
            guild(BotCommand::Replay { target: replay_target(game) })
        }
        "prefix" => guild(BotCommand::Prefix { new: Prefix::parse(inv.required_text("new")?)? }),
        "help" => guild(BotCommand::Help),
        "guess" => Ok(SlashCommand::Dm(DmCommand::Answer(inv.required_text("word")?.to_owned()))),
        other => Err(ParseError::UnknownSlashCommand(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discord::ReplayTarget;
    use crate::domain::GameId;

    /// The options of one invocation.
    type Options = Vec<(String, SlashValue)>;

    fn s(name: &str, value: &str) -> (String, SlashValue) {
        (name.to_owned(), SlashValue::String(value.to_owned()))
    }

    fn u(name: &str, id: u64) -> (String, SlashValue) {
        (name.to_owned(), SlashValue::User(UserId(id)))
    }

    fn guild(name: &str, options: &[(String, SlashValue)]) -> BotCommand {
        match parse_slash(name, options) {
            Ok(SlashCommand::Guild(c)) => c,
            other => panic!("/{name} should parse to a guild command, got {other:?}"),
        }
    }

    fn refused(name: &str, options: &[(String, SlashValue)]) -> String {
        match parse_slash(name, options) {
            Err(e) => e.to_string(),
            other => panic!("/{name} should be refused, got {other:?}"),
        }
    }

    #[test]
    fn every_slash_command_parses_to_the_same_command_as_its_prefix_twin() {
        let owls = TeamName::parse("Owls").expect("valid");
        let cases: Vec<(&str, Options, BotCommand)> = vec![
            ("team", vec![u("partner", 4)], BotCommand::Team { partner: UserId(4), name: None }),
            (
                "team",
                vec![u("partner", 4), s("name", "Owls")],
                BotCommand::Team { partner: UserId(4), name: Some(owls.clone()) },
            ),
            ("ok", vec![], BotCommand::Ok),
            ("rename", vec![s("name", "Owls")], BotCommand::Rename { name: owls }),
            (
                "play",
                vec![s("mode", "race"), s("options", "time_seconds=60")],
                BotCommand::Play {
                    options: GameOptions::parse(Mode::Race, &["time_seconds=60"]).expect("valid"),
                },
            ),
            (
                "play",
                vec![s("mode", "2p")],
                BotCommand::Play { options: GameOptions::defaults(Mode::TwoPlayer) },
            ),
            ("join", vec![], BotCommand::Join),
            ("leave", vec![], BotCommand::Leave),
            ("start", vec![], BotCommand::Start),
            ("cancel", vec![], BotCommand::Cancel),
            ("status", vec![], BotCommand::Status),
            ("stats", vec![], BotCommand::Stats { target: StatsTarget::Player(None) }),
            (
                "stats",
                vec![u("player", 3)],
                BotCommand::Stats { target: StatsTarget::Player(Some(UserId(3))) },
            ),
            ("stats", vec![s("of", "team")], BotCommand::Stats { target: StatsTarget::Team(None) }),
            (
                "stats",
                vec![s("team", "ann & bob")],
                BotCommand::Stats { target: StatsTarget::Team(Some("ann & bob".into())) },
            ),
            (
                "leaderboard",
                vec![],
                BotCommand::Leaderboard { kind: LeaderboardKind::Players, period: Period::All },
            ),
            (
                "leaderboard",
                vec![s("kind", "teams"), s("period", "week")],
                BotCommand::Leaderboard { kind: LeaderboardKind::Teams, period: Period::Week },
            ),
            ("history", vec![], BotCommand::History { player: None }),
            ("history", vec![u("player", 8)], BotCommand::History { player: Some(UserId(8)) }),
            (
                "replay",
                vec![s("game", "river-123")],
                BotCommand::Replay { target: ReplayTarget::Name("river-123".into()) },
            ),
            (
                "replay",
                vec![s("game", "00000000-0000-0000-0000-000000000002")],
                BotCommand::Replay { target: ReplayTarget::Game(GameId(uuid::Uuid::from_u128(2))) },
            ),
            (
                "prefix",
                vec![s("new", "!")],
                BotCommand::Prefix { new: Prefix::parse("!").expect("valid") },
            ),
            ("help", vec![], BotCommand::Help),
        ];
        for (name, options, expected) in cases {
            assert_eq!(guild(name, &options), expected, "parsing /{name} {options:?}");
        }
    }

    #[test]
    fn guess_is_an_answer_passed_through_as_typed() {
        assert_eq!(
            parse_slash("guess", &[s("word", "status")]),
            Ok(SlashCommand::Dm(DmCommand::Answer("status".into())))
        );
    }

    #[test]
    fn slash_refusals_name_the_command_and_option() {
        let cases: Vec<(&str, Options, &str)> = vec![
            ("dance", vec![], "unknown command `/dance`; try `/help`"),
            ("team", vec![], "`/team` needs the option `partner`"),
            ("team", vec![s("partner", "bob")], "the option `partner` of `/team` must be a member"),
            (
                "team",
                vec![u("partner", 1), s("name", "x")],
                "a team name needs at least 3 characters (this one has 1)",
            ),
            ("rename", vec![], "`/rename` needs the option `name`"),
            ("play", vec![], "`/play` needs the option `mode`"),
            ("play", vec![s("mode", "chess")], "\"chess\" is not a choice of `mode` in `/play`"),
            (
                "play",
                vec![s("mode", "knockout"), s("options", "guess_limit=99")],
                "guess_limit must be 2 to 50, got 99",
            ),
            (
                "leaderboard",
                vec![s("period", "year")],
                "\"year\" is not a choice of `period` in `/leaderboard`",
            ),
            (
                "history",
                vec![(String::from("player"), SlashValue::Integer(3))],
                "the option `player` of `/history` must be a member",
            ),
            (
                "prefix",
                vec![s("new", "abcdef")],
                "the prefix has at most 5 characters (this one has 6)",
            ),
            ("guess", vec![], "`/guess` needs the option `word`"),
        ];
        for (name, options, expected) in cases {
            assert_eq!(refused(name, &options), expected, "refusing /{name} {options:?}");
        }
    }

    #[test]
    fn only_guess_is_allowed_in_direct_messages() {
        let dm: Vec<&str> =
            slash_definitions().iter().filter(|c| c.dm_allowed).map(|c| c.name).collect();
        assert_eq!(dm, ["guess"]);
    }

    #[test]
    fn definitions_respect_discord_limits() {
        for spec in slash_definitions() {
            assert!(spec.description.chars().count() <= 100, "/{} description", spec.name);
            assert!(spec.name.chars().all(|c| c.is_ascii_lowercase()), "/{} name", spec.name);
            let first_optional = spec.options.iter().position(|o| !o.required);
            if let Some(i) = first_optional {
                assert!(spec.options[i..].iter().all(|o| !o.required), "/{} order", spec.name);
            }
            for o in &spec.options {
                assert!(o.description.chars().count() <= 100, "/{} {}", spec.name, o.name);
            }
        }
    }

    #[test]
    fn every_definition_parses_with_its_required_options() {
        for spec in slash_definitions() {
            let options: Vec<(String, SlashValue)> = spec
                .options
                .iter()
                .filter(|o| o.required)
                .map(|o| {
                    let value = match (o.kind, o.choices.first(), o.name) {
                        (SlashOptionKind::User, ..) => SlashValue::User(UserId(1)),
                        (SlashOptionKind::Integer, ..) => SlashValue::Integer(1),
                        (_, Some(first), _) => SlashValue::String((*first).to_owned()),
                        (_, None, "new") => SlashValue::String("!".into()),
                        (_, None, _) => SlashValue::String("Owls".into()),
                    };
                    (o.name.to_owned(), value)
                })
                .collect();
            assert!(parse_slash(spec.name, &options).is_ok(), "/{} parses", spec.name);
        }
    }

    #[test]
    fn slash_definitions_snapshot() {
        insta::assert_json_snapshot!(slash_definitions());
    }

    #[test]
    fn a_blank_replay_name_is_a_missing_option() {
        assert_eq!(refused("replay", &[s("game", "   ")]), "`/replay` needs the option `game`");
    }

    /// Hostile payloads: any command name with any options of any type, many cases. Each is a
    /// command whose values obey their rules or a refusal naming the command, option or rule.
    mod hostile {
        use proptest::prelude::*;

        use super::*;

        /// Cases per property: enough to reach the rare branches, fast enough for CI.
        const CASES: u32 = 4_096;

        fn command_name() -> impl Strategy<Value = String> {
            let known: Vec<&'static str> = slash_definitions().iter().map(|c| c.name).collect();
            prop_oneof![
                4 => prop::sample::select(known).prop_map(str::to_owned),
                1 => "\\PC{0,10}",
            ]
        }

        fn option_name() -> impl Strategy<Value = String> {
            let mut known: Vec<&'static str> = slash_definitions()
                .iter()
                .flat_map(|c| c.options.iter().map(|o| o.name).collect::<Vec<_>>())
                .collect();
            known.sort_unstable();
            known.dedup();
            prop_oneof![
                4 => prop::sample::select(known).prop_map(str::to_owned),
                1 => "[a-z]{0,8}",
            ]
        }

        fn value() -> impl Strategy<Value = SlashValue> {
            let mut choices: Vec<&'static str> = slash_definitions()
                .iter()
                .flat_map(|c| c.options.iter().flat_map(|o| o.choices.clone()).collect::<Vec<_>>())
                .collect();
            choices.extend(["Owls", "!", "  ", "", "rounds=99", "time_seconds=60", "Cafe\u{301}"]);
            prop_oneof![
                3 => prop::sample::select(choices).prop_map(|c| SlashValue::String(c.to_owned())),
                2 => "\\PC{0,40}".prop_map(SlashValue::String),
                1 => any::<i64>().prop_map(SlashValue::Integer),
                1 => any::<u64>().prop_map(|id| SlashValue::User(UserId(id))),
            ]
        }

        fn assert_valid(
            command: &SlashCommand,
            options: &[(String, SlashValue)],
        ) -> Result<(), TestCaseError> {
            match command {
                SlashCommand::Dm(DmCommand::Answer(word)) => {
                    let given = options.iter().find(|(n, _)| n == "word").map(|(_, v)| v);
                    prop_assert_eq!(given, Some(&SlashValue::String(word.clone())));
                }
                SlashCommand::Dm(other) => prop_assert!(false, "only /guess is a DM: {:?}", other),
                SlashCommand::Guild(BotCommand::Team { name: Some(name), .. })
                | SlashCommand::Guild(BotCommand::Rename { name }) => {
                    prop_assert_eq!(TeamName::parse(name.as_str()), Ok(name.clone()));
                }
                SlashCommand::Guild(BotCommand::Prefix { new }) => {
                    prop_assert_eq!(Prefix::parse(new.as_str()), Ok(new.clone()));
                }
                SlashCommand::Guild(BotCommand::Play { options }) => {
                    let stored = serde_json::to_value(options).expect("options serialize");
                    let back: GameOptions =
                        serde_json::from_value(stored).expect("stored options are in range");
                    prop_assert_eq!(&back, options);
                }
                SlashCommand::Guild(BotCommand::Replay { target: ReplayTarget::Name(name) }) => {
                    prop_assert!(!name.trim().is_empty() && name.trim() == name, "{:?}", name);
                }
                SlashCommand::Guild(_) => {}
            }
            Ok(())
        }

        fn assert_specific(
            error: &ParseError,
            name: &str,
            options: &[(String, SlashValue)],
        ) -> Result<(), TestCaseError> {
            let message = error.to_string();
            prop_assert!(!message.trim().is_empty());
            let given = |option: &str| options.iter().find(|(n, _)| n == option).map(|(_, v)| v);
            match error {
                ParseError::UnknownSlashCommand(typed) => {
                    prop_assert_eq!(typed, name);
                    prop_assert!(slash_definitions().iter().all(|c| c.name != name));
                }
                ParseError::MissingSlashOption { command, option } => {
                    prop_assert_eq!(*command, name);
                    let blank =
                        matches!(given(option), Some(SlashValue::String(s)) if s.trim().is_empty());
                    prop_assert!(given(option).is_none() || blank, "{} was given", option);
                    prop_assert!(message.contains(command) && message.contains(option));
                }
                ParseError::SlashOptionType { command, option, expected } => {
                    prop_assert_eq!(*command, name);
                    prop_assert!(given(option).is_some());
                    prop_assert!(message.contains(option) && message.contains(expected));
                }
                ParseError::SlashChoice { command, option, given: value } => {
                    prop_assert_eq!(*command, name);
                    prop_assert_eq!(given(option), Some(&SlashValue::String(value.clone())));
                    let quoted = format!("\"{value}\"");
                    prop_assert!(message.contains(&quoted) && message.contains(option));
                }
                ParseError::TeamName(_) => prop_assert!(message.contains("team name")),
                ParseError::Prefix(_) => prop_assert!(message.contains("prefix")),
                ParseError::GameOption(_) => {
                    prop_assert_eq!(name, "play");
                    let options_text = given("options");
                    prop_assert!(matches!(options_text, Some(SlashValue::String(_))));
                }
                other => prop_assert!(false, "a prefix-only error from /{}: {:?}", name, other),
            }
            Ok(())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(CASES))]

            #[test]
            fn any_slash_payload_is_a_valid_command_or_a_specific_refusal(
                name in command_name(),
                options in prop::collection::vec((option_name(), value()), 0..5),
            ) {
                match parse_slash(&name, &options) {
                    Ok(command) => assert_valid(&command, &options)?,
                    Err(error) => assert_specific(&error, &name, &options)?,
                }
            }
        }
    }
}

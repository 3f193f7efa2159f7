//! Game modes and their per-game options. Every option is a value type whose only constructor
//! checks the allowed range, and `GameOptions::parse` turns a player's `key=value` words into the
//! options of one mode, naming the option and its range in every error.
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The five ways to play Word Match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// One team, cooperative, a fixed number of rounds against an average-guesses threshold.
    TwoPlayer,
    /// Shared timed rounds; the slowest teams are cut each round until one is left.
    Knockout,
    /// A game clock; 1 point per match.
    Race,
    /// A game clock; points by how few guesses a match took.
    Golf,
    /// Multi-day rounds; the team with the most guesses each round is eliminated.
    Longform,
}

impl Mode {
    /// Every mode, in the order players see them.
    pub const ALL: [Mode; 5] =
        [Mode::TwoPlayer, Mode::Knockout, Mode::Race, Mode::Golf, Mode::Longform];

    /// The word players type for this mode (`wm2p`, `wmknockout`, ...).
    pub fn keyword(self) -> &'static str {
        match self {
            Mode::TwoPlayer => "2p",
            Mode::Knockout => "knockout",
            Mode::Race => "race",
            Mode::Golf => "golf",
            Mode::Longform => "longform",
        }
    }

    /// The fewest teams a game of this mode starts with.
    pub fn min_teams(self) -> usize {
        match self {
            Mode::TwoPlayer => 1,
            Mode::Knockout | Mode::Race | Mode::Golf => 2,
            Mode::Longform => 3,
        }
    }

    /// The most teams a game of this mode holds.
    pub fn max_teams(self) -> usize {
        match self {
            Mode::TwoPlayer => 1,
            _ => MAX_TEAMS,
        }
    }

    /// Whether the mode runs on one game clock with asynchronous per-team rounds.
    pub fn is_clocked(self) -> bool {
        matches!(self, Mode::Race | Mode::Golf)
    }
}

/// The most teams any game holds (the rule book's "2 to 12 teams").
pub const MAX_TEAMS: usize = 12;

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::TwoPlayer => "Two Player",
            Mode::Knockout => "Knockout",
            Mode::Race => "Race",
            Mode::Golf => "Golf Race",
            Mode::Longform => "Longform",
        })
    }
}

/// A mode keyword that names no mode.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown mode \"{0}\"; use one of 2p, knockout, race, golf, longform")]
pub struct UnknownMode(pub String);

impl FromStr for Mode {
    type Err = UnknownMode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_lowercase();
        Mode::ALL.into_iter().find(|m| m.keyword() == lower).ok_or(UnknownMode(lower))
    }
}

/// Why a `key=value` option was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum OptionError {
    /// The word is not `key=value`.
    #[error("option \"{0}\" is not written as key=value")]
    Malformed(String),
    /// No mode has an option of this name.
    #[error("unknown option \"{name}\"; {mode} takes {allowed}")]
    Unknown {
        /// The option as typed.
        name: String,
        /// The mode being configured.
        mode: Mode,
        /// The options this mode takes, comma separated.
        allowed: String,
    },
    /// The same option was given twice.
    #[error("option \"{0}\" is given twice")]
    Duplicate(String),
    /// The value is not a number.
    #[error("{name} must be a number from {min} to {max}, not \"{value}\"")]
    NotANumber {
        /// The option.
        name: &'static str,
        /// The text given.
        value: String,
        /// Smallest allowed value.
        min: String,
        /// Largest allowed value.
        max: String,
    },
    /// The value is outside the allowed range.
    #[error("{name} must be {min} to {max}, got {value}")]
    OutOfRange {
        /// The option.
        name: &'static str,
        /// The value given.
        value: String,
        /// Smallest allowed value.
        min: String,
        /// Largest allowed value.
        max: String,
    },
}

/// Declares a whole-number option: its name, range and default, with `parse`/`TryFrom` as the
/// only constructors (deserialization goes through `TryFrom` too).
macro_rules! whole_option {
    ($(#[$doc:meta])* $name:ident, $key:literal, $min:literal ..= $max:literal, default $default:literal, $why:literal) => {
        $(#[$doc])*
        #[doc = concat!("\n\nOption `", $key, "`, ", stringify!($min), " to ", stringify!($max),
            ", default ", stringify!($default), ": ", $why)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "u32", into = "u32")]
        pub struct $name(u32);

        impl $name {
            /// The option's name as players type it.
            pub const KEY: &'static str = $key;
            /// Smallest allowed value.
            pub const MIN: u32 = $min;
            /// Largest allowed value.
            pub const MAX: u32 = $max;
            /// The value when the option is not given.
            pub const DEFAULT: $name = $name($default);

            /// The value.
            pub fn get(self) -> u32 {
                self.0
            }

            /// Parses the text after `key=`.
            pub fn parse(text: &str) -> Result<Self, OptionError> {
                let value: u32 = text.trim().parse().map_err(|_| OptionError::NotANumber {
                    name: $key,
                    value: text.to_owned(),
                    min: $min.to_string(),
                    max: $max.to_string(),
                })?;
                Self::try_from(value)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::DEFAULT
            }
        }

        impl TryFrom<u32> for $name {
            type Error = OptionError;

            fn try_from(value: u32) -> Result<Self, Self::Error> {
                if ($min..=$max).contains(&value) {
                    Ok($name(value))
                } else {
                    Err(OptionError::OutOfRange {
                        name: $key,
                        value: value.to_string(),
                        min: $min.to_string(),
                        max: $max.to_string(),
                    })
                }
            }
        }

        impl From<$name> for u32 {
            fn from(value: $name) -> u32 {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

whole_option!(
    /// The Race and Golf Race game clock, in seconds.
    TimeSeconds, "time_seconds", 30..=3600, default 180,
    "half a minute is the shortest playable race, an hour the longest anyone stays"
);
whole_option!(
    /// The Knockout round timer, in seconds.
    RoundSeconds, "round_seconds", 30..=3600, default 300,
    "long enough for a dozen guesses, short enough to keep the table moving"
);
whole_option!(
    /// The length of a Longform round, in hours.
    RoundHours, "round_hours", 1..=168, default 24,
    "one day per round, at most a week"
);
whole_option!(
    /// The number of Two Player rounds.
    Rounds, "rounds", 1..=20, default 5,
    "a short session by default"
);
whole_option!(
    /// Knockout: guesses without a match after which a team is eliminated.
    GuessLimit, "guess_limit", 2..=50, default 12,
    "one guess is no game; beyond 50 a round never ends"
);
whole_option!(
    /// Knockout: the pause between a round's summary and the next round, in seconds.
    RoundDelaySeconds, "round_delay_seconds", 0..=60, default 5,
    "time to read the summary; a minute at most so players do not drift away (the range is our choice: the rule book gives none)"
);

/// Two Player: the highest average guesses per round that still wins. A decimal from 1 to 12.
///
/// Option `threshold`, default 4.0.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Threshold(f64);

impl Threshold {
    /// The option's name as players type it.
    pub const KEY: &'static str = "threshold";
    /// Smallest allowed value: a perfect game averages 1.
    pub const MIN: f64 = 1.0;
    /// Largest allowed value.
    pub const MAX: f64 = 12.0;
    /// The value when the option is not given.
    pub const DEFAULT: Threshold = Threshold(4.0);

    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }

    /// Parses the text after `threshold=`.
    pub fn parse(text: &str) -> Result<Self, OptionError> {
        let value: f64 = text.trim().parse().map_err(|_| OptionError::NotANumber {
            name: Self::KEY,
            value: text.to_owned(),
            min: "1".into(),
            max: "12".into(),
        })?;
        Self::try_from(value)
    }
}

impl Default for Threshold {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl TryFrom<f64> for Threshold {
    type Error = OptionError;

    fn try_from(value: f64) -> Result<Self, Self::Error> {
        if value.is_finite() && (Self::MIN..=Self::MAX).contains(&value) {
            Ok(Threshold(value))
        } else {
            Err(OptionError::OutOfRange {
                name: Self::KEY,
                value: value.to_string(),
                min: "1".into(),
                max: "12".into(),
            })
        }
    }
}

impl From<Threshold> for f64 {
    fn from(value: Threshold) -> f64 {
        value.0
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Options of a Two Player game.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TwoPlayerOptions {
    /// Rounds to play.
    pub rounds: Rounds,
    /// The highest average guesses per round that wins.
    pub threshold: Threshold,
}

/// Options of a Knockout game.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KnockoutOptions {
    /// The round timer.
    pub round_seconds: RoundSeconds,
    /// Guesses without a match that eliminate a team.
    pub guess_limit: GuessLimit,
    /// The pause between rounds.
    pub round_delay_seconds: RoundDelaySeconds,
}

/// Options of a Race or Golf Race game.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClockOptions {
    /// The game clock.
    pub time_seconds: TimeSeconds,
}

/// Options of a Longform game.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LongformOptions {
    /// The length of each round.
    pub round_hours: RoundHours,
}

/// The mode of a game with its options; the mode is the tag, so options never disagree with it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum GameOptions {
    /// Two Player.
    TwoPlayer(TwoPlayerOptions),
    /// Knockout.
    Knockout(KnockoutOptions),
    /// Race.
    Race(ClockOptions),
    /// Golf Race.
    Golf(ClockOptions),
    /// Longform.
    Longform(LongformOptions),
}

impl GameOptions {
    /// The defaults of `mode`.
    pub fn defaults(mode: Mode) -> Self {
        match mode {
            Mode::TwoPlayer => GameOptions::TwoPlayer(TwoPlayerOptions::default()),
            Mode::Knockout => GameOptions::Knockout(KnockoutOptions::default()),
            Mode::Race => GameOptions::Race(ClockOptions::default()),
            Mode::Golf => GameOptions::Golf(ClockOptions::default()),
            Mode::Longform => GameOptions::Longform(LongformOptions::default()),
        }
    }

    /// The mode these options configure.
    pub fn mode(&self) -> Mode {
        match self {
            GameOptions::TwoPlayer(_) => Mode::TwoPlayer,
            GameOptions::Knockout(_) => Mode::Knockout,
            GameOptions::Race(_) => Mode::Race,
            GameOptions::Golf(_) => Mode::Golf,
            GameOptions::Longform(_) => Mode::Longform,
        }
    }

    /// The option names `mode` takes.
    pub fn keys(mode: Mode) -> &'static [&'static str] {
        match mode {
            Mode::TwoPlayer => &[Rounds::KEY, Threshold::KEY],
            Mode::Knockout => &[RoundSeconds::KEY, GuessLimit::KEY, RoundDelaySeconds::KEY],
            Mode::Race | Mode::Golf => &[TimeSeconds::KEY],
            Mode::Longform => &[RoundHours::KEY],
        }
    }

    /// Parses `key=value` words into the options of `mode`; options not given keep their
    /// defaults. Names are case-insensitive; an option of another mode is refused as unknown.
    pub fn parse(mode: Mode, words: &[&str]) -> Result<Self, OptionError> {
        let mut options = Self::defaults(mode);
        let mut seen: Vec<String> = Vec::new();
        for word in words {
            let (key, value) =
                word.split_once('=').ok_or_else(|| OptionError::Malformed((*word).to_owned()))?;
            let key = key.trim().to_lowercase();
            if seen.contains(&key) {
                return Err(OptionError::Duplicate(key));
            }
            options.set(&key, value)?;
            seen.push(key);
        }
        Ok(options)
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), OptionError> {
        match (self, key) {
            (GameOptions::TwoPlayer(o), Rounds::KEY) => o.rounds = Rounds::parse(value)?,
            (GameOptions::TwoPlayer(o), Threshold::KEY) => o.threshold = Threshold::parse(value)?,
            (GameOptions::Knockout(o), RoundSeconds::KEY) => {
                o.round_seconds = RoundSeconds::parse(value)?
            }
            (GameOptions::Knockout(o), GuessLimit::KEY) => {
                o.guess_limit = GuessLimit::parse(value)?
            }
            (GameOptions::Knockout(o), RoundDelaySeconds::KEY) => {
                o.round_delay_seconds = RoundDelaySeconds::parse(value)?
            }
            (GameOptions::Race(o) | GameOptions::Golf(o), TimeSeconds::KEY) => {
                o.time_seconds = TimeSeconds::parse(value)?
            }
            (GameOptions::Longform(o), RoundHours::KEY) => {
                o.round_hours = RoundHours::parse(value)?
            }
            (options, _) => {
                let mode = options.mode();
                return Err(OptionError::Unknown {
                    name: key.to_owned(),
                    mode,
                    allowed: Self::keys(mode).join(", "),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn every_mode_keyword_parses_back_to_its_mode() {
        for mode in Mode::ALL {
            assert_eq!(mode.keyword().parse::<Mode>(), Ok(mode));
        }
        assert_eq!("KnockOut".parse::<Mode>(), Ok(Mode::Knockout));
        assert!("chess".parse::<Mode>().is_err());
    }

    #[test]
    fn options_not_given_keep_their_defaults() {
        assert_eq!(
            GameOptions::parse(Mode::Knockout, &[]),
            Ok(GameOptions::Knockout(KnockoutOptions {
                round_seconds: RoundSeconds::DEFAULT,
                guess_limit: GuessLimit::DEFAULT,
                round_delay_seconds: RoundDelaySeconds::DEFAULT,
            }))
        );
        assert_eq!(RoundSeconds::DEFAULT.get(), 300);
        assert_eq!(TimeSeconds::DEFAULT.get(), 180);
        assert_eq!(RoundHours::DEFAULT.get(), 24);
        assert_eq!(Rounds::DEFAULT.get(), 5);
        assert_eq!(GuessLimit::DEFAULT.get(), 12);
        assert_eq!(RoundDelaySeconds::DEFAULT.get(), 5);
        assert!((Threshold::DEFAULT.get() - 4.0).abs() < f64::EPSILON);
    }

    #[test]
    fn given_options_are_parsed_into_the_mode() {
        let parsed = GameOptions::parse(Mode::TwoPlayer, &["rounds=3", "THRESHOLD=2.5"]);
        let expected = TwoPlayerOptions {
            rounds: Rounds::try_from(3).expect("in range"),
            threshold: Threshold::try_from(2.5).expect("in range"),
        };
        assert_eq!(parsed, Ok(GameOptions::TwoPlayer(expected)));
    }

    #[test]
    fn an_out_of_range_value_names_the_option_and_its_range() {
        let table = [
            (Mode::Race, "time_seconds=10", "time_seconds must be 30 to 3600, got 10"),
            (Mode::Knockout, "round_seconds=4000", "round_seconds must be 30 to 3600, got 4000"),
            (Mode::Longform, "round_hours=0", "round_hours must be 1 to 168, got 0"),
            (Mode::TwoPlayer, "rounds=21", "rounds must be 1 to 20, got 21"),
            (Mode::TwoPlayer, "threshold=0.5", "threshold must be 1 to 12, got 0.5"),
            (Mode::Knockout, "guess_limit=1", "guess_limit must be 2 to 50, got 1"),
            (
                Mode::Knockout,
                "round_delay_seconds=61",
                "round_delay_seconds must be 0 to 60, got 61",
            ),
        ];
        for (mode, word, message) in table {
            let error = GameOptions::parse(mode, &[word]).expect_err(word);
            assert_eq!(error.to_string(), message, "for {word}");
        }
    }

    #[test]
    fn an_unknown_option_is_named_with_the_options_the_mode_takes() {
        let error = GameOptions::parse(Mode::Race, &["speed=3"]).expect_err("unknown");
        assert_eq!(error.to_string(), "unknown option \"speed\"; Race takes time_seconds");
    }

    #[test]
    fn an_option_of_another_mode_is_refused_as_unknown() {
        let error = GameOptions::parse(Mode::Race, &["rounds=3"]).expect_err("other mode");
        assert!(matches!(error, OptionError::Unknown { ref name, .. } if name == "rounds"));
    }

    #[test]
    fn a_word_that_is_not_key_value_or_not_a_number_is_refused() {
        assert_eq!(
            GameOptions::parse(Mode::Race, &["fast"]),
            Err(OptionError::Malformed("fast".into()))
        );
        let error = GameOptions::parse(Mode::Race, &["time_seconds=abc"]).expect_err("nan");
        assert_eq!(error.to_string(), "time_seconds must be a number from 30 to 3600, not \"abc\"");
        assert_eq!(
            GameOptions::parse(Mode::Race, &["time_seconds=60", "time_seconds=90"]),
            Err(OptionError::Duplicate("time_seconds".into()))
        );
    }

    #[test]
    fn options_deserialize_only_within_their_range() {
        assert!(serde_json::from_str::<RoundSeconds>("10").is_err());
        assert_eq!(
            serde_json::from_str::<RoundSeconds>("60").map(RoundSeconds::get).ok(),
            Some(60)
        );
    }

    proptest! {
        #[test]
        fn any_value_in_range_parses_and_any_outside_is_refused(value in 0u32..5000) {
            let parsed = TimeSeconds::parse(&value.to_string());
            prop_assert_eq!(parsed.is_ok(), (30..=3600).contains(&value));
        }

        #[test]
        fn any_threshold_in_range_parses(value in 1.0f64..=12.0) {
            prop_assert!(Threshold::parse(&value.to_string()).is_ok());
        }
    }

    /// Hostile option words, many cases: any word list parses into options within every range,
    /// or is refused with an error naming the word or option at fault and what it accepts.
    mod hostile {
        use proptest::prelude::*;

        use super::*;

        /// Cases per property: enough to reach the rare branches, fast enough for CI.
        const CASES: u32 = 4_096;

        fn mode() -> impl Strategy<Value = Mode> {
            prop::sample::select(Mode::ALL.to_vec())
        }

        /// A key: any mode's, in any case, or noise.
        fn key() -> impl Strategy<Value = String> {
            let keys: Vec<&'static str> =
                Mode::ALL.iter().flat_map(|m| GameOptions::keys(*m)).copied().collect();
            prop_oneof![
                4 => (prop::sample::select(keys), any::<bool>())
                    .prop_map(|(k, up)| if up { k.to_uppercase() } else { k.to_owned() }),
                1 => "\\PC{0,8}",
            ]
        }

        /// A value: in range, out of range, negative, huge, fractional, non-finite, other
        /// scripts' digits, or noise.
        fn value() -> impl Strategy<Value = String> {
            prop_oneof![
                (0u64..5_000).prop_map(|n| n.to_string()),
                any::<i64>().prop_map(|n| n.to_string()),
                any::<f64>().prop_map(|x| x.to_string()),
                (0.0f64..20.0).prop_map(|x| x.to_string()),
                prop::sample::select(vec![
                    "NaN",
                    "inf",
                    "-inf",
                    "1e1",
                    "+3",
                    " 3",
                    "\u{663}",
                    "",
                    "=",
                    "0x10",
                    "99999999999999999999",
                    "4294967296",
                    "-0",
                ])
                .prop_map(str::to_owned),
                "\\PC{0,6}",
            ]
        }

        fn word() -> impl Strategy<Value = String> {
            prop_oneof![
                6 => (key(), value()).prop_map(|(k, v)| format!("{k}={v}")),
                1 => "\\PC{0,10}",
            ]
        }

        /// Every value of parsed options is within its documented range.
        fn assert_in_range(options: &GameOptions) -> Result<(), TestCaseError> {
            let within = |v: u32, min: u32, max: u32| (min..=max).contains(&v);
            match options {
                GameOptions::TwoPlayer(o) => {
                    prop_assert!(within(o.rounds.get(), Rounds::MIN, Rounds::MAX));
                    let t = o.threshold.get();
                    prop_assert!(t.is_finite() && (Threshold::MIN..=Threshold::MAX).contains(&t));
                }
                GameOptions::Knockout(o) => {
                    prop_assert!(within(
                        o.round_seconds.get(),
                        RoundSeconds::MIN,
                        RoundSeconds::MAX
                    ));
                    prop_assert!(within(o.guess_limit.get(), GuessLimit::MIN, GuessLimit::MAX));
                    prop_assert!(within(
                        o.round_delay_seconds.get(),
                        RoundDelaySeconds::MIN,
                        RoundDelaySeconds::MAX
                    ));
                }
                GameOptions::Race(o) | GameOptions::Golf(o) => {
                    prop_assert!(within(o.time_seconds.get(), TimeSeconds::MIN, TimeSeconds::MAX));
                }
                GameOptions::Longform(o) => {
                    prop_assert!(within(o.round_hours.get(), RoundHours::MIN, RoundHours::MAX));
                }
            }
            Ok(())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(CASES))]

            #[test]
            fn any_words_give_options_in_range_or_a_specific_refusal(
                mode in mode(),
                words in prop::collection::vec(word(), 0..5),
            ) {
                let refs: Vec<&str> = words.iter().map(String::as_str).collect();
                match GameOptions::parse(mode, &refs) {
                    Ok(options) => {
                        prop_assert_eq!(options.mode(), mode);
                        assert_in_range(&options)?;
                    }
                    Err(error) => {
                        let message = error.to_string();
                        prop_assert!(!message.trim().is_empty());
                        match &error {
                            OptionError::Malformed(word) => {
                                prop_assert!(refs.contains(&word.as_str()) && !word.contains('='));
                            }
                            OptionError::Unknown { name, mode: named, allowed } => {
                                prop_assert_eq!(*named, mode);
                                prop_assert!(!GameOptions::keys(mode).contains(&name.as_str()));
                                prop_assert_eq!(allowed, &GameOptions::keys(mode).join(", "));
                                let named_mode = mode.to_string();
                                prop_assert!(message.contains(&named_mode) && message.contains(allowed.as_str()));
                            }
                            OptionError::Duplicate(key) => {
                                let given = refs
                                    .iter()
                                    .filter_map(|w| w.split_once('='))
                                    .filter(|(k, _)| k.trim().to_lowercase() == *key)
                                    .count();
                                prop_assert!(given >= 2, "{} given {} times", key, given);
                            }
                            OptionError::NotANumber { name, value, min, max } => {
                                prop_assert!(GameOptions::keys(mode).contains(name));
                                let quoted = format!("not \"{value}\"");
                                let range = format!("from {min} to {max}");
                                prop_assert!(message.contains(&quoted) && message.contains(&range));
                            }
                            OptionError::OutOfRange { name, min, max, .. } => {
                                prop_assert!(GameOptions::keys(mode).contains(name));
                                let range = format!("{name} must be {min} to {max}");
                                prop_assert!(message.starts_with(&range), "{}", message);
                            }
                        }
                    }
                }
            }
        }
    }
}

//! A team's name: either chosen by a player (`wmteam @p <name>`, `wmrename <name>`) and parsed
//! against the naming rules, or the default `<name1> & <name2>` built from the members' display
//! names. Uniqueness per guild is not a property of the value: the guild's name registry holds it.
//! Names are kept in Unicode NFC, so "Café" typed with a precomposed `é` or with `e` and a
//! combining accent is one name (and one key in the registry).
use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Fewest characters a chosen name may have: shorter names are unreadable in a ranking.
pub const TEAM_NAME_MIN_CHARS: usize = 3;
/// Most characters a chosen name may have: keeps one ranking line on one Discord line.
pub const TEAM_NAME_MAX_CHARS: usize = 32;

/// A team's name, in NFC, trimmed and with internal white space collapsed to single spaces.
///
/// Chosen names come only from [`TeamName::parse`]; the default name only from
/// [`TeamName::default_for`]. Deserializing trusts the stored text, because stored events are
/// facts that were validated when they were decided.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TeamName(String);

/// Why a chosen team name was refused; each variant names the rule broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TeamNameError {
    /// Fewer than [`TEAM_NAME_MIN_CHARS`] characters after trimming.
    #[error("a team name needs at least {TEAM_NAME_MIN_CHARS} characters (this one has {0})")]
    TooShort(usize),
    /// More than [`TEAM_NAME_MAX_CHARS`] characters after trimming.
    #[error("a team name has at most {TEAM_NAME_MAX_CHARS} characters (this one has {0})")]
    TooLong(usize),
    /// A character that is not a letter, digit, space, hyphen or emoji.
    #[error(
        "\"{0}\" is not allowed in a team name: use letters, digits, spaces, hyphens or emoji"
    )]
    ForbiddenCharacter(char),
    /// Only spaces, hyphens and emoji.
    #[error("a team name needs at least one letter or digit")]
    NoLetterOrDigit,
}

impl TeamName {
    /// Parses a player-chosen name.
    ///
    /// Rules, checked in this order: the text is put in NFC (composed characters), surrounding
    /// white space is trimmed and every inner run of white space becomes one space; then 3 to 32
    /// characters (Unicode scalar values after composing, so an emoji with a skin tone counts as
    /// two but `e` with a combining accent is the one `é`); then only letters and digits of any
    /// script, spaces, hyphens (`-`) and emoji; then at least one letter or digit.
    pub fn parse(raw: &str) -> Result<TeamName, TeamNameError> {
        let composed: String = raw.nfc().collect();
        let text = composed.split_whitespace().collect::<Vec<_>>().join(" ");
        let chars = text.chars().count();
        if chars < TEAM_NAME_MIN_CHARS {
            return Err(TeamNameError::TooShort(chars));
        }
        if chars > TEAM_NAME_MAX_CHARS {
            return Err(TeamNameError::TooLong(chars));
        }
        if let Some(bad) = text.chars().find(|c| !is_allowed(*c)) {
            return Err(TeamNameError::ForbiddenCharacter(bad));
        }
        if !text.chars().any(char::is_alphanumeric) {
            return Err(TeamNameError::NoLetterOrDigit);
        }
        Ok(TeamName(text))
    }

    /// The name a team gets when none was chosen: `"<first> & <second>"`.
    ///
    /// The display names come from Discord and are not checked against the rules of
    /// [`TeamName::parse`]; since `&` is never allowed in a chosen name, a chosen name can never
    /// equal a default one.
    pub fn default_for(first: &str, second: &str) -> TeamName {
        TeamName(format!("{} & {}", first.trim(), second.trim()))
    }

    /// The text of the name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key names are compared on for uniqueness: [`TeamName::key_of`] its text, so "Word
    /// Nerds", "word nerds" and a decomposed spelling of either are the same name.
    pub fn key(&self) -> String {
        Self::key_of(&self.0)
    }

    /// The comparison key of any name, typed or stored: white space collapsed, lowercased,
    /// then NFC (lowercasing can leave a decomposed sequence, so composing comes last). Stored
    /// names written before names were composed get the same key as their composed spelling.
    pub fn key_of(text: &str) -> String {
        let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        collapsed.to_lowercase().nfc().collect()
    }
}

impl fmt::Display for TeamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `c` may appear in a chosen team name.
fn is_allowed(c: char) -> bool {
    c.is_alphanumeric() || c == ' ' || c == '-' || is_emoji(c)
}

/// Whether `c` belongs to an emoji: a pictograph, or a joiner, selector or modifier that builds
/// one. Ranges rather than an emoji-data table (the domain's only Unicode data is NFC); they
/// cover the emoji blocks Discord's picker offers.
fn is_emoji(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00A9 | 0x00AE // © ®
            | 0x203C | 0x2049 | 0x2122 | 0x2139 // ‼ ⁉ ™ ℹ
            | 0x2194..=0x21AA // arrows
            | 0x231A..=0x23FF // watches, hourglasses, media controls
            | 0x24C2 // Ⓜ
            | 0x25AA..=0x25FE // geometric shapes
            | 0x2600..=0x27BF // miscellaneous symbols and dingbats
            | 0x2934 | 0x2935 | 0x2B05..=0x2B55 // arrows, stars, circles
            | 0x3030 | 0x303D | 0x3297 | 0x3299
            | 0x1F000..=0x1FAFF // pictographs, flags (regional indicators), skin tones
            | 0x200D // zero-width joiner
            | 0xFE0E | 0xFE0F // variation selectors
            | 0x20E3 // combining keycap
            | 0xE0020..=0xE007F // tag characters (subdivision flags)
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_name_is_trimmed_and_its_inner_white_space_collapsed() {
        let name = TeamName::parse("  Word \t  Nerds \n").expect("a valid name");
        assert_eq!(name.as_str(), "Word Nerds");
    }

    #[test]
    fn letters_digits_spaces_hyphens_and_emoji_are_accepted() {
        for raw in ["The A-Team", "42 🔥", "Équipe Ñ", "🐱🐶 cats-n-dogs", "abc", "👍🏽 yes", "1️⃣23"]
        {
            assert!(TeamName::parse(raw).is_ok(), "{raw:?} should be a valid team name");
        }
    }

    #[test]
    fn a_name_under_three_characters_is_too_short() {
        assert_eq!(TeamName::parse(" ab "), Err(TeamNameError::TooShort(2)));
        assert_eq!(TeamName::parse("   "), Err(TeamNameError::TooShort(0)));
    }

    #[test]
    fn a_name_over_thirty_two_characters_is_too_long() {
        assert_eq!(TeamName::parse(&"a".repeat(33)), Err(TeamNameError::TooLong(33)));
        assert!(TeamName::parse(&"a".repeat(32)).is_ok());
    }

    #[test]
    fn punctuation_is_refused_and_named() {
        assert_eq!(TeamName::parse("Tom & Jerry"), Err(TeamNameError::ForbiddenCharacter('&')));
        assert_eq!(TeamName::parse("Winners!"), Err(TeamNameError::ForbiddenCharacter('!')));
        assert_eq!(TeamName::parse("a_b_c"), Err(TeamNameError::ForbiddenCharacter('_')));
    }

    #[test]
    fn a_name_without_a_letter_or_digit_is_refused() {
        assert_eq!(TeamName::parse("🔥🔥🔥"), Err(TeamNameError::NoLetterOrDigit));
        assert_eq!(TeamName::parse("- - -"), Err(TeamNameError::NoLetterOrDigit));
    }

    #[test]
    fn the_error_message_names_the_rule() {
        assert_eq!(
            TeamNameError::TooLong(40).to_string(),
            "a team name has at most 32 characters (this one has 40)"
        );
        assert_eq!(
            TeamNameError::ForbiddenCharacter('&').to_string(),
            "\"&\" is not allowed in a team name: use letters, digits, spaces, hyphens or emoji"
        );
    }

    #[test]
    fn the_default_name_joins_both_display_names() {
        assert_eq!(TeamName::default_for("Ann", " Bob ").as_str(), "Ann & Bob");
    }

    #[test]
    fn names_differing_only_in_case_share_a_key() {
        let a = TeamName::parse("Word Nerds").expect("valid");
        let b = TeamName::parse("WORD nerds").expect("valid");
        assert_eq!(a.key(), b.key());
    }

    #[test]
    fn a_name_typed_with_a_combining_accent_is_stored_composed() {
        let composed = TeamName::parse("Caf\u{e9} Crew").expect("valid");
        let decomposed = TeamName::parse("Cafe\u{301} Crew").expect("valid once composed");
        assert_eq!(decomposed, composed, "one name, whichever way it was typed");
        assert_eq!(decomposed.as_str(), "Caf\u{e9} Crew");
        assert_eq!(decomposed.key(), composed.key());
    }

    #[test]
    fn composed_characters_count_once_towards_the_length() {
        // Three letters, each typed as a base letter and a combining mark: six scalars, but
        // three characters once composed.
        let name = TeamName::parse("e\u{301}a\u{300}o\u{302}").expect("three letters");
        assert_eq!(name.as_str().chars().count(), 3);
        let long = format!("{}e\u{301}", "a".repeat(31));
        assert!(TeamName::parse(&long).is_ok(), "32 characters once composed");
    }

    #[test]
    fn a_combining_mark_with_no_composed_form_is_still_refused() {
        // `q` has no precomposed acute form, so the mark stays a mark, which no name allows.
        assert_eq!(
            TeamName::parse("q\u{301}uiz"),
            Err(TeamNameError::ForbiddenCharacter('\u{301}'))
        );
    }

    #[test]
    fn the_key_of_a_stored_decomposed_name_equals_the_key_of_its_composed_spelling() {
        // Deserializing trusts stored text, so an old event may hold a decomposed name.
        let stored: TeamName = serde_json::from_str("\"CAFE\u{301}  Crew\"").expect("stored");
        assert_eq!(stored.key(), TeamName::parse("café crew").expect("valid").key());
        assert_eq!(TeamName::key_of(" Caf\u{e9}   crew "), stored.key());
    }

    /// One allowed character that is not a letter or digit.
    fn filler() -> impl Strategy<Value = char> {
        prop::sample::select(vec!['-', ' ', '🔥', '🐱', '⭐', '☀'])
    }

    /// One letter or digit, from several scripts.
    fn letter_or_digit() -> impl Strategy<Value = char> {
        prop::sample::select(vec!['a', 'Z', 'é', 'ß', 'Ж', 'ж', 'λ', '字', '0', '7'])
    }

    /// A valid name: 3 to 32 allowed characters with a letter or digit, already normalised (no
    /// edge or double spaces), so parsing must return it unchanged.
    fn valid_name() -> impl Strategy<Value = String> {
        (
            letter_or_digit(),
            prop::collection::vec(prop_oneof![letter_or_digit(), filler()], 2..=31),
            0usize..32,
        )
            .prop_map(|(key, mut rest, at)| {
                rest.insert(at.min(rest.len()), key);
                let text: String = rest.into_iter().collect();
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .prop_filter("at least three characters", |text| {
                text.chars().count() >= TEAM_NAME_MIN_CHARS
            })
    }

    proptest! {
        #[test]
        fn any_valid_name_parses_to_itself(raw in valid_name()) {
            let name = TeamName::parse(&raw).expect("a generated valid name");
            prop_assert_eq!(name.as_str(), raw.as_str());
        }

        #[test]
        fn any_name_with_surrounding_or_repeated_spaces_parses_normalised(
            words in prop::collection::vec("[a-z]{1,5}", 1..5),
            pad in "[ \t]{0,3}",
        ) {
            let raw = format!("{pad}{}{pad}", words.join("  \t "));
            let expected = words.join(" ");
            match TeamName::parse(&raw) {
                Ok(name) => prop_assert_eq!(name.as_str(), expected.as_str()),
                Err(error) => prop_assert!(
                    expected.chars().count() < TEAM_NAME_MIN_CHARS,
                    "{expected:?} refused: {error}"
                ),
            }
        }

        #[test]
        fn any_name_under_three_characters_is_too_short(raw in "[a-z0-9]{0,2}") {
            prop_assert_eq!(TeamName::parse(&raw), Err(TeamNameError::TooShort(raw.len())));
        }

        #[test]
        fn any_name_over_thirty_two_characters_is_too_long(raw in "[a-z0-9-]{33,64}") {
            prop_assert_eq!(TeamName::parse(&raw), Err(TeamNameError::TooLong(raw.len())));
        }

        #[test]
        fn any_name_with_a_forbidden_character_is_refused(
            raw in valid_name(),
            bad in prop::sample::select(
                "&!?.,;:'\"@#$%^*()_=+[]{}<>/\\|`~".chars().collect::<Vec<_>>()
            ),
            at in 0usize..32,
        ) {
            let mut chars: Vec<char> = raw.chars().collect();
            let last = chars.len() - 1;
            chars[at.min(last)] = bad;
            let name: String = chars.into_iter().collect();
            prop_assert_eq!(TeamName::parse(&name), Err(TeamNameError::ForbiddenCharacter(bad)));
        }

        #[test]
        fn any_valid_name_and_its_decomposed_spelling_are_one_name(raw in valid_name()) {
            let decomposed: String = raw.nfd().collect();
            let a = TeamName::parse(&raw).expect("a generated valid name");
            let b = TeamName::parse(&decomposed).expect("the same name, decomposed");
            prop_assert_eq!(a.key(), b.key());
            prop_assert_eq!(a, b);
        }

        #[test]
        fn any_name_without_letters_or_digits_is_refused(
            chars in prop::collection::vec(prop::sample::select(vec!['-', '🔥', '🐱', '⭐']), 3..=32)
        ) {
            let raw: String = chars.into_iter().collect();
            prop_assert_eq!(TeamName::parse(&raw), Err(TeamNameError::NoLetterOrDigit));
        }
    }
}

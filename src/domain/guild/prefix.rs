//! The command prefix of a guild: the characters a message starts with to be a command
//! (`wm` in `wmteam`), with no space after it. Per guild configurable with `wmprefix <new>`.
use std::fmt;

use serde::{Deserialize, Serialize};

/// The prefix every guild starts with.
pub const DEFAULT_PREFIX: &str = "wm";
/// Longest prefix: a prefix is typed before every command, so it stays short.
pub const PREFIX_MAX_CHARS: usize = 5;

/// A guild's command prefix: 1 to 5 characters, no white space or control characters, not
/// starting with `/` (Discord's slash commands own that).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Prefix(String);

/// Why a prefix was refused; each variant names the rule broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PrefixError {
    /// Nothing given.
    #[error("the prefix needs at least 1 character")]
    Empty,
    /// More than [`PREFIX_MAX_CHARS`] characters.
    #[error("the prefix has at most {PREFIX_MAX_CHARS} characters (this one has {0})")]
    TooLong(usize),
    /// White space inside the prefix (commands follow it with no space).
    #[error("the prefix cannot contain spaces")]
    ContainsWhitespace,
    /// An invisible control character.
    #[error("the prefix cannot contain control characters")]
    ControlCharacter,
    /// Starts with `/`.
    #[error("the prefix cannot start with \"/\": that is how slash commands start")]
    StartsWithSlash,
}

impl Prefix {
    /// Parses a prefix typed by a member. Surrounding white space is trimmed first (it cannot be
    /// part of a prefix anyway); case is kept as typed.
    pub fn parse(raw: &str) -> Result<Prefix, PrefixError> {
        let text = raw.trim();
        let chars = text.chars().count();
        if chars == 0 {
            return Err(PrefixError::Empty);
        }
        if chars > PREFIX_MAX_CHARS {
            return Err(PrefixError::TooLong(chars));
        }
        if text.chars().any(char::is_whitespace) {
            return Err(PrefixError::ContainsWhitespace);
        }
        if text.chars().any(char::is_control) {
            return Err(PrefixError::ControlCharacter);
        }
        if text.starts_with('/') {
            return Err(PrefixError::StartsWithSlash);
        }
        Ok(Prefix(text.to_owned()))
    }

    /// The prefix's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The rest of `content` after the prefix, if `content` starts with it. Case is ignored, so
    /// `WMok` and `Wmok` (phone keyboards capitalise) are commands too.
    pub fn strip<'a>(&self, content: &'a str) -> Option<&'a str> {
        let chars = self.0.chars().count();
        let end = content.char_indices().nth(chars).map_or(content.len(), |(at, _)| at);
        let head = content.get(..end)?;
        (head.chars().count() == chars && head.to_lowercase() == self.0.to_lowercase())
            .then_some(&content[end..])
    }
}

impl Default for Prefix {
    fn default() -> Self {
        Prefix(DEFAULT_PREFIX.to_owned())
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_default_prefix_is_wm() {
        assert_eq!(Prefix::default().as_str(), "wm");
    }

    #[test]
    fn short_prefixes_without_spaces_are_accepted() {
        for raw in ["!", "wm", " ?? ", "gb.", "ŵm", "🎲", "abcde"] {
            assert!(Prefix::parse(raw).is_ok(), "{raw:?} should be a valid prefix");
        }
    }

    #[test]
    fn each_broken_rule_is_named() {
        assert_eq!(Prefix::parse("  "), Err(PrefixError::Empty));
        assert_eq!(Prefix::parse("abcdef"), Err(PrefixError::TooLong(6)));
        assert_eq!(Prefix::parse("w m"), Err(PrefixError::ContainsWhitespace));
        assert_eq!(Prefix::parse("w\u{7}"), Err(PrefixError::ControlCharacter));
        assert_eq!(Prefix::parse("/wm"), Err(PrefixError::StartsWithSlash));
    }

    #[test]
    fn strip_ignores_case_and_returns_the_command() {
        let prefix = Prefix::default();
        assert_eq!(prefix.strip("wmteam @ann"), Some("team @ann"));
        assert_eq!(prefix.strip("WMok"), Some("ok"));
        assert_eq!(prefix.strip("w"), None);
        assert_eq!(prefix.strip("hello"), None);
        let emoji = Prefix::parse("🎲").expect("valid");
        assert_eq!(emoji.strip("🎲join"), Some("join"));
    }

    proptest! {
        #[test]
        fn any_one_to_five_visible_characters_not_starting_with_a_slash_parse(
            raw in "[a-z!?.$%&*+=~-][a-z0-9!?./$%&*+=~-]{0,4}"
        ) {
            prop_assert_eq!(Prefix::parse(&raw).map(|p| p.as_str().to_owned()), Ok(raw));
        }

        #[test]
        fn any_prefix_over_five_characters_is_too_long(raw in "[a-z!?.]{6,12}") {
            prop_assert_eq!(Prefix::parse(&raw), Err(PrefixError::TooLong(raw.len())));
        }

        #[test]
        fn any_prefix_with_inner_white_space_is_refused(a in "[a-z]{1,2}", b in "[a-z]{1,2}") {
            prop_assert_eq!(Prefix::parse(&format!("{a} {b}")), Err(PrefixError::ContainsWhitespace));
        }

        #[test]
        fn any_prefix_starting_with_a_slash_is_refused(rest in "[a-z]{0,4}") {
            prop_assert_eq!(Prefix::parse(&format!("/{rest}")), Err(PrefixError::StartsWithSlash));
        }
    }
}

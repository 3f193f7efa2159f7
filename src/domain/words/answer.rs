//! An answer is what a player typed, once it has passed every check: trimmed, lowercased, one
//! well-formed word of letters, and present in the dictionary. This file holds the checks that
//! need no dictionary (shape and length) and the errors that name what was wrong.
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Shortest accepted answer, in characters: single letters are not words in this game.
pub const MIN_WORD_CHARS: usize = 2;
/// Longest accepted answer, in characters: longer than any word in the dictionary.
pub const MAX_WORD_CHARS: usize = 30;

/// An answer that passed every check: trimmed, lowercased, well-formed and in the dictionary.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Word(String);

impl Word {
    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Wraps text the dictionary already holds; only the word service makes words.
    pub(super) fn from_dictionary(text: String) -> Self {
        Word(text)
    }
}

impl std::fmt::Display for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why an answer is not a valid word.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidWord {
    /// Nothing but white space.
    #[error("the answer is empty")]
    Empty,
    /// More than one word.
    #[error("answer with one word only")]
    NotOneWord,
    /// Characters other than letters, or an apostrophe or hyphen at the edge.
    #[error("use letters only (an apostrophe or hyphen may sit inside a word)")]
    BadCharacters,
    /// Fewer than [`MIN_WORD_CHARS`] or more than [`MAX_WORD_CHARS`] characters.
    #[error("a word has {MIN_WORD_CHARS} to {MAX_WORD_CHARS} letters")]
    BadLength,
    /// Well-formed but not an English word.
    #[error("\"{0}\" is not in the dictionary")]
    NotInDictionary(String),
}

/// Trims and lowercases raw text, reads typographic apostrophes (as phone keyboards type them)
/// as plain ones, so "Don’t" and "don't" are the same answer, and composes it to NFC, so an
/// accent typed as a combining mark (`e` + U+0301) is the letter the dictionary holds (`é`).
pub(super) fn normalise(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| if matches!(c, '\u{2019}' | '\u{2018}') { '\'' } else { c })
        .collect::<String>()
        .to_lowercase()
        .nfc()
        .collect()
}

/// Checks the shape of normalised text: one word of letters, apostrophes or hyphens only between
/// letters, and a length in range. The dictionary check comes after.
pub(super) fn check_shape(text: &str) -> Result<(), InvalidWord> {
    if text.is_empty() {
        return Err(InvalidWord::Empty);
    }
    if text.chars().any(char::is_whitespace) {
        return Err(InvalidWord::NotOneWord);
    }
    let mut previous_was_letter = false;
    for c in text.chars() {
        if c.is_alphabetic() {
            previous_was_letter = true;
        } else if matches!(c, '\'' | '-') && previous_was_letter {
            previous_was_letter = false;
        } else {
            return Err(InvalidWord::BadCharacters);
        }
    }
    if !previous_was_letter {
        return Err(InvalidWord::BadCharacters);
    }
    let chars = text.chars().count();
    if !(MIN_WORD_CHARS..=MAX_WORD_CHARS).contains(&chars) {
        return Err(InvalidWord::BadLength);
    }
    Ok(())
}

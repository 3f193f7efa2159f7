//! The word service: the validation dictionary, the generation list for dealing, and the matcher
//! that decides whether two answers are the same word. Loaded once per process from embedded data,
//! so every lookup is in memory.
//!
//! PLACEHOLDER: a tiny inline list until the real data files land; the public API is the contract.
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Shortest accepted answer, in characters.
pub const MIN_WORD_CHARS: usize = 2;
/// Longest accepted answer, in characters.
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

/// How two matching words relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchReason {
    /// The same word.
    Identical,
    /// Singular and plural, regular or irregular.
    Plural,
    /// US and UK spelling of one word.
    Spelling,
    /// Inflections of one verb.
    Inflection,
}

/// The verdict on two words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// The words match, on the normal form `on`.
    Match {
        /// The shared normal form (lemma, US spelling) both words reduce to.
        on: String,
        /// Why they match.
        reason: MatchReason,
    },
    /// The words differ.
    NoMatch,
}

impl Verdict {
    /// Whether the verdict is a match.
    pub fn is_match(&self) -> bool {
        matches!(self, Verdict::Match { .. })
    }
}

/// The loaded word lists and matcher.
#[derive(Debug)]
pub struct WordService {
    dictionary: std::collections::HashSet<String>,
    generation: Vec<String>,
}

impl WordService {
    /// The embedded word lists, parsed on first use and shared by the whole process.
    pub fn embedded() -> &'static WordService {
        static SERVICE: OnceLock<WordService> = OnceLock::new();
        SERVICE.get_or_init(|| {
            let generation: Vec<String> = [
                "river", "bank", "money", "cat", "dog", "house", "tree", "apple", "car", "road",
                "water", "fire", "stone", "bread", "king", "queen", "ship", "star", "moon", "sun",
            ]
            .iter()
            .map(|w| (*w).to_owned())
            .collect();
            let mut dictionary: std::collections::HashSet<String> =
                generation.iter().cloned().collect();
            for w in ["cats", "dogs", "colour", "color", "run", "running", "ran", "goose", "geese"]
            {
                dictionary.insert(w.to_owned());
            }
            WordService { dictionary, generation }
        })
    }

    /// Checks a raw answer and returns its normalised [`Word`].
    pub fn parse_answer(&self, raw: &str) -> Result<Word, InvalidWord> {
        let text = raw.trim().to_lowercase();
        if text.is_empty() {
            return Err(InvalidWord::Empty);
        }
        if text.split_whitespace().count() > 1 {
            return Err(InvalidWord::NotOneWord);
        }
        if !self.dictionary.contains(&text) {
            return Err(InvalidWord::NotInDictionary(text));
        }
        Ok(Word(text))
    }

    /// Whether `word` is in the validation dictionary (already normalised).
    pub fn is_valid(&self, word: &str) -> bool {
        self.dictionary.contains(word)
    }

    /// The verdict on two valid words.
    pub fn verdict(&self, a: &Word, b: &Word) -> Verdict {
        if a == b {
            Verdict::Match { on: a.0.clone(), reason: MatchReason::Identical }
        } else {
            Verdict::NoMatch
        }
    }

    /// Whether `candidate` is `word` or a variant of it (used for forbidden words).
    pub fn is_variant_of(&self, candidate: &Word, word: &str) -> bool {
        self.parse_answer(word).is_ok_and(|w| self.verdict(candidate, &w).is_match())
    }

    /// The generation list pairs are dealt from: common, concrete words of 3 to 10 letters.
    pub fn generation_list(&self) -> &[String] {
        &self.generation
    }
}

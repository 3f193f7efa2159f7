//! The word service is the one entry point the game uses: it checks answers, judges matches and
//! hands out the generation list. One instance, parsed on first use, serves the whole process.
use std::sync::OnceLock;

use super::answer::{check_shape, normalise, InvalidWord, Word};
use super::dictionary::Lexicon;
use super::matcher::{self, MatchReason, Verdict};

/// The loaded word lists and matcher.
#[derive(Debug)]
pub struct WordService {
    lexicon: Lexicon,
}

impl WordService {
    /// The embedded word lists, parsed on first use and shared by the whole process.
    pub fn embedded() -> &'static WordService {
        static SERVICE: OnceLock<WordService> = OnceLock::new();
        SERVICE.get_or_init(|| WordService { lexicon: Lexicon::embedded() })
    }

    /// Checks a raw answer and returns its normalised [`Word`]: trimmed, lowercased, one word of
    /// letters (apostrophes and hyphens allowed inside), 2 to 30 characters, in the dictionary.
    pub fn parse_answer(&self, raw: &str) -> Result<Word, InvalidWord> {
        let text = normalise(raw);
        check_shape(&text)?;
        if !self.lexicon.contains(&text) {
            return Err(InvalidWord::NotInDictionary(text));
        }
        Ok(Word::from_dictionary(text))
    }

    /// Whether `word` (already normalised) is in the validation dictionary.
    pub fn is_valid(&self, word: &str) -> bool {
        self.lexicon.contains(word)
    }

    /// The verdict on two valid words: a match when they are equal, or when one is a plural,
    /// verb form or US/UK spelling of the other; `on` is the shared normal form.
    pub fn verdict(&self, a: &Word, b: &Word) -> Verdict {
        matcher::verdict(&self.lexicon, a.as_str(), b.as_str())
    }

    /// Whether `candidate` is `word` or a variant of it (used for forbidden words). `word` may be
    /// any text, such as a dealt pair word; it is normalised like an answer first, and text that
    /// is not a dictionary word only equals itself.
    pub fn is_variant_of(&self, candidate: &Word, word: &str) -> bool {
        let word = normalise(word);
        if candidate.as_str() == word {
            return true;
        }
        self.lexicon.contains(&word)
            && matcher::verdict(&self.lexicon, candidate.as_str(), &word).is_match()
    }

    /// The normal forms a valid word reduces to and how it relates to each, itself first
    /// ("colours": itself, "color" as a plural, "colors" as a spelling). For explaining verdicts.
    pub fn normal_forms(&self, word: &Word) -> Vec<(String, MatchReason)> {
        self.lexicon.normal_forms(word.as_str())
    }

    /// The generation list pairs are dealt from: familiar (Zipf 3.5 or more), picturable nouns of
    /// 3 to 10 letters, in alphabetical order.
    pub fn generation_list(&self) -> &[String] {
        self.lexicon.generation()
    }

    /// Every dictionary word, in no particular order (for tests and tools).
    pub fn dictionary_words(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.lexicon.words()
    }
}

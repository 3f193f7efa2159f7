//! The lexicon: the three data files compiled into the binary, parsed once into hash tables.
//! `dictionary.txt` lists every valid word; `forms.txt` gives, for each word that is a plural, a
//! verb form or a British or variant spelling, the normal forms it reduces to; `generation.txt`
//! lists the words pairs are dealt from. See `data/README.md` for how they are made.
use std::collections::{HashMap, HashSet};

use super::matcher::MatchReason;

const DICTIONARY: &str = include_str!("data/dictionary.txt");
const FORMS: &str = include_str!("data/forms.txt");
const GENERATION: &str = include_str!("data/generation.txt");

/// The parsed data. Words borrow from the embedded text, so loading allocates only the tables.
#[derive(Debug)]
pub(super) struct Lexicon {
    words: HashSet<&'static str>,
    /// Word -> its normal forms, still in the file's `form:kind,form:kind` notation; decoded on
    /// use (a handful of bytes), which keeps loading to one split per line.
    forms: HashMap<&'static str, &'static str>,
    generation: Vec<String>,
}

impl Lexicon {
    /// Parses the embedded files.
    pub(super) fn embedded() -> Self {
        let mut words = HashSet::with_capacity(DICTIONARY.len() / 9);
        words.extend(DICTIONARY.lines());
        let mut forms = HashMap::with_capacity(FORMS.len() / 20);
        for line in FORMS.lines() {
            let (word, normal) = line
                .split_once('\t')
                .expect("forms.txt is generated with one tab per line by data/build.py");
            forms.insert(word, normal);
        }
        let generation = GENERATION.lines().map(str::to_owned).collect();
        Lexicon { words, forms, generation }
    }

    /// Whether `word` (normalised) is in the dictionary.
    pub(super) fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    /// Every dictionary word, in no particular order.
    pub(super) fn words(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.words.iter().copied()
    }

    /// The generation list, in file order (alphabetical).
    pub(super) fn generation(&self) -> &[String] {
        &self.generation
    }

    /// The normal forms `word` reduces to, with how it relates to each; the word itself is always
    /// among them, as [`MatchReason::Identical`].
    pub(super) fn normal_forms(&self, word: &str) -> Vec<(String, MatchReason)> {
        let mut found = vec![(word.to_owned(), MatchReason::Identical)];
        if let Some(encoded) = self.forms.get(word) {
            for item in encoded.split(',') {
                let Some((form, kind)) = item.rsplit_once(':') else { continue };
                let reason = match kind {
                    "p" => MatchReason::Plural,
                    "i" => MatchReason::Inflection,
                    _ => MatchReason::Spelling,
                };
                found.push((form.to_owned(), reason));
            }
        }
        found
    }
}

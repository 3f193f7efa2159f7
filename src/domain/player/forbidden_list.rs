//! A player's forbidden list: the words they answered recently, which they may not answer again
//! (nor a variant of them). First in, first out: when the list is full, the oldest word drops
//! off. Its size is a per-guild setting, [`ForbiddenListSize`].
use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::domain::words::{Word, WordService};

/// The rule book's default list size.
pub const DEFAULT_FORBIDDEN_LIST_SIZE: usize = 12;
/// The smallest list a guild may configure: at least the last answer is forbidden.
pub const MIN_FORBIDDEN_LIST_SIZE: usize = 1;
/// The largest list a guild may configure: beyond this, long games run out of natural answers.
pub const MAX_FORBIDDEN_LIST_SIZE: usize = 50;

/// How many words a forbidden list holds, from [`MIN_FORBIDDEN_LIST_SIZE`] to
/// [`MAX_FORBIDDEN_LIST_SIZE`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ForbiddenListSize(usize);

/// Why a forbidden list size was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ForbiddenListSizeError {
    /// Not a whole number.
    #[error("forbidden_list_size must be a whole number, not \"{0}\"")]
    NotANumber(String),
    /// Outside the allowed range.
    #[error(
        "forbidden_list_size must be {MIN_FORBIDDEN_LIST_SIZE} to {MAX_FORBIDDEN_LIST_SIZE} (got {0})"
    )]
    OutOfRange(u64),
}

impl ForbiddenListSize {
    /// A size within the allowed range.
    pub fn new(size: u64) -> Result<ForbiddenListSize, ForbiddenListSizeError> {
        let range = MIN_FORBIDDEN_LIST_SIZE as u64..=MAX_FORBIDDEN_LIST_SIZE as u64;
        if range.contains(&size) {
            Ok(ForbiddenListSize(size as usize))
        } else {
            Err(ForbiddenListSizeError::OutOfRange(size))
        }
    }

    /// Parses a size typed by a player (surrounding white space ignored).
    pub fn parse(raw: &str) -> Result<ForbiddenListSize, ForbiddenListSizeError> {
        let text = raw.trim();
        let size: u64 =
            text.parse().map_err(|_| ForbiddenListSizeError::NotANumber(text.to_owned()))?;
        ForbiddenListSize::new(size)
    }

    /// The number of words.
    pub fn get(self) -> usize {
        self.0
    }
}

impl Default for ForbiddenListSize {
    fn default() -> Self {
        ForbiddenListSize(DEFAULT_FORBIDDEN_LIST_SIZE)
    }
}

impl std::fmt::Display for ForbiddenListSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What [`ForbiddenList::push`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pushed {
    /// The word was already on the list; nothing changed (its place is not refreshed).
    AlreadyListed,
    /// The word was added at the newest end, dropping the oldest word if the list was full.
    Added {
        /// The word that fell off, if any.
        dropped: Option<Word>,
    },
}

/// The words a player may not answer, oldest first, never more than its size and never a word
/// twice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForbiddenList {
    size: ForbiddenListSize,
    words: VecDeque<Word>,
}

impl ForbiddenList {
    /// An empty list of the given size.
    pub fn new(size: ForbiddenListSize) -> ForbiddenList {
        ForbiddenList { size, words: VecDeque::new() }
    }

    /// How many words the list may hold.
    pub fn size(&self) -> ForbiddenListSize {
        self.size
    }

    /// How many words it holds.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether it holds no word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The words, oldest first.
    pub fn words(&self) -> impl Iterator<Item = &Word> {
        self.words.iter()
    }

    /// Whether `word` itself is on the list.
    pub fn contains(&self, word: &Word) -> bool {
        self.words.contains(word)
    }

    /// The listed word that forbids `answer`: the same word or a variant of it (plural, US/UK
    /// spelling, inflection), as the word service judges.
    pub fn forbidding<'a>(&'a self, answer: &Word, words: &WordService) -> Option<&'a Word> {
        self.words
            .iter()
            .find(|listed| listed == &answer || words.is_variant_of(answer, listed.as_str()))
    }

    /// Changes the size, dropping the oldest words that no longer fit; returns them, oldest
    /// first.
    pub fn resize(&mut self, size: ForbiddenListSize) -> Vec<Word> {
        self.size = size;
        let excess = self.words.len().saturating_sub(size.get());
        self.words.drain(..excess).collect()
    }

    /// Adds `word` at the newest end unless it is already listed.
    pub fn push(&mut self, word: Word) -> Pushed {
        if self.contains(&word) {
            return Pushed::AlreadyListed;
        }
        self.words.push_back(word);
        let dropped =
            if self.words.len() > self.size.get() { self.words.pop_front() } else { None };
        Pushed::Added { dropped }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn word(text: &str) -> Word {
        WordService::embedded().parse_answer(text).expect("a dictionary word")
    }

    fn size(n: u64) -> ForbiddenListSize {
        ForbiddenListSize::new(n).expect("a valid size")
    }

    fn listed(list: &ForbiddenList) -> Vec<&str> {
        list.words().map(Word::as_str).collect()
    }

    #[test]
    fn the_default_size_is_twelve() {
        assert_eq!(ForbiddenList::default().size().get(), 12);
    }

    #[test]
    fn a_full_list_drops_its_oldest_word() {
        let mut list = ForbiddenList::new(size(2));
        list.push(word("river"));
        list.push(word("bank"));
        assert_eq!(list.push(word("money")), Pushed::Added { dropped: Some(word("river")) });
        assert_eq!(listed(&list), ["bank", "money"]);
    }

    #[test]
    fn a_word_already_listed_is_not_added_twice_nor_refreshed() {
        let mut list = ForbiddenList::new(size(3));
        list.push(word("river"));
        list.push(word("bank"));
        assert_eq!(list.push(word("river")), Pushed::AlreadyListed);
        assert_eq!(listed(&list), ["river", "bank"]);
    }

    #[test]
    fn shrinking_drops_the_oldest_words() {
        let mut list = ForbiddenList::new(size(3));
        for text in ["river", "bank", "money"] {
            list.push(word(text));
        }
        assert_eq!(list.resize(size(1)), vec![word("river"), word("bank")]);
        assert_eq!(listed(&list), ["money"]);
    }

    #[test]
    fn a_variant_of_a_listed_word_is_forbidden() {
        let mut list = ForbiddenList::default();
        list.push(word("cat"));
        let words = WordService::embedded();
        assert_eq!(list.forbidding(&word("cat"), words), Some(&word("cat")));
        assert_eq!(list.forbidding(&word("dog"), words), None);
    }

    #[test]
    fn sizes_outside_one_to_fifty_are_refused_with_the_range() {
        assert_eq!(ForbiddenListSize::new(0), Err(ForbiddenListSizeError::OutOfRange(0)));
        assert_eq!(ForbiddenListSize::new(51), Err(ForbiddenListSizeError::OutOfRange(51)));
        assert_eq!(
            ForbiddenListSizeError::OutOfRange(51).to_string(),
            "forbidden_list_size must be 1 to 50 (got 51)"
        );
        assert_eq!(ForbiddenListSize::parse(" 50 ").map(ForbiddenListSize::get), Ok(50));
        assert_eq!(
            ForbiddenListSize::parse("ten"),
            Err(ForbiddenListSizeError::NotANumber("ten".to_owned()))
        );
    }

    fn dictionary_word() -> impl Strategy<Value = Word> {
        let list = WordService::embedded().generation_list().to_vec();
        prop::sample::select(list).prop_map(|text| word(&text))
    }

    proptest! {
        #[test]
        fn a_list_never_exceeds_its_size_nor_repeats_a_word(
            n in 1u64..=10,
            pushes in prop::collection::vec(dictionary_word(), 0..60),
        ) {
            let mut list = ForbiddenList::new(size(n));
            for pushed in pushes {
                list.push(pushed.clone());
                prop_assert!(list.len() <= list.size().get());
                prop_assert!(list.contains(&pushed), "the newest answer is always listed");
                let mut seen: Vec<&Word> = list.words().collect();
                seen.sort();
                seen.dedup();
                prop_assert_eq!(seen.len(), list.len(), "no word twice");
            }
        }

        #[test]
        fn a_list_of_distinct_words_keeps_the_newest(
            n in 1u64..=10,
            shuffled in Just(WordService::embedded().generation_list().to_vec()).prop_shuffle(),
            count in 0usize..20,
        ) {
            let pushed: Vec<Word> = shuffled.iter().take(count).map(|text| word(text)).collect();
            let mut list = ForbiddenList::new(size(n));
            for w in &pushed {
                list.push(w.clone());
            }
            let keep = pushed.len().min(size(n).get());
            let newest: Vec<&Word> = pushed[pushed.len() - keep..].iter().collect();
            prop_assert_eq!(list.words().collect::<Vec<_>>(), newest);
        }
    }
}

//! The word service: the validation dictionary, the generation list for dealing, and the matcher
//! that decides whether two answers are the same word. Everything is parsed once per process from
//! data files compiled into the binary (built from Debian's `scowl` and `wordnet-base` and the
//! `wordfreq` frequencies by `data/build.py`), so every lookup is an in-memory hash lookup.
mod answer;
mod dictionary;
mod matcher;
mod service;
#[cfg(test)]
mod tests;

pub use answer::{InvalidWord, Word, MAX_WORD_CHARS, MIN_WORD_CHARS};
pub use matcher::{MatchReason, Verdict};
pub use service::WordService;

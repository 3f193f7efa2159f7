//! The matcher decides whether two valid answers are the same word. Each word reduces to one or
//! more normal forms (the US spelling of its lemma: "colours" to "color", "ran" to "run"); two
//! words match when they are equal or share a normal form. The relation is symmetric by
//! construction: the shared form and the reason do not depend on the order of the words.
use serde::{Deserialize, Serialize};

use super::dictionary::Lexicon;

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

impl MatchReason {
    /// When two words reach a shared form by different relations ("colours" is a plural and a
    /// UK spelling of "color"), the verdict names the weightier one: inflection, then plural,
    /// then spelling.
    fn weight(self) -> u8 {
        match self {
            MatchReason::Identical => 0,
            MatchReason::Spelling => 1,
            MatchReason::Plural => 2,
            MatchReason::Inflection => 3,
        }
    }

    fn combine(self, other: MatchReason) -> MatchReason {
        if other.weight() > self.weight() {
            other
        } else {
            self
        }
    }
}

impl std::fmt::Display for MatchReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MatchReason::Identical => "the same word",
            MatchReason::Plural => "singular and plural",
            MatchReason::Spelling => "US and UK spelling",
            MatchReason::Inflection => "forms of one verb",
        })
    }
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

/// The verdict on two normalised dictionary words. Equal words match on themselves. Otherwise,
/// of the normal forms they share, the closest relation wins ("travelled" and "traveled" are a
/// spelling of one form before they are inflections of "travel"), then the alphabetically first
/// form, so the answer is the same whichever word comes first.
pub(super) fn verdict(lexicon: &Lexicon, a: &str, b: &str) -> Verdict {
    if a == b {
        return Verdict::Match { on: a.to_owned(), reason: MatchReason::Identical };
    }
    let forms_a = lexicon.normal_forms(a);
    let forms_b = lexicon.normal_forms(b);
    let mut best: Option<(String, MatchReason)> = None;
    for (form_a, reason_a) in &forms_a {
        for (form_b, reason_b) in &forms_b {
            if form_a != form_b {
                continue;
            }
            let reason = reason_a.combine(*reason_b);
            let better = match &best {
                None => true,
                Some((on, kept)) => (reason.weight(), form_a) < (kept.weight(), on),
            };
            if better {
                best = Some((form_a.clone(), reason));
            }
        }
    }
    match best {
        Some((on, reason)) => Verdict::Match { on, reason },
        None => Verdict::NoMatch,
    }
}

//! Dealing a pair: two different words from the generation list, drawn with the command's seeded
//! random source and redrawn silently while either word is forbidden for either player. Also the
//! check that tells whether an answer is a forbidden word or a variant of one.
use rand::Rng;

use super::decision::Decision;
use super::errors::{ForbiddenBy, GameError};
use super::events::GameEvent;
use crate::domain::words::{Word, WordService};
use crate::domain::TeamId;

/// Random draws before falling back to scanning the list for allowed words: with a few thousand
/// words and at most a few dozen forbidden ones, a draw almost never needs a second try.
const RANDOM_DRAWS: usize = 64;

/// The forbidden word `candidate` is, or is a variant of, if any.
pub(super) fn forbidden_match<'w>(
    words: &WordService,
    candidate: &Word,
    forbidden: impl IntoIterator<Item = &'w String>,
) -> Option<&'w String> {
    forbidden
        .into_iter()
        .find(|f| candidate.as_str() == f.as_str() || words.is_variant_of(candidate, f))
}

/// Whether a generation word may be dealt to players with these forbidden lists.
///
/// Decision (rules silent): a word that is a variant of a forbidden word (plural, spelling,
/// inflection) is redrawn as well, since the players could not answer it anyway.
fn allowed(words: &WordService, word: &str, lists: &[&[String]]) -> bool {
    let Ok(parsed) = words.parse_answer(word) else {
        // A generation word outside the dictionary cannot be a variant; compare it literally.
        return lists.iter().all(|l| l.iter().all(|f| f != word));
    };
    lists.iter().all(|l| forbidden_match(words, &parsed, l.iter()).is_none())
}

/// Draws a pair of two different words of `list` that no forbidden list forbids.
pub(super) fn draw_pair(
    words: &WordService,
    list: &[String],
    rng: &mut impl Rng,
    lists: &[&[String]],
) -> Result<[String; 2], GameError> {
    if list.len() >= 2 {
        for _ in 0..RANDOM_DRAWS {
            let a = rng.random_range(0..list.len());
            let b = rng.random_range(0..list.len());
            if a != b
                && list[a] != list[b]
                && allowed(words, &list[a], lists)
                && allowed(words, &list[b], lists)
            {
                return Ok([list[a].clone(), list[b].clone()]);
            }
        }
    }
    // Unlucky or crowded: pick among the words that are still allowed.
    let mut open: Vec<&String> = list.iter().filter(|w| allowed(words, w, lists)).collect();
    open.dedup();
    if open.len() < 2 {
        return Err(GameError::NoPairToDeal);
    }
    let a = rng.random_range(0..open.len());
    let mut b = rng.random_range(0..open.len() - 1);
    if b >= a {
        b += 1;
    }
    Ok([open[a].clone(), open[b].clone()])
}

/// Deals a new pair to a team for `round` and records it.
pub(super) fn deal(d: &mut Decision<'_>, team_id: TeamId, round: u32) -> Result<(), GameError> {
    let team = d.team(team_id).ok_or(GameError::NotInThisGame)?;
    let lists = [team.players[0].forbidden.clone(), team.players[1].forbidden.clone()];
    let words = d.words;
    let pair = draw_pair(words, words.generation_list(), &mut d.rng, &[&lists[0], &lists[1]])?;
    let dealt_at = d.now;
    d.emit(GameEvent::PairDealt { team_id, round, pair, dealt_at });
    Ok(())
}

/// Refuses an answer that is a word of the round's dealt pair, or on the player's forbidden
/// list, or a variant of either.
///
/// Decision (rules silent): "the team's current dealt pair" is the pair dealt at the start of the
/// round; it stays forbidden after misses replace the pair in play. Lists are per player, so a
/// player may answer the word the partner gave last (it is only on the partner's list).
pub(super) fn check_not_forbidden(
    words: &WordService,
    candidate: &Word,
    dealt: &[String; 2],
    own_list: &[String],
) -> Result<(), GameError> {
    let refuse = |forbidden: &String, by| GameError::ForbiddenWord {
        word: candidate.to_string(),
        forbidden: forbidden.clone(),
        by,
    };
    if let Some(f) = forbidden_match(words, candidate, dealt.iter()) {
        return Err(refuse(f, ForbiddenBy::DealtPair));
    }
    if let Some(f) = forbidden_match(words, candidate, own_list.iter()) {
        return Err(refuse(f, ForbiddenBy::ForbiddenList));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    use super::*;

    /// A short generation list, so crowded cases stay fast with the real word lists.
    fn short_list() -> Vec<String> {
        ["river", "bank", "money", "water", "fire", "stone", "bread", "king"]
            .map(str::to_owned)
            .to_vec()
    }

    fn all_but(keep: &[&str]) -> Vec<String> {
        short_list().into_iter().filter(|w| !keep.contains(&w.as_str())).collect()
    }

    fn rng(seed: u64) -> StdRng {
        StdRng::seed_from_u64(seed)
    }

    #[test]
    fn a_pair_is_two_different_words_from_the_generation_list() {
        let words = WordService::embedded();
        let list = words.generation_list();
        for seed in 0..200 {
            let pair = draw_pair(words, list, &mut rng(seed), &[]).expect("a pair");
            assert_ne!(pair[0], pair[1]);
            assert!(pair.iter().all(|w| list.contains(w)));
        }
    }

    #[test]
    fn the_same_seed_deals_the_same_pair() {
        let words = WordService::embedded();
        let list = words.generation_list();
        assert_eq!(
            draw_pair(words, list, &mut rng(42), &[]),
            draw_pair(words, list, &mut rng(42), &[])
        );
    }

    #[test]
    fn words_forbidden_for_either_player_are_redrawn() {
        let words = WordService::embedded();
        let list = short_list();
        let (first, second) = (list[..4].to_vec(), vec![list[4].clone()]);
        for seed in 0..200 {
            let pair = draw_pair(words, &list, &mut rng(seed), &[&first, &second]).expect("a pair");
            assert!(pair.iter().all(|w| !first.contains(w) && !second.contains(w)), "{pair:?}");
        }
    }

    #[test]
    fn with_two_words_left_those_two_are_dealt() {
        let words = WordService::embedded();
        let forbidden = all_but(&["water", "king"]);
        let mut pair =
            draw_pair(words, &short_list(), &mut rng(1), &[&forbidden, &[]]).expect("a pair");
        pair.sort();
        assert_eq!(pair, ["king".to_owned(), "water".to_owned()]);
    }

    #[test]
    fn when_fewer_than_two_words_are_allowed_dealing_fails_clearly() {
        let words = WordService::embedded();
        let forbidden = all_but(&["stone"]);
        assert_eq!(
            draw_pair(words, &short_list(), &mut rng(1), &[&[], &forbidden]),
            Err(GameError::NoPairToDeal)
        );
    }
}

//! How simulated players think of a word linking a pair. The "culture" is a seeded association
//! net over the generation list: every word has a dozen related words, strongest first. A player
//! answers the strongest link of the pair's two words that they know, blurred by their own taste;
//! the blur shrinks with each miss, as real partners tune in to each other after seeing each
//! other's answers. After a miss the new pair is the two answers, so the next guesses come from
//! words related to those: play converges in a few guesses, sometimes at once, sometimes never.
use std::time::Duration;

use crate::domain::game::Mode;

/// Related words per word: enough that two partners often disagree on the first guess.
const LINKS_PER_WORD: u64 = 12;

/// Share of the net's links a player knows: partners share most of their culture, not all.
const KNOWN_SHARE: f64 = 0.85;

/// How much a player's taste reorders the links, on the first guess of a pair.
const FIRST_GUESS_BLUR: f64 = 0.45;

/// Each miss keeps this share of the blur: partners converge.
const BLUR_KEPT_PER_MISS: f64 = 0.6;

/// 64-bit mixing (splitmix64's finaliser): deterministic, well spread, no dependency.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A stable hash of a word (FNV-1a), so associations do not depend on the process.
fn word_hash(word: &str) -> u64 {
    word.bytes()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// A hash of several parts.
fn hash(parts: &[u64]) -> u64 {
    parts.iter().fold(0x5eed, |h, p| mix(h ^ p))
}

/// A number in [0, 1) from a hash.
fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// The shared association net: which words bring which to mind, for everyone.
#[derive(Debug, Clone)]
pub struct Associations {
    words: &'static [String],
    seed: u64,
}

impl Associations {
    /// The net over `words` (the generation list), shaped by `seed`.
    pub fn new(words: &'static [String], seed: u64) -> Self {
        Self { words, seed }
    }

    /// The words `word` brings to mind, with their strength (1.0 for the strongest).
    pub fn links(&self, word: &str) -> Vec<(&'static str, f64)> {
        if self.words.is_empty() {
            return Vec::new();
        }
        let w = word_hash(word);
        (0..LINKS_PER_WORD)
            .map(|i| {
                let at = hash(&[self.seed, w, i]) % self.words.len() as u64;
                (self.words[at as usize].as_str(), 1.0 / (1.0 + 0.3 * i as f64))
            })
            .filter(|(linked, _)| *linked != word)
            .collect()
    }

    /// How strongly the pair brings `candidate` to mind for everyone, plus a little common
    /// popularity so shared favourites exist.
    fn shared_score(&self, pair: &[String; 2], candidate: &str) -> f64 {
        let popularity = unit(hash(&[self.seed, word_hash(candidate), 7]));
        let strength: f64 = pair
            .iter()
            .flat_map(|w| self.links(w))
            .filter(|(linked, _)| *linked == candidate)
            .map(|(_, s)| s)
            .sum();
        strength + 0.25 * popularity
    }

    /// The word `mind` answers to `pair` on attempt `attempt` (1 for a fresh pair), skipping
    /// every word `avoid` refuses (the pair itself, forbidden words, rejected answers). `None`
    /// when nothing comes to mind.
    pub fn answer(
        &self,
        mind: &Mind,
        pair: &[String; 2],
        attempt: u32,
        avoid: &dyn Fn(&str) -> bool,
    ) -> Option<&'static str> {
        let blur = FIRST_GUESS_BLUR * BLUR_KEPT_PER_MISS.powi(attempt.saturating_sub(1) as i32);
        let pair_key = word_hash(&pair[0]) ^ word_hash(&pair[1]).rotate_left(17);
        let mut best: Option<(&'static str, f64)> = None;
        for (candidate, _) in pair.iter().flat_map(|w| self.links(w)) {
            if pair.iter().any(|w| w == candidate) || avoid(candidate) {
                continue;
            }
            let c = word_hash(candidate);
            if unit(hash(&[mind.seed, c, 1])) >= KNOWN_SHARE {
                continue;
            }
            let taste = 2.0 * unit(hash(&[mind.seed, c, pair_key, u64::from(attempt)])) - 1.0;
            let score = self.shared_score(pair, candidate) + blur * mind.whimsy * taste;
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((candidate, score));
            }
        }
        best.map(|(word, _)| word)
    }
}

/// One simulated player's head: what they know, how whimsical and how quick they are.
#[derive(Debug, Clone, PartialEq)]
pub struct Mind {
    /// Shapes which links this player knows and their taste.
    pub seed: u64,
    /// How far taste pulls them from the common answer (0.5 to 1.5).
    pub whimsy: f64,
    /// Seconds a typical answer takes them in a timed game.
    pub think_seconds: f64,
    /// Missed guesses on one pair after which they may give up in Race and Golf Race (2 to 4).
    pub patience: u32,
}

impl Mind {
    /// A player drawn from `seed`.
    pub fn new(seed: u64) -> Self {
        let draw = |i: u64| unit(hash(&[seed, 0xd1ce, i]));
        Self {
            seed,
            whimsy: 0.5 + draw(1),
            think_seconds: 4.0 + 10.0 * draw(2),
            patience: 2 + (draw(3) * 3.0) as u32,
        }
    }

    /// How long (game time) this player takes to answer attempt `attempt` of a pair in `mode`;
    /// `nonce` varies it from answer to answer. Longform players answer when they next look at
    /// Discord, minutes to hours later.
    pub fn think_time(&self, mode: Mode, attempt: u32, nonce: u64) -> Duration {
        let jitter = 0.5 + unit(hash(&[self.seed, nonce, u64::from(attempt)]));
        let seconds = self.think_seconds * jitter * if attempt > 1 { 0.8 } else { 1.0 };
        let seconds = match mode {
            Mode::Longform => seconds * 240.0,
            _ => seconds,
        };
        Duration::from_secs_f64(seconds)
    }

    /// Whether this player gives up the pair now, after `guesses` missed guesses on it (Race
    /// and Golf Race only).
    pub fn gives_up(&self, guesses: u32, nonce: u64) -> bool {
        guesses >= self.patience && unit(hash(&[self.seed, nonce, 0x91e5])) < 0.7
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::words::WordService;

    /// Plays one pair to the end between two minds, as the game would; returns the guesses.
    fn play(net: &Associations, minds: &[Mind; 2], dealt: [String; 2], limit: u32) -> Option<u32> {
        let words = WordService::embedded();
        let mut pair = dealt.clone();
        let mut used: [Vec<String>; 2] = Default::default();
        for attempt in 1..=limit {
            let picks: Vec<&str> = (0..2)
                .map(|i| {
                    let avoid =
                        |w: &str| dealt.iter().any(|d| d == w) || used[i].iter().any(|u| u == w);
                    net.answer(&minds[i], &pair, attempt, &avoid).unwrap_or("nothing")
                })
                .collect();
            let a = words.parse_answer(picks[0]).expect("links are dictionary words");
            let b = words.parse_answer(picks[1]).expect("links are dictionary words");
            if words.verdict(&a, &b).is_match() {
                return Some(attempt);
            }
            for i in 0..2 {
                used[i].push(picks[i].to_owned());
            }
            pair = [picks[0].to_owned(), picks[1].to_owned()];
        }
        None
    }

    #[test]
    fn partners_converge_in_a_realistic_few_guesses() {
        let list = WordService::embedded().generation_list();
        let net = Associations::new(list, 42);
        let mut counts = Vec::new();
        let mut never = 0;
        for game in 0..400u64 {
            let minds = [Mind::new(game * 2 + 1), Mind::new(game * 2 + 2)];
            let dealt = [
                list[(mix(game) % list.len() as u64) as usize].clone(),
                list[(mix(game + 1000) % list.len() as u64) as usize].clone(),
            ];
            match play(&net, &minds, dealt, 12) {
                Some(n) => counts.push(n),
                None => never += 1,
            }
        }
        let perfect = counts.iter().filter(|n| **n == 1).count() as f64 / 400.0;
        let mean = counts.iter().sum::<u32>() as f64 / counts.len() as f64;
        let slow = counts.iter().filter(|n| **n >= 6).count();
        eprintln!("perfect {perfect:.2}, mean {mean:.2}, six or more {slow}, never {never}");
        assert!((0.15..=0.6).contains(&perfect), "perfect rounds: {perfect:.2}");
        assert!((1.8..=4.5).contains(&mean), "mean guesses per match: {mean:.2}");
        assert!(slow > 0, "some pairs should take six guesses or more");
        assert!(never < 40, "{never} pairs of 400 never matched in 12 guesses");
    }

    #[test]
    fn the_same_seed_gives_the_same_answer() {
        let list = WordService::embedded().generation_list();
        let pair = [list[10].clone(), list[20].clone()];
        let a = Associations::new(list, 9).answer(&Mind::new(1), &pair, 1, &|_| false);
        let b = Associations::new(list, 9).answer(&Mind::new(1), &pair, 1, &|_| false);
        assert_eq!(a, b);
        assert!(a.is_some());
    }

    #[test]
    fn an_answer_never_repeats_the_pair_or_an_avoided_word() {
        let list = WordService::embedded().generation_list();
        let net = Associations::new(list, 3);
        let pair = [list[100].clone(), list[200].clone()];
        let first = net.answer(&Mind::new(5), &pair, 1, &|_| false).expect("an answer");
        let second = net.answer(&Mind::new(5), &pair, 1, &|w| w == first).expect("an answer");
        assert_ne!(first, second);
        assert!(!pair.iter().any(|w| w == second));
    }
}

//! Tests of the word service on the real embedded data: a table of pairs that must and must not
//! match, answer parsing, the curated exceptions, the generation list (its size, shape, curated
//! lists and recorded familiarity), and symmetry as a property over dictionary samples.
use proptest::prelude::*;

use super::*;

fn service() -> &'static WordService {
    WordService::embedded()
}

fn word(raw: &str) -> Word {
    service().parse_answer(raw).unwrap_or_else(|e| panic!("{raw:?} should be a valid answer: {e}"))
}

/// One row of the matching table: two raw answers, the expected verdict, and why.
struct Row {
    a: &'static str,
    b: &'static str,
    expect: Option<(&'static str, MatchReason)>,
    why: &'static str,
}

const fn yes(
    a: &'static str,
    b: &'static str,
    on: &'static str,
    r: MatchReason,
    why: &'static str,
) -> Row {
    Row { a, b, expect: Some((on, r)), why }
}

const fn no(a: &'static str, b: &'static str, why: &'static str) -> Row {
    Row { a, b, expect: None, why }
}

use MatchReason::{Identical, Inflection, Plural, Spelling};

const MUST_MATCH: &[Row] = &[
    // Identical, after trimming and lowercasing.
    yes("cat", "cat", "cat", Identical, "the same word"),
    yes("  Cat ", "CAT", "cat", Identical, "case and surrounding spaces are ignored"),
    yes("Don’t", "don't", "don't", Identical, "a typographic apostrophe reads as a plain one"),
    yes("sheep", "sheep", "sheep", Identical, "a zero plural is the same word"),
    // Regular plurals.
    yes("cat", "cats", "cat", Plural, "plural in -s"),
    yes("DOGS", " dog", "dog", Plural, "plural in -s, any case and spacing"),
    yes("box", "boxes", "box", Plural, "plural in -es after x"),
    yes("church", "churches", "church", Plural, "plural in -es after ch"),
    yes("bush", "bushes", "bush", Plural, "plural in -es after sh"),
    yes("bus", "buses", "bus", Plural, "plural in -es after s"),
    yes("city", "cities", "city", Plural, "plural in -ies from -y"),
    yes("baby", "babies", "baby", Plural, "plural in -ies from -y"),
    yes("potato", "potatoes", "potato", Plural, "plural in -oes"),
    yes("wolf", "wolves", "wolf", Plural, "plural in -ves from -f"),
    yes("knife", "knives", "knife", Plural, "plural in -ves from -fe"),
    yes("key", "keys", "key", Plural, "plural in -s after a vowel and y"),
    yes("quiz", "quizzes", "quiz", Plural, "plural doubling the z"),
    yes(
        "glass",
        "glasses",
        "glass",
        Plural,
        "glasses is the plural of glass (decided: forms, not senses)",
    ),
    yes("person", "people", "person", Plural, "people is the usual plural of person"),
    // Irregular plurals.
    yes("goose", "geese", "goose", Plural, "irregular plural from the rule book"),
    yes("mice", "mouse", "mouse", Plural, "irregular plural from the rule book, reversed"),
    yes("child", "children", "child", Plural, "irregular plural in -ren"),
    yes("man", "men", "man", Plural, "irregular plural by vowel change"),
    yes("woman", "women", "woman", Plural, "irregular plural by vowel change"),
    yes("tooth", "teeth", "tooth", Plural, "irregular plural by vowel change"),
    yes("foot", "feet", "foot", Plural, "irregular plural by vowel change"),
    yes("ox", "oxen", "ox", Plural, "irregular plural in -en"),
    yes("louse", "lice", "louse", Plural, "irregular plural"),
    yes("cactus", "cacti", "cactus", Plural, "Latin plural"),
    yes("fungus", "fungi", "fungus", Plural, "Latin plural"),
    yes("crisis", "crises", "crisis", Plural, "Greek plural"),
    yes("phenomenon", "phenomena", "phenomenon", Plural, "Greek plural"),
    yes("criterion", "criteria", "criterion", Plural, "Greek plural"),
    // US and UK spellings.
    yes("colour", "color", "color", Spelling, "-our and -or"),
    yes("centre", "center", "center", Spelling, "-re and -er"),
    yes("analyse", "analyze", "analyze", Spelling, "-yse and -yze"),
    yes("grey", "gray", "gray", Spelling, "grey and gray"),
    yes("organise", "organize", "organize", Spelling, "-ise and -ize"),
    yes("theatre", "theater", "theater", Spelling, "-re and -er"),
    yes("defence", "defense", "defense", Spelling, "-ence and -ense"),
    yes("catalogue", "catalog", "catalog", Spelling, "-ogue and -og"),
    yes("programme", "program", "program", Spelling, "-mme and -m"),
    yes("tyre", "tire", "tire", Spelling, "tyre and tire"),
    yes("plough", "plow", "plow", Spelling, "curated pair"),
    yes("aluminium", "aluminum", "aluminum", Spelling, "curated pair"),
    yes("jewellery", "jewelry", "jewelry", Spelling, "curated pair"),
    yes("cheque", "check", "check", Spelling, "-que and -ck"),
    yes("mould", "mold", "mold", Spelling, "-ould and -old"),
    yes("sceptic", "skeptic", "skeptic", Spelling, "sc and sk"),
    yes("manoeuvre", "maneuver", "maneuver", Spelling, "two changes: oe and -re"),
    yes("oestrogen", "estrogen", "estrogen", Spelling, "oe and e"),
    yes("paediatric", "pediatric", "pediatric", Spelling, "ae and e"),
    yes("travelled", "traveled", "traveled", Spelling, "ll and l, closest relation wins"),
    yes("fulfil", "fulfill", "fulfill", Spelling, "l and ll"),
    yes("judgement", "judgment", "judgment", Spelling, "-gement and -gment"),
    yes("pyjamas", "pajamas", "pajamas", Spelling, "curated pair, plural form"),
    yes("sulphur", "sulfur", "sulfur", Spelling, "ph and f"),
    yes("cosy", "cozy", "cozy", Spelling, "s and z"),
    yes("practise", "practice", "practice", Spelling, "the UK verb and the US spelling"),
    yes("café", "cafe", "cafe", Spelling, "an accent is a spelling variant"),
    // Verb inflections.
    yes("run", "running", "run", Inflection, "-ing with a doubled consonant"),
    yes("run", "ran", "run", Inflection, "irregular past"),
    yes("running", "ran", "run", Inflection, "two inflections of one verb"),
    yes("go", "went", "go", Inflection, "suppletive past"),
    yes("goes", "going", "go", Inflection, "two inflections of a two-letter verb"),
    yes("be", "was", "be", Inflection, "suppletive past of be"),
    yes("swim", "swam", "swim", Inflection, "irregular past"),
    yes("sing", "sang", "sing", Inflection, "irregular past"),
    yes("ring", "rang", "ring", Inflection, "irregular past (decided: a real inflection)"),
    yes("eat", "ate", "eat", Inflection, "irregular past"),
    yes("write", "written", "write", Inflection, "irregular participle"),
    yes("buy", "bought", "buy", Inflection, "irregular past"),
    yes("think", "thought", "think", Inflection, "irregular past"),
    yes("teach", "taught", "teach", Inflection, "irregular past"),
    yes("walk", "walked", "walk", Inflection, "regular past"),
    yes("walking", "walks", "walk", Inflection, "two regular inflections"),
    yes("try", "tried", "try", Inflection, "-ied from -y"),
    yes("stop", "stopped", "stop", Inflection, "doubled consonant before -ed"),
    yes("hope", "hoping", "hope", Inflection, "silent e dropped before -ing"),
    yes("die", "dying", "die", Inflection, "-ie to -ying"),
    yes("fly", "flew", "fly", Inflection, "irregular past"),
    yes("see", "saw", "see", Inflection, "irregular past, though saw is also a tool"),
    yes("leave", "left", "leave", Inflection, "irregular past, though left is also a side"),
    yes("learn", "learnt", "learn", Inflection, "British past in -t"),
    // Two relations at once.
    yes("colours", "color", "color", Plural, "a UK plural and the US singular"),
    yes("analysed", "analyzing", "analyze", Inflection, "a UK past and a US -ing form"),
    yes("centres", "centers", "centers", Spelling, "plurals in both spellings"),
];

const MUST_NOT_MATCH: &[Row] = &[
    no("universe", "university", "shared stem, different words"),
    no("news", "new", "news is not a plural of new"),
    no("car", "cat", "one letter apart"),
    no("bear", "beard", "a longer word is not a form"),
    no("sing", "song", "a related noun, not an inflection"),
    no("cloth", "clothes", "clothes is its own noun"),
    no("plan", "planet", "prefix only"),
    no("form", "formal", "derivation, not inflection"),
    no("hat", "hate", "one letter apart"),
    no("ten", "tent", "one letter apart"),
    no("pin", "pine", "one letter apart"),
    no("evening", "even", "curated: evening is the time of day"),
    no("feed", "fee", "curated: not fee + -ed"),
    no("seed", "see", "curated: not see + -ed"),
    no("weed", "wee", "curated: the plant"),
    no("singing", "singe", "curated: singe makes singeing"),
    no("dying", "dye", "curated: dye makes dyeing"),
    no("clove", "cleave", "curated: the spice"),
    no("stove", "stave", "curated: the cooker"),
    no("rent", "rend", "curated: the payment"),
    no("moped", "mope", "curated: the motorbike"),
    no("physics", "physic", "curated: the science"),
    no("species", "specie", "curated: species is singular too"),
    no("rating", "rat", "rat makes ratting"),
    no("shining", "shin", "shin makes shinning"),
    no("dining", "din", "din makes dinning"),
    no("coping", "cop", "cop makes copping"),
    no("hoping", "hop", "hop makes hopping"),
    no("hopping", "hope", "hope makes hoping"),
    no("taping", "tap", "tap makes tapping"),
    no("tapping", "tape", "tape makes taping"),
    no("canvass", "canvas", "a word in -ss is not a plural"),
    no("discuss", "discus", "a word in -ss is not a third person"),
    no("his", "hi", "too short for the plural rule"),
    no("has", "ha", "too short for the plural rule"),
    no("leaf", "leave", "both reach leaves, but not each other"),
    no("cat", "category", "prefix only"),
    no("art", "artist", "derivation, not inflection"),
    no("king", "kingdom", "derivation, not inflection"),
    no("run", "runner", "an agent noun is not an inflection"),
    no("teach", "teacher", "an agent noun is not an inflection"),
    no("happy", "happiness", "derivation, not inflection"),
    no("quick", "quickly", "an adverb is not an inflection"),
    no("big", "bigger", "comparatives are not matched (decided)"),
    no("good", "better", "comparatives are not matched (decided)"),
    no("man", "woman", "different words"),
    no("goose", "gosling", "different words"),
    no("mouse", "mousse", "one letter apart"),
    no("desert", "dessert", "one letter apart"),
    no("loose", "lose", "one letter apart"),
    no("affect", "effect", "easily confused, different words"),
    no("quiet", "quite", "anagram"),
    no("angel", "angle", "anagram"),
    no("flower", "flour", "homophones"),
    no("sun", "son", "homophones"),
    no("write", "right", "homophones"),
    no("there", "their", "homophones"),
    no("see", "sea", "homophones"),
    no("sing", "sign", "anagram"),
    no("stop", "step", "one letter apart"),
    no("ran", "rang", "pasts of different verbs"),
    no("saw", "sew", "a past of see, not of sew"),
    no("grey", "green", "different colours"),
    no("colour", "collar", "similar sound"),
    no("analyse", "analyst", "derivation, not inflection"),
    no("glass", "grass", "one letter apart"),
    no("tree", "three", "one letter apart"),
    no("house", "horse", "one letter apart"),
    no("bus", "busy", "different words"),
    no("mat", "mate", "one letter apart"),
    no("sheep", "ship", "similar sound"),
    no("centre", "central", "derivation, not inflection"),
];

fn check(row: &Row) {
    let (a, b) = (word(row.a), word(row.b));
    let got = service().verdict(&a, &b);
    let want = match row.expect {
        Some((on, reason)) => Verdict::Match { on: on.to_owned(), reason },
        None => Verdict::NoMatch,
    };
    assert_eq!(
        got, want,
        "{:?} vs {:?} ({}): got {got:?}, expected {want:?}",
        row.a, row.b, row.why
    );
    let reversed = service().verdict(&b, &a);
    assert_eq!(
        reversed, got,
        "{:?} vs {:?} ({}): the verdict depends on the order",
        row.a, row.b, row.why
    );
}

#[test]
fn every_pair_in_the_match_table_matches_on_the_expected_form_and_reason() {
    assert!(MUST_MATCH.len() >= 60, "the table keeps at least 60 matching pairs");
    for row in MUST_MATCH {
        check(row);
    }
}

#[test]
fn every_pair_in_the_no_match_table_stays_apart() {
    assert!(MUST_NOT_MATCH.len() >= 60, "the table keeps at least 60 non-matching pairs");
    for row in MUST_NOT_MATCH {
        check(row);
    }
}

#[test]
fn every_curated_exception_is_a_pair_of_valid_words_that_never_match() {
    let text = include_str!("data/exceptions.txt");
    let mut rows = 0;
    for line in text.lines() {
        let content = line.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let parts: Vec<&str> = content.split_whitespace().collect();
        assert_eq!(parts.len(), 2, "exceptions.txt row {line:?} should hold two words");
        let (a, b) = (word(parts[0]), word(parts[1]));
        assert_eq!(service().verdict(&a, &b), Verdict::NoMatch, "exception {a}/{b} matched");
        assert_eq!(service().verdict(&b, &a), Verdict::NoMatch, "exception {b}/{a} matched");
        rows += 1;
    }
    assert!(rows >= 20, "exceptions.txt holds {rows} rows, expected the curated list");
}

#[test]
fn answers_are_trimmed_lowercased_and_checked_against_the_dictionary() {
    assert_eq!(service().parse_answer("  River\t").map(|w| w.to_string()), Ok("river".to_owned()));
    assert_eq!(service().parse_answer("o'clock").map(|w| w.to_string()), Ok("o'clock".to_owned()));
    assert_eq!(service().parse_answer("Don’t").map(|w| w.to_string()), Ok("don't".to_owned()));
    assert_eq!(service().parse_answer("cafe").map(|w| w.to_string()), Ok("cafe".to_owned()));
    assert_eq!(service().parse_answer("café").map(|w| w.to_string()), Ok("café".to_owned()));
}

#[test]
fn each_kind_of_bad_answer_gets_its_own_error() {
    let cases: &[(&str, InvalidWord)] = &[
        ("", InvalidWord::Empty),
        ("   \t ", InvalidWord::Empty),
        ("ice cream", InvalidWord::NotOneWord),
        ("cat\tdog", InvalidWord::NotOneWord),
        ("c4t", InvalidWord::BadCharacters),
        ("cat!", InvalidWord::BadCharacters),
        ("-cat", InvalidWord::BadCharacters),
        ("cat-", InvalidWord::BadCharacters),
        ("'cat", InvalidWord::BadCharacters),
        ("cat'", InvalidWord::BadCharacters),
        ("co--op", InvalidWord::BadCharacters),
        ("a", InvalidWord::BadLength),
        (&"x".repeat(31), InvalidWord::BadLength),
        ("xyzzyq", InvalidWord::NotInDictionary("xyzzyq".to_owned())),
        ("cat's", InvalidWord::NotInDictionary("cat's".to_owned())),
        ("London", InvalidWord::NotInDictionary("london".to_owned())),
    ];
    for (raw, want) in cases {
        assert_eq!(service().parse_answer(raw).as_ref(), Err(want), "answer {raw:?}");
    }
}

#[test]
fn error_messages_say_what_was_wrong() {
    assert_eq!(InvalidWord::Empty.to_string(), "the answer is empty");
    assert_eq!(InvalidWord::BadLength.to_string(), "a word has 2 to 30 letters");
    assert_eq!(
        InvalidWord::NotInDictionary("xyzzyq".into()).to_string(),
        "\"xyzzyq\" is not in the dictionary"
    );
}

#[test]
fn a_forbidden_word_also_forbids_its_variants() {
    let s = service();
    assert!(s.is_variant_of(&word("cats"), "cat"), "a plural of a forbidden word");
    assert!(s.is_variant_of(&word("color"), " Colour "), "the other spelling, any case");
    assert!(s.is_variant_of(&word("ran"), "running"), "another inflection");
    assert!(s.is_variant_of(&word("cat"), "cat"), "the word itself");
    assert!(!s.is_variant_of(&word("car"), "cat"), "a look-alike");
    assert!(!s.is_variant_of(&word("university"), "universe"), "a curated exception");
    assert!(!s.is_variant_of(&word("cat"), "xyzzyq"), "text outside the dictionary");
}

#[test]
fn the_dictionary_holds_at_least_80000_well_formed_words() {
    let words: Vec<&str> = service().dictionary_words().collect();
    assert!(words.len() >= 80_000, "the dictionary has {} words", words.len());
    for w in &words {
        assert_eq!(answer::check_shape(w), Ok(()), "dictionary word {w:?} is not well-formed");
        assert_eq!(*w, answer::normalise(w), "dictionary word {w:?} is not normalised");
    }
}

#[test]
fn the_generation_list_has_2000_distinct_valid_words_of_3_to_10_letters() {
    let list = service().generation_list();
    assert!(list.len() >= 2_000, "the generation list has {} words", list.len());
    let distinct: std::collections::HashSet<&String> = list.iter().collect();
    assert_eq!(distinct.len(), list.len(), "the generation list has duplicates");
    for w in list {
        assert!((3..=10).contains(&w.len()), "{w:?} is not 3 to 10 letters");
        assert!(w.bytes().all(|b| b.is_ascii_lowercase()), "{w:?} is not plain letters");
        let answer = service()
            .parse_answer(w)
            .unwrap_or_else(|e| panic!("dealt word {w:?} is not a valid answer: {e}"));
        assert_eq!(answer.as_str(), w, "dealt word {w:?} does not read as itself");
        assert_eq!(
            service().normal_forms(&answer).len(),
            1,
            "{w:?} is a plural, verb form or UK spelling"
        );
    }
}

#[test]
fn no_two_generation_words_are_variants_of_each_other() {
    // Two words are variants when they share a normal form, so every form has one owner.
    let mut owner: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for w in service().generation_list() {
        for (form, _) in service().normal_forms(&word(w)) {
            if let Some(other) = owner.insert(form.clone(), w) {
                panic!("{other:?} and {w:?} both read as {form:?}");
            }
        }
    }
}

/// The words of a curated list (`#` starts a comment; the first word of each line counts, as
/// the lists put the reason after it).
fn curated_words(text: &'static str, whole_line: bool) -> Vec<&'static str> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|content| !content.is_empty())
        .flat_map(|content| {
            let mut words = content.split_whitespace();
            if whole_line {
                words.collect::<Vec<_>>()
            } else {
                words.next().into_iter().collect()
            }
        })
        .collect()
}

#[test]
fn no_generation_word_is_on_the_blocklist_or_the_poor_pairs_list() {
    let list: std::collections::HashSet<&str> =
        service().generation_list().iter().map(String::as_str).collect();
    let blocked = curated_words(include_str!("data/blocklist.txt"), true);
    let poor = curated_words(include_str!("data/poor-pairs.txt"), false);
    assert!(blocked.len() >= 150, "blocklist.txt holds {} words", blocked.len());
    assert!(poor.len() >= 400, "poor-pairs.txt holds {} words", poor.len());
    for w in blocked.iter().chain(&poor) {
        assert!(!list.contains(w), "{w:?} is dealt although a curated list excludes it");
    }
    for w in ["shit", "front", "edge", "world", "nobody", "east"] {
        assert!(poor.contains(&w), "{w:?} should be on the poor-pairs list");
    }
}

/// `generation-zipf.txt`: each dealt word with its `wordfreq` Zipf value, as the build recorded.
fn recorded_zipf() -> Vec<(&'static str, f64)> {
    include_str!("data/generation-zipf.txt")
        .lines()
        .map(|line| {
            let (w, z) = line.split_once('\t').expect("generation-zipf.txt is `word<TAB>zipf`");
            (w, z.parse().unwrap_or_else(|e| panic!("Zipf value {z:?} of {w:?}: {e}")))
        })
        .collect()
}

#[test]
fn every_generation_word_is_familiar_by_its_recorded_zipf_value() {
    let recorded = recorded_zipf();
    let words: Vec<&str> = recorded.iter().map(|(w, _)| *w).collect();
    let list: Vec<&str> = service().generation_list().iter().map(String::as_str).collect();
    assert_eq!(words, list, "generation-zipf.txt and generation.txt list different words");
    for (w, z) in &recorded {
        assert!(*z >= 3.5, "{w:?} is at Zipf {z}, below the floor of 3.5");
    }
    let mut zipfs: Vec<f64> = recorded.iter().map(|(_, z)| *z).collect();
    zipfs.sort_by(f64::total_cmp);
    let mid = zipfs.len() / 2;
    let median =
        if zipfs.len() % 2 == 0 { (zipfs[mid - 1] + zipfs[mid]) / 2.0 } else { zipfs[mid] };
    assert!(median >= 4.0, "the median Zipf value is {median}, below 4.0");
}

#[test]
fn every_word_matches_each_of_its_normal_forms() {
    for w in service().dictionary_words() {
        let w = word(w);
        for (form, _) in service().normal_forms(&w) {
            let form = word(&form);
            assert!(
                service().verdict(&w, &form).is_match(),
                "{w} does not match its normal form {form}"
            );
        }
    }
}

fn sorted_dictionary() -> &'static [&'static str] {
    static WORDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words: Vec<&str> = service().dictionary_words().collect();
        words.sort_unstable();
        words
    })
}

proptest! {
    #[test]
    fn the_verdict_does_not_depend_on_the_order_of_the_words(
        i in any::<prop::sample::Index>(),
        j in any::<prop::sample::Index>(),
    ) {
        let words = sorted_dictionary();
        let (a, b): (&str, &str) = (*i.get(words), *j.get(words));
        let (a, b) = (word(a), word(b));
        prop_assert_eq!(service().verdict(&a, &b), service().verdict(&b, &a));
    }

    #[test]
    fn neighbouring_words_judge_the_same_both_ways(
        i in any::<prop::sample::Index>(),
        step in 1usize..4,
    ) {
        // Alphabetical neighbours ("cat", "cats") are where the related pairs are.
        let words = sorted_dictionary();
        let at = i.index(words.len() - step);
        let (a, b) = (word(words[at]), word(words[at + step]));
        prop_assert_eq!(service().verdict(&a, &b), service().verdict(&b, &a));
    }
}

/// Hostile answers, many cases: any text is refused with the error for what is wrong with it,
/// or becomes a dictionary word in its normal form; a word typed with capitals, curly
/// apostrophes, padding or combining accents is still that word.
mod hostile {
    use unicode_normalization::UnicodeNormalization;

    use super::*;

    /// Cases per property: enough to reach the rare branches, fast enough for CI.
    const CASES: u32 = 4_096;

    /// Checks one raw answer against what the service says of it.
    fn check(raw: &str) -> Result<(), TestCaseError> {
        match service().parse_answer(raw) {
            Ok(word) => {
                let text = word.as_str();
                prop_assert!(service().is_valid(text), "{:?} is not in the dictionary", text);
                prop_assert_eq!(service().parse_answer(text), Ok(word.clone()), "normal form");
                prop_assert_eq!(text.to_lowercase(), text);
                prop_assert!(!text.contains(char::is_whitespace));
                let chars = text.chars().count();
                prop_assert!((MIN_WORD_CHARS..=MAX_WORD_CHARS).contains(&chars));
            }
            Err(error) => {
                let message = error.to_string();
                prop_assert!(!message.trim().is_empty());
                let trimmed = raw.trim();
                match &error {
                    InvalidWord::Empty => prop_assert!(trimmed.is_empty(), "{:?}", raw),
                    InvalidWord::NotOneWord => {
                        prop_assert!(trimmed.contains(char::is_whitespace), "{:?}", raw);
                    }
                    // The shape rules read the composed form: a letter NFC never composes
                    // (U+09DC) becomes a letter and a mark, and a mark is not a letter.
                    InvalidWord::BadCharacters => prop_assert!(
                        trimmed.nfc().any(|c| !c.is_alphabetic()),
                        "{:?} has only letters",
                        raw
                    ),
                    InvalidWord::BadLength => {
                        let chars = trimmed.nfc().count();
                        prop_assert!(!(MIN_WORD_CHARS..=MAX_WORD_CHARS).contains(&chars));
                    }
                    InvalidWord::NotInDictionary(text) => {
                        prop_assert!(!service().is_valid(text));
                        prop_assert!(message.contains(&format!("\"{text}\"")), "{}", message);
                        prop_assert!(!text.is_empty() && !text.contains(char::is_whitespace));
                    }
                }
            }
        }
        Ok(())
    }

    /// A dictionary word as a player might type it: capitals, curly apostrophes, padding and,
    /// when `decompose`, accents as combining marks.
    fn as_typed(word: &str, upper: &[bool], pad: &str, decompose: bool) -> String {
        let cased: String = word
            .chars()
            .zip(upper.iter().cycle())
            .map(|(c, up)| match c {
                '\'' if *up => '\u{2019}',
                c if *up => c.to_ascii_uppercase(),
                c => c,
            })
            .collect();
        let spelled = if decompose { cased.nfd().collect() } else { cased };
        format!("{pad}{spelled}{pad}")
    }

    #[test]
    fn every_accented_dictionary_word_is_accepted_typed_with_combining_marks() {
        let accented: Vec<&str> = service().dictionary_words().filter(|w| !w.is_ascii()).collect();
        assert!(accented.len() > 10, "the dictionary has accented words: {}", accented.len());
        for word in accented {
            let decomposed: String = word.nfd().collect();
            let parsed = service().parse_answer(&decomposed).map(|w| w.as_str().to_owned());
            assert_eq!(parsed.as_deref(), Ok(word), "{decomposed:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(CASES))]

        #[test]
        fn any_text_is_a_dictionary_word_or_refused_for_what_is_wrong(raw in any::<String>()) {
            check(&raw)?;
        }

        #[test]
        fn any_bytes_read_as_text_are_a_word_or_refused(
            bytes in prop::collection::vec(any::<u8>(), 0..40),
        ) {
            check(&String::from_utf8_lossy(&bytes))?;
        }

        #[test]
        fn any_dictionary_word_as_typed_is_that_word(
            i in any::<prop::sample::Index>(),
            upper in prop::collection::vec(any::<bool>(), 1..8),
            pad in prop::sample::select(vec!["", " ", "\t", "\u{3000}", " \n "]),
            decompose in any::<bool>(),
        ) {
            let word = *i.get(sorted_dictionary());
            let typed = as_typed(word, &upper, pad, decompose);
            let parsed = service().parse_answer(&typed).map(|w| w.as_str().to_owned());
            prop_assert_eq!(parsed.as_deref(), Ok(word), "typed as {:?}", typed);
        }

        #[test]
        fn any_dictionary_word_with_a_stray_character_is_refused_or_another_word(
            i in any::<prop::sample::Index>(),
            at in any::<prop::sample::Index>(),
            stray in prop::sample::select(vec![' ', '1', '_', '.', '\u{0}', '\u{301}', 'x', '\u{200b}']),
        ) {
            let word = *i.get(sorted_dictionary());
            let mut chars: Vec<char> = word.chars().collect();
            chars.insert(at.index(chars.len() + 1), stray);
            check(&chars.into_iter().collect::<String>())?;
        }
    }
}

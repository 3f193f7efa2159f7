#!/usr/bin/env python3
"""Builds the word service's data files from Debian's `scowl` and `wordnet-base` packages and
the `wordfreq` Python package.

Run on a Debian machine after `apt-get install -y scowl wordnet-base` and
`pip install 'wordfreq>=3,<4'`:

    python3 src/domain/words/data/build.py [--rejected FILE]

It reads the packages' files, applies the curated lists kept next to this script
(exceptions.txt, spelling-pairs.txt, blocklist.txt, poor-pairs.txt, pictured.txt) and writes
dictionary.txt, forms.txt, generation.txt and generation-zipf.txt into the same folder, then
prints the generation list's size, median Zipf value and ten rarest words. `--rejected FILE`
also writes every noun left out of the generation list with its Zipf value and the reason, for
curating the lists. The output is deterministic (sorted), so running it twice gives
byte-identical files. See README.md in this folder for what each file holds and why each rule
is there.
"""

import os
import statistics
import sys
import unicodedata
from collections import defaultdict
from importlib.metadata import PackageNotFoundError, version

try:
    from wordfreq import zipf_frequency

    WORDFREQ_VERSION = version("wordfreq")
except (ImportError, PackageNotFoundError):
    sys.exit("build.py: the wordfreq package is missing: pip install 'wordfreq>=3,<4'")

SCOWL = "/usr/share/dict/scowl"
WORDNET = "/usr/share/wordnet"
HERE = os.path.dirname(os.path.abspath(__file__))

# SCOWL sizes in the validation dictionary: 60 is SCOWL's recommended size for spell checking.
DICT_SIZES = (10, 20, 35, 40, 50, 55, 60)
# SCOWL sizes whose capitalised words ("China", "Jack") make a dealt word ambiguous with a name.
# Larger sizes add every surname and first name ("King", "Rice"), far too many to exclude.
CAPITALISED_SIZES = (10, 20, 35)
# Spelling categories read as "US" (the normal form) and as alternatives mapped onto it.
US_CATEGORIES = ("english", "american")
ALT_CATEGORIES = (
    "british",
    "british_z",
    "british_variant_1",
    "british_variant_2",
    "variant_1",
    "variant_2",
)
MIN_CHARS, MAX_CHARS = 2, 30
GEN_MIN, GEN_MAX = 3, 10

# WordNet lexicographer files (data.noun field 2) holding concrete, picturable things.
CONCRETE_LEXFILES = {
    5: "noun.animal",
    6: "noun.artifact",
    8: "noun.body",
    13: "noun.food",
    15: "noun.location",
    17: "noun.object",
    18: "noun.person",
    20: "noun.plant",
    27: "noun.substance",
}
# Files that mix things with abstractions: a sense there counts as concrete only when WordNet's
# hypernyms lead to "physical entity" ("book" the object, "rain", "diamond" the jewel; not
# "message" or "wealth"). Other files' physical senses are mostly acts, states and processes.
PHYSICAL_LEXFILES = {10: "noun.communication", 19: "noun.phenomenon", 21: "noun.possession"}
PHYSICAL_ENTITY = "00001930"  # the synset {physical entity} in WordNet 3.0's data.noun
# Kinds of things WordNet files as abstractions that players picture as things all the same: a
# sense below one of these synsets (WordNet 3.0 offsets) counts as concrete.
PICTURED = {
    "00523513": "sport, athletics (football, tennis)",
    "00502415": "board game (chess)",
    "00488225": "card game (poker)",
    "15236475": "season, time of year (summer)",
    "15249799": "anniversary (birthday)",
    "15183428": "holiday, a day off",
    "13863186": "plane figure (circle, triangle)",
    "13863473": "solid figure (cube)",
    "13385913": "currency (coin)",
    "07450842": "ceremony (wedding, funeral)",
    "08252211": "social gathering (party)",
    "08246613": "musical group (band, orchestra)",
    "07993929": "animal group (herd, flock)",
    "08436759": "vegetation (forest, jungle)",
    "07975026": "gathering of people (crowd, audience)",
    "07969695": "kin group (family, clan)",
    "00306426": "journey (trip, voyage)",
    "00428000": "celebration, festivity (festival, carnival)",
    "07450651": "celebration, a joyful occasion",
    "00296585": "procession (parade)",
    "06891493": "performance, a show (concert)",
    "13371489": "precious metal (gold)",
    "08276342": "educational institution (school, college)",
    "07037465": "musical composition (song, anthem)",
}
PERSON_LEXFILE, LOCATION_LEXFILE = 18, 15

# The familiarity floor: wordfreq's Zipf scale is log10 of uses per billion words, so 3.5 is about
# three uses per million words ("walnut", "canoe"); the old list dealt "tureen" at 1.9.
MIN_ZIPF = 3.5
# Above this a word is one everyone knows in all its common senses, so a concrete sense among its
# first few is enough ("table" is first a table of data in WordNet, "school" the institution).
COMMON_ZIPF = 4.0
COMMON_SENSES = 4
# A concrete sense must carry at least this share of the word's sense-tagged uses (or of its
# senses, when WordNet's corpus never tagged it): half for most words, a tenth for common ones.
CONCRETE_SHARE, COMMON_CONCRETE_SHARE = 0.5, 0.1
# A word is dealt when its verb uses are at most this many times its noun uses (plus one, as the
# tagged corpus is small: "pepper" and "drill" were never tagged as nouns), and its adjective and
# adverb uses at most its noun uses plus one. A common word may lean further: "watch", "silver".
VERB_SHARE = 3
COMMON_VERB_SHARE, COMMON_OTHER_SHARE = 6, 2

# Noun plural rules (WordNet's morphy, plus -oes and -ves which morphy leaves to noun.exc).
NOUN_RULES = [
    ("s", ""),
    ("ses", "s"),
    ("xes", "x"),
    ("zes", "z"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("men", "man"),
    ("ies", "y"),
    ("oes", "o"),
    ("ves", "f"),
    ("ves", "fe"),
]
# Irregular plurals WordNet files as nouns of their own rather than in noun.exc.
EXTRA_PLURALS = {"people": "person"}
# Verb inflection rules (WordNet's morphy, plus -ied -> -y); consonant doubling is handled apart.
VERB_RULES = [
    ("s", ""),
    ("ies", "y"),
    ("es", "e"),
    ("es", ""),
    ("ed", "e"),
    ("ed", ""),
    ("ied", "y"),
    ("ing", "e"),
    ("ing", ""),
]
# Stems that take "-es" rather than "-s" in the third person ("fixes", "goes"; not "penes").
ES_STEMS = ("s", "x", "z", "ch", "sh", "o")
# A rule-derived base must have at least this many letters: "his" is not the plural of "hi",
# nor "has" of "ha". Bases from WordNet's exception lists are exempt ("ox" from "oxen").
MIN_RULE_BASE = 3

# US/UK spelling substitutions tried on an alternative spelling to find its US form. Each is
# (alternative fragment, US fragment); a trailing "$" anchors the fragment at the word's end.
# A pair counts only when the alternative is in SCOWL's British/variant lists and the result is
# in the American/common lists. spelling-pairs.txt adds curated fragments the rules cannot guess.
SPELLING_RULES = [
    ("our", "or"),
    ("tre", "ter"),
    ("bre", "ber"),
    ("cre", "cer"),
    ("gre", "ger"),
    ("hre", "her"),
    ("lre", "ler"),
    ("vre", "ver"),
    ("tred", "tered"),
    ("tring", "tering"),
    ("vred", "vered"),
    ("vring", "vering"),
    ("is", "iz"),
    ("ys", "yz"),
    ("ogue", "og"),
    ("ogued", "oged"),
    ("oguing", "oging"),
    ("oguer", "oger"),
    ("ae", "e"),
    ("oe", "e"),
    ("ll", "l"),
    ("l", "ll"),
    ("pp", "p"),
    ("ence", "ense"),
    ("mme", "m"),
    ("que$", "ck"),
    ("ques$", "cks"),
    ("yre", "ire"),
    ("ould", "old"),
    ("oult", "olt"),
    ("gement", "gment"),
    ("sc", "sk"),
    ("eing", "ing"),
    ("ey", "y"),
    ("ph", "f"),
    ("ette", "et"),
    ("eable", "able"),
    ("ine$", "in"),
    ("ines$", "ins"),
    ("one$", "on"),
    ("ones$", "ons"),
    ("ore$", "or"),
    ("ores$", "ors"),
    ("sse$", "ss"),
    ("are$", "ar"),
    ("s", "z"),
]
# Endings of Latin plurals and of -oes/-oed inflections, never a British spelling to rewrite
# ("umbrae" is not "umber", "shoed" is not "shed").
NOT_SPELLING_ENDINGS = ("ae", "aes", "oes", "oed", "oeing")
VOWELS = set("aeiou")


def die(message):
    print(f"build.py: {message}", file=sys.stderr)
    sys.exit(1)


def read_lines(path):
    with open(path, encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle]


def read_curated(name):
    """Lines of a curated list, without comments (`#` to the end of a line) and blank lines."""
    rows = []
    for line in read_lines(os.path.join(HERE, name)):
        text = line.split("#", 1)[0].strip()
        if text:
            rows.append(text.split())
    return rows


def well_formed(word):
    """Lowercase letters, with apostrophes or hyphens only inside, 2 to 30 characters."""
    if not (MIN_CHARS <= len(word) <= MAX_CHARS):
        return False
    if not (word[0].isalpha() and word[-1].isalpha()):
        return False
    for ch in word:
        if ch.isalpha():
            if not ch.islower():
                return False
        elif ch not in "'-":
            return False
    return True


def scowl_words(categories, sizes, kind="words"):
    """Well-formed words of the given SCOWL categories and sizes, without possessives."""
    found = set()
    for category in categories:
        for size in sizes:
            path = os.path.join(SCOWL, f"{category}-{kind}.{size}")
            if not os.path.exists(path):
                continue
            for word in read_lines(path):
                if kind == "words" and word.endswith("'s"):
                    continue  # possessives are not answers
                if well_formed(word):
                    found.add(word)
    return found


def scowl_capitalised(sizes):
    """Common SCOWL words written with a capital (names, places, brands), lowercased: "china",
    "turkey" and "jack" are ambiguous with a name, so they are not dealt."""
    found = set()
    for name in os.listdir(SCOWL):
        category, _, size = name.rpartition(".")
        if category.endswith(("-upper", "-proper-names")) and int(size) in sizes:
            for word in read_lines(os.path.join(SCOWL, name)):
                found.add(word.lower())
    return found


def wordnet_index(pos):
    """Single-word lemmas of one part of speech, from index.<pos>."""
    lemmas = {}
    for line in read_lines(os.path.join(WORDNET, f"index.{pos}")):
        if line.startswith(" "):
            continue
        fields = line.split()
        lemma = fields[0]
        if "_" in lemma:
            continue
        synset_cnt = int(fields[2])
        lemmas[lemma] = fields[-synset_cnt:]  # synset offsets, most frequent sense first
    return lemmas


def wordnet_exceptions(pos):
    bases = defaultdict(set)
    for line in read_lines(os.path.join(WORDNET, f"{pos}.exc")):
        fields = line.split()
        for base in fields[1:]:
            if base != fields[0] and "_" not in base:
                bases[fields[0]].add(base)
    return bases


class Synset:
    """One noun synset of data.noun: its lexicographer file, its words as WordNet writes them
    (capitalised for names: "Japan", "Peter"), and its hypernyms."""

    def __init__(self, lexfile, words, hypernyms):
        self.lexfile = lexfile
        self.words = words
        self.hypernyms = hypernyms


def noun_synsets():
    """Every noun synset, by offset."""
    synsets = {}
    for line in read_lines(os.path.join(WORDNET, "data.noun")):
        if line.startswith(" "):
            continue
        # offset lex_filenum ss_type w_cnt (word lex_id)... p_cnt (symbol offset pos source)...
        fields = line.split(" ")
        word_count = int(fields[3], 16)
        words = {}
        for i in range(word_count):
            word = fields[4 + 2 * i]
            words[word.lower()] = word
        at = 4 + 2 * word_count
        pointer_count = int(fields[at])
        hypernyms = []
        for i in range(pointer_count):
            symbol, offset, pos = fields[at + 1 + 4 * i : at + 4 + 4 * i]
            if symbol in ("@", "@i") and pos == "n":
                hypernyms.append(offset)
        synsets[fields[0]] = Synset(int(fields[1]), words, hypernyms)
    return synsets


def descendants(synsets, roots):
    """Offsets of the synsets whose hypernyms lead to one of `roots` (the roots included)."""
    found = set(roots)
    seen = set()

    def visit(offset):
        if offset in seen:
            return offset in found
        seen.add(offset)
        if any(visit(h) for h in synsets[offset].hypernyms):
            found.add(offset)
        return offset in found

    for offset in synsets:
        visit(offset)
    return found


def tag_counts():
    """Sense-tagged corpus counts from cntlist.rev: per (lemma, part of speech), and per
    (lemma, sense number) for nouns (sense numbers follow index.noun's order of offsets)."""
    counts = defaultdict(int)
    noun_senses = defaultdict(int)
    pos_of = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
    for line in read_lines(os.path.join(WORDNET, "cntlist.rev")):
        key, sense, count = line.split()
        lemma, rest = key.split("%", 1)
        counts[(lemma, pos_of[rest[0]])] += int(count)
        if pos_of[rest[0]] == "n":
            noun_senses[(lemma, int(sense))] += int(count)
    return counts, noun_senses


def strip_accents(word):
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def substitutions(word, rules):
    """Every word made by applying one rule at one place, or one rule at every place."""
    out = set()
    for old, new in rules:
        if old.endswith("$"):
            if word.endswith(old[:-1]):
                out.add(word[: len(word) - len(old) + 1] + new)
            continue
        start = word.find(old)
        while start != -1:
            out.add(word[:start] + new + word[start + len(old) :])
            start = word.find(old, start + 1)
        if word.count(old) > 1:
            out.add(word.replace(old, new))
    return out


def spelling_map(dictionary, us_words, alt_words):
    """Maps each alternative spelling in the dictionary to its US spelling."""
    curated = []
    for row in read_curated("spelling-pairs.txt"):
        if len(row) != 2:
            die(f"spelling-pairs.txt: expected two fragments, got {row}")
        curated.append((row[0], row[1]))
    rules = curated + SPELLING_RULES
    to_us = {}
    for word in sorted(alt_words - us_words):
        if word.endswith(NOT_SPELLING_ENDINGS):
            continue
        # One substitution, or two (manoeuvre -> maneuvre -> maneuver); fewer wins.
        once = substitutions(word, rules)
        hits = sorted(c for c in once if c in us_words and c not in alt_words)
        if not hits:
            twice = set()
            for first in once:
                twice |= substitutions(first, rules)
            hits = sorted(c for c in twice if c in us_words and c not in alt_words)
        if hits:
            # Prefer the closest US form: the smallest change in length, then alphabetical.
            hits.sort(key=lambda c: (abs(len(c) - len(word)), c))
            to_us[word] = hits[0]
    for word in sorted(dictionary):
        plain = strip_accents(word)
        if plain != word and plain in dictionary:
            to_us.setdefault(word, to_us.get(plain, plain))
    return to_us


def doubled_end(stem):
    return len(stem) >= 2 and stem[-1] == stem[-2] and stem[-1] not in VOWELS


def short_closed_syllable(base):
    """One vowel letter between consonants at the end of a one-syllable word ("rat", "shin"):
    such verbs double the consonant before -ing and -ed."""
    if len(base) < 3 or base[-1] in VOWELS or base[-1] in "wxy":
        return False
    if base[-2] not in VOWELS or base[-3] in VOWELS:
        return False
    groups = 0
    previous = False
    for ch in base:
        vowel = ch in VOWELS or ch == "y"
        if vowel and not previous:
            groups += 1
        previous = vowel
    return groups == 1


def doubled_stem(word, suffix):
    """`running` -> `run`: the stem before the suffix ends in a doubled consonant."""
    if not word.endswith(suffix):
        return None
    stem = word[: -len(suffix)]
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in VOWELS and stem[-1] != "s":
        return stem[:-1]
    return None


def main():
    for folder in (SCOWL, WORDNET):
        if not os.path.isdir(folder):
            die(f"{folder} is missing: apt-get install -y scowl wordnet-base")
    if not WORDFREQ_VERSION.startswith("3."):
        die(f"wordfreq {WORDFREQ_VERSION} found; the Zipf values are from 3.x")

    us_words = scowl_words(US_CATEGORIES, DICT_SIZES)
    alt_words = scowl_words(ALT_CATEGORIES, DICT_SIZES) - us_words
    contractions = scowl_words(("english",), DICT_SIZES, kind="contractions")
    dictionary = us_words | alt_words | contractions
    # "café" is in SCOWL but "cafe" is what most keyboards type: accept the plain spelling too.
    for word in sorted(dictionary):
        plain = strip_accents(word)
        if plain != word and well_formed(plain):
            if plain not in dictionary:
                us_words.add(plain)
            dictionary.add(plain)

    nouns = wordnet_index("noun")
    verbs = wordnet_index("verb")
    adjectives = wordnet_index("adj")
    adverbs = wordnet_index("adv")
    noun_exc = wordnet_exceptions("noun")
    for plural, singular in EXTRA_PLURALS.items():
        noun_exc[plural].add(singular)
    verb_exc = wordnet_exceptions("verb")
    to_us = spelling_map(dictionary, us_words, alt_words)
    counts, noun_senses = tag_counts()

    def us(word):
        return to_us.get(word, word)

    def known(base, index):
        """A base counts when it, or its US or an alternative spelling, is a WordNet lemma."""
        return base in index or us(base) in index

    def bases(word):
        """(base, kind) for every singular or verb lemma `word` is an inflection of."""
        found = []
        for base in sorted(noun_exc.get(word, ())):
            if base in dictionary:
                found.append((base, "p"))
        for suffix, repl in NOUN_RULES:
            if word.endswith(suffix) and not (suffix == "s" and word.endswith("ss")):
                base = word[: len(word) - len(suffix)] + repl
                if len(base) >= MIN_RULE_BASE and base in dictionary and known(base, nouns):
                    found.append((base, "p"))
        for base in sorted(verb_exc.get(word, ())):
            if base in dictionary:
                found.append((base, "i"))
        verb_bases = []
        for suffix, repl in VERB_RULES:
            if word.endswith(suffix):
                stem = word[: len(word) - len(suffix)] + repl
                if suffix == "es" and repl == "" and not stem.endswith(ES_STEMS):
                    continue  # "-es" alone only follows a hissing sound or "o": fixes, goes
                if suffix == "s" and word.endswith("ss"):
                    continue  # "pass" and "discuss" are not third persons
                if suffix in ("ing", "ed") and repl == "" and short_closed_syllable(stem):
                    continue  # "rat" makes "ratting", so "rating" is not "rat"
                if suffix in ("ing", "ed") and repl == "e" and doubled_end(stem[:-1]):
                    continue  # "matting" is "mat", not "matte"
                verb_bases.append(stem)
        for suffix in ("ing", "ed"):
            stem = doubled_stem(word, suffix)
            if stem:
                verb_bases.append(stem)
        for base in verb_bases:
            # Two-letter verbs ("go", "do", "be", "ax") are exact: goes, going, doing, being.
            short_ok = len(base) == 2 and word in (base + "es", base + "ing", base + "ed")
            long_enough = len(base) >= MIN_RULE_BASE or short_ok
            if long_enough and base in dictionary and known(base, verbs):
                found.append((base, "i"))
        return [(b, k) for b, k in found if b != word]

    # Normal forms of every word: the US spelling of itself and of each lemma it inflects.
    forms = {}
    for word in sorted(dictionary):
        normal = {}
        if us(word) != word:
            normal[us(word)] = "s"
        for source in (word, us(word)):
            for base, kind in bases(source):
                nf = us(base)
                if normal.get(nf, kind) != kind:
                    # Both a plural and a verb form ("runs"): name the base's usual part of speech.
                    verb_use = counts[(base, "v")] + counts[(nf, "v")]
                    noun_use = counts[(base, "n")] + counts[(nf, "n")]
                    kind = "i" if verb_use > noun_use else "p"
                normal[nf] = kind
        normal.pop(word, None)
        if normal:
            forms[word] = normal

    def normal_forms(word):
        found = {us(word): "s" if us(word) != word else "="}
        found.update(forms.get(word, {}))
        return found

    # Curated exceptions: the two words of each pair never share a normal form.
    exceptions = read_curated("exceptions.txt")
    for row in exceptions:
        if len(row) != 2:
            die(f"exceptions.txt: expected two words, got {row}")
        a, b = row
        for w in (a, b):
            if w not in dictionary:
                die(f"exceptions.txt: {w} is not in the dictionary")
        shared = set(normal_forms(a)) & set(normal_forms(b))
        for nf in shared:
            for w in (a, b):
                if nf in forms.get(w, {}) and nf != us(w):
                    del forms[w][nf]
        if set(normal_forms(a)) & set(normal_forms(b)):
            die(f"exceptions.txt: {a}/{b} still share a spelling; fix spelling-pairs.txt")
    forms = {w: nf for w, nf in forms.items() if nf}

    lexicon = Lexicon(nouns, verbs, adjectives, adverbs, counts, noun_senses)
    generation, rejected = generation_list(us_words, forms, lexicon)
    write(os.path.join(HERE, "dictionary.txt"), sorted(dictionary))
    write(
        os.path.join(HERE, "forms.txt"),
        [
            word + "\t" + ",".join(f"{nf}:{kind}" for nf, kind in sorted(forms[word].items()))
            for word in sorted(forms)
        ],
    )
    write(os.path.join(HERE, "generation.txt"), [word for word, _ in generation])
    write(os.path.join(HERE, "generation-zipf.txt"), [f"{w}\t{z:.2f}" for w, z in generation])
    if "--rejected" in sys.argv:
        # For curating: every noun candidate the rules or the floor left out, and why.
        path = sys.argv[sys.argv.index("--rejected") + 1]
        write(path, [f"{w}\t{z:.2f}\t{why}" for w, (z, why) in sorted(rejected.items())])
    zipfs = sorted(z for _, z in generation)
    lowest = sorted(generation, key=lambda item: (item[1], item[0]))[:10]
    print(
        f"dictionary {len(dictionary)}, forms {len(forms)}, spelling {len(to_us)}, "
        f"generation {len(generation)}"
    )
    print(
        f"generation Zipf: median {statistics.median(zipfs):.2f}, "
        f"{sum(z >= COMMON_ZIPF for z in zipfs)} at {COMMON_ZIPF} or more; lowest ten: "
        + ", ".join(f"{w} {z:.2f}" for w, z in lowest)
    )


class Lexicon:
    """The WordNet tables the generation rules read."""

    def __init__(self, nouns, verbs, adjectives, adverbs, counts, noun_senses):
        self.nouns = nouns
        self.verbs = verbs
        self.adjectives = adjectives
        self.adverbs = adverbs
        self.counts = counts
        self.noun_senses = noun_senses
        self.synsets = noun_synsets()
        self.physical = descendants(self.synsets, {PHYSICAL_ENTITY})
        self.pictured = descendants(self.synsets, set(PICTURED))

    def concrete(self, offset):
        lexfile = self.synsets[offset].lexfile
        if lexfile in CONCRETE_LEXFILES or offset in self.pictured:
            return True
        return lexfile in PHYSICAL_LEXFILES and offset in self.physical


def read_reasoned(name):
    """A curated list of `word  reason...` lines; every word must come with its reason."""
    rows = {}
    for line in read_lines(os.path.join(HERE, name)):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        word, _, reason = text.partition(" ")
        if not reason.strip():
            die(f"{name}: {word} has no reason")
        if word in rows:
            die(f"{name}: {word} is listed twice")
        rows[word] = reason.strip()
    return rows


def generation_list(us_words, forms, lexicon):
    """The words pairs are dealt from, with their Zipf frequency, and every rejected noun
    candidate with its Zipf frequency and the reason (for curating the lists by hand)."""
    blocked = {word for row in read_curated("blocklist.txt") for word in row}
    poor = read_reasoned("poor-pairs.txt")
    pictured = read_reasoned("pictured.txt")  # words whose concreteness test is waived
    for word in sorted(set(poor) & blocked):
        die(f"poor-pairs.txt: {word} is already in blocklist.txt")
    for word in sorted(set(pictured) & (set(poor) | blocked)):
        die(f"pictured.txt: {word} is also in poor-pairs.txt or blocklist.txt")
    capitalised = scowl_capitalised(CAPITALISED_SIZES)
    generation, rejected = [], {}
    for word in sorted(us_words):
        if not (GEN_MIN <= len(word) <= GEN_MAX and word.isascii() and word.isalpha()):
            continue
        if word not in lexicon.nouns or word in forms:
            continue  # not a noun, or a plural, verb form or British spelling
        zipf = zipf_frequency(word, "en")
        why = rejection(word, zipf, lexicon, capitalised, word in pictured)
        if why is None and word in blocked:
            why = "blocklist.txt"
        if why is None and word in poor:
            why = "poor-pairs.txt: " + poor[word]
        if why is None:
            generation.append((word, zipf))
        else:
            rejected[word] = (zipf, why)
    for word in sorted(poor):
        if word not in rejected or not rejected[word][1].startswith("poor-pairs.txt"):
            die(f"poor-pairs.txt: {word} would not be dealt anyway; drop it from the list")
    dealt = {word for word, _ in generation}
    for word in sorted(pictured):
        if word not in dealt:
            why = rejected.get(word, (0, "not a noun of the dictionary, or a variant"))[1]
            die(f"pictured.txt: {word} is still not dealt ({why}); drop it from the list")
        if rejection(word, zipf_frequency(word, "en"), lexicon, capitalised, False) is None:
            die(f"pictured.txt: {word} passes the concreteness test anyway; drop it from the list")
    return generation, rejected


def rejection(word, zipf, lexicon, capitalised, pictured):
    """Why a noun of the dictionary is not dealt, or None when it may be. A `pictured` word (from
    pictured.txt) skips the concreteness test."""
    if zipf < MIN_ZIPF:
        return f"below Zipf {MIN_ZIPF}"
    offsets = lexicon.nouns[word]  # most frequent sense first
    synsets = [lexicon.synsets[o] for o in offsets]
    tags = [lexicon.noun_senses[(word, i + 1)] for i in range(len(offsets))]
    common = zipf >= COMMON_ZIPF

    # Names: "china" and "jack" are written with a capital in SCOWL's common sizes; "japan" and
    # "oxford" are first a place, "peter" and "ford" mostly people, in WordNet.
    if word in capitalised:
        return "SCOWL writes it with a capital"
    named = [s.words[word][0].isupper() for s in synsets]
    if sum(tags) > 0:
        if named[0] and synsets[0].lexfile in (PERSON_LEXFILE, LOCATION_LEXFILE):
            return "its most frequent sense is a named person or place"
    elif any(named) and sum(named) * 2 >= len(named):
        return "half its senses or more are names"

    # A concrete thing: the most frequent sense, or for a common word one of the first few.
    concrete = [pictured or lexicon.concrete(o) for o in offsets]
    if not any(concrete[: COMMON_SENSES if common else 1]):
        return "its most frequent senses are abstract"
    share_needed = COMMON_CONCRETE_SHARE if common else CONCRETE_SHARE
    if sum(tags) > 0:
        share = sum(t for t, c in zip(tags, concrete) if c) / sum(tags)
    else:
        share = sum(concrete) / len(concrete)
    if share < share_needed:
        return f"concrete senses hold {share:.0%} of its uses"

    # A noun first: not mostly a verb ("fly", "stand") or an adjective ("back", "human").
    nouns = lexicon.counts[(word, "n")]
    verb_uses = lexicon.counts[(word, "v")]
    other_uses = lexicon.counts[(word, "a")] + lexicon.counts[(word, "r")]
    if verb_uses > (COMMON_VERB_SHARE if common else VERB_SHARE) * (nouns + 1):
        return "mostly used as a verb"
    if other_uses > (COMMON_OTHER_SHARE if common else 1) * (nouns + 1):
        return "mostly used as an adjective or adverb"
    other_senses = sum(
        len(index.get(word, ())) for index in (lexicon.verbs, lexicon.adjectives, lexicon.adverbs)
    )
    if nouns + verb_uses + other_uses == 0 and other_senses > len(offsets):
        return "never tagged, and more verb or adjective senses than noun ones"
    return None


def write(path, lines):
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for line in lines:
            handle.write(line + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Builds the word service's data files from Debian's `scowl` and `wordnet-base` packages.

Run on a Debian machine after `apt-get install -y scowl wordnet-base`:

    python3 src/domain/words/data/build.py

It reads the packages' files, applies the curated lists kept next to this script
(exceptions.txt, spelling-pairs.txt, blocklist.txt) and writes dictionary.txt, forms.txt and
generation.txt into the same folder. Only the Python standard library is used, and the output
is deterministic (sorted), so running it twice gives byte-identical files.
See README.md in this folder for what each file holds and why each rule is there.
"""

import os
import sys
import unicodedata
from collections import defaultdict

SCOWL = "/usr/share/dict/scowl"
WORDNET = "/usr/share/wordnet"
HERE = os.path.dirname(os.path.abspath(__file__))

# SCOWL sizes in the validation dictionary: 60 is SCOWL's recommended size for spell checking.
DICT_SIZES = (10, 20, 35, 40, 50, 55, 60)
# SCOWL sizes a dealt word may come from: 35 and below are the common words.
GENERATION_SIZES = (10, 20, 35)
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
    20: "noun.plant",
    27: "noun.substance",
    18: "noun.person",
}
# Words for people ("teacher", "pirate") are dealt only from these smaller, commoner sizes.
PERSON_LEXFILE = 18
PERSON_SIZES = (10, 20)

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


def noun_lexfiles():
    """Lexicographer file number of every noun synset, by offset."""
    lexfile = {}
    for line in read_lines(os.path.join(WORDNET, "data.noun")):
        if line.startswith(" "):
            continue
        fields = line.split(" ", 3)
        lexfile[fields[0]] = int(fields[1])
    return lexfile


def tag_counts():
    """Sense-tagged corpus counts per (lemma, part of speech), from cntlist.rev."""
    counts = defaultdict(int)
    pos_of = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
    for line in read_lines(os.path.join(WORDNET, "cntlist.rev")):
        key, _sense, count = line.split()
        lemma, rest = key.split("%", 1)
        counts[(lemma, pos_of[rest[0]])] += int(count)
    return counts


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
    counts = tag_counts()

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

    # Generation list: common US nouns whose usual sense is a concrete thing.
    lexfile = noun_lexfiles()
    blocked = {word for row in read_curated("blocklist.txt") for word in row}
    capitalised = scowl_capitalised(GENERATION_SIZES)
    common_people = scowl_words(("english", "american"), PERSON_SIZES)
    generation = []
    for word in sorted(scowl_words(("english", "american"), GENERATION_SIZES)):
        if not (GEN_MIN <= len(word) <= GEN_MAX and word.isascii() and word.isalpha()):
            continue
        if word in blocked or word in capitalised or word in forms or word not in nouns:
            continue
        offsets = nouns[word]
        if lexfile[offsets[0]] not in CONCRETE_LEXFILES:
            continue  # the most frequent sense is abstract
        if lexfile[offsets[0]] == PERSON_LEXFILE and word not in common_people:
            continue  # rarer words for people are mostly agent nouns ("suggester")
        concrete_senses = sum(1 for o in offsets if lexfile[o] in CONCRETE_LEXFILES)
        if concrete_senses * 2 < len(offsets):
            continue  # most senses are abstract: too ambiguous to deal
        noun_count = counts[(word, "n")]
        other_count = counts[(word, "v")] + counts[(word, "a")] + counts[(word, "r")]
        if other_count > noun_count:
            continue  # mostly used as a verb or adjective ("fly", "light")
        if noun_count == 0 and other_count > 0:
            continue  # only ever seen as a verb or adjective in WordNet's tagged corpus
        other_senses = sum(len(index.get(word, ())) for index in (verbs, adjectives, adverbs))
        if noun_count == 0 and other_count == 0 and other_senses > len(offsets):
            continue  # never tagged, and more verb or adjective senses than noun ones ("hone")
        generation.append(word)
    write(os.path.join(HERE, "dictionary.txt"), sorted(dictionary))
    write(
        os.path.join(HERE, "forms.txt"),
        [
            word + "\t" + ",".join(f"{nf}:{kind}" for nf, kind in sorted(forms[word].items()))
            for word in sorted(forms)
        ],
    )
    write(os.path.join(HERE, "generation.txt"), generation)
    print(
        f"dictionary {len(dictionary)}, forms {len(forms)}, spelling {len(to_us)}, "
        f"generation {len(generation)}"
    )


def write(path, lines):
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for line in lines:
            handle.write(line + "\n")


if __name__ == "__main__":
    main()

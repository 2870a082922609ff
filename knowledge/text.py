"""Danish text normalisation for matching: case, punctuation, æ/ø/å and their ae/oe/aa spellings, stemming."""
from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from wordfreq import zipf_frequency

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "u"})
_NON_WORD = re.compile(r"[^0-9a-z§]+")
_SPLIT_DIGITS = re.compile(r"(?<=\d) (?=\d)")
_POSSESSIVE = re.compile(r"(\w)['’´]s\b")
_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")  # "skole-hjem-samtale" is one Danish compound
_stemmer = snowballstemmer.stemmer("danish")

# Inputs are cut before normalisation: a staff question never needs more, and matching stays fast.
MAX_CHARS = 1000


def clean(text: str) -> str:
    """Lower-case, drop control characters and accents (keeping æ/ø/å), collapse whitespace."""
    text = unicodedata.normalize("NFC", text[:MAX_CHARS]).lower()
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.split())


def fold(word: str) -> str:
    """Spell æ/ø/å as ae/oe/aa and strip other accents, so both spellings compare equal."""
    word = word.translate(_FOLD)
    word = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in word if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The surface words of a text: cleaned, split on anything that is not a letter, digit or §.

    Digit groups are joined ("70 27 76 66" -> "70277666") so phone numbers compare as one token.
    """
    text = _POSSESSIVE.sub(r"\1s", clean(text))  # "RED's" -> "REDs", as Danish writes it
    text = _HYPHEN.sub("", text)
    out = []
    for raw in re.split(r"[\s/,;:!?()\"'«»“”.\-–]+", _SPLIT_DIGITS.sub("", text)):
        raw = raw.strip("*_#&+")
        if not raw:
            continue
        folded = _NON_WORD.sub(" ", fold(raw)).split()
        out.extend(folded)
    return out


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """Snowball Danish stem of a folded word (the stemmer sees æ/ø/å again)."""
    if word.isdigit() or len(word) <= 3:
        return word
    return fold(_stemmer.stemWord(unfold(word)))


def phrase_table(phrases) -> dict[str, list[tuple[str, ...]]]:
    """Phrases as word tuples, looked up by their first word, longest first (for `drop_phrases`)."""
    table: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted({tuple(words(p)) for p in phrases if words(p)}, key=len, reverse=True):
        table.setdefault(phrase[0], []).append(phrase)
    return table


def phrase_spans(surface: list[str], table: dict[str, list[tuple[str, ...]]]):
    """(start, end) of each phrase of the table in the words, left to right (the longest phrase at each word)."""
    i = 0
    while i < len(surface):
        for phrase in table.get(surface[i], ()):
            if tuple(surface[i:i + len(phrase)]) == phrase:
                yield i, i + len(phrase)
                i += len(phrase)
                break
        else:
            i += 1


def drop_phrases(surface: list[str], table: dict[str, list[tuple[str, ...]]]) -> list[str]:
    """The words with every phrase of the table left out (the longest phrase at each word)."""
    out: list[str] = []
    i = 0
    for start, end in phrase_spans(surface, table):
        out.extend(surface[i:start])
        i = end
    out.extend(surface[i:])
    return out


def has_phrase(surface: list[str], table: dict[str, list[tuple[str, ...]]]) -> bool:
    """Whether some phrase of the table is in the words."""
    return next(phrase_spans(surface, table), None) is not None


def last_phrase_end(surface: list[str], table: dict[str, list[tuple[str, ...]]]) -> int:
    """The position just after the last phrase of the table in the words (0 when there is none)."""
    return max((end for _, end in phrase_spans(surface, table)), default=0)


def stems(text: str) -> tuple[str, ...]:
    """The stems of a text's words: how a synonym phrase is compared."""
    return tuple(stem(w) for w in words(text))


_FOLDED_PAIR = re.compile(r"(ae|oe|aa)")
_UNFOLD = {"ae": "æ", "oe": "ø", "aa": "å"}
_MAX_UNFOLD_CHOICES = 4  # pairs in one word tried both ways (2**4 spellings looked up at most)


@lru_cache(maxsize=20000)
def unfold(word: str) -> str:
    """A folded word with æ/ø/å back: of the spellings it can stand for, the most common in Danish (wordfreq).

    "aeldre" is "ældre", but "risikoen" is not "risikøn" and "slaaet" is "slået"; a word wordfreq does not know
    gets every pair as æ/ø/å, read left to right ("videregaaende" -> "videregående").
    """
    parts = _FOLDED_PAIR.split(word)
    if len(parts) == 1:
        return word
    pairs = range(1, len(parts), 2)
    default = "".join(_UNFOLD[p] if i % 2 else p for i, p in enumerate(parts))
    if len(pairs) > _MAX_UNFOLD_CHOICES:
        return default
    best, best_zipf = default, zipf_frequency(default, "da")
    for choice in itertools.product((True, False), repeat=len(pairs)):
        spelled = list(parts)
        for unfolded, i in zip(choice, pairs):
            if unfolded:
                spelled[i] = _UNFOLD[parts[i]]
        candidate = "".join(spelled)
        zipf = zipf_frequency(candidate, "da")
        if zipf > best_zipf:
            best, best_zipf = candidate, zipf
    return best

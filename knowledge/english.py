"""English read as Danish: a message mostly in English gets its words replaced by the Danish of the plan's
glossary (knowledge/national/english.yaml) before the usual analysis, so "Who can be affected by honour-related
conflicts?" is matched as "hvem kan udsat æresrelaterede konflikter".

Stages: `is_english` (most words are commoner in English than in Danish, by wordfreq), then `translate` (the
longest glossary phrase at each word; a plural or an -ed/-ing form finds its base word). The answers stay Danish.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Mapping

from wordfreq import zipf_frequency

from .text import unfold, words

# A word counts as English when it is this much commoner (Zipf) in English than in Danish.
ENGLISH_MARGIN = 1.0
# ... and a message is English when at least this share of its words are, and it has at least MIN_WORDS.
ENGLISH_SHARE = 0.6
MIN_WORDS = 3
MAX_PHRASE = 4
# An English word the glossary lacks that is at least this common in English is left out of the words matched.
FILLER_ZIPF = 5.0
_SUFFIXES = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("d", ""))


@lru_cache(maxsize=20000)
def _english_word(word: str) -> bool:
    if word.isdigit() or len(word) < 2:
        return False
    return zipf_frequency(word, "en") >= max(zipf_frequency(unfold(word), "da"),
                                              zipf_frequency(word, "da")) + ENGLISH_MARGIN


def mostly_english(message: list[str]) -> bool:
    """Whether most of a message's words (as `words` gives them) are commoner in English than in Danish."""
    content = [w for w in message if not w.isdigit()]
    return len(content) >= MIN_WORDS and sum(map(_english_word, content)) >= ENGLISH_SHARE * len(content)


class EnglishReader:
    """Reads a message written in English as the Danish words of a glossary."""

    def __init__(self, glossary: Mapping[str, str]):
        self._phrases: dict[tuple[str, ...], list[str]] = {}
        for english, danish in glossary.items():
            key = tuple(words(english))
            if key:
                self._phrases[key] = words(danish)
        self._max = min(MAX_PHRASE, max((len(k) for k in self._phrases), default=1))

    def is_english(self, message: list[str]) -> bool:
        """Whether most of the message's words are English ones (a Danish question with "hotline" is Danish)."""
        content = [w for w in message if not w.isdigit()]
        if len(content) < MIN_WORDS:
            # shorter, only a phrase of the glossary is English ("since when?")
            return len(content) == 2 and len(self._in_phrases(content)) == 2 and not all(map(_danish, content))
        in_phrase = self._in_phrases(content)  # "don't" is the words "don" "t"
        english = sum(1 for i, w in enumerate(content)
                      if i in in_phrase or _english_word(w) or (w,) in self._phrases and not _danish(w))
        return english >= ENGLISH_SHARE * len(content)

    def _in_phrases(self, message: list[str]) -> set[int]:
        """The positions of the words that are part of a glossary phrase of two words or more."""
        covered: set[int] = set()
        for i in range(len(message)):
            for size in range(min(self._max, len(message) - i), 1, -1):
                if tuple(message[i:i + size]) in self._phrases:
                    covered.update(range(i, i + size))
                    break
        return covered

    def _lookup(self, phrase: tuple[str, ...]) -> list[str] | None:
        found = self._phrases.get(phrase)
        if found is not None:
            return found
        *head, word = phrase  # a phrase's last word may be inflected too ("job centres")
        for suffix, base in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                found = self._phrases.get((*head, word[: -len(suffix)] + base))
                if found is not None:
                    return found
        if head:
            return None
        if word.endswith(("ing", "ed")):  # a doubled consonant: "running", "planned"
            stem = word[:-3] if word.endswith("ing") else word[:-2]
            if len(stem) >= 3 and stem[-1] == stem[-2]:
                return self._phrases.get((stem[:-1],))
        return None

    def translate(self, message: list[str], keep: frozenset[str] | None = None) -> list[str]:
        """The message with each glossary phrase (the longest at each word) replaced by its Danish words.

        `keep`: to match the message's words, an English word the glossary lacks is left out ("did", "specific",
        "young"), unless it is rare in English or one of these words (the plan's own: "RED", "hotline"): a
        common English word would weigh in the Danish analysis as a rare word the plan never uses, and a
        question half made of them is never answered."""
        out: list[str] = []
        i = 0
        while i < len(message):
            for size in range(min(self._max, len(message) - i), 0, -1):
                danish = self._lookup(tuple(message[i:i + size]))
                if danish is not None:
                    out.extend(danish)
                    i += size
                    break
            else:
                word = message[i]
                if keep is None or word in keep or not _english_filler(word):
                    out.append(word)
                i += 1
        return out

    def read(self, message: list[str], keep: frozenset[str] | None = None) -> list[str]:
        """The message as Danish words if it is English, else as it is (`keep`: see `translate`)."""
        return self.translate(message, keep) if self._phrases and self.is_english(message) else message


@lru_cache(maxsize=20000)
def _english_filler(word: str) -> bool:
    """An English word common enough to say nothing rare of its own ("did", "young", "share")."""
    return _english_word(word) and zipf_frequency(word, "en") >= FILLER_ZIPF


@lru_cache(maxsize=20000)
def _danish(word: str) -> bool:
    return max(zipf_frequency(unfold(word), "da"), zipf_frequency(word, "da")) >= zipf_frequency(word, "en")

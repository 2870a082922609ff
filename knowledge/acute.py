"""Acute danger, found before anything else and apart from the topics.

A message is acute when it holds one of the plan's acute phrases ("truet på livet"), or one word from every group
of a combination ("en udrejse" + "i morgen"), or when it reads like the acute messages the learned reading was
trained on (knowledge/acute_model.py); unless it opens like a question about the subject ("hvad er tegn på ...",
"må vi ..."): then only a phrase counts, and the matcher reads the sentences told after such a question on their
own. Idioms that only look like danger ("slå hånden af", "ikke akut") are left out of the word lists' reading
before, by the matcher's word analysis. The lists are in acute.yaml and the model in acute-model.json; this stage
only reads them.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from .acute_model import AcuteModel
from .model import AcuteSignals
from .text import words

MIN_PREFIX = 3  # acute and signal words longer than this match as prefixes ("overvåg" covers "overvåget")


def phrases(texts) -> tuple[tuple[str, ...], ...]:
    """Phrases as word tuples, as `words` gives them."""
    return tuple(p for p in (tuple(words(str(text))) for text in texts) if p)


class PhraseIndex:
    """Finds which of many short phrases occur in a message, in one pass.

    Phrase words longer than MIN_PREFIX characters match as prefixes ("overvåg" covers "overvåget");
    shorter ones match exactly ("nu", "far").
    """

    def __init__(self) -> None:
        self._phrases: list[tuple[str, ...]] = []
        self._ids: dict[tuple[str, ...], int] = {}
        self._by_first: dict[str, list[int]] = defaultdict(list)
        self._words: set[str] = set()

    def add(self, phrase: tuple[str, ...]) -> int:
        if phrase not in self._ids:
            self._ids[phrase] = len(self._phrases)
            self._phrases.append(phrase)
            self._by_first[phrase[0]].append(self._ids[phrase])
            self._words.update(phrase)
        return self._ids[phrase]

    @staticmethod
    def _patterns(word: str):
        """Every phrase word that can match this word: itself if short, else each longer prefix."""
        if len(word) <= MIN_PREFIX:
            yield word
        for end in range(MIN_PREFIX + 1, len(word) + 1):
            yield word[:end]

    @staticmethod
    def _matches(word: str, pattern: str) -> bool:
        return word == pattern if len(pattern) <= MIN_PREFIX else word.startswith(pattern)

    def starts(self, word: str) -> bool:
        """Whether some phrase begins with a pattern this word matches."""
        return any(p in self._by_first for p in self._patterns(word))

    def knows(self, word: str) -> bool:
        """Whether some phrase has this very word (anywhere in the phrase): "udenfor", not "ikke" + "lige"."""
        return word in self._words

    def find(self, message: tuple[str, ...]) -> frozenset[int]:
        """The ids of the phrases that occur in the message's words."""
        found = set()
        for i, word in enumerate(message):
            for pattern in self._patterns(word):
                for phrase_id in self._by_first.get(pattern, ()):
                    phrase = self._phrases[phrase_id]
                    if i + len(phrase) <= len(message) and all(
                            self._matches(message[i + k], phrase[k]) for k in range(1, len(phrase))):
                        found.add(phrase_id)
        return frozenset(found)


class AcuteDetector:
    """Whether a message signals acute danger, by the plan's acute.yaml. It registers its phrases in the shared
    phrase index, so one pass over a message finds acute phrases and situation signals together."""

    def __init__(self, signals: AcuteSignals, index: PhraseIndex, model: AcuteModel | None = None):
        self._model = model
        self._phrases = frozenset(index.add(p) for p in phrases(signals.phrases))
        self._combinations = tuple(tuple(frozenset(index.add(p) for p in phrases(group)) for group in combo)
                                   for combo in signals.resolved_combinations())
        self._plain_openers = tuple(o for o in phrases(signals.plain_question_openers))

    def is_plain_question(self, message: list[str]) -> bool:
        """Whether the message opens like a question about the subject ("hvad er tegn på ...")."""
        return any(tuple(message[:len(opener)]) == opener for opener in self._plain_openers)

    def detect(self, present: frozenset[int], plain_question: bool, learned: Sequence[str] | None = None) -> bool:
        """An acute phrase among the phrases found, or (unless a plain question) a whole combination, or the
        learned reading of the words given to it (None: the word lists decide alone)."""
        if present & self._phrases:
            return True
        if plain_question:
            return False
        return any(all(present & group for group in combo) for combo in self._combinations) or (
            self._model is not None and learned is not None and self._model.is_acute(learned))

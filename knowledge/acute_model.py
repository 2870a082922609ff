"""A second reading of acute danger, learned from labelled staff messages, beside acute.yaml's word lists.

The word lists catch danger in the words somebody listed. Told in other words ("han sagde hun ville fortryde det,
og han henter hende efter skole"), a message can still read like the acute messages it was trained on. The
model is logistic regression over TF-IDF character 3-5-grams and word 1-2-grams (scikit-learn, trained by
`make acute-model` from the evaluation set's tuning parts only: benchmarks/train_acute.py). It is shipped as data,
knowledge/national/acute-model.json, and read here in plain Python: scikit-learn is not needed to run the bot.

It only ever adds an alarm, and only to a told situation of at least MIN_WORDS words: a short message ("og hvis
hun er 16?", "sne i morgen") holds too little for it, and is read by the word lists alone. It reads what follows
danger said not to be there ("hun er ikke i fare lige nu, men ..."), and nothing of a general question about what
is acute (acute.yaml's `absent` and `asked_about`; the matcher gives it the words). The threshold is where 1 % of
the training messages that are not acute would have raised one, judged on folds the model did not see; most of
those are plain questions the model never reads, so among the told situations it reads, more raise one (on those
folds 2.4 % of all and 6.8 % of worrying situations).

A second model of the same kind reads whether a long message tells a worry about a person (a situation, acute or
not) rather than asking about the subject or about something else (knowledge/national/worry-model.json, trained by
the same `make acute-model`). The matcher uses it only where nothing else answers: a worry told at length gets the
plan's card on what to do when worried, instead of "fandt ikke".
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).resolve().parent / "national" / "acute-model.json"
WORRY_FILE = MODEL_FILE.with_name("worry-model.json")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
MIN_WORDS = 8  # 11 % of the acute training messages are shorter; the word lists catch every one of them
# A worry is read from a situation told at some length: the short messages the model reads as worries on folds it
# did not see are everyday ones ("en elev er faldet og har slået hovedet", "vi har teammøde i morgen kl 10").
WORRY_MIN_WORDS = 12


def char_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams inside word boundaries, padded with a space, as scikit-learn's "char_wb" makes them."""
    grams = []
    for word in text.split():
        word = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            grams.append(word[offset:offset + n])
            while offset + n < len(word):
                offset += 1
                grams.append(word[offset:offset + n])
            if offset == 0:  # a word shorter than n counts once
                break
    return grams


def word_ngrams(text: str, low: int, high: int) -> list[str]:
    tokens = _TOKEN.findall(text)
    return [" ".join(tokens[i:i + n]) for n in range(low, high + 1) for i in range(len(tokens) - n + 1)]


class _Features:
    """One TF-IDF vectoriser: per n-gram its idf and the model's weight (sublinear tf, l2 norm)."""

    def __init__(self, analyzer: str, low: int, high: int, terms: dict[str, tuple[float, float]]):
        self.analyzer, self.low, self.high, self.terms = analyzer, low, high, terms
        # A word's character n-grams that the model knows, once per word (words repeat from message to message).
        self._known_grams = lru_cache(maxsize=20000)(self._word_grams)

    def _word_grams(self, word: str) -> tuple[str, ...]:
        return tuple(g for g in char_ngrams(word, self.low, self.high) if g in self.terms)

    def score(self, text: str) -> float:
        if self.analyzer == "char_wb":
            grams = [g for word in text.split() for g in self._known_grams(word)]
        else:
            grams = [g for g in word_ngrams(text, self.low, self.high) if g in self.terms]
        counts: dict[str, int] = {}
        for gram in grams:
            counts[gram] = counts.get(gram, 0) + 1
        values = {g: (1 + math.log(c)) * self.terms[g][0] for g, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values()))
        return sum(v * self.terms[g][1] for g, v in values.items()) / norm if norm else 0.0


class AcuteModel:
    """A learned reading: `probability(words)` of a message's words, as knowledge.text.words gives them."""

    min_words = MIN_WORDS

    def __init__(self, data: dict):
        self.threshold: float = data["threshold"]
        # Below this a message told at length reads as no worry at all (the worry reading's gate; 0: none).
        self.gate: float = data.get("gate", 0.0)
        self.trained_on: str = data["trained_on"]
        self._intercept: float = data["intercept"]
        self._features = tuple(_Features(f["analyzer"], f["ngram_range"][0], f["ngram_range"][1],
                                         {t: (v[0], v[1]) for t, v in f["terms"].items()})
                               for f in data["features"])

    @classmethod
    def from_file(cls, path: Path = MODEL_FILE) -> "AcuteModel":
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, IndexError) as error:
            raise ValueError(f"{path}: the learned reading cannot be read ({error}); it ships with the "
                             f"code: restore it from git or run make acute-model") from error

    def probability(self, message: Sequence[str]) -> float:
        text = " ".join(message)
        z = self._intercept + sum(f.score(text) for f in self._features)
        return 1 / (1 + math.exp(-z))

    def says(self, message: Sequence[str]) -> bool:
        """Whether the message reads as what the model was trained to find, from its least length on."""
        return len(message) >= self.min_words and self.probability(message) >= self.threshold

    def is_acute(self, message: Sequence[str]) -> bool:
        return self.says(message)

    def doubts(self, message: Sequence[str]) -> bool:
        """Whether a message told at length reads as no worry at all (below the gate)."""
        return len(message) >= self.min_words and self.probability(message) < self.gate


class WorryModel(AcuteModel):
    """The learned reading of a worry told about a person (`says`: the message tells one)."""

    min_words = WORRY_MIN_WORDS

    @classmethod
    def from_file(cls, path: Path = WORRY_FILE) -> "WorryModel":
        return super().from_file(path)  # type: ignore[return-value]


@lru_cache(maxsize=1)
def shipped() -> AcuteModel:
    """The model shipped with the national layer (read once per process)."""
    return AcuteModel.from_file()


@lru_cache(maxsize=1)
def shipped_worry() -> WorryModel:
    """The worry model shipped with the national layer (read once per process)."""
    return WorryModel.from_file()

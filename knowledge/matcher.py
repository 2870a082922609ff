"""Find the plan's topic for a free-text question.

A question and every question variant of every topic go through the same analysis: Danish words
(æ/ø/å folded), typo correction against the plan's own vocabulary (rapidfuzz), Snowball stems, the
plan's synonyms, stop words dropped. A topic's score blends how well its closest variant matches
(IDF-weighted overlap and rapidfuzz's token ratio) with how much of the question its whole vocabulary
explains, so both "RED hotline nummer" and a long situation in staff's own words find their topic.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .model import Knowledge
from .text import stem, words

# Calibrated on ../shared/examples/questions.yaml and the tests' own questions; see README "Matching".
ANSWER_THRESHOLD = 0.50
SUGGEST_THRESHOLD = 0.22
TYPO_CUTOFF = 82
MIN_TYPO_LEN = 4


@dataclass(frozen=True)
class Candidate:
    topic_id: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """The ranked candidates for one question, and whether it signals acute danger."""

    candidates: tuple[Candidate, ...]
    acute: bool

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def confident(self) -> str | None:
        """The topic to answer with, or None when no topic is a confident match."""
        best = self.best
        return best.topic_id if best and best.score >= ANSWER_THRESHOLD else None

    def suggestions(self, limit: int = 3) -> tuple[str, ...]:
        """The closest topics worth offering when there is no confident answer."""
        return tuple(c.topic_id for c in self.candidates[:limit] if c.score >= SUGGEST_THRESHOLD)


@dataclass(frozen=True)
class _Variant:
    topic_id: str
    terms: frozenset[str]
    text: str
    weight: float


class Matcher:
    """Ranks a plan's topics for a question. Built once per plan; `match` is read-only and thread-safe."""

    def __init__(self, knowledge: Knowledge):
        self._stopwords = frozenset(w for s in knowledge.stopwords for w in words(s))
        self._synonyms = self._build_synonyms(knowledge.synonyms)
        self._max_phrase = max((len(p) for p in self._synonyms), default=1)
        self._vocabulary: set[str] = set()
        raw: list[tuple[str, tuple[str, ...], bool]] = []
        topic_terms: dict[str, set[str]] = defaultdict(set)
        for topic_id, resolved in knowledge.topics.items():
            topic = resolved.topic
            for text in (topic.title, *topic.questions):
                terms = self._terms(text, learn=True)
                raw.append((topic_id, terms, True))
                topic_terms[topic_id].update(terms)
            for keyword in topic.keywords:
                topic_terms[topic_id].update(self._terms(keyword, learn=True))
        n_topics = len(knowledge.topics)
        df: dict[str, int] = defaultdict(int)
        for terms in topic_terms.values():
            for term in terms:
                df[term] += 1
        self._idf = {term: math.log(1 + n_topics / count) for term, count in df.items()}
        self._default_idf = math.log(1 + n_topics)
        self._topic_terms = {t: frozenset(terms) for t, terms in topic_terms.items()}
        self._variants = tuple(
            _Variant(topic_id, frozenset(terms), " ".join(sorted(set(terms))), self._weight(terms))
            for topic_id, terms, _ in raw if terms
        )
        self._by_term: dict[str, list[int]] = defaultdict(list)
        for i, variant in enumerate(self._variants):
            for term in variant.terms:
                self._by_term[term].append(i)
        self._vocabulary_list = sorted(self._vocabulary)
        self._acute = tuple(self._stems(p) for p in knowledge.acute.phrases)
        self.topic_ids = tuple(knowledge.topics)

    @staticmethod
    def _build_synonyms(groups) -> dict[tuple[str, ...], str]:
        table: dict[tuple[str, ...], str] = {}
        for group in groups:
            canonical = "=" + "_".join(stem(w) for w in words(group[0]))
            for phrase in group:
                table[tuple(stem(w) for w in words(phrase))] = canonical
        return table

    def _stems(self, text: str) -> tuple[str, ...]:
        return tuple(stem(w) for w in words(text))

    def _correct(self, word: str) -> str:
        if (word in self._vocabulary or word in self._stopwords or word.isdigit()
                or len(word) < MIN_TYPO_LEN or not self._vocabulary_list):
            return word
        hit = process.extractOne(word, self._vocabulary_list, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        return hit[0] if hit else word

    def _terms(self, text: str, learn: bool = False) -> tuple[str, ...]:
        surface = words(text)
        if learn:
            self._vocabulary.update(w for w in surface if w not in self._stopwords)
        else:
            surface = [self._correct(w) for w in surface]
        stems = [stem(w) for w in surface]
        out: list[str] = []
        i = 0
        while i < len(stems):
            for size in range(min(self._max_phrase, len(stems) - i), 0, -1):
                canonical = self._synonyms.get(tuple(stems[i:i + size]))
                if canonical:
                    out.append(canonical)
                    i += size
                    break
            else:
                if surface[i] not in self._stopwords:
                    out.append(stems[i])
                i += 1
        return tuple(out)

    def _weight(self, terms) -> float:
        idf = getattr(self, "_idf", None)
        if idf is None:
            return 0.0
        return sum(idf.get(t, self._default_idf) for t in set(terms))

    def is_acute(self, text: str) -> bool:
        """True when the text contains one of the plan's acute-danger phrases (as whole words)."""
        stems = self._stems(text)
        for phrase in self._acute:
            n = len(phrase)
            if any(stems[i:i + n] == phrase for i in range(len(stems) - n + 1)):
                return True
        return False

    def match(self, text: str, limit: int = 5) -> MatchResult:
        """Rank the topics for a question; the result says if it signals acute danger."""
        acute = self.is_acute(text)
        q_terms = frozenset(self._terms(text))
        if not q_terms:
            return MatchResult((), acute)
        idf = self._idf
        q_weight = sum(idf.get(t, self._default_idf) for t in q_terms)
        q_text = " ".join(sorted(q_terms))
        best_variant: dict[str, float] = {}
        seen: set[int] = set()
        for term in q_terms:
            for i in self._by_term.get(term, ()):
                if i in seen:
                    continue
                seen.add(i)
                variant = self._variants[i]
                shared = sum(idf[t] for t in q_terms & variant.terms)
                dice = 2 * shared / (q_weight + variant.weight)
                ratio = fuzz.token_sort_ratio(q_text, variant.text) / 100
                score = 0.75 * dice + 0.25 * ratio
                if score > best_variant.get(variant.topic_id, 0.0):
                    best_variant[variant.topic_id] = score
        scored = []
        for topic_id, variant_score in best_variant.items():
            covered = sum(idf[t] for t in q_terms & self._topic_terms[topic_id])
            coverage = covered / q_weight
            scored.append(Candidate(topic_id, round(0.6 * variant_score + 0.4 * coverage, 4)))
        scored.sort(key=lambda c: (-c.score, c.topic_id))
        return MatchResult(tuple(scored[:limit]), acute)

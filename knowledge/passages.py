"""The plans' own text as the ground layer: Okapi BM25 over the passages, on the same Danish analysis as the topics.

Stages, each a function of the one before: the passages are analysed into terms once (`PassageIndex`); a
question's terms give the candidates (passages that share a term) and their BM25 scores; `decide` keeps the best
only when it explains enough of the question; `quote` picks the sentences of it that answer, verbatim.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from .model import Passage

# Okapi BM25's usual constants: term frequency saturates at K1, document length normalised by B.
K1 = 1.2
B = 0.75
# A passage answers only when its terms explain MIN_COVERAGE of the question's weight (IDF over the passages; a term
# no passage has weighs like the rarest) and the matched terms weigh at least MIN_EVIDENCE (one everyday word is
# never enough), or explain BROAD_COVERAGE with matched weight BROAD_EVIDENCE (several of the text's own words: a
# long question that says more than the passage, "Hvad har SSP i Odense haft særlig opmærksomhed på ..."). Chosen on the
# tuning part with fresh batches A, B and C's tuning quarters (benchmarks/tune_passages.py --two), docs/matching.md.
MIN_COVERAGE = 0.88
MIN_EVIDENCE = 6.0
BROAD_COVERAGE = 0.48
BROAD_EVIDENCE = 9.0
# ... or it explains nearly all of it (FULL_COVERAGE) with a word only RARE_DF passages have, and one more or that
# word is a name there: "hvornår mødes trivselsteamet", "hvad er Bydelssøstre". One everyday word that a passage
# happens to use is never enough ("personalemøde", "fodbold").
FULL_COVERAGE = 0.9
RARE_DF = 2
# A quote is the best-matching sentence and, if they also match, up to two more of the same passage; one more when
# the best sentence leans on the one before it or the next leans on it (`_LEANS_BACK`).
MAX_QUOTE_SENTENCES = 3
MAX_QUOTE_CHARS = 600
SAYS_ASKED = 100.0  # more than any sentence's terms weigh

_NAME = re.compile(r"(?<=[a-zæøå,] )[A-ZÆØÅ][\w-]+")
# A sentence that starts with one of these leans on the sentence before it ("Her blev den syriskfødte kvinde ...",
# "Her bliver der blandt andet afholdt familieklub ..."): quoted, the two go together.
_LEANS_BACK = re.compile(r"^(?:Her|Heraf|Herudover|Hermed|Dette|Disse|Dertil|Derudover|Derfor|Sidstnævnte|"
                         r"Førstnævnte)\b")
# A heading that names a municipality starts a part of a catalogue of several ("Høje taastrup kommune: Central
# ressourceperson i byrådscentret").
_PART = re.compile(r"^[\w\- ]+ kommune:", re.IGNORECASE)
# A sentence that starts with "Hun" or "Han" goes on about the person a sentence before it names.
_GOES_ON = re.compile(r"^(?:Hun|Han)\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ\"”»•(])|\n+")


@dataclass(frozen=True)
class PassageHit:
    """The passage that answers, how sure, and the sentences of it to quote (verbatim, in the text's order)."""

    passage_id: str
    score: float
    coverage: float
    evidence: float  # the weight of the question's terms the passage has
    quote: tuple[str, ...]
    rare: bool = False  # it shares a term with the question that at most RARE_DF passages have
    shared: int = 0  # how many of the question's terms it has
    named: bool = False  # one of them is a name in the passage ("Bydelssøstre", "Baba", "Vollsmose")


def _is_heading(sentence: str) -> bool:
    """A line in capitals only, of two words or more: a heading, not a sentence."""
    return " " in sentence.strip() and not any(c.islower() for c in sentence)


def sentences(text: str) -> list[str]:
    """A passage's sentences and bullet points, as written."""
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


class PassageIndex:
    """BM25 over a plan's passages. `analyse` is the matcher's analysis of plan text into terms."""

    def __init__(self, passages: Mapping[str, Passage], analyse: Callable[[str], tuple[str, ...]],
                 about: Mapping[str, str] | None = None):
        """`about`: per document id, what names the document (its title and publisher). Each of its passages
        counts as saying those words once, so "ifølge Odense-rapporten" is about the Odense report's text."""
        self._analyse = analyse
        about_terms = {d: tuple(dict.fromkeys(analyse(text))) for d, text in (about or {}).items()}
        self._ids: list[str] = []
        self._tf: list[Counter] = []
        self._length: list[int] = []
        self._sentences: list[list[tuple[str, frozenset[str]]]] = []
        self._names: list[frozenset[str]] = []  # terms written with a capital inside a sentence: names
        self._own: list[frozenset[str]] = []  # the terms of the passage's own words (not its document's title)
        postings: dict[str, list[int]] = defaultdict(list)
        for passage in passages.values():
            own = analyse(f"{passage.section}. {passage.text}")
            if not own:
                continue
            terms = (*own, *(t for t in about_terms.get(passage.document, ()) if t not in own))
            n = len(self._ids)
            self._own.append(frozenset(own))
            self._ids.append(passage.id)
            self._tf.append(Counter(terms))
            self._length.append(len(terms))
            self._sentences.append([(s, frozenset(analyse(s))) for s in sentences(passage.text)])
            self._names.append(frozenset(t for word in _NAME.findall(passage.text) for t in analyse(word)))
            for term in set(terms):
                postings[term].append(n)
        self._postings = dict(postings)
        self._by_id = {passage_id: n for n, passage_id in enumerate(self._ids)}
        self._section_of = {p.id: (p.document, p.section) for p in passages.values() if p.id in self._by_id}
        sections: dict[tuple[str, str], list[str]] = defaultdict(list)
        for passage_id, key in self._section_of.items():
            sections[key].append(passage_id)
        self._sections = {key: tuple(ids) for key, ids in sections.items()}
        of_document: dict[str, list[str]] = defaultdict(list)
        self._part_of: dict[str, str] = {}
        for passage_id in self._ids:
            document, section = self._section_of[passage_id]
            if _PART.match(section):
                part = f"{document}: {section}"
            elif not of_document[document]:
                part = document
            of_document[document].append(passage_id)
            self._part_of[passage_id] = part
        self._of_document = {d: tuple(ids) for d, ids in of_document.items()}
        count = len(self._ids) or 1
        self._avg_length = sum(self._length) / count if self._length else 1.0
        self.idf = {t: math.log(1 + (count - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self._postings.items()}
        self._unknown_idf = math.log(1 + (count + 0.5) / 0.5)

    def __len__(self) -> int:
        return len(self._ids)

    def candidates(self, terms: Iterable[str]) -> dict[int, float]:
        """Passages that share a term with the question, with their BM25 scores."""
        scores: dict[int, float] = defaultdict(float)
        for term in set(terms):
            idf = self.idf.get(term)
            if idf is None:
                continue
            for n in self._postings[term]:
                tf = self._tf[n][term]
                norm = K1 * (1 - B + B * self._length[n] / self._avg_length)
                scores[n] += idf * tf * (K1 + 1) / (tf + norm)
        return scores

    def coverage(self, n: int, terms: frozenset[str], weight: Callable[[str], float]) -> tuple[float, float]:
        """How much of the question the passage explains: (share of the question's weight, the weight its own
        words match). Its document's title counts for the share, never as evidence."""
        total = sum(weight(t) for t in terms)
        covered = sum(weight(t) for t in terms if t in self._tf[n])
        return (covered / total if total else 0.0), sum(weight(t) for t in terms if t in self._own[n])

    def weight(self, term: str) -> float:
        return self.idf.get(term, self._unknown_idf)

    def best(self, terms: frozenset[str], weight: Callable[[str], float] | None = None,
             top: int = 5, documents: frozenset[str] | None = None,
             among: frozenset[str] | None = None) -> PassageHit | None:
        """The best passage for the question's terms (by BM25 among the top candidates, then coverage), if any;
        `documents`: only among the passages of these documents; `among`: only among these passages."""
        weight = weight or self.weight
        scores = self.candidates(terms)
        if documents is not None:
            scores = {n: s for n, s in scores.items() if self._section_of[self._ids[n]][0] in documents}
        if among is not None:
            scores = {n: s for n, s in scores.items() if self._ids[n] in among}
        if not scores:
            return None
        ranked = sorted(scores, key=lambda n: -scores[n])[:top]
        best_n, best_key = None, None
        for n in ranked:
            coverage, matched = self.coverage(n, terms, weight)
            key = (round(coverage, 3), scores[n])
            if best_key is None or key > best_key:
                best_n, best_key = n, key
        coverage, matched = self.coverage(best_n, terms, weight)
        shared = [t for t in terms if t in self._own[best_n]]
        rare = [t for t in shared if len(self._postings[t]) <= RARE_DF]
        return PassageHit(self._ids[best_n], round(scores[best_n], 4), round(coverage, 4), round(matched, 4),
                          self.quote(best_n, terms, weight) or self._start(best_n), bool(rare), len(shared),
                          any(t in self._names[best_n] for t in rare)) if matched else None

    def document_of(self, passage_id: str) -> str | None:
        """The id of the document a passage is from (None for an unknown id)."""
        section = self._section_of.get(passage_id)
        return section[0] if section else None

    def neighbours(self, passage_id: str) -> tuple[str, ...]:
        """The passages under the same heading of the same document, in order (itself included)."""
        return self._sections.get(self._section_of.get(passage_id), ())

    def of_document(self, document: str) -> tuple[str, ...]:
        """Every passage of a document, in order."""
        return self._of_document.get(document, ())

    def part_of(self, passage_id: str) -> str | None:
        """The part of its document a passage is in: from the last heading before it that names a municipality
        ("Odense kommune: Strategisk ressourceenhed", in a catalogue of several), else its document."""
        return self._part_of.get(passage_id)

    def nearby(self, passage_id: str, reach: int) -> tuple[str, ...]:
        """The passages of the same document at most `reach` places before or after it, in order (itself
        included): the text around it, under its heading and the ones before and after."""
        n = self._by_id.get(passage_id)
        if n is None:
            return ()
        document = self._section_of[passage_id][0]
        return tuple(self._ids[i] for i in range(max(0, n - reach), min(len(self._ids), n + reach + 1))
                     if self._section_of[self._ids[i]][0] == document)

    def rare_terms(self, passage_id: str, terms: frozenset[str]) -> frozenset[str]:
        """The terms of the question that the passage has and at most RARE_DF passages have."""
        n = self._by_id.get(passage_id)
        if n is None:
            return frozenset()
        return frozenset(t for t in terms if t in self._own[n] and len(self._postings[t]) <= RARE_DF)

    def terms_of(self, passage_id: str) -> frozenset[str]:
        """Every term of a passage (empty for an unknown id)."""
        n = self._by_id.get(passage_id)
        return self._own[n] if n is not None else frozenset()

    def sentences_of(self, passage_id: str) -> tuple[tuple[str, frozenset[str]], ...]:
        """A passage's sentences with their terms (empty for an unknown id)."""
        n = self._by_id.get(passage_id)
        return tuple(self._sentences[n]) if n is not None else ()

    def hit(self, passage_id: str, terms: frozenset[str],
            says: Callable[[str], bool] | None = None) -> PassageHit | None:
        """Passage `passage_id` as the answer to `terms`, quoting the sentences that match them (or its start).
        `says`: what the question asks for (a year, a phone number): a sentence that says it is quoted first."""
        n = self._by_id.get(passage_id)
        if n is None:
            return None
        coverage, matched = self.coverage(n, terms, self.weight)
        quote = self.quote(n, terms, self.weight, says) if matched or says else ()
        return PassageHit(passage_id, 0.0, round(coverage, 4), round(matched, 4),
                          quote or self._start(n))

    def _start(self, n: int) -> tuple[str, ...]:
        """The first sentences of passage n, leaving out headings in capitals unless there is nothing else."""
        texts = [s for s, _ in self._sentences[n]]
        return tuple(([s for s in texts if not _is_heading(s)] or texts)[:MAX_QUOTE_SENTENCES])

    def quote(self, n: int, terms: frozenset[str], weight: Callable[[str], float],
              says: Callable[[str], bool] | None = None) -> tuple[str, ...]:
        """The sentences of passage n that answer: the best one, and up to two more that share the question's
        terms, in the order the text has them. A sentence that `says` what is asked ranks above any other; with
        none that matches at all, nothing."""
        # A heading in capitals that the PDF left inside the text ("UDFORDRINGER I ODENSES ARBEJDE ...") is no
        # sentence of the passage to quote.
        scored = [(sum(weight(t) for t in terms & s_terms) + (SAYS_ASKED if says and says(text) else 0.0), i)
                  for i, (text, s_terms) in enumerate(self._sentences[n]) if not _is_heading(text)]
        if not scored or (says and max(scored)[0] <= 0):
            return ()
        best = max(scored)[1]
        chosen = {best}
        for score, i in sorted(scored, reverse=True):
            if len(chosen) >= MAX_QUOTE_SENTENCES or score <= 0:
                break
            chosen.add(i)
        # The best sentence keeps the sentence it leans on, and the one that leans on it, when there is room.
        sentences_n = self._sentences[n]
        context = [i for i in (best - 1 if _LEANS_BACK.match(sentences_n[best][0]) else None,
                               best + 1 if best + 1 < len(sentences_n) and _LEANS_BACK.match(sentences_n[best + 1][0])
                               else None)
                   if i is not None and i >= 0 and i not in chosen and not _is_heading(sentences_n[i][0])]
        # "Ressourcepersonen har fokus på ... boligområder. Hun har bl.a. ... Charlotteager, Taastrupgaard og
        # Gadehavegaard.": what she did goes with a sentence quoted that names her, if there is still room.
        going_on = [i + 1 for i in sorted(chosen) if i + 1 < len(sentences_n) and i + 1 not in chosen
                    and i + 1 not in context and _GOES_ON.match(sentences_n[i + 1][0])]
        # The best sentence always; then its context, then the other matching sentences, while they fit.
        kept, length = {best}, len(sentences_n[best][0])
        for i in (*context, *sorted(chosen - {best}), *going_on):
            if len(kept) <= MAX_QUOTE_SENTENCES and length + len(sentences_n[i][0]) <= MAX_QUOTE_CHARS:
                kept.add(i)
                length += len(sentences_n[i][0])
        return tuple(sentences_n[i][0] for i in sorted(kept))


def decide(hit: PassageHit | None) -> bool:
    """Whether a passage answers: it explains enough of the question, with enough evidence."""
    return hit is not None and (hit.coverage >= MIN_COVERAGE and hit.evidence >= MIN_EVIDENCE
                                or hit.coverage >= BROAD_COVERAGE and hit.evidence >= BROAD_EVIDENCE
                                or hit.coverage >= FULL_COVERAGE and hit.rare and (hit.shared >= 2 or hit.named))

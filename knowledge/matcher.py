"""Find the plan's answer to a free-text question, and say how sure we are.

Named stages, data passed forward:
- reading (knowledge/english.py): a message mostly in English is read as the Danish of the plan's glossary first;
- analysis (`_terms`): a question, every question variant of every topic and every passage of the plan's text go
  through the same analysis: Danish words (æ/ø/å folded, hyphenated compounds joined), question framing and who
  is asking dropped ("er der tale om", "som sundhedsplejerske"), compounds joined or split (a common Danish word
  stays whole), typo correction against the plan's own vocabulary (rapidfuzz; a common Danish word is not
  "corrected" into a plan word), Snowball stems (a noun made from a verb counts as the verb), the plan's synonyms
  (English words for the core terms among them), stop words dropped;
- acute danger (knowledge/acute.py): its own stage, on the typo-corrected words with stop words kept; it runs
  first and nothing outranks it;
- candidates: the topics whose question variants share a term with the question, and the passages (BM25,
  knowledge/passages.py);
- scores: each topic's confidence in [0, 1] from three signals - variant (IDF-weighted overlap with the closest
  question variant, plus rapidfuzz's token-sort ratio), coverage (how much of the question the topic's whole
  vocabulary explains; it also gates the score) and signals (a situation topic whose signal groups all occur gets
  at least `SITUATION_FLOOR`); a term weighs its IDF over the topics, capped by its rarity in everyday Danish;
- decision (`_decide`, `passages.decide`): answer, "Mente du ...?" or no answer; a passage answers when no topic
  does and it explains enough of the question, or when it says a rare word of the question that a topic below
  SURE_THRESHOLD never does; an address or a person's name is answered only by a text that holds one; a message
  about a child never gets an adult's answer;
- follow-ups (`in_context`): a short message that leans on the previous answer is read with it.

The weights and thresholds below were chosen on the tuning part of tests/eval and on fresh batches of questions
the plan had not been mended for (docs/matching.md, docs/evaluation.md); the held-back part is only reported.
"""
from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from enum import Enum
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from wordfreq import zipf_frequency

from .model import Knowledge
from . import acute_model
from .acute import AcuteDetector, PhraseIndex, phrases
from .english import EnglishReader
from .passages import PassageHit, PassageIndex, decide as passage_answers, sentences as text_sentences
from .text import drop_phrases, has_phrase, last_phrase_end, phrase_spans, phrase_table, stem, stems, unfold, words

FLOW_PREFIX = "flow:"         # candidates that start a guided flow
FLOW_PRIORITY = 2
ANSWER_THRESHOLD = 0.37      # at or above: answer (unless a close, unrelated runner-up)
SUGGEST_THRESHOLD = 0.22     # at or above (but below ANSWER): "Mente du ...?"
RUNNER_UP_MARGIN = 0.0      # a runner-up this close to the best makes the best uncertain
SURE_THRESHOLD = 0.60        # at or above: answer even with a close runner-up
SITUATION_FLOOR = 0.45
SPECIFIC_MAX_ZIPF = 4.5        # a word at least this common in Danish (wordfreq) is no reason to suggest a topic
# A passage that explains this much of the question, and says a rare word of it that the topic never does, answers
# instead of a topic below SURE_THRESHOLD ("værktøjskasse": the recommendation's text, not the list of five).
PASSAGE_BETTER = 0.8
_AFTER_FIRST_SENTENCE = re.compile(r"(?<=[.?!])\s+")  # where a message's first sentence ends (and each one)
# A worried staff member asking what to do or whom to call (folded words): "hvem skal jeg kontakte", "hvad gør jeg".
_ASKS_WHAT_TO_DO = re.compile(r"\b(?:hvem (?:skal|kan|boer) (?:jeg|vi|man) (?:kontakte|ringe til|tale med|gaa til|"
                              r"henvende mig til|sparre med)|hvem (?:kontakter|ringer) (?:jeg|vi|man)|"
                              r"hvad goer (?:jeg|vi|man)\b|hvad (?:skal|kan|boer) (?:jeg|vi|man) (?:goere|stille op)\b|"
                              r"hvad er (?:mit|vores|det) (?:naeste|foerste) skridt|"
                              r"who (?:do|should) i (?:contact|call)|what (?:do|should) i do)")
# A question asking whom to call, where to turn or stay ("kan hun ringe nogen steder?", "hvilke numre kan jeg give
# hende?", "hvor kan hun bo?", "hvem kan hun tale med?"): a contact answers it.
_ASKS_WHOM_TO_CALL = re.compile(r"\b(?:ring|ringe|ringer|nummer|nummeret|numre|numrene|telefon\w*|kontakte?|kontakter|"
                                r"henvende|henvise|bo|snakke|tale|hjaelp|hjaelpe|call|phone|number|numbers|contact|"
                                r"refer|stay|talk)\b")
# Words right after danger said to be absent that say when it is absent, when only who said so follows ("hun er
# ikke truet lige nu siger hun"): part of the absence. Followed by anything else ("ingen trusler lige nu kommer
# familien ...") they start what is read.
_ABSENT_TAILS = (("lige", "nu"), ("i", "oejeblikket"), ("for", "tiden"), ("nu",))
_SAID_BY = frozenset({"siger", "sagde", "fortaeller", "fortalte", "skriver", "skrev"})
# A chat spelling of "ikke" inside a sentence ("hun er ikk bange"), read as "ikke" for the acute and worry readings;
# a tag question ("han slår hende, ik?", "… ikk") is no denial, so "ik" and a spelling before a comma, a question
# mark or the end stay as they are.
_CHAT_IKKE = re.compile(r"\b(?:ikk|ikek|ikkke)\b(?=[ \t]+\w)", re.I)
DOUBT_REACH = 4  # a doubt at most this many words before danger said to be absent takes the absence back
MAX_SENTENCES = 8  # a situation's sentences read one by one for what they ask, at most this many
MIN_SENTENCE_WORDS = 4
FOLLOW_UP_MAX_WORDS = 12     # a longer message is a question of its own, not a follow-up
# This short, a message after an answer leans on it without any marker ("af hvem?"), when it asks with a question
# word and gets no answer of its own ("ja", "nej", "hvad?" do not).
FOLLOW_UP_ELLIPSIS_WORDS = 3
_ELLIPSIS_QUESTION = frozenset({"hvem", "hvor", "hvornaar", "hvilke", "hvilken", "hvilket", "hvordan", "hvorfor"})
COMPOUND_HEAD = 5  # a word this long that ends a compound of the text counts as said by it ("områder")
RELATED_IDF = 2.0               # a subject word in more topics than this IDF says is too common to relate two answers
# A small word ("under") joins the next word into a compound the plan writes ("under retningspligt") when the
# compound has this many letters (folded: "æ" is "ae"), and the other word at least SMALL_JOIN_PART and is no word
# of its own (not the plan's, nor a form of one, and rarer than SMALL_JOIN_PART_ZIPF in Danish, also without up to
# three letters of an ending: "kvinden", "skolen" and "ældrene" are words).
SMALL_JOIN_MIN = 10
SMALL_JOIN_PART = 6
SMALL_JOIN_PART_ZIPF = 2.5
# A follow-up may be answered from the passages this many places before or after the one remembered, in its document.
NEARBY_PASSAGES = 4
CONTEXT_PASSAGE_COVERAGE = 0.3  # the passage most about a question is kept for its follow-ups from this coverage
# numbers in words, and the units of time a count of which asks how long ("hvor mange år?"); folded words
_NUMBER_WORDS = "to|tre|fire|fem|seks|syv|otte|ni|ti|elleve|tolv|tyve|hundrede"
_DURATION_UNITS = "aar|maaneder|uger|dage|timer"
_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.I)
ADDRESS_WORDS = frozenset({"adresse", "adressen", "adresser", "adresserne", "besoegsadresse", "postadresse"})
# A follow-up that asks how long, when, what it costs or when it is open is answered only by a text that says a
# duration, a time, a price or opening hours ("hvor længe skal den køre?" is not answered by the recommendation's
# card again unless it names the time). Read in the folded words (æ/ø/å as ae/oe/aa) of the follow-up.
_ASKS_VALUE = {
    "duration": re.compile(rf"\bhvor (?:laenge|lang tid|meget tid)\b|\bhvor mange (?:{_DURATION_UNITS})\b"),
    "price": re.compile(r"\b(?:koster|prisen|pris|gebyr|egenbetaling)\b"),
    "hours": re.compile(r"\b(?:aabent|aaben|aabne|aabningstid|aabningstider|om natten|i weekenden|weekend)\b"),
    "frequency": re.compile(r"\bhvor (?:tit|ofte|hyppigt?)\b|\bhvor mange gange\b"),
    # a year, not "hvornår" alone: "hvornår må jeg inddrage familien?" asks for a condition
    "year": re.compile(r"\bsiden hvornaar\b|\bhvilket (?:aar|aarstal)\b|\bhvornaar (?:blev|startede|begyndte|"
                       r"sluttede|slutter|udloeber|stopper|stoppede|aabnede|kom|skete|sket|fandt)\b"),
    # a day: "hvornår er det næste møde?", "hvilken dato?"
    "date": re.compile(r"\bhvilken dato\b|\bdatoen\b|\bnaeste (?:moede|moeder|kursus|temadag|netvaerksmoede)\b"),
    # an age: "er der en aldersgrænse?", "hvor gammel skal man være?", "og hvis hun er 15?", "hendes søster på 14?"
    "age": re.compile(r"\baldersgraens\w*|\balder(?:en|sgruppe\w*)?\b|\bhvor gaml?e?\b|\bhvor gammel\b|"
                      r"\b(?:er|paa|bliver|fylder) (?:[1-9]|[1-9]\d)(?: aar)?$|\b[1-9]\d? ?aarige?\b"),
}
_SAYS_VALUE = {
    # an age ("over 18 år") is no length of time
    "duration": re.compile(r"(?<!over )(?<!under )(?<!fyldt )(?<!fylder )"
                           r"\b(?:\d+|et|en|to|tre|fire|fem|seks|syv|otte|ni|ti|halvt?)(?:[-–]\d+| til \w+)? ?"
                           r"(?:år|måned(?:er)?|uger?|dage?|døgn|timer?|minut(?:ter)?|semestre?)\b|\b(?:19|20)\d\d\b",
                           re.I),
    "price": re.compile(r"\bkr\.?\b|\bkroner\b|\bgratis\b|\bpris|\bbetal|\bomkostning|\budgift", re.I),
    "hours": re.compile(r"\bdøgn|\balle dage\b|\bhverdag|\bkl\.|\båbent\b|\båben\b|\båbnings|\bweekend|"
                        r"\bnat\b|\bnatten\b|\bom aftenen\b", re.I),
    # "hver anden måned", "to gange om året", "årligt", "10 %" of the cases; not "ved behov" or "i gang"
    "frequency": re.compile(r"\bhver(?:t|e)? (?:\w+ )?(?:dag|uge|måned|år|halve år|kvartal|gang)|"
                            r"\b(?:\d+|en|én|et|to|tre|fire|fem|seks|et par) gange? (?:om|i|pr\.?|hver|om året)\b|"
                            r"\b(?:halv)?årlig|\bmånedlig|\bugentlig|\bdaglig|\bom (?:året|måneden|ugen)\b|"
                            r"\d ?%|\bprocent", re.I),
    "year": re.compile(r"\b(?:19|20)\d\d\b"),
    "date": re.compile(r"\b\d{1,2}\. ?(?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)[a-z]*\b|"
                       r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b", re.I),
    # "16-30 år", "mellem 16 og 30", "over 18", "unge under 18", "15-årige", "fra 12 år"
    "age": re.compile(r"\b\d{1,2} ?(?:[-–]|til|og) ?\d{1,2} ?år|\b(?:over|under|fra|fyldt|fylder|mellem) \d{1,2}\b|"
                      r"\b\d{1,2}[-–]årige?\b|\b\d{1,2} år\b", re.I),
}
_EIGHT_DIGITS = r"\d{2} ?\d{2} ?\d{2} ?\d{2}"
_PHONE = re.compile(rf"{_EIGHT_DIGITS}|\b1\d{{2,3}}\b")
# The sentence that says a phone number (quoted first): eight digits or a national short number, not any number
# from 100 to 1999 ("1.693 henvendelser").
_PHONE_SAID = re.compile(rf"{_EIGHT_DIGITS}|\b(?:112|114|1813|1888)\b")
_ADDRESS = re.compile(r"\b\w+(?:vej|gade|allé|alle|plads|torv|stræde|boulevard) \d+|\b\d{4} [A-ZÆØÅ][a-zæøå]+")
# "hvem er leder af ...", "hvad hedder repræsentanten": a person's name is asked for. The plans name hardly anyone,
# so only a text that holds a name with its role ("Halima El Abassi (forkvinde)") answers it, like an address.
_NAME_ROLES = (r"(?:personen|lederen|leder|chefen|chef|formanden|formand|forkvinden|forkvinde|forpersonen|direktoeren|"
               r"direktoer|repraesentanten|koordinatoren|tovholderen|tovholder|kontaktpersonen|videnspersonen|"
               r"sagsbehandleren|medarbejderen|konsulenten|ssp ?koordinatoren)")
# "hvem er tovholder" is answered by a team or a role ("SSP er tovholder"); "hvem er leder af ..." by a person.
_LEADER_ROLES = (r"(?:lederen|leder|chefen|chef|formanden|formand|forkvinden|forkvinde|forpersonen|direktoeren|direktoer|"
                 r"projektlederen|projektleder)")
_ASKS_NAME = re.compile(rf"\b(?:hvad hedder (?:\w+ )?\w*{_NAME_ROLES}|hvad hedder (?:hun|han|de)\b|"
                        rf"hvem (?:er|var) (?:den )?{_LEADER_ROLES}\b|(?:navnet|navne|navn) paa (?:\w+ )?{_NAME_ROLES})")
_NAMED_PERSON = re.compile(r"[A-ZÆØÅ][a-zæøå]+(?: [A-ZÆØÅ][a-zæøå]+){1,3} \((?:forkvinde|formand|forperson|leder|"
                           r"tovholder|koordinator)\)")
# said in one sentence with the subject
_VALUE_KINDS = frozenset({"number", "duration", "frequency", "year", "price", "age"})
# asked in words that say nothing of the subject ("hvor lang tid", "hvor tit", "hvornår slutter"); "siden" is said
# by the answer too ("siden 2021")
_FORM_ONLY = ("duration", "frequency", "year", "age")
_FORM_KEPT = frozenset({"siden"})
# What a text must hold when a follow-up asks for it, beside the values above: the sentence to quote first.
# "hvor mange ...?" is answered by a count: not a year ("til og med 2029") or a section of a law ("§ 260").
_COUNT = re.compile(r"(?<!§ )(?<!§)\b(?!(?:19|20)\d\d\b)\d+(?:[.,]\d+)?\b|"
                    rf"(?<!ikke )\b(?:{_NUMBER_WORDS}|halvdelen)\b", re.I)
# what a count is asked of: "hvor mange netværksmøder", "hvor mange ansatte har enheden" (folded words)
# ("hvor mange gange om året?", "hvor mange timer?" ask how often or how long: the unit is no thing counted)
_COUNTED = re.compile(rf"\bhvor mange (?!(?:gange|{_DURATION_UNITS}|minutter|procent|kr|kroner)\b)(\w+)")
_SAYS_KIND = {"phone": _PHONE_SAID, "email": re.compile("@"), "number": _COUNT, "address": _ADDRESS,
              "name": _NAMED_PERSON}
TYPO_CUTOFF = 82
TYPO_SAME_INITIAL = True      # a typo is corrected only to a word with the same first letter
CONTACT_ANSWERS_HOW = True    # a contact card covers "mail", "telefonnummer", "hvordan får jeg fat i" about it
PREFIX_STEM_MIN = 7           # an unknown stem shares this many first letters with a plan stem: the same word
COMPOUND_TAIL_ZIPF = 3.0      # ... unless the rest is a Danish word of its own: then it is a compound
# A noun made from a verb is the verb's word ("beslutning" / "beslutte", "vurdering" / "vurdere"): Snowball leaves
# these apart. A stem that is another stem plus one of these endings counts as that stem.
DERIVATION_SUFFIXES = ("ning", "ering", "ing", "else", "els", "ation")
MIN_DERIVATION_BASE = 4
SURE_TYPO_CUTOFF = 90        # a typo this close is fixed before a compound is split
REAL_WORD_ZIPF = 3.5         # a word this common in Danish is only "corrected" when nearly identical
REAL_WORD_TYPO_CUTOFF = 92
MIN_TYPO_LEN = 3
MIN_PART_LEN = 4             # the shortest part a compound is split into
VARIANT_WEIGHT = 0.7
COVERAGE_GATE = 0.75          # score *= coverage ** COVERAGE_GATE
KEYWORD_WEIGHT = 0.9         # a keyword alone matches a little less than a question variant
ANSWER_TEXT_WEIGHT = 0.7     # the answer's own words count, at this weight
EVIDENCE_WEIGHT = 2.0        # the matched words' weight below which a topic's score is scaled down
# A word the plan never uses weighs like the plan's rarest words if it is rare in Danish ("adgangskode"),
# down to UNKNOWN_COMMON_WEIGHT if it is everyday Danish ("kort", "slags"): Zipf frequency from wordfreq,
# interpolated between UNKNOWN_RARE_ZIPF and UNKNOWN_COMMON_ZIPF. The plan's own words weigh no more than
# that either, down to CHOSEN_COMMON_WEIGHT for the words of its questions and keywords (0: no cap).
UNKNOWN_RARE_ZIPF = 3.5
UNKNOWN_COMMON_ZIPF = 6.0
UNKNOWN_COMMON_WEIGHT = 1.5
CHOSEN_COMMON_WEIGHT = 2.5


# Who a message is about, read from a school class ("fra 7.b", "i 9. klasse", "8a") or an age ("på 14", "16 år",
# "en 15-årig"): under 18 is a child. The words are folded (æ/ø/å as ae/oe/aa), as `words` gives them.
ADULT_AGE = 18
AUDIENCE_WORDS = {"child": "elev", "adult": "voksen"}  # what a class or an age counts as in the situation signals
_CLASS = re.compile(r"^(?:[0-9]|10)[a-z]$")
_AGED = frozenset({"aarig", "aarige"})                      # "en 15-årig": always an age
_IS_AGED = frozenset({"er", "bliver", "blev", "fylder", "fyldt"})  # "hun er 16 (år)"
_PERSON = frozenset({"pige", "pigen", "dreng", "drengen", "elev", "eleven", "barn", "barnet", "ung", "unge",
                     "datter", "soen", "kvinde", "kvinden", "mand", "manden", "borger", "borgeren", "kursist",
                     "bror", "soester", "storebror", "lillebror", "storesoester", "lillesoester", "teenager",
                     "fyr", "kone", "pigebarn"})             # "en pige på 14 (år)"; not "boet her på 3 år"
_NOT_AN_AGE = frozenset({"dage", "dag", "uger", "uge", "maaneder", "maaned", "timer", "time", "minutter", "gange",
                         "kr", "kroner", "procent", "sider", "elever", "boern", "klasse", "klasser", "piger",
                         "drenge", "kvinder", "maend", "personer", "familier", "soeskende", "doetre", "soenner"})


_PUPIL = frozenset({"elev", "eleven", "elever", "eleverne", "elevs", "skoleelev", "klassen", "klasse"})

# A worry told at length that nothing else answers gets the plan's card on what to do when worried about a child
# or an adult (`Matcher.match`, the learned worry reading). Who it is about, when no class or age says it: the
# words that mostly go with a child, or with an adult. A message with as many of each is offered both cards.
WORRY_TOPICS = {"child": "bekymring-barn", "adult": "bekymring-voksen"}
_CHILD_WORDS = frozenset({"pige", "pigen", "piger", "pigerne", "dreng", "drengen", "drenge", "drengene", "barn",
                          "barnet", "boern", "boernene", "skole", "skolen", "skoleelev", "sfo", "fritidsklub",
                          "fritidsklubben", "klub", "klubben", "ungdomsskole", "ungdomsskolen", "teenager",
                          "foraeldre", "foraeldrene", "foraeldresamtale", "lejrskole", "lejrskolen", "idraet",
                          "frikvarter", "frikvarteret", "skolegaarden", "lektier", "kontaktlaerer", "klasselaerer",
                          "underretning", "underrette", "underretter"})
_ADULT_WORDS = frozenset({"kvinde", "kvinden", "kvinder", "borger", "borgeren", "voksen", "voksne", "kone",
                          "konen", "hustru", "aegtefaelle", "aegtefaellen", "svigerfamilie", "svigerfamilien",
                          "svigermor", "svigerfar", "jobcenter", "jobcentret", "jobcenteret", "sprogskole",
                          "sprogskolen", "kursist", "kursisten", "praktik", "ressourceforloeb", "job", "jobbet",
                          "opholdstilladelse", "skilsmisse", "gift", "aegteskab",
                          "aegteskabet", "eksmand", "ekskaereste"})


def audience_of(message: list[str]) -> str | None:
    """"child" or "adult" when the message names a pupil, a school class or a person's age, else None."""
    schooled = any(w in _PUPIL or _CLASS.match(w) for w in message)
    for i, word in enumerate(message):
        if word in _PUPIL:
            # a pupil is a child, unless the pupil's own age says otherwise ("en elev på 19" at HF or sprogskole;
            # not "en klasse på 24 elever")
            age = message[i + 2] if (word in ("elev", "eleven") and i + 2 < len(message)
                                     and message[i + 1] in ("paa", "er")) else ""
            later = message[i + 3] if i + 3 < len(message) else ""
            adult = age.isdigit() and ADULT_AGE <= int(age) < 100 and later not in _NOT_AN_AGE
            return "adult" if adult else "child"
        after = message[i + 1] if i + 1 < len(message) else ""
        before = message[i - 1] if i else ""
        if _CLASS.match(word) or (word.isdigit() and int(word) <= 10
                                  and (len(after) == 1 and after.isalpha() or after.startswith("klasse"))):
            return "child"
        if not word.isdigit() or not 0 < int(word) < 100 or after in _NOT_AN_AGE:
            continue
        if before in ("under", "over") and int(word) == ADULT_AGE:
            return "child" if before == "under" else "adult"
        person_on = before == "paa" and i >= 2 and message[i - 2] in _PERSON
        # "en kvinde (34)", "one of the girls (14)": a number right after a person is her age, unless a pupil or a
        # class says who the message is about ("hendes storebror 25 ... hun går i 8. klasse")
        if after in _AGED or before in _IS_AGED or person_on or before in _PERSON and not schooled:
            return "child" if int(word) < ADULT_AGE else "adult"
    return None


@lru_cache(maxsize=50000)
def _zipf(word: str) -> float:
    return zipf_frequency(unfold(word), "da")


@lru_cache(maxsize=20000)
def _is_word(part: str) -> bool:
    """The first part of a compound is a Danish word ("bolig" in "boligområder"; not "be" or "sagsbe"), with or
    without its linking s or e."""
    return len(part) >= 3 and any(zipf_frequency(p, "da") >= 3.0 for p in (part, part[:-1]) if len(p) >= 3)


def _said_in(term: str, said) -> bool:
    """Whether a text's terms say a term: it or a form of it ("opdateret" / "opdatere"), or a compound it is the
    head of ("boligområder" says "områder")."""
    return term in said or len(term) >= MIN_DERIVATION_BASE and any(
        t.startswith(term) or term.startswith(t) or len(term) >= COMPOUND_HEAD and t.endswith(term)
        and _is_word(t[:-len(term)]) for t in said if len(t) >= MIN_DERIVATION_BASE)


def _says_asked(wants: set[str]):
    """Whether a sentence says what a follow-up asks for (a year, a phone number, a price), or None if it asks for
    nothing of the kind: the sentence to quote first."""
    patterns = [p for p in (_SAYS_VALUE.get(k) or _SAYS_KIND.get(k) for k in sorted(wants)) if p is not None]
    if not patterns:
        return None
    return lambda sentence: any(p.search(sentence) for p in patterns)


class Decision(Enum):
    ANSWER = "answer"
    DID_YOU_MEAN = "did_you_mean"
    NO_ANSWER = "no_answer"


@dataclass(frozen=True)
class Candidate:
    topic_id: str
    score: float
    # How much of the question (IDF-weighted) the topic's vocabulary explains; a situation found by its signals
    # counts as explained.
    coverage: float = 1.0
    # Whether the topic shares a word with the question that is not everyday Danish (or a situation's signals):
    # only such a topic is offered as "Mente du ...?" ("ferie" is no reason to suggest § 215 a).
    specific: bool = True


@dataclass(frozen=True)
class MatchResult:
    """The ranked candidates for one question, whether it signals acute danger, and what to do.

    `passage`: the plan's own text that answers, when no topic does (or it answers better)."""

    candidates: tuple[Candidate, ...]
    acute: bool
    decision: Decision = Decision.NO_ANSWER
    passage: PassageHit | None = None
    # The passage that is most about the question, answered or not: a follow-up may ask what only it says.
    context_passage: str | None = None
    # A worry told at length that nothing else answered ("child" or "adult"): the answer is the plan's card on
    # what to do when worried about one, and the reply says so.
    worry: str | None = None
    # Beside a card on what to do when worried: the topics that single sentences of the situation ask about
    # ("... Er sådan noget overhovedet ulovligt?"), offered first among its buttons.
    asked_too: tuple[str, ...] = ()
    # ... and the topic whose numbers a question of it asks for ("... Kan hun ringe nogen steder anonymt?"):
    # its contacts go on that card.
    call: str | None = None
    # ... and the topic that answers the situation's own question ("... Findes der et sted, hun kan bo?"): its
    # short answer is on that card too, under the plan's steps.
    question: str | None = None

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def confident(self) -> str | None:
        """The topic to answer with, or None when there is no confident answer."""
        return self.candidates[0].topic_id if self.decision is Decision.ANSWER else None

    @property
    def flow(self) -> str | None:
        """The flow to start, when the confident match is a flow's trigger."""
        confident = self.confident
        return confident[len(FLOW_PREFIX):] if confident and confident.startswith(FLOW_PREFIX) else None

    @property
    def tied(self) -> tuple[str, ...]:
        """Topics that match exactly as well as the confident one ("paragraf 19"): offered beside the answer."""
        confident = self.confident
        if confident is None:
            return ()
        return tuple(c.topic_id for c in self.candidates[1:]
                     if c.score >= self.candidates[0].score and not c.topic_id.startswith(FLOW_PREFIX))

    def suggestions(self, limit: int = 3) -> tuple[str, ...]:
        """The closest topics worth offering when there is no confident answer (never one that shares only
        everyday words with the question)."""
        return tuple(c.topic_id for c in self.candidates
                     if c.score >= SUGGEST_THRESHOLD and c.specific and not c.topic_id.startswith(FLOW_PREFIX))[:limit]

    def remembered(self) -> tuple[str, ...]:
        """The ids the next message is read with as a follow-up (`Matcher.in_context`), never what was typed: the
        answer given and the passage most about its question; unanswered, that passage alone (not after acute
        danger); else nothing."""
        answered = self.confident if self.flow is None else None
        answered = answered or (self.passage.passage_id if self.passage is not None else None)
        if answered is not None:
            return tuple(i for i in (answered, self.context_passage) if i)
        if self.context_passage is not None and not self.acute:
            return (self.context_passage,)
        return ()


@dataclass(frozen=True)
class _Variant:
    topic_id: str
    terms: frozenset[str]
    text: str
    weight: float
    factor: float  # 1 for a question or title, KEYWORD_WEIGHT for a keyword


class Matcher:
    """Ranks a plan's topics for a question. Built once per plan; `match` only reads."""

    def __init__(self, knowledge: Knowledge, learned: bool = True):
        """`learned=False`: without the learned readings (to train them: benchmarks/train_acute.py)."""
        # The municipality's own name tells nothing apart inside its own plan.
        own_name = [f for w in words(knowledge.meta.municipality.replace("Kommune", "")) for f in (w, w + "s")]
        self._stopwords = frozenset([*(w for s in knowledge.stopwords for w in words(s)), *own_name])
        # A mistyped small word ("hvd", "skla", "hvme") is the word, not a rare word that outweighs the question.
        self._function_words = sorted(w for w in {*self._stopwords, *(w for q in knowledge.question_words
                                                                     for w in words(q))}
                                      if len(w) >= MIN_TYPO_LEN)
        self._fillers = phrase_table(knowledge.fillers)
        self._english = EnglishReader(knowledge.english)
        acute_signals = knowledge.acute
        self._idioms = phrase_table((*acute_signals.idioms, *acute_signals.absent, *acute_signals.asked_about))
        # With a doubt right before it ("ikke sikker på, at hun ikke er i fare"), danger said to be absent is kept.
        self._idioms_in_doubt = phrase_table((*acute_signals.idioms, *acute_signals.asked_about))
        self._doubt = phrase_table(acute_signals.doubt)
        self._absent = phrase_table(acute_signals.absent)
        self._asked_about = phrase_table(acute_signals.asked_about)
        self._synonyms = self._build_synonyms(knowledge.synonyms)
        self._max_phrase = max((len(p) for p in self._synonyms), default=1)
        self._synonym_stems = frozenset(s for p in self._synonyms for s in p)
        # Two words that are part of a synonym phrase stay two words ("social kontrol").
        self._synonym_pairs = frozenset(p[i:i + 2] for p in self._synonyms for i in range(len(p) - 1))
        self._vocabulary: set[str] = set()
        self._derived: dict[str, str] = {}  # filled once every text's stems are known
        self._title_terms: dict[str, frozenset[str]] = {}
        raw: list[tuple[str, tuple[str, ...], float]] = []
        topic_terms: dict[str, set[str]] = defaultdict(set)
        answer_terms: dict[str, set[str]] = defaultdict(set)
        prose_surfaces: dict[str, str] = {}
        chosen_surfaces: dict[str, str] = {}
        for topic_id, resolved in knowledge.topics.items():
            if topic_id == knowledge.acute.topic:
                # The acute card comes from acute.yaml's phrases and word lists, before any topic, and never
                # from words it shares with ordinary questions ("hvem ringer jeg til ... bekymret").
                continue
            topic = resolved.topic
            for n, text in enumerate((topic.title, *topic.questions)):
                terms = self._terms(words(text), learn=True, surfaces=chosen_surfaces)
                raw.append((topic_id, terms, 1.0))
                topic_terms[topic_id].update(terms)
                if n == 0:
                    self._title_terms[topic_id] = frozenset(terms)
            for keyword in topic.keywords:
                terms = self._terms(words(keyword), learn=True, surfaces=chosen_surfaces)
                raw.append((topic_id, terms, KEYWORD_WEIGHT))
                topic_terms[topic_id].update(terms)
            if ANSWER_TEXT_WEIGHT:
                # The answer's own words: how the plan says it, which is often how staff ask.
                terms = self._terms(words(" ".join((topic.answer, *topic.points))), learn=True,
                                    surfaces=prose_surfaces)
                raw.append((topic_id, terms, ANSWER_TEXT_WEIGHT))
                answer_terms[topic_id].update(terms)
        for flow_id, resolved_flow in knowledge.flows.items():
            # A flow is found by its trigger phrases, like a topic by its questions.
            for text in (resolved_flow.flow.title, *resolved_flow.flow.triggers):
                terms = self._terms(words(text), learn=True)
                raw.append((FLOW_PREFIX + flow_id, terms, 1.0))
                topic_terms[FLOW_PREFIX + flow_id].update(terms)
        # The plan's own text is plan vocabulary too: its words are known words (never "corrected"), its stems join.
        passage_terms = set()
        for passage in knowledge.passages.values():
            passage_terms.update(self._terms(words(f"{passage.section} {passage.text}"), learn=True))
        self._derived = self._derivations(set().union(*topic_terms.values(), *answer_terms.values(), passage_terms))
        if self._derived:
            d = self._derived
            raw = [(t, tuple(d.get(x, x) for x in terms), f) for t, terms, f in raw]
            topic_terms = defaultdict(set, {k: {d.get(x, x) for x in v} for k, v in topic_terms.items()})
            answer_terms = defaultdict(set, {k: {d.get(x, x) for x in v} for k, v in answer_terms.items()})
            self._title_terms = {k: frozenset(d.get(x, x) for x in v) for k, v in self._title_terms.items()}
            for table in (prose_surfaces, chosen_surfaces):
                for term in [t for t in table if t in d]:
                    table.setdefault(d[term], table.pop(term))
        df: dict[str, int] = defaultdict(int)
        for topic_id in topic_terms:
            for term in topic_terms[topic_id] | answer_terms[topic_id]:
                df[term] += 1
        n_topics = len(topic_terms)
        self._idf = {term: math.log(1 + n_topics / count) for term, count in df.items()}
        self._unknown_idf = math.log(1 + n_topics)
        self._known_stems = sorted(t for t in self._idf if not t.startswith("="))
        # A word only the answers' prose uses ("slags", "tale") is rare in the plan by chance: it weighs no
        # more than its rarity in everyday Danish says. Question variants and keywords are chosen words.
        chosen = set().union(*topic_terms.values())
        for term, surface in prose_surfaces.items():
            if term not in chosen and term in self._idf:
                self._idf[term] = min(self._idf[term], self._unknown_weight(surface))
        if CHOSEN_COMMON_WEIGHT:
            for term, surface in chosen_surfaces.items():
                if term in self._idf:
                    self._idf[term] = min(self._idf[term], self._unknown_weight(surface, CHOSEN_COMMON_WEIGHT))
        self._topic_terms = {t: frozenset(terms) for t, terms in topic_terms.items()}
        self._answer_terms = {t: frozenset(terms) for t, terms in answer_terms.items()}
        self._variants = tuple(
            _Variant(topic_id, frozenset(terms), " ".join(sorted(set(terms))), self._weight(set(terms)), factor)
            for topic_id, terms, factor in raw if terms
        )
        self._priority = {t: r.topic.priority for t, r in knowledge.topics.items()}
        self._contacts = frozenset(t for t, r in knowledge.topics.items() if r.topic.kind == "contact")
        # Typing a flow's trigger starts the flow rather than showing the topic of the same words.
        self._priority.update({FLOW_PREFIX + f: FLOW_PRIORITY for f in knowledge.flows})
        self._by_term: dict[str, list[int]] = defaultdict(list)
        for i, variant in enumerate(self._variants):
            for term in variant.terms:
                self._by_term[term].append(i)
        # Synonyms are known words: never "corrected" or split into something else.
        for group in knowledge.synonyms:
            self._vocabulary.update(w for phrase in group for w in words(phrase))
        acute = knowledge.acute
        # Acute phrases and situation signals are matched with typo correction too.
        combinations = acute.resolved_combinations()
        for phrase in (*acute.phrases, *(w for combo in combinations for g in combo for w in g),
                       *(w for t in knowledge.topics.values() for g in t.topic.signals for w in g)):
            self._vocabulary.update(w for w in words(str(phrase)) if w not in self._stopwords)
        self._vocabulary_list = sorted(self._vocabulary)
        # A typo keeps its first letter: "hrafdelingen" is not a slip for "afdelingen" (and the search is smaller).
        self._vocabulary_by_initial: dict[str, list[str]] = defaultdict(list)
        for word in self._vocabulary_list:
            self._vocabulary_by_initial[word[0]].append(word)
        self._stem_vocabulary = frozenset(stem(w) for w in self._vocabulary)
        # Question words and the words of the generated contact questions ("telefonnummer", "mail")
        # say what kind of answer is wanted, not what it is about.
        template_words = (t.replace("{name}", " ") for ts in knowledge.contact_questions.values() for t in ts)
        topic_keywords = {t for r in knowledge.topics.values() if r.topic.kind != "contact"
                          for k in r.topic.keywords for t in self._terms(words(k))}
        self._contact_words = frozenset(t for text in template_words for t in self._terms(words(text))
                                        if t not in topic_keywords)
        self._non_topic = frozenset([*(stem(w) for q in knowledge.question_words for w in words(q)),
                                     *self._contact_words])
        # One phrase index finds acute danger (its own stage, knowledge/acute.py) and situation signals at once.
        index = self._phrase_index = PhraseIndex()
        self._acute = AcuteDetector(acute, index, acute_model.shipped() if learned else None)
        self._worry = acute_model.shipped_worry() if learned else None
        self._worry_topics = {a: t for a, t in WORRY_TOPICS.items() if t in knowledge.topics}
        self._kind = {t: r.topic.kind for t, r in knowledge.topics.items()}
        self._signal_ids = {
            t: tuple(frozenset(index.add(p) for p in phrases(group)) for group in r.topic.signals)
            for t, r in knowledge.topics.items() if r.topic.signals}
        self._related = {t: {r.id for r in resolved.related} | {f"kontakt-{c.id}" for c in resolved.contacts}
                            | ({FLOW_PREFIX + resolved.topic.flow} if resolved.topic.flow else set())
                         for t, resolved in knowledge.topics.items()}
        self.topic_ids = tuple(knowledge.topics)
        self._passages = PassageIndex(knowledge.passages, lambda text: self._terms(words(text), learn=True),
                                      {d: f"{x.title} {x.publisher}" for d, x in knowledge.documents.items()})
        # "ifølge", "skriver", "rapporten" say where to look: a passage is judged on the rest of the question.
        self._passage_blind = self._non_topic | {t for w in knowledge.source_words for t in self._terms(words(w))}
        # For follow-ups: what each answer says (its terms), what it is about (its subject), how to reach its contacts.
        self._markers = phrase_table(knowledge.follow_up_markers)
        self._subject = {t: r.topic.title for t, r in knowledge.topics.items()}
        self._topic_texts = {t: (r.topic.answer, *r.topic.points) for t, r in knowledge.topics.items()}
        self._topic_sentences: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {}  # filled as asked
        self._subject.update({p: f"{x.section}" for p, x in knowledge.passages.items()})
        # The documents a topic's answer cites (a passage's own document is the passage index's).
        self._documents_of = {t: frozenset(s.document for s in r.topic.sources) for t, r in knowledge.topics.items()}
        self._reach = {t: {"phone": any(c.phone for c in r.contacts) or bool(_PHONE.search(r.topic.answer)),
                           "email": any(c.email for c in r.contacts) or "@" in r.topic.answer}
                       for t, r in knowledge.topics.items()}
        self._reach.update({p: {"phone": bool(_PHONE.search(x.text)), "email": "@" in x.text}
                            for p, x in knowledge.passages.items()})
        for item in self._reach:
            text = knowledge.passages[item].text if item in knowledge.passages else " ".join(
                (*self._topic_texts[item], *(f"{c.phone_label or ''} {c.hours or ''} {c.description or ''}"
                                              for c in knowledge.topics[item].contacts)))
            self._reach[item]["number"] = bool(_NUMBER.search(text))
            self._reach[item]["address"] = bool(_ADDRESS.search(text))
            self._reach[item]["name"] = bool(_NAMED_PERSON.search(text))
            for kind, says in _SAYS_VALUE.items():
                self._reach[item][kind] = bool(says.search(text))
        templates = {kind: frozenset(t for text in knowledge.contact_questions.get(kind, ())
                                     for t in self._terms(words(text.replace("{name}", " "))))
                     for kind in ("phone", "email")}
        questions = {stem(w) for q in knowledge.question_words for w in words(q)}
        self._wants = {kind: frozenset(t for t in terms & self._contact_words if len(t) > 2 and t not in questions)
                       for kind, terms in templates.items()}
        # "hvor mange ..." asks for a number: the answer must hold one.
        self._wants["number"] = frozenset(t for t in self._terms(["hvor", "mange"]) if t.startswith("="))
        self._audience = {t: r.topic.audience for t, r in knowledge.topics.items()}
        self._audience.update({FLOW_PREFIX + f: r.flow.audience for f, r in knowledge.flows.items()})

    @staticmethod
    def _derivation_base(term: str, known) -> str | None:
        """The known stem `term` is made from by a derivational ending ("beslutning" -> "beslut"), if any."""
        for suffix in DERIVATION_SUFFIXES:
            base = term[:-len(suffix)]
            if term.endswith(suffix) and len(base) >= MIN_DERIVATION_BASE and base in known:
                return base
        return None

    @classmethod
    def _derivations(cls, terms: set[str]) -> dict[str, str]:
        """Plan stems that are another plan stem plus a derivational ending, mapped to that stem."""
        bases = {t: cls._derivation_base(t, terms) for t in terms if not t.startswith("=")}
        return {t: base for t, base in bases.items() if base}

    @staticmethod
    def _build_synonyms(groups) -> dict[tuple[str, ...], str]:
        table: dict[tuple[str, ...], str] = {}
        for group in groups:
            canonical = "=" + "_".join(stems(group[0]))
            for phrase in group:
                table[stems(phrase)] = canonical
        return table


    def _signal_words(self, message: list[str], doubted: bool | None = None) -> tuple[str, ...]:
        """The message's words as acute phrases and signals see them: typo-corrected, stop words kept."""
        surface = drop_phrases(message, self._left_out(message, doubted))
        # A word an acute or signal phrase already covers stays whole ("voldtaget" is not "vold" + "taget").
        return tuple(p for w in self._join_compounds(surface, whole_small_words=True)
                     for p in ([w] if self._phrase_index.starts(w) else self._known_parts(w)))

    def _weight(self, terms) -> float:
        return sum(self._idf.get(t, self._unknown_idf) for t in terms)

    def _correct(self, word: str, cutoff: float = TYPO_CUTOFF) -> str:
        if (word in self._vocabulary or word in self._stopwords or word.isdigit()
                or len(word) < MIN_TYPO_LEN or not self._vocabulary_list):
            return word
        zipf = _zipf(word)
        real_word = zipf >= REAL_WORD_ZIPF
        if real_word:  # "frygter" is a word of its own, not a typo of "flygter"
            cutoff = max(cutoff, REAL_WORD_TYPO_CUTOFF)
        candidates = self._vocabulary_by_initial.get(word[0], ()) if TYPO_SAME_INITIAL else self._vocabulary_list
        hit = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=cutoff)
        if hit and not (real_word and _zipf(hit[0]) >= REAL_WORD_ZIPF):
            return hit[0]  # (one everyday word is not a typo of another: "frygter" / "rygter")
        if not hit and zipf == 0:  # no Danish word at all: a slip on a small word?
            small = process.extractOne(word, self._function_words, scorer=OSA.distance, score_cutoff=1)
            if small:
                return small[0]
        return word

    def _known_parts(self, word: str) -> list[str]:
        """A question word as plan words: itself, a near-certain typo fix, a compound's parts, or a typo fix."""
        if word in self._vocabulary:
            return [word]
        fixed = self._correct(word, SURE_TYPO_CUTOFF)  # "videnperson" is "vidensperson", not "viden" + "person"
        if fixed != word:
            return [fixed]
        return [self._correct(p) for p in self._split_compound(word)]

    def _split_compound(self, word: str, depth: int = 2) -> list[str]:
        """A compound the plan never writes whole ("risikovurderingsværktøjet") as words it does use.

        Two parts, or three when the first is itself a compound ("negativsocialkontrol"). A word common in
        everyday Danish is a word of its own ("børnehave" is not "børn" + "have")."""
        if word in self._vocabulary or len(word) < 2 * MIN_PART_LEN or _zipf(word) >= REAL_WORD_ZIPF:
            return [word]
        for cut in range(len(word) - MIN_PART_LEN, MIN_PART_LEN - 1, -1):
            head, tail = word[:cut], word[cut:]
            if tail in self._vocabulary or stem(tail) in self._stem_vocabulary:
                for part in (head, head[:-1] if head.endswith("s") else None):
                    if not part or part in self._stopwords or tail in self._stopwords:
                        continue
                    if part in self._vocabulary or stem(part) in self._stem_vocabulary:
                        return [part, tail]
                    head_parts = self._split_compound(part, depth - 1) if depth > 1 else [part]
                    if len(head_parts) > 1:
                        return [*head_parts, tail]
        return [word]

    def _join_compounds(self, surface: list[str], whole_small_words: bool = False) -> list[str]:
        """Staff often split Danish compounds ("underretnings pligt"); join two words the plan writes as one.

        Two small words stay two ("i det" is not "idet") unless `whole_small_words` and the acute lists use the
        joined word: the acute check reads "uden for" as the "udenfor" of its word lists."""
        out: list[str] = []
        i = 0
        while i < len(surface):
            pair = surface[i:i + 2]
            joined = "".join(pair) if len(pair) == 2 else ""
            # "krise centeret" is the plan's "krisecentret": an inflected compound joins by its stem, but only
            # from two words of their own ("det ende" is not a compound).
            small = any(w in self._stopwords for w in pair)
            # (a small word joins only into a word the acute lists use: "uden for" is "udenfor", but "må. De" is
            # not "måde"; or into a long word of the plan, beside a long part that is no word on its own: "under
            # retningspligt" is "underretningspligt", but "for kvinden", "for ældrene" and "efter skolen" stay two)
            parts = [w for w in pair if w not in self._stopwords]
            long_join = (len(joined) >= SMALL_JOIN_MIN and len(parts) == 1 and len(parts[0]) >= SMALL_JOIN_PART
                         and parts[0] not in self._vocabulary and stem(parts[0]) not in self._stem_vocabulary
                         and all(_zipf(parts[0][:len(parts[0]) - cut]) < SMALL_JOIN_PART_ZIPF for cut in range(4)))
            if (joined and (not small or whole_small_words and self._phrase_index.knows(joined) or long_join)
                    and (joined in self._vocabulary or stem(joined) in self._stem_vocabulary
                         and not any(len(w) < MIN_PART_LEN for w in pair))
                    and (stem(pair[0]), stem(pair[1])) not in self._synonym_pairs):
                out.append(joined)
                i += 2
            else:
                out.append(surface[i])
                i += 1
        return out

    def _unknown_weight(self, surface: str | None, common_weight: float | None = None) -> float:
        """What a word weighs by its rarity in everyday Danish: the most if rare, `common_weight` if everyday."""
        common_weight = common_weight or UNKNOWN_COMMON_WEIGHT
        if surface is None:
            return self._unknown_idf
        zipf = _zipf(surface)
        share = min(1.0, max(0.0, (zipf - UNKNOWN_RARE_ZIPF) / (UNKNOWN_COMMON_ZIPF - UNKNOWN_RARE_ZIPF)))
        return self._unknown_idf - share * (self._unknown_idf - common_weight)

    def _known_stem(self, term: str) -> str:
        """A stem the plan never uses, as the plan stem it is a form of.

        Snowball leaves Danish derivations apart: a derivational ending ("beslut" / "beslutning"), a shared
        beginning of PREFIX_STEM_MIN letters or more ("repræsenteret" / "repræsentanter") - unless the rest is a
        word of its own, which makes a compound ("trivsels|måling") - or an adjective's -t ("globalt") joins them.
        """
        if term in self._idf or term.isdigit():
            return term
        if len(term) >= MIN_DERIVATION_BASE:
            for suffix in DERIVATION_SUFFIXES:
                if term + suffix in self._idf:  # "beslut" (beslutte) asks about the plan's "beslutning"
                    return term + suffix
            base = self._derivation_base(term, self._idf)
            if base:
                return base
        if len(term) < PREFIX_STEM_MIN:
            return term
        known = self._known_stems
        i = bisect.bisect_left(known, term)
        longer = known[i] if i < len(known) and known[i].startswith(term) else None
        if longer is not None:
            return longer
        for end in range(len(term) - 1, PREFIX_STEM_MIN - 1, -1):
            if term[:end] in self._idf:
                rest = term[end + 1:] if term[end] == "s" else term[end:]
                if len(rest) >= MIN_PART_LEN and _zipf(rest) >= COMPOUND_TAIL_ZIPF:
                    return term  # a compound ("trivsels|måling"), not an inflection of "trivsel"
                return term[:end]
        if term.endswith("t") and term[:-1] in self._idf:  # "globalt", "lokalt": the adjective's -t form
            return term[:-1]
        return term

    def terms(self, text: str) -> tuple[str, ...]:
        """The terms a question is matched by (what `match` compares with the plan's topics)."""
        return self._terms(words(text))

    def _terms(self, message: list[str], learn: bool = False, surfaces: dict | None = None) -> tuple[str, ...]:
        """The terms of a text's words (`words(text)`): what it is about, as the plan's stems and synonyms."""
        # Question framing that names no topic ("er der tale om", "hvilke slags") is left out.
        surface = drop_phrases(message, self._fillers)
        if learn:
            self._vocabulary.update(w for w in surface if w not in self._stopwords)
        else:
            surface = [p for w in self._join_compounds(surface) for p in self._known_parts(w)]
        stemmed = [stem(w) for w in surface]
        if not learn and PREFIX_STEM_MIN:
            stemmed = [s if w in self._vocabulary or s in self._synonym_stems else self._known_stem(s)
                       for w, s in zip(surface, stemmed)]
        out: list[str] = []
        i = 0
        while i < len(stemmed):
            for size in range(min(self._max_phrase, len(stemmed) - i), 0, -1):
                canonical = self._synonyms.get(tuple(stemmed[i:i + size]))
                if canonical:
                    out.append(canonical)
                    i += size
                    break
            else:
                if surface[i] not in self._stopwords:
                    term = self._derived.get(stemmed[i], stemmed[i])
                    out.append(term)
                    if surfaces is not None:
                        surfaces.setdefault(term, surface[i])
                i += 1
        return tuple(out)

    def _signal_hits(self, present: frozenset[int], topic_id: str) -> int:
        hits = 0
        for group in self._signal_ids[topic_id]:
            found = len(present & group)
            if not found:
                return 0
            hits += found
        return hits

    def _read(self, text: str) -> tuple[list[str], list[str], str | None, frozenset[int], bool, bool,
                                        tuple[str, ...] | None]:
        """A message's words (English read as Danish), the words matched against the topics, who it is about, the
        acute phrases and situation signals in it, whether it is a plain question about the subject, whether it
        signals acute danger, and the words the learned worry reading reads."""
        typed = words(_CHAT_IKKE.sub("ikke", text))
        english = self._english.is_english(typed)
        message = self._english.translate(typed) if english else typed
        # the words matched: a common English word the glossary lacks says nothing ("did", "young")
        matched = self._english.translate(typed, self._vocabulary) if english else message
        audience = audience_of(message)
        doubted = self._doubted(message)
        signal_words = self._signal_words(message, doubted)
        if audience == "child":  # "Fatima fra 7.b": a pupil is a child, whatever else the message says
            signal_words += (AUDIENCE_WORDS["child"],)
        present = self._phrases_in(message, signal_words, doubted)
        plain = self._acute.is_plain_question(message)
        learned = self._learned_reading(message, doubted)
        acute = self._acute.detect(present, plain, learned)
        worry = learned if learned is None or doubted or not has_phrase(message, self._absent) else (
            self._learned_reading(message, doubted, whole=True))
        if plain and not acute:
            # A plain question first does not make what is told after it one ("Må vi ringe til politiet? Hendes
            # far har en hammer ..."): the sentences after the question are read on their own.
            told = _AFTER_FIRST_SENTENCE.split(text.strip(), maxsplit=1)[1:]
            if told:
                rest = self._acute_words(told[0])
                acute = self._acute.detect(self._phrases_in(rest, self._signal_words(rest)),
                                           self._acute.is_plain_question(rest), self._learned_reading(rest))
        return message, matched, audience, present, plain, acute, worry

    def _phrases_in(self, message: list[str], signal_words: tuple[str, ...],
                    doubted: bool | None = None) -> frozenset[int]:
        """The acute phrases and situation signals in a message's words, typo-corrected and as typed (a typo fix
        towards a plan word must never hide an acute word: "kvæler")."""
        return self._phrase_index.find(signal_words) | self._phrase_index.find(
            tuple(drop_phrases(message, self._left_out(message, doubted))))

    def _doubted(self, message: list[str]) -> bool:
        """Whether danger said to be absent follows a doubt right before it ("ikke sikker på, at hun ikke er i fare",
        "who says she isn't in danger"); a doubt elsewhere ("jeg er i tvivl om, hvad jeg skal gøre") is none."""
        ends = [end for _, end in phrase_spans(message, self._doubt)]
        return bool(ends) and any(0 <= start - end <= DOUBT_REACH for start, _ in phrase_spans(message, self._absent)
                                  for end in ends)

    def _left_out(self, message: list[str], doubted: bool | None = None):
        """The phrases left out before the acute check: idioms, danger said to be absent (unless doubted: given,
        or read from the message) and general questions about what is acute."""
        return self._idioms_in_doubt if (self._doubted(message) if doubted is None else doubted) else self._idioms

    def _learned_reading(self, message: list[str], doubted: bool | None = None,
                         whole: bool = False) -> tuple[str, ...] | None:
        """The words the learned acute reading reads: what follows the last "danger is not there" ("hun er ikke i
        fare lige nu, men i aften ..." from "men"), idioms left out; None for a general question about what is
        acute ("er det akut, hvis ..."), which the word lists decide alone. `whole`: the worry reading's words,
        the whole message (a worry told before "det er ikke akut" is still told)."""
        if has_phrase(message, self._asked_about):
            return None
        doubted = self._doubted(message) if doubted is None else doubted
        start = 0 if doubted or whole else last_phrase_end(message, self._absent)
        if start:  # "hun er ikke truet lige nu siger hun": the time belongs to the absence
            tail = next((len(t) for t in _ABSENT_TAILS if tuple(message[start:start + len(t)]) == t), 0)
            after = message[start + tail:start + tail + 1]
            if tail and (not after or after[0] in _SAID_BY):
                start += tail
        return tuple(drop_phrases(message[start:], self._left_out(message, doubted)))

    def acute_reading(self, text: str) -> tuple[str, ...] | None:
        """A message's words as the learned acute reading sees them (English read as Danish): the same for
        training (benchmarks/train_acute.py) as for the bot."""
        return self._learned_reading(self._acute_words(text))

    def worry_reading(self, text: str) -> tuple[str, ...] | None:
        """A message's words as the learned worry reading sees them: all of it, idioms left out."""
        return self._learned_reading(self._acute_words(text), whole=True)

    def _acute_words(self, text: str) -> list[str]:
        """A message's words as read for danger and worry: English as Danish, "ikk" inside a sentence as "ikke"."""
        return self._english.read(words(_CHAT_IKKE.sub("ikke", text)))

    def is_acute(self, text: str) -> bool:
        """Whether a message signals acute danger (the acute stage of `match`, without ranking the topics)."""
        return self._read(text)[5]

    def _asked_for(self, message: list[str]) -> set[str]:
        """What a message asks for that an answer must hold: "address" ("adressen"), "name" ("hvad hedder ...")."""
        asked = set()
        if ADDRESS_WORDS & set(message):
            asked.add("address")
        if _ASKS_NAME.search(" ".join(message)):
            asked.add("name")
        return asked

    def _said_by(self, item: str) -> frozenset[str]:
        """Every term a topic (its questions, keywords and answer) or a passage says."""
        if item in self._topic_terms:
            return self._topic_terms[item] | self._answer_terms.get(item, frozenset())
        return self._passages.terms_of(item)

    def match(self, text: str, limit: int = 5) -> MatchResult:
        """Rank the topics for a question and decide: answer, "did you mean", or no answer."""
        message, matched, audience, present, plain, acute, worry_words = self._read(text)
        surfaces: dict[str, str] = {}
        q_terms = frozenset(self._terms(matched, surfaces=surfaces))
        idf = self._idf
        scores: dict[str, float] = {}
        coverages: dict[str, float] = {}
        specific: dict[str, bool] = {}
        if q_terms - self._non_topic:  # "hvordan?" or "telefonnummer?" alone names no topic
            weight = {t: idf[t] if t in idf else self._unknown_weight(surfaces.get(t)) for t in q_terms}
            q_weight = sum(weight.values())
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
                    score = (0.75 * dice + 0.25 * ratio) * variant.factor
                    if score > best_variant.get(variant.topic_id, 0.0):
                        best_variant[variant.topic_id] = score
            for topic_id, variant_score in best_variant.items():
                covered = q_terms & self._topic_terms[topic_id]
                if CONTACT_ANSWERS_HOW and topic_id in self._contacts:
                    # A contact card answers "mail", "telefon", "kontakte" about its name.
                    covered |= q_terms & self._contact_words
                in_answer = (q_terms & self._answer_terms.get(topic_id, frozenset())) - covered
                coverage = (sum(weight[t] for t in covered)
                            + ANSWER_TEXT_WEIGHT * sum(idf[t] for t in in_answer)) / q_weight
                blended = VARIANT_WEIGHT * variant_score + (1 - VARIANT_WEIGHT) * coverage
                # One everyday word ("dag") is too little evidence for any topic, however well it is covered.
                evidence = min(1.0, sum(idf[t] for t in (covered | in_answer) - self._non_topic) / EVIDENCE_WEIGHT)
                scores[topic_id] = blended * coverage ** COVERAGE_GATE * evidence
                coverages[topic_id] = coverage
                specific[topic_id] = any(t not in surfaces or _zipf(surfaces[t]) < SPECIFIC_MAX_ZIPF
                                         for t in covered - self._non_topic)
        # A situation is told ("en pige ... må ikke ..."); a plain question about the subject ("hvor mange unge må
        # ikke ...") is matched by its words.
        # A message told at length that the learned worry reading reads as no worry at all ("a pupil is sad: his
        # hamster died") gets a situation's card offered, not answered: the signals say what a worry is about, not
        # whether there is one.
        doubted: bool | None = None  # read only when a situation's signals are there
        for topic_id in self._signal_ids if not plain else ():
            hits = self._signal_hits(present, topic_id)
            if hits:
                if doubted is None:
                    doubted = self._worry is not None and not acute and self._worry.doubts(worry_words or ())
                floor = SUGGEST_THRESHOLD if doubted else SITUATION_FLOOR + 0.01 * min(hits, 10)
                if floor > scores.get(topic_id, 0.0):
                    scores[topic_id], coverages[topic_id], specific[topic_id] = floor, 1.0, True
        # A message about a child never gets an answer meant for adults, and the reverse.
        if audience is not None:
            scores = {t: v for t, v in scores.items() if self._audience.get(t, "any") in ("any", audience)}
        # An exact tie goes to the topic whose title names what was asked ("handleplan": § 12a, not Copenhagen).
        title_hits = {t: len(q_terms & self._title_terms.get(t, frozenset())) for t in scores}
        ranked = sorted((Candidate(t, round(s, 4), round(coverages.get(t, 1.0), 4), specific.get(t, True))
                         for t, s in scores.items()),
                        key=lambda c: (-c.score, -self._priority[c.topic_id], -title_hits[c.topic_id], c.topic_id))
        candidates = tuple(ranked[:limit])
        decision = self._decide(candidates, title_hits)
        # An address or a name the answer does not hold: the topic is offered, never answered as if it held one.
        wants = self._asked_for(message)
        if decision is Decision.ANSWER and not all(self._reach.get(candidates[0].topic_id, {}).get(k) for k in wants):
            decision = Decision.DID_YOU_MEAN
        asked = frozenset(q_terms - self._passage_blind)
        hit = self._passages.best(asked) if asked else None
        if (decision is Decision.ANSWER and hit is not None and candidates[0].score < SURE_THRESHOLD
                and not candidates[0].topic_id.startswith(FLOW_PREFIX) and not acute and passage_answers(hit)
                and hit.coverage >= PASSAGE_BETTER):
            rare = self._passages.rare_terms(hit.passage_id, asked)
            if rare - self._said_by(candidates[0].topic_id):  # the passage says a rare word of the question that the topic never does
                decision = Decision.NO_ANSWER
        # ... and a passage answers a question for a phone number or an e-mail only when it holds one.
        wants |= {kind for kind in ("phone", "email") if q_terms & self._wants[kind]}
        passage = hit if (decision is not Decision.ANSWER and passage_answers(hit)
                          and all(self._reach.get(hit.passage_id, {}).get(k) for k in wants)) else None
        context = hit.passage_id if hit is not None and hit.coverage >= CONTEXT_PASSAGE_COVERAGE else None
        if decision is not Decision.ANSWER and passage is None and not acute and not plain:
            told = self._told_worry(message, audience, worry_words)
            if told is not None:
                result = self._worry_result(told, candidates, context)
                if result.confident is None:
                    return result
                return replace(result, **self._beside_the_worry_card(text, result.confident))
        # A worry told at length that asks what to do ("... Hvem skal jeg kontakte?") gets the card on what to do,
        # with the law or fact its words found as the first button, not the other way round.
        if (decision is Decision.ANSWER and not acute and not plain and self._worry is not None
                and candidates[0].topic_id not in self._worry_topics.values()
                and self._kind.get(candidates[0].topic_id) == "fact"
                and _ASKS_WHAT_TO_DO.search(" ".join(words(text)))):
            told = self._told_worry(message, audience, worry_words)
            if told is not None:
                result = self._worry_result(told, candidates, context)
                if result.confident is not None:
                    return replace(result, **self._beside_the_worry_card(text, result.confident,
                                                                          first=(candidates[0].topic_id,)))
        if (decision is Decision.ANSWER and not acute and not plain
                and candidates[0].topic_id in self._worry_topics.values()):
            return MatchResult(candidates, acute, decision, passage, context,
                               **self._beside_the_worry_card(text, candidates[0].topic_id))
        if acute:
            # What else an acute message asks ("... Findes der nogen, der kan vurdere hendes sikkerhed?") is offered
            # on the acute card, one tap away.
            answered = candidates[0].topic_id if decision is Decision.ANSWER else ""
            return MatchResult(candidates, acute, decision, passage, context,
                               asked_too=self._asked_in_sentences(text, answered, questions_only=True))
        # Told at length: the worry reading reads only a message of its least length, and a short everyday one
        # ("Printeren virker ikke. Hvem skal jeg kontakte?") is no worry told.
        if (decision is Decision.NO_ANSWER and passage is None and self._worry is not None
                and len(worry_words or ()) >= self._worry.min_words and not self._worry.doubts(worry_words)):
            asked = self._question_alone(text)
            if asked is not None:
                return asked
        return MatchResult(candidates, acute, decision, passage, context)

    def _question_alone(self, text: str) -> MatchResult | None:
        """A message told at length that nothing answers as a whole, answered by its question on its own ("... Vi
        vidste ikke hvad vi skulle gøre. Hvem i kommunen kan komme ud og give os et oplæg?"): the last question
        that a topic answers. Never a flow, and never a sentence that reads as acute on its own."""
        sentences = _AFTER_FIRST_SENTENCE.split(text.strip())
        if len(sentences) < 2:
            return None
        for sentence in reversed(sentences[-MAX_SENTENCES:]):
            if not sentence.endswith("?") or len(sentence.split()) < MIN_SENTENCE_WORDS:
                continue
            result = self.match(sentence)
            if result.confident and result.flow is None and not result.acute:
                return result
        return None

    def _sentence_topics(self, text: str, answered: str, questions_only: bool = False) -> tuple[tuple[str, str], ...]:
        """Each sentence of a told situation that a topic answers on its own, with that topic, other than `answered`
        and the cards on what to do when worried ("Hun skal bo hos familien i hjemlandet i to år": the stay abroad);
        `questions_only`: only its questions ("... Kan man ringe anonymt til Lokk?")."""
        sentences = _AFTER_FIRST_SENTENCE.split(text.strip())
        if len(sentences) < 2:  # the sentence itself, read alone
            return ()
        worry = set(self._worry_topics.values())
        found: list[tuple[str, str]] = []
        for sentence in sentences[:MAX_SENTENCES]:
            if len(sentence.split()) < MIN_SENTENCE_WORDS:  # "Hvad gør jeg?" asks nothing of its own
                continue
            if questions_only and not sentence.rstrip().endswith("?"):
                continue
            result = self.match(sentence)
            topic = result.confident
            # A sentence acute on its own is not offered (the whole message was read as not acute): reading every
            # sentence for danger was measured and not kept (docs/evaluation.md, session four).
            if topic and result.flow is None and not result.acute and topic != answered and topic not in worry:
                found.append((sentence, topic))
        return tuple(found)

    def _asked_in_sentences(self, text: str, answered: str, questions_only: bool = False) -> tuple[str, ...]:
        """The topics that single sentences of a told situation answer (`_sentence_topics`), each once."""
        return tuple(dict.fromkeys(topic for _, topic in self._sentence_topics(text, answered, questions_only)))

    def _beside_the_worry_card(self, text: str, answered: str, first: tuple[str, ...] = ()) -> dict:
        """What goes on the card on what to do when worried beside its own text, from one reading of the situation's
        sentences: the topics they ask about as buttons (`first` before them), and the topic whose numbers a
        question asking whom to call or where to turn wants on the card ("... Kan hun ringe nogen steder
        anonymt?"); a sentence that only tells ("Hun har to børn", "Der er ingen trusler") never brings numbers."""
        found = self._sentence_topics(text, answered)
        asked = [(sentence, topic) for sentence, topic in found if sentence.rstrip().endswith("?")]
        call = next((topic for sentence, topic in asked if _ASKS_WHOM_TO_CALL.search(" ".join(words(sentence)))), None)
        question = (first or (None,))[0] or (asked[-1][1] if asked else None)
        return {"asked_too": tuple(dict.fromkeys((*first, *(topic for _, topic in found)))), "call": call,
                "question": question}

    def _told_worry(self, message: list[str], audience: str | None,
                    learned: tuple[str, ...] | None) -> str | None:
        """Who a worry told at length is about ("child", "adult", or "either" when the words do not say), when
        the learned worry reading reads one in the words it reads (`learned`); else None."""
        if self._worry is None or len(self._worry_topics) < 2:
            return None
        if learned is None or not self._worry.says(learned):
            return None
        if audience is not None:
            return audience
        told = set(message)
        child, adult = len(told & _CHILD_WORDS), len(told & _ADULT_WORDS)
        return "child" if child > adult else "adult" if adult > child else "either"

    def _worry_result(self, who: str, candidates: tuple[Candidate, ...], context: str | None) -> MatchResult:
        """The plan's card on what to do when worried about that person, or both cards offered."""
        cards = [self._worry_topics[who]] if who in self._worry_topics else list(self._worry_topics.values())
        rest = tuple(c for c in candidates if c.topic_id not in cards)
        if len(cards) == 1:
            return MatchResult((Candidate(cards[0], ANSWER_THRESHOLD), *rest), False, Decision.ANSWER, None,
                               context, worry=who)
        offered = tuple(Candidate(t, SUGGEST_THRESHOLD) for t in cards)
        return MatchResult((*offered, *rest), False, Decision.DID_YOU_MEAN, None, context)

    def in_context(self, text: str, previous: tuple[str, ...], alone: MatchResult) -> MatchResult:
        """A short follow-up ("hvad er deres nummer?", "gælder det også voksne?") read with the previous answer.

        Only the previous answer's id is known (a topic or a passage). The follow-up is answered by that answer
        again if it says what is asked, by the follow-up alone if that names another subject, or by the follow-up
        read with the previous answer's subject. If none of them says everything the follow-up asks, the reply is
        an honest "not sure" that offers the previous answer again: a wrong answer is worse."""
        message = self._english.read(words(text), self._vocabulary)
        known = tuple(p for p in previous if p in self._subject)
        # Without a marker, only a message that short and that gets no answer of its own is read with the last one
        # ("af hvem?", "since when?"); "hvad er Lokk?" is a question of its own.
        ellipsis = (len(message) <= FOLLOW_UP_ELLIPSIS_WORDS and alone.confident is None and alone.passage is None
                    and bool(_ELLIPSIS_QUESTION & set(message)))
        if (not known or alone.acute or len(message) > FOLLOW_UP_MAX_WORDS
                or not (ellipsis or has_phrase(message, self._markers))):
            return alone
        previous = known[0]
        surfaces: dict[str, str] = {}
        q_terms = frozenset(self._terms(message, surfaces=surfaces))
        wants = {kind for kind, terms in self._wants.items() if q_terms & terms}
        # No answer without a street or a postcode ("hvilken adresse har de?"), or a person's name ("hvad hedder
        # repræsentanten?").
        wants |= self._asked_for(message)
        folded = " ".join(message)
        wants |= {kind for kind, asks in _ASKS_VALUE.items() if asks.search(folded)}
        own = q_terms - self._non_topic - self._wants["number"]
        # A follow-up that only asks how long, how often or when it ends ("for hvor lang tid?", "hvor tit?",
        # "hvornår slutter det?") asks it about the last answer's subject: its asking words are no subject an answer
        # must say.
        asking = frozenset(self._terms([w for kind in _FORM_ONLY for found in _ASKS_VALUE[kind].finditer(folded)
                                        for w in found.group().split() if w not in _FORM_KEPT]))
        if own and own <= asking:
            own = frozenset()
        everyday = frozenset(t for t in own if self._everyday(t, surfaces.get(t)))
        # "hvor mange netværksmøder?": the count must be of what is asked, said in its sentence ("seks årlige
        # netværksmøder"), not any count beside another word of the question ("fem social kontrol-vejledere")
        counted = frozenset(t for found in _COUNTED.finditer(folded) for t in self._terms([found.group(1)])
                            if t in own) if "number" in wants else frozenset()
        # The answer given, then the passage most about the question it answered and those under its heading.
        # A number or an e-mail in the text beside the answer is somebody else's: asked for one, only the answer's.
        asks_contact = bool(wants & {"phone", "email"})
        around = [] if asks_contact else [n for p in known if p not in self._topic_terms
                                          for n in self._passages.neighbours(p)]
        answering = [item for item in dict.fromkeys((*known, *around)) if self._explains(item, own, wants, everyday)
                     and self._says_together(item, own - everyday, wants, counted)]
        if answering:
            # One that says all of it in one sentence ("Politiet deltager efter en konkret vurdering") goes before
            # one that says it here and there (a card that names the police in one line and meetings in another).
            whole = [item for item in answering if any(
                all(_said_in(t, s_terms) for t in own) for _, s_terms in self._sentences(item))] if len(own) > 1 else []
            return self._answer_with((whole or answering)[0], own, wants)
        # Away from the previous answer only on the follow-up's own words that are not everyday Danish, every one
        # of them said (a lexical coincidence on "åbent" or "holde" is no answer).
        strict = frozenset()
        if own - everyday:
            if alone.confident and alone.flow is None and self._explains(alone.confident, own, wants, strict):
                return alone
            if not alone.confident and alone.passage and self._explains(alone.passage.passage_id, own, wants, strict):
                return alone
        combined = self.match(f"{text} {self._subject[previous]}")
        # Related to the previous answer: sharing a word of its subject that few topics have (not "social kontrol").
        subject = frozenset(t for t in self._terms(words(self._subject[previous]))
                            if t not in self._non_topic and self._idf.get(t, self._unknown_idf) > RELATED_IDF)
        related = (lambda item: item == previous or bool(subject & (self._topic_terms.get(item, frozenset())
                                                                   | self._passages.terms_of(item))))
        if (combined.confident and combined.flow is None and related(combined.confident)
                and self._explains(combined.confident, own, wants, everyday)
                and self._says_together(combined.confident, own - everyday, wants, counted)):
            return combined
        if (not combined.confident and combined.passage and related(combined.passage.passage_id)
                and self._explains(combined.passage.passage_id, own, wants, everyday)
                and self._says_together(combined.passage.passage_id, own - everyday, wants, counted)):
            return combined
        # The plan's text about the same subject may say it where no topic does ("hvor mange konsulenter ..."); and
        # for a name or a value asked for, a document the answer shown cites (not the passage remembered beside it,
        # never shown) may say it under another heading, on a word of the follow-up that few passages have ("hvem
        # var formand?" after the Odense report's recommendations: its signature, "forkvinde").
        if own - everyday:
            documents = self._documents_of.get(previous, {self._passages.document_of(previous)}) if wants else ()
            answers = (lambda hit: hit is not None and self._explains(hit.passage_id, own, wants, strict) and (
                related(hit.passage_id) or self._passages.document_of(hit.passage_id) in documents
                and bool(self._passages.rare_terms(hit.passage_id, own - everyday))) and (
                not counted or self._says_together(hit.passage_id, own - everyday, wants, counted)))
            hit = self._passages.best(own | subject)
            if not answers(hit) and documents:
                hit = self._passages.best(own | subject, documents=frozenset(documents))
            if answers(hit):
                return self._answer_with(hit.passage_id, own | subject, wants)
            # ... or the text around the answer given says it, every word of it: "og hvem giver dem supervision?"
            # after the Copenhagen advisers' training, two headings on, with no word few passages have (never for a
            # phone number or an e-mail, as above).
            hit = None if asks_contact else self._passages.best(own, among=self._around(known))
            if (hit is not None and self._explains(hit.passage_id, own, wants, strict)
                    and self._says_together(hit.passage_id, own - everyday, wants, counted)):
                return self._answer_with(hit.passage_id, own | subject, wants)
        offered = tuple(Candidate(t, SUGGEST_THRESHOLD) for t in dict.fromkeys(
            [previous, *(c.topic_id for c in combined.candidates if c.specific)]) if t in self._priority
            and not t.startswith(FLOW_PREFIX))[:3]
        return MatchResult(offered, alone.acute, Decision.DID_YOU_MEAN if offered else Decision.NO_ANSWER)

    def _around(self, known: tuple[str, ...]) -> frozenset[str]:
        """The plan's text around the answer given, that a follow-up may be answered from: the passages near each
        one remembered (NEARBY_PASSAGES places either way in its document), and every passage of a document a topic
        cites that no remembered passage is from. A document that a remembered passage is from is often a
        collection (the inspiration catalogue's municipalities), and only the part about the question is near."""
        passages = [p for p in known if p not in self._topic_terms]
        # ... within its part: not another municipality's ("Odense kommune: ...") or another age's ("... over 18")
        age = lambda p: audience_of(words(self._subject.get(p, "")))
        near = {n for p in passages for n in self._passages.nearby(p, NEARBY_PASSAGES)
                if self._passages.part_of(n) == self._passages.part_of(p) and age(n) in (None, age(p))}
        cited = ({d for p in known if p in self._topic_terms for d in self._documents_of.get(p, ())}
                 - {self._passages.document_of(p) for p in passages})
        return frozenset(near | {p for d in cited for p in self._passages.of_document(d)})

    def _explains(self, item: str, terms: frozenset[str], wants: set[str],
                  everyday: frozenset[str] = frozenset()) -> bool:
        """Whether a topic or passage says what is asked: every word that is not everyday Danish, and most of the
        rest (a word counts when the text has it or a form of it: "opdateret" / "opdatere"); and a phone number,
        an e-mail or a number when one is asked for."""
        said = self._said_by(item)
        reach = self._reach.get(item, {})
        if not said or not all(reach.get(kind) for kind in wants):
            return False

        missing = [t for t in terms if not _said_in(t, said)]
        return all(t in everyday for t in missing) and 2 * len(missing) <= len(terms)

    def _says_together(self, item: str, terms: frozenset[str], wants: set[str],
                       counted: frozenset[str] = frozenset()) -> bool:
        """Whether one sentence of a topic's answer or of a passage says the value asked for (a number, a year, how
        long) with a word of the question: "hvor mange netværksmøder?" is not answered by a text that has a number
        in one sentence and the meetings in another. `counted`: the words a count is asked of ("netværksmøder"),
        each said in that sentence."""
        says = _says_asked(wants & _VALUE_KINDS)
        if says is None or not (terms or counted):
            return True
        return any(says(text) and (not terms or any(_said_in(t, s_terms) for t in terms))
                   and all(_said_in(t, s_terms) for t in counted) for text, s_terms in self._sentences(item))

    def _sentences(self, item: str) -> tuple[tuple[str, frozenset[str]], ...]:
        if item not in self._topic_terms:
            return self._passages.sentences_of(item)
        found = self._topic_sentences.get(item)
        if found is None:
            texts = [s for text in self._topic_texts[item] for s in text_sentences(text)]
            found = self._topic_sentences[item] = tuple((s, frozenset(self._terms(words(s)))) for s in texts)
        return found

    def _everyday(self, term: str, surface: str | None) -> bool:
        """A term that weighs like an everyday Danish word ("særligt", "ellers"): it alone decides nothing."""
        return self._idf.get(term, self._unknown_idf) <= UNKNOWN_COMMON_WEIGHT + 0.5 or (
            surface is not None and not term.startswith("=") and _zipf(surface) >= SPECIFIC_MAX_ZIPF)

    def _answer_with(self, item: str, terms: frozenset[str], wants: set[str] = frozenset()) -> MatchResult:
        if item in self._topic_terms:
            return MatchResult((Candidate(item, 1.0),), False, Decision.ANSWER)
        return MatchResult((), False, Decision.NO_ANSWER, self._passages.hit(item, terms, _says_asked(wants)))

    def _decide(self, candidates: tuple[Candidate, ...], title_hits: dict[str, int] | None = None) -> Decision:
        if not candidates or candidates[0].score < SUGGEST_THRESHOLD:
            return Decision.NO_ANSWER
        best = candidates[0]
        if best.score < ANSWER_THRESHOLD:
            # Everyday words alone ("ferie", "løn") make a question outside the plan: said plainly, no guesses.
            return Decision.DID_YOU_MEAN if best.specific else Decision.NO_ANSWER
        if best.score >= SURE_THRESHOLD or len(candidates) == 1:
            return Decision.ANSWER
        runner_up = candidates[1]
        hits = title_hits or {}
        # A tie the titles decide ("vidensperson": "Lokale videnspersoner") is answered, the other as a button.
        close = (runner_up.score >= best.score - RUNNER_UP_MARGIN
                 and self._priority[runner_up.topic_id] == self._priority[best.topic_id]
                 and hits.get(best.topic_id, 0) <= hits.get(runner_up.topic_id, 0))
        related = (runner_up.topic_id in self._related.get(best.topic_id, ())
                   or best.topic_id in self._related.get(runner_up.topic_id, ()))
        return Decision.DID_YOU_MEAN if close and not related else Decision.ANSWER

"""Spot personal data about citizens in a message (CPR number, private e-mail or phone, a person's name), to
remind staff not to write it in the chat. Nothing of the message is kept."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache

from gender_guesser.detector import Detector
from rapidfuzz import process
from rapidfuzz.distance import OSA
from wordfreq import zipf_frequency

from knowledge import Knowledge
from knowledge.english import ENGLISH_MARGIN, mostly_english
from knowledge.text import words

_CPR = re.compile(r"(?<![\d-])(\d{2})(\d{2})(\d{2})(-?)(\d{4})(?![\d-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\d-])(?:\+45[ ]?)?(\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?\d{2})(?![\d-])")

# Columns of gender-guesser's name list (nam_dict.txt, Jörg Michael's frequencies per country) that count: where
# the first names of people in a Danish municipality come from. Denmark and its neighbours, English names (common
# among Danish children), and the families the plans are about: Turkey; "Arabia/Persia" (Arabic, Persian and
# Kurdish names); India/Sri Lanka (Pakistani); Kazakhstan/Uzbekistan etc. and Azerbaijan (Afghan, Central Asian);
# the Muslim Balkans. Somali and many Kurdish names are missing from the list: see the unknown-word rule below.
NAME_COUNTRIES = ("denmark", "norway", "sweden", "germany", "great_britain", "usa", "turkey", "arabia", "india",
                  "the_stans", "azerbaijan", "bosniaand", "kosovo", "albania", "macedonia")
# The list's frequency runs from 1 (rare) to 13 (very common) on a log scale. Below this a listed "name" is as
# likely a word that someone somewhere is called ("skifter", "regner", "brand", "ede").
MIN_NAME_FREQUENCY = 4
# How common the word is in Danish (wordfreq's Zipf; its Danish list stops at 3.0, so rarer words are 0.0).
# Measured on the name list against Danish text: below RARE_WORD_ZIPF a listed name is seldom a Danish word
# ("fatima" 3.1, "mohammed" 3.3, "ahmad" 3.2), so it counts as a name even in lower case. From EVERYDAY_ZIPF up the
# word is everyday Danish or a month ("peter" 5.1 but "maj", "august", "bror"): it needs the context of a name.
RARE_WORD_ZIPF = 3.6
EVERYDAY_ZIPF = 5.0
# A word this common in English, and commoner there than in Danish by the margin, is an English word in an
# English message ("tea", "class", "Germany"), not a name, unless a cue says so ("Tea fra 7.b").
ENGLISH_EVERYDAY_ZIPF = 4.5
# In a message mostly in English (knowledge.english.mostly_english), a rarer English word is English too
# ("Thursdays", "Portuguese", "class"): a name there needs a cue as well.
ENGLISH_MESSAGE_ZIPF = 3.0
# In between, a capital letter says "name" only inside a sentence, except for the words most often names: at the
# start of one "Ali" (4.2), "Sara" (4.5) count, but not "Lykke", "Rose" or "Line" (4.6-4.7).
SENTENCE_START_ZIPF = 4.5
MIN_LOWER_CASE_NAME = 3  # a two-letter word in lower case is never taken for a name
MIN_COMPOUND_TAIL = 5  # "dansklæreren" ends in a Danish word ("læreren"); "Abdirahman", "Warsame" do not
MAX_TYPO_EDITS = 1  # a word this many edits from a plan word is a slip for it, not an unlisted name

_TOKEN = re.compile(r"[^\W\d_]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n])[^\w.!?:;\n]*$")
_NOT_NAMES = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")  # no names inside addresses
# Context that makes the word before it a person: a school class ("fra 7.b", "i 9. klasse", "går i 8a") or an age
# ("på 14", "(14)", ", 14 år").
_CUE_AFTER = re.compile(
    r"\s*,?\s*(?:(?:fra|i|går i|gik i|på)\s+\d{1,2}\s*\.?\s*(?:klasse\b|kl\b|[a-zæøå](?![a-zæøå]))"
    r"|på\s+\d{1,2}(?:\s*år\b)?(?!\s*[.:,]?\d)"
    r"|\(\s*\d{1,2}\s*(?:år)?\s*\)"
    r"|\d{1,2}\s*år\b)", re.IGNORECASE)
# ... or before it: a name being given ("hedder", "kaldet") or a person it is said of ("eleven", "hendes bror").
_CUE_BEFORE = re.compile(
    r"\b(?:hedder|hed|kaldet|kaldes|navnet|navn er|ved navn"
    r"|elev(?:en)?|pige(?:n)?|dreng(?:en)?|barnet|borger(?:en)?|kvinde(?:n)?|mand(?:en)?|kone(?:n)?"
    r"|søster(?:en)?|bror(?:en)?|mor(?:en)?|far(?:en)?|datter(?:en)?|søn(?:nen)?|fætter(?:en)?|kusine(?:n)?"
    r"|veninde(?:n)?|ven(?:nen)?|kæreste(?:n)?)\s*[:,]?\s*$", re.IGNORECASE)
# A word after these is as often a place or an app as a person: a rare name there needs more than a capital.
_PLACE_BEFORE = re.compile(r"\b(?:i|til|fra|på|ved|mod|nær|via|over|gennem|omkring|udenfor|uden for)\s+$",
                           re.IGNORECASE)
# ... or part of a longer proper noun: "Københavns Vestegns Politi", "Røde Kors".
_CAPITALISED_BEFORE = re.compile(r"\b[A-ZÆØÅ]\w*[ -]$")
_CAPITALISED_AFTER = re.compile(r"[ -][A-ZÆØÅ]")


def _valid_date(dd: str, mm: str, yy: str) -> bool:
    for century in (1900, 2000):
        try:
            dt.date(century + int(yy), int(mm), int(dd))
            return True
        except ValueError:
            continue
    return False


def _is_compound(word: str) -> bool:
    """The word ends in a Danish word of its own after a head of two letters or more: "matematiklæreren"."""
    return any(zipf_frequency(word[i:], "da") > 0 for i in range(2, len(word) - MIN_COMPOUND_TAIL + 1))


@lru_cache(maxsize=1)
def first_names() -> Mapping[str, int]:
    """Each first name of gender-guesser's list (folded, one word) and its highest frequency in NAME_COUNTRIES."""
    columns = [Detector.COUNTRIES.index(country) for country in NAME_COUNTRIES]
    names: dict[str, int] = {}
    for name, by_gender in Detector(case_sensitive=False).names.items():
        folded = words(name)
        frequency = max((int(values[i], 16) for values in by_gender.values() for i in columns
                         if i < len(values) and values[i] != " "), default=0)
        if len(folded) == 1 and frequency:
            names[folded[0]] = max(frequency, names.get(folded[0], 0))
    return names


def _texts(node) -> Iterator[str]:
    """Every string in the plan: titles, questions, keywords, answers, contacts and aliases, flows, messages."""
    if isinstance(node, str):
        yield node
    elif hasattr(node, "model_dump"):
        yield from _texts(node.model_dump())
    elif dataclasses.is_dataclass(node):
        for f in dataclasses.fields(node):
            yield from _texts(getattr(node, f.name))
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _texts(key)
            yield from _texts(value)
    elif isinstance(node, (tuple, list, set, frozenset)):
        for value in node:
            yield from _texts(value)


def _everyday_english(word: str) -> bool:
    """An everyday English word, clearly more English than Danish ("class", not "Idas")."""
    english = zipf_frequency(word.lower(), "en")
    return english >= ENGLISH_EVERYDAY_ZIPF and english - zipf_frequency(word.lower(), "da") >= ENGLISH_MARGIN


class PersonalDataGuard:
    """Knows the plan's own numbers, addresses and words, which are not personal data."""

    def __init__(self, knowledge: Knowledge):
        self._known_phones = {re.sub(r"\D", "", c.phone)[-8:] for c in knowledge.contacts.values() if c.phone}
        self._known_emails = {c.email.lower() for c in knowledge.contacts.values() if c.email}
        # A word the plan uses is the plan's ("RED", "Lokk", "hans", "bo", "Jordan"), not a person's name.
        # (Folded one distinct word at a time: the plan holds some 24,000 strings but only some 2,500 words.)
        # Not the documents' own text (passages): it names real people ("Huda Ali Ahmad"), whose names staff use too.
        curated = dataclasses.replace(knowledge, passages={})
        self._plan_words = frozenset("".join(words(w)) for w in {t.group(0) for text in _texts(curated)
                                                                  for t in _TOKEN.finditer(text)})
        self._plan_words_by_initial: dict[str, list[str]] = {}
        for word in sorted(self._plan_words):
            self._plan_words_by_initial.setdefault(word[0], []).append(word)
        self._names = first_names()

    def _is_name(self, text: str, token: re.Match, english_message: bool = False) -> bool:
        word = token.group(0)
        folded = "".join(words(word))
        capitalised = word[0].isupper() and not (len(word) > 1 and word.isupper())  # "SSP" tells nothing
        mid_sentence = capitalised and not _SENTENCE_START.search(text, 0, token.start())
        class_or_age = bool(_CUE_AFTER.match(text, token.end()))
        cue = class_or_age or bool(_CUE_BEFORE.search(text, 0, token.start())
                                   or capitalised and self._surname_after(text, token.end()))
        frequency = self._names.get(folded, 0)
        if folded in self._plan_words:
            return frequency >= MIN_NAME_FREQUENCY and capitalised and cue  # "Hans fra 7.b", never "hans telefon"
        # "Fatimas far"; not an everyday English word written as one ("my class": not Clas's; "Bills father" is)
        if (not frequency and folded.endswith("s") and folded[:-1] not in self._plan_words  # "SIRIs definition"
                and self._names.get(folded[:-1], 0)
                and not (_everyday_english(word) and (word.islower() or not mid_sentence))):
            frequency, word = self._names[folded[:-1]], word[:-1]
        zipf = zipf_frequency(word.lower(), "da")
        english = zipf_frequency(word.lower(), "en")
        everyday_english = ENGLISH_MESSAGE_ZIPF if english_message and frequency < MIN_NAME_FREQUENCY else (
            ENGLISH_EVERYDAY_ZIPF)  # "Yusuf" in an English message is still a name
        if english >= everyday_english and english - zipf >= ENGLISH_MARGIN:
            return cue
        if frequency >= MIN_NAME_FREQUENCY:
            if zipf >= EVERYDAY_ZIPF:
                return cue
            if zipf >= RARE_WORD_ZIPF:
                return mid_sentence or cue or capitalised and zipf < SENTENCE_START_ZIPF
            return len(word) >= MIN_LOWER_CASE_NAME or capitalised or cue
        if zipf >= EVERYDAY_ZIPF or zipf and not frequency:
            return False  # a Danish word the list does not call a name ("lærke", "Gellerup")
        # A rare listed name ("Berfin", "Lucas" in the list's Danish data from 2008) or one the list lacks ("Hodan"):
        # a name where only a name fits, if it is not a slip for a plan word or a Danish compound ("dansklæreren").
        if not frequency and (self._is_typo(folded) or _is_compound(word.lower())):
            return False
        place = _PLACE_BEFORE.search(text, 0, token.start())  # "til Erbil", "på TikTok"
        proper_noun = _CAPITALISED_BEFORE.search(text, 0, token.start()) or _CAPITALISED_AFTER.match(text, token.end())
        return (class_or_age or cue and (capitalised or frequency > 0)  # not "giv en elev panodil"
                or mid_sentence and word[1:].islower() and not place and not proper_noun)

    def _is_typo(self, folded: str) -> bool:
        """One slip from a plan word with the same first letter: "pign", "elven" (but not "Hodan", "Rojin")."""
        return bool(process.extractOne(folded, self._plan_words_by_initial.get(folded[:1], ()), scorer=OSA.distance,
                                       score_cutoff=MAX_TYPO_EDITS))

    def _surname_after(self, text: str, end: int) -> bool:
        """A surname right after: "Mette Hansen", "Ali Yilmaz", "Sara Ahmed" (not "Hans Facebook")."""
        following = _TOKEN.match(text, end + 1) if text[end:end + 1] == " " else None
        if following is None or not self._surname_like(surname := following.group(0)):
            return False
        folded = "".join(words(surname))
        return (folded.endswith("sen") or self._names.get(folded, 0) >= MIN_NAME_FREQUENCY
                or not zipf_frequency(surname.lower(), "da") and not self._is_typo(folded))

    def _surname_like(self, word: str) -> bool:
        """Capitalised, neither the plan's word nor everyday Danish: "Hansen", "Ibsen", "Hassan"."""
        return (word[0].isupper() and word[1:].islower() and "".join(words(word)) not in self._plan_words
                and zipf_frequency(word.lower(), "da") < EVERYDAY_ZIPF)

    def _name_spans(self, text: str) -> list[tuple[int, int]]:
        addresses = [m.span() for m in _NOT_NAMES.finditer(text)]
        spans: list[tuple[int, int]] = []
        english = mostly_english(words(text))
        for token in _TOKEN.finditer(text):
            if any(a <= token.start() < b for a, b in addresses):
                continue
            follows = bool(spans) and text[spans[-1][1]:token.start()] in (" ", "-")
            if follows and (self._surname_like(token.group(0)) or self._is_name(text, token, english)):
                spans[-1] = (spans[-1][0], token.end())  # one name: "Fatima Hassan", "Mette Ibsen-Holm"
            elif self._is_name(text, token, english):
                spans.append(token.span())
        return spans

    def names(self, text: str) -> tuple[str, ...]:
        """The words of the text that look like a person's name."""
        return tuple(text[a:b] for a, b in self._name_spans(text))

    def redact(self, text: str) -> str:
        """The text without what looks like personal data, so it does not disturb the matching."""
        text = _CPR.sub(lambda m: " " if _valid_date(*m.groups()[:3]) else m.group(0), text)
        text = _EMAIL.sub(lambda m: m.group(0) if m.group(0).lower() in self._known_emails else " ", text)
        text = _PHONE.sub(lambda m: m.group(0) if re.sub(r"\D", "", m.group(1)) in self._known_phones else " ", text)
        for start, end in reversed(self._name_spans(text)):
            text = text[:start] + " " + text[end:]
        return text

    def looks_personal(self, text: str) -> bool:
        """True when the text holds what looks like a CPR number, a private e-mail or phone number, or a name."""
        if not text:
            return False
        for match in _CPR.finditer(text):
            dd, mm, yy, _, _ = match.groups()
            if _valid_date(dd, mm, yy):
                return True
        if any(m.group(0).lower() not in self._known_emails for m in _EMAIL.finditer(text)):
            return True
        if any(re.sub(r"\D", "", m.group(1)) not in self._known_phones for m in _PHONE.finditer(text)):
            return True
        return bool(self._name_spans(text))

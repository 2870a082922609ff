"""The plan's data model: what one YAML file may hold, and the validated, frozen `Knowledge`."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Annotated, Literal, Mapping

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

# Phrases reserved for "no confident answer" replies (DEVELOPERS.md); no plan text may use them.
RESERVED_FALLBACK_PHRASES = ("ikke sikker", "kan ikke finde", "fandt ikke", "forstår ikke")

_ID_RE = r"^[a-z0-9][a-z0-9-]*$"
Id = Annotated[str, StringConstraints(pattern=_ID_RE, max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
# Keywords may be bare numbers in YAML ("112", "16"): read them as text.
Keyword = Annotated[ShortText, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v)]
# A contact reference: a contact id, or "@role" for the plan's role (e.g. "@sparring").
ContactRef = Annotated[str, StringConstraints(pattern=r"^@?[a-z0-9][a-z0-9-]*$", max_length=61)]


def _danish_phone(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value)
    if digits.startswith("+45"):
        digits = digits[3:]
        valid = len(digits) == 8 and digits.isdigit()
    else:
        valid = digits.isdigit() and len(digits) in (3, 4, 8)
    if not valid:
        raise ValueError(f"{value!r} is not a Danish phone number")
    return value.strip()


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", value.strip(), re.IGNORECASE):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value.strip()


def _url(value: str) -> str:
    if not re.fullmatch(r"https?://\S+", value.strip()):
        raise ValueError(f"{value!r} is not an http(s) address")
    return value.strip()


Phone = Annotated[str, AfterValidator(_danish_phone)]
Email = Annotated[str, AfterValidator(_email)]
Url = Annotated[str, AfterValidator(_url)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Source(_Frozen):
    """Where a fact comes from: a document id (documents.yaml) and its section.

    A national fact is cited to the law or the national body itself; `listed_in` records which
    municipalities' plans happen to list it (the plan ids), for the vidensteam. It is never shown."""

    document: Id
    section: ShortText
    listed_in: tuple[Id, ...] = ()


class Document(_Frozen):
    id: Id
    title: ShortText
    publisher: ShortText
    year: int | None = Field(default=None, ge=1990, le=2100)
    url: Url | None = None


class Contact(_Frozen):
    id: Id
    name: ShortText
    aliases: tuple[ShortText, ...] = ()
    description: Text | None = None
    phone: Phone | None = None
    phone_label: ShortText | None = None
    email: Email | None = None
    url: Url | None = None
    hours: ShortText | None = None
    # The day the municipality confirmed the number; unset until it does (the shipped plans never did).
    verified: dt.date | None = None
    source: Source

    @property
    def phone_digits(self) -> str | None:
        """The number as dialled (tel: link): digits with an optional leading +."""
        if self.phone is None:
            return None
        return re.sub(r"[^\d+]", "", self.phone)


TopicKind = Literal["fact", "situation", "acute", "contact"]
# What a municipal replacement of a national topic or flow keeps from it when it leaves the field out.
INHERITED_TOPIC_FIELDS = ("title", "button", "kind", "priority", "questions", "keywords", "signals", "flow",
                          "related", "audience")
INHERITED_FLOW_FIELDS = ("title", "button", "triggers", "audience")
# Whom a topic or flow is for: a message about a child never gets an "adult" answer (and the reverse).
Audience = Literal["any", "child", "adult"]


class Topic(_Frozen):
    """A question staff ask and its answer card. A municipality's topic with a national topic's id replaces
    it; what is left out of the municipal version that only finds the topic (title, button, kind, priority,
    questions, keywords, signals, flow, related, audience) is taken from the national one. The text, contacts
    and source never are: they come from the municipality's own plan."""

    id: Id
    title: ShortText | None = None
    # A short label for buttons (Teams cuts button text at about 40 characters); defaults to the title.
    button: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] | None = None
    kind: TopicKind = "fact"
    # Breaks ties between equally good matches: the higher wins.
    priority: int = Field(default=0, ge=0, le=9)
    answer: Text
    points: tuple[ShortText, ...] = ()
    questions: tuple[ShortText, ...] = ()
    keywords: tuple[Keyword, ...] = ()
    # The guided flow a situation answer offers to start (a button on the card).
    flow: Id | None = None
    # A situation in staff's own words: a message with a word from every group matches this topic.
    signals: tuple[tuple[Keyword, ...], ...] = ()
    contacts: tuple[ContactRef, ...] = ()
    related: tuple[Id, ...] = ()
    audience: Audience = "any"
    source: Source
    # Further documents the points come from, shown on the source line after `source`.
    more_sources: tuple[Source, ...] = ()

    @property
    def sources(self) -> tuple[Source, ...]:
        return (self.source, *self.more_sources)


class FlowChoice(_Frozen):
    """One answer to a flow step: a button label, extra words that count as it, and where it leads."""

    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    words: tuple[ShortText, ...] = ()
    next: Id | None = None
    outcome: Id | None = None


class FlowStep(_Frozen):
    id: Id
    question: Text
    choices: tuple[FlowChoice, ...] = Field(min_length=2, max_length=6)


class FlowOutcome(_Frozen):
    """Where a flow ends: an action card with what to do, what not to do, and whom to call."""

    id: Id
    title: ShortText
    kind: Literal["acute", "action"] = "action"
    summary: Text
    do: tuple[ShortText, ...] = Field(min_length=1)
    avoid: tuple[ShortText, ...] = ()
    contacts: tuple[ContactRef, ...] = ()
    related: tuple[Id, ...] = ()
    source: Source
    more_sources: tuple[Source, ...] = ()

    @property
    def sources(self) -> tuple[Source, ...]:
        return (self.source, *self.more_sources)


class Flow(_Frozen):
    """A guided flow: steps with choices that end in an outcome (an action card). A municipality's flow with a
    national flow's id replaces it; title, button, triggers and audience may be left out to keep the national ones."""

    id: Id
    title: ShortText | None = None
    button: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] | None = None
    triggers: tuple[ShortText, ...] = ()
    start: Id
    steps: tuple[FlowStep, ...] = Field(min_length=1)
    outcomes: tuple[FlowOutcome, ...] = Field(min_length=1)
    audience: Audience = "any"


class Reminder(_Frozen):
    """The yearly reminder the SSP coordinator pushes to every staff conversation."""

    title: ShortText
    text: Text
    topics: tuple[Id, ...] = ()
    contacts: tuple[ContactRef, ...] = Field(min_length=1)
    url: Url | None = None
    # Month and day it is due each year, "MM-DD".
    due: Annotated[str, StringConstraints(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class PlanMeta(_Frozen):
    """A municipality's own facts about its plan (plan.yaml)."""

    id: Id
    municipality: ShortText
    title: ShortText
    adopted: dt.date | None = None
    url: Url | None = None
    # The plan's own entry in the folder's documents.yaml: contact cards say they come from it.
    document: Id | None = None
    roles: dict[Key, tuple[Id, ...]] = {}


class AcuteSignals(_Frozen):
    """Words that signal acute danger; any match puts the acute topic first."""

    topic: Id
    # Any one of these phrases alone signals acute danger.
    phrases: tuple[ShortText, ...] = Field(min_length=1)
    # A message opening like this asks what something is ("hvad er tegn på at en elev bliver slået"): only a
    # phrase, not a combination, makes it acute.
    plain_question_openers: tuple[ShortText, ...] = ()
    # Idioms that only look like danger ("slå hånden af": disown): left out before the rest is matched.
    idioms: tuple[ShortText, ...] = ()
    # Danger said to be absent ("ikke i fare lige nu", "ingen trusler"), left out like idioms. The learned reading
    # (knowledge/acute_model.py) reads only what follows the last of them: "hun er ikke i fare lige nu, men i
    # aften kommer broren med en hammer" is read from "men".
    absent: tuple[ShortText, ...] = ()
    # A general question about what is acute ("er det akut, hvis …"), left out like idioms: the learned reading
    # leaves such a message to the word lists, since what follows is a case imagined, not told.
    asked_about: tuple[ShortText, ...] = ()
    # Doubt about whether danger is absent ("ikke sikker", "hvem siger"): then nothing counts as said to be absent.
    doubt: tuple[ShortText, ...] = ()
    # Named word lists that combinations refer to as "@name" (e.g. "@soon": "i morgen", "på fredag", ...).
    words: dict[Key, tuple[Keyword, ...]] = {}
    # Or one word from every group of a combination (e.g. a departure + "i morgen"). A group is a list of
    # words or the "@name" of a list in `words`.
    combinations: tuple[tuple[tuple[Keyword, ...] | str, ...], ...] = ()

    def resolved_combinations(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """The combinations with every "@name" replaced by its word list (unknown names are left empty)."""
        return tuple(tuple(self.words.get(g[1:], ()) if isinstance(g, str) else g for g in combo)
                     for combo in self.combinations)


class Passage(_Frozen):
    """A few paragraphs of a source document's own text under one heading: what the bot quotes verbatim when no
    topic answers (python -m knowledge import makes them)."""

    id: Id
    document: Id
    section: ShortText
    page: int | None = Field(default=None, ge=1)
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=20, max_length=4000)]


class PlanFile(_Frozen):
    """What one YAML file of a plan folder may hold; every section is optional."""

    plan: PlanMeta | None = None
    documents: tuple[Document, ...] = ()
    contacts: tuple[Contact, ...] = ()
    topics: tuple[Topic, ...] = ()
    messages: dict[Key, Text] = {}
    commands: dict[Key, tuple[ShortText, ...]] = {}
    synonyms: tuple[tuple[ShortText, ...], ...] = ()
    stopwords: tuple[ShortText, ...] = ()
    question_words: tuple[ShortText, ...] = ()
    fillers: tuple[ShortText, ...] = ()
    # Who is asking ("som lærer"): each framing with "{role}" replaced by each role is a filler too.
    roles: tuple[ShortText, ...] = ()
    role_framings: tuple[ShortText, ...] = ()
    # Generated questions per contact: 'any' for all, 'phone'/'email' for contacts that have one.
    contact_questions: dict[Literal["any", "phone", "email"], tuple[ShortText, ...]] = {}
    # Words and phrases that make a short message lean on the previous answer ("og hvad med ...", "deres nummer").
    follow_up_markers: tuple[ShortText, ...] = ()
    source_words: tuple[ShortText, ...] = ()
    # English words and phrases and their Danish, for a message written in English (knowledge/english.py).
    english: dict[ShortText, ShortText] = {}
    menu: tuple[Id, ...] = ()
    flows: tuple[Flow, ...] = ()
    reminder: Reminder | None = None
    acute: AcuteSignals | None = None
    passages: tuple[Passage, ...] = ()


@dataclass(frozen=True)
class ResolvedTopic:
    """A topic with its contact references resolved for one plan."""

    topic: Topic
    contacts: tuple[Contact, ...]
    source: Document
    related: tuple[Topic, ...]
    sources: tuple[Document, ...] = ()  # the source and the more_sources, in order

    @property
    def id(self) -> str:
        return self.topic.id


@dataclass(frozen=True)
class ResolvedOutcome:
    outcome: FlowOutcome
    contacts: tuple[Contact, ...]
    source: Document
    related: tuple[Topic, ...]
    sources: tuple[Document, ...] = ()


@dataclass(frozen=True)
class ResolvedFlow:
    """A validated flow with its steps and outcomes looked up by id."""

    flow: Flow
    steps: Mapping[str, FlowStep]
    outcomes: Mapping[str, ResolvedOutcome]

    @property
    def id(self) -> str:
        return self.flow.id


@dataclass(frozen=True)
class ResolvedReminder:
    reminder: Reminder
    contacts: tuple[Contact, ...]
    topics: tuple[Topic, ...]


@dataclass(frozen=True)
class Knowledge:
    """One validated plan: the national layer with one municipality's folder on top."""

    meta: PlanMeta
    topics: Mapping[str, ResolvedTopic]
    contacts: Mapping[str, Contact]
    documents: Mapping[str, Document]
    messages: Mapping[str, str]
    commands: Mapping[str, tuple[str, ...]]
    synonyms: tuple[tuple[str, ...], ...]
    stopwords: frozenset[str]
    question_words: frozenset[str]
    fillers: frozenset[str]  # question framing ("er der tale om") that names no topic
    follow_up_markers: frozenset[str]
    # Words that point at a document ("ifølge", "skriver", "rapporten"): where to look, not what is asked.
    source_words: frozenset[str]
    contact_questions: Mapping[str, tuple[str, ...]]
    acute: AcuteSignals
    menu: tuple[ResolvedTopic, ...]
    flows: Mapping[str, ResolvedFlow] = field(default_factory=dict)
    reminder: ResolvedReminder | None = None
    files: tuple[str, ...] = field(default=())
    # Documents of the national layer (the rest are the municipality's own).
    national_documents: frozenset[str] = frozenset()
    # The source documents' own text: the national documents' and the municipality's plan's, never another's.
    passages: Mapping[str, Passage] = field(default_factory=dict)
    # English words and phrases read as Danish (knowledge/national/english.yaml).
    english: Mapping[str, str] = field(default_factory=dict)
    # Problems that do not stop the bot but that the vidensteam should fix (`make check` prints them).
    warnings: tuple[str, ...] = ()

    def is_national(self, document_id: str) -> bool:
        """True for a document of the national layer: the law, a national body, a national guide."""
        return document_id in self.national_documents

    def role(self, name: str) -> tuple[Contact, ...]:
        """The contacts the plan names for a role such as 'sparring' or 'acute'."""
        return tuple(self.contacts[c] for c in self.meta.roles.get(name, ()))

    def message(self, key: str, **values: str) -> str:
        """A user-facing text from the plan, with {placeholders} filled in."""
        return self.messages[key].format(**values) if values else self.messages[key]

    @staticmethod
    def freeze(mapping: dict) -> Mapping:
        return MappingProxyType(dict(mapping))

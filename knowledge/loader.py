"""Load a plan (national layer + one municipality folder) from YAML, validate it fully, freeze it.

Every error names the file, the line and the path to the bad value, e.g.
`knowledge/holstebro/contacts.yaml:42: contacts[3].phone: '9611 537' is not a Danish phone number`.
"""
from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import ValidationError

from .model import (
    INHERITED_FLOW_FIELDS,
    INHERITED_TOPIC_FIELDS,
    RESERVED_FALLBACK_PHRASES,
    AcuteSignals,
    Contact,
    Document,
    Flow,
    FlowStep,
    ResolvedFlow,
    ResolvedOutcome,
    ResolvedReminder,
    Knowledge,
    PlanFile,
    Passage,
    PlanMeta,
    ResolvedTopic,
    Topic,
)
from .text import stems

KNOWLEDGE_DIR = Path(__file__).resolve().parent
NATIONAL_DIR = KNOWLEDGE_DIR / "national"

# Messages the bot needs; a plan missing one cannot start.
REQUIRED_MESSAGES = (
    "welcome_title", "welcome_text", "help_title", "help_text", "help_examples",
    "fallback_title", "fallback_text", "fallback_suggestions", "fallback_contact", "fallback_no_contact",
    "did_you_mean_title", "did_you_mean_text",
    "source_prefix", "passage_intro", "passage_page", "worry_intro_child", "worry_intro_adult", "contacts_heading", "related_heading", "acute_banner",
    "error", "cancelled", "fallback_empty",
    "contact_from_plan", "contact_from_plan_adopted", "contact_national", "contact_verified",
    "flow_choice_echo", "flow_hint", "flow_do_heading", "flow_avoid_heading", "flow_back_at_start",
    "flow_expired", "flow_resume", "flow_start_prefix", "flow_gone_title", "flow_gone_text",
    "reminder_refused", "reminder_preview", "reminder_send", "reminder_cancel", "reminder_cancelled",
    "reminder_started", "reminder_already", "reminder_report", "reminder_missing", "help_coordinator",
    "conversations_one", "conversations_many", "reason_http_403", "reason_http_404", "reason_removed",
    "reason_gave_up", "reason_other", "stats_period", "stats_period_empty", "stats_week", "stats_abandoned",
    "notice_reminder_due", "notice_contacts_stale", "notice_contacts_unconfirmed", "notice_revision_due",
    "privacy_reminder", "feedback_thanks", "stats_refused", "stats_title", "stats_questions_per_week",
    "stats_top_topics", "stats_not_answered", "stats_flows_started", "stats_flows_finished", "stats_feedback",
    "stats_note",
)
REQUIRED_COMMANDS = ("help", "cancel", "back", "restart")
REQUIRED_ROLES = ()
# Roles a plan may leave out: the national contact stands in ("@politi" and "@acute" are 112 unless the plan names
# its own), or none (a plan that names no sparring contact yet shows none; `make check` warns).
DEFAULT_ROLES = {"politi": ("politi",), "acute": ("politi",), "sparring": (), "underretning": ()}
# Roles that send staff to a contact: each of these contacts needs a way to reach it (`make check` warns).
STAFF_ROLES = ("sparring", "acute", "underretning")


class PlanError(Exception):
    """A plan that failed validation; `errors` holds every problem found, one line each."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class _Where:
    file: str
    line: int
    path: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path}"


def _display(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _path_str(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top)"


@dataclass(frozen=True)
class _Entry:
    """Where an entry (a topic, contact, document) was defined; `at` gives the line of any value in it."""

    lines: "_LineMap"
    path: tuple

    def at(self, *sub: Any) -> "_Where":
        return self.lines.where(self.path + sub)


class _LineMap:
    """Python values built from YAML nodes, with the line of every path."""

    def __init__(self, file: str):
        self.file = file
        self.lines: dict[tuple, int] = {}
        self.broken: set[tuple[str, str]] = set()  # entries left out for a field error (see _salvage)
        self._constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: tuple = ()) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            for key_node, value_node in node.value:
                key = self._constructor.construct_object(key_node, deep=True)
                if key in out:
                    raise PlanError([f"{self.file}:{key_node.start_mark.line + 1}: "
                                     f"{_path_str(path + (key,))}: duplicate key"])
                out[key] = self.build(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._constructor.construct_object(node, deep=True)

    def where(self, path: tuple) -> "_Where":
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.lines:
                return _Where(self.file, self.lines[path[:cut]], _path_str(path))
        return _Where(self.file, 1, _path_str(path))


def _parse_file(path: Path) -> tuple[PlanFile | None, _LineMap, list[str]]:
    shown = _display(path)
    lines = _LineMap(shown)
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError as exc:
        return None, lines, [f"{shown}:1: (top): not UTF-8 text ({exc.reason})"]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return None, lines, [f"{shown}:{line}: (top): invalid YAML: {exc.problem or exc.context}"]
    if node is None:
        return PlanFile(), lines, []
    try:
        raw = lines.build(node)
    except PlanError as exc:
        return None, lines, exc.errors
    except yaml.YAMLError as exc:
        return None, lines, [f"{shown}:1: (top): invalid YAML: {exc}"]
    if not isinstance(raw, dict):
        return None, lines, [f"{shown}:1: (top): a plan file must be a mapping of sections"]
    try:
        return PlanFile.model_validate(raw), lines, []
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown field"
            elif err["type"] == "missing":
                message = "required field is missing"
            errors.append(f"{lines.where(loc)}: {message}")
        salvaged, broken = _salvage(raw, exc)
        lines.broken = broken
        return salvaged, lines, errors


# Sections that are lists of entries with an id: an entry with a bad field is left out, the rest are kept.
_ENTRY_SECTIONS = ("documents", "contacts", "topics", "flows")


def _salvage(raw: dict, exc: ValidationError) -> tuple[PlanFile | None, set[tuple[str, str]]]:
    """The file without the entries and sections that failed validation, so that the cross-references of
    everything else are still checked: `make check` reports every error in one run.

    Returns the salvaged file (None when a section the plan cannot do without is lost) and the (section, id) of
    the entries left out, so that references to them are not reported as unknown as well."""
    bad_sections: set[str] = set()
    bad_entries: dict[str, set[int]] = {}
    for err in exc.errors():
        loc = tuple(err["loc"])
        if not loc or loc[0] not in PlanFile.model_fields:
            continue
        if loc[0] in _ENTRY_SECTIONS and len(loc) > 1 and isinstance(loc[1], int):
            bad_entries.setdefault(loc[0], set()).add(loc[1])
        else:
            bad_sections.add(loc[0])
    kept: dict = {}
    broken: set[tuple[str, str]] = set()
    for section, value in raw.items():
        if section not in PlanFile.model_fields or section in bad_sections:
            continue
        if section in bad_entries and isinstance(value, list):
            for i in sorted(bad_entries[section]):
                if isinstance(value[i], dict) and isinstance(value[i].get("id"), str):
                    broken.add((section, value[i]["id"]))
            value = [item for i, item in enumerate(value) if i not in bad_entries[section]]
        kept[section] = value
    if bad_sections & {"plan", "acute"}:
        return None, broken
    try:
        return PlanFile.model_validate(kept), broken
    except ValidationError:
        return None, broken


def resolve_plan_dir(plan: str) -> Path:
    """A plan is a folder name under knowledge/ or a path to a folder."""
    candidate = Path(plan)
    if plan and "/" not in plan and os.sep not in plan and (KNOWLEDGE_DIR / plan).is_dir():
        return KNOWLEDGE_DIR / plan
    return candidate.resolve()


def shipped_plans() -> list[str]:
    """The municipality folders that ship with the product."""
    return sorted(p.parent.name for p in KNOWLEDGE_DIR.glob("*/plan.yaml"))


def load_plan(plan: str | os.PathLike, national_dir: Path = NATIONAL_DIR) -> Knowledge:
    """Load, validate and freeze a plan; raises PlanError listing every problem."""
    plan_dir = resolve_plan_dir(str(plan))
    if not plan_dir.is_dir():
        raise PlanError([f"{_display(plan_dir)}: plan folder not found "
                         f"(shipped plans: {', '.join(shipped_plans())})"])
    if not (plan_dir / "plan.yaml").is_file():
        raise PlanError([f"{_display(plan_dir / 'plan.yaml')}:1: (top): a plan folder needs plan.yaml"])
    errors: list[str] = []
    layers = []
    lost_file = False
    broken: set[tuple[str, str]] = set()
    for layer_dir in (national_dir, plan_dir):
        parsed = []
        for path in sorted(layer_dir.glob("*.yaml")):
            data, lines, file_errors = _parse_file(path)
            errors.extend(file_errors)
            broken |= lines.broken
            if data is None:
                lost_file = True
            else:
                parsed.append((data, lines))
        layers.append(parsed)
    if lost_file:
        # A file that could not be read at all: every reference into it would be reported as unknown.
        raise PlanError(errors)
    cross: list[str] = []
    knowledge = _merge_and_check(layers, cross)
    errors.extend(e for e in cross if not _refers_to_broken(e, broken))
    if errors:
        raise PlanError(errors)
    return knowledge


_UNKNOWN_REFERENCE = re.compile(r"unknown (contact|topic|flow|document) '([^']+)'")


def _refers_to_broken(error: str, broken: set[tuple[str, str]]) -> bool:
    """An "unknown X" error about an entry that exists but was left out for a field error (already reported)."""
    match = _UNKNOWN_REFERENCE.search(error)
    return bool(match) and (match.group(1) + "s", match.group(2)) in broken


def _merge_and_check(layers, errors: list[str]) -> Knowledge | None:
    """Municipal entries replace national ones by id; then every reference is checked."""
    documents: dict[str, Document] = {}
    contacts: dict[str, Contact] = {}
    topics: dict[str, Topic] = {}
    where: dict[tuple[str, str], _Entry] = {}
    messages: dict[str, str] = {}
    message_where: dict[str, _Where] = {}
    commands: dict[str, tuple[str, ...]] = {}
    synonyms: list[tuple[str, ...]] = []
    synonym_where: list[_Where] = []
    stopwords: set[str] = set()
    question_words: set[str] = set()
    fillers: set[str] = set()
    follow_up_markers: set[str] = set()
    source_words: set[str] = set()
    english: dict[str, str] = {}
    roles: set[str] = set()
    role_framings: set[str] = set()
    contact_questions: dict[str, list[str]] = {}
    menu: tuple[str, ...] = ()
    menu_where: _Where | None = None
    flows: dict[str, Flow] = {}
    passages: dict[str, Passage] = {}
    reminder = None
    reminder_where: _Entry | None = None
    meta: PlanMeta | None = None
    meta_where: _Where | None = None
    acute: AcuteSignals | None = None
    acute_where: _Where | None = None

    origin: dict[tuple[str, str], int] = {}  # 0: the national layer, 1: the municipality's folder
    inherited = {"topics": INHERITED_TOPIC_FIELDS, "flows": INHERITED_FLOW_FIELDS}

    for layer_no, parsed in enumerate(layers):
        seen_in_layer: dict[tuple[str, str], _Entry] = {}
        for data, lines in parsed:
            for section, items, target in (("documents", data.documents, documents),
                                           ("contacts", data.contacts, contacts),
                                           ("topics", data.topics, topics),
                                           ("flows", data.flows, flows),
                                           ("passages", data.passages, passages)):
                for i, item in enumerate(items):
                    here = _Entry(lines, (section, i))
                    key = (section, item.id)
                    if key in seen_in_layer:
                        first = seen_in_layer[key].at()
                        errors.append(f"{here.at('id')}: duplicate id {item.id!r} "
                                      f"(also at {first.file}:{first.line})")
                        continue
                    seen_in_layer[key] = here
                    if section in inherited and item.id in target:
                        national = target[item.id]
                        item = item.model_copy(update={f: getattr(national, f) for f in inherited[section]
                                                       if f not in item.model_fields_set})
                    target[item.id] = item
                    where[key] = here
                    origin[key] = layer_no
            for key, value in data.messages.items():
                messages[key] = value
                message_where[key] = lines.where(("messages", key))
            commands.update(data.commands)
            synonyms.extend(data.synonyms)
            synonym_where.extend(lines.where(("synonyms", i)) for i in range(len(data.synonyms)))
            stopwords.update(word.lower() for word in data.stopwords)
            question_words.update(word.lower() for word in data.question_words)
            fillers.update(phrase.lower() for phrase in data.fillers)
            follow_up_markers.update(phrase.lower() for phrase in data.follow_up_markers)
            source_words.update(word.lower() for word in data.source_words)
            english.update({k.lower(): v for k, v in data.english.items()})
            roles.update(role.lower() for role in data.roles)
            for i, framing in enumerate(data.role_framings):
                if "{role}" not in framing:
                    errors.append(f"{lines.where(('role_framings', i))}: a role framing needs \"{{role}}\" "
                                  f"(where each role goes): {framing!r}")
                role_framings.add(framing.lower())
            for kind, templates in data.contact_questions.items():
                contact_questions.setdefault(kind, []).extend(templates)
            if data.menu:
                menu, menu_where = data.menu, lines.where(("menu",))
            if data.reminder is not None:
                reminder, reminder_where = data.reminder, _Entry(lines, ("reminder",))
            if data.acute is not None:
                acute, acute_where = data.acute, lines.where(("acute",))
            if data.plan is not None:
                if layer_no == 0:
                    errors.append(f"{lines.where(('plan',))}: the national layer cannot hold a plan section")
                elif meta is not None:
                    errors.append(f"{lines.where(('plan',))}: a second plan section "
                                  f"(the first is at {meta_where.file}:{meta_where.line})")
                else:
                    meta, meta_where = data.plan, lines.where(("plan",))

    if meta is None:
        errors.append("plan.yaml:1: plan: required section is missing")
        return None
    if acute is None:
        errors.append(f"{meta_where.file}:1: acute: required section is missing (national acute.yaml)")
        return None

    def check_contact_ids(ids, at: _Where) -> None:
        for i, contact_id in enumerate(ids):
            if contact_id not in contacts:
                errors.append(f"{at.file}:{at.line}: {at.path}[{i}]: unknown contact {contact_id!r}")

    national_documents = {d for d in documents if origin[("documents", d)] == 0}
    meta = meta.model_copy(update={"roles": {**DEFAULT_ROLES, **meta.roles}})

    def check_sources(sources, at: _Entry, national: bool, path: tuple = ()) -> None:
        """Every cited document exists, and a national entry cites only national documents: a municipality's
        plan is never the source of what every municipality's bot shows."""
        for i, source in enumerate(sources):
            here = at.at(*path, *(("source",) if i == 0 else ("more_sources", i - 1)), "document")
            if source.document not in documents:
                errors.append(f"{here}: unknown document {source.document!r}")
            elif national and source.document not in national_documents:
                errors.append(f"{here}: a national entry cites {source.document!r}, a municipality's document; "
                              f"cite the law or the national body, and name the plans that list it in "
                              f"source.listed_in")

    for role in REQUIRED_ROLES:
        if role not in meta.roles:
            errors.append(f"{meta_where}.roles: required role {role!r} is missing")
    for role, ids in meta.roles.items():
        check_contact_ids(ids, _Where(meta_where.file, meta_where.line, f"plan.roles.{role}"))
    if meta.document is not None and meta.document not in documents:
        errors.append(f"{meta_where}.document: unknown document {meta.document!r}")

    warnings: list[str] = []
    unreachable: dict[str, list[str]] = {}
    for role in STAFF_ROLES:
        for contact_id in meta.roles.get(role, ()):
            contact = contacts.get(contact_id)
            if contact is not None and not (contact.phone or contact.email or contact.url):
                unreachable.setdefault(contact_id, []).append(role)
    for role in ("sparring", "underretning"):
        if not meta.roles.get(role):
            warnings.append(f"{meta_where}.roles.{role}: no contact named: staff who need {role} are sent nowhere; "
                            f"name the municipality's contact")
    for contact_id, roles_of in unreachable.items():
        warnings.append(f"{where[('contacts', contact_id)].at('id')}: contact {contact_id!r} "
                        f"({contacts[contact_id].name}) has no phone, e-mail or URL, but staff are sent to it "
                        f"(roles: {', '.join(roles_of)}); add how to reach it")

    for contact in contacts.values():
        for field_name in ("name", "description", "phone_label", "hours"):
            _check_reserved(getattr(contact, field_name), str(where[("contacts", contact.id)].at(field_name)),
                            errors)
        check_sources((contact.source,), where[("contacts", contact.id)], origin[("contacts", contact.id)] == 0)

    for passage in list(passages.values()):
        # A passage is the text of the document it names: a national one in the national layer, the municipality's
        # own plan in its folder - so no bot ever quotes another municipality's plan.
        at = where[("passages", passage.id)]
        if passage.document not in documents:
            errors.append(f"{at.at('document')}: unknown document {passage.document!r}")
        elif origin[("passages", passage.id)] == 0 and passage.document not in national_documents:
            errors.append(f"{at.at('document')}: a national passage quotes {passage.document!r}, a municipality's "
                          f"document; its text belongs in that municipality's folder")
        reserved = [p for p in RESERVED_FALLBACK_PHRASES if p in passage.text.lower()]
        if reserved:
            # Only a reply without a confident answer may say so; a verbatim text cannot be reworded, so it is
            # left out of the answers instead.
            warnings.append(f"{at.at('text')}: passage {passage.id!r} uses {reserved[0]!r}, which is reserved for "
                            f"replies without a confident answer; it is not used for answers")
            del passages[passage.id]

    for contact in contacts.values():
        generated = _contact_topic(contact, contact_questions)
        if generated.id in topics:
            errors.append(f"{where[('topics', generated.id)].at('id')}: id {generated.id!r} is reserved for "
                          f"the contact card of {contact.id!r}")
        else:
            topics[generated.id] = generated
            where[("topics", generated.id)] = where[("contacts", contact.id)]
            origin[("topics", generated.id)] = origin[("contacts", contact.id)]

    resolved: dict[str, ResolvedTopic] = {}
    def resolve_contacts(refs, at: _Entry, path: tuple) -> list[Contact]:
        """Contact ids and "@role" references, resolved in order, without duplicates."""
        found: list[Contact] = []
        for i, ref in enumerate(refs):
            if ref.startswith("@"):
                if ref[1:] not in meta.roles:
                    errors.append(f"{at.at(*path, i)}: unknown role {ref!r} "
                                  f"(plan.yaml roles: {', '.join(sorted(meta.roles))})")
                    continue
                ids = meta.roles[ref[1:]]
            else:
                ids = (ref,)
            for contact_id in ids:
                if contact_id not in contacts:
                    errors.append(f"{at.at(*path, i)}: unknown contact {contact_id!r}")
                elif contacts[contact_id] not in found:
                    found.append(contacts[contact_id])
        return found

    for topic in topics.values():
        at = where[("topics", topic.id)]
        topic_contacts = resolve_contacts(topic.contacts, at, ("contacts",))
        for i, related in enumerate(topic.related):
            if related not in topics:
                errors.append(f"{at.at('related', i)}: unknown topic {related!r}")
            elif related == topic.id:
                errors.append(f"{at.at('related', i)}: a topic cannot be related to itself")
        if topic.kind != "contact":
            check_sources(topic.sources, at, origin[("topics", topic.id)] == 0)
        if topic.title is None:
            errors.append(f"{at.at('id')}: topic {topic.id!r} needs a title")
        if not topic.questions:
            errors.append(f"{at.at('id')}: topic {topic.id!r} needs at least one question")
        if topic.flow is not None and topic.flow not in flows:
            errors.append(f"{at.at('flow')}: unknown flow {topic.flow!r}")
        for field_name in ("title", "answer", "points"):
            value = getattr(topic, field_name)
            for i, text in enumerate(value if isinstance(value, tuple) else (value,)):
                path = (field_name, i) if isinstance(value, tuple) else (field_name,)
                _check_reserved(text, str(at.at(*path)), errors)
        related_topics = tuple(topics[r] for r in topic.related if r in topics)
        if topic.kind == "contact" and not related_topics:
            # A contact's card links to the topics that name this contact.
            related_topics = tuple(t for t in topics.values()
                                   if t.kind != "contact" and topic.contacts[0] in t.contacts)[:3]
        if not errors:
            resolved[topic.id] = ResolvedTopic(
                topic=topic,
                contacts=tuple(topic_contacts),
                source=documents[topic.source.document],
                related=related_topics,
                sources=tuple(documents[s.document] for s in topic.sources),
            )

    for flow in flows.values():
        at = where[("flows", flow.id)]
        if flow.title is None:
            errors.append(f"{at.at('id')}: flow {flow.id!r} needs a title")
        if not flow.triggers:
            errors.append(f"{at.at('id')}: flow {flow.id!r} needs at least one trigger")
        for i, outcome in enumerate(flow.outcomes):
            check_sources(outcome.sources, at, origin[("flows", flow.id)] == 0, ("outcomes", i))
    resolved_flows = {flow.id: _check_flow(flow, where[("flows", flow.id)], resolve_contacts, topics,
                                            documents, errors) for flow in flows.values()}

    resolved_reminder = None
    if reminder is not None:
        reminder_contacts = resolve_contacts(reminder.contacts, reminder_where, ("contacts",))
        for i, topic_id in enumerate(reminder.topics):
            if topic_id not in topics:
                errors.append(f"{reminder_where.at('topics', i)}: unknown topic {topic_id!r}")
        resolved_reminder = ResolvedReminder(reminder, tuple(reminder_contacts),
                                             tuple(topics[t] for t in reminder.topics if t in topics))

    if not menu:
        errors.append(f"{meta_where.file}:1: menu: required section is missing (national messages.yaml)")
    for i, topic_id in enumerate(menu):
        if topic_id not in topics:
            errors.append(f"{menu_where}[{i}]: unknown topic {topic_id!r}")
    if acute.topic not in topics:
        errors.append(f"{acute_where}.topic: unknown topic {acute.topic!r}")
    for i, combo in enumerate(acute.combinations):
        for j, group in enumerate(combo):
            if isinstance(group, str) and (not group.startswith("@") or group[1:] not in acute.words):
                errors.append(f"{acute_where}.combinations[{i}][{j}]: unknown word list {group!r} "
                              f"(known: {', '.join('@' + k for k in acute.words) or 'none'})")
    for key in REQUIRED_MESSAGES:
        if key not in messages:
            errors.append(f"{meta_where.file}:1: messages.{key}: required message is missing")
    for key, text in messages.items():
        if not key.startswith(("fallback", "did_you_mean")):
            _check_reserved(text, str(message_where[key]), errors)
        try:
            list(string.Formatter().parse(text))
        except ValueError as exc:
            errors.append(f"{message_where[key]}: {exc}")
    _check_synonyms(synonyms, synonym_where, errors)
    for key in REQUIRED_COMMANDS:
        if key not in commands:
            errors.append(f"{meta_where.file}:1: commands.{key}: required command is missing")
    if errors:
        return None
    return Knowledge(
        meta=meta,
        topics=Knowledge.freeze(resolved),
        contacts=Knowledge.freeze(contacts),
        documents=Knowledge.freeze(documents),
        messages=Knowledge.freeze(messages),
        commands=Knowledge.freeze(commands),
        synonyms=tuple(synonyms),
        stopwords=frozenset(stopwords),
        question_words=frozenset(question_words),
        fillers=frozenset(fillers | {f.replace("{role}", r) for f in role_framings for r in roles}),
        follow_up_markers=frozenset(follow_up_markers),
        source_words=frozenset(source_words),
        contact_questions=Knowledge.freeze({k: tuple(v) for k, v in contact_questions.items()}),
        acute=acute,
        menu=tuple(resolved[t] for t in menu),
        flows=Knowledge.freeze(resolved_flows),
        reminder=resolved_reminder,
        files=tuple(lines.file for parsed in layers for _, lines in parsed),
        national_documents=frozenset(national_documents),
        warnings=tuple(warnings),
        passages=Knowledge.freeze(passages),
        english=Knowledge.freeze(english),
    )


def _check_flow(flow: Flow, at: _Entry, resolve_contacts, topics: dict, documents: dict,
                errors: list[str]) -> ResolvedFlow:
    """Every step reachable, every "next" known, no loop without exit, every outcome with a contact."""
    steps: dict[str, FlowStep] = {}
    for i, step in enumerate(flow.steps):
        if step.id in steps:
            errors.append(f"{at.at('steps', i, 'id')}: duplicate step id {step.id!r}")
        steps[step.id] = step
    outcome_index = {o.id: i for i, o in enumerate(flow.outcomes)}
    if len(outcome_index) != len(flow.outcomes):
        errors.append(f"{at.at('outcomes')}: duplicate outcome ids")
    if flow.start not in steps:
        errors.append(f"{at.at('start')}: unknown step {flow.start!r}")
    step_index = {s.id: i for i, s in enumerate(flow.steps)}
    for step in flow.steps:
        for k, choice in enumerate(step.choices):
            here = at.at("steps", step_index[step.id], "choices", k)
            if (choice.next is None) == (choice.outcome is None):
                errors.append(f"{here}: a choice needs exactly one of 'next' (a step) or 'outcome'")
            elif choice.next is not None and choice.next not in steps:
                errors.append(f"{at.at('steps', step_index[step.id], 'choices', k, 'next')}: "
                              f"unknown step {choice.next!r}")
            elif choice.outcome is not None and choice.outcome not in outcome_index:
                errors.append(f"{at.at('steps', step_index[step.id], 'choices', k, 'outcome')}: "
                              f"unknown outcome {choice.outcome!r}")
            _check_reserved(choice.label, str(at.at("steps", step_index[step.id], "choices", k, "label")), errors)
        _check_reserved(step.question, str(at.at("steps", step_index[step.id], "question")), errors)
    # Reachability from the start, and which steps can still reach an outcome.
    reached_steps, reached_outcomes, todo = set(), set(), [flow.start] if flow.start in steps else []
    while todo:
        step_id = todo.pop()
        if step_id in reached_steps:
            continue
        reached_steps.add(step_id)
        for choice in steps[step_id].choices:
            if choice.next in steps:
                todo.append(choice.next)
            elif choice.outcome in outcome_index:
                reached_outcomes.add(choice.outcome)
    for step in flow.steps:
        if step.id not in reached_steps and flow.start in steps:
            errors.append(f"{at.at('steps', step_index[step.id], 'id')}: step {step.id!r} cannot be reached "
                          f"from the start step {flow.start!r}")
    for outcome in flow.outcomes:
        if outcome.id not in reached_outcomes and flow.start in steps:
            errors.append(f"{at.at('outcomes', outcome_index[outcome.id], 'id')}: outcome {outcome.id!r} "
                          f"cannot be reached")
    exits = {s.id for s in flow.steps if any(c.outcome in outcome_index for c in s.choices)}
    changed = True
    while changed:
        changed = False
        for step in flow.steps:
            if step.id not in exits and any(c.next in exits for c in step.choices):
                exits.add(step.id)
                changed = True
    for step in flow.steps:
        if step.id in reached_steps and step.id not in exits:
            errors.append(f"{at.at('steps', step_index[step.id], 'id')}: step {step.id!r} is in a loop "
                          f"without exit (no choice from it leads to an outcome)")
    outcomes: dict[str, ResolvedOutcome] = {}
    for outcome in flow.outcomes:
        o_at = _Entry(at.lines, at.path + ("outcomes", outcome_index[outcome.id]))
        if not outcome.contacts:
            errors.append(f"{o_at.at('id')}: outcome {outcome.id!r} names no contact")
        found = resolve_contacts(outcome.contacts, o_at, ("contacts",))
        for i, related in enumerate(outcome.related):
            if related not in topics:
                errors.append(f"{o_at.at('related', i)}: unknown topic {related!r}")
        for field_name in ("title", "summary", "do", "avoid"):
            value = getattr(outcome, field_name)
            for i, text in enumerate(value if isinstance(value, tuple) else (value,)):
                path = (field_name, i) if isinstance(value, tuple) else (field_name,)
                _check_reserved(text, str(o_at.at(*path)), errors)
        if all(s.document in documents for s in outcome.sources):
            outcomes[outcome.id] = ResolvedOutcome(
                outcome=outcome, contacts=tuple(found), source=documents[outcome.source.document],
                related=tuple(topics[r] for r in outcome.related if r in topics),
                sources=tuple(documents[s.document] for s in outcome.sources))
    return ResolvedFlow(flow=flow, steps=Knowledge.freeze(steps), outcomes=Knowledge.freeze(outcomes))


def _check_synonyms(groups: list[tuple[str, ...]], where: list["_Where"], errors: list[str]) -> None:
    """A phrase may belong to one synonym group only (else which meaning it gets depends on file order)."""
    owner: dict[tuple[str, ...], int] = {}
    for g, group in enumerate(groups):
        for phrase in group:
            key = stems(phrase)
            if key and owner.setdefault(key, g) != g:
                errors.append(f"{where[g]}: {phrase!r} is also in the synonym group at "
                              f"{where[owner[key]].file}:{where[owner[key]].line}")


def _check_reserved(text: str | None, at: str, errors: list[str]) -> None:
    """Only the fallback may say it has no confident answer (DEVELOPERS.md); other text must not."""
    for phrase in RESERVED_FALLBACK_PHRASES:
        if text and phrase in text.lower():
            errors.append(f"{at}: uses {phrase!r}, which is reserved for replies without a confident "
                          f"answer; rephrase it")


CONTACT_TOPIC_PREFIX = "kontakt-"


def _contact_topic(contact: Contact, questions: dict[str, list[str]]) -> Topic:
    """Every contact gets a card of its own, found by its name and aliases ("Hvad er nummeret til X?"), and by its
    phone number ("hvem er 72 42 40 00?", after a missed call)."""
    names = (contact.name, *contact.aliases)
    templates = [*questions.get("any", ()), *(questions.get("phone", ()) if contact.phone else ()),
                 *(questions.get("email", ()) if contact.email else ())]
    questions = tuple(dict.fromkeys(t.format(name=n) for t in templates for n in names)) or names
    return Topic.model_construct(
        id=CONTACT_TOPIC_PREFIX + contact.id,
        title=contact.name,
        button=None,
        kind="contact",
        priority=0,
        answer=contact.description or contact.name,
        points=(),
        questions=questions,
        keywords=(*names, *((contact.phone,) if contact.phone else ())),
        signals=(),
        contacts=(contact.id,),
        related=(),
        source=contact.source,
    )

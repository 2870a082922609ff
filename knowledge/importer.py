"""`python -m knowledge import FILE.pdf|FILE.txt --out knowledge/<name>/`: a plan's own text as passages, and a
draft of the contacts it names.

The text comes out of PDFs broken: words hyphenated across lines ("opspo-" / "ring"), sentences cut into lines,
headings among the text. The importer mends that and splits the text into passages: a few paragraphs under one
heading, with the page they are on. The passages are what the bot quotes (knowledge/passages.py); the draft
contacts are every phone number and e-mail address found, each with the line it came from, for the vidensteam to
check, name and give a role.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# A passage gathers paragraphs under one heading up to about this many characters (a card's worth of text).
PASSAGE_CHARS = 700
MAX_HEADING_WORDS = 10
MIN_PASSAGE_WORDS = 6   # shorter leftovers (a diagram's labels, a page number) are no passage

_BULLET = re.compile(r"^\s*(?:[•●▪✤\-–*]|\d{1,2}[.)])\s*[\ufffd]?\s*")
_HYPHENATED = re.compile(r"([a-zæøåé])-\s*$")
_LIST_ITEM = re.compile(r"^[a-zæøå]\)\s")  # "a) ..." starts an item, it goes on with no sentence
_SENTENCE_END = re.compile(r"[.!?:;)\"”]\s*$")
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s*")
_EMPHASIS = re.compile(r"\*\*|__|\*(?=\w)|(?<=\w)\*")
_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_PHONE = re.compile(r"(?<![\d+])((?:\+45\s?)?\d{2}\s?\d{2}\s?\d{2}\s?\d{2}|(?<=\s)\d{3,4}(?=[\s.,]|$))(?![\d])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SHORT_NUMBER_CUE = re.compile(r"(telefon|tlf|ring|på|kontaktes på|nummer)\s*:?\s*$", re.IGNORECASE)


@dataclass
class Block:
    """A heading or a paragraph of the cleaned text, with the page it starts on (None for a text file)."""

    kind: str  # "heading" or "text"
    text: str
    page: int | None
    line: int


@dataclass
class Passage:
    id: str
    section: str
    text: str
    page: int | None = None


@dataclass
class DraftContact:
    name: str
    phone: str | None
    email: str | None
    section: str
    line_no: int
    line: str
    id: str = ""


@dataclass
class Imported:
    passages: list[Passage] = field(default_factory=list)
    contacts: list[DraftContact] = field(default_factory=list)


def read_pages(path: Path) -> list[tuple[int | None, str]]:
    """The text of a PDF page by page (pypdf), or of a text file (pages split at form feeds, if any)."""
    if path.suffix.lower() == ".pdf":
        from pypdf import PdfReader

        # Layout mode keeps the vertical gaps as blank lines: they tell headings and paragraphs apart.
        pages = PdfReader(str(path)).pages
        return [(n, "\n".join(line.strip() for line in (page.extract_text(extraction_mode="layout") or "")
                                .splitlines())) for n, page in enumerate(pages, start=1)]
    text = path.read_text(encoding="utf-8")
    pages = text.split("\f")
    return [(n if len(pages) > 1 else None, page) for n, page in enumerate(pages, start=1)]


def _clean_line(line: str) -> str:
    line = _MARKDOWN_LINK.sub(r"\1", line.replace("\ufffd", " "))
    line = _EMPHASIS.sub("", _MARKDOWN_HEADING.sub("", line))
    return re.sub(r"\s+", " ", line).strip()


_CONTINUES = frozenset({"fra", "til", "af", "og", "i", "på", "med", "for", "om", "at", "en", "et", "den", "der", "som",
                        "samt", "eller", "ved", "under", "over", "hvor", "hvis", "kan", "skal"})


# After a hyphen at a line's end, these words mean a shared ending ("voksen- samt børneområdet"), not a split word.
_SUSPENDED = frozenset({"og", "samt", "eller", "til", "som"})


def _hyphen_mended(before: str, after: str) -> str | None:
    """The two pieces as one word when `before` ends in a hyphenation ("opspo-" + "ring"), else None ("voksen-" /
    "samt børne-" stays)."""
    if _HYPHENATED.search(before) and after[:1].islower() and after.split()[0] not in _SUSPENDED:
        return before[:-1] + after
    return None
_SENTENCE_START = frozenset({"du", "vi", "det", "der", "den", "de", "hvis", "når", "man", "jeg"})


def _heading_like(line: str, raw: str) -> bool:
    """Short, no sentence end, no number, opens on a capital: how a heading looks (or a markdown heading).
    A short label ending in a colon ("Voksne:") is a heading too."""
    if _MARKDOWN_HEADING.match(raw):
        return bool(line)
    words = line.split()
    if not line or _BULLET.match(raw) or line.endswith((",", "-", "–")) or ", " in line:
        return False
    if _SENTENCE_END.search(line) and not (line.endswith(":") and len(words) <= 4):
        return False
    if (len(words) > MAX_HEADING_WORDS or re.search(r"\d{3,}", line) or words[-1].lower() in _CONTINUES
            or len(words) >= 4 and words[0].lower() in _SENTENCE_START):
        return False
    return line[0].isupper() or line[0].isdigit() or line[0] in "§"


def _heading_span(cleaned: list[str], raw_lines: list[str], i: int) -> int:
    """How many lines from line i make a heading (0: none). A heading follows a blank line, and is followed by a
    blank line, by text that opens a sentence, or is broken once over a short lower-case second line."""
    line, raw = cleaned[i], raw_lines[i]
    if (i > 0 and cleaned[i - 1]) and not _MARKDOWN_HEADING.match(raw):
        return 0
    if not _heading_like(line, raw):
        return 0
    after = cleaned[i + 1] if i + 1 < len(cleaned) else ""
    beyond = cleaned[i + 2] if i + 2 < len(cleaned) else ""
    # Broken once: "Forebyggende indsatser i Holstebro" / "Kommune", "Begrebsafklaring – hvad er ..." / "kontrol".
    second = (after[:1].isalpha() and not _SENTENCE_END.search(after) and not _BULLET.match(raw_lines[i + 1])
              and (len(after.split()) <= 2 or after[0].islower() and len(after.split()) <= 6)
              and (not beyond or beyond[0].isupper() or _BULLET.match(raw_lines[i + 2])))
    if second and not _MARKDOWN_HEADING.match(raw) and not line.endswith(":"):
        return 2
    if _MARKDOWN_HEADING.match(raw) or not after or after[0].isupper() or _BULLET.match(raw_lines[i + 1]):
        return 1
    return 0


def blocks(pages: list[tuple[int | None, str]]) -> list[Block]:
    """Headings and paragraphs: hyphenation across lines mended, a paragraph's lines joined, bullets kept apart."""
    out: list[Block] = []
    current: list[str] = []
    start_line, start_page, line_no = 0, None, 0

    def flush() -> None:
        # A run of one- and two-word lines is a diagram's labels, not text.
        if current and not (len(current) > 1 and all(len(c.split()) <= 2 for c in current)):
            out.append(Block("text", " ".join(current).strip(), start_page, start_line))
        current.clear()

    for page, text in pages:
        raw_lines = text.splitlines()
        cleaned = [_clean_line(r) for r in raw_lines]
        skip = 0
        for i, (raw, line) in enumerate(zip(raw_lines, cleaned)):
            line_no += 1
            if skip:
                skip -= 1
                continue
            if not line or line.strip("-–—_ ") == "":  # a blank line, or a rule between sections
                flush()
                continue
            span = 0 if current else _heading_span(cleaned, raw_lines, i)
            if span:
                out.append(Block("heading", " ".join(cleaned[i:i + span]), page, line_no))
                skip = span - 1
                continue
            if _BULLET.match(raw) and current:
                flush()
            if not current:
                start_line, start_page = line_no, page
                current.append(_BULLET.sub("• ", raw.strip(), count=1).strip() if _BULLET.match(raw) else line)
                continue
            mended = _hyphen_mended(current[-1], line)
            if mended is not None:
                current[-1] = mended
            else:
                current.append(line)
        flush()
    return out


def passages(blocks_: list[Block], prefix: str) -> list[Passage]:
    """Paragraphs under one heading, gathered up to PASSAGE_CHARS; each keeps its heading and first page."""
    out: list[Passage] = []
    section = ""
    pending: list[Block] = []

    def flush() -> None:
        text = "\n".join(b.text for b in pending).strip()
        if len(text.split()) >= MIN_PASSAGE_WORDS:
            out.append(Passage(f"{prefix}-{len(out) + 1:03d}", section or "Indledning", text, pending[0].page))
        pending.clear()

    for block in blocks_:
        if block.kind == "heading":
            if pending:
                flush()
            section = block.text
            continue
        if (pending and block.text[:1].islower() and not _SENTENCE_END.search(pending[-1].text)
                and not _LIST_ITEM.match(block.text)):
            # a sentence that a page break cut ("... hvorefter" / "arbejdet evalueres ..."): one paragraph again
            last = pending[-1]
            joined = _hyphen_mended(last.text, block.text) or f"{last.text} {block.text}"
            pending[-1] = Block(last.kind, joined, last.page, last.line)
            continue
        if pending and sum(len(b.text) for b in pending) + len(block.text) > PASSAGE_CHARS:
            flush()
        pending.append(block)
    if pending:
        flush()
    return out


_CUE_WORDS = re.compile(
    r"(?i)(\b(kan )?(kontaktes|kontakte|ringe til|ring|telefon|tlf\.?|på|nummer|e-mail|mail)\b\s*:?\s*)+$")


def _name_before(text: str) -> str:
    """Who a number belongs to: the clause before it, without "kan kontaktes på", "telefon" and the like."""
    clause = re.split(r"[.;:()]|\s[–-]\s", text)[-1]
    clause = _CUE_WORDS.sub("", clause.strip()).strip(" ,")
    return " ".join(clause.split()[-8:])


def draft_contacts(pages: list[tuple[int | None, str]], blocks_: list[Block]) -> list[DraftContact]:
    """Every phone number and e-mail in the text, with the line it is on, the heading above it, and a name
    taken from the text before it."""
    headings = [(b.line, b.text) for b in blocks_ if b.kind == "heading"]
    texts = [b for b in blocks_ if b.kind == "text"]
    lines = [line for _, text in pages for line in text.splitlines()]
    found: list[DraftContact] = []
    seen: set[str] = set()
    for n, raw in enumerate(lines, start=1):
        line = _clean_line(raw)
        section = next((h for at, h in reversed(headings) if at <= n), "")
        block = next((b for b in reversed(texts) if b.line <= n), None)
        for match in _PHONE.finditer(line):
            number = match.group(1).strip()
            digits = re.sub(r"\D", "", number)
            if len(digits) < 8 and not _SHORT_NUMBER_CUE.search(line[:match.start()]):
                continue  # "4 år", "15 samtaler": a short number is a phone number only after "telefon", "på"
            if digits in seen:
                continue
            seen.add(digits)
            context = block.text if block is not None and number in block.text else line
            name = _name_before(context[:context.index(number)]) if number in context else ""
            found.append(DraftContact(name or section, number, None, section, n, line))
        for match in _EMAIL.finditer(line):
            if match.group(0).lower() in seen:
                continue
            seen.add(match.group(0).lower())
            found.append(DraftContact(section, None, match.group(0), section, n, line))
    ids: set[str] = set()
    for contact in found:
        base = _slug(contact.name)[:40].strip("-") or "kontakt"
        contact.id, k = base, 2
        while contact.id in ids:
            contact.id, k = f"{base}-{k}", k + 1
        ids.add(contact.id)
    return found


def _slug(text: str) -> str:
    text = text.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def import_text(path: Path, document_id: str) -> Imported:
    """The passages and draft contacts of one plan text (a PDF or a text file)."""
    pages = read_pages(path)
    parsed = blocks(pages)
    return Imported(passages(parsed, document_id), draft_contacts(pages, parsed))


class _Literal(str):
    """Written as a YAML block scalar, so a passage reads as the text it is."""


def _literal(dumper: yaml.SafeDumper, value: _Literal):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, _literal)


def passages_yaml(imported: Imported, document: dict) -> str:
    """The passages file: the document's entry and its passages, validated by the loader like any plan file."""
    items = []
    for p in imported.passages:
        item = {"id": p.id, "document": document["id"], "section": p.section}
        if p.page is not None:
            item["page"] = p.page
        item["text"] = _Literal(p.text)
        items.append(item)
    head = ("# The plan's own text, as passages the bot quotes verbatim (python -m knowledge import). Mend a passage\n"
            "# here only to undo an extraction error; its words are the plan's.\n")
    return head + yaml.dump({"documents": [document], "passages": items}, Dumper=_Dumper, allow_unicode=True,
                            sort_keys=False, width=120)


def contacts_yaml(imported: Imported, document_id: str) -> str:
    """A draft contacts.yaml: every number and address found, with the line it came from, for review."""
    out = ["# DRAFT made by `python -m knowledge import`: every phone number and e-mail address in the plan's text.",
           "# Check each against the plan, give it a proper name and description, remove what is not a contact, and",
           "# name the ones staff are sent to in plan.yaml's roles (sparring, acute, underretning).",
           "contacts:"]
    for c in imported.contacts:
        out.append(f"  # line {c.line_no}: {c.line}")
        out.append(f"  - id: {c.id}")
        out.append(f"    name: {json.dumps(c.name or c.section or c.id, ensure_ascii=False)}")
        if c.phone:
            out.append(f'    phone: "{c.phone}"')
        if c.email:
            out.append(f"    email: {c.email}")
        section = json.dumps(c.section or "Kontakt", ensure_ascii=False)
        out.append(f"    source: {{document: {document_id}, section: {section}}}")
    return "\n".join(out) + "\n"

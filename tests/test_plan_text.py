"""The plans' own text as passages: imported from a PDF or text, validated, quoted verbatim with its source,
each municipality's only in its own bot, and enough on its own for a municipality that brings nothing else."""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from app import create_app
from bot.settings import Settings
from knowledge import load_plan, shipped_plans
from knowledge.importer import blocks, import_text
from knowledge.loader import KNOWLEDGE_DIR
from knowledge.matcher import Matcher
from tests.fakes import card_of, card_text, message

ROOT = Path(__file__).resolve().parent.parent


def _wrapped_with_hyphens(text: str, width: int = 58) -> list[str]:
    """Text as a PDF lays it out: lines of `width`, long words hyphenated across a line break ("opspo-" / "ring")."""
    lines, line = [], ""
    for word in text.split():
        if len(line) + 1 + len(word) <= width:
            line = f"{line} {word}".strip()
            continue
        room = width - len(line) - 2
        if len(word) >= 10 and room >= 4 and word.isalpha():
            lines.append(f"{line} {word[:room]}-".strip())
            line = word[room:]
        else:
            lines.append(line)
            line = word
    return lines + [line]


@pytest.fixture(scope="module")
def holstebro_pdf(tmp_path_factory) -> Path:
    """A PDF made from Holstebro's shipped plan text: headings, paragraphs, hyphenated line breaks, two pages."""
    from fpdf import FPDF

    passages = yaml.safe_load((KNOWLEDGE_DIR / "holstebro" / "plan-text.yaml").read_text(encoding="utf-8"))["passages"]
    latin = str.maketrans({"–": "-", "”": '"', "“": '"', "•": "-", "’": "'"})
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    section = None
    for passage in passages:
        if passage["section"] != section:
            section = passage["section"]
            pdf.ln(4)
            pdf.set_font("Helvetica", "B", 12)
            pdf.cell(0, 7, section.translate(latin), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        pdf.set_font("Helvetica", size=10)
        for paragraph in passage["text"].split("\n"):
            for line in _wrapped_with_hyphens(paragraph.translate(latin)):
                pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    path = tmp_path_factory.mktemp("pdf") / "holstebro.pdf"
    pdf.output(str(path))
    return path


def test_a_pdf_of_a_plan_is_imported_as_clean_passages_with_their_headings_and_pages(holstebro_pdf):
    imported = import_text(holstebro_pdf, "holstebro-beredskabsplan")
    text = "\n".join(p.text for p in imported.passages)
    assert "opsporing" in text and "opspo-" not in text  # hyphenation across lines mended
    assert not re.search(r"[a-zæøå]- (?!og |samt |eller )[a-zæøå]", text)  # "børne- og unge-" is Danish
    assert "SSP står som kontakt på alle action card, dette for at sikre en systematisk og tydelig sagsgang." in text
    sections = {p.section for p in imported.passages}
    assert {"Vidensteam", "Lovgivning", "Håndtering"} <= sections
    assert {p.page for p in imported.passages} >= {1, 2}


def test_the_draft_contacts_hold_every_number_with_the_line_it_came_from(holstebro_pdf):
    imported = import_text(holstebro_pdf, "holstebro-beredskabsplan")
    digits = {re.sub(r"\D", "", c.phone) for c in imported.contacts if c.phone}
    assert {"70277666", "96115370", "96115390", "96117597", "112", "1888", "96114840"} <= digits
    assert all(c.line and c.line_no > 0 for c in imported.contacts)
    familiesektionen = next(c for c in imported.contacts if c.phone and "96115370" in re.sub(r"\D", "", c.phone))
    assert "Familiesektionen" in familiesektionen.name


def test_make_import_writes_a_folder_that_loads_and_answers_from_its_text(holstebro_pdf, tmp_path):
    folder = tmp_path / "tredje"
    result = subprocess.run([sys.executable, "-m", "knowledge", "import", str(holstebro_pdf), "--out", str(folder),
                             "--municipality", "Tredje Kommune"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert {"plan.yaml", "plan-text.yaml", "contacts.yaml"} <= {p.name for p in folder.iterdir()}
    draft = (folder / "contacts.yaml").read_text(encoding="utf-8")
    assert "# line " in draft and "DRAFT" in draft
    knowledge = load_plan(folder)
    assert len(knowledge.passages) >= 15 and knowledge.meta.municipality == "Tredje Kommune"
    # A second import keeps the contacts the vidensteam has checked and writes a draft beside them.
    subprocess.run([sys.executable, "-m", "knowledge", "import", str(holstebro_pdf), "--out", str(folder)],
                   cwd=ROOT, check=True, capture_output=True)
    assert (folder / "contacts.yaml").read_text(encoding="utf-8") == draft
    assert (folder / "contacts.draft.yml").exists()


def test_a_file_that_is_no_plan_gets_a_clear_error(tmp_path):
    bad = tmp_path / "plan.pdf"
    bad.write_bytes(b"not a pdf at all")
    result = subprocess.run([sys.executable, "-m", "knowledge", "import", str(bad), "--out", str(tmp_path / "x")],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and "could not read the text" in result.stderr


def test_headings_and_broken_lines_are_read_as_a_person_would():
    parsed = blocks([(1, "Formål\nBeredskabsplanen skal sikre en tidlig opspo-\nring og en hurtig\nhåndtering.\n\n"
                        "• Første punkt\n• Andet punkt\n")])
    assert [(b.kind, b.text) for b in parsed] == [
        ("heading", "Formål"), ("text", "Beredskabsplanen skal sikre en tidlig opsporing og en hurtig håndtering."),
        ("text", "• Første punkt"), ("text", "• Andet punkt")]


def test_a_sentence_a_page_break_cut_is_one_passage_sentence_again():
    from knowledge.importer import passages
    text = "Anbefalinger\n" + "Enheden skal rådgive fagpersoner i konkrete sager om negativ social kontrol. " * 9
    pages = [(1, text + "\nEnheden etableres i en periode på 1-2 år, hvorefter"),
             (2, "arbejdet evalueres med henblik på at lægge den endelige organisering fast. Det er civilsamfunds-"),
             (3, "baserede indsatser.")]
    found = passages(blocks(pages), "test")
    quoted = "\n".join(p.text for p in found)
    assert "hvorefter arbejdet evalueres" in quoted and "civilsamfundsbaserede" in quoted
    assert not any(p.text.endswith("hvorefter") for p in found)
    items = passages(blocks([(1, "Liste\nDet gælder disse sager\n\na) tvangsægteskab og andet\n")]), "list")
    assert "sager\na) tvangsægteskab" in "\n".join(p.text for p in items)  # an item "a) ..." is no continuation


def test_no_shipped_passage_ends_in_the_middle_of_a_sentence_that_the_next_goes_on_with():
    for plan in shipped_plans():
        ids = list(load_plan(plan).passages.values())
        cut = [a.id for a, b in zip(ids, ids[1:]) if a.document == b.document and b.text[:1].islower()]
        assert not cut, cut


@pytest.mark.parametrize("plan,other", [("holstebro", "albertslund"), ("albertslund", "holstebro")])
def test_a_municipalitys_passages_appear_only_in_its_own_bot(plan, other):
    knowledge = load_plan(plan)
    documents = {p.document for p in knowledge.passages.values()}
    assert f"{plan}-beredskabsplan" in documents and f"{other}-beredskabsplan" not in documents
    assert all(knowledge.is_national(d) or d == knowledge.meta.document for d in documents)


async def test_a_passage_answer_quotes_the_plan_verbatim_with_document_and_section(aiohttp_client, connector,
                                                                                 tmp_path):
    settings = Settings.from_env({"DATA_DIR": str(tmp_path / "d"), "PLAN": "holstebro", "PLAYGROUND": "0"})
    client = await aiohttp_client(await create_app(settings))
    await client.post("/api/messages", json=message("hvad laver Vollsmose Sekretariatet", connector.url, "p1"))
    [reply] = connector.replies("p1")
    card = card_of(reply)
    text = card_text(card)
    knowledge = load_plan("holstebro")
    quoted = card["body"][2]["items"][0]["text"]
    passage = next(p for p in knowledge.passages.values() if quoted.split("\n\n")[0] in p.text)
    assert all(sentence in passage.text for sentence in quoted.split("\n\n"))  # verbatim
    assert text.startswith(passage.section) and "Sådan står der i" in text
    assert f"Kilde: {knowledge.documents[passage.document].title}, {passage.section}" in text
    assert any(a["data"].get("vote") == "up" for b in card["body"] if b.get("type") == "ActionSet"
               for a in b["actions"])


def test_acute_danger_comes_before_any_passage():
    """A message that is acute and that a passage would answer: the acute card alone, the passage a button on it."""
    import dataclasses

    from bot import cards
    knowledge = load_plan("holstebro")
    result = Matcher(knowledge).match("hvad laver Vollsmose Sekretariatet")
    assert result.passage is not None and not result.acute
    [card] = cards.replies_for(dataclasses.replace(result, acute=True), knowledge)
    assert card_text(card.content).startswith("Ved akut fare: ring 112 nu.")
    assert {"action": "passage", "passage": result.passage.passage_id} in [a["data"] for a in card.content["actions"]]


@pytest.mark.parametrize("question,document", [
    ("Hvad skriver Odense-rapporten om skilsmisse hos etniske minoritetskvinder?", "odense-ekspertgruppe"),
    # ("... bidrage ifølge ekspertgruppen?" was the example here: its passage matches weight 8.9 of the 9 that the
    # two passage rules ask since batch C, docs/matching.md; the same passage, asked by its document's name:)
    ("Hvad står der i Odense-rapporten om fritids- og kulturlivet?", "odense-ekspertgruppe"),
])
def test_a_question_that_names_its_document_is_answered_from_that_document(question, document):
    """"ifølge", "skriver", "rapporten" say where to look; the document's title counts as said by its passages."""
    knowledge = load_plan("holstebro")
    result = Matcher(knowledge).match(question)
    assert result.passage is not None and knowledge.passages[result.passage.passage_id].document == document


def test_a_documents_title_is_never_evidence_on_its_own():
    """The inspiration catalogue's title says "arbejder": that does not make it the answer about working from home."""
    result = Matcher(load_plan("holstebro")).match("kan jeg arbejde hjemme i morgen")
    assert result.passage is None


def test_a_usage_event_of_a_passage_answer_holds_its_id_never_its_text():
    knowledge = load_plan("albertslund")
    result = Matcher(knowledge).match("hvad laver Vollsmose Sekretariatet")
    assert result.passage is not None and result.passage.passage_id in knowledge.passages


async def test_a_municipality_with_only_its_plan_text_answers_from_it(aiohttp_client, connector, tmp_path):
    folder = tmp_path / "lilleby"
    folder.mkdir()
    (folder / "plan.yaml").write_text(textwrap.dedent("""\
        plan:
          id: lilleby
          municipality: Lilleby Kommune
          title: Lilleby Kommunes beredskabsplan
          document: lilleby-plan
        """), encoding="utf-8")
    (folder / "plan-text.yaml").write_text(textwrap.dedent("""\
        documents:
          - {id: lilleby-plan, title: Lilleby Kommunes beredskabsplan, publisher: Lilleby Kommune}
        passages:
          - id: lilleby-001
            document: lilleby-plan
            section: Trivselsteamet
            text: >-
              I Lilleby Kommune mødes trivselsteamet hver tirsdag på rådhuset og giver sparring til lærere og
              pædagoger, der er bekymrede for negativ social kontrol. Trivselsteamet ledes af en skolepsykolog.
        """), encoding="utf-8")
    settings = Settings.from_env({"DATA_DIR": str(tmp_path / "d"), "PLAN": str(folder), "PLAYGROUND": "0"})
    client = await aiohttp_client(await create_app(settings))
    for n, question in enumerate(["hvornår mødes trivselsteamet", "hvem leder trivselsteamet"]):
        await client.post("/api/messages", json=message(question, connector.url, f"l{n}"))
        text = card_text(card_of(connector.replies(f"l{n}")[0]))
        assert "Trivselsteamet" in text and "Lilleby Kommunes beredskabsplan" in text, text
    # the national layer beside it
    await client.post("/api/messages", json=message("hvad siger loven om tvangsægteskab", connector.url, "l9"))
    text = card_text(card_of(connector.replies("l9")[0]))
    assert "260" in text and "Holstebro" not in text and "Albertslund" not in text


@pytest.mark.parametrize("plan", shipped_plans())
def test_every_shipped_plan_has_its_text_and_the_national_documents(plan):
    knowledge = load_plan(plan)
    documents = {p.document for p in knowledge.passages.values()}
    assert {"odense-ekspertgruppe", "inspiration-ressourcepersoner", "koebenhavn-notat"} <= documents


def _index(text: str):
    from knowledge.model import Passage
    from knowledge.passages import PassageIndex
    from knowledge.text import stem, words
    passage = Passage(id="p-001", document="d", section="Afsnit", text=text)
    return PassageIndex({"p-001": passage}, lambda t: tuple(stem(w) for w in words(t)))


def test_a_quote_keeps_the_sentence_its_best_sentence_leans_on_and_the_one_that_leans_on_it():
    index = _index("Kommunen har mange tilbud. Der findes også indsatser under Familiehuset, der har fokus på "
                   "forældreansvar. Her bliver der blandt andet afholdt familieklub og mødecafé. Resten handler om "
                   "noget andet.")
    quote = index.hit("p-001", frozenset({"familiehus"})).quote
    assert quote == ("Der findes også indsatser under Familiehuset, der har fokus på forældreansvar.",
                     "Her bliver der blandt andet afholdt familieklub og mødecafé.")
    # ... and backwards: "Her blev ..." is about what the sentence before names.
    quote = _index("Det skete i februar 2020. Her blev en kvinde lokket til udlandet af sin mand. Det var "
                   "slemt.").hit("p-001", frozenset({"lok"})).quote
    assert quote[0] == "Det skete i februar 2020."


def test_a_heading_in_capitals_left_in_the_text_is_never_quoted():
    index = _index("Familiehuset holder familieklub i Odense. UDFORDRINGER I ODENSES ARBEJDE")
    assert index.hit("p-001", frozenset({"odens"})).quote == ("Familiehuset holder familieklub i Odense.",)


@pytest.mark.parametrize("plan", shipped_plans())
def test_no_quote_is_longer_than_the_limit_or_than_four_sentences(plan):
    from knowledge.passages import MAX_QUOTE_CHARS, MAX_QUOTE_SENTENCES
    matcher = Matcher(load_plan(plan))
    index = matcher._passages
    for passage_id in list(index._ids):
        terms = index.terms_of(passage_id)
        quote = index.hit(passage_id, terms).quote
        best = max(len(s) for s in quote)
        assert 1 <= len(quote) <= MAX_QUOTE_SENTENCES + 1
        assert sum(map(len, quote)) <= max(MAX_QUOTE_CHARS, best), passage_id

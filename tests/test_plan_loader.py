"""The plan loader: validated, frozen data, and errors that point at the file, line and value."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from knowledge import PlanError, load_plan, shipped_plans
from knowledge.loader import KNOWLEDGE_DIR

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def plan_dir(tmp_path) -> Path:
    """A writable copy of the Holstebro plan."""
    target = tmp_path / "myplan"
    shutil.copytree(KNOWLEDGE_DIR / "holstebro", target)
    return target


def _errors(plan) -> list[str]:
    with pytest.raises(PlanError) as error:
        load_plan(plan)
    return error.value.errors


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_both_shipped_plans_load():
    assert {"holstebro", "albertslund"} <= set(shipped_plans())
    for plan in shipped_plans():
        knowledge = load_plan(plan)
        assert knowledge.topics and knowledge.role("sparring") and knowledge.role("acute")


def test_loaded_plan_is_frozen():
    knowledge = load_plan("holstebro")
    with pytest.raises(TypeError):
        knowledge.topics["x"] = None  # type: ignore[index]
    topic = next(iter(knowledge.topics.values())).topic
    with pytest.raises(Exception):
        topic.title = "changed"  # type: ignore[misc]


def test_every_topic_has_a_source_and_no_shipped_contact_claims_a_verification():
    """The shipped plans' numbers were never confirmed by the municipalities: none may say it was."""
    for plan in shipped_plans():
        knowledge = load_plan(plan)
        assert all(t.source.title and t.topic.source.section for t in knowledge.topics.values())
        assert [c.id for c in knowledge.contacts.values() if c.verified is not None] == []


def test_municipality_replaces_national_entry_by_id():
    holstebro = load_plan("holstebro")
    albertslund = load_plan("albertslund")
    assert holstebro.contacts["politi"].name.startswith("Midt- og Vestjyllands Politi")
    assert albertslund.contacts["politi"].name == "Politiet – 112"
    assert "Albertslund" in albertslund.topics["action-cards"].topic.title


def test_a_municipal_replacement_keeps_the_national_questions_but_never_its_text():
    national = load_plan("holstebro").topics["samtale-barn"].topic  # Holstebro replaces it too
    albertslund = load_plan("albertslund").topics["samtale-barn"].topic
    assert albertslund.questions == national.questions and albertslund.title == national.title
    assert albertslund.answer != national.answer
    assert albertslund.source.document == "albertslund-beredskabsplan"


@pytest.mark.parametrize("plan", shipped_plans())
def test_national_entries_cite_only_national_documents(plan):
    """Each bot shows its own plan: what every bot shows (the national layer) never cites a municipality's plan."""
    from knowledge.loader import NATIONAL_DIR
    import yaml
    knowledge = load_plan(plan)
    assert {"holstebro-beredskabsplan", "albertslund-beredskabsplan"}.isdisjoint(knowledge.national_documents)
    for path in NATIONAL_DIR.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert "holstebro-beredskabsplan" not in text and "albertslund-beredskabsplan" not in text, path.name
        data = yaml.safe_load(text) or {}
        for entry in [*data.get("topics", ()), *data.get("contacts", ()),
                      *(o for f in data.get("flows", ()) for o in f["outcomes"])]:
            for source in (entry["source"], *entry.get("more_sources", ())):
                assert source["document"] in knowledge.national_documents, (path.name, entry["id"])


def test_a_national_entry_that_cites_a_municipal_plan_is_an_error(tmp_path):
    national = tmp_path / "national"
    shutil.copytree(KNOWLEDGE_DIR / "national", national)
    contacts = national / "contacts.yaml"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace(
        'source: {document: lokk, section: "Anonym rådgivning", listed_in: [holstebro]}',
        'source: {document: holstebro-beredskabsplan, section: "Kontakt"}'), encoding="utf-8")
    with pytest.raises(PlanError) as error:
        load_plan("holstebro", national_dir=national)
    assert any("contacts.yaml:" in e and "a national entry cites 'holstebro-beredskabsplan'" in e
               for e in error.value.errors), error.value.errors


def test_a_third_municipality_with_only_its_own_folder_inherits_no_plan_s_procedures(tmp_path):
    """Only the national layer beside it: no card names Holstebro, Albertslund, SSP or the vidensteam."""
    folder = tmp_path / "tredje"
    folder.mkdir()
    (folder / "plan.yaml").write_text(textwrap.dedent("""\
        plan:
          id: tredje
          municipality: Tredje Kommune
          title: Beredskabsplan
          document: tredje-plan
          roles: {sparring: [raadgivning], acute: [politi], underretning: [raadgivning]}
        documents:
          - {id: tredje-plan, title: Tredje Kommunes beredskabsplan, publisher: Tredje Kommune}
        contacts:
          - id: raadgivning
            name: Rådgivningen, Tredje Kommune
            phone: "12 34 56 78"
            source: {document: tredje-plan, section: Kontakt}
        """), encoding="utf-8")
    knowledge = load_plan(folder)
    shown = []
    for topic in knowledge.topics.values():
        shown += [topic.topic.title, topic.topic.answer, *topic.topic.points, *(d.title for d in topic.sources),
                  *(c.name for c in topic.contacts)]
    for flow in knowledge.flows.values():
        for outcome in flow.outcomes.values():
            o = outcome.outcome
            shown += [o.title, o.summary, *o.do, *o.avoid, *(d.title for d in outcome.sources),
                      *(c.name for c in outcome.contacts)]
        shown += [step.question for step in flow.steps.values()]
    shown += list(knowledge.messages.values())
    text = "\n".join(shown)
    for other in ("Holstebro", "Albertslund", "SSP", "vidensteam", "Familieafsnittet", "Familiesektionen"):
        assert other.lower() not in text.lower(), other


def test_make_check_warns_about_contacts_staff_are_sent_to_but_cannot_reach():
    result = subprocess.run([sys.executable, "-m", "knowledge", "check", "holstebro"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and result.stdout.startswith("OK: Holstebro Kommune")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert any("'ssp-holstebro'" in w and "sparring" in w and "acute" in w for w in warnings), result.stderr
    assert any("'vidensteam-holstebro'" in w for w in warnings), result.stderr
    assert len(warnings) == 2


def test_unknown_contact_in_card_fails_with_file_and_line(plan_dir):
    topics = plan_dir / "topics.yaml"
    text = topics.read_text(encoding="utf-8").replace("contacts: [ssp-holstebro, vidensteam-holstebro]",
                                                      "contacts: [ssp-holstebro, nobody-here]", 1)
    topics.write_text(text, encoding="utf-8")
    line = _line_of(topics, "nobody-here")
    assert _errors(plan_dir) == [f"{_rel(topics)}:{line}: topics[2].contacts[1]: unknown contact 'nobody-here'"]


def test_bad_phone_number_names_file_line_and_path(plan_dir):
    contacts = plan_dir / "contacts.yaml"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace('"96 11 53 70"', '"9611 537"'), encoding="utf-8")
    line = _line_of(contacts, "9611 537")
    errors = _errors(plan_dir)
    assert errors == [f"{_rel(contacts)}:{line}: contacts[1].phone: '9611 537' is not a Danish phone number"]


def _rel(path: Path) -> str:
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def test_every_error_is_reported_at_once(plan_dir):
    """Field errors and cross-reference errors in one run (the vidensteam fixes them all at once)."""
    contacts = plan_dir / "contacts.yaml"
    text = contacts.read_text(encoding="utf-8").replace('"96 11 53 70"', '"12"')
    contacts.write_text(text + "    verified: yesterday\n    colour: blue\n", encoding="utf-8")
    topics = plan_dir / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8").replace(
        "contacts: [ssp-holstebro, vidensteam-holstebro]", "contacts: [ssp-holstebro, nobody-here]", 1),
        encoding="utf-8")
    errors = _errors(plan_dir)
    assert len(errors) == 4, errors
    assert any("contacts[1].phone" in e and "'12'" in e for e in errors)
    assert any("unknown field" in e and "colour" in e for e in errors)
    assert any("verified" in e for e in errors)
    assert any("topics.yaml:" in e and "unknown contact 'nobody-here'" in e for e in errors)


def test_a_reference_to_an_entry_with_a_field_error_is_not_reported_twice(plan_dir):
    contacts = plan_dir / "contacts.yaml"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace('"96 11 53 70"', '"12"'), encoding="utf-8")
    errors = _errors(plan_dir)  # familiesektionen is used by topics, but is only reported for its phone
    assert len(errors) == 1 and "contacts[1].phone" in errors[0]


def test_yaml_syntax_error_names_the_line(plan_dir):
    (plan_dir / "extra.yaml").write_text("topics:\n  - id: a\n    title: [unclosed\n", encoding="utf-8")
    errors = _errors(plan_dir)
    assert len(errors) == 1 and "extra.yaml:" in errors[0] and "invalid YAML" in errors[0]


def test_duplicate_id_in_one_layer_is_an_error(plan_dir):
    topics = plan_dir / "topics.yaml"
    (plan_dir / "more.yaml").write_text(
        "topics:\n  - id: vidensteam\n    title: X\n    answer: Y\n    questions: [Z]\n"
        "    source: {document: holstebro-beredskabsplan, section: S}\n", encoding="utf-8")
    errors = _errors(plan_dir)
    assert any("duplicate id 'vidensteam'" in e and "more.yaml:2" in e for e in errors), errors
    assert topics.exists()


def test_unknown_role_related_topic_and_document_are_errors(plan_dir):
    (plan_dir / "more.yaml").write_text(
        "topics:\n  - id: ny\n    title: X\n    answer: Y\n    questions: [Z]\n"
        "    contacts: ['@nobody']\n    related: [gone]\n"
        "    source: {document: unknown-doc, section: S}\n", encoding="utf-8")
    errors = "\n".join(_errors(plan_dir))
    assert "unknown role '@nobody'" in errors
    assert "unknown topic 'gone'" in errors
    assert "unknown document 'unknown-doc'" in errors


def test_reserved_fallback_phrase_in_an_answer_is_an_error(plan_dir):
    (plan_dir / "more.yaml").write_text(
        "topics:\n  - id: ny\n    title: X\n    answer: Det er vi ikke sikker på\n    questions: [Z]\n"
        "    source: {document: holstebro-beredskabsplan, section: S}\n", encoding="utf-8")
    errors = _errors(plan_dir)
    assert len(errors) == 1 and "'ikke sikker'" in errors[0] and "more.yaml:4: topics[0].answer" in errors[0]


def test_missing_plan_yaml_and_missing_folder(tmp_path):
    assert "needs plan.yaml" in _errors(tmp_path)[0]
    assert "plan folder not found" in _errors(tmp_path / "nope")[0]


def test_make_check_prints_ok_for_a_valid_plan():
    result = subprocess.run([sys.executable, "-m", "knowledge", "check", "albertslund"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and result.stdout.startswith("OK: Albertslund Kommune")


def test_make_check_prints_every_error_for_an_invalid_plan(plan_dir):
    contacts = plan_dir / "contacts.yaml"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace('"96 11 53 70"', '"9611 537"'), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "knowledge", "check", str(plan_dir)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    assert "contacts[1].phone: '9611 537' is not a Danish phone number" in result.stderr
    assert "1 error(s)" in result.stderr


def test_acute_combination_naming_an_unknown_word_list_is_an_error(plan_dir):
    (plan_dir / "acute.yaml").write_text(
        "acute:\n  topic: akut-fare\n  phrases: [akut]\n  words:\n    soon: [i morgen]\n"
        "  combinations:\n    - [\"@sooon\", [rejse]]\n", encoding="utf-8")
    errors = _errors(plan_dir)
    assert any("acute.yaml:" in e and "'@sooon'" in e and "@soon" in e for e in errors), errors


def test_a_phrase_in_two_synonym_groups_is_an_error(plan_dir):
    (plan_dir / "synonyms.yaml").write_text("synonyms:\n  - [social kontrol, styring]\n", encoding="utf-8")
    errors = _errors(plan_dir)
    assert any("synonyms.yaml:" in e and "'social kontrol' is also in the synonym group" in e for e in errors), errors


def test_a_role_framing_without_its_placeholder_is_an_error(plan_dir):
    (plan_dir / "roles.yaml").write_text("roles: [pædagog]\nrole_framings: [\"som pædagog\"]\n", encoding="utf-8")
    errors = _errors(plan_dir)
    assert any("roles.yaml:2:" in e and "{role}" in e for e in errors), errors

"""The README reads in five minutes and points to the guides; every link in the docs resolves; the deploy guide
and the README's table name every variable the bot reads."""
from __future__ import annotations

import re

import pytest

from tests.node_tools import ROOT
from tests.test_azure_template import variables_the_bot_reads

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\]\(([^)#\s]+)(#[^)]*)?\)")


def test_the_readme_is_short_and_points_to_the_guides():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 160
    for target in ("docs/deploy.md", "docs/vidensteam.md", "docs/matching.md", "docs/evaluation.md"):
        assert f"]({target})" in text, target
    assert "make run" in text and "make test" in text and "Agents Playground" in text


@pytest.mark.parametrize("page", [README, *DOCS], ids=lambda p: p.name)
def test_every_relative_link_resolves(page):
    for target, _ in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):
            continue
        assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


@pytest.mark.parametrize("page", ["README.md", "docs/deploy.md"])
def test_the_configuration_tables_name_every_variable_the_bot_reads(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    missing = {name for name in variables_the_bot_reads() | {"WEB_CONCURRENCY"} if f"`{name}`" not in text}
    assert not missing, f"{page} does not name {sorted(missing)}"


def test_the_deploy_guide_covers_each_step_of_the_issue():
    text = " ".join((ROOT / "docs" / "deploy.md").read_text(encoding="utf-8").split())
    for needle in ("Single tenant", "/api/messages", "HTTPS", "Object ID", "make package", "Setup policies",
                   "Permission policies", "python -m bot reminder send --yes", "/healthz", "Backups",
                   "AZURE_STORAGE_CONNECTION_STRING", "00000000-0000-0000-0000-0000000000020"):
        assert needle in text, needle


def test_the_vidensteam_page_is_in_danish_and_tells_how_to_check():
    text = (ROOT / "docs" / "vidensteam.md").read_text(encoding="utf-8")
    assert "make check" in text and "Sådan retter I" in text

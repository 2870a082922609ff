"""The Teams app package: `make package` fills the manifest from the environment (no defaults), takes the
version from pyproject.toml, checks the icons, passes Microsoft's schema offline and prints the zip's path."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import tomllib
import zipfile

import pytest

from tests.fakes import card_text
from tests.node_tools import ROOT, needs_node, run_node

_spec = importlib.util.spec_from_file_location("package", ROOT / "deployment" / "teams" / "package.py")
package = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(package)

APP_ID = "11111111-2222-3333-4444-555555555555"
ENV = {"MicrosoftAppId": APP_ID, "MUNICIPALITY": "Holstebro Kommune", "WEBSITE_URL": "https://www.holstebro.dk",
       "PRIVACY_URL": "https://www.holstebro.dk/privatliv", "TERMS_URL": "https://www.holstebro.dk/vilkaar",
       "BOT_DOMAIN": "beredskabsbot-holstebro.azurewebsites.net"}
COORDINATOR_COMMANDS = {"send årlig påmindelse", "statistik"}


def _make_package(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in package.REQUIRED and k not in package.OPTIONAL}
    return subprocess.run(["make", "-s", "package"], cwd=ROOT, env={**clean, **env}, capture_output=True,
                          text=True, timeout=600)


@needs_node
def test_make_package_prints_the_path_of_a_zip_that_passes_the_schema(tmp_path):
    result = _make_package(ENV)
    assert result.returncode == 0, result.stderr
    zip_path = result.stdout.strip().splitlines()[-1]
    assert zip_path.endswith(".zip") and os.path.isabs(zip_path)
    with zipfile.ZipFile(zip_path) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        archive.extractall(tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert manifest["developer"] == {"name": "Holstebro Kommune", "websiteUrl": ENV["WEBSITE_URL"],
                                     "privacyUrl": ENV["PRIVACY_URL"], "termsOfUseUrl": ENV["TERMS_URL"]}
    assert manifest["validDomains"] == [ENV["BOT_DOMAIN"]]
    assert manifest["version"] == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert tuple(int(p) for p in manifest["manifestVersion"].split(".")) >= (1, 24)
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team", "groupChat"}
    for command_list in manifest["bots"][0]["commandLists"]:
        assert len(command_list["commands"]) >= 5
    assert package.png_size(tmp_path / "color.png")[:2] == (192, 192)
    assert package.png_size(tmp_path / "outline.png")[:2] == (32, 32)
    # The zipped manifest itself passes the schema, checked again here, offline.
    result = run_node(ROOT / "deployment" / "teams" / "validate.js", str(tmp_path / "manifest.json"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK")


def test_without_the_municipalitys_details_the_build_fails_naming_each_variable():
    result = _make_package({"MicrosoftAppId": APP_ID})
    assert result.returncode != 0
    for name in ("MUNICIPALITY", "WEBSITE_URL", "PRIVACY_URL", "TERMS_URL"):
        assert f"{name} is required" in result.stderr
    assert "MicrosoftAppId is required" not in result.stderr
    assert ".zip" not in result.stdout


@pytest.mark.parametrize("override,problem", [
    ({"MicrosoftAppId": "not-a-guid"}, "MicrosoftAppId must be a GUID"),
    ({"MicrosoftAppId": "00000000-0000-0000-0000-000000000000"}, "all-zero placeholder"),
    ({"PRIVACY_URL": "http://www.holstebro.dk/privatliv"}, "PRIVACY_URL must be an https:// address"),
    ({"MUNICIPALITY": "Den Meget Lange Kommune ved Havet og Fjorden"}, "at most 32 characters"),
    ({"BOT_DOMAIN": "https://bot.example.dk/api/messages"}, "BOT_DOMAIN must be a host name"),
])
def test_a_wrong_value_is_refused_with_its_variable(override, problem):
    with pytest.raises(package.PackageError) as error:
        package.render({**ENV, **override})
    assert any(problem in e for e in error.value.errors), error.value.errors


@needs_node
def test_the_schema_check_catches_what_teams_would_refuse():
    manifest = package.render(ENV)
    manifest["bots"][0]["commandLists"][0]["commands"] *= 2  # 14 commands: Teams allows 12 per list
    with pytest.raises(package.PackageError) as error:
        package.validate(manifest)
    assert "commands" in str(error.value)


def test_icons_of_the_wrong_size_are_refused(tmp_path):
    shutil.copy(ROOT / "deployment" / "teams" / "outline.png", tmp_path / "color.png")
    shutil.copy(ROOT / "deployment" / "teams" / "color.png", tmp_path / "outline.png")
    with pytest.raises(package.PackageError) as error:
        package.check_icons(tmp_path)
    assert "color.png must be 192×192 pixels, not 32×32" in error.value.errors
    assert "outline.png must be 32×32 pixels, not 192×192" in error.value.errors


def test_coordinator_commands_are_offered_only_in_personal_chats():
    lists = package.render(ENV)["bots"][0]["commandLists"]
    personal = next(c for c in lists if c["scopes"] == ["personal"])
    shared = next(c for c in lists if set(c["scopes"]) == {"team", "groupChat"})
    assert COORDINATOR_COMMANDS <= {c["title"] for c in personal["commands"]}
    assert not COORDINATOR_COMMANDS & {c["title"] for c in shared["commands"]}


@pytest.mark.parametrize("command", sorted({c["title"] for c in package.render(ENV)["bots"][0]["commandLists"][0]
                                            ["commands"]}))
async def test_every_command_in_the_manifest_gets_its_own_answer(ask, command):
    replies = await ask(command)
    assert replies
    first = replies[0].get("text") or card_text(replies[0])
    assert "Jeg fandt ikke" not in first and "Jeg er ikke sikker" not in first, first

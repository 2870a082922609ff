"""The Teams app package: the manifest is filled from the environment and passes Microsoft's schema."""
from __future__ import annotations

import importlib.util
import json

import pytest

from tests.node_tools import ROOT, ensure_npm, needs_node, run_node

_spec = importlib.util.spec_from_file_location("package", ROOT / "deployment" / "teams" / "package.py")
package = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(package)

APP_ID = "11111111-2222-3333-4444-555555555555"


def test_manifest_takes_the_bot_id_and_municipality():
    manifest = package.render({"MicrosoftAppId": APP_ID, "MUNICIPALITY": "Holstebro Kommune",
                               "WEBSITE_URL": "https://www.holstebro.dk"})
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert manifest["developer"]["name"] == "Holstebro Kommune"
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team", "groupChat"}


def test_missing_app_id_or_plain_http_is_refused():
    with pytest.raises(ValueError) as error:
        package.render({"WEBSITE_URL": "http://insecure.example"})
    assert "MicrosoftAppId" in str(error.value) and "WEBSITE_URL" in str(error.value)


@needs_node
def test_manifest_passes_the_teams_schema(tmp_path):
    manifest = package.render({"MicrosoftAppId": APP_ID, "MUNICIPALITY": "Albertslund Kommune"})
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    ensure_npm("@microsoft/app-manifest@1", "fs-extra@11")
    result = run_node(ROOT / "deployment" / "teams" / "validate.js", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK")

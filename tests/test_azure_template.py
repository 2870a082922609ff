"""deployment/azure/main.bicep: every variable the bot reads is an app setting, the App Service runs the same
serve command on Python 3.11 over HTTPS with a health check, and the Azure Bot is single-tenant with Teams on."""
from __future__ import annotations

import json
import re

from bot.settings import Settings
from tests.node_tools import ROOT
from tests.test_serve import serve_command

BICEP = (ROOT / "deployment" / "azure" / "main.bicep").read_text(encoding="utf-8")
PRODUCTION = {"MicrosoftAppId": "11111111-2222-3333-4444-555555555555", "MicrosoftAppPassword": "x",
              "MicrosoftAppTenantId": "66666666-7777-8888-9999-000000000000"}


class RecordingEnvironment(dict):
    """An environment that remembers every variable asked for."""

    def __init__(self, values):
        super().__init__(values)
        self.asked: set[str] = set()

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)


def variables_the_bot_reads() -> set[str]:
    """Read from bot/settings.py itself: what Settings.from_env asks the environment for in production."""
    environment = RecordingEnvironment(PRODUCTION)
    Settings.from_env(environment)
    return environment.asked


def app_settings(bicep: str) -> dict[str, str]:
    """name -> value expression of every entry in the web app's appSettings."""
    block = re.search(r"appSettings:\s*\[(.*?)\n\s*\]", bicep, re.S)
    assert block, "main.bicep has no appSettings"
    return dict(re.findall(r"name:\s*'([^']+)'\s*\n\s*value:\s*([^\n]+)", block.group(1)))


def test_the_settings_reader_is_seen_whole():
    names = variables_the_bot_reads()
    assert {"MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppTenantId", "DATA_DIR", "PLAN",
            "ToBotFromChannelOpenIdMetadataUrl"} <= names
    assert len(names) >= 15


def test_every_variable_the_bot_reads_is_an_app_setting():
    missing = variables_the_bot_reads() - set(app_settings(BICEP))
    assert not missing, f"main.bicep lacks app settings for {sorted(missing)}"


def test_a_missing_app_setting_is_caught():
    without = re.sub(r"\{\s*name: 'COORDINATORS'\s*value: [^\n]+\s*\}", "", BICEP)
    assert without != BICEP
    assert "COORDINATORS" in variables_the_bot_reads() - set(app_settings(without))


def test_the_secret_is_a_secure_parameter_or_a_key_vault_reference():
    assert re.search(r"@secure\(\)\s*\n(@description\([^\n]*\)\s*\n)?param microsoftAppPassword string", BICEP)
    assert "@Microsoft.KeyVault(SecretUri=${microsoftAppPasswordSecretUri})" in BICEP
    assert app_settings(BICEP)["MicrosoftAppPassword"].strip() == "appPassword"


def test_the_web_app_runs_the_serve_command_on_python_311_over_https_with_a_health_check():
    command = " ".join(["gunicorn", *serve_command()[1:]])  # `make serve` runs it from the venv
    assert f"appCommandLine: '{command}'" in BICEP
    assert "linuxFxVersion: 'PYTHON|3.11'" in BICEP
    assert "httpsOnly: true" in BICEP
    assert "healthCheckPath: '/healthz'" in BICEP
    settings = app_settings(BICEP)
    assert settings["PLAYGROUND"].strip() == "'0'"
    assert settings["PORT"].strip() == settings["WEBSITES_PORT"].strip() == "port"


def test_the_azure_bot_is_single_tenant_with_the_teams_channel_on_our_endpoint():
    assert "kind: 'azurebot'" in BICEP
    assert "msaAppType: 'SingleTenant'" in BICEP and "msaAppTenantId: microsoftAppTenantId" in BICEP
    assert "endpoint: 'https://${site.properties.defaultHostName}/api/messages'" in BICEP
    assert re.search(r"channelName: 'MsTeamsChannel'\s*\n\s*properties: \{\s*\n\s*isEnabled: true", BICEP)


def test_the_example_parameters_name_only_declared_parameters():
    example = json.loads((ROOT / "deployment" / "azure" / "main.parameters.example.json").read_text())
    declared = set(re.findall(r"^param (\w+) ", BICEP, re.M))
    assert set(example["parameters"]) <= declared
    required = {p for p in declared if re.search(rf"^param {p} \w+\s*$", BICEP, re.M)}
    assert required <= set(example["parameters"]), required - set(example["parameters"])


def _resource(kind: str) -> str:
    """The body of the first resource of a type (up to the next top-level resource)."""
    match = re.search(rf"^resource \w+ '{re.escape(kind)}@[^']+' = (if \(\w+\) )?\{{(.*?)^\}}", BICEP, re.M | re.S)
    assert match, f"main.bicep has no {kind}"
    return match.group(2)


def test_the_storage_account_is_private_tls_12_and_reached_by_the_managed_identity():
    account = _resource("Microsoft.Storage/storageAccounts")
    for needle in ("allowBlobPublicAccess: false", "minimumTlsVersion: 'TLS1_2'", "supportsHttpsTrafficOnly: true",
                   "allowSharedKeyAccess: false"):
        assert needle in account, needle
    assert "publicAccess: 'None'" in _resource("Microsoft.Storage/storageAccounts/blobServices/containers")
    settings = app_settings(BICEP)
    assert "storage.properties.primaryEndpoints.blob" in settings["AZURE_STORAGE_ACCOUNT_URL"]
    assert settings["STORAGE_CONTAINER"].strip() == "storageContainer"
    role = _resource("Microsoft.Authorization/roleAssignments")
    assert "ba92f5b4-2d11-453d-a403-e96b0029c9fe" in BICEP  # Storage Blob Data Contributor, no more
    assert "principalId: site.identity.principalId" in role and "scope: storage" in role


def test_more_than_one_instance_only_with_the_shared_store():
    assert "capacity: sharedStorage ? instanceCount : 1" in BICEP
    assert app_settings(BICEP)["DATA_DIR"].strip() == "sharedStorage ? '/tmp/beredskabsbot' : '/home/data'"

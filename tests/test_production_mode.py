"""With MicrosoftAppId set, every request needs a valid Bot Framework token; incomplete settings stop the start."""
from __future__ import annotations

import base64
import json

import pytest

import app as app_module
from app import ADAPTER, create_app
from bot.settings import Settings, SettingsError
from tests.fakes import message

PRODUCTION = {"MicrosoftAppId": "11111111-2222-3333-4444-555555555555", "MicrosoftAppPassword": "secret-value",
              "MicrosoftAppTenantId": "66666666-7777-8888-9999-000000000000", "PLAYGROUND": "0"}


def _b64(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


UNSIGNED = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64({'iss': 'https://api.botframework.com'})}."
NONE_WITH_SIG = f"{_b64({'alg': 'none'})}.{_b64({'iss': 'x'})}.c2ln"
HS256 = f"{_b64({'alg': 'HS256'})}.{_b64({'iss': 'x'})}.c2ln"


@pytest.fixture
async def production_client(aiohttp_client, tmp_path):
    settings = Settings.from_env({**PRODUCTION, "DATA_DIR": str(tmp_path)})
    client = await aiohttp_client(await create_app(settings))
    calls = []

    async def no_network(*args, **kwargs):
        calls.append(args)
        raise AssertionError("token validation must not be reached for this request")
    client.app[ADAPTER].bot_framework_authentication.authenticate_request = no_network
    client.calls = calls
    return client


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not-a-jwt", "Bearer a.b",
    "Bearer a.b.c.d", f"Bearer {UNSIGNED}", f"Bearer {NONE_WITH_SIG}", f"Bearer {HS256}",
    "Bearer " + "x" * 8000,
])
async def test_request_without_a_valid_token_gets_401_at_once(production_client, connector, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await production_client.post("/api/messages", json=message("hjælp", connector.url), headers=headers)
    assert response.status == 401
    assert production_client.calls == []
    assert connector.sent == []


def test_app_id_without_password_and_tenant_stops_the_start():
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"MicrosoftAppId": "abc"})
    assert any("MicrosoftAppPassword" in e for e in error.value.errors)
    assert any("MicrosoftAppTenantId" in e for e in error.value.errors)


def test_every_settings_problem_is_reported_at_once():
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"PORT": "http", "MicrosoftAppType": "Anything", "PLAYGROUND": "maybe"})
    assert len(error.value.errors) == 3


def test_app_type_defaults_to_single_tenant_and_secret_is_hidden():
    settings = Settings.from_env(PRODUCTION)
    assert settings.APP_TYPE == "SingleTenant"
    assert "secret-value" not in repr(settings)


def test_defaults_without_environment():
    settings = Settings.from_env({})
    assert (settings.port, settings.plan, str(settings.data_dir)) == (3978, "holstebro", "data")
    assert settings.local_mode and settings.playground


def test_main_refuses_to_start_on_incomplete_production_settings(monkeypatch, caplog):
    monkeypatch.setattr("os.environ", {"MicrosoftAppId": "abc", "PLAYGROUND": "0"})
    assert app_module.main() == 2
    assert "MicrosoftAppPassword is required" in caplog.text


def test_main_refuses_to_start_on_an_invalid_plan(monkeypatch, caplog, tmp_path):
    (tmp_path / "plan.yaml").write_text("plan: [not, a, mapping]\n", encoding="utf-8")
    monkeypatch.setattr("os.environ", {"PLAN": str(tmp_path), "PLAYGROUND": "0"})
    assert app_module.main() == 2
    assert "plan.yaml:1: plan" in caplog.text


def test_local_mode_warns_loudly(monkeypatch, caplog, tmp_path):
    monkeypatch.setattr("os.environ", {"PLAYGROUND": "0", "DATA_DIR": str(tmp_path), "PORT": "1"})
    monkeypatch.setattr(app_module.web, "run_app", lambda *a, **k: a[0].close())
    assert app_module.main() == 0
    assert "LOCAL MODE" in caplog.text and "authentication is OFF" in caplog.text

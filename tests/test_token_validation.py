"""Real authentication: tokens signed with a local key, published through a local OpenID metadata document
with endorsements, are validated by botbuilder. The valid one is answered; every forgery gets 401 and nothing
is sent; failing to get the bot's own outgoing token is logged as such."""
from __future__ import annotations

import logging

import pytest
from botframework.connector.auth import JwtTokenExtractor, MicrosoftAppCredentials

from app import create_app
from bot.settings import PUBLIC_CLOUD, Settings
from tests.fakes import FakeConnector, message, serve
from tests.token_issuer import ISSUER, TokenIssuer

APP_ID = "11111111-2222-3333-4444-555555555555"
OUTGOING_TOKEN = "outgoing-token-for-the-connector"


@pytest.fixture
def issuer(monkeypatch):
    # botbuilder keeps OpenID keys per URL in a class-level cache: each test starts with an empty one
    # (and its own server on its own port).
    monkeypatch.setattr(JwtTokenExtractor, "metadataCache", {})
    issuer = TokenIssuer()
    issuer.start()
    yield issuer
    issuer.stop()


@pytest.fixture
async def capturing_connector(aiohttp_server):
    connector = FakeConnector()
    seen_authorization = []
    capture = connector._capture

    async def _capture(request):
        seen_authorization.append(request.headers.get("Authorization"))
        return await capture(request)
    connector._capture = _capture
    connector.authorization = seen_authorization
    return await serve(connector, aiohttp_server)


def _settings(tmp_path, issuer: TokenIssuer) -> Settings:
    return Settings.from_env({
        "MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "secret", "PLAYGROUND": "0",
        "MicrosoftAppTenantId": "66666666-7777-8888-9999-000000000000", "DATA_DIR": str(tmp_path),
        "ToBotFromChannelOpenIdMetadataUrl": issuer.url, "ToBotFromChannelTokenIssuer": ISSUER})


@pytest.fixture
def outgoing_token(monkeypatch):
    """The bot's own token for its replies, as Entra ID would issue it (no network in tests)."""
    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token",
                        lambda self, force_refresh=False: OUTGOING_TOKEN)


@pytest.fixture
async def bot(aiohttp_client, tmp_path, issuer):
    return await aiohttp_client(await create_app(_settings(tmp_path, issuer)))


async def _post(bot, connector, token: str):
    return await bot.post("/api/messages", json=message("hjælp", connector.url),
                          headers={"Authorization": f"Bearer {token}"})


async def test_a_valid_token_for_our_app_and_service_url_is_answered(bot, issuer, capturing_connector,
                                                                     outgoing_token):
    response = await _post(bot, capturing_connector, issuer.token(app_id=APP_ID,
                                                                  service_url=capturing_connector.url))
    assert response.status == 200, await response.text()
    assert capturing_connector.replies("conv-1"), "the bot did not answer"
    assert set(capturing_connector.authorization) == {f"Bearer {OUTGOING_TOKEN}"}
    assert issuer.requests >= 2  # the metadata document and the key set were really fetched


FORGERIES = {
    "wrong signature": dict(signed_by_stranger=True),
    "unknown key id": dict(kid="nobody-knows-this-key"),
    "wrong audience": dict(aud="99999999-8888-7777-6666-555555555555"),
    "wrong issuer": dict(issuer="https://attacker.example"),
    "expired": dict(expires_in=-3600),
    "key not endorsed for msteams": dict(kid="webchat-key"),
    "serviceUrl claim differs from the activity": dict(serviceurl="https://smba.trafficmanager.net/other/"),
}


@pytest.mark.parametrize("forgery", FORGERIES.values(), ids=FORGERIES.keys())
async def test_a_forged_token_gets_401_and_nothing_is_sent(bot, issuer, capturing_connector, outgoing_token,
                                                          forgery, caplog):
    token = issuer.token(app_id=APP_ID, service_url=capturing_connector.url, **forgery)
    response = await _post(bot, capturing_connector, token)
    assert response.status == 401
    assert await response.json() == {"error": "unauthorized"}
    assert capturing_connector.sent == []
    assert "Refused request: token did not validate" in caplog.text


async def test_the_valid_token_is_still_accepted_after_forgeries(bot, issuer, capturing_connector, outgoing_token):
    for forgery in FORGERIES.values():
        token = issuer.token(app_id=APP_ID, service_url=capturing_connector.url, **forgery)
        assert (await _post(bot, capturing_connector, token)).status == 401
    good = issuer.token(app_id=APP_ID, service_url=capturing_connector.url)
    assert (await _post(bot, capturing_connector, good)).status == 200
    assert len(capturing_connector.replies("conv-1")) == 1


async def test_unreachable_signing_keys_get_503_not_500(aiohttp_client, tmp_path, capturing_connector, monkeypatch):
    monkeypatch.setattr(JwtTokenExtractor, "metadataCache", {})
    settings = Settings.from_env({
        "MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "secret", "PLAYGROUND": "0",
        "MicrosoftAppTenantId": "66666666-7777-8888-9999-000000000000", "DATA_DIR": str(tmp_path),
        "ToBotFromChannelOpenIdMetadataUrl": "http://127.0.0.1:9/v1/.well-known/openidconfiguration",
        "ToBotFromChannelTokenIssuer": ISSUER})
    bot = await aiohttp_client(await create_app(settings))
    response = await _post(bot, capturing_connector, TokenIssuer().token(app_id=APP_ID,
                                                                         service_url=capturing_connector.url))
    assert response.status == 503
    assert capturing_connector.sent == []


async def test_failing_to_get_the_bots_own_token_is_logged_as_such(bot, issuer, capturing_connector, monkeypatch,
                                                                   caplog):
    def refused(self, force_refresh=False):
        raise PermissionError("Failed to get access token with error: invalid_client, error_description: "
                              "AADSTS7000215: Invalid client secret provided.")
    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token", refused)
    caplog.set_level(logging.ERROR)
    response = await _post(bot, capturing_connector, issuer.token(app_id=APP_ID,
                                                                  service_url=capturing_connector.url))
    assert response.status == 200  # the caller's token was fine: this is the bot's own credentials
    assert capturing_connector.sent == []
    assert "Could not get the bot's own token for outgoing messages" in caplog.text
    assert "invalid_client" in caplog.text and "MicrosoftAppPassword" in caplog.text


def test_cloud_endpoints_default_to_public_azure_and_pass_through_to_botbuilder():
    public = Settings.from_env({})
    assert public.public_cloud and public.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL is None
    custom = Settings.from_env({"ToBotFromChannelOpenIdMetadataUrl": "https://keys.example/openid",
                                "ToChannelFromBotLoginUrl": "https://login.microsoftonline.us/"})
    assert not custom.public_cloud
    assert custom.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL == "https://keys.example/openid"
    assert custom.TO_CHANNEL_FROM_BOT_LOGIN_URL == "https://login.microsoftonline.us/"
    # The rest keep public Azure's values: botbuilder's parameterized authentication needs every one.
    assert custom.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER == PUBLIC_CLOUD["ToBotFromChannelTokenIssuer"]
    assert custom.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE == PUBLIC_CLOUD["ToChannelFromBotOAuthScope"]
    assert custom.OAUTH_URL and custom.CALLER_ID


def test_a_cloud_endpoint_that_is_no_address_is_refused():
    from bot.settings import SettingsError
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"ToBotFromChannelTokenIssuer": "api.botframework.com"})
    assert "ToBotFromChannelTokenIssuer" in str(error.value)

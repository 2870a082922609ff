"""Settings from the environment: one frozen object, every problem reported at once, secrets hidden."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

APP_TYPES = ("SingleTenant", "MultiTenant", "UserAssignedMSI")

# Bot Framework's endpoints in public Azure. Another cloud (or a test's local key set) sets its own under the
# variable names Microsoft's Bot Framework SDKs use; any one set switches botbuilder to its parameterized
# authentication, which then needs all of them, so the others keep these values.
PUBLIC_CLOUD = {
    "ToBotFromChannelOpenIdMetadataUrl": "https://login.botframework.com/v1/.well-known/openidconfiguration",
    "ToBotFromChannelTokenIssuer": "https://api.botframework.com",
    "ToChannelFromBotLoginUrl": "https://login.microsoftonline.com/",
    "ToChannelFromBotOAuthScope": "https://api.botframework.com",
}
# Needed by the parameterized authentication too, never overridden here: user sign-in (OAuthUrl) and the
# Emulator's keys are not used by this bot.
_PUBLIC_OAUTH_URL = "https://api.botframework.com"
_PUBLIC_EMULATOR_METADATA_URL = "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"
_PUBLIC_CALLER_ID = "urn:botframework:azure"


# Azure's rule for container names: 3-63 lowercase letters, digits and single hyphens, no hyphen at either end.
_CONTAINER = re.compile(r"^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")


def _number(environ: Mapping[str, str], name: str, default, convert, valid, what: str, errors: list[str]):
    """A numeric variable: its default when unset, else converted and checked (a problem goes to `errors`)."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = convert(raw)
        if valid(value):
            return value
    except ValueError:
        pass
    errors.append(f"{name} must be {what}, not {raw!r}")
    return default


class SettingsError(Exception):
    """The environment is incomplete or wrong; `errors` lists every problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass(frozen=True)
class Settings:
    port: int = 3978
    data_dir: Path = Path("data")
    plan: str = "holstebro"
    app_id: str = ""
    app_password: str = field(default="", repr=False)
    app_type: str = "SingleTenant"
    tenant_id: str = ""
    coordinators: frozenset[str] = frozenset()
    playground: bool = True
    flow_timeout_minutes: float = 60.0
    reminder_rate: float = 50.0
    usage_retention_months: int = 24
    storage_connection_string: str = field(default="", repr=False)
    storage_account_url: str = ""
    storage_container: str = "beredskabsbot"
    cloud: tuple[tuple[str, str], ...] = tuple(PUBLIC_CLOUD.items())

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "Settings":
        """Read the environment (README "Configuration"); raise SettingsError listing every problem."""
        errors: list[str] = []
        port = _number(environ, "PORT", 3978, int, lambda v: 0 < v < 65536, "a number from 1 to 65535", errors)
        app_id = environ.get("MicrosoftAppId", "").strip()
        password = environ.get("MicrosoftAppPassword", "").strip()
        tenant = environ.get("MicrosoftAppTenantId", "").strip()
        app_type = environ.get("MicrosoftAppType", "").strip() or "SingleTenant"
        if app_type not in APP_TYPES:
            errors.append(f"MicrosoftAppType must be one of {', '.join(APP_TYPES)}, not {app_type!r}")
        if app_id:
            if not password:
                errors.append("MicrosoftAppPassword is required when MicrosoftAppId is set")
            if not tenant:
                errors.append("MicrosoftAppTenantId is required when MicrosoftAppId is set")
        elif password or tenant:
            errors.append("MicrosoftAppPassword/MicrosoftAppTenantId are set but MicrosoftAppId is not")
        playground = environ.get("PLAYGROUND", "1").strip().lower()
        if playground not in ("0", "1", "", "false", "true", "no", "yes"):
            errors.append(f"PLAYGROUND must be 0 or 1, not {playground!r}")
        flow_timeout = _number(environ, "FLOW_TIMEOUT_MINUTES", 60.0, float, lambda v: v > 0,
                               "a positive number", errors)
        reminder_rate = _number(environ, "REMINDER_RATE", 50.0, float, lambda v: 0 < v <= 50,
                                "a number of messages per second from 0 to 50 (Teams' limit)", errors)
        retention = _number(environ, "USAGE_RETENTION_MONTHS", 24, int, lambda v: v >= 1,
                            "a whole number of months (1 or more)", errors)
        connection_string = environ.get("AZURE_STORAGE_CONNECTION_STRING", "").strip()
        account_url = environ.get("AZURE_STORAGE_ACCOUNT_URL", "").strip()
        container = environ.get("STORAGE_CONTAINER", "").strip() or "beredskabsbot"
        if connection_string and account_url:
            errors.append("Set AZURE_STORAGE_CONNECTION_STRING (a key) or AZURE_STORAGE_ACCOUNT_URL (a managed "
                          "identity), not both")
        if connection_string and not any(part in connection_string for part in
                                         ("AccountName=", "BlobEndpoint=", "UseDevelopmentStorage=true")):
            errors.append("AZURE_STORAGE_CONNECTION_STRING is not a storage connection string (it names no "
                          "AccountName or BlobEndpoint)")
        if account_url and not account_url.startswith("https://"):
            errors.append(f"AZURE_STORAGE_ACCOUNT_URL must be an https:// address, not {account_url!r}")
        if not _CONTAINER.match(container):
            errors.append(f"STORAGE_CONTAINER must be 3-63 lowercase letters, digits and single hyphens, "
                          f"not {container!r}")
        cloud = []
        for name, default in PUBLIC_CLOUD.items():
            value = environ.get(name, "").strip() or default
            if not value.startswith(("https://", "http://")):
                errors.append(f"{name} must be an http(s):// address, not {value!r}")
            cloud.append((name, value))
        if errors:
            raise SettingsError(errors)
        return cls(
            port=port,
            data_dir=Path(environ.get("DATA_DIR", "").strip() or "data"),
            plan=environ.get("PLAN", "").strip() or "holstebro",
            app_id=app_id,
            app_password=password,
            app_type=app_type,
            tenant_id=tenant,
            coordinators=frozenset(c.strip() for c in environ.get("COORDINATORS", "").split(",") if c.strip()),
            playground=playground not in ("0", "false", "no"),
            flow_timeout_minutes=flow_timeout,
            reminder_rate=reminder_rate,
            usage_retention_months=retention,
            storage_connection_string=connection_string,
            storage_account_url=account_url,
            storage_container=container,
            cloud=tuple(cloud),
        )

    @property
    def local_mode(self) -> bool:
        """No MicrosoftAppId: authentication is off (for local development only)."""
        return not self.app_id

    @property
    def shared_store(self) -> bool:
        """Azure Storage keeps what instances share; else sqlite in DATA_DIR."""
        return bool(self.storage_connection_string or self.storage_account_url)

    @property
    def public_cloud(self) -> bool:
        """Bot Framework in public Azure (no endpoint overridden)."""
        return dict(self.cloud) == PUBLIC_CLOUD

    def _cloud(self, name: str) -> str | None:
        # None keeps botbuilder on its built-in public-cloud authentication.
        return None if self.public_cloud else dict(self.cloud)[name]

    # The names botbuilder's ConfigurationBotFrameworkAuthentication reads.
    @property
    def APP_ID(self) -> str:  # noqa: N802
        return self.app_id

    @property
    def APP_PASSWORD(self) -> str:  # noqa: N802
        return self.app_password

    @property
    def APP_TYPE(self) -> str:  # noqa: N802
        # botbuilder accepts an empty app id (authentication off) only for MultiTenant.
        return "MultiTenant" if self.local_mode else self.app_type

    @property
    def APP_TENANTID(self) -> str:  # noqa: N802
        return self.tenant_id

    @property
    def TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL(self) -> str | None:  # noqa: N802
        return self._cloud("ToBotFromChannelOpenIdMetadataUrl")

    @property
    def TO_BOT_FROM_CHANNEL_TOKEN_ISSUER(self) -> str | None:  # noqa: N802
        return self._cloud("ToBotFromChannelTokenIssuer")

    @property
    def TO_CHANNEL_FROM_BOT_LOGIN_URL(self) -> str | None:  # noqa: N802
        return self._cloud("ToChannelFromBotLoginUrl")

    @property
    def TO_CHANNEL_FROM_BOT_OAUTH_SCOPE(self) -> str | None:  # noqa: N802
        return self._cloud("ToChannelFromBotOAuthScope")

    @property
    def OAUTH_URL(self) -> str | None:  # noqa: N802
        return None if self.public_cloud else _PUBLIC_OAUTH_URL

    @property
    def TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL(self) -> str | None:  # noqa: N802
        return None if self.public_cloud else _PUBLIC_EMULATOR_METADATA_URL

    @property
    def CALLER_ID(self) -> str | None:  # noqa: N802
        return None if self.public_cloud else _PUBLIC_CALLER_ID

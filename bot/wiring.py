"""The Bot Framework objects the bot (`app.py`) and the command line (`python -m bot`) build alike."""
from __future__ import annotations

from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)

from knowledge import Knowledge

from .auth import LoggingCredentialsFactory
from .broadcast import Broadcaster
from .connector_cache import CachingBotFrameworkAuthentication
from .references import ReferenceStore
from .reminders import ReminderService
from .settings import Settings
from .usage import SqliteUsageLog


def build_adapter(settings: Settings) -> CloudAdapter:
    """The Bot Framework adapter: settings' cloud endpoints, connector clients reused across turns."""
    credentials = LoggingCredentialsFactory(ConfigurationServiceClientCredentialFactory(settings))
    authentication = ConfigurationBotFrameworkAuthentication(settings, credentials_factory=credentials)
    return CloudAdapter(CachingBotFrameworkAuthentication(authentication))


def build_reminders(settings: Settings, knowledge: Knowledge, adapter: CloudAdapter,
                    usage: SqliteUsageLog | None = None) -> ReminderService:
    """The yearly reminder's stores and service in DATA_DIR."""
    references = ReferenceStore(settings.data_dir / "references.sqlite")
    broadcaster = Broadcaster(adapter, references, settings.data_dir / "broadcasts.sqlite", settings.app_id,
                              rate=settings.reminder_rate)
    return ReminderService(knowledge, broadcaster, adapter, settings.app_id, references, usage,
                           lock_dir=settings.data_dir / "locks")

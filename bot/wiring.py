"""The objects the bot (`app.py`) and the command line (`python -m bot`) build alike: the Bot Framework adapter,
the stores (sqlite in DATA_DIR, or the shared blob container when AZURE_STORAGE_* is set) and the reminder service."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from botbuilder.core import Storage
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)

from knowledge import Knowledge

from .auth import LoggingCredentialsFactory
from .background import FileLock, Lease, LocalLease
from .blob import BlobContainer, BlobLease
from .broadcast import BlobProgress, Broadcaster, Progress, SqliteProgress
from .connector_cache import CachingBotFrameworkAuthentication
from .references import BlobReferenceStore, ReferenceStore
from .reminders import ReminderService
from .settings import Settings
from .storage import BlobStateStorage, SqliteStorage
from .usage import BlobUsageLog, SqliteUsageLog, UsageLog

logger = logging.getLogger(__name__)


def build_adapter(settings: Settings) -> CloudAdapter:
    """The Bot Framework adapter: settings' cloud endpoints, connector clients reused across turns."""
    credentials = LoggingCredentialsFactory(ConfigurationServiceClientCredentialFactory(settings))
    authentication = ConfigurationBotFrameworkAuthentication(settings, credentials_factory=credentials)
    return CloudAdapter(CachingBotFrameworkAuthentication(authentication))


@dataclass
class Stores:
    """Everything the bot keeps: conversation state, references (and notices), broadcasts, usage events."""

    state: Storage
    references: ReferenceStore | BlobReferenceStore
    progress: Progress
    usage: UsageLog
    notices_lock: Lease
    container: BlobContainer | None = None

    async def close(self) -> None:
        """Write what is pending and close every store."""
        try:
            await self.usage.flush()
        finally:
            self.usage.close()
            self.progress.close()
            self.references.close()
            self.state.close()
            if self.container is not None:
                await self.container.close()


async def open_stores(settings: Settings) -> Stores:
    """The shared blob container when AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL is set (the
    container is created if missing), else sqlite files in DATA_DIR."""
    if settings.shared_store:
        if settings.storage_connection_string:
            container = BlobContainer.from_connection_string(settings.storage_connection_string,
                                                             settings.storage_container)
        else:
            container = BlobContainer.from_account_url(settings.storage_account_url, settings.storage_container)
        try:
            await container.ensure()
        except BaseException:
            await container.close()
            raise
        logger.info("Conversation state, references, broadcasts and usage are in Azure Storage (container %s)",
                    settings.storage_container)
        return Stores(BlobStateStorage(container), BlobReferenceStore(container), BlobProgress(container),
                      BlobUsageLog(container), BlobLease(container, "locks/notices"), container)
    data = settings.data_dir
    return Stores(SqliteStorage(data / "state.sqlite"), ReferenceStore(data / "references.sqlite"),
                  SqliteProgress(data / "broadcasts.sqlite"), SqliteUsageLog(data / "usage.sqlite"),
                  LocalLease(FileLock(data / "locks" / "notices.lock")))


def build_reminders(settings: Settings, knowledge: Knowledge, adapter: CloudAdapter, stores: Stores,
                    usage: UsageLog | None = None) -> ReminderService:
    """The yearly reminder's service on the stores; `usage` records each broadcast (the bot passes it)."""
    broadcaster = Broadcaster(adapter, stores.references, stores.progress, settings.app_id,
                              rate=settings.reminder_rate)
    return ReminderService(knowledge, broadcaster, adapter, settings.app_id, stores.references, usage,
                           notices_lock=stores.notices_lock)

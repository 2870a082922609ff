"""The shared store past one instance: one Azure Storage blob container (azure-storage-blob 12.x).

Everything several instances must agree on lives in it: conversation state (bot/storage.py), conversation
references and notices (bot/references.py), broadcast progress (bot/broadcast.py) and usage events
(bot/usage.py). Concurrency is the store's own: a write names the eTag it read (a conflict is a 412), a
create names no blob (a second create is a 409), and a blob lease makes one instance at a time the one that
does a job (`BlobLease`). Blob names never hold a conversation or user id in clear: they are SHA-256 digests.

A key (a connection string) or a managed identity (an account URL, with azure-identity's
DefaultAzureCredential) opens it. Requests give up after a few quick retries, so an outage costs a turn a
couple of seconds and the plain error message, not a minute of Azure's default back-off.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import time
import uuid
from typing import Any, AsyncIterator

from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.storage.blob.aio import BlobClient, BlobLeaseClient, ContainerClient, ExponentialRetry

logger = logging.getLogger(__name__)

# A storage outage should cost a turn seconds, not Azure's default minute of back-off (15 s, then x3).
RETRY = dict(initial_backoff=0.3, increment_base=2, retry_total=2)
CONNECTION_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 20
# Blob leases last 15 to 60 seconds: the shortest, so a dead holder's job is free again soon. Renewed three
# times a lease while held.
LEASE_SECONDS = 15


def digest(text: str) -> str:
    """The SHA-256 of a key: blob names never hold an id in clear."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_metadata(text: str) -> str:
    """A value as blob metadata allows (an HTTP header): base64url."""
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii")


def from_metadata(value: str) -> str:
    return base64.urlsafe_b64decode(value.encode("ascii")).decode("utf-8")


class Conflict(Exception):
    """The blob changed since it was read, or exists already."""


class BlobContainer:
    """One container of the storage account, and the few operations the stores need."""

    def __init__(self, client: ContainerClient, credential: Any = None):
        self.client = client
        self._credential = credential

    @classmethod
    def from_connection_string(cls, connection_string: str, container: str) -> "BlobContainer":
        return cls(ContainerClient.from_connection_string(
            connection_string, container, retry_policy=ExponentialRetry(**RETRY),
            connection_timeout=CONNECTION_TIMEOUT_SECONDS, read_timeout=READ_TIMEOUT_SECONDS))

    @classmethod
    def from_account_url(cls, account_url: str, container: str) -> "BlobContainer":
        """With the app's managed identity (or whatever DefaultAzureCredential finds), no key."""
        from azure.identity.aio import DefaultAzureCredential

        credential = DefaultAzureCredential()
        return cls(ContainerClient(account_url, container, credential=credential,
                                   retry_policy=ExponentialRetry(**RETRY),
                                   connection_timeout=CONNECTION_TIMEOUT_SECONDS,
                                   read_timeout=READ_TIMEOUT_SECONDS), credential)

    async def ensure(self) -> None:
        """Create the container unless it exists (private: no public access)."""
        try:
            await self.client.create_container()
        except ResourceExistsError:
            pass

    def blob(self, name: str) -> BlobClient:
        return self.client.get_blob_client(name)

    async def read(self, name: str) -> tuple[bytes, str] | None:
        """The blob's content and eTag, or None when there is none."""
        try:
            stream = await self.blob(name).download_blob()
            return await stream.readall(), stream.properties.etag
        except ResourceNotFoundError:
            return None

    async def read_json(self, name: str) -> Any:
        found = await self.read(name)
        return None if found is None else json.loads(found[0])

    async def write(self, name: str, data: bytes, *, etag: str | None = None, create: bool = False,
                    metadata: dict[str, str] | None = None) -> str:
        """Write a blob: over whatever is there, only over `etag`, or only when there is none (`create`).
        Raises Conflict when the condition fails; returns the new eTag."""
        kwargs: dict[str, Any] = {"metadata": metadata}
        if etag is not None:
            kwargs.update(etag=etag, match_condition=MatchConditions.IfNotModified)
        try:
            result = await self.blob(name).upload_blob(data, overwrite=not create, **kwargs)
        except ResourceExistsError as error:
            raise Conflict(name) from error
        except HttpResponseError as error:
            if error.status_code == 412:
                raise Conflict(name) from error
            raise
        return result["etag"]

    async def write_json(self, name: str, value: Any, **kwargs) -> str:
        return await self.write(name, json.dumps(value, ensure_ascii=False).encode("utf-8"), **kwargs)

    async def delete(self, name: str) -> bool:
        """Delete a blob; False when there was none."""
        try:
            await self.client.delete_blob(name)
            return True
        except ResourceNotFoundError:
            return False

    async def exists(self, name: str) -> bool:
        return await self.blob(name).exists()

    async def list(self, prefix: str, metadata: bool = False) -> AsyncIterator:
        """The blobs whose names start with `prefix` (with their metadata when asked)."""
        async for item in self.client.list_blobs(name_starts_with=prefix,
                                                 include=["metadata"] if metadata else None):
            yield item

    async def create_append_blob(self, name: str) -> bool:
        """An empty append blob unless one exists; True when this call created it."""
        try:
            await self.blob(name).create_append_blob(match_condition=MatchConditions.IfMissing)
            return True
        except ResourceExistsError:
            return False
        except HttpResponseError as error:
            if error.status_code in (409, 412):
                return False
            raise

    async def close(self) -> None:
        await self.client.close()
        if self._credential is not None:
            await self._credential.close()


class BlobLease:
    """An exclusive lease on one blob: one instance at a time does the job the blob stands for.

    Held, it is renewed in the background; `lost` turns true once a renewal could not be made before the
    lease ran out (the store was unreachable), when another instance may have taken it: the holder then stops.
    A holder that dies stops renewing, and the lease is free `LEASE_SECONDS` later.
    """

    def __init__(self, container: BlobContainer, name: str, seconds: int = LEASE_SECONDS):
        self._container = container
        self.name = name
        self._seconds = seconds
        self._lease: BlobLeaseClient | None = None
        self._renewer: asyncio.Task | None = None
        self._valid_until = 0.0

    @property
    def id(self) -> str | None:
        return self._lease.id if self._lease is not None else None

    @property
    def lost(self) -> bool:
        return self._lease is None or time.monotonic() >= self._valid_until

    async def acquire(self) -> bool:
        """Take the lease if nobody holds it; True when this object holds it now."""
        if self._lease is not None:
            return True
        blob = self._container.blob(self.name)
        lease = BlobLeaseClient(blob, lease_id=str(uuid.uuid4()))
        started = time.monotonic()
        try:
            await lease.acquire(lease_duration=self._seconds)
        except ResourceNotFoundError:
            # Lease blobs of locks are created on first use; broadcasts create theirs with the broadcast.
            await self._container.create_append_blob(self.name)
            return await self.acquire()
        except (ResourceExistsError, HttpResponseError) as error:
            if isinstance(error, ResourceExistsError) or error.status_code == 409:
                return False
            raise
        self._lease = lease
        self._valid_until = started + self._seconds
        self._renewer = asyncio.create_task(self._renew())
        return True

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self._seconds / 3)
            started = time.monotonic()
            try:
                await self._lease.renew()
                self._valid_until = started + self._seconds
            except Exception as error:  # noqa: BLE001 - logged; `lost` tells the holder when it matters
                logger.warning("Could not renew the lease on %s: %s", self.name, type(error).__name__)

    async def release(self) -> None:
        if self._renewer is not None:
            self._renewer.cancel()
            await asyncio.gather(self._renewer, return_exceptions=True)
            self._renewer = None
        if self._lease is not None:
            lease, self._lease = self._lease, None
            try:
                await lease.release()
            except Exception as error:  # noqa: BLE001 - it runs out by itself
                logger.warning("Could not release the lease on %s: %s", self.name, type(error).__name__)

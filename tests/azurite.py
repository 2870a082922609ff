"""Azurite, Microsoft's Azure Storage emulator (npm `azurite`), for the tests of the shared store.

Installed into .playground/ like the other Node.js tools (.ci/run installs it ahead), started on loopback with
its data in a temporary folder, one server per test session; each test takes a container of its own.
"""
from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.fakes import free_port
from tests.node_tools import HAS_NODE, IN_CI, NODE_DIR, ensure_npm

AZURITE = NODE_DIR / "node_modules" / ".bin" / "azurite-blob"
# Azurite's well-known development account (published in its documentation; it guards nothing).
ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

needs_azurite = pytest.mark.skipif(not IN_CI and not HAS_NODE, reason="needs node and npm (.ci/run installs them)")
_containers = itertools.count(1)


class Azurite:
    """One Azurite blob server on 127.0.0.1; stop() and start() again keep its data (the same folder)."""

    def __init__(self, location: Path, port: int | None = None):
        self.location = location
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    def start(self, seconds: float = 60) -> "Azurite":
        if not AZURITE.exists():
            ensure_npm("azurite@3")
        self.location.mkdir(parents=True, exist_ok=True)
        # --skipApiVersionCheck: azure-storage-blob may speak a newer API version than this Azurite knows.
        self.process = subprocess.Popen(
            [str(AZURITE), "--blobHost", "127.0.0.1", "--blobPort", str(self.port), "--location",
             str(self.location), "--skipApiVersionCheck", "--silent", "--loose"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"azurite exited with {self.process.returncode}"
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError("azurite did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None

    @property
    def connection_string(self) -> str:
        return (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
                f"BlobEndpoint=http://127.0.0.1:{self.port}/{ACCOUNT};")

    def env(self, container: str | None = None) -> dict[str, str]:
        """The bot's settings for this server and a container of the test's own."""
        return {"AZURE_STORAGE_CONNECTION_STRING": self.connection_string,
                "STORAGE_CONTAINER": container or new_container()}


def new_container() -> str:
    """A container name no other test uses."""
    return f"t{next(_containers)}-{uuid.uuid4().hex[:12]}"

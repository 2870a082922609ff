"""The Microsoft 365 Agents Playground beside a local bot: Microsoft's own Teams-like test client.

Installed into .playground/ with npm on first use and pointed at the bot's /api/messages.
Only in local mode (no MicrosoftAppId) and unless PLAYGROUND=0.
"""
from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .settings import Settings

logger = logging.getLogger(__name__)

PACKAGE = "@microsoft/m365agentsplayground@0.2.28"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTALL_DIR = PROJECT_ROOT / ".playground"
PLAYGROUND_PORT = 56150


@dataclass
class Playground:
    bot_port: int
    port: int = PLAYGROUND_PORT
    process: asyncio.subprocess.Process | None = None
    _drain: asyncio.Task | None = None

    @classmethod
    def for_settings(cls, settings: Settings) -> "Playground | None":
        """A playground for this bot, or None when it must not run (production, PLAYGROUND=0)."""
        if not settings.local_mode or not settings.playground:
            return None
        return cls(bot_port=settings.port)

    @property
    def executable(self) -> Path:
        return INSTALL_DIR / "node_modules" / ".bin" / "agentsplayground"

    async def _install(self) -> bool:
        npm = shutil.which("npm")
        if not shutil.which("node") or not npm:
            logger.warning("The Agents Playground needs Node.js 18 or newer (node and npm on PATH); "
                           "install it from https://nodejs.org or your package manager "
                           "(e.g. 'apt-get install nodejs npm'). The bot runs alone for now.")
            return False
        logger.info("Installing the Agents Playground (%s) into %s, once ...", PACKAGE, INSTALL_DIR)
        INSTALL_DIR.mkdir(exist_ok=True)
        proc = await asyncio.create_subprocess_exec(
            npm, "install", "--prefix", str(INSTALL_DIR), "--no-audit", "--no-fund", PACKAGE,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        _, stderr = await proc.communicate()
        if proc.returncode != 0 or not self.executable.exists():
            logger.warning("Could not install the Agents Playground (npm exit %s): %s. The bot runs alone.",
                           proc.returncode, stderr.decode(errors="replace").strip()[-500:])
            return False
        return True

    async def start(self) -> None:
        """Install if needed and start the Playground in the background; never stops the bot."""
        if not self.executable.exists() and not await self._install():
            return
        endpoint = f"http://localhost:{self.bot_port}/api/messages"
        # Without a desktop the Playground's attempt to open a browser (xdg-open) kills it; we print
        # the address instead.
        # Its log goes to .playground/devTools/ (ignored by git), wherever the bot was started from.
        env = {**os.environ, "TEAMSAPPTESTER_BROWSER": "none",
               "M365_AGENTS_PLAYGROUND_LOGFILE": str(INSTALL_DIR / "devTools" / "m365agentsplayground.log")}
        self.process = await asyncio.create_subprocess_exec(
            str(self.executable), "-e", endpoint, "-c", "msteams", "-p", str(self.port),
            "--disable-telemetry", cwd=str(INSTALL_DIR), env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        # The Playground takes another port when 56150 is busy; it says which on its first line.
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), timeout=30)
        except asyncio.TimeoutError:
            line = b""
        match = re.search(rb"Listening on (\d+)", line)
        if not match:
            logger.warning("The Agents Playground did not start (%s). The bot runs alone.",
                           line.decode(errors="replace").strip() or "no output")
            return
        self.port = int(match.group(1))
        self._drain = asyncio.create_task(self._discard_output())
        logger.warning("Agents Playground: open http://localhost:%d in a browser to talk to the bot "
                       "(PLAYGROUND=0 turns it off).", self.port)

    async def _discard_output(self) -> None:
        while self.process and await self.process.stdout.readline():
            pass

    async def stop(self) -> None:
        """Stop the Playground with the bot."""
        if self.process and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), timeout=5)
            except asyncio.TimeoutError:
                self.process.kill()

"""When the Agents Playground starts beside the bot, and what happens without Node.js."""
from __future__ import annotations

import logging

from bot import playground as playground_module
from bot.playground import Playground
from bot.settings import Settings

PRODUCTION = {"MicrosoftAppId": "id", "MicrosoftAppPassword": "pw", "MicrosoftAppTenantId": "tenant"}


def test_local_mode_gets_a_playground_pointed_at_the_bot():
    playground = Playground.for_settings(Settings.from_env({"PORT": "4000"}))
    assert playground is not None and playground.bot_port == 4000


def test_playground_0_turns_it_off():
    assert Playground.for_settings(Settings.from_env({"PLAYGROUND": "0"})) is None


def test_production_mode_never_starts_it():
    assert Playground.for_settings(Settings.from_env({**PRODUCTION, "PLAYGROUND": "1"})) is None


async def test_without_node_it_says_how_to_get_it_and_the_bot_runs_alone(monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(playground_module, "INSTALL_DIR", tmp_path / "empty")
    monkeypatch.setattr(playground_module.shutil, "which", lambda name: None)
    caplog.set_level(logging.INFO)
    playground = Playground(bot_port=3978)
    await playground.start()
    assert playground.process is None
    assert "needs Node.js" in caplog.text and "nodejs.org" in caplog.text

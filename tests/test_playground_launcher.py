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


async def test_what_the_playground_writes_goes_to_a_folder_git_ignores(monkeypatch, tmp_path):
    """A stand-in Playground reports where it was told to log; that place, and make run's data, are ignored."""
    import subprocess
    from pathlib import Path

    fake = tmp_path / "agentsplayground"
    fake.write_text("#!/bin/sh\necho \"$M365_AGENTS_PLAYGROUND_LOGFILE\" > \"$0.env\"\n"
                    "echo 'Listening on 56999'\nexec sleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setattr(Playground, "executable", property(lambda self: fake))
    playground = Playground(bot_port=3978)
    await playground.start()
    try:
        assert playground.port == 56999
    finally:
        await playground.stop()
    log_file = Path((tmp_path / "agentsplayground.env").read_text().strip())
    root = Path(playground_module.PROJECT_ROOT)
    assert log_file.is_relative_to(playground_module.INSTALL_DIR)
    written = [log_file, root / "devTools" / "m365agentsplayground.log", root / "data" / "state.sqlite",
               root / ".playground" / "node_modules" / "x", root / "deployment" / "build" / "x.zip"]
    ignored = subprocess.run(["git", "check-ignore", *map(str, written)], cwd=root, capture_output=True, text=True)
    assert sorted(ignored.stdout.split()) == sorted(map(str, written))

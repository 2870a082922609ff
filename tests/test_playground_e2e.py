"""`make run` in local mode starts the Agents Playground; a question typed there shows its answer card,
and the card's buttons work there. Drives headless Chromium (playwright-core) like a person would."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

from tests.fakes import free_port
from tests.node_tools import ROOT, ensure_npm, needs_browser, run_node



@needs_browser
def test_question_typed_in_the_playground_shows_its_card_and_buttons_work(tmp_path):
    port = free_port()
    env = {**os.environ, "PORT": str(port), "DATA_DIR": str(tmp_path), "PLAYGROUND": "1", "PLAN": "holstebro"}
    for key in ("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppTenantId"):
        env.pop(key, None)
    bot = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        address = None
        deadline = time.monotonic() + 600  # the first run installs the Playground with npm
        while time.monotonic() < deadline and address is None:
            line = bot.stdout.readline()
            if not line and bot.poll() is not None:
                break
            match = re.search(r"open (http://localhost:\d+) in a browser", line)
            address = match.group(1) if match else None
        assert address, "make run did not print the Agents Playground's address"
        ensure_npm("playwright-core@1")
        result = run_node(ROOT / "tests" / "e2e" / "playground.js", address,
                          "Hvad er nummeret til Familiesektionen?", "96 11 53 70", str(tmp_path / "answer.png"))
        assert result.returncode == 0, result.stderr[-2000:]
        seen = json.loads(result.stdout.strip().splitlines()[-1])
        assert "96 11 53 70" in seen["answer"]
        assert seen["button"] and seen["after"] != seen["answer"] and "Kilde:" in seen["after"]
        # A guided flow: typed trigger, then its first button ("Ja": acute danger) in the Playground.
        result = run_node(ROOT / "tests" / "e2e" / "playground.js", address,
                          "Jeg er bekymret for et barn", "akut fare for barnet", "")
        assert result.returncode == 0, result.stderr[-2000:]
        seen = json.loads(result.stdout.strip().splitlines()[-1])
        assert seen["button"] == "Ja"
        assert seen["after"].startswith("Ved akut fare") and "112" in seen["after"]
    finally:
        os.killpg(bot.pid, signal.SIGTERM)
        bot.wait(timeout=20)
        bot.stdout.close()

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
                          "Jeg er bekymret for et barn", "er barnet i fare", "")
        assert result.returncode == 0, result.stderr[-2000:]
        seen = json.loads(result.stdout.strip().splitlines()[-1])
        assert seen["button"] == "Ja / ved ikke"
        assert seen["after"].startswith("Ved akut fare") and "112" in seen["after"]
        # Acute danger stays in view on a 1366×768 laptop: the chat scrolls to the newest card, and what shows
        # without scrolling starts with 112 and the plan's acute contacts - also after tapping through to the flow.
        result = run_node(ROOT / "tests" / "e2e" / "acute_view.js", address,
                          "Jeg er bekymret for et barn, hendes far har truet med at slå hende ihjel",
                          str(tmp_path / "acute.png"), "Start guiden: Bekymret for et barn")
        assert result.returncode == 0, result.stderr[-2000:]
        view = json.loads(result.stdout.strip().splitlines()[-1])
        lines = view["first"]["lines"]
        assert lines[0]["text"] == "Ved akut fare: ring 112 nu."
        must_show = [line for line in lines if "112" in line["text"] or "SSP" in line["text"]]
        assert must_show and all(line["visible"] for line in must_show), view["first"]
        assert all(line["visible"] for line in lines), view["first"]  # the whole card is on screen
        assert view["after"]["lines"], view
    finally:
        os.killpg(bot.pid, signal.SIGTERM)
        bot.wait(timeout=20)
        bot.stdout.close()

"""Node.js tools the tests use (Playwright, Microsoft's manifest validator), installed into .playground/."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / ".playground"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HAS_NODE = bool(shutil.which("node") and shutil.which("npm"))
IN_CI = os.environ.get("CI") == "true"

# In CI (.ci/run installs node and chromium) these never skip: a missing tool fails the test.
needs_node = pytest.mark.skipif(not IN_CI and not HAS_NODE,
                                reason="needs node and npm (.ci/run installs them)")
needs_browser = pytest.mark.skipif(not IN_CI and not (HAS_NODE and CHROMIUM),
                                   reason="needs node, npm and chromium (.ci/run installs them)")


def ensure_npm(*packages: str) -> None:
    """Install npm packages (name@range) into .playground/ unless they are there already."""
    missing = [p for p in packages if not (NODE_DIR / "node_modules" / p.rsplit("@", 1)[0]).exists()]
    if missing:
        NODE_DIR.mkdir(exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund", *missing],
                       check=True, capture_output=True, timeout=600)


def run_node(script: Path, *args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    """Run a node script with .playground/node_modules on its module path."""
    env = {**os.environ, "NODE_PATH": str(NODE_DIR / "node_modules"), "CHROMIUM": CHROMIUM or "/usr/bin/chromium"}
    return subprocess.run(["node", str(script), *args], cwd=NODE_DIR, capture_output=True, text=True,
                          timeout=timeout, env=env)

"""The Makefile's set-up on the wrong Python: it says which Python is needed and how to set PYTHON= before it
creates anything, removes a virtualenv made with another Python, and removes one whose install failed."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys

from tests.node_tools import ROOT

FAKE_312 = """#!/bin/sh
# Answers like a Python 3.12 would: not 3.11.
case "$1" in
  --version) echo "Python 3.12.1" ;;
  -c) exit 1 ;;
  *) echo "fake python: $*" >&2; exit 1 ;;
esac
"""


def _project_copy(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _fake_python(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FAKE_312)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def _make(project, *args, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PIP_NO_INDEX": "1", **env}
    environment.pop("MAKEFLAGS", None)
    return subprocess.run(["make", "-s", *args], cwd=project, env=environment, capture_output=True, text=True,
                          timeout=300)


def test_the_wrong_python_is_named_with_how_to_set_python_and_nothing_is_created(tmp_path):
    project = _project_copy(tmp_path)
    fake = _fake_python(tmp_path / "bin" / "python3.12")
    result = _make(project, "test", f"PYTHON={fake}")
    assert result.returncode != 0
    assert "needs Python 3.11" in result.stderr and "Python 3.12.1" in result.stderr
    assert "make test PYTHON=/path/to/python3.11" in result.stderr
    assert not (project / ".venv").exists()


def test_a_virtualenv_of_another_python_is_removed_and_a_failed_install_too(tmp_path):
    project = _project_copy(tmp_path)
    _fake_python(project / ".venv" / "bin" / "python")  # what a failed run on 3.12 used to leave behind
    (project / "pyproject.toml").write_text("[project\nthis is not TOML\n")  # so the install fails at once
    result = _make(project, "test", f"PYTHON={sys.executable}")
    assert result.returncode != 0
    assert "Removing .venv: it was not made with Python 3.11" in result.stderr
    assert "Installing into .venv failed" in result.stderr and "was removed" in result.stderr
    assert not (project / ".venv").exists()  # so the next make starts afresh

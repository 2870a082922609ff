"""deployment/Dockerfile (no Docker engine here, so read as text and rehearsed): python:3.11-slim, a non-root
user, DATA_DIR on a volume, a HEALTHCHECK on /healthz and the serve command as its entry point; the files it
copies are enough to serve, and its HEALTHCHECK command really checks the server."""
from __future__ import annotations

import asyncio
import json
import os
import shlex
import shutil
import subprocess
import sys
import tomllib

from tests.fakes import free_port
from tests.node_tools import ROOT
from tests.test_serve import serve_command, stop, wait_until_healthy

DOCKERFILE = ROOT / "deployment" / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    logical, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line.rstrip("\\").strip() + " " if line.endswith("\\") else line.strip()
        if not line.endswith("\\"):
            keyword, _, rest = current.partition(" ")
            logical.append((keyword.upper(), rest.strip()))
            current = ""
    return logical


def only(keyword: str) -> list[str]:
    return [rest for key, rest in instructions() if key == keyword]


def env() -> dict[str, str]:
    values = {}
    for rest in only("ENV"):
        values.update(dict(part.split("=", 1) for part in shlex.split(rest)))
    return values


def test_the_image_is_python_311_slim():
    assert only("FROM") == ["python:3.11-slim"]


def test_it_runs_as_a_user_that_is_not_root():
    users = only("USER")
    assert users and users[-1] not in ("root", "0", "0:0")
    order = [key for key, _ in instructions()]
    assert order.index("USER") > max(i for i, key in enumerate(order) if key == "RUN")  # no RUN as root after
    assert order.index("USER") < order.index("CMD")


def test_data_dir_is_a_volume_the_user_owns():
    data_dir = env()["DATA_DIR"]
    assert json.loads(only("VOLUME")[0]) == [data_dir]
    assert any(f"chown {only('USER')[-1]} {data_dir}" in run for run in only("RUN"))
    assert env()["PLAYGROUND"] == "0"


def test_the_entry_point_is_the_serve_command():
    cmd = json.loads(only("CMD")[0])
    assert cmd == ["gunicorn", *serve_command()[1:]]
    assert not only("ENTRYPOINT")


def test_the_healthcheck_asks_healthz():
    (check,) = only("HEALTHCHECK")
    assert "/healthz" in check and "CMD" in check and "--interval=" in check


def test_every_package_of_the_project_is_copied():
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    copied = " ".join(only("COPY"))
    for package in packages:
        assert f"{package}/ {package}/" in copied
    assert "app.py" in copied and "gunicorn.conf.py" in copied


async def test_the_copied_files_serve_and_the_healthcheck_command_passes(tmp_path):
    """Lay out /app as the COPY lines do and run the image's CMD and HEALTHCHECK there."""
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    for rest in only("COPY"):
        *sources, target = shlex.split(rest)
        for source in sources:
            src, dst = ROOT / source.rstrip("/"), app_dir / target
            if src.is_dir():
                shutil.copytree(src, app_dir / target.rstrip("/"), ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(src, dst if target.endswith("/") or target == "./" else app_dir / target)
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    environment.update({**env(), "DATA_DIR": str(tmp_path / "data"), "PORT": str(port), "PYTHONWARNINGS": "ignore",
                        "PATH": f"{os.path.dirname(sys.executable)}:{environment['PATH']}"})
    # Bytecode written beside the copies shows the server imported them, not the checkout.
    environment.pop("PYTHONDONTWRITEBYTECODE")
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen(json.loads(only("CMD")[0]), cwd=app_dir, env=environment, stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        await wait_until_healthy(port, server, log)
        check = only("HEALTHCHECK")[0].split(" CMD ", 1)[1]
        ok = await asyncio.to_thread(subprocess.run, ["sh", "-c", check], env=environment, timeout=30)
        assert ok.returncode == 0
    finally:
        assert stop(server) == 0
    failing = await asyncio.to_thread(subprocess.run, ["sh", "-c", check], env=environment, timeout=30,
                                      capture_output=True)
    assert failing.returncode == 1  # and it fails once the server is gone
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    for package in packages:
        assert (app_dir / package / "__pycache__").is_dir(), f"{package} was not imported from the image's copy"

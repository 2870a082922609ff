"""Several processes on one DATA_DIR (gunicorn workers, the command line): concurrent writes lose nothing,
and background work runs in one process at a time, taken over when that process dies."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest

from bot.background import FileLock, run_once_per_data_store
from bot.references import ReferenceStore
from bot.sqlite import open_table
from bot.storage import SqliteStorage
from bot.usage import SqliteUsageLog
from tests.concurrent_writer import COUNTER
from tests.node_tools import ROOT

WRITERS = 2
EACH = 150


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    storage = SqliteStorage(tmp_path / "state.sqlite")
    asyncio.run(storage.write({COUNTER: {"count": 0}}))
    storage.close()
    start_at = time.time() + 2.0  # both past their imports before the first write
    writers = [subprocess.Popen([sys.executable, "-m", "tests.concurrent_writer", str(tmp_path), f"w{n}", str(EACH),
                                 str(start_at)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for n in range(WRITERS)]
    outputs = [w.communicate(timeout=240) for w in writers]
    for writer, (out, err) in zip(writers, outputs):
        assert writer.returncode == 0, err[-2000:]
    conflicts = sum(int(out.split()[-1]) for out, _ in outputs)

    expected = {f"w{n}-{i}" for n in range(WRITERS) for i in range(EACH)}
    storage = SqliteStorage(tmp_path / "state.sqlite")
    state = asyncio.run(storage.read(sorted(expected) + [COUNTER]))
    storage.close()
    assert set(state) - {COUNTER} == expected
    # Every increment counted once: a lost update would leave the counter short.
    assert state[COUNTER]["count"] == WRITERS * EACH
    assert conflicts > 0, "the writers never overlapped, so this proved nothing"
    references = ReferenceStore(tmp_path / "references.sqlite")
    assert set(asyncio.run(references.ids())) == expected
    references.close()
    usage = SqliteUsageLog(tmp_path / "usage.sqlite")
    assert sorted(e.item for e in asyncio.run(usage.events())) == sorted(expected)
    usage.close()
    results = open_table(tmp_path / "broadcasts.sqlite", "deliveries")
    assert set(results.keys()) == {f"b|{key}" for key in expected}
    results.close()


async def test_two_conflicting_writes_of_one_state_let_exactly_one_win(tmp_path):
    first, second = SqliteStorage(tmp_path / "s.sqlite"), SqliteStorage(tmp_path / "s.sqlite")
    await first.write({"k": {"n": 0}})
    read = (await first.read(["k"]))["k"]
    await first.write({"k": {**read, "n": 1}})
    with pytest.raises(KeyError):
        await second.write({"k": {**read, "n": 2}})  # the same e_tag, from another connection
    assert (await second.read(["k"]))["k"]["n"] == 1
    first.close()
    second.close()


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    process.stdout.close()


def _hold_lock_in_a_process(path) -> subprocess.Popen:
    code = ("import sys, time; from pathlib import Path; from bot.background import FileLock; "
            "assert FileLock(Path(sys.argv[1])).try_acquire(); print('held', flush=True); time.sleep(120)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_lock_held_by_another_process_is_taken_over_when_it_dies(tmp_path):
    path = tmp_path / "background.lock"
    holder = _hold_lock_in_a_process(path)
    lock = FileLock(path)
    try:
        assert not lock.try_acquire()
    finally:
        _kill(holder)
    assert lock.try_acquire()
    assert not FileLock(path).try_acquire()  # not even another descriptor in this process
    lock.release()


async def test_background_work_waits_for_the_lock_then_runs(tmp_path):
    path = tmp_path / "background.lock"
    holder = _hold_lock_in_a_process(path)
    runs: list[str] = []

    async def check() -> None:
        runs.append("check")

    async def daily() -> None:
        runs.append("daily")

    task = asyncio.create_task(run_once_per_data_store(FileLock(path), on_every_check=check, daily=[daily],
                                                       retry_seconds=0.05))
    try:
        await asyncio.sleep(0.5)
        assert runs == []  # another process does the background work
        _kill(holder)
        for _ in range(100):
            if runs.count("check") >= 3:
                break
            await asyncio.sleep(0.05)
        assert runs[:2] == ["check", "daily"] and runs.count("daily") == 1 and runs.count("check") >= 3
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        if holder.returncode is None:
            _kill(holder)
    assert FileLock(path).try_acquire()  # released when cancelled


async def test_a_failing_job_is_logged_and_the_others_still_run(tmp_path, caplog):
    runs: list[str] = []

    async def broken() -> None:
        raise RuntimeError("boom")

    async def fine() -> None:
        runs.append("fine")

    task = asyncio.create_task(run_once_per_data_store(FileLock(tmp_path / "l"), on_every_check=broken,
                                                       daily=[broken, fine], retry_seconds=0.05))
    await asyncio.sleep(0.2)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert runs == ["fine"]
    assert "Resuming broadcasts failed" in caplog.text and "Daily job failed" in caplog.text
    assert os.path.exists(tmp_path / "l")

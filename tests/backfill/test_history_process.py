"""The history process: simulated history generated and encoded in a child process, as the demo's first start
and ``simulate --backfill-days`` use it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from energymon.backfill.process import ChunkDone, Finished, HistoryProcess, HistoryProcessError, prepared_days
from energymon.store.history import PreparedHistory

from support import demo_config_path

START_S = 1_717_171_200.0 + 5 * 3600 + 17  # 2024-05-31 21:00:17 UTC: the spans cross UTC midnights


@pytest.mark.process
def test_child_sends_what_prepared_days_makes_in_process(demo_config):
    end_s = START_S + 1.3 * 86_400
    in_process = list(prepared_days(demo_config, START_S, end_s, seed=2))
    with HistoryProcess(demo_config, START_S, end_s, seed=2) as process:
        from_child = list(process.messages())
    assert from_child == in_process
    assert isinstance(from_child[-1], Finished) and isinstance(from_child[-2], ChunkDone)
    assert from_child[-2].share_done == 1.0
    histories = [m for m in from_child if isinstance(m, PreparedHistory)]
    assert from_child[-2].samples == sum(h.samples for h in histories) > 0
    # every device-day is cut at UTC midnight: each raw block of a device is sent once
    blocks = [(h.device_id, c.quantity, b[0]) for h in histories for c in h.channels for b in c.blocks]
    assert len(blocks) == len(set(blocks))
    assert {h.zone for h in histories} == {demo_config.site.timezone}


@pytest.mark.process
def test_cancelling_stops_the_child_and_leaving_the_context_ends_it(demo_config):
    process = HistoryProcess(demo_config, START_S, START_S + 30 * 86_400, seed=1)
    with process:
        taken = []
        for message in process.messages(cancelled=lambda: len(taken) >= 3):
            taken.append(message)
    assert len(taken) == 3
    assert not process.running


@pytest.mark.process
def test_a_child_that_dies_is_reported_not_waited_for(demo_config):
    with HistoryProcess(demo_config, START_S, START_S + 30 * 86_400, seed=1) as process:
        messages = process.messages()
        next(messages)
        os.kill(process.pid, signal.SIGKILL)
        with pytest.raises(HistoryProcessError, match="ended without finishing"):
            for _ in messages:
                pass


@pytest.mark.process
def test_a_failure_in_the_child_is_raised_in_the_parent(demo_config):
    with HistoryProcess(demo_config, START_S, START_S - 10, seed=1) as process:  # an empty span: the generator refuses
        with pytest.raises(HistoryProcessError, match="end_s .* must be after start_s"):
            list(process.messages())


@pytest.mark.process
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_the_child_ends_when_its_parent_is_killed(tmp_path):
    """A parent killed outright (a crashed GUI) does not leave its history child blocked on a full queue."""
    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent(f"""
        import time
        from energymon.config import load_config
        from energymon.backfill.process import HistoryProcess
        if __name__ == "__main__":
            config = load_config({str(demo_config_path())!r})
            with HistoryProcess(config, {START_S}, {START_S + 30 * 86_400}) as process:
                print(process.pid, flush=True)
                time.sleep(600)  # never reads: the child fills the queue and waits
    """)
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        child_pid = int(parent.stdout.readline())
        time.sleep(2)  # the child is generating and filling the queue
        assert _alive(child_pid)
        parent.kill()
        parent.wait(timeout=10)
        deadline = time.monotonic() + 30
        while _alive(child_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(child_pid)
    finally:
        parent.kill()
        parent.stdout.close()


def _alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped by init has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


# -- simulate --backfill-days into a database (energymon.backfill.runner.backfill_database) --------------------


@pytest.mark.process
def test_backfill_refuses_a_span_the_database_already_holds(tmp_path, demo_config):
    """A second history over stored samples would interleave with them, its counters restarting from the
    seed's: refused with the span named, nothing written. A span before the stored data is fine."""
    from energymon.backfill.runner import backfill_database
    from energymon.store.reader import StoreReader
    from energymon.store.schema import StoreError

    db = tmp_path / "h.db"
    end_s = START_S + 86_400

    def backfill(days: float, end: float):
        return backfill_database(demo_config, db, days, 1, tmp_path / "state.json", end_s=end, report=lambda line: None)

    def stored() -> int:
        reader = StoreReader(db)
        try:
            return reader.sample_count()
        finally:
            reader.close()

    first = backfill(0.25, end_s)
    assert stored() == first.samples > 0
    with pytest.raises(StoreError, match=r"already holds samples in the span to fill \(2024-06-01 .* UTC\)"):
        backfill(0.25, end_s + 3600)
    assert stored() == first.samples
    earlier = backfill(0.25, end_s - 0.25 * 86_400 - 60)  # ends a minute before the first stored poll
    assert stored() == first.samples + earlier.samples

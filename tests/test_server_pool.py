"""The query worker pool on its own: jobs answered by pre-forked workers, a job past the timeout or the memory limit
stopping its worker (which is replaced), a job waiting too long for a free worker, and nothing left after close."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from chiplet_kg.server.pool import WorkerPool

from .servers import children


def _job(job):
    """What a worker runs: ``("echo", x)``, ``("sleep", s)``, ``("eat", mib)`` or ``("fail", text)``."""
    kind, arg = job
    if kind == "echo":
        return (arg, os.getpid())
    if kind == "sleep":
        time.sleep(arg)
        return "slept"
    if kind == "eat":
        return len(bytearray(arg << 20))
    raise ValueError(arg)




@pytest.fixture
def pool():
    pool = WorkerPool(_job, size=2, timeout=2.0, memory_mb=200, wait=0.5)
    pool.start()
    yield pool
    pool.close()


def test_jobs_run_in_the_workers(pool):
    assert pool.zygote_pid in children(os.getpid())
    assert children(pool.zygote_pid) == pool.pids() and len(pool.pids()) == 2
    outcomes = [pool.run(("echo", i)) for i in range(6)]
    assert [o.kind for o in outcomes] == ["ok"] * 6
    assert [o.reply[0] for o in outcomes] == list(range(6))
    assert {o.reply[1] for o in outcomes} <= set(pool.pids()), "answered by the workers, not by this process"
    failed = pool.run(("fail", "bad input"))
    assert failed.kind == "error" and "ValueError: bad input" in failed.reply


def test_a_job_past_the_timeout_is_stopped_and_its_worker_replaced(pool):
    before = pool.pids()
    assert pool.run(("sleep", 30)).kind == "timeout"
    after = pool.pids()
    assert len(after) == 2 and len(set(before) & set(after)) == 1
    assert children(pool.zygote_pid) == after, "the stopped worker was reaped, the new one is there"
    assert pool.run(("echo", "again")).kind == "ok"


def test_a_job_past_the_memory_limit_gets_a_new_worker(pool):
    before = pool.pids()
    assert pool.run(("eat", 1024)).kind == "memory"
    assert pool.run(("eat", 20)).reply == 20 << 20, "a smaller allocation fits"
    after = pool.pids()
    assert len(after) == 2 and after != before


def test_a_job_that_finds_no_free_worker_is_busy(pool):
    sleepers = [threading.Thread(target=pool.run, args=(("sleep", 1.5),)) for _ in range(2)]
    for t in sleepers:
        t.start()
    while any(t.is_alive() for t in sleepers) and pool._idle.qsize():
        time.sleep(0.01)  # until both workers have taken a sleeper
    outcome = pool.run(("echo", "late"))
    for t in sleepers:
        t.join()
    assert outcome.kind == "busy"
    assert pool.run(("echo", "now")).kind == "ok"


def test_close_leaves_no_process():
    pool = WorkerPool(_job, size=3, timeout=5.0)
    pool.start()
    zygote, workers = pool.zygote_pid, pool.pids()
    assert len(workers) == 3
    pool.close()
    assert zygote not in children(os.getpid())
    assert [pid for pid in workers + [zygote] if Path(f"/proc/{pid}").exists()] == [], "killed and reaped"

"""Timing for the benchmarks: one task in a forked child, a command's wall time, and a process tree's peak memory."""

from __future__ import annotations

import multiprocessing
import os
import resource
import statistics
import subprocess
import threading
import time
from pathlib import Path

__all__ = ["REPEAT_UNDER", "timed", "peak_rss_mb", "measure_command", "median_wall"]

#: A run that takes longer than this is not repeated (the timing is then one run, not the best of several).
REPEAT_UNDER = 5.0
#: How often the process tree's memory is sampled while a command runs (seconds).
SAMPLE_EVERY = 0.1


def _child(conn, fn, repeat):  # runs in the forked child
    try:
        total = 0.0
        for _ in range(repeat):
            start = time.perf_counter()
            rows = fn()
            took = time.perf_counter() - start
            total += took
            conn.send(("time", took, rows))
            if took > REPEAT_UNDER or total > 2 * REPEAT_UNDER:
                break
        conn.send(("done", None, None))
    except BaseException as err:  # noqa: BLE001 - hand every failure back
        conn.send(("error", f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}", None))
    finally:
        conn.close()
        os._exit(0)


def timed(fn, limit: float, repeat: int) -> dict:
    """Best of up to ``repeat`` runs of ``fn`` (fewer when a run is slow), in a forked child killed after ``limit`` s."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, repeat), daemon=True)
    proc.start()
    child.close()
    times, rows, status, error = [], None, "ok", ""
    try:
        while True:
            if not parent.poll(limit):
                status = "timeout"
                break
            try:
                what, value, n = parent.recv()
            except EOFError:
                status, error = "error", "the child ended without an answer (out of memory?)"
                break
            if what == "time":
                times.append(value)
                rows = n
            elif what == "error":
                status, error = "error", value
                break
            else:
                break
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(10)
        parent.close()
    if times and status == "timeout":
        status = "ok"   # a repetition ran over; the runs that finished count
    return {"status": status, "best": min(times) if times else None, "runs": len(times), "rows": rows,
            "error": error}


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _tree_rss_kib(root: int) -> int:
    """Resident memory of ``root`` and all its descendants now, in KiB (read from /proc; 0 where it is not there)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name may hold spaces and parentheses: the parent pid is the second field after the last ')'.
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(parents.get(pid, ()))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            pass
    return total


def measure_command(cmd: list[str], *, timeout: float, env: dict | None = None, cwd: str | Path | None = None) -> dict:
    """Run ``cmd`` once: wall time, exit code, and the peak memory of the process and its children.

    Two memory figures: ``tree_peak_mb``, the largest sum of resident memory over the whole process tree seen while
    sampling every 0.1 s (the child and, say, the Java process it starts for HermiT, at the same moment), and
    ``maxrss_mb``, the kernel's peak of the largest single process of the tree (``wait4``'s ``ru_maxrss``, which
    covers the child's own waited-for children). A command still running after ``timeout`` s is killed
    (``status`` ``"timeout"``).
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    tree_peak, status, rusage, code = 0, "ok", None, None
    stderr_file = proc.stderr
    # Read stderr in the background so that a chatty command cannot fill the pipe and stall.

    err_chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: err_chunks.append(stderr_file.read()), daemon=True)
    reader.start()
    while True:
        pid, wait_status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            code, rusage = os.waitstatus_to_exitcode(wait_status), usage
            proc.returncode = code
            break
        tree_peak = max(tree_peak, _tree_rss_kib(proc.pid))
        if time.perf_counter() - start > timeout:
            status = "timeout"
            os.killpg(proc.pid, 9)
            _, wait_status, rusage = os.wait4(proc.pid, 0)
            proc.returncode = code = os.waitstatus_to_exitcode(wait_status)
            break
        time.sleep(SAMPLE_EVERY)
    wall = time.perf_counter() - start
    reader.join(10)
    stderr = b"".join(err_chunks).decode(errors="replace").strip()
    if status == "ok" and code != 0:
        status = "error"
    return {"status": status, "wall": wall, "exit": code, "tree_peak_mb": tree_peak / 1024,
            "maxrss_mb": rusage.ru_maxrss / 1024 if rusage else None,
            "error": stderr.splitlines()[-1][:300] if status == "error" and stderr else ""}


def median_wall(cmd: list[str], runs: int, *, timeout: float, env: dict | None = None,
                cwd: str | Path | None = None) -> dict:
    """Median wall time of ``runs`` runs of ``cmd`` (each measured by :func:`measure_command`); stops at a failure."""
    results = []
    for _ in range(max(1, runs)):
        got = measure_command(cmd, timeout=timeout, env=env, cwd=cwd)
        results.append(got)
        if got["status"] != "ok":
            return got | {"runs": len(results)}
    return {"status": "ok", "wall": statistics.median(r["wall"] for r in results), "runs": len(results),
            "exit": 0, "tree_peak_mb": max(r["tree_peak_mb"] for r in results),
            "maxrss_mb": max(r["maxrss_mb"] or 0 for r in results), "error": ""}

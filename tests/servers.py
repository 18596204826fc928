"""Real servers for tests, on 127.0.0.1 only: an Oxigraph SPARQL server or ``chiplet-kg serve``, started and stopped
by the test."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, seconds: float, what: str, log=lambda: "") -> None:
    """Poll ``url`` until it answers; raise, with the server's log, if ``proc`` dies or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start: {log()}") from None
            time.sleep(0.2)


def children(pid: int, *, with_state: bool = False) -> list:
    """The process ids whose parent is ``pid`` (read from /proc), sorted; with ``with_state``, ``(pid, state)``
    pairs (state ``Z``: a zombie, not reaped)."""
    from pathlib import Path

    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append((int(entry.name), fields[0]) if with_state else int(entry.name))
    return sorted(kids)


def stop(proc: subprocess.Popen) -> None:
    """Ask a server process to stop; kill it if it has not within 10 s."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@contextmanager
def oxigraph_server(tmp_path, *, union_default_graph: bool = False):
    """Start ``oxigraph serve`` (from the PyPI package ``oxigraph``) on a free loopback port; yield its base URL."""
    binary = shutil.which("oxigraph")
    assert binary, "the 'oxigraph' command (PyPI package oxigraph, a test dependency) is not installed"
    port = free_port()
    args = [binary, "serve", "--location", str(tmp_path / "oxigraph-db"), "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        args.append("--union-default-graph")
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/query?query=ASK%7B%7D", proc, 30, "oxigraph server",
                      lambda: proc.stderr.read().decode(errors="replace"))
        yield base
    finally:
        stop(proc)


@contextmanager
def chiplet_kg_server(log_dir, *args: str):
    """Start ``chiplet-kg serve ARGS`` as a real process on a free loopback port; yield ``(base URL, process)``.

    Its stderr goes to ``log_dir/serve.log``, shown if it does not come up within 120 s.
    """
    port = free_port()
    log = Path(log_dir) / "serve.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "chiplet_kg.cli.main", "serve", "--host", "127.0.0.1",
                                 "--port", str(port), *args], stdout=subprocess.DEVNULL, stderr=err,
                                env={**os.environ, "PYTHONWARNINGS": "ignore"})
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(f"{base}/queries", proc, 120, "chiplet-kg serve", lambda: log.read_text(errors="replace"))
            yield base, proc
        finally:
            stop(proc)


def upload_ntriples(base: str, data: bytes) -> None:
    """Put N-Triples into the server's default graph (SPARQL 1.1 Graph Store Protocol)."""
    req = urllib.request.Request(f"{base}/store?default", data=data, method="POST",
                                 headers={"Content-Type": "application/n-triples"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        assert resp.status in (200, 201, 204)

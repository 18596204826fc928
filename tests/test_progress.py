"""Progress bars: drawn on stderr for a person at a terminal, never into a pipe (scripts, CI logs, tests)."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys

import pytest

from chiplet_kg.progress import NO_PROGRESS_ENV, CountingReader, enabled

# Loads a big --data file (over the loading bar's threshold), then runs the build's and the upload's bars.
SCRIPT = r"""
import sys
from chiplet_kg import ChipletKG
from chiplet_kg.progress import steps
from chiplet_kg.push import _progress

kg = ChipletKG(builtin=False, data=(sys.argv[1],))
print("loaded", len(kg))
with steps("build", 3, min_total=0) as advance:
    for stage in ("validating", "reasoning", "writing"):
        advance(1, stage)
bar = _progress(10 ** 9, None)
print("upload bar", bar is not None)
"""


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """An N-Triples file of about 10 MB (the loading bar starts at 8 MB)."""
    path = tmp_path_factory.mktemp("progress") / "big.nt"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(110_000):
            fh.write(f'<https://example.org/p/s{i}> <https://example.org/p/label> "a label long enough {i:08d}" .\n')
    assert path.stat().st_size > 8 * 1024 * 1024
    return path


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", NO_PROGRESS_ENV)}
    env.update({"TERM": "xterm-256color", "COLUMNS": "100", "PYTHONWARNINGS": "ignore"}, **extra)
    return env


def _run_on_a_terminal(args, env) -> tuple[str, bytes]:
    """Run with stderr on a pseudo-terminal; returns stdout (a pipe) and everything written to the terminal."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out = proc.stdout.read().decode()
    proc.wait(60)
    os.close(master)
    return out, seen


def test_bars_are_drawn_on_a_terminal(big_file):
    """At a terminal the loading, build and upload bars appear on stderr; stdout holds only the output."""
    out, terminal = _run_on_a_terminal([sys.executable, "-c", SCRIPT, str(big_file)], _env())
    assert out == "loaded 110000\nupload bar True\n"
    text = terminal.decode("utf-8", errors="replace")
    assert "loading big.nt" in text
    assert "build: validating" in text or "build: reasoning" in text or "build: writing" in text
    assert "━" in text  # rich's bar
    assert "\x1b[" in text  # drawn and erased with terminal control codes


def test_no_bars_into_a_pipe(big_file):
    """Into a pipe (a script, a CI log) nothing but the output is written: stderr stays empty."""
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(big_file)], capture_output=True, text=True, env=_env(),
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "loaded 110000\nupload bar False\n"
    assert done.stderr == ""


def test_switched_off_at_a_terminal(big_file):
    """CHIPLET_KG_NO_PROGRESS (or CI) hides the bars even at a terminal."""
    for extra in ({NO_PROGRESS_ENV: "1"}, {"CI": "true"}):
        out, terminal = _run_on_a_terminal([sys.executable, "-c", SCRIPT, str(big_file)], _env(**extra))
        assert out == "loaded 110000\nupload bar False\n"
        assert b"loading" not in terminal and b"\x1b[" not in terminal


def test_small_loads_draw_nothing_even_at_a_terminal(tmp_path):
    """The shipped graph loads in well under a second: no bar flickers for it."""
    script = "from chiplet_kg import ChipletKG; print(len(ChipletKG()) > 1000)"
    out, terminal = _run_on_a_terminal([sys.executable, "-c", script], _env())
    assert out == "True\n" and terminal == b""


def test_enabled_only_for_terminals(monkeypatch):
    """A StringIO, a closed stream or a pipe is no terminal."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(NO_PROGRESS_ENV, raising=False)
    assert not enabled(io.StringIO())
    closed = io.StringIO()
    closed.close()
    assert not enabled(closed)
    r, w = os.pipe()
    with os.fdopen(w, "w") as pipe:
        assert not enabled(pipe)
    os.close(r)


def test_counting_reader_reports_every_byte(big_file):
    """The reader behind the loading bar reports exactly the file's size, and pyoxigraph reads through it."""
    import pyoxigraph as ox

    seen = []
    with big_file.open("rb") as raw:
        store = ox.Store()
        store.load(CountingReader(raw, seen.append), format=ox.RdfFormat.N_TRIPLES)
    assert sum(seen) == big_file.stat().st_size and len(seen) > 1
    assert len(store) == 110_000

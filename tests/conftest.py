"""Shared fixtures: the shipped graph and its network projection, one headless Chromium, and the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from chiplet_kg import ChipletKG
from chiplet_kg.kg import project_root

DATA = Path(__file__).parent / "data"
ROOT = project_root()
SEED = ROOT.parent / "shared" / "seed"


@pytest.fixture(scope="session")
def kg() -> ChipletKG:
    """The shipped graph as its files assert it (``reason=False``); a test of the reasoned default loads its own."""
    return ChipletKG(reason=False)


@pytest.fixture(scope="session")
def projection(kg):
    """The network projection of the shipped graph (``chiplet_kg.network.project``), made once: do not change it."""
    from chiplet_kg.network import project

    return project(kg)


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One headless Chromium (tests/browser.py) for the session; each test starts from its own page."""
    from .browser import start_chromium

    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


class CommandLine:
    """The ``chiplet-kg`` command through its real entry point: in this process (click's runner) or in a new one."""

    #: A new process runs the console script's own module, as ``chiplet-kg`` would.
    ENTRY = [sys.executable, "-m", "chiplet_kg.cli.main"]

    def invoke(self, args: list[str], input: str | None = None):
        """Run ``chiplet-kg ARGS`` in this process; returns click's ``Result`` (exit_code, output, stderr)."""
        from click.testing import CliRunner

        from chiplet_kg.cli import cli

        return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=True)

    def run(self, args: list[str], *, env: dict | None = None, timeout: float = 600, cwd=None,
            input: str | None = None) -> subprocess.CompletedProcess:
        """Run ``chiplet-kg ARGS`` as a real process (text output captured); ``env`` adds to this one's."""
        return subprocess.run(self.ENTRY + [str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                              cwd=cwd, input=input, env={**os.environ, **(env or {})})


@pytest.fixture(scope="session")
def cli() -> CommandLine:
    """The command line: ``cli.invoke(args)`` in this process, ``cli.run(args)`` as a real process."""
    return CommandLine()


@pytest.fixture(scope="session")
def paper_text() -> str:
    """The seed paper with all white space removed (quotes are compared the same way)."""
    files = sorted(SEED.glob("*.txt"))
    assert files, f"the seed paper is expected in {SEED}"
    return re.sub(r"\s+", "", files[0].read_text(encoding="utf-8"))


def fixture_header(path: Path) -> dict[str, str]:
    """The ``# key: value`` lines at the top of a test fixture."""
    header = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        m = re.match(r"#\s*([\w-]+):\s*(.+)", line)
        if not m:
            break
        header[m.group(1)] = m.group(2).strip()
    return header

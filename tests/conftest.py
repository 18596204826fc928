"""Shared fixtures: the shipped graph loaded once per session, and named IRIs."""

from __future__ import annotations

import re
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

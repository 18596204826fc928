"""Where the real ETO Chip Explorer copy is, and the skip marker for tests that need it (no tests here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import ROOT

__all__ = ["ETO_DIR", "NO_COPY", "needs_copy", "have_copy"]

#: The dataset's data/ folder: $CHIPLET_KG_ETO_DIR, else ../shared/data/eto-chip-explorer beside the checkout.
ETO_DIR = Path(os.environ.get("CHIPLET_KG_ETO_DIR") or ROOT.parent / "shared" / "data" / "eto-chip-explorer")
NO_COPY = (f"the ETO Chip Explorer dataset is not at {ETO_DIR} (CC BY-NC 4.0, so the project does not ship it): "
           "download its data/ folder and set CHIPLET_KG_ETO_DIR to run these tests")


def have_copy() -> bool:
    """Whether the real copy is there (its provision.csv, the file every real-data test reads)."""
    return (ETO_DIR / "provision.csv").is_file()


needs_copy = pytest.mark.skipif(not have_copy(), reason=NO_COPY)

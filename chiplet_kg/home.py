"""Where the project's files are: the folder holding ``ontology/``, ``graph_data/`` and ``queries/``."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError

__all__ = ["project_root"]


def project_root() -> Path:
    """The folder holding ``ontology/`` and ``graph_data/``: ``$CHIPLET_KG_HOME`` or the checkout."""
    env = os.environ.get("CHIPLET_KG_HOME")
    root = Path(env) if env else Path(__file__).resolve().parent.parent
    if not (root / "ontology").is_dir():
        raise InputError(f"cannot find the ontology folder under {root}; set CHIPLET_KG_HOME to the project folder")
    return root

"""Defaults shared by the Python API and the command line, so that both give the same answers."""

from __future__ import annotations

__all__ = ["REASON_DEFAULT"]

#: Whether a graph is reasoned over unless the caller says otherwise: ``ChipletKG()`` and every ``chiplet-kg``
#: command that reads the graph (``--no-reason`` turns it off there, ``ChipletKG(reason=False)`` here). The
#: inferred triples (HermiT's class memberships and property assertions, and the closed-world classes such as
#: unaddressed dependencies) are part of every answer by default; the reasoner's cache makes this cheap after the
#: first run.
REASON_DEFAULT = True

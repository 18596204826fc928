"""Analyses over the network projection: chokepoints, gaps, paths and what-if; each returns rows.

The ``*_table`` functions are what ``chiplet-kg analyze …`` prints: ``(columns, rows)`` for the projection
``g`` (:func:`chiplet_kg.network.project`), with the rules that tie the options together.
"""

from __future__ import annotations

from ..errors import UsageError

__all__ = ["CHOKEPOINT_ORDERS", "chokepoints_table", "gaps_table", "paths_table", "whatif_table"]

#: How ``chokepoints_table`` ranks: by what depends on a candidate, or by measured provider shares.
CHOKEPOINT_ORDERS = ("dependents", "concentration")


def chokepoints_table(g, *, by: str = "dependents", level: str | None = None, lang: str = "en",
                      limit: int | None = None) -> tuple[list[str], list[dict]]:
    """Chokepoints ranked ``by`` dependents (:mod:`.chokepoints`) or by ``concentration`` of shares (:mod:`.shares`).

    Parameters
    ----------
    by : ``dependents`` or ``concentration`` (needs measured provider shares, e.g. ``--data eto.ttl``).
    level : with ``by="concentration"``: ``firm`` or ``country`` only (default: both, as separate rows).

    Raises
    ------
    UsageError
        ``level`` without ``by="concentration"``; ``concentration`` on a graph without measured shares.

    Examples
    --------
    >>> from chiplet_kg import ChipletKG
    >>> from chiplet_kg.network import project
    >>> chokepoints_table(project(ChipletKG()), level="firm")
    Traceback (most recent call last):
    ...
    chiplet_kg.errors.UsageError: --level applies only to --by concentration
    """
    if by not in CHOKEPOINT_ORDERS:
        raise UsageError(f"--by must be one of {', '.join(CHOKEPOINT_ORDERS)}, not {by!r}")
    if level is not None and by != "concentration":
        raise UsageError("--level applies only to --by concentration")
    if by == "concentration":
        from .shares import CONCENTRATION_COLUMNS, concentration

        if not g.graph.get("provisions"):
            raise UsageError("--by concentration needs measured provider shares, and the graph has none: import "
                             "them (chiplet-kg import eto DIR -o eto.ttl) and add --data eto.ttl")
        return list(CONCENTRATION_COLUMNS), concentration(g, level=level, lang=lang, limit=limit)
    from .chokepoints import CHOKEPOINT_COLUMNS, chokepoints

    return list(CHOKEPOINT_COLUMNS), chokepoints(g, lang=lang, limit=limit)


def gaps_table(g, *, lang: str = "en", direct_only: bool = False, kg=None) -> tuple[list[str], list[dict]]:
    """Unaddressed dependencies and bottlenecks, idle policies (:mod:`.gaps`), with measured shares when present.

    With ``kg`` the unaddressed items come from the named query run on its store, and a gap whose recorded
    suppliers are all foreign says so.
    """
    from .gaps import GAP_COLUMNS, gaps
    from .shares import share_columns

    return list(share_columns(g, GAP_COLUMNS)), gaps(g, lang=lang, indirect=not direct_only, kg=kg)


def paths_table(g, source: str, target: str, *, max_len: int = 4, limit: int = 20, directed: bool = False,
                lang: str = "en") -> tuple[list[str], list[dict]]:
    """The shortest paths from node ``source`` to node ``target`` (:mod:`.paths`)."""
    from .paths import PATH_COLUMNS, paths

    return list(PATH_COLUMNS), paths(g, source, target, max_len=max_len, limit=limit, directed=directed, lang=lang)


def whatif_table(g, nodes, *, threshold: float = 100.0, lang: str = "en") -> tuple[list[str], list[dict]]:
    """What is cut off, weakened and blocked when ``nodes`` are removed (:mod:`.whatif`).

    Raises
    ------
    UsageError
        No node to remove.
    """
    from .whatif import WHATIF_COLUMNS, whatif

    nodes = list(dict.fromkeys(nodes))
    if not nodes:
        raise UsageError("name at least one entity to remove (--remove ENTITY)")
    return list(WHATIF_COLUMNS), whatif(g, nodes, threshold=threshold, lang=lang)

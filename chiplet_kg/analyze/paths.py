"""Paths: how two entities are connected, each step with its relation, direction, source and evidence."""

from __future__ import annotations

from itertools import islice

from ..errors import UsageError
from ..network import edge_label, node_label

__all__ = ["paths", "find_paths", "PATH_COLUMNS"]

PATH_COLUMNS = ["path", "step", "from", "relation", "to", "source", "evidence"]


def find_paths(g, source: str, target: str, *, max_len: int = 4, limit: int = 20,
               directed: bool = False) -> list[list[tuple[str, str, str]]]:
    """The shortest simple paths from ``source`` to ``target``, shortest first.

    Each path is a list of steps ``(u, predicate, v)`` as the edge is stated in the graph (so a step may run
    against the direction of travel when ``directed`` is false). Parallel relations between the same two nodes
    make separate paths.

    Parameters
    ----------
    g : the projection.
    source, target : node ids.
    max_len : the longest path, in steps.
    limit : at most this many paths.
    directed : follow edges only in their stated direction.
    """
    import networkx as nx

    for node in (source, target):
        if node not in g:
            raise UsageError(f"'{node}' is not an entity of the graph")
    if max_len < 1:
        raise UsageError(f"--max-len must be at least 1, not {max_len}")
    if source == target:
        raise UsageError("--from and --to name the same entity")
    simple = nx.DiGraph() if directed else nx.Graph()
    simple.add_nodes_from(g.nodes)
    relations: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for u, v, key, data in g.edges(keys=True, data=True):
        pred = data.get("predicate", key)
        simple.add_edge(u, v)
        relations.setdefault((u, v), []).append((u, pred, v))
        if not directed:
            relations.setdefault((v, u), []).append((u, pred, v))
    found: list[list[tuple[str, str, str]]] = []
    try:
        node_paths = nx.shortest_simple_paths(simple, source, target)
        for nodes in node_paths:
            if len(nodes) - 1 > max_len:
                break
            expanded: list[list[tuple[str, str, str]]] = [[]]
            for a, b in zip(nodes, nodes[1:]):
                steps = sorted(set(relations[(a, b)]))
                expanded = [prefix + [step] for prefix in expanded for step in steps]
            found.extend(expanded)
            if len(found) >= limit:
                break
    except nx.NetworkXNoPath:
        pass
    return list(islice(found, limit))


def paths(g, source: str, target: str, *, max_len: int = 4, limit: int = 20, directed: bool = False,
          lang: str = "en") -> list[dict]:
    """The paths between two entities as rows, one row per step.

    Parameters
    ----------
    g : the projection (``chiplet_kg.network.project``).
    source, target : node ids (IRIs).
    max_len : the longest path, in steps (default 4).
    limit : at most this many paths (default 20).
    directed : follow relations only in their stated direction.
    lang : ``en`` or ``zh``.

    Returns
    -------
    list of dict
        Rows with the keys in ``PATH_COLUMNS``: the path's number, the step's number, the step's two ends in the
        order of travel, the relation (``←`` marks a relation stated from the later node to the earlier one),
        and the relation's sources and evidence.

    Examples
    --------
    >>> from chiplet_kg import ChipletKG, CKGD
    >>> from chiplet_kg.network import project
    >>> rows = paths(project(ChipletKG()), str(CKGD.InstrumentSpecialFund), str(CKGD.Chiplet), max_len=2)
    >>> sorted({r["to"] for r in rows if r["step"] == 1})
    ['advanced process equipment', 'high-end EDA tools', 'key materials']
    >>> rows[1]["relation"]
    '← depends on'
    """
    rows = []
    for number, path in enumerate(find_paths(g, source, target, max_len=max_len, limit=limit, directed=directed), 1):
        at = source
        for step, (u, pred, v) in enumerate(path, 1):
            data = g.edges[u, v, pred]
            forward = u == at
            nxt = v if forward else u
            rows.append({
                "path": number, "step": step,
                "from": node_label(g, at, lang), "relation": ("" if forward else "← ") + edge_label(data, lang),
                "to": node_label(g, nxt, lang),
                "source": "; ".join(data.get("source", [])) or ("(inferred)" if data.get("inferred") else ""),
                "evidence": " / ".join(data.get("evidence", [])),
                "predicate": pred, "from_id": g.nodes[at].get("qname", at), "to_id": g.nodes[nxt].get("qname", nxt),
            })
            at = nxt
    if not rows:
        from ..diagnose import warn_if_empty

        for node in (source, target):  # an end with no relation at all explains why there is no path
            if warn_if_empty(g, rows, what="analyze paths", focus=node):
                break
    return rows

"""Chokepoints: supply-chain items, suppliers and countries ranked by what depends on them and how concentrated they are."""

from __future__ import annotations

from ._model import BASED_IN, COUNTRY, IS_TYPE_OF, ITEM, NEEDS, SUPPLIED_BY, Model, join, t

__all__ = ["chokepoints", "supply_network", "betweenness", "separations", "CHOKEPOINT_COLUMNS", "SAMPLE_ABOVE", "SAMPLE_K"]

#: Above this many nodes in the supply network, betweenness is estimated from ``SAMPLE_K`` source nodes (networkx's
#: ``k``, with a fixed seed, so a run repeats exactly): exact betweenness grows with nodes × edges.
SAMPLE_ABOVE = 1000
SAMPLE_K = 300

CHOKEPOINT_COLUMNS = ["rank", "id", "entity", "class", "technologies", "applications", "goals", "betweenness",
                      "articulation", "concentration", "why", "source"]


def supply_network(g, m: Model | None = None):
    """The dependency chain as a directed graph: needer → needed → (kind ↔ kind-of) → supplier → country.

    Kinds point to what they are a kind of (a kind of a technology needs what it needs; a kind of an item without
    suppliers of its own is supplied as its kind-of is).
    """
    import networkx as nx

    m = m or Model.of(g)
    s = nx.DiGraph()
    for pred in NEEDS:
        for u, vs in m.out[pred].items():
            s.add_edges_from((u, v) for v in vs)
    for u, vs in m.out[IS_TYPE_OF].items():
        for v in vs:
            if m.is_(u, ITEM) or m.is_(v, ITEM) or s.has_node(u) or s.has_node(v):
                s.add_edge(u, v)
    for item, orgs in m.out[SUPPLIED_BY].items():
        s.add_edges_from((item, o) for o in orgs)
    for org in [n for n in s.nodes if m.is_(n, "ckg:Organisation")]:
        s.add_edges_from((org, c) for c in m.countries(org))
    return s


def separations(und) -> dict:
    """For every articulation point of the undirected graph ``und``: the pieces its component falls into without
    it, as lists of nodes, the piece on the side of the depth-first root last. One iterative depth-first search
    (Hopcroft–Tarjan), so all articulation points cost O(nodes + edges) plus the size of the pieces."""
    disc: dict = {}
    low: dict = {}
    parent: dict = {}
    size: dict = {}
    order: list = []
    pieces: dict = {}
    for root in und:
        if root in disc:
            continue
        start = len(order)
        disc[root] = low[root] = start
        order.append(root)
        parent[root] = None
        separated: dict = {}
        stack = [(root, iter(und[root]))]
        while stack:
            v, neighbours = stack[-1]
            for w in neighbours:
                if w not in disc:
                    parent[w] = v
                    disc[w] = low[w] = len(order)
                    order.append(w)
                    stack.append((w, iter(und[w])))
                    break
                if w != parent[v] and disc[w] < low[v]:
                    low[v] = disc[w]
            else:
                stack.pop()
                size[v] = len(order) - disc[v]
                p = parent[v]
                if p is not None:
                    if low[v] < low[p]:
                        low[p] = low[v]
                    if low[v] >= disc[p]:
                        separated.setdefault(p, []).append(v)
        component = len(order) - start
        for a, children in separated.items():
            if a == root and len(children) < 2:
                continue
            parts = [order[disc[c]:disc[c] + size[c]] for c in children]
            rest = component - 1 - sum(len(p) for p in parts)
            if rest:
                inside = {n for p in parts for n in p}
                parts.append([n for n in order[start:start + component] if n != a and n not in inside])
            pieces[a] = parts
    return pieces


def _cut_offs(und, m: Model) -> dict[str, set[str]]:
    """What removing each articulation point of ``und`` cuts off from the rest of the supply network (beyond
    countries left on their own); articulation points that cut off nothing else are left out.

    Every piece of the point's component but the largest (the first of equal ones, in depth-first order) is cut
    off; a piece that holds only countries is a trivial split (a firm's home country) and does not count.
    """
    cuts: dict[str, set[str]] = {}
    for node, parts in separations(und).items():
        largest = max(range(len(parts)), key=lambda i: len(parts[i]))
        cut: set[str] = set()
        for i, piece in enumerate(parts):
            if i != largest and any(not m.is_(n, COUNTRY) for n in piece):
                cut.update(piece)
        if cut:
            cuts[node] = cut
    return cuts


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _total(reach: dict) -> int:
    return len(reach["technologies"]) + len(reach["domains"]) + len(reach["goals"])


def betweenness(supply) -> dict:
    """Normalised betweenness of each node of ``supply``: exact up to ``SAMPLE_ABOVE`` nodes, above that estimated
    from ``SAMPLE_K`` sources chosen with seed 0 (``networkx.betweenness_centrality(k=…, seed=0)``)."""
    import networkx as nx

    n = len(supply)
    if n <= 2:
        return {}
    if n <= SAMPLE_ABOVE:
        return nx.betweenness_centrality(supply, normalized=True)
    return nx.betweenness_centrality(supply, k=SAMPLE_K, normalized=True, seed=0)


def chokepoints(g, *, lang: str = "en", limit: int | None = None) -> list[dict]:
    """Rank supply-chain items, their suppliers and the suppliers' countries as chokepoints.

    For each candidate: how many technologies, application domains and roadmap goals depend on it (for a supplier,
    on the items it supplies; for a country, on the items its firms supply), its betweenness in the supply network
    (:func:`supply_network`), whether it is an articulation point there (removing it splits the network), and
    concentration: an item with a single supplier, or with all suppliers in one country; the sole supplier of an
    item; the only country an item comes from. Candidates with nothing depending on them and no concentration are
    left out. Ranked first by what depends on the concentrated items behind a candidate (those that would lose
    every supplier, or every supplier country, without it), then by what depends on it at all, then articulation
    points first, then by betweenness.

    Parameters
    ----------
    g : the projection (``chiplet_kg.network.project``).
    lang : ``en`` or ``zh``.
    limit : keep only the first ``limit`` rows.

    Returns
    -------
    list of dict
        One row per chokepoint with the keys in ``CHOKEPOINT_COLUMNS``, most depended-on first.

    Examples
    --------
    >>> from chiplet_kg import ChipletKG
    >>> from chiplet_kg.network import project
    >>> rows = chokepoints(project(ChipletKG()))
    >>> euv = next(r for r in rows if r["id"] == "ckgd:EUVLithography")
    >>> euv["concentration"]
    'single supplier: ASML Holding'
    """
    m = Model.of(g)
    supply = supply_network(g, m)
    between = betweenness(supply)
    articulation = _cut_offs(supply.to_undirected(), m)

    items = m.nodes(ITEM)
    suppliers = {item: m.suppliers(item) for item in items}
    served: dict[str, set[str]] = {}
    for item, (orgs, _) in suppliers.items():
        for org in orgs:
            served.setdefault(org, set()).add(item)
    countries: dict[str, set[str]] = {}
    for org in served:
        for c in m.countries(org):
            countries.setdefault(c, set()).update(served[org])

    def unnamed(item) -> bool:
        """Unnamed providers hold part of the item, or of the kind-of whose suppliers stand in for its own."""
        return m.dispersed(item) or any(m.dispersed(s) for s in suppliers[item][1])

    def item_concentration(item) -> tuple[str, list[str]]:
        orgs, inherited = suppliers[item]
        # Unnamed providers (an aggregate such as ETO's "Various companies") hold part of a dispersed item: it has
        # more suppliers than the named ones, in places the data does not say.
        if not orgs or unnamed(item):
            return "", []
        where = {c for o in orgs for c in m.countries(o)}
        named = join(m.labels(orgs, lang), lang)
        note = t(lang, f" (as {join(m.labels(inherited, lang), lang)})", f"（按{join(m.labels(inherited, lang), lang)}）") if inherited else ""
        if len(orgs) == 1:
            return t(lang, f"single supplier: {named}", f"唯一供应商：{named}") + note, sorted(orgs)
        if len(where) == 1 and all(m.countries(o) for o in orgs):
            c = m.label(next(iter(where)), lang)
            return t(lang, f"all {len(orgs)} suppliers in {c}", f"全部 {len(orgs)} 家供应商位于{c}") + note, sorted(orgs)
        return "", []

    def sole_items(org) -> list[str]:
        return sorted(i for i in served.get(org, ()) if suppliers[i][0] == {org} and not unnamed(i))

    def only_country_items(country) -> list[str]:
        out = []
        for item in countries.get(country, ()):
            orgs = suppliers[item][0]
            if orgs and not unnamed(item) and all(m.countries(o) for o in orgs) and {c for o in orgs for c in m.countries(o)} == {country}:
                out.append(item)
        return sorted(out)

    rows = []
    candidates = [(n, "item") for n in items] + [(n, "org") for n in sorted(served)] + \
        [(n, "country") for n in sorted(countries) if m.is_(n, COUNTRY)]
    for node, kind in candidates:
        if kind == "item":
            reach = m.reach({node})
            concentration, _ = item_concentration(node)
            orgs = suppliers[node][0]
            pairs = m.supply_edges(node, orgs) + [(u, p, node) for p in NEEDS for u in m.pred(node, p)]
            exclusive = reach if concentration else None
            detail = t(lang, f"suppliers: {join(m.labels(orgs, lang), lang)}", f"供应商：{join(m.labels(orgs, lang), lang)}") \
                if orgs else t(lang, "no supplier recorded", "未记录供应商")
        elif kind == "org":
            reach = m.reach(served[node])
            sole = sole_items(node)
            sole = [i for i in sole if _total(m.reach({i}))]
            exclusive = m.reach(set(sole)) if sole else None
            concentration = t(lang, f"sole supplier of {join(m.labels(sole, lang), lang)}",
                              f"{join(m.labels(sole, lang), lang)}的唯一供应商") if sole else ""
            pairs = [pair for i in sorted(served[node]) for pair in m.supply_edges(i, {node})]
            pairs += [(node, BASED_IN, c) for c in m.countries(node)]
            detail = t(lang, f"supplies {join(m.labels(served[node], lang), lang)}",
                       f"供应{join(m.labels(served[node], lang), lang)}")
        else:
            reach = m.reach(countries[node])
            only = [i for i in only_country_items(node) if _total(m.reach({i}))]
            exclusive = m.reach(set(only)) if only else None
            concentration = t(lang, f"only country supplying {join(m.labels(only, lang), lang)}",
                              f"{join(m.labels(only, lang), lang)}的唯一来源国") if only else ""
            firms = sorted(o for o in served if node in m.countries(o))
            pairs = [(o, BASED_IN, node) for o in firms]
            detail = t(lang, f"home of {join(m.labels(firms, lang), lang)}", f"{join(m.labels(firms, lang), lang)}的所在地")
        n_t, n_d, n_g = len(reach["technologies"]), len(reach["domains"]), len(reach["goals"])
        if not (n_t or n_d or n_g or concentration):
            continue
        is_art = node in articulation
        why = [t(lang, f"{_n(n_t, 'technology', 'technologies')}, {_n(n_d, 'application domain', 'application domains')}"
                 f" and {_n(n_g, 'roadmap goal', 'roadmap goals')} depend on it",
                 f"{n_t} 项技术、{n_d} 个应用领域和 {n_g} 个发展目标依赖它"), detail]
        if concentration:
            why.append(concentration)
        if is_art:
            cut = articulation[node]
            named = [n for n in cut if not m.is_(n, COUNTRY)]
            shown = join(m.labels(named, lang)[:4], lang) + ("…" if len(named) > 4 else "")
            why.append(t(lang, f"articulation point: removing it cuts off {shown}", f"割点：移除后{shown}与网络断开"))
        rows.append({
            "id": m.qname(node), "entity": m.label(node, lang), "class": m.cls(node, lang),
            "technologies": n_t, "applications": n_d, "goals": n_g,
            "betweenness": round(between.get(node, 0.0), 4),
            "articulation": t(lang, "yes", "是") if is_art else t(lang, "no", "否"),
            "concentration": concentration,
            "why": t(lang, "; ", "；").join(why),
            "source": "; ".join(m.edge_sources(pairs)),
            "_score": (n_t + n_d + n_g, _total(exclusive) if exclusive else 0, is_art, between.get(node, 0.0)),
        })
    rows.sort(key=lambda r: (-r["_score"][1], -r["_score"][0], not r["_score"][2], -r["_score"][3], r["entity"].casefold()))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
        del row["_score"]
    rows = [{k: row[k] for k in CHOKEPOINT_COLUMNS} for row in rows]
    if not rows:
        from ..diagnose import warn_if_empty

        warn_if_empty(g, rows, what="analyze chokepoints", classes=(ITEM,),
                      relations=(SUPPLIED_BY, "ckg:dependsOn", "ckg:usesTechnology", "ckg:goesInto"))
    return rows[:limit] if limit else rows

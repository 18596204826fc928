"""Which part of the projection each view shows, in which layers, with which marks."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..analyze._model import (CHALLENGE, COUNTRY, GOAL, ITEM, NEEDS, ORGANISATION, PARTS, POLICY, TECHNOLOGY,
                              Model)
from ..errors import UsageError

__all__ = ["ViewSpec", "select", "choose_view", "VIEW_NAMES", "VIEW_TITLES"]

VIEW_NAMES = ("overview", "policy-trace", "supply-chain", "roadmap", "focus", "whatif")

VIEW_TITLES = {
    "overview": ("Overview: the whole graph", "总览：整个图谱"),
    "policy-trace": ("Policy trace: policies → instruments → bottlenecks → items → suppliers → countries",
                     "政策追踪：政策类别 → 政策工具 → 瓶颈 → 供应链要素 → 供应商 → 国家或地区"),
    "supply-chain": ("Supply chain: technologies, the items they need, suppliers, countries and external measures",
                     "供应链：技术、所依赖的要素、供应商、国家或地区与外部措施"),
    "roadmap": ("Roadmap: phases → goals → what they target", "路线图：阶段 → 目标 → 指向对象"),
    "focus": ("Neighbourhood", "邻域"),
    "whatif": ("What if", "情景推演"),
}


@dataclass
class ViewSpec:
    """A view: the subgraph to draw, its layers (for a left-to-right layout) and marks on nodes."""

    name: str
    graph: object                                  # networkx.MultiDiGraph, a copy
    levels: dict[str, int] | None = None
    marks: dict[str, str] = field(default_factory=dict)
    subtitle: tuple[str, str] = ("", "")           # en, zh
    focus: str | None = None


def _subgraph(g, nodes, predicates=None):
    """The nodes and the edges among them (only ``predicates`` when given), as a new multi-digraph."""
    import networkx as nx

    nodes = set(nodes)
    sub = nx.MultiDiGraph()
    sub.graph.update(g.graph)
    sub.add_nodes_from((n, g.nodes[n]) for n in sorted(nodes))
    for u, v, k, d in g.edges(keys=True, data=True):
        if u in nodes and v in nodes and (predicates is None or d.get("predicate", k) in predicates):
            sub.add_edge(u, v, key=k, **d)
    return sub


def _overview(g, m: Model) -> ViewSpec:
    return ViewSpec("overview", _subgraph(g, g.nodes))


def _policy_trace(g, m: Model) -> ViewSpec:
    from ..analyze.gaps import ADDRESSES_NOTHING, NOT_ADDRESSED, gaps

    policies = set(m.nodes(POLICY))
    items = set(m.dependencies())
    for p in policies:
        items |= {x for x in m.succ(p, "ckg:addresses") if m.is_(x, ITEM)}
    challenges = {x for p in policies for x in m.succ(p, "ckg:addresses") if m.is_(x, CHALLENGE)}
    challenges |= {c for i in items for c in m.pred(i, "ckg:concerns")}
    items |= {i for c in challenges for i in m.succ(c, "ckg:concerns")}
    challenges |= {w for c in list(challenges) for w in m.pred(c, *PARTS) if m.is_(w, CHALLENGE)}
    # What an item is a kind of carries the suppliers of kinds without their own (high-end EDA → EDA tools).
    items |= {s for i in list(items) for s in m.supertypes(i) if m.is_(s, ITEM)}
    suppliers = {o for i in items for o in m.direct_suppliers(i)}
    countries = {c for o in suppliers for c in m.countries(o)}
    levels = {}
    for layer, group in enumerate(([p for p in policies if m.is_(p, "ckg:PolicyGroup")],
                                   [p for p in policies if not m.is_(p, "ckg:PolicyGroup")],
                                   challenges, items, suppliers, countries)):
        for n in group:
            levels.setdefault(n, layer)
    preds = {"ckg:hasInstrument", "ckg:addresses", "ckg:hasPart", "ckg:concerns", "ckg:isTypeOf",
             "ckg:suppliedBy", "ckg:basedIn"}
    sub = _subgraph(g, levels, preds)
    by_qname = {g.nodes[n].get("qname"): n for n in levels}
    marks = {}
    for row in gaps(g):
        node = by_qname.get(row["id"])
        if node is None or (row["status_code"] == ADDRESSES_NOTHING and m.is_(node, "ckg:PolicyInForce")):
            continue  # a programme in force is no idle proposal: the graph records what it promotes, not a target
        marks[node] = {NOT_ADDRESSED: "gap", ADDRESSES_NOTHING: "idle"}.get(row["status_code"], "indirect")
    return ViewSpec("policy-trace", sub, levels, marks)


def _supply_chain(g, m: Model) -> ViewSpec:
    items = set(m.nodes(ITEM))
    techs = {t for i in items for t in m.needers(i, with_kinds=False) if m.is_(t, TECHNOLOGY)}
    orgs = {o for i in items for o in m.succ(i, "ckg:suppliedBy", "ckg:developedBy")}
    measures = {x for n in items | orgs for x in m.pred(n, "ckg:restricts")}
    measures |= {w for x in list(measures) for w in m.pred(x, *PARTS)}
    countries = {c for o in orgs for c in m.countries(o)} | {c for x in measures for c in m.succ(x, "ckg:imposedBy")
                                                            if m.is_(c, COUNTRY)}
    nodes = items | techs | orgs | measures | countries
    preds = set(NEEDS) | {"ckg:isTypeOf", "ckg:suppliedBy", "ckg:developedBy", "ckg:basedIn", "ckg:restricts",
                          "ckg:imposedBy", "ckg:hasPart"}
    return ViewSpec("supply-chain", _subgraph(g, nodes, preds))


def _roadmap(g, m: Model) -> ViewSpec:
    levels: dict[str, int] = {}
    for r in m.nodes("ckg:Roadmap"):
        levels[r] = 0
    phases = {p for r in levels for p in m.succ(r, "ckg:hasPhase")} | set(m.nodes("ckg:RoadmapPhase"))
    for p in phases:
        levels.setdefault(p, 1)
    goals = {x for p in phases for x in m.succ(p, "ckg:hasGoal")} | set(m.nodes(GOAL))
    for x in goals:
        levels.setdefault(x, 2)
    for x in goals:
        for target in m.succ(x, "ckg:targets"):
            levels.setdefault(target, 3)
    preds = {"ckg:hasPhase", "ckg:precedes", "ckg:hasGoal", "ckg:targets"}
    return ViewSpec("roadmap", _subgraph(g, levels, preds), levels)


def _focus(g, m: Model, focus: str, depth: int) -> ViewSpec:
    if focus not in g:
        raise UsageError(f"'{focus}' is not an entity of the graph (only entities typed below ckg:Entity can be "
                         "focused on)")
    if depth < 1:
        raise UsageError(f"--depth must be at least 1, not {depth}")
    seen = {focus}
    frontier = {focus}
    for _ in range(depth):
        frontier = {nb for n in frontier for nb in set(g.successors(n)) | set(g.predecessors(n))} - seen
        seen |= frontier
    label = (m.label(focus, "en"), m.label(focus, "zh"))
    return ViewSpec("focus", _subgraph(g, seen), marks={focus: "focus"}, focus=focus,
                    subtitle=(f"{label[0]} — depth {depth}", f"{label[1]} — 深度 {depth}"))


def _whatif(g, m: Model, remove, threshold: float) -> ViewSpec:
    from ..analyze.whatif import simulate

    if not remove:
        raise UsageError("the whatif view needs --remove ENTITY (a country, an organisation or an item)")
    res = simulate(g, remove, threshold=threshold)
    marks: dict[str, str] = {}
    items = set(res.cut) | set(res.weakened)
    # Organisations that go with a removed country are drawn when they supply something the scenario touches.
    gone = {n for n, cause in res.removed.items() if n == cause}
    gone |= {o for o in res.removed if m.is_(o, ORGANISATION)
             and any(o in res_items[1] for res_items in list(res.cut.values()) + list(res.weakened.values()))}
    gone |= {c for o in gone for c in m.countries(o) if c in res.removed}
    remaining = {o for i in items for o in m.suppliers(i)[0]} - set(res.removed)
    countries = {c for o in remaining for c in m.countries(o)}
    through = {x for rows in res.policies.values() for _, x, _ in rows}
    inherited = {s for i in items for s in m.suppliers(i)[1]}
    nodes = gone | items | inherited | remaining | countries | set(res.blocked) | set(res.goals) \
        | set(res.applications) | set(res.policies) | through
    for n in nodes:
        if n in res.removed:
            marks[n] = "removed"
        elif res.status.get(n) == "at-risk" and (n in res.cut or n in res.blocked or n in res.goals):
            marks[n] = "at-risk"
        elif n in res.cut:
            marks[n] = "cut"
        elif n in res.weakened:
            marks[n] = "weakened"
        elif n in res.blocked or n in res.goals:
            marks[n] = "blocked"
        elif n in res.policies:
            marks[n] = "addressing"
    names_en = ", ".join(m.label(n, "en") for n in remove)
    names_zh = "、".join(m.label(n, "zh") for n in remove)
    limit = "" if threshold >= 100 else f" (threshold {threshold:g}%)"
    limit_zh = "" if threshold >= 100 else f"（阈值 {threshold:g}%）"
    return ViewSpec("whatif", _subgraph(g, nodes), marks=marks,
                    subtitle=(f"without {names_en}{limit}", f"移除{names_zh}{limit_zh}"))


def choose_view(view: str | None = None, *, focus: str | None = None, remove=()) -> str:
    """The view to draw: ``view`` when given, else ``focus`` with a focus entity, ``whatif`` with entities to
    remove, else ``overview``; a focus or a removal given with another view is refused.

    Examples
    --------
    >>> choose_view(), choose_view(focus="JCET"), choose_view("roadmap")
    ('overview', 'focus', 'roadmap')
    >>> choose_view("roadmap", remove=["Netherlands"])
    Traceback (most recent call last):
    ...
    chiplet_kg.errors.UsageError: --remove goes with --view whatif, not --view roadmap
    """
    from ..errors import UsageError

    view = view or ("focus" if focus else "whatif" if remove else "overview")
    if view not in VIEW_NAMES:
        raise UsageError(f"no view named {view!r}; the views are {', '.join(VIEW_NAMES)}")
    if focus and view != "focus":
        raise UsageError(f"--focus goes with --view focus, not --view {view}")
    if remove and view != "whatif":
        raise UsageError(f"--remove goes with --view whatif, not --view {view}")
    return view


def select(g, view: str, *, focus: str | None = None, depth: int = 1, remove=(), threshold: float = 100.0) -> ViewSpec:
    """The :class:`ViewSpec` of ``view`` (one of ``VIEW_NAMES``) over the projection ``g``.

    Raises
    ------
    UsageError
        An unknown view, or a missing or unknown ``focus`` / ``remove``.
    """
    m = Model.of(g)
    if view == "overview":
        return _overview(g, m)
    if view == "policy-trace":
        return _policy_trace(g, m)
    if view == "supply-chain":
        return _supply_chain(g, m)
    if view == "roadmap":
        return _roadmap(g, m)
    if view == "focus":
        if not focus:
            raise UsageError("the focus view needs --focus ENTITY")
        return _focus(g, m, focus, depth)
    if view == "whatif":
        return _whatif(g, m, list(remove), threshold)
    raise UsageError(f"unknown view '{view}'; views: {', '.join(VIEW_NAMES)}")

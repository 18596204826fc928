"""What-if: remove countries, organisations or items and see which items lose their suppliers and what is then blocked."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import UsageError
from ._model import (ADDRESSES, APPLIED_IN, APPLIES, BASED_IN, COUNTRY, DOMAIN, GOAL, IN_DOMAIN, IS_TYPE_OF, ITEM,
                     NEEDS, ORGANISATION, TARGETS, TECHNOLOGY, Model, join, t)

__all__ = ["whatif", "simulate", "WhatIf", "WHATIF_COLUMNS"]

WHATIF_COLUMNS = ["section", "id", "entity", "class", "why", "before", "after", "source"]

_SECTIONS = {
    "removed": ("removed", "移除"),
    "cut": ("item cut off", "断供要素"),
    "weakened": ("item weakened", "受削弱要素"),
    "blocked": ("blocked", "受阻"),
    "goal": ("blocked roadmap goal", "受阻发展目标"),
    "application": ("affected application", "受影响应用"),
    "policy": ("policy addressing it", "相关政策"),
    "count": ("before → after", "前 → 后"),
}


@dataclass
class WhatIf:
    """The outcome of removing some nodes; every field holds node ids of the projection."""

    remove: list[str]
    threshold: float
    removed: dict[str, str] = field(default_factory=dict)          # node → the removed node that takes it out
    cut: dict[str, tuple[set, set, list]] = field(default_factory=dict)   # item → (lost, suppliers, inherited_from)
    weakened: dict[str, tuple[set, set, list]] = field(default_factory=dict)
    blocked: dict[str, tuple[str, str]] = field(default_factory=dict)   # node → (how, because-of node)
    goals: dict[str, list[str]] = field(default_factory=dict)           # goal → blocked targets
    applications: dict[str, list[str]] = field(default_factory=dict)    # domain or application → blocked techs
    policies: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # policy → (item, through, how)
    counts: list[tuple[str, str, int, int]] = field(default_factory=list)  # (en, zh, before, after)

    @property
    def affected(self) -> set[str]:
        """Every node the scenario touches (removed, cut, weakened, blocked, goals, applications)."""
        return set(self.removed) | set(self.cut) | set(self.weakened) | set(self.blocked) | set(self.goals) \
            | set(self.applications)


def simulate(g, remove, *, threshold: float = 100.0) -> WhatIf:
    """Remove ``remove`` (node ids: countries, organisations or supply-chain items) and propagate.

    An organisation goes with its country. An item is *cut off* when at least ``threshold`` per cent of its
    suppliers are gone (100: all of them); an item without suppliers of its own is supplied as its nearest
    kind-of is (high-end EDA tools as EDA tools). Whatever needs (``dependsOn``, ``usesTechnology``) a cut-off or
    blocked node is *blocked*, and so are the kinds of a blocked technology; roadmap goals that target a blocked
    node are blocked; application domains and technology applications of blocked technologies are affected;
    policies that address a cut-off or blocked item (directly, through what it is a kind of, or through a
    challenge that concerns it) are listed.

    Raises
    ------
    UsageError
        A node is not in the projection, or is not a country, an organisation or a supply-chain item.
    """
    m = Model(g)
    if not 0 < threshold <= 100:
        raise UsageError(f"--threshold must be a percentage in (0, 100], not {threshold:g}")
    result = WhatIf(remove=list(remove), threshold=threshold)
    for node in remove:
        if node not in g:
            raise UsageError(f"'{node}' is not an entity of the graph")
        if not (m.is_(node, COUNTRY) or m.is_(node, ORGANISATION) or m.is_(node, ITEM)):
            raise UsageError(f"what-if removes countries, organisations or supply-chain items; "
                             f"{m.label(node)} ({m.qname(node)}) is of the class '{m.cls(node)}'")
        result.removed[node] = node
        if m.is_(node, COUNTRY):
            for org in m.pred(node, BASED_IN):
                result.removed.setdefault(org, node)
    gone_orgs = {n for n in result.removed if m.is_(n, ORGANISATION)}

    items = m.nodes(ITEM)
    for item in items:
        suppliers, inherited = m.suppliers(item)
        lost = suppliers & gone_orgs
        if item in result.removed:
            result.cut[item] = (suppliers, suppliers, inherited)
        elif suppliers and lost:
            share = 100.0 * len(lost) / len(suppliers)
            target = result.cut if share >= threshold - 1e-9 else result.weakened
            target[item] = (lost, suppliers, inherited)

    queue = list(result.cut)
    while queue:
        z = queue.pop(0)
        for u in m.pred(z, *NEEDS):
            if u not in result.blocked and u not in result.cut:
                result.blocked[u] = ("needs", z)
                queue.append(u)
        # A kind of a blocked technology needs what it needs; an item cut off for want of suppliers has already
        # passed that on to its kinds without suppliers of their own (they share its suppliers).
        if z in result.blocked or m.is_(z, TECHNOLOGY):
            for sub in m.pred(z, IS_TYPE_OF):
                if sub not in result.blocked and sub not in result.cut:
                    result.blocked[sub] = ("kind", z)
                    queue.append(sub)

    down = set(result.cut) | set(result.blocked)
    for node in sorted(down):
        for goal in m.pred(node, TARGETS):
            if m.is_(goal, GOAL):
                result.goals.setdefault(goal, []).append(node)
        if m.is_(node, TECHNOLOGY):
            for dom in m.succ(node, APPLIED_IN):
                result.applications.setdefault(dom, []).append(node)
            for app in m.pred(node, APPLIES):
                result.applications.setdefault(app, []).append(node)
                for dom in m.succ(app, IN_DOMAIN):
                    result.applications.setdefault(dom, []).append(node)

    for item in sorted(n for n in down if m.is_(n, ITEM)):
        for policy in m.addressers(item):
            result.policies.setdefault(policy, []).append((item, item, "direct"))
        for policy, through, how in m.item_addressed_via(item):
            result.policies.setdefault(policy, []).append((item, through, how))

    supplying = {o for i in items for o in m.suppliers(i)[0]}
    with_supplier = [i for i in items if m.suppliers(i)[0]]
    techs = m.nodes(TECHNOLOGY)
    goals = m.nodes(GOAL)
    domains_before = {d for tech in techs for d in _domains(m, tech)}
    domains_after = {d for tech in techs if tech not in down for d in _domains(m, tech)}
    result.counts = [
        ("organisations supplying an item", "供应要素的组织", len(supplying), len(supplying - gone_orgs)),
        ("items with a supplier", "有供应商的要素", len(with_supplier),
         sum(1 for i in with_supplier if m.suppliers(i)[0] - gone_orgs and i not in result.removed)),
        ("items not cut off", "未断供的要素", len(items), len(items) - len(result.cut)),
        ("technologies not blocked", "未受阻的技术", len(techs), len([x for x in techs if x not in down])),
        ("roadmap goals not blocked", "未受阻的发展目标", len(goals), len(goals) - len(result.goals)),
        ("application domains reached by an unblocked technology", "仍有未受阻技术的应用领域",
         len(domains_before), len(domains_after)),
    ]
    return result


def _domains(m: Model, tech: str) -> set[str]:
    found = set(m.succ(tech, APPLIED_IN))
    for app in m.pred(tech, APPLIES):
        found |= set(m.succ(app, IN_DOMAIN))
    return {d for d in found if m.is_(d, DOMAIN)}


def whatif(g, remove, *, threshold: float = 100.0, lang: str = "en") -> list[dict]:
    """The what-if scenario (:func:`simulate`) as rows.

    Parameters
    ----------
    g : the projection (``chiplet_kg.network.project``).
    remove : node ids (IRIs) of countries, organisations or supply-chain items.
    threshold : the share of its suppliers (per cent) an item must lose to count as cut off.
    lang : ``en`` or ``zh``.

    Returns
    -------
    list of dict
        Rows with the keys in ``WHATIF_COLUMNS`` (plus ``section_code``), in sections: removed, item cut off, item
        weakened, blocked, blocked roadmap goal, affected application, policy addressing it, before → after.

    Examples
    --------
    >>> from chiplet_kg import ChipletKG, CKGD
    >>> from chiplet_kg.network import project
    >>> rows = whatif(project(ChipletKG()), [str(CKGD.Netherlands)])
    >>> [r["id"] for r in rows if r["section_code"] == "cut"]
    ['ckgd:EUVLithography']
    """
    m = Model(g)
    res = simulate(g, remove, threshold=threshold)
    rows: list[dict] = []

    def row(section, node, why, source=(), before="", after=""):
        en, zh = _SECTIONS[section]
        rows.append({"section": t(lang, en, zh), "section_code": section, "id": m.qname(node) if node else "",
                     "entity": m.label(node, lang) if node else "", "class": m.cls(node, lang) if node else "",
                     "why": why, "before": before, "after": after, "source": "; ".join(source)})

    by_label = lambda nodes: sorted(nodes, key=lambda n: m.label(n, lang).casefold())  # noqa: E731
    for node in by_label(res.removed):
        cause = res.removed[node]
        if cause == node:
            row("removed", node, t(lang, "removed in this scenario", "本情景中移除"))
        else:
            row("removed", node, t(lang, f"based in {m.label(cause, lang)}", f"总部位于{m.label(cause, lang)}"),
                m.edge_sources([(node, BASED_IN, cause)]))
    for section, table in (("cut", res.cut), ("weakened", res.weakened)):
        for item in by_label(table):
            lost, suppliers, inherited = table[item]
            if item in res.removed:
                row(section, item, t(lang, "removed in this scenario", "本情景中移除"), before=len(suppliers), after=0)
                continue
            left = suppliers - lost
            why = t(lang, f"loses {len(lost)} of {len(suppliers)} suppliers: {join(m.labels(lost, lang), lang)}",
                    f"失去 {len(suppliers)} 家供应商中的 {len(lost)} 家：{join(m.labels(lost, lang), lang)}")
            if left:
                why += t(lang, f"; left: {join(m.labels(left, lang), lang)}", f"；剩余：{join(m.labels(left, lang), lang)}")
            if inherited:
                why += t(lang, f" (supplied as {join(m.labels(inherited, lang), lang)})",
                         f"（按{join(m.labels(inherited, lang), lang)}的供应商计）")
            row(section, item, why, m.edge_sources(m.supply_edges(item, lost)), len(suppliers), len(left))
    for node in by_label(res.blocked):
        how, because = res.blocked[node]
        if how == "needs":
            pred = next((p for p in NEEDS if m.edge(node, p, because)), NEEDS[0])
            why = t(lang, f"needs {m.label(because, lang)}", f"依赖{m.label(because, lang)}")
            src = m.edge_sources([(node, pred, because)])
        else:
            why = t(lang, f"a kind of {m.label(because, lang)}", f"属于{m.label(because, lang)}")
            src = m.edge_sources([(node, IS_TYPE_OF, because)])
        row("blocked", node, why, src)
    for goal in by_label(res.goals):
        targets = res.goals[goal]
        row("goal", goal, t(lang, f"targets {join(m.labels(targets, lang), lang)}", f"指向{join(m.labels(targets, lang), lang)}"),
            m.edge_sources([(goal, TARGETS, x) for x in targets]))
    for app in by_label(res.applications):
        techs = sorted(set(res.applications[app]))
        row("application", app, t(lang, f"through {join(m.labels(techs, lang), lang)}", f"经由{join(m.labels(techs, lang), lang)}"),
            m.edge_sources([(x, APPLIED_IN, app) for x in techs] + [(app, APPLIES, x) for x in techs]))
    for policy in by_label(res.policies):
        bits, pairs = [], []
        for item, through, how in res.policies[policy]:
            if how == "direct":
                bits.append(t(lang, f"addresses {m.label(item, lang)}", f"针对{m.label(item, lang)}"))
            else:
                bits.append(t(lang, f"addresses {m.label(through, lang)} (for {m.label(item, lang)})",
                              f"针对{m.label(through, lang)}（关乎{m.label(item, lang)}）"))
            pairs.append((policy, ADDRESSES, through))
        row("policy", policy, t(lang, "; ", "；").join(dict.fromkeys(bits)), m.edge_sources(pairs))
    for en, zh, before, after in res.counts:
        en_s, zh_s = _SECTIONS["count"]
        rows.append({"section": t(lang, en_s, zh_s), "section_code": "count", "id": "", "entity": t(lang, en, zh),
                     "class": "", "why": "", "before": before, "after": after, "source": ""})
    return rows

"""What-if: remove countries, organisations or items and see which items lose their suppliers and what is then blocked."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from ..errors import UsageError
from ..network import share_text
from ._model import (ADDRESSES, APPLIED_IN, APPLIES, BASED_IN, COUNTRY, DOMAIN, GOAL, IN_DOMAIN, IS_TYPE_OF, ITEM,
                     NEEDS, ORGANISATION, SUPPLIED_BY, TARGETS, TECHNOLOGY, Model, join, t)
from .shares import LevelLoss, is_country_like, item_levels, level_loss, top_share_text

__all__ = ["whatif", "simulate", "WhatIf", "WHATIF_COLUMNS"]

WHATIF_COLUMNS = ["section", "id", "entity", "class", "level", "share_lost", "year", "why", "before", "after",
                  "source"]

_SECTIONS = {
    "removed": ("removed", "移除"),
    "cut": ("item cut off", "断供要素"),
    "risk": ("item at risk", "面临断供风险的要素"),
    "weakened": ("item weakened", "受削弱要素"),
    "blocked": ("blocked", "受阻"),
    "at-risk": ("at risk", "面临风险"),
    "goal": ("blocked roadmap goal", "受阻发展目标"),
    "goal-risk": ("roadmap goal at risk", "面临风险的发展目标"),
    "application": ("affected application", "受影响应用"),
    "policy": ("policy addressing it", "相关政策"),
    "count": ("before → after", "前 → 后"),
}

_RANK = {"blocked": 2, "at-risk": 1}


@dataclass
class WhatIf:
    """The outcome of removing some nodes; every field holds node ids of the projection.

    ``cut`` holds the items that fall at the threshold (``status`` says whether they are *blocked* — they lose
    all of it — or only *at risk*), ``blocked`` what depends on them (again with its ``status``).
    """

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
    status: dict[str, str] = field(default_factory=dict)                # node → "blocked" | "at-risk"
    losses: dict[str, list[LevelLoss]] = field(default_factory=dict)    # item with measured shares → its losses

    @property
    def affected(self) -> set[str]:
        """Every node the scenario touches (removed, cut, weakened, blocked, goals, applications)."""
        return set(self.removed) | set(self.cut) | set(self.weakened) | set(self.blocked) | set(self.goals) \
            | set(self.applications)


def _removable(m: Model, node: str) -> bool:
    if m.is_aggregate(node):
        return False
    return m.is_(node, COUNTRY) or m.is_(node, ORGANISATION) or m.is_(node, ITEM) or is_country_like(m, node)


def _stats(m: Model) -> dict:
    """Counts that do not depend on the scenario, computed once per projection."""
    known = getattr(m, "_whatif_stats", None)
    if known is not None:
        return known
    items = m.nodes(ITEM)
    suppliers = {i: m.suppliers(i)[0] for i in items}
    techs = m.nodes(TECHNOLOGY)
    domains_of = {tech: _domains(m, tech) for tech in techs}
    techs_of: dict[str, set[str]] = {}
    for tech, doms in domains_of.items():
        for d in doms:
            techs_of.setdefault(d, set()).add(tech)
    by_provider: dict[str, set[str]] = {}
    for item, records in m.provisions.items():
        for r in records:
            by_provider.setdefault(r["provider"], set()).add(item)
    stats = {
        "items": items, "suppliers": suppliers, "techs": techs, "goals": m.nodes(GOAL),
        "supplying": {o for orgs in suppliers.values() for o in orgs},
        "with_supplier": {i for i, orgs in suppliers.items() if orgs},
        "domains_of": domains_of, "techs_of": techs_of, "by_provider": by_provider,
    }
    m._whatif_stats = stats
    return stats


def simulate(g, remove, *, threshold: float = 100.0) -> WhatIf:
    """Remove ``remove`` (node ids: countries, organisations or supply-chain items) and propagate.

    A country goes with the organisations based there, and a node with what it is the same as
    (``skos:exactMatch``: removing our Netherlands removes the Netherlands of an imported dataset and the firms
    based there). An item with measured provider shares (``ckg:Provision`` records, e.g. ``chiplet-kg import
    eto``) is judged at each level — firm and country, never added together — by the share the removed providers
    held (:func:`~chiplet_kg.analyze.shares.level_loss`): *blocked* when they held all of it, *at risk* when
    they held at least ``threshold`` per cent, else *weakened*; a level whose shares are all unknown counts
    providers instead (unknown shares are never taken as 0), and cannot block an item whose measured shares at
    the other level leave part of it (it is then at risk). The item takes the worse of its two levels. An item without measured shares is judged by the
    number of its suppliers (an item without suppliers of its own is supplied as its nearest kind-of is: high-end
    EDA tools as EDA tools): blocked when it loses all, at risk when it loses at least ``threshold`` per cent of
    them. Items that are blocked or at risk are *cut*; whatever needs them (``dependsOn``, ``usesTechnology``,
    and what an item ``goesInto``), the kinds of a blocked technology, an item without measured shares that is
    the same as (``skos:exactMatch``) or overlaps (``skos:closeMatch``) a cut one, and the roadmap goals that
    target any of them are blocked or at risk in turn; application domains and technology applications of
    those technologies are affected; policies that address a cut or blocked item (directly, through what it is
    a kind of, or through a challenge that concerns it) are listed.

    Unnamed providers taken together (``ckg:AggregateProvider``, ETO's "Various companies") are never removed and
    never counted as a supplier: an item they hold part of loses at most what its named providers held, so it is
    at risk, never blocked, when every named provider goes.

    Raises
    ------
    UsageError
        A node is not in the projection, is an aggregate of unnamed providers, or is not a country, an
        organisation or a supply-chain item.
    """
    m = Model.of(g)
    if not 0 < threshold <= 100:
        raise UsageError(f"--threshold must be a percentage in (0, 100], not {threshold:g}")
    stats = _stats(m)
    result = WhatIf(remove=list(remove), threshold=threshold)
    for node in remove:
        if node not in g:
            raise UsageError(f"'{node}' is not an entity of the graph")
        if m.is_aggregate(node):
            raise UsageError(f"{m.label(node)} ({m.qname(node)}) stands for providers the data does not name "
                             "(ckg:AggregateProvider): its share is spread over several of them, so it is not one "
                             "entity that can be cut off; remove named firms, countries or items instead")
        if not _removable(m, node):
            raise UsageError(f"what-if removes countries, organisations or supply-chain items; "
                             f"{m.label(node)} ({m.qname(node)}) is of the class '{m.cls(node)}'")
        result.removed[node] = node
    # Closed under "the same as" and "based in": the Netherlands (ours) → the Netherlands (ETO) → the firms ETO
    # places there → our firms that are the same as those (Shin-Etsu has no country in our data, but in ETO's).
    queue = deque(result.removed)
    while queue:
        node = queue.popleft()
        takes = [other for other, how in m.matches.get(node, ()) if how == "exact" and _removable(m, other)]
        if is_country_like(m, node):
            takes += m.pred(node, BASED_IN)
        for other in takes:
            if other not in result.removed:
                result.removed[other] = node
                queue.append(other)
    gone = set(result.removed)
    gone_orgs = {n for n in gone if m.is_(n, ORGANISATION)}

    # Items with measured shares: judged level by level.
    measured = set(m.provisions)
    for item in sorted({i for p in gone for i in stats["by_provider"].get(p, ())} | (gone & measured)):
        if not m.is_(item, ITEM):
            continue
        levels = item_levels(m, item)
        providers = {p for lv in levels.values() for p in lv.records}
        if item in gone:
            result.cut[item] = (providers, providers, [])
            result.status[item] = "blocked"
            continue
        losses = [loss for lv in levels.values() if (loss := level_loss(lv, gone, threshold)) is not None]
        if not losses:
            continue
        result.losses[item] = losses
        lost = {r["provider"] for loss in losses for r in loss.removed}
        worst = max(losses, key=lambda loss: _RANK.get(loss.status, 0)).status
        # A level counted by providers cannot block an item whose measured shares at the other level say part of
        # it is left (ETO lists a firm or two where a country's share is known).
        measured_levels = [loss for loss in losses if loss.rule == "shares"]
        if worst == "blocked" and measured_levels and all(loss.status != "blocked" for loss in measured_levels):
            worst = "at-risk"
        if worst in _RANK:
            result.cut[item] = (lost, providers, [])
            result.status[item] = worst
        else:
            result.weakened[item] = (lost, providers, [])

    # Items without measured shares: judged by their number of suppliers.
    candidates = {i for o in gone_orgs for i in m.inc[SUPPLIED_BY].get(o, ())}
    for i in list(candidates):
        candidates |= {s for s in m.subtypes(i) if not m.direct_suppliers(s)}
    candidates |= {n for n in gone if m.is_(n, ITEM)}
    for item in sorted(candidates):
        if item in result.cut or item in result.weakened or item in measured or not m.is_(item, ITEM):
            continue
        suppliers, inherited = m.suppliers(item)
        lost = suppliers & gone_orgs
        if item in gone:
            result.cut[item] = (suppliers, suppliers, inherited)
            result.status[item] = "blocked"
        elif suppliers and lost:
            share = 100.0 * len(lost) / len(suppliers)
            if lost == suppliers and not m.dispersed(item):  # unnamed providers still supply a dispersed item
                result.status[item] = "blocked"
            elif share >= threshold - 1e-9:
                result.status[item] = "at-risk"
            target = result.cut if item in result.status else result.weakened
            target[item] = (lost, suppliers, inherited)

    # Propagation: blocked first, then at risk (a node keeps the worse of the two).
    for severity in ("blocked", "at-risk"):
        queue = deque(n for n in result.cut if result.status[n] == severity)
        queue += deque(n for n in result.blocked if result.status.get(n) == severity)
        while queue:
            z = queue.popleft()
            steps = [(u, "needs") for u in m.needers_of(z)]
            # A kind of a blocked technology needs what it needs; an item cut off for want of suppliers has already
            # passed that on to its kinds without suppliers of their own (they share its suppliers).
            if z in result.blocked or m.is_(z, TECHNOLOGY):
                steps += [(sub, "kind") for sub in m.pred(z, IS_TYPE_OF)]
            # The same item (or an overlapping one) without measured shares of its own falls with a measured one.
            if z in measured:
                steps += [(o, how) for o, how in m.matches.get(z, ()) if m.is_(o, ITEM) and o not in measured]
            for u, how in steps:
                if _RANK.get(result.status.get(u), 0) >= _RANK[severity] or u in gone:
                    continue
                result.status[u] = severity
                if u not in result.cut:
                    result.blocked[u] = (how, z)
                queue.append(u)

    down = set(result.cut) | set(result.blocked)
    for node in sorted(down):
        for goal in m.pred(node, TARGETS):
            if m.is_(goal, GOAL):
                result.goals.setdefault(goal, []).append(node)
                if _RANK[result.status[node]] > _RANK.get(result.status.get(goal), 0):
                    result.status[goal] = result.status[node]
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

    # Before → after, from what changed (the scenario-free counts are computed once per projection).
    suppliers_of = stats["suppliers"]
    touched = (candidates | set(result.cut) | set(result.weakened)) & stats["with_supplier"]
    lose_all = {i for i in touched if i in gone or not (suppliers_of[i] - gone_orgs or m.dispersed(i))}
    down_techs = {x for x in down if m.is_(x, TECHNOLOGY)}
    lost_domains = {d for tech in down_techs for d in stats["domains_of"].get(tech, ())
                    if stats["techs_of"][d] <= down_techs}
    domains_before = len(stats["techs_of"])
    result.counts = [
        ("organisations supplying an item", "供应要素的组织", len(stats["supplying"]),
         len(stats["supplying"] - gone_orgs)),
        ("items with a supplier", "有供应商的要素", len(stats["with_supplier"]),
         len(stats["with_supplier"]) - len(lose_all)),
        ("items not cut off", "未断供的要素", len(stats["items"]), len(stats["items"]) - len(result.cut)),
        ("technologies not blocked", "未受阻的技术", len(stats["techs"]), len(stats["techs"]) - len(down_techs)),
        ("roadmap goals not blocked", "未受阻的发展目标", len(stats["goals"]), len(stats["goals"]) - len(result.goals)),
        ("application domains reached by an unblocked technology", "仍有未受阻技术的应用领域",
         domains_before, domains_before - len(lost_domains)),
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
    threshold : per cent; an item is at risk when the removed providers held at least this share of it (measured
        shares) or, without share data, this share of its suppliers; 100 (default): only blocked items count.
    lang : ``en`` or ``zh``.

    Returns
    -------
    list of dict
        Rows with the keys in ``WHATIF_COLUMNS`` (plus ``section_code``), in sections: removed, item cut off
        (``cut``), item at risk (``risk``), item weakened, blocked, at risk (``at-risk``), blocked roadmap goal
        (``goal``), roadmap goal at risk (``goal-risk``), affected application, policy addressing it, before →
        after. An item with measured shares has one row per level (``level``, ``share_lost`` in per cent,
        ``year``).

    Examples
    --------
    >>> from chiplet_kg import ChipletKG, CKGD
    >>> from chiplet_kg.network import project
    >>> rows = whatif(project(ChipletKG()), [str(CKGD.Netherlands)])
    >>> [r["id"] for r in rows if r["section_code"] == "cut"]
    ['ckgd:EUVLithography']
    """
    m = Model.of(g)
    res = simulate(g, remove, threshold=threshold)
    rows: list[dict] = []
    if not (res.cut or res.weakened or res.blocked):
        from ..diagnose import warn_if_empty

        for node in remove:  # says so only for an entity with no relation at all
            warn_if_empty(g, [], what="analyze whatif", focus=node)

    def row(section, node, why, source=(), before="", after="", level="", share_lost="", year=""):
        en, zh = _SECTIONS[section]
        rows.append({"section": t(lang, en, zh), "section_code": section, "id": m.qname(node) if node else "",
                     "entity": m.label(node, lang) if node else "", "class": m.cls(node, lang) if node else "",
                     "level": level, "share_lost": share_lost, "year": year,
                     "why": why, "before": before, "after": after, "source": "; ".join(source)})

    by_label = lambda nodes: sorted(nodes, key=lambda n: m.label(n, lang).casefold())  # noqa: E731
    same = {(a, b) for a, links in m.matches.items() for b, how in links if how == "exact"}
    for node in by_label(res.removed):
        cause = res.removed[node]
        if cause == node:
            row("removed", node, t(lang, "removed in this scenario", "本情景中移除"))
        elif (node, cause) in same:
            row("removed", node, t(lang, f"the same as {m.label(cause, lang)} (skos:exactMatch)",
                                   f"与{m.label(cause, lang)}相同（skos:exactMatch）"))
        else:
            row("removed", node, t(lang, f"based in {m.label(cause, lang)}", f"总部位于{m.label(cause, lang)}"),
                m.edge_sources([(node, BASED_IN, cause)]))
    level_names = {"firm": t(lang, "firm", "企业"), "country": t(lang, "country", "国家")}
    for section, table in (("cut", res.cut), ("weakened", res.weakened)):
        for item in by_label(table):
            lost, suppliers, inherited = table[item]
            if item in res.removed:
                row(section, item, t(lang, "removed in this scenario", "本情景中移除"), before=len(suppliers), after=0)
                continue
            if item in res.losses:
                for loss in res.losses[item]:
                    _share_row(m, row, item, loss, level_names, threshold, lang, res.status.get(item))
                continue
            if section == "cut" and res.status.get(item) != "blocked":
                section_here = "risk"
            else:
                section_here = section
            left = suppliers - lost
            why = t(lang, f"loses {len(lost)} of {len(suppliers)} suppliers: {join(m.labels(lost, lang), lang)}",
                    f"失去 {len(suppliers)} 家供应商中的 {len(lost)} 家：{join(m.labels(lost, lang), lang)}")
            if left:
                why += t(lang, f"; left: {join(m.labels(left, lang), lang)}", f"；剩余：{join(m.labels(left, lang), lang)}")
            if m.dispersed(item):
                why += t(lang, "; unnamed providers (an aggregate) also supply it and stay",
                         "；另有未列名供应方（合计）供应，且不受影响")
            if inherited:
                why += t(lang, f" (supplied as {join(m.labels(inherited, lang), lang)})",
                         f"（按{join(m.labels(inherited, lang), lang)}的供应商计）")
            if m.provisions:  # measured shares are loaded, but not for this item: say which rule applies
                why += t(lang, "; no share data: counted by suppliers", "；无份额数据：按供应商数计")
                same = [o for o, how in m.matches.get(item, ()) if o in m.provisions]
                if same:
                    names = join(m.labels(same, lang), lang)
                    why += t(lang, f" (measured shares: see {names})", f"（实测份额见{names}）")
            row(section_here, item, why, m.edge_sources(m.supply_edges(item, lost)), len(suppliers), len(left),
                level=t(lang, "suppliers", "供应商数") if m.provisions else "")
    for node in by_label(res.blocked):
        how, because = res.blocked[node]
        section = "blocked" if res.status.get(node) == "blocked" else "at-risk"
        if how == "needs":
            pred = next((p for p in NEEDS if m.edge(node, p, because)), NEEDS[0])
            why = t(lang, f"needs {m.label(because, lang)}", f"依赖{m.label(because, lang)}")
            src = m.edge_sources([(node, pred, because)])
        elif how in ("exact", "close"):
            why = t(lang, f"the same item as {m.label(because, lang)}" if how == "exact"
                    else f"overlaps {m.label(because, lang)} (skos:closeMatch)",
                    f"与{m.label(because, lang)}为同一要素" if how == "exact"
                    else f"与{m.label(because, lang)}部分重合（skos:closeMatch）")
            src = []
        else:
            why = t(lang, f"a kind of {m.label(because, lang)}", f"属于{m.label(because, lang)}")
            src = m.edge_sources([(node, IS_TYPE_OF, because)])
        top = top_share_text(m, because, lang) if because in res.losses else ""
        if top:
            why += t(lang, f" ({top})", f"（{top}）")
        row(section, node, why, src)
    for goal in by_label(res.goals):
        targets = res.goals[goal]
        section = "goal" if res.status.get(goal) == "blocked" else "goal-risk"
        row(section, goal, t(lang, f"targets {join(m.labels(targets, lang), lang)}", f"指向{join(m.labels(targets, lang), lang)}"),
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
                     "class": "", "level": "", "share_lost": "", "year": "", "why": "", "before": before,
                     "after": after, "source": ""})
    return rows


def _share_row(m: Model, row, item: str, loss: LevelLoss, level_names: dict, threshold: float, lang: str,
               item_status: str | None = None) -> None:
    """One row for one level of an item with measured shares: what share the removed providers held."""
    section = {"blocked": "cut", "at-risk": "risk"}.get(loss.status, "weakened")
    capped = loss.status == "blocked" and item_status == "at-risk"
    if capped:
        section = "risk"
    named = [f"{m.label(r['provider'], lang)} {share_text(r['share'], r['year'], lang)}" for r in loss.removed]
    lvl = level_names[loss.level]
    if loss.rule == "shares":
        why = t(lang, f"{lvl} level: the removed providers held {loss.lost:g} %: {join(named, lang)}",
                f"{lvl}层面：被移除的供应方占 {loss.lost:g}%：{join(named, lang)}")
        if loss.unknown_removed:
            why += t(lang, f" (and {loss.unknown_removed} of unknown share: at least {loss.lost:g} %)",
                     f"（另有 {loss.unknown_removed} 家份额未知：至少 {loss.lost:g}%）")
        if loss.clamped:
            raw = sum(r["share"] or 0 for r in loss.removed)
            why += t(lang, f"; their shares add up to {raw:.4g} % (rounding in the source), counted as 100 %",
                     f"；其份额合计 {raw:.4g}%（来源四舍五入），按 100% 计")
        total = min(loss.total + loss.unnamed, 100.0)  # unnamed providers are part of the market and stay
        share_lost, before, after = round(loss.lost, 2), round(total, 2), round(max(total - loss.lost, 0.0), 2)
    else:
        why = t(lang, f"{lvl} level: no share known, counted by providers: loses {len(loss.removed)} of "
                      f"{loss.providers}: {join(named, lang)}",
                f"{lvl}层面：份额均未知，按供应方数计：失去 {loss.providers} 家中的 {len(loss.removed)} 家："
                f"{join(named, lang)}")
        share_lost, before, after = "", loss.providers, loss.providers - len(loss.removed)
    if loss.dispersed:
        kept = f"{loss.unnamed:g} %" if loss.unnamed else t(lang, "an unknown share", "未知份额")
        why += t(lang, f"; unnamed providers hold {kept} and stay", f"；未列名供应方合计 {kept}，不受影响")
    if capped:
        why += t(lang, "; every listed provider at this level is gone, but the measured shares at the other level "
                       "say part of it is left: at risk", "；该层面所列供应方全部移除，但另一层面的实测份额表明仍有剩余：面临风险")
    elif loss.status == "blocked":
        why += t(lang, "; blocked: they held all of it", "；断供：全部由其提供")
    elif loss.status == "at-risk":
        why += t(lang, f"; at risk: at least the threshold of {threshold:g} %", f"；面临风险：达到阈值 {threshold:g}%")
    years = sorted({r["year"] for r in loss.removed if r["year"]})
    sources = list(dict.fromkeys(r["source"] for r in loss.removed if r["source"]))
    row(section, item, why, sources, before, after, level=lvl, share_lost=share_lost,
        year=", ".join(str(y) for y in years))

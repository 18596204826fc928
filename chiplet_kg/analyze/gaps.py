"""Gaps: dependencies and challenges that no policy addresses, and policies that address nothing."""

from __future__ import annotations

from ._model import CHALLENGE, CONCERNS, POLICY, TARGETS, TECHNOLOGY, Model, join, t
from .shares import measured_text

__all__ = ["gaps", "unaddressed", "GAP_COLUMNS", "NOT_ADDRESSED", "ONLY_INDIRECTLY", "ADDRESSES_NOTHING"]

GAP_COLUMNS = ["kind", "id", "entity", "class", "status", "why", "addressed_via", "source"]

#: Status codes (the rows carry a readable ``status`` and this code in ``status_code``).
NOT_ADDRESSED = "not-addressed"
ONLY_INDIRECTLY = "only-indirectly"
ADDRESSES_NOTHING = "addresses-nothing"

_STATUS = {
    NOT_ADDRESSED: ("addressed by no policy", "无政策针对"),
    ONLY_INDIRECTLY: ("addressed only indirectly", "仅被间接针对"),
    ADDRESSES_NOTHING: ("addresses nothing", "未针对任何对象"),
}
_KIND = {
    "dependency": ("dependency", "依赖"),
    "bottleneck": ("bottleneck", "瓶颈"),
    "challenge": ("challenge", "挑战"),
    "policy": ("policy", "政策"),
}


def _via_text(m: Model, via, lang: str) -> str:
    parts = []
    for policy, through, how in via:
        p, x = m.label(policy, lang), m.label(through, lang)
        if how == "supertype":
            parts.append(t(lang, f"{p} addresses {x}, of which it is a kind", f"{p}针对其上位类“{x}”"))
        elif how == "concerns":
            parts.append(t(lang, f"{p} addresses {x}, which concerns it", f"{p}针对涉及它的“{x}”"))
        elif how == "challenge":
            parts.append(t(lang, f"{p} addresses the wider challenge {x}", f"{p}针对其所属挑战“{x}”"))
        elif how == "part":
            parts.append(t(lang, f"{p} addresses its part {x}", f"{p}针对其组成部分“{x}”"))
        elif how == "subtype":
            parts.append(t(lang, f"{p} addresses {x}, a more specific kind of it", f"{p}针对其下位类“{x}”"))
        else:  # item
            parts.append(t(lang, f"{p} addresses {x}, which it concerns", f"{p}针对它所涉及的“{x}”"))
    return t(lang, "; ", "；").join(parts)


def _row(m: Model, kind: str, node: str, status: str, why: str, via: str, lang: str) -> dict:
    en, zh = _KIND[kind]
    s_en, s_zh = _STATUS[status]
    return {"kind": t(lang, en, zh), "id": m.qname(node), "entity": m.label(node, lang), "class": m.cls(node, lang),
            "status": t(lang, s_en, s_zh), "status_code": status, "why": why, "addressed_via": via,
            "measured_shares": measured_text(m, node, lang) if m.provisions else "",
            "source": "; ".join(m.sources(node))}


def _query_items(name: str, g, kg) -> set[str]:
    """The ``?item`` column of the named query ``name``, run on ``kg``'s store or else on the projection's triples."""
    from ..reason.closedworld import run_item_query

    if kg is not None:
        return {str(x) for x in run_item_query(kg.store, name)}
    return {str(x) for x in run_item_query(_projection_store(g), name)}


def _projection_store(g):
    """A query store holding the projection's nodes (typed with their kinds) and edges, for the defining queries."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    from ..namespace import PREFIXES
    from ..sparql import Store

    def iri(qname: str) -> URIRef:
        prefix, _, local = qname.partition(":")
        return PREFIXES[prefix][local] if prefix in PREFIXES else URIRef(qname)

    triples = Graph()
    for node, data in g.nodes(data=True):
        for kind in data.get("kinds", ()):
            triples.add((URIRef(node), RDF.type, iri(kind)))
    for u, v, key, data in g.edges(keys=True, data=True):
        triples.add((URIRef(u), iri(data.get("predicate", key)), URIRef(v)))
    return Store(triples)


def unaddressed(g, kg=None) -> set[str]:
    """The unaddressed dependencies (IRIs): the rows of ``queries/unaddressed-dependencies.rq``, the one definition.

    Run on ``kg``'s store (asserted and inferred triples) when given, else on the projection's nodes and edges.
    """
    return _query_items("unaddressed-dependencies", g, kg)


def gaps(g, *, lang: str = "en", indirect: bool = True, kg=None) -> list[dict]:
    """What no policy addresses, and which policies address nothing.

    A *dependency* is a supply-chain item that a technology needs. Which dependencies no policy addresses is decided
    by ``queries/unaddressed-dependencies.rq`` (the definition the reasoner's ``ckg:UnaddressedDependency`` and
    ``chiplet-kg query unaddressed-dependencies`` use too): no policy addresses or covers it (addresses a challenge
    or bottleneck that concerns it), nor any more specific kind of it. Such a dependency is *not addressed*, or
    *addressed only indirectly* when a policy still reaches what it is a kind of or the challenge a bottleneck about
    it belongs to. A dependency that no policy addresses directly but one covers through a bottleneck, or through a
    more specific kind, is *addressed only indirectly* too. A challenge or bottleneck is addressed indirectly
    through its wider challenge or through an item it concerns. A policy addresses nothing when neither it nor any
    of its instruments addresses anything. With ``kg``, a dependency that has recorded suppliers, none domestic
    (``queries/items-without-domestic-supplier.rq``), says so in ``why``.

    Parameters
    ----------
    g : the projection (``chiplet_kg.network.project``).
    lang : ``en`` or ``zh``, for labels and explanations.
    indirect : also list what is addressed only indirectly (default); else only what nothing reaches.
    kg : the knowledge graph ``g`` was projected from: the defining queries run on its store. Without it they
        run on the projection's nodes and edges.

    Returns
    -------
    list of dict
        One row per gap, with the keys in ``GAP_COLUMNS`` (plus ``status_code``): dependencies first, then
        bottlenecks and challenges, then policies.

    Examples
    --------
    >>> from chiplet_kg import ChipletKG
    >>> from chiplet_kg.network import project
    >>> rows = gaps(project(ChipletKG()))
    >>> [r["status_code"] for r in rows if r["id"] == "ckgd:Photoresist"]
    ['only-indirectly']
    """
    m = Model.of(g)
    rows: list[dict] = []
    gap = unaddressed(g, kg) & set(g.nodes)
    foreign_only = _query_items("items-without-domestic-supplier", g, kg) if kg is not None else set()
    needs = m.dependencies()
    candidates = gap | {item for item in needs if not m.addressers(item)}
    for item in sorted(candidates, key=lambda n: m.label(n, lang).casefold()):
        techs = needs.get(item) or sorted(n for n in m.needers(item) if m.is_(n, TECHNOLOGY))
        via = m.item_addressed_via(item)
        if item not in gap:  # not a gap by the definition: a policy covers it, or addresses a more specific kind
            for sub in sorted(m.subtypes(item)):
                via += [(p, sub, "subtype") for p in m.addressers(sub)]
                via += [(p, ch, "concerns") for ch in m.pred(sub, CONCERNS) for p in m.addressers(ch)]
            if not via:
                continue  # not a dependency by the definition, or reached in a way the projection does not show
        status = ONLY_INDIRECTLY if via else NOT_ADDRESSED
        if status == ONLY_INDIRECTLY and not indirect:
            continue
        goals = [x for x in m.pred(item, TARGETS)]
        why = t(lang, f"needed by {join(m.labels(techs, lang), lang)}", f"{join(m.labels(techs, lang), lang)}依赖它")
        if goals:
            why += t(lang, f"; a roadmap goal targets it: {join(m.labels(goals, lang), lang)}",
                     f"；发展目标指向它：{join(m.labels(goals, lang), lang)}")
        if item in foreign_only:
            why += t(lang, "; none of its recorded suppliers is domestic", "；已记录的供应方均非境内")
        rows.append(_row(m, "dependency", item, status, why, _via_text(m, via, lang), lang))

    challenges = sorted(m.nodes(CHALLENGE), key=lambda n: (not m.is_(n, "ckg:Bottleneck"), m.label(n, lang).casefold()))
    for ch in challenges:
        if m.addressers(ch):
            continue
        via = m.challenge_addressed_via(ch)
        if via and not indirect:
            continue
        items = m.succ(ch, "ckg:concerns")
        wholes = [w for w in m.pred(ch, "ckg:hasPart") if m.is_(w, CHALLENGE)]
        parts = [p for p in m.succ(ch, "ckg:hasPart") if m.is_(p, CHALLENGE)]
        bits = []
        if wholes:
            bits.append(t(lang, f"part of {join(m.labels(wholes, lang), lang)}", f"属于{join(m.labels(wholes, lang), lang)}"))
        if parts:
            bits.append(t(lang, f"has parts {join(m.labels(parts, lang), lang)}", f"包含{join(m.labels(parts, lang), lang)}"))
        if items:
            bits.append(t(lang, f"concerns {join(m.labels(items, lang), lang)}", f"涉及{join(m.labels(items, lang), lang)}"))
        causes = m.succ(ch, "ckg:causedBy")
        if causes:
            bits.append(t(lang, f"caused by {join(m.labels(causes, lang), lang)}", f"源于{join(m.labels(causes, lang), lang)}"))
        kind = "bottleneck" if m.is_(ch, "ckg:Bottleneck") else "challenge"
        rows.append(_row(m, kind, ch, ONLY_INDIRECTLY if via else NOT_ADDRESSED, t(lang, "; ", "；").join(bits),
                         _via_text(m, via, lang), lang))
        if m.provisions and items:  # a bottleneck shows the measured shares of the items it concerns
            rows[-1]["measured_shares"] = t(lang, "; ", "；").join(
                f"{m.label(i, lang)} {text}" for i in items if (text := measured_text(m, i, lang)))

    for policy in sorted(m.nodes(POLICY), key=lambda n: m.label(n, lang).casefold()):
        if m.policy_targets(policy):
            continue
        groups = m.pred(policy, "ckg:hasInstrument")
        promoted = m.succ(policy, "ckg:promotes")
        bits = []
        if groups:
            bits.append(t(lang, f"instrument of {join(m.labels(groups, lang), lang)}", f"属于{join(m.labels(groups, lang), lang)}"))
        if promoted:
            bits.append(t(lang, f"promotes {join(m.labels(promoted, lang), lang)}", f"推动{join(m.labels(promoted, lang), lang)}"))
        rows.append(_row(m, "policy", policy, ADDRESSES_NOTHING, t(lang, "; ", "；").join(bits), "", lang))
    return rows

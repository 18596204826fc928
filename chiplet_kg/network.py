"""The knowledge graph projected into one networkx multi-digraph: entities as nodes, argument relations as edges."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .namespace import CKG

if TYPE_CHECKING:  # pragma: no cover
    import networkx

    from .kg import ChipletKG

__all__ = ["project", "has_kind", "nodes_of", "node_label", "edge_label", "class_label", "share_text", "CLASS_ORDER"]

#: Classes in the order views and reports list them (most specific first where it matters).
CLASS_ORDER = (
    "ckg:PolicyGroup", "ckg:PolicyInstrument", "ckg:Policy",
    "ckg:Bottleneck", "ckg:Challenge", "ckg:ExternalMeasure", "ckg:ExportControl", "ckg:IndustrialLaw",
    "ckg:DesignTool", "ckg:ProcessEquipment", "ckg:PackagingEquipment", "ckg:Equipment", "ckg:Material",
    "ckg:InterfaceStandard", "ckg:Standard", "ckg:Talent", "ckg:SupplyChainItem",
    "ckg:IntegrationApproach", "ckg:InterconnectTechnology", "ckg:PackagingArchitecture", "ckg:ProcessTechnology",
    "ckg:PackagingPlatform", "ckg:Technology", "ckg:Advantage",
    "ckg:Firm", "ckg:ResearchInstitution", "ckg:GovernmentBody", "ckg:IndustryAssociation", "ckg:StandardsBody",
    "ckg:Organisation", "ckg:CountryOrRegion",
    "ckg:ApplicationDomain", "ckg:TechnologyApplication",
    "ckg:Roadmap", "ckg:RoadmapPhase", "ckg:RoadmapGoal",
    "ckg:IndustrySegment", "ckg:MarketFigure", "ckg:Unit", "ckg:Entity",
)

_ARGUMENT_PROPS = """
SELECT DISTINCT ?p WHERE { ?p ckg:carriesArgument ?flag . FILTER(?flag = true) }
"""


def _subclass_closure(graph, root: URIRef) -> dict[URIRef, set[URIRef]]:
    """Every class below ``root`` (itself included) → the set of its ancestors up to ``root``."""
    children: dict[URIRef, set[URIRef]] = {}
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            children.setdefault(sup, set()).add(sub)
    ancestors: dict[URIRef, set[URIRef]] = {root: {root}}
    stack = [root]
    while stack:
        parent = stack.pop()
        for child in children.get(parent, ()):
            known = ancestors.get(child)
            merged = (known or set()) | ancestors[parent] | {child}
            if known != merged:
                ancestors[child] = merged
                stack.append(child)
    return ancestors


def _labels(graph, node) -> tuple[str, str]:
    en = zh = plain = ""
    for lab in graph.objects(node, RDFS.label):
        if not isinstance(lab, Literal):
            continue
        if lab.language == "en" and not en:
            en = str(lab)
        elif lab.language == "zh" and not zh:
            zh = str(lab)
        elif lab.language is None and not plain:
            plain = str(lab)
    return en or plain or zh, zh or plain or en


def _axiom_annotations(graph, kg) -> dict[tuple, tuple[list[str], list[str]]]:
    """(source, property, target) → (sources, evidence quotes) from the owl:Axiom annotations."""
    notes: dict[tuple, tuple[list[str], list[str]]] = {}
    for ax in graph.subjects(RDF.type, OWL.Axiom):
        s = graph.value(ax, OWL.annotatedSource)
        p = graph.value(ax, OWL.annotatedProperty)
        o = graph.value(ax, OWL.annotatedTarget)
        if s is None or p is None or o is None:
            continue
        sources, quotes = notes.setdefault((s, p, o), ([], []))
        for src in sorted(graph.objects(ax, DCTERMS.source), key=str):
            name = kg.qname(src) if isinstance(src, URIRef) else str(src)
            if name not in sources:
                sources.append(name)
        for quote in sorted(graph.objects(ax, CKG.evidence), key=str):
            if str(quote) not in quotes:
                quotes.append(str(quote))
    return notes


def project(kg: "ChipletKG", *, inferred: bool = True) -> "networkx.MultiDiGraph":
    """Project ``kg`` into a networkx multi-digraph.

    Nodes are the individuals typed with a class below ``ckg:Entity``, keyed by their IRI (a string), with the
    attributes ``qname``, ``class`` (the most specific class, as a qname), ``kinds`` (that class and all its
    ancestors, qnames), ``label_en``, ``label_zh`` and ``source`` (a list of qnames or IRIs). Edges are the
    assertions of argument properties (``ckg:carriesArgument true``) between two such nodes, keyed by the
    property's qname and carrying ``predicate`` (the same qname), ``label_en``, ``label_zh``, ``source`` and
    ``evidence`` (lists, from the assertion's ``owl:Axiom`` annotation) and ``inferred`` (a bool).

    Measured supply (``ckg:Provision`` records, e.g. from ``chiplet-kg import eto``) is no node: the records
    whose item and provider are nodes go to ``g.graph["provisions"]`` (item → list of dicts with ``provider``,
    ``level`` — ``firm`` or ``country`` —, ``share`` — a float in per cent, None when unknown —, ``year``,
    ``source`` — the record's source note, else its ``dcterms:source`` — and ``record``), and the matching
    ``ckg:suppliedBy`` / ``ckg:suppliedFrom`` edge gets ``share``, ``year`` and ``share_source`` from the
    provider's latest record. ``skos:exactMatch`` / ``skos:closeMatch`` links between two nodes go to
    ``g.graph["matches"]``: a list of ``(node, node, "exact" | "close")``.

    Parameters
    ----------
    kg : the knowledge graph.
    inferred : also project the argument triples in ``kg.inferred`` that the files do not assert
        (marked ``inferred=True``, with empty source and evidence).

    Returns
    -------
    networkx.MultiDiGraph

    Examples
    --------
    >>> from chiplet_kg import ChipletKG
    >>> g = project(ChipletKG())
    >>> n = "https://w3id.org/chiplet-kg/data/InstrumentSpecialFund"
    >>> g.nodes[n]["class"], g.nodes[n]["label_zh"]
    ('ckg:PolicyInstrument', '设立专项基金')
    >>> e = g.edges[n, "https://w3id.org/chiplet-kg/data/HighEndEDA", "ckg:addresses"]
    >>> e["label_en"], e["source"], e["inferred"]
    ('addresses', ['ckgd:paper-s5-1'], False)
    """
    import networkx as nx

    graph = kg.graph
    extra = kg.inferred if inferred and getattr(kg, "inferred", None) is not None else None
    ancestors = _subclass_closure(graph, CKG.Entity)
    g = nx.MultiDiGraph()

    def types_of(node):
        found = set(graph.objects(node, RDF.type))
        if extra is not None:
            found |= set(extra.objects(node, RDF.type))
        return {t for t in found if t in ancestors}

    candidates = {s for c in ancestors for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)}
    if extra is not None:
        candidates |= {s for c in ancestors for s in extra.subjects(RDF.type, c) if isinstance(s, URIRef)}
    for node in sorted(candidates, key=str):
        types = types_of(node)
        asserted = {t for t in graph.objects(node, RDF.type) if t in ancestors}
        pool = asserted or types
        # The most specific class: one that is no ancestor of another of the node's classes.
        specific = sorted((t for t in pool if not any(t in ancestors[o] and t != o for o in pool)),
                          key=lambda t: (t == CKG.Entity, str(t)))
        kinds = set().union(*(ancestors[t] for t in types))
        en, zh = _labels(graph, node)
        g.add_node(
            str(node),
            qname=kg.qname(node),
            **{"class": kg.qname(specific[0])},
            kinds=sorted(kg.qname(k) for k in kinds),
            label_en=en or kg.qname(node),
            label_zh=zh or en or kg.qname(node),
            source=sorted(kg.qname(s) if isinstance(s, URIRef) else str(s) for s in graph.objects(node, DCTERMS.source)),
        )

    props = [row[0] for row in graph.query(_ARGUMENT_PROPS, initNs={"ckg": CKG._NS})]
    notes = _axiom_annotations(graph, kg)
    prop_labels = {p: _labels(graph, p) for p in props}
    for p in sorted(props, key=str):
        pname = kg.qname(p)
        en, zh = prop_labels[p]
        layers = [(graph, False)] + ([(extra, True)] if extra is not None else [])
        for layer, is_inferred in layers:
            for s, o in sorted(layer.subject_objects(p), key=lambda so: (str(so[0]), str(so[1]))):
                u, v = str(s), str(o)
                if u not in g or v not in g or g.has_edge(u, v, key=pname):
                    continue
                sources, quotes = notes.get((s, p, o), ([], [])) if not is_inferred else ([], [])
                g.add_edge(u, v, key=pname, predicate=pname, label_en=en or pname, label_zh=zh or en or pname,
                           source=list(sources), evidence=list(quotes), inferred=is_inferred)
    _add_provisions(g, graph, kg)
    g.graph["name"] = "chiplet-kg"
    # Class labels travel with the projection, so analyses and views can name classes in either language.
    g.graph["class_labels"] = {kg.qname(c): dict(zip(("en", "zh"), _labels(graph, c))) for c in ancestors}
    g.graph["inferred_included"] = bool(extra is not None and len(extra))
    return g


_COUNTRY_KINDS = ("ckg:CountryOrRegion", "ckg:CountryGroup")


def _add_provisions(g, graph, kg) -> None:
    """Provision records and skos links of ``graph`` onto the projection ``g`` (see :func:`project`)."""
    provisions: dict[str, list[dict]] = {}
    for record, item in graph.subject_objects(CKG.providedItem):
        who = graph.value(record, CKG.provider)
        if who is None or str(item) not in g or str(who) not in g:
            continue
        types = set(graph.objects(record, RDF.type))
        if CKG.CountryProvision in types:
            level = "country"
        elif CKG.FirmProvision in types:
            level = "firm"
        else:
            level = "country" if any(k in g.nodes[str(who)]["kinds"] for k in _COUNTRY_KINDS) else "firm"
        share = _number(graph.value(record, CKG.sharePercent), float)
        year = _number(graph.value(record, CKG.year), int)
        note = graph.value(record, CKG.sourceText)
        cited = sorted(kg.qname(s) if isinstance(s, URIRef) else str(s) for s in graph.objects(record, DCTERMS.source))
        provisions.setdefault(str(item), []).append({
            "provider": str(who), "level": level, "share": share, "year": year,
            "source": str(note) if note is not None else "; ".join(cited), "record": kg.qname(record)})
    for item, records in provisions.items():
        records.sort(key=lambda r: (r["level"], r["provider"], -(r["year"] or 0)))
        latest: dict[str, dict] = {}
        for r in records:
            latest.setdefault(r["provider"], r)
        for who, r in latest.items():
            key = "ckg:suppliedFrom" if r["level"] == "country" else "ckg:suppliedBy"
            if g.has_edge(item, who, key):
                g.edges[item, who, key].update(share=r["share"], year=r["year"], share_source=r["source"])
    g.graph["provisions"] = provisions
    matches = []
    for prop, how in ((SKOS.exactMatch, "exact"), (SKOS.closeMatch, "close")):
        for s, o in graph.subject_objects(prop):
            if str(s) in g and str(o) in g and s != o:
                matches.append((str(s), str(o), how))
    g.graph["matches"] = sorted(matches)


def _number(lit, kind):
    """A literal's value as ``kind`` (float, int); None when absent or malformed (validation reports those)."""
    if lit is None:
        return None
    try:
        return kind(lit.toPython())
    except (TypeError, ValueError, ArithmeticError):
        return None


def share_text(share: float | None, year: int | None = None, lang: str = "en") -> str:
    """A share as people read it: ``100 % (2025)``, ``81.5 %``, ``share unknown (2019)`` (``份额未知`` in Chinese).

    >>> share_text(100.0, 2025), share_text(81.5), share_text(None, 2019), share_text(None, lang="zh")
    ('100 % (2025)', '81.5 %', 'share unknown (2019)', '份额未知')
    """
    text = ("份额未知" if lang == "zh" else "share unknown") if share is None else f"{share:g} %"
    return f"{text} ({year})" if year else text


# ------------------------------------------------------------------ small helpers shared by analyses and views

def has_kind(g, node, kind: str) -> bool:
    """Whether ``node`` is an instance of ``kind`` (a qname such as ``ckg:SupplyChainItem``) or of a subclass."""
    return kind in g.nodes[node].get("kinds", ())


def nodes_of(g, kind: str) -> list[str]:
    """The nodes that are instances of ``kind`` (or a subclass), sorted by IRI."""
    return sorted(n for n in g.nodes if has_kind(g, n, kind))


def node_label(g, node, lang: str = "en") -> str:
    """A node's label in ``lang`` (``en`` or ``zh``)."""
    data = g.nodes[node]
    return data.get(f"label_{lang}") or data.get("label_en") or data.get("qname") or str(node)


def edge_label(data: dict, lang: str = "en") -> str:
    """An edge's relation label in ``lang``."""
    return data.get(f"label_{lang}") or data.get("label_en") or data.get("predicate", "")


def class_label(g, qname: str, lang: str = "en") -> str:
    """A class's label in ``lang`` (the qname where the projection has none)."""
    labels = g.graph.get("class_labels", {}).get(qname, {})
    return labels.get(lang) or labels.get("en") or qname

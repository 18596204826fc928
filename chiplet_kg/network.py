"""The knowledge graph projected into one networkx multi-digraph: entities as nodes, argument relations as edges.

The projection reads the KG's pyoxigraph store directly (quad patterns, no rdflib graph).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from .namespace import ASSERTED_GRAPH, CKG, INFERRED_GRAPH

if TYPE_CHECKING:  # pragma: no cover
    import networkx

    from .kg import ChipletKG

__all__ = ["project", "has_kind", "nodes_of", "node_label", "edge_label", "class_label", "share_text", "CLASS_ORDER"]

#: Classes in the order views and reports list them (most specific first where it matters).
CLASS_ORDER = (
    "ckg:PolicyGroup", "ckg:PolicyInstrument", "ckg:EnactedPolicy", "ckg:Policy",
    "ckg:Bottleneck", "ckg:Challenge", "ckg:Condition", "ckg:Aim", "ckg:ExternalMeasure", "ckg:ExportControl",
    "ckg:DomesticExportControl", "ckg:IndustrialLaw",
    "ckg:DesignTool", "ckg:ProcessEquipment", "ckg:PackagingEquipment", "ckg:Equipment", "ckg:Material",
    "ckg:InterfaceStandard", "ckg:Standard", "ckg:Talent", "ckg:SupplyChainItem",
    "ckg:IntegrationApproach", "ckg:InterconnectTechnology", "ckg:PackagingArchitecture", "ckg:ProcessTechnology",
    "ckg:PackagingPlatform", "ckg:Technology", "ckg:Advantage",
    "ckg:Firm", "ckg:ResearchInstitution", "ckg:GovernmentBody", "ckg:IndustryAssociation", "ckg:StandardsBody",
    "ckg:Organisation", "ckg:ActorGroup", "ckg:CountryOrRegion",
    "ckg:ApplicationDomain", "ckg:TechnologyApplication",
    "ckg:Roadmap", "ckg:RoadmapPhase", "ckg:RoadmapGoal",
    "ckg:IndustrySegment", "ckg:MarketFigure", "ckg:Unit", "ckg:Entity",
)

class _Quads:
    """Look-ups on the KG's store with pyoxigraph terms (no rdflib terms: making them was most of the cost)."""

    def __init__(self, kg, inferred: bool):
        import pyoxigraph as ox

        self.ox = kg.ox
        self.asserted = ox.NamedNode(str(ASSERTED_GRAPH))
        self.inferred = ox.NamedNode(str(INFERRED_GRAPH))
        self.layers = [(self.asserted, False)]
        if inferred:
            self.layers.append((self.inferred, True))

    def objects(self, s, p, graph=None) -> list:
        return [q.object for q in self.ox.quads_for_pattern(s, p, None, graph or self.asserted)]

    def value(self, s, p):
        """One object of ``s p`` in the asserted graph, or None."""
        return next((q.object for q in self.ox.quads_for_pattern(s, p, None, self.asserted)), None)

    def pairs(self, p, graph=None) -> list[tuple]:
        return [(q.subject, q.object) for q in self.ox.quads_for_pattern(None, p, None, graph or self.asserted)]


def _iri(term) -> str | None:
    """The IRI of a pyoxigraph named node, None for a blank node or literal."""
    import pyoxigraph as ox

    return term.value if isinstance(term, ox.NamedNode) else None


def _value(term) -> str:
    return term.value


def _n(iri):
    import pyoxigraph as ox

    return ox.NamedNode(str(iri))


def _subclass_closure(quads: _Quads, root: str) -> dict[str, set[str]]:
    """Every class below ``root`` (itself included) → the set of its ancestors up to ``root`` (IRIs)."""
    children: dict[str, set[str]] = {}
    for sub, sup in quads.pairs(_n(RDFS.subClassOf)):
        if _iri(sub) and _iri(sup):
            children.setdefault(sup.value, set()).add(sub.value)
    ancestors: dict[str, set[str]] = {root: {root}}
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


def _labels(quads: _Quads, node) -> tuple[str, str]:
    import pyoxigraph as ox

    en = zh = plain = ""
    for lab in quads.objects(node, _n(RDFS.label)):
        if not isinstance(lab, ox.Literal):
            continue
        if lab.language == "en" and not en:
            en = lab.value
        elif lab.language == "zh" and not zh:
            zh = lab.value
        elif lab.language is None and not plain:
            plain = lab.value
    return en or plain or zh, zh or plain or en


def _namer(kg):
    """``qname(iri)`` and ``name(term)`` (a source or record as the projection shows it: the qname of an IRI, else
    the term's text), remembered: the same few sources are named thousands of times."""
    known: dict[str, str] = {}

    def qname(iri: str) -> str:
        found = known.get(iri)
        if found is None:
            found = known[iri] = kg.qname(iri)
        return found

    def name(term) -> str:
        return qname(term.value) if _iri(term) else term.value

    return qname, name


def _axiom_annotations(quads: _Quads, name) -> dict[tuple, tuple[list[str], list[str]]]:
    """(source, property, target) → (sources, evidence quotes) from the owl:Axiom annotations.

    Each annotation property is read in one pass over the store (not once per axiom): thousands of annotated
    relations cost a few scans.
    """
    ox, graph = quads.ox, quads.asserted

    def first(prop) -> dict:
        found: dict = {}
        for q in ox.quads_for_pattern(None, _n(prop), None, graph):
            if q.subject not in found:
                found[q.subject] = q.object
        return found

    def every(prop) -> dict:
        found: dict = {}
        for q in ox.quads_for_pattern(None, _n(prop), None, graph):
            found.setdefault(q.subject, []).append(q.object)
        return found

    sources_of, props_of, targets_of = first(OWL.annotatedSource), first(OWL.annotatedProperty), first(OWL.annotatedTarget)
    cited, evidence = every(DCTERMS.source), every(CKG.evidence)
    notes: dict[tuple, tuple[list[str], list[str]]] = {}
    # pyoxigraph's in-memory store lists the newest quads first: reversed, the axioms come in file order, so that
    # the sources of a relation annotated twice are listed as the files give them (the paper before the web).
    for q in reversed(list(ox.quads_for_pattern(None, _n(RDF.type), _n(OWL.Axiom), graph))):
        ax = q.subject
        s, p, o = sources_of.get(ax), props_of.get(ax), targets_of.get(ax)
        if s is None or p is None or o is None:
            continue
        key = (s, p, o)
        entry = notes.get(key)
        if entry is None:
            entry = notes[key] = ([], [])
        sources, quotes = entry
        terms = cited.get(ax, ())
        for text in [name(t) for t in (sorted(terms, key=_value) if len(terms) > 1 else terms)]:
            if text not in sources:
                sources.append(text)
        texts = [t.value for t in evidence.get(ax, ())]
        for text in (sorted(texts) if len(texts) > 1 else texts):
            if text not in quotes:
                quotes.append(text)
    return notes


def _argument_properties(quads: _Quads) -> list:
    """The properties marked ``ckg:carriesArgument true`` in the asserted graph."""
    import pyoxigraph as ox

    found = set()
    for prop, flag in quads.pairs(_n(CKG.carriesArgument)):
        if (_iri(prop) and isinstance(flag, ox.Literal) and flag.datatype.value == str(XSD.boolean)
                and flag.value.strip() in ("true", "1")):
            found.add(prop)
    return sorted(found, key=lambda t: t.value)


def project(kg: "ChipletKG", *, inferred: bool = True) -> "networkx.MultiDiGraph":
    """Project ``kg`` into a networkx multi-digraph, reading the KG's store (:attr:`chiplet_kg.kg.ChipletKG.ox`).

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
    inferred : also project the argument triples of the store's inferred graph that the files do not assert
        (marked ``inferred=True``, with empty source and evidence), and the inferred class memberships.

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

    quads = _Quads(kg, inferred)
    qname, name = _namer(kg)
    entity = str(CKG.Entity)
    ancestors = _subclass_closure(quads, entity)
    rdf_type = _n(RDF.type)
    g = nx.MultiDiGraph()

    types: dict[str, set[str]] = {}      # node → its classes below ckg:Entity (asserted and, optionally, inferred)
    asserted: dict[str, set[str]] = {}   # node → its asserted ones
    for graph, is_inferred in quads.layers:
        for q in quads.ox.quads_for_pattern(None, rdf_type, None, graph):
            node, cls = _iri(q.subject), _iri(q.object)
            if node is None or cls not in ancestors:
                continue
            types.setdefault(node, set()).add(cls)
            if not is_inferred:
                asserted.setdefault(node, set()).add(cls)
    source_of = _n(DCTERMS.source)
    for node in sorted(types):
        pool = asserted.get(node) or types[node]
        # The most specific class: one that is no ancestor of another of the node's classes.
        specific = sorted((t for t in pool if not any(t in ancestors[o] and t != o for o in pool)),
                          key=lambda t: (t == entity, t))
        kinds = set().union(*(ancestors[t] for t in types[node]))
        term = _n(node)
        en, zh = _labels(quads, term)
        short = qname(node)
        g.add_node(
            node,
            qname=short,
            **{"class": qname(specific[0])},
            kinds=sorted(qname(k) for k in kinds),
            label_en=en or short,
            label_zh=zh or en or short,
            source=sorted(name(s) for s in quads.objects(term, source_of)),
        )

    props = _argument_properties(quads)
    notes = _axiom_annotations(quads, name)
    for p in props:
        pname = qname(p.value)
        en, zh = _labels(quads, p)
        for graph, is_inferred in quads.layers:
            for s, o in sorted(quads.pairs(p, graph), key=lambda so: (so[0].value, so[1].value)):
                u, v = s.value, o.value
                if u not in g or v not in g or not _iri(s) or not _iri(o) or g.has_edge(u, v, key=pname):
                    continue
                sources, quotes = notes.get((s, p, o), ([], [])) if not is_inferred else ([], [])
                g.add_edge(u, v, key=pname, predicate=pname, label_en=en or pname, label_zh=zh or en or pname,
                           source=list(sources), evidence=list(quotes), inferred=is_inferred)
    _add_provisions(g, quads, qname, name)
    g.graph["name"] = "chiplet-kg"
    # Class labels travel with the projection, so analyses and views can name classes in either language.
    g.graph["class_labels"] = {qname(c): dict(zip(("en", "zh"), _labels(quads, _n(c)))) for c in ancestors}
    g.graph["inferred_included"] = bool(inferred and next(kg.quads(INFERRED_GRAPH), None) is not None)
    return g


_COUNTRY_KINDS = ("ckg:CountryOrRegion", "ckg:CountryGroup")


def _add_provisions(g, quads: _Quads, qname, name) -> None:
    """Provision records and skos links of the asserted graph onto the projection ``g`` (see :func:`project`)."""
    from .sparql import from_ox

    provisions: dict[str, list[dict]] = {}
    country, firm = str(CKG.CountryProvision), str(CKG.FirmProvision)
    for record, item in quads.pairs(_n(CKG.providedItem)):
        who = quads.value(record, _n(CKG.provider))
        if who is None or item.value not in g or who.value not in g or not _iri(item) or not _iri(who):
            continue
        kinds = {t.value for t in quads.objects(record, _n(RDF.type))}
        if country in kinds:
            level = "country"
        elif firm in kinds:
            level = "firm"
        else:
            level = "country" if any(k in g.nodes[who.value]["kinds"] for k in _COUNTRY_KINDS) else "firm"
        share = _number(quads.value(record, _n(CKG.sharePercent)), float, from_ox)
        year = _number(quads.value(record, _n(CKG.year)), int, from_ox)
        note = quads.value(record, _n(CKG.sourceText))
        cited = sorted(name(s) for s in quads.objects(record, _n(DCTERMS.source)))
        provisions.setdefault(item.value, []).append({
            "provider": who.value, "level": level, "share": share, "year": year,
            "source": note.value if note is not None else "; ".join(cited), "record": name(record)})
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
        for s, o in quads.pairs(_n(prop)):
            if s.value in g and o.value in g and s != o and _iri(s) and _iri(o):
                matches.append((s.value, o.value, how))
    g.graph["matches"] = sorted(matches)


def _number(lit, kind, convert=lambda t: t):
    """A literal's value as ``kind`` (float, int); None when absent or malformed (validation reports those)."""
    if lit is None:
        return None
    try:
        return kind(convert(lit).toPython())
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

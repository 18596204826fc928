"""A picture of the model: a Mermaid class diagram of the classes and argument relations, made from the ontology."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from .namespace import CKG

__all__ = ["mermaid"]

_NS = str(CKG._NS)


def _local(node) -> str:
    return str(node)[len(_NS):]


def _members(g: Graph, node) -> list[URIRef]:
    """A named class, or the named members of an owl:unionOf."""
    if isinstance(node, URIRef):
        return [node] if str(node).startswith(_NS) else []
    union = g.value(node, OWL.unionOf)
    if union is None:
        return []
    return [m for m in Collection(g, union) if isinstance(m, URIRef) and str(m).startswith(_NS)]


def mermaid(ontology: Graph) -> str:
    """Mermaid ``classDiagram`` text: subclass arrows and one labelled arrow per domain/range pair.

    Examples
    --------
    >>> from chiplet_kg import ChipletKG
    >>> text = mermaid(ChipletKG().graph)
    >>> "Policy --> Challenge : addresses" in text
    True
    """
    g = ontology
    lines = ["classDiagram", "    direction LR"]
    classes = sorted(c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and str(c).startswith(_NS))
    for c in classes:
        for sup in sorted(g.objects(c, RDFS.subClassOf)):
            if isinstance(sup, URIRef) and str(sup).startswith(_NS):
                lines.append(f"    {_local(sup)} <|-- {_local(c)}")
    props = sorted(p for p in g.subjects(CKG.carriesArgument, Literal(True)) if isinstance(p, URIRef))
    for p in props:
        domains = [d for dom in g.objects(p, RDFS.domain) for d in _members(g, dom)]
        ranges = [r for rng in g.objects(p, RDFS.range) for r in _members(g, rng)]
        for d in domains or [CKG.Entity]:
            for r in ranges or [CKG.Entity]:
                lines.append(f"    {_local(d)} --> {_local(r)} : {_local(p)}")
    return "\n".join(lines) + "\n"

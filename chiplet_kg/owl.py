"""OWL views of the graph: what OWL tools (Protégé, HermiT) expect beyond the Turtle sources."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from .namespace import CKG

__all__ = ["owl_view"]


def owl_view(graph: Graph) -> Graph:
    """A copy of ``graph`` fit for OWL tools: every individual of an ontology class is declared owl:NamedIndividual.

    Protégé and HermiT expect the declaration; the Turtle sources leave it implicit.
    """
    out = Graph()
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns)
    out += graph
    classes = set(graph.subjects(RDF.type, OWL.Class))
    for s, o in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef) and o in classes and str(o).startswith(str(CKG._NS)):
            out.add((s, RDF.type, OWL.NamedIndividual))
    return out

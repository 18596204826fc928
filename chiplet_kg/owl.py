"""OWL 2 consistency with owlready2 and HermiT, with a plain-words explanation of disjointness clashes."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF

from .namespace import CKG, PREFIXES

__all__ = ["OwlResult", "check_consistency", "owl_view"]


@dataclass
class OwlResult:
    """The reasoner's verdict: ``consistent`` is None when it could not run (``error`` says why)."""

    consistent: bool | None
    clashes: list[dict] = field(default_factory=list)
    error: str | None = None


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


_CLASH_QUERY = """
SELECT DISTINCT ?x ?a ?b ?why_a ?why_b WHERE {
    { ?a owl:disjointWith ?b }
    UNION
    { ?d a owl:AllDisjointClasses ; owl:members ?list .
      ?list rdf:rest*/rdf:first ?a . ?list rdf:rest*/rdf:first ?b . FILTER(?a != ?b) }
    ?x a ?ta . ?ta rdfs:subClassOf* ?a .
    BIND(CONCAT("typed ", STR(?ta)) AS ?why_a)
    {
        ?x a ?tb . ?tb rdfs:subClassOf* ?b .
        BIND(CONCAT("typed ", STR(?tb)) AS ?why_b)
    } UNION {
        ?x ?p ?y . ?p rdfs:domain ?tb . FILTER(isIRI(?tb)) ?tb rdfs:subClassOf* ?b .
        BIND(CONCAT("subject of ", STR(?p), " whose domain is ", STR(?tb)) AS ?why_b)
    } UNION {
        ?y ?p ?x . ?p rdfs:range ?tb . FILTER(isIRI(?tb)) ?tb rdfs:subClassOf* ?b .
        BIND(CONCAT("object of ", STR(?p), " whose range is ", STR(?tb)) AS ?why_b)
    }
}
"""


def explain_clashes(graph: Graph) -> list[dict]:
    """Individuals that belong to two disjoint classes, with the reason for each membership."""
    rows = []
    seen = set()
    for x, a, b, why_a, why_b in graph.query(_CLASH_QUERY, initNs=PREFIXES):
        if isinstance(x, BNode):
            continue
        key = (x, frozenset((a, b)))
        if key in seen:
            continue
        seen.add(key)
        rows.append({"individual": x, "class_a": a, "class_b": b, "why_a": str(why_a), "why_b": str(why_b)})
    return rows


def check_consistency(graph: Graph) -> OwlResult:
    """Run HermiT (through owlready2) over ``graph``; say whether it is consistent, and why not.

    owlready2 cannot read Turtle, so the graph is handed over as N-Triples.
    """
    if shutil.which("java") is None:
        return OwlResult(None, error="Java is not installed, so HermiT cannot run: install a Java runtime (e.g. Debian's default-jre-headless)")
    import owlready2

    with tempfile.TemporaryDirectory(prefix="chiplet-kg-owl-") as tmp:
        path = os.path.join(tmp, "graph.nt")
        owl_view(graph).serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            world.get_ontology("file://" + path).load()
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return OwlResult(False, clashes=explain_clashes(graph))
        except owlready2.OwlReadyJavaError as err:
            lines = [ln for ln in str(err).splitlines() if ln.strip() and not ln.startswith(("\tat ", "Java error"))]
            return OwlResult(None, error="HermiT failed: " + (lines[0] if lines else "unknown Java error"))
        finally:
            world.close()
    return OwlResult(True)

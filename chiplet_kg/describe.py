"""An entity's description as RDF: its statements both ways, the axioms that source them, and its neighbours' labels.

This is what the graph's IRIs resolve to in RDF (``chiplet-kg serve``: ``GET /data/NAME`` with an RDF media type)
and what the static site writes beside each entity page.
"""

from __future__ import annotations

from rdflib import Graph, URIRef

__all__ = ["DESCRIBE", "describe"]

#: One CONSTRUCT over the asserted and inferred graphs, ``?e`` bound (as an RDF term, in a VALUES block) to the
#: entity. The parts are in a UNION so that a part with no match does not empty the others.
DESCRIBE = """
CONSTRUCT {
  ?e ?p ?o .
  ?s ?q ?e .
  ?ax a owl:Axiom ; owl:annotatedSource ?axs ; owl:annotatedProperty ?axp ; owl:annotatedTarget ?axo ;
      ?axk ?axv .
  ?src rdfs:label ?srcLabel ; dcterms:title ?srcTitle ; a ?srcType .
  ?n rdfs:label ?nLabel ; a ?nType .
}
WHERE {
  { ?e ?p ?o }
  UNION { ?s ?q ?e FILTER(!isBlank(?s)) }
  UNION {
    { ?ax owl:annotatedSource ?e } UNION { ?ax owl:annotatedTarget ?e }
    ?ax a owl:Axiom ; owl:annotatedSource ?axs ; owl:annotatedProperty ?axp ; owl:annotatedTarget ?axo ; ?axk ?axv .
    OPTIONAL { ?ax dcterms:source ?src .
               OPTIONAL { ?src rdfs:label ?srcLabel } OPTIONAL { ?src dcterms:title ?srcTitle }
               OPTIONAL { ?src a ?srcType } }
  }
  UNION {
    { ?e ?p2 ?n } UNION { ?n ?q2 ?e }
    FILTER(isIRI(?n) && ?n != ?e)
    OPTIONAL { ?n rdfs:label ?nLabel }
    OPTIONAL { ?n a ?nType }
  }
}
"""


def describe(kg, iri: URIRef | str) -> Graph:
    """The description of ``iri`` in ``kg``: every triple with it as subject or object (asserted and inferred), the
    ``owl:Axiom`` annotations of those triples (source and evidence quote), the sources' labels and titles, and the
    labels and classes of its neighbours. Empty when the graph says nothing of ``iri``.

    Examples
    --------
    >>> from chiplet_kg import ChipletKG
    >>> from chiplet_kg.namespace import CKGD
    >>> g = describe(ChipletKG(reason=False), CKGD.Photoresist)
    >>> (CKGD.Photoresist, None, None) in g
    True
    """
    result = kg.store.run(DESCRIBE, {"e": URIRef(str(iri))})
    return result.graph

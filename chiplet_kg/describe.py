"""An entity's description as RDF: its statements both ways, the axioms that source them, and its neighbours' labels.

This is what the graph's IRIs resolve to in RDF (``chiplet-kg serve``: ``GET /data/NAME`` with an RDF media type)
and what the static site writes beside each entity page.
"""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS

__all__ = ["DESCRIBE", "describe", "describe_serialized"]

#: What the description is, as one CONSTRUCT over the asserted and inferred graphs with ``?e`` bound (as an RDF
#: term, in a VALUES block) to the entity; the parts are in a UNION so that a part with no match does not empty
#: the others. :func:`describe` reads the same triples from the store's indexes, which is many times quicker;
#: tests/test_describe.py checks that the two agree.
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
    from .namespace import bind_prefixes
    from .sparql import from_ox

    g = bind_prefixes(Graph())
    for t in _triples(kg, iri):
        g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    return g


def _triples(kg, iri) -> list:
    """The description's triples as pyoxigraph terms: what :data:`DESCRIBE` constructs, read from the store's
    indexes (one look-up per pattern: at 10^5 triples the query itself took ~30 ms an entity, this ~1 ms)."""
    import pyoxigraph as ox

    from .namespace import ASSERTED_GRAPH, INFERRED_GRAPH

    try:
        e = ox.NamedNode(str(iri))
    except ValueError:
        from .errors import UsageError

        raise UsageError(f"not a valid IRI: {str(iri)!r}") from None
    graphs = [ox.NamedNode(str(ASSERTED_GRAPH)), ox.NamedNode(str(INFERRED_GRAPH))]
    a, label, title = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDFS.label)), ox.NamedNode(str(DCTERMS.title))
    axiom = ox.NamedNode(str(OWL.Axiom))
    source = ox.NamedNode(str(DCTERMS.source))

    def match(s=None, p=None, o=None):
        for g in graphs:
            for q in kg.ox.quads_for_pattern(s, p, o, g):
                yield q.triple

    out = set()
    neighbours = set()
    for t in match(e):
        out.add(t)
        if isinstance(t.object, ox.NamedNode) and t.object != e:
            neighbours.add(t.object)
    for t in match(None, None, e):
        if not isinstance(t.subject, ox.BlankNode):
            out.add(t)
            if isinstance(t.subject, ox.NamedNode) and t.subject != e:
                neighbours.add(t.subject)
    axioms = {t.subject for part in (OWL.annotatedSource, OWL.annotatedTarget)
              for t in match(None, ox.NamedNode(str(part)), e)}
    for ax in axioms:
        said = list(match(ax))
        if ox.Triple(ax, a, axiom) not in said or not all(
                any(t.predicate == ox.NamedNode(str(part)) for t in said)
                for part in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget)):
            continue  # not a complete axiom: the query's pattern would not match it either
        out.update(said)
        for t in said:
            if t.predicate == source and not isinstance(t.object, ox.Literal):
                for p in (label, title, a):
                    out.update(match(t.object, p))
    for n in neighbours:
        for p in (label, a):
            out.update(match(n, p))
    return _canonical(out)


def _canonical(triples) -> list:
    """The triples sorted, each blank node (an axiom, a class expression) renamed after what it says.

    The store names blank nodes at random when it loads the files; named after their own triples instead, the
    same description gives the same bytes in every build (the build's manifest compares them).
    """
    import hashlib

    import pyoxigraph as ox

    def masked(term):
        return "_" if isinstance(term, ox.BlankNode) else str(term)

    said: dict = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            said.setdefault(t.subject, []).append(f"{t.predicate} {masked(t.object)}")
        if isinstance(t.object, ox.BlankNode):
            said.setdefault(t.object, []).append(f"^{t.predicate} {masked(t.subject)}")
    signature = {b: hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()[:20] for b, lines in said.items()}
    names, ties = {}, {}
    # Blank nodes that say the same are interchangeable: numbering them in any order gives the same graph.
    for b in sorted(said, key=lambda b: signature[b]):
        n = ties[signature[b]] = ties.get(signature[b], -1) + 1
        names[b] = ox.BlankNode(f"b{signature[b]}{n}")

    def term(t):
        return names.get(t, t) if isinstance(t, ox.BlankNode) else t

    return sorted((ox.Triple(term(t.subject), t.predicate, term(t.object)) for t in triples), key=str)


def describe_serialized(kg, iri: URIRef | str) -> tuple[bytes, bytes]:
    """The description of ``iri`` (:func:`describe`) as Turtle and as JSON-LD, written by pyoxigraph.

    pyoxigraph's writers are many times quicker than rdflib's, which matters when the static site writes both
    files for each of thousands of entities.

    Examples
    --------
    >>> from rdflib import Graph
    >>> from chiplet_kg import ChipletKG
    >>> from chiplet_kg.namespace import CKGD
    >>> ttl, jsonld = describe_serialized(ChipletKG(reason=False), CKGD.Photoresist)
    >>> len(Graph().parse(data=ttl, format="turtle")) == len(Graph().parse(data=jsonld, format="json-ld")) > 10
    True
    """
    import pyoxigraph as ox

    from .namespace import PREFIXES

    triples = _triples(kg, iri)
    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    ttl = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    jsonld = ox.serialize(triples, format=ox.RdfFormat.JSON_LD, prefixes=prefixes)
    return ttl, jsonld

"""describe(kg, iri): an entity's statements both ways, their axioms (source, evidence), its neighbours' labels;
the same graph as Turtle and JSON-LD, byte for byte the same in every build."""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, XSD

from chiplet_kg import CKGD, ChipletKG
from chiplet_kg.describe import describe, describe_serialized
from chiplet_kg.namespace import CKG


def test_statements_both_ways_with_their_axioms(kg):
    g = describe(kg, CKGD.Photoresist)
    assert (CKGD.Photoresist, CKG.suppliedBy, CKGD.JSR) in g            # outgoing
    assert (CKGD.Chiplet, CKG.dependsOn, CKGD.Photoresist) in g          # incoming
    assert (CKGD.Photoresist, RDFS.label, Literal("光刻胶", lang="zh")) in g
    # the axiom of photoresist → key materials, with the paper's section and its quote
    axioms = [ax for ax in g.subjects(OWL.annotatedTarget, CKGD.KeyMaterials)
              if (ax, OWL.annotatedSource, CKGD.Photoresist) in g]
    assert len(axioms) == 1
    assert (axioms[0], DCTERMS.source, CKGD["paper-s4-2"]) in g
    assert str(g.value(axioms[0], CKG.evidence)) == "关键材料国产化率低，如光刻胶、高性能封装基板材料等"
    # the source's label and the neighbours' labels and classes
    assert g.value(CKGD["paper-s4-2"], RDFS.label) is not None
    assert (CKGD.JSR, RDF.type, CKG.Firm) in g and g.value(CKGD.JSR, RDFS.label) is not None


def test_unknown_iri_gives_an_empty_graph(kg):
    assert len(describe(kg, URIRef("https://w3id.org/chiplet-kg/data/NoSuchThing"))) == 0
    ttl, jsonld = describe_serialized(kg, URIRef("https://w3id.org/chiplet-kg/data/NoSuchThing"))
    assert len(Graph().parse(data=ttl, format="turtle")) == 0


def test_an_iri_is_bound_not_pasted(kg):
    """The IRI is bound as a term: one with quotes and a fragment is just an unknown IRI; text that is no IRI
    (it would break out of the query) is refused with a clear error."""
    import pytest

    from chiplet_kg.errors import UsageError

    assert len(describe(kg, URIRef("https://example.org/x?q=1#a'b"))) == 0
    with pytest.raises(UsageError, match="not a valid IRI"):
        describe(kg, URIRef("https://example.org/x> } UNION { ?s ?p ?o"))


def test_serialized_forms_parse_back_to_the_same_graph(kg):
    for node in (CKGD.Photoresist, CKG.Material, CKG.suppliedBy, CKGD["paper-s4-2"]):
        ttl, jsonld = describe_serialized(kg, node)
        a = Graph().parse(data=ttl, format="turtle")
        b = Graph().parse(data=jsonld, format="json-ld")
        assert len(a) > 0 and isomorphic(a, b), node
        assert isomorphic(a, _plain(describe(kg, node))), node


def _plain(g: Graph) -> Graph:
    """``"x"^^xsd:string`` as ``"x"`` (the same literal in RDF 1.1; rdflib compares them as different)."""
    out = Graph()
    for s, p, o in g:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def test_same_bytes_from_two_loads():
    """Blank nodes (axioms) are named after what they say, not by the store: two loads give the same files."""
    first = describe_serialized(ChipletKG(reason=False), CKGD.Photoresist)
    second = describe_serialized(ChipletKG(reason=False), CKGD.Photoresist)
    assert first == second
    assert b"_:b" in first[0]  # the axioms are there, as blank nodes


def test_describe_reads_what_the_construct_query_says(kg):
    """describe() reads the store's indexes; the documented CONSTRUCT (DESCRIBE, the entity bound as a term)
    gives the same graph."""
    from chiplet_kg.describe import DESCRIBE

    for node in (CKGD.Photoresist, CKGD.JSR, CKGD["paper-s4-2"], CKG.Material, CKG.suppliedBy, CKGD.China):
        by_query = kg.store.run(DESCRIBE, {"e": node}).graph
        assert len(by_query) == len(describe(kg, node)) > 0, node
        assert isomorphic(_plain(by_query), _plain(describe(kg, node))), node

"""One store: the files are loaded once into pyoxigraph; the rdflib views and the queries always agree."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from chiplet_kg import ChipletKG, InputError, UsageError
from chiplet_kg.loader import load_into_store
from chiplet_kg.namespace import ASSERTED_GRAPH, CKG, CKGD

EX = "https://example.org/store-test/"
SMALL = f"""\
@prefix ex: <{EX}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:a rdfs:label "alpha"@en , "阿尔法"@zh ; ex:next ex:b .
ex:b rdfs:label "beta"@en .
"""


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.ttl"
    path.write_text(SMALL, encoding="utf-8")
    return ChipletKG(builtin=False, data=(path,))


def _ask(kg, text, **kw) -> bool:
    return kg.sparql(f"PREFIX ex: <{EX}> ASK {{ {text} }}", **kw).boolean


def test_queries_do_not_need_the_rdflib_view(tmp_path):
    """Loading and querying go through the store only; the rdflib graph is parsed when first asked for."""
    path = tmp_path / "small.ttl"
    path.write_text(SMALL, encoding="utf-8")
    kg = ChipletKG(builtin=False, data=(path,))
    assert _ask(kg, "ex:a ex:next ex:b") and kg.label(URIRef(EX + "a"), "zh") == "阿尔法"
    assert kg.find("beta") == URIRef(EX + "b") and len(kg) == 4
    assert kg._graph is None  # nothing above needed rdflib's parser
    assert len(kg.graph) == 4


def test_the_views_and_the_store_hold_the_same_triples():
    """The shipped graph: the same asserted triples in the store (pyoxigraph) and in the rdflib view, same classes."""
    fresh = ChipletKG()
    before, in_store = fresh.class_counts(), len(fresh)
    assert fresh._graph is None
    assert len(fresh.graph) == in_store > 5000
    assert fresh.class_counts() == before  # read from the store, then from the view
    assert {str(s) for s in fresh.graph.subjects(RDF.type, CKG.Firm)} == {
        str(r["f"]) for r in fresh.sparql("SELECT ?f WHERE { ?f a ckg:Firm }", asserted_only=True).rows}


def test_a_triple_added_to_the_graph_view_reaches_queries(small):
    """kg.graph.add(...) is seen by the next query, label look-up and find."""
    c = URIRef(EX + "c")
    small.graph.add((c, RDFS.label, Literal("gamma", lang="en")))
    small.graph.add((URIRef(EX + "b"), URIRef(EX + "next"), c))
    assert _ask(small, "ex:a ex:next/ex:next ?x . ?x rdfs:label 'gamma'@en")
    assert small.find("gamma") == c and small.label_in(c, "en") == "gamma"
    small.graph.remove((c, None, None))
    assert not _ask(small, "?x rdfs:label 'gamma'@en")


def test_an_assigned_graph_replaces_the_asserted_triples(small):
    """kg.graph = other: queries answer from the other graph."""
    other = Graph()
    other.add((URIRef(EX + "z"), RDFS.label, Literal("zeta", lang="en")))
    small.graph = other
    assert _ask(small, "ex:z rdfs:label 'zeta'@en") and not _ask(small, "ex:a ?p ?o")
    assert len(small) == 1


def test_inferred_triples_are_apart_from_asserted_ones(small):
    """What kg.inferred holds is queried by default and left out with asserted_only."""
    assert len(small.inferred) == 0
    inferred = Graph()
    inferred.add((URIRef(EX + "a"), RDF.type, CKG.Entity))
    small.inferred = inferred
    assert _ask(small, "ex:a a ckg:Entity")
    assert not _ask(small, "ex:a a ckg:Entity", asserted_only=True)
    small.inferred.add((URIRef(EX + "b"), RDF.type, CKG.Entity))  # a change to the view, not a new graph
    assert _ask(small, "ex:b a ckg:Entity")
    assert len(small) == 4  # asserted only


def test_malformed_turtle_says_file_and_line_and_loads_nothing(tmp_path):
    """A syntax error deep in a file: the message names the file and the line; the store keeps nothing of it."""
    bad = tmp_path / "bad.ttl"
    bad.write_text(SMALL + "ex:c rdfs:label 'unterminated .\nex:d rdfs:label 'd' .\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.ttl: line 5"):
        ChipletKG(builtin=False, data=(bad,))
    store = ox.Store()
    with pytest.raises(InputError, match=r"bad\.ttl: line 5"):
        load_into_store(store, bad, ox.NamedNode(str(ASSERTED_GRAPH)))
    assert len(store) == 0


def test_malformed_ntriples_says_file_and_line(tmp_path):
    """The same for N-Triples, which pyoxigraph loads."""
    bad = tmp_path / "bad.nt"
    bad.write_text('<urn:x:a> <urn:x:p> "one" .\n<urn:x:a> <urn:x:p> "two .\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.nt: .*line 2\b"):
        ChipletKG(builtin=False, data=(bad,))


def test_quad_files_merge_their_graphs_and_blank_nodes_stay_apart(tmp_path):
    """N-Quads and TriG named graphs become asserted triples; the same blank node label in two files is two nodes."""
    nq = tmp_path / "a.nq"
    nq.write_text(f'_:b <{EX}p> "from nq" <{EX}g1> .\n<{EX}a> <{EX}p> _:b .\n', encoding="utf-8")
    trig = tmp_path / "b.trig"
    trig.write_text(f'@prefix ex: <{EX}> .\nex:g2 {{ _:b ex:p "from trig" . ex:a ex:p _:b . }}\n', encoding="utf-8")
    kg = ChipletKG(builtin=False, data=(nq, trig))
    assert len(kg) == 4
    rows = kg.sparql(f"SELECT ?v WHERE {{ <{EX}a> <{EX}p> ?b . ?b <{EX}p> ?v }}").rows
    assert sorted(str(r["v"]) for r in rows) == ["from nq", "from trig"]
    assert kg.sparql("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows == [{"g": ASSERTED_GRAPH}] * 4


def test_rdf_xml_goes_through_rdflib_into_the_store(tmp_path):
    """Formats pyoxigraph does not load for us (RDF/XML, JSON-LD) still end up in the one store."""
    g = Graph()
    g.add((URIRef(EX + "x"), RDFS.label, Literal("from xml", lang="en")))
    path = tmp_path / "mine.rdf"
    path.write_bytes(g.serialize(format="xml", encoding="utf-8"))
    kg = ChipletKG(builtin=False, data=(path,))
    assert _ask(kg, "ex:x rdfs:label 'from xml'@en") and len(kg) == 1


def test_lookup_of_a_text_that_is_no_iri_finds_nothing(kg):
    """Regression: an entity parameter with '>' in it made the store lookup raise instead of 'no entity named'."""
    with pytest.raises(UsageError, match="no entity named"):
        kg.find("ckgd:JCET> ?p ?o } #")
    assert kg.label_in(URIRef("https://w3id.org/chiplet-kg/data/JCET> x"), "en") is None
    assert kg.find("ckgd:JCET") == CKGD.JCET

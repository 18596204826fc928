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
    return ChipletKG(builtin=False, data=(path,), reason=False)


def _ask(kg, text, **kw) -> bool:
    return kg.sparql(f"PREFIX ex: <{EX}> ASK {{ {text} }}", **kw).boolean


def test_queries_do_not_need_the_rdflib_view(tmp_path):
    """Loading and querying go through the store only; the rdflib view is made from the store when first asked for."""
    path = tmp_path / "small.ttl"
    path.write_text(SMALL, encoding="utf-8")
    kg = ChipletKG(builtin=False, data=(path,), reason=False)
    assert _ask(kg, "ex:a ex:next ex:b") and kg.label(URIRef(EX + "a"), "zh") == "阿尔法"
    assert kg.find("beta") == URIRef(EX + "b") and len(kg) == 4
    assert not kg._views  # nothing above needed an rdflib graph
    path.write_text("", encoding="utf-8")  # the view comes from the store, never from the files
    assert len(kg.graph) == 4


def test_the_views_and_the_store_hold_the_same_triples():
    """The shipped graph: the same asserted triples in the store (pyoxigraph) and in the rdflib view, same classes."""
    fresh = ChipletKG(reason=False)
    before, in_store = fresh.class_counts(), len(fresh)
    assert not fresh._views
    assert len(fresh.graph) == in_store > 5000
    assert fresh.class_counts() == before  # read from the store, then from the view
    assert {str(s) for s in fresh.graph.subjects(RDF.type, CKG.Firm)} == {
        str(r["f"]) for r in fresh.sparql("SELECT ?f WHERE { ?f a ckg:Firm }", asserted_only=True).rows}


def test_added_triples_reach_queries_labels_find_and_the_view(small):
    """kg.add_triples(...) is seen by the next query, label look-up, find, len and the rdflib view."""
    c = URIRef(EX + "c")
    before = small.graph
    small.add_triples([(c, RDFS.label, Literal("gamma", lang="en")), (URIRef(EX + "b"), URIRef(EX + "next"), c)])
    assert _ask(small, "ex:a ex:next/ex:next ?x . ?x rdfs:label 'gamma'@en")
    assert small.find("gamma") == c and small.label_in(c, "en") == "gamma"
    assert len(small) == 6 and small.graph is not before and (c, RDFS.label, Literal("gamma", lang="en")) in small.graph
    assert small.changed


def test_the_views_are_read_only(small):
    """Changing kg.graph or kg.inferred raises and says what to call instead; the store keeps its triples."""
    t = (URIRef(EX + "z"), RDFS.label, Literal("zeta", lang="en"))
    for change in (lambda: small.graph.add(t), lambda: small.graph.remove((None, None, None)),
                   lambda: small.inferred.add(t), lambda: small.graph.parse(data="", format="turtle")):
        with pytest.raises(TypeError, match="add_triples"):
            change()
    with pytest.raises(AttributeError):
        small.graph = Graph()
    assert len(small) == 4 and not _ask(small, "ex:z ?p ?o") and not small.changed
    assert len(small.graph + Graph()) == 4  # a copy is an ordinary graph


def test_inferred_triples_are_apart_from_asserted_ones(small):
    """What kg.set_inferred puts in is queried by default and left out with asserted_only; it replaces, not adds."""
    assert len(small.inferred) == 0
    small.set_inferred([(URIRef(EX + "a"), RDF.type, CKG.Entity)])
    assert _ask(small, "ex:a a ckg:Entity") and small.reasoned
    assert not _ask(small, "ex:a a ckg:Entity", asserted_only=True)
    small.set_inferred([(URIRef(EX + "b"), RDF.type, CKG.Entity)])
    assert _ask(small, "ex:b a ckg:Entity") and not _ask(small, "ex:a a ckg:Entity")
    assert len(small.inferred) == 1 and len(small) == 4  # asserted only
    assert not small.changed  # the asserted triples are still the files'


LEXICAL = """\
@prefix ex: <https://example.org/lexical/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:m ex:size "43.21"^^xsd:decimal ; ex:share2 100.0 ; ex:share3 "12.50"^^xsd:decimal ; ex:min "1"^^xsd:nonNegativeInteger ; ex:at "2024-01-01T00:00:00Z"^^xsd:dateTimeStamp ; ex:share "007"^^xsd:integer ; ex:odd "not a number"^^xsd:decimal ;
     ex:year "2024"^^xsd:gYear ; ex:when "2024-05-01T10:00:00Z"^^xsd:dateTime ; ex:flag "1"^^xsd:boolean ;
     rdfs:label "芯粒"@zh , "Chiplet"@en , "Chiplet"@en-GB , "plain" , "tab\\there \\"quoted\\""  ;
     ex:part [ rdfs:label "a blank node" ; ex:part [ rdfs:label "a nested one" ] ] , [ rdfs:label "another" ] .
"""


def test_the_view_holds_what_rdflib_parses_from_the_files(tmp_path):
    """Regression: literal lexical forms (decimals, odd numbers, datatypes), language tags and blank nodes survive
    the store → rdflib view round trip: the view is isomorphic to rdflib's own parse of the file. pyoxigraph's
    store files xsd:nonNegativeInteger as xsd:integer and 100.0 as "100"; the view still shows the file's
    datatype (SHACL checks it) and text."""
    from rdflib.compare import isomorphic

    path = tmp_path / "lexical.ttl"
    path.write_text(LEXICAL, encoding="utf-8")
    kg = ChipletKG(builtin=False, data=(path,), reason=False)
    parsed = Graph()
    for s, p, o in Graph().parse(path, format="turtle"):
        # pyoxigraph stores language tags in lower case (RDF 1.1: they compare case-insensitively): "en-GB" → "en-gb".
        parsed.add((s, p, Literal(str(o), lang=o.language.lower()) if getattr(o, "language", None) else o))
    assert len(kg.graph) == len(parsed) == 21
    assert isomorphic(kg.graph, parsed)
    # Queries see the same forms: a decimal keeps its digits, an ill-typed literal its text.
    assert _ask(kg, '<https://example.org/lexical/m> ?p ?v FILTER(STR(?v) = "43.21" && DATATYPE(?v) = xsd:decimal)')
    assert _ask(kg, '<https://example.org/lexical/m> ?p ?v FILTER(STR(?v) = "not a number")')
    size = next(o for o in kg.graph.objects(None, URIRef("https://example.org/lexical/size")))
    assert str(size) == "43.21" and str(size.datatype).endswith("#decimal")
    assert {lab.language for lab in kg.graph.objects(None, RDFS.label) if lab.language} == {"zh", "en", "en-gb"}


def test_the_shipped_graph_view_is_rdflibs_parse():
    """The whole shipped graph: the view made from the store holds rdflib's parse of the same files (the triples
    without blank nodes equal, as many with them), so validation and exports see what they saw before."""
    from rdflib import BNode

    kg = ChipletKG(reason=False)
    parsed = Graph()
    for path in kg.files:
        parsed.parse(path, format="turtle")

    def split(graph):
        named = {t for t in graph if not any(isinstance(x, BNode) for x in t)}
        return named, len(graph) - len(named)

    assert split(kg.graph) == split(parsed)
    assert len(kg.ontology) == len(Graph().parse(ChipletKG.ontology_files(kg.root)[0])) + sum(
        len(Graph().parse(p)) for p in ChipletKG.ontology_files(kg.root)[1:])


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


def test_the_constructor_is_the_pipelines_load_then_reason(tmp_path, monkeypatch):
    """ChipletKG(...) runs pipeline.load and pipeline.reason: the same store as calling the stages by hand."""
    from chiplet_kg import pipeline
    from chiplet_kg.kg import ChipletKG as KG

    path = tmp_path / "small.ttl"
    path.write_text(SMALL, encoding="utf-8")
    by_hand = KG.over(pipeline.load((path,), builtin=False))
    assert not by_hand.reasoned and len(by_hand) == 4
    calls = []
    monkeypatch.setattr(pipeline, "reason", lambda kg: calls.append(kg) or kg.set_inferred(
        [(URIRef(EX + "a"), RDF.type, CKG.Entity)]))
    kg = ChipletKG(builtin=False, data=(path,))
    assert calls == [kg] and kg.reasoned and _ask(kg, "ex:a a ckg:Entity")
    assert set(kg.graph) == set(by_hand.graph)
    assert ChipletKG(builtin=False, data=(path,), reason=False).reasoned is False

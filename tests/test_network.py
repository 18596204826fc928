"""The networkx projection: entities as nodes, argument relations as edges, with labels, sources and evidence."""

from __future__ import annotations

import textwrap

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from chiplet_kg import CKG, CKGD, ChipletKG
from chiplet_kg.kg import project_root
from chiplet_kg.network import class_label, has_kind, nodes_of, project

from .conftest import DATA

EX = "https://example.org/net/"
ONTOLOGY = project_root() / "ontology" / "chiplet.ttl"

SMALL = textwrap.dedent(f"""\
    @prefix ckg: <https://w3id.org/chiplet-kg/ontology/> .
    @prefix ex: <{EX}> .
    @prefix owl: <http://www.w3.org/2002/07/owl#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix dcterms: <http://purl.org/dc/terms/> .

    ex:src a dcterms:BibliographicResource ; dcterms:title "a source"@en .
    ex:Chip a ckg:PackagingPlatform ; rdfs:label "Chip"@en , "芯片"@zh ; dcterms:source ex:src .
    ex:Glue a ckg:Material ; rdfs:label "Glue"@en ; dcterms:source ex:src .
    ex:Maker a ckg:Firm ; rdfs:label "Maker"@en , "制造商"@zh ; dcterms:source ex:src .
    ex:Land a ckg:CountryOrRegion ; rdfs:label "Land"@en , "国"@zh ; dcterms:source ex:src .
    ex:Chip ckg:dependsOn ex:Glue .
    [] a owl:Axiom ; owl:annotatedSource ex:Chip ; owl:annotatedProperty ckg:dependsOn ; owl:annotatedTarget ex:Glue ;
        dcterms:source ex:src ; ckg:evidence "Chips need glue."@en , "芯片需要胶。"@zh .
    ex:Glue ckg:suppliedBy ex:Maker .
    ex:Maker ckg:developedBy ex:Maker .
    ex:Glue ckg:developedBy ex:Maker .
    ex:Maker ckg:basedIn ex:Land .
    ex:Maker ckg:unit ex:Land .
    ex:Maker ckg:basedIn ex:src .
""")


@pytest.fixture(scope="module")
def g(kg):
    return project(kg)


@pytest.fixture()
def small(tmp_path):
    path = tmp_path / "small.ttl"
    path.write_text(SMALL, encoding="utf-8")
    return ChipletKG(data=(ONTOLOGY, path), builtin=False, reason=False)


def test_nodes_are_exactly_the_entities(kg, g):
    """Every individual typed below ckg:Entity is a node, and nothing else is (no sources, no classes)."""
    assert set(g.nodes) == {str(e) for e in kg.entities()}
    assert str(CKGD["paper-s5-1"]) not in g
    assert str(CKG.Firm) not in g


@pytest.fixture(scope="module")
def reasoned() -> ChipletKG:
    return ChipletKG()  # the default: reasoned


def test_edges_are_exactly_the_argument_relations_between_entities(reasoned):
    """One edge per triple (asserted, else inferred) of a ckg:carriesArgument property between two entities, keyed
    by predicate: the projection (quad patterns on the store) agrees with SPARQL on the same store, and with the
    rdflib views."""
    kg, g = reasoned, project(reasoned)
    entities = set(kg.entities())
    rows = kg.sparql("SELECT ?s ?p ?o (EXISTS { GRAPH <https://w3id.org/chiplet-kg/graph/asserted> { ?s ?p ?o } } "
                     "AS ?asserted) WHERE { ?p ckg:carriesArgument true . ?s ?p ?o }").rows
    expected = {(str(r["s"]), kg.qname(r["p"]), str(r["o"]), not r["asserted"].toPython()) for r in rows
                if r["s"] in entities and r["o"] in entities}
    assert len(expected) > 300 and any(inferred for *_, inferred in expected)
    got = {(u, k, v, d["inferred"]) for u, v, k, d in g.edges(keys=True, data=True)}
    assert got == expected
    props = set(kg.graph.subjects(CKG.carriesArgument, Literal(True)))
    views = {(str(s), kg.qname(p), str(o)) for p in props for graph in (kg.graph, kg.inferred)
             for s, o in graph.subject_objects(p) if s in entities and o in entities}
    assert {e[:3] for e in got} == views
    assert all(d["predicate"] == k and "type" not in d for _, _, k, d in g.edges(keys=True, data=True))


def test_the_projection_without_inferences_is_the_asserted_graph(kg):
    """inferred=False: exactly the asserted argument relations, none marked inferred."""
    plain = project(kg, inferred=False)
    entities = set(kg.entities())
    props = set(kg.graph.subjects(CKG.carriesArgument, Literal(True)))
    expected = {(str(s), kg.qname(p), str(o)) for p in props for s, o in kg.graph.subject_objects(p)
                if s in entities and o in entities}
    assert {(u, k, v) for u, v, k in plain.edges(keys=True)} == expected
    assert not any(d["inferred"] for *_, d in plain.edges(keys=True, data=True))


def test_shipped_edges_carry_source_and_evidence(g):
    """The shipped graph annotates every argument relation, and the projection carries it over."""
    for u, v, k, d in g.edges(keys=True, data=True):
        assert d["source"] and d["evidence"] and d["inferred"] is False, (u, k, v)


def test_node_attributes_from_the_paper(g):
    """JCET: a firm named 长电科技 in the paper, cited to the paper's sections."""
    jcet = g.nodes[str(CKGD.JCET)]
    assert jcet["class"] == "ckg:Firm" and jcet["label_zh"] == "长电科技"
    assert {"ckg:Firm", "ckg:Organisation", "ckg:Entity"} <= set(jcet["kinds"])
    assert any(s.startswith("ckgd:paper") for s in jcet["source"])
    edge = g.edges[str(CKGD.InstrumentSpecialFund), str(CKGD.HighEndEDA), "ckg:addresses"]
    assert edge["label_zh"] == "针对" and edge["source"] == ["ckgd:paper-s5-1"]
    assert "高端 EDA工具" in edge["evidence"][0]


def test_small_graph_projection(small):
    """A hand-built graph: the most specific class, label fallback, parallel edges, only argument properties."""
    g = project(small)
    chip, glue, maker, land = (EX + n for n in ("Chip", "Glue", "Maker", "Land"))
    assert set(g.nodes) == {chip, glue, maker, land}
    assert g.nodes[chip]["class"] == "ckg:PackagingPlatform"
    assert has_kind(g, chip, "ckg:Technology") and not has_kind(g, chip, "ckg:SupplyChainItem")
    assert nodes_of(g, "ckg:Organisation") == [maker]
    assert g.nodes[glue]["label_zh"] == "Glue"          # no Chinese label: the English one stands in
    assert g.nodes[maker]["source"] == [EX + "src"]
    # glue → maker twice (supplied by, developed by); maker → itself; ckg:unit carries no argument; ex:src is no
    # entity, so the basedIn to it is left out.
    assert sorted(k for _, _, k in g.edges(glue, keys=True)) == ["ckg:developedBy", "ckg:suppliedBy"]
    assert g.has_edge(maker, maker, "ckg:developedBy")
    assert not g.has_edge(maker, land, "ckg:unit")
    assert g.number_of_edges() == 5
    dep = g.edges[chip, glue, "ckg:dependsOn"]
    assert dep["source"] == [EX + "src"] and sorted(dep["evidence"]) == ["Chips need glue.", "芯片需要胶。"]
    assert g.edges[glue, maker, "ckg:suppliedBy"]["evidence"] == []
    assert class_label(g, "ckg:Firm", "zh") == "企业"


def test_inferred_edges_are_marked_and_optional(small):
    """Triples in kg.inferred become edges marked inferred=True; an inferred copy of an asserted edge is not added."""
    chip, glue, maker, land = (URIRef(EX + n) for n in ("Chip", "Glue", "Maker", "Land"))
    small.set_inferred([
        (chip, CKG.dependsOn, maker),         # new
        (chip, CKG.dependsOn, glue),          # already asserted
        (maker, CKG.supplies, glue),          # inverse property: carries no argument
        (land, RDF.type, CKG.Entity)])
    g = project(small, inferred=True)
    assert g.edges[str(chip), str(maker), "ckg:dependsOn"]["inferred"] is True
    assert g.edges[str(chip), str(glue), "ckg:dependsOn"]["inferred"] is False
    assert not g.has_edge(str(maker), str(glue))
    assert g.nodes[str(land)]["class"] == "ckg:CountryOrRegion"
    plain = project(small, inferred=False)
    assert not plain.has_edge(str(chip), str(maker))
    assert plain.number_of_edges() == g.number_of_edges() - 1


def test_untrusted_labels_are_kept_verbatim():
    """Script payloads in a --data file arrive in the projection exactly as typed (escaping is the views' job)."""
    g = project(ChipletKG(data=(DATA / "xss-labels.ttl",)))
    evil = g.nodes["https://example.org/xss/EvilCo"]
    assert evil["label_en"] == "<img src=x onerror=alert('label-en')>"
    assert evil["source"] == ["https://example.org/xss/report", "javascript:alert('source-iri')"]
    edge = g.edges[str(CKGD.Photoresist), "https://example.org/xss/EvilCo", "ckg:suppliedBy"]
    assert edge["evidence"][0].startswith("</script><script>")
    assert Literal(evil["label_zh"]).endswith("恶意公司")

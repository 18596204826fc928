"""The fast SHACL path (chiplet_kg.shacl) gives the report plain pySHACL gives, on every fixture and at scale."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import Counter

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from chiplet_kg import ChipletKG
from chiplet_kg.kg import project_root
from chiplet_kg.shacl import (UnsupportedShape, constraint_query, load_shapes, reference, run_shapes, split_shapes,
                              store_graph)

from .conftest import DATA, fixture_header

FIXTURES = sorted((DATA / "bad").glob("*.ttl")) + sorted((DATA / "good").glob("*.ttl"))
SHAPES = project_root() / "ontology" / "shapes.ttl"
CKG = "https://w3id.org/chiplet-kg/ontology/"
#: Size of the generated graph for the comparison at scale. Plain pySHACL, the reference, runs one rdflib query
#: per focus node and SPARQL constraint (minutes of CPU at 10^5 triples), so the suite uses 10k; set
#: CHIPLET_KG_EQUIV_TRIPLES=100k (and --timeout=0) for the full size.
SCALE = os.environ.get("CHIPLET_KG_EQUIV_TRIPLES", "10k")


def _ox(kg: ChipletKG):
    store = kg.store
    return getattr(kg, "ox", None) or store.ox


def _compare(kg: ChipletKG, shapes: Graph) -> list:
    """Both reports on the same merged graph (built from the store, so blank nodes are the same nodes)."""
    ox_store = _ox(kg)
    data = store_graph(ox_store)
    mine = run_shapes(ox_store, shapes, data)
    ref = reference(data, shapes)
    assert {r.key() for r in mine} == {r.key() for r in ref}
    # As many results as pySHACL gives, with the same severities and messages.
    assert Counter((r.key(), r.severity, r.messages) for r in mine) == Counter((r.key(), r.severity, r.messages) for r in ref)
    return mine


def _kg_for(path) -> ChipletKG:
    """The graph test_validation checks the fixture in: the ontology (unless the header says not) and the fixture."""
    files = ChipletKG.ontology_files(project_root()) if fixture_header(path).get("builtin") != "no" else []
    return ChipletKG(data=tuple(files) + (path,), builtin=False, reason=False)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(SHAPES)


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.name}-{p.stem}" for p in FIXTURES])
def test_fixture_report_equals_pyshacl(path, shapes):
    """Each fixture gives the same results (focus, path, component, shape, value; severity, messages) both ways."""
    results = _compare(_kg_for(path), shapes)
    header = fixture_header(path)
    if path.parent.name == "bad" and header.get("check") != "owl" and header["expect-rule"].startswith("ckgsh:"):
        shape = URIRef(header["expect-rule"].replace("ckgsh:", "https://w3id.org/chiplet-kg/shapes/"))
        owners = {shape} | set(shapes.objects(shape, SH.property))
        assert any(r.shape in owners for r in results), "the fixture's own shape reported nothing"


def _seed_violations(source, target, seed: int = 16) -> None:
    """Copy the generated N-Triples, breaking a few of them: dropped evidence and Chinese labels, a relation
    pointing out of its range (so its axiom no longer matches), an undeclared class."""
    rng = random.Random(seed)
    china = "<https://w3id.org/chiplet-kg/data/China>"
    with open(source, encoding="utf-8") as src, open(target, "w", encoding="utf-8") as out:
        for line in src:
            roll = rng.random()
            if f"<{CKG}evidence>" in line and roll < 0.01:
                continue
            if line.rstrip().endswith('"@zh .') and "rdf-schema#label>" in line and roll < 0.005:
                continue
            if f"<{CKG}dependsOn>" in line and roll < 0.01:
                s, p, _o = line.split(" ", 2)
                line = f"{s} {p} {china} .\n"
            if f"<{RDF.type}> <{CKG}Firm>" in line and roll < 0.01:
                line = line.replace(f"<{CKG}Firm>", f"<{CKG}Frim>")
            out.write(line)


def test_generated_graph_with_violations_equals_pyshacl(tmp_path, shapes):
    """A generated graph (benchmarks/gen.py, 10k triples unless CHIPLET_KG_EQUIV_TRIPLES says) with seeded
    violations of core and SPARQL-based shapes gives the same report both ways.

    It is loaded with the ontology only: its firms based in ckgd:China (of the shipped data) then point out of
    ckg:basedIn's range too.
    """
    clean = tmp_path / "gen.nt"
    subprocess.run([sys.executable, str(project_root() / "benchmarks" / "gen.py"), "--triples", SCALE, "--seed", "8",
                    "-o", str(clean)], check=True, capture_output=True)
    broken = tmp_path / "broken.nt"
    _seed_violations(clean, broken)
    kg = ChipletKG(data=tuple(ChipletKG.ontology_files(project_root())) + (broken,), builtin=False, reason=False)
    results = _compare(kg, shapes)
    components = {r.component for r in results}
    assert {SH.SPARQLConstraintComponent, SH.MinCountConstraintComponent,
            SH.QualifiedMinCountConstraintComponent} <= components
    assert {r.shape.rsplit("/", 1)[-1] for r in results if isinstance(r.shape, URIRef)} >= {
        "KnownClassShape", "RelationRangeShape", "ArgumentEvidenceShape", "AxiomShape"}


def _one_constraint(select: str, target: str = "sh:targetClass ckg:Entity") -> Graph:
    return Graph().parse(data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ckg: <{CKG}> . @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; {target} ; sh:sparql [ sh:select \"\"\"{select}\"\"\" ] .""", format="turtle")


@pytest.mark.parametrize("select, why", [
    ("SELECT $this WHERE { $this ?p ?o MINUS { $this a ?c } }", "a MINUS clause"),
    ("SELECT $this WHERE { VALUES ?o { 1 } $this ?p ?o }", "a VALUES clause"),
    ("SELECT $this WHERE { $this ?p ?o } LIMIT 3", "uses LIMIT"),
    ("SELECT $this WHERE { { SELECT $this WHERE { $this ?p ?o } } }", "nested SELECT"),
    ("SELECT $this WHERE { ?s ?p ?o . { ?s ?q ?r FILTER(?r = $this) } }", "inside a nested group"),
    ("SELECT $this WHERE { $this ?p ?o . FILTER($shapesGraph = ?o) }", r"uses \$shapesGraph"),
    ("SELECT $this WHERE { ?s ?p ?o BIND(?o AS $this) }", "re-binds"),
], ids=["minus", "values", "limit", "subselect", "nested-filter", "shapesGraph", "as-this"])
def test_unsupported_query_is_refused_by_name(select, why):
    """A constraint that cannot run as one query faithfully is refused with a message saying what, not run wrongly."""
    graph = _one_constraint(select)
    _core, constraints = split_shapes(graph)
    with pytest.raises(UnsupportedShape, match=why):
        constraint_query(constraints[0], graph)


def test_deactivated_constraint_and_warning_severity():
    """sh:deactivated skips a constraint; sh:severity reaches the result, as in pySHACL."""
    kg = _kg_for(DATA / "bad" / "unknown-class.ttl")
    graph = Graph().parse(data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ckg: <{CKG}> . @prefix ex: <https://example.org/> .
        ex:Off a sh:NodeShape ; sh:targetSubjectsOf <{RDF.type}> ;
            sh:sparql [ sh:select "SELECT $this WHERE {{ $this a ?c }}" ; sh:deactivated true ] .
        ex:Warn a sh:NodeShape ; sh:targetObjectsOf <{RDF.type}> ; sh:severity sh:Warning ;
            sh:sparql [ sh:message "{{$this}} is a class in use" ;
                        sh:select "SELECT $this WHERE {{ FILTER(STRSTARTS(STR($this), \\"{CKG}\\")) }}" ] .""",
                             format="turtle")
    results = _compare(kg, graph)
    assert results and {r.shape for r in results} == {URIRef("https://example.org/Warn")}
    assert {r.severity for r in results} == {SH.Warning}
    assert all(r.messages[0].endswith("is a class in use") and r.messages[0].startswith(CKG) for r in results)


def test_targets_of_every_kind_and_prefixes():
    """sh:targetNode, sh:targetSubjectsOf, sh:targetObjectsOf and a sh:SPARQLTarget pick the focus nodes pySHACL picks."""
    kg = _kg_for(DATA / "bad" / "relation-out-of-range.ttl")
    graph = Graph().parse(data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ckg: <{CKG}> . @prefix ex: <https://example.org/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:P sh:declare [ sh:prefix "c" ; sh:namespace "{CKG}"^^xsd:anyURI ] .
        ex:S a sh:NodeShape ; sh:targetNode <{CKG}Nothing>, <{CKG}Firm> ; sh:targetSubjectsOf ckg:dependsOn ;
            sh:targetObjectsOf ckg:suppliedBy ;
            sh:target [ a sh:SPARQLTarget ; sh:prefixes ex:P ;
                        sh:select "SELECT ?this WHERE {{ ?this a c:Technology }}" ] ;
            sh:sparql [ sh:prefixes ex:P ; sh:message "{{?n}} types" ;
                        sh:select "SELECT $this (COUNT(*) AS ?n) WHERE {{ OPTIONAL {{ $this a ?t }} }} GROUP BY $this" ] .
        ex:T a sh:NodeShape ; sh:targetObjectsOf ckg:suppliedBy ;
            sh:sparql [ sh:prefixes ex:P ; sh:select "SELECT $this ?value WHERE {{ $this a ?value }}" ] .""",
                             format="turtle")
    _core, constraints = split_shapes(graph)
    grouped = [c for c in constraints if "GROUP BY" in c.select]
    with pytest.raises(UnsupportedShape, match="GROUP BY"):
        constraint_query(grouped[0], graph)
    graph.remove((URIRef("https://example.org/S"), SH.sparql, None))
    graph.add((URIRef("https://example.org/S"), SH.sparql, URIRef("https://example.org/C")))
    graph.add((URIRef("https://example.org/C"), SH.prefixes, URIRef("https://example.org/P")))
    graph.add((URIRef("https://example.org/C"), SH.select, Literal("SELECT $this WHERE { FILTER(isIRI($this)) }")))
    results = _compare(kg, graph)
    assert URIRef(CKG + "Firm") in {r.focus for r in results}
    assert URIRef(CKG + "Nothing") in {r.focus for r in results}


def test_unselected_variable_makes_no_extra_result():
    """Regression: with its EXISTS filter run apart, a constraint's variable that it does not select gave one result
    per value of that variable and filled the message's {?o}; pySHACL gives one result and leaves {?o} as written."""
    kg = _kg_for(DATA / "bad" / "relation-out-of-range.ttl")
    graph = Graph().parse(data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ckg: <{CKG}> . @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ckg:Entity ;
            sh:sparql [ sh:message "{{$this}} has {{?o}}" ;
                        sh:select "SELECT $this WHERE {{ $this ?p ?o FILTER NOT EXISTS {{ ?o a <{CKG}Nothing> }} }}" ] .""",
                             format="turtle")
    results = _compare(kg, graph)
    assert results and len(results) == len({r.focus for r in results})
    assert all(r.messages[0].endswith(" has {?o}") for r in results)

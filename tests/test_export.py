"""Exports read back by readers that are not our writers: pyoxigraph, rapper, pyld, igraph, networkx, a Neo4j header check."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import socket
import subprocess
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, XSD

from chiplet_kg import ChipletKG
from chiplet_kg.export import FORMATS, NEO4J_TYPES, export, jsonld_context, render
from chiplet_kg.namespace import ASSERTED_GRAPH, INFERRED_GRAPH
from chiplet_kg.network import project
from chiplet_kg.ontodoc import ontology_html, strip_remote_resources
from chiplet_kg.pipeline import build

from .conftest import DATA, CommandLine

SAMPLE = DATA / "export" / "sample.ttl"
SAMPLE_INFERRED = DATA / "export" / "sample-inferred.ttl"
D = "https://w3id.org/chiplet-kg/data/"
RDF_FORMATS = ["turtle", "ntriples", "rdfxml", "jsonld", "trig", "nquads"]
OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML,
              "jsonld": ox.RdfFormat.JSON_LD, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}
RAPPER_FORMATS = {"turtle": "turtle", "ntriples": "ntriples", "rdfxml": "rdfxml", "trig": "trig", "nquads": "nquads"}
CONTEXT_IRI = "https://w3id.org/chiplet-kg/context.jsonld"


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One real build of the shipped graph (validated and reasoned); its kg carries the inferred triples."""
    kg = ChipletKG()
    out = tmp_path_factory.mktemp("build")
    build(kg, out)
    assert len(kg.inferred) > 0, "the build reasons, so there are inferred triples to export"
    return kg, out


@pytest.fixture(scope="module")
def sample():
    """The hand-built graph of tests/data/export, with hand-written 'inferred' triples."""
    kg = ChipletKG(data=(SAMPLE,), builtin=False, reason=False)
    kg.set_inferred(Graph().parse(SAMPLE_INFERRED))
    return kg


# ------------------------------------------------------------------ helpers


def _quads(data: bytes, fmt: str) -> list:
    return list(ox.parse(data, format=OX_FORMATS[fmt]))


def _rdflib_quads(graph: Graph, name=None) -> list:
    graph_name = ox.NamedNode(str(name)) if name is not None else ox.DefaultGraph()
    data = graph.serialize(format="nt", encoding="utf-8")
    return [ox.Quad(t.subject, t.predicate, t.object, graph_name) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def _canonical(quads) -> set[str]:
    """The quads with blank nodes relabelled by RDF canonicalisation (pyoxigraph): equal sets ⇔ isomorphic."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(q) for q in dataset}


def _source_quads(kg, fmt: str) -> list:
    """What an export in ``fmt`` must hold, built from the loaded graphs (not from the exporter)."""
    if fmt in ("trig", "nquads"):
        return _rdflib_quads(kg.graph, ASSERTED_GRAPH) + (_rdflib_quads(kg.inferred, INFERRED_GRAPH)
                                                          if len(kg.inferred) else [])
    graph = Graph()
    graph += kg.graph
    if fmt == "rdfxml":
        for s, o in kg.graph.subject_objects(RDF.type):
            if isinstance(s, URIRef) and (o, RDF.type, OWL.Class) in kg.graph and str(o).startswith(
                    "https://w3id.org/chiplet-kg/ontology/"):
                graph.add((s, RDF.type, OWL.NamedIndividual))
    else:
        graph += kg.inferred
    return _rdflib_quads(graph)


def _rdflib_term(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _rapper_count(path: Path, fmt: str) -> int:
    rapper = shutil.which("rapper")
    assert rapper, "rapper (Debian raptor2-utils, installed by setup.sh) is needed"
    proc = subprocess.run([rapper, "-i", fmt, "-c", str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    m = re.search(r"returned (\d+) (?:triples|statements)", proc.stderr)
    assert m, proc.stderr
    return int(m.group(1))


def _offline_loader(calls: list):
    """A pyld document loader that serves only the shipped context and refuses everything else."""
    from pyld import jsonld

    shipped = jsonld_context()

    def load(url, options=None):
        calls.append(url)
        if url == CONTEXT_IRI:
            return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": shipped}
        raise jsonld.JsonLdError(f"network refused in tests: {url}", "jsonld.LoadDocumentError",
                                 code="loading document failed")

    return load


def _build_file(out: Path, fmt: str) -> Path:
    return out / "export" / FORMATS[fmt].filename


# ------------------------------------------------------------------ build writes everything


def test_build_writes_every_export_format_and_the_docs(built):
    kg, out = built
    for name, spec in FORMATS.items():
        path = _build_file(out, name)
        if spec.folder:
            assert path.is_dir() and any(path.iterdir()), name
        else:
            assert path.is_file() and path.stat().st_size > 0, name
    assert (out / "export" / "context.jsonld").read_bytes() == (Path(__file__).parent.parent / "chiplet_kg"
                                                                  / "context.jsonld").read_bytes()
    assert (out / "docs" / "index.html").is_file() and (out / "docs" / "index.zh.html").is_file()
    assert not list(out.rglob("*.tmp")) and not [p for p in out.rglob(".*") if p.is_dir()]


# ------------------------------------------------------------------ RDF formats, full graph


@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_rdf_export_is_read_back_by_pyoxigraph_with_the_same_triples(built, fmt):
    """Same count, and the same graph up to blank-node names (RDF canonicalisation, pyoxigraph)."""
    kg, out = built
    expected = _source_quads(kg, fmt)
    got = _quads(_build_file(out, fmt).read_bytes(), fmt)
    assert len(got) == len(expected)
    assert _canonical(got) == _canonical(expected)


@pytest.mark.parametrize("fmt", sorted(RAPPER_FORMATS))
def test_rdf_export_is_read_back_by_rapper_with_the_same_count(built, fmt):
    kg, out = built
    assert _rapper_count(_build_file(out, fmt), RAPPER_FORMATS[fmt]) == len(_source_quads(kg, fmt))


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_trig_and_nquads_keep_asserted_and_inferred_apart(built, fmt):
    kg, out = built
    names = Counter(str(q.graph_name.value) for q in _quads(_build_file(out, fmt).read_bytes(), fmt))
    assert names == {str(ASSERTED_GRAPH): len(kg.graph), str(INFERRED_GRAPH): len(kg.inferred)}


def test_jsonld_expanded_by_pyld_gives_the_same_triples_without_the_network(built):
    from pyld import jsonld

    kg, out = built
    doc = json.loads(_build_file(out, "jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == jsonld_context()["@context"], "the shipped context, embedded"
    calls: list = []
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": _offline_loader(calls)})
    assert calls == []
    got = list(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    expected = _source_quads(kg, "jsonld")
    assert len(got) == len(expected) and _canonical(got) == _canonical(expected)


def test_jsonld_by_reference_to_the_shipped_context_means_the_same(built):
    """A document naming the context by its IRI expands, through the shipped file, to the same triples."""
    from pyld import jsonld

    kg, out = built
    doc = json.loads(_build_file(out, "jsonld").read_text(encoding="utf-8"))
    doc["@context"] = CONTEXT_IRI
    calls: list = []
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": _offline_loader(calls)})
    assert calls == [CONTEXT_IRI]
    got = list(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    assert _canonical(got) == _canonical(_source_quads(kg, "jsonld"))


def test_rdfxml_declares_every_individual_for_protege_and_owlready2_reads_it(built, tmp_path):
    import owlready2

    kg, out = built
    path = _build_file(out, "rdfxml")
    g = Graph().parse(path, format="xml")
    entities = set(kg.entities())
    assert entities and entities <= set(g.subjects(RDF.type, OWL.NamedIndividual))
    assert len(kg.inferred) and not any(t in g for t in kg.inferred if (t in kg.graph) is False)
    world = owlready2.World()
    try:
        world.get_ontology(path.resolve().as_uri()).load()
        found = {i.iri for i in world.individuals()}
        assert {str(e) for e in entities} <= found
    finally:
        world.close()


# ------------------------------------------------------------------ RDF formats, the hand-built graph


@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_sample_rdf_export_is_isomorphic_in_rdflib(sample, fmt):
    """Every term kept exactly (the decimal "4519", quotes, ';', new lines, Chinese): rdflib isomorphism."""
    data = render(sample, fmt)
    expected = Graph()
    for q in _source_quads(sample, fmt):
        expected.add((_rdflib_term(q.subject), _rdflib_term(q.predicate), _rdflib_term(q.object)))
    got = Graph()
    for q in _quads(data, fmt):
        got.add((_rdflib_term(q.subject), _rdflib_term(q.predicate), _rdflib_term(q.object)))
    assert len(got) == len(expected)
    assert isomorphic(got, expected)
    assert (URIRef(D + "SampleEDA"), URIRef("https://w3id.org/chiplet-kg/ontology/marketSize"),
            Literal("4519", datatype=XSD.decimal)) in got


@pytest.mark.parametrize("fmt", ["turtle", "ntriples"])
def test_sample_triple_count_matches_rapper_on_the_source_files(sample, fmt, tmp_path):
    """rapper counts the hand-written files and our export alike."""
    path = tmp_path / f"sample.{fmt}"
    export(sample, fmt, path)
    source = _rapper_count(SAMPLE, "turtle") + _rapper_count(SAMPLE_INFERRED, "turtle")
    assert _rapper_count(path, RAPPER_FORMATS[fmt]) == source


# ------------------------------------------------------------------ graph tools


def _check_counts(projection, nodes: int, edges: int, labels_en: list, labels_zh: list):
    assert projection.number_of_nodes() == nodes and projection.number_of_edges() == edges
    assert sorted(labels_en) == sorted(d["label_en"] for _, d in projection.nodes(data=True))
    assert sorted(labels_zh) == sorted(d["label_zh"] for _, d in projection.nodes(data=True))


def test_sample_projection_is_what_the_file_says(sample):
    """Hand count: 3 entities, 2 asserted edges and 1 inferred one."""
    g = project(sample)
    assert g.number_of_nodes() == 3 and g.number_of_edges() == 3
    assert sorted(d["inferred"] for *_, d in g.edges(data=True)) == [False, False, True]


@pytest.mark.parametrize("which", ["sample", "full"])
def test_graphml_read_by_igraph(which, sample, built, tmp_path):
    import igraph

    kg = sample if which == "sample" else built[0]
    g = project(kg)
    path = tmp_path / "g.graphml"
    export(kg, "graphml", path)
    ig = igraph.Graph.Read_GraphML(str(path))
    assert ig.is_directed()
    _check_counts(g, ig.vcount(), ig.ecount(), ig.vs["label_en"], ig.vs["label_zh"])
    assert ig.vs["label"] == ig.vs["label_en"]
    by_id = {v["id"]: v for v in ig.vs}
    assert set(by_id) == set(g.nodes)
    for node, data in g.nodes(data=True):
        assert by_id[node]["source"].split() == data["source"]
        assert by_id[node]["class"] == data["class"]
    assert Counter(ig.es["predicate"]) == Counter(d["predicate"] for *_, d in g.edges(data=True))
    assert Counter(ig.es["inferred"]) == Counter(d["inferred"] for *_, d in g.edges(data=True))
    assert all(isinstance(x, bool) for x in ig.es["inferred"])
    pairs = Counter((ig.vs[e.source]["id"], ig.vs[e.target]["id"], e["predicate"]) for e in ig.es)
    assert pairs == Counter((u, v, d["predicate"]) for u, v, d in g.edges(data=True))


@pytest.mark.parametrize("which", ["sample", "full"])
def test_gexf_read_by_networkx(which, sample, built, tmp_path):
    import networkx as nx

    kg = sample if which == "sample" else built[0]
    g = project(kg)
    path = tmp_path / "g.gexf"
    export(kg, "gexf", path)
    text = path.read_text(encoding="utf-8")
    declared = dict(re.findall(r'<attribute id="\d+" title="([^"]+)" type="([^"]+)"', text))
    assert "type" not in declared, "the edge attribute 'type' is reserved by GEXF"
    assert declared["inferred"] == "boolean" and declared["label_zh"] == "string"
    h = nx.read_gexf(path)
    assert h.is_directed()  # a MultiDiGraph when two edges join the same pair
    labels = nx.get_node_attributes(h, "label")
    _check_counts(g, h.number_of_nodes(), h.number_of_edges(), list(labels.values()),
                  list(nx.get_node_attributes(h, "label_zh").values()))
    for node, data in g.nodes(data=True):
        assert labels[node] == data["label_en"]
    assert Counter((u, v, d["predicate"], d["inferred"]) for u, v, d in h.edges(data=True)) == Counter(
        (u, v, d["predicate"], d["inferred"]) for u, v, d in g.edges(data=True))


@pytest.mark.parametrize("which", ["sample", "full"])
def test_cytoscape_json_read_back_by_networkx(which, sample, built, tmp_path):
    import networkx as nx

    kg = sample if which == "sample" else built[0]
    g = project(kg)
    path = tmp_path / "g.cyjs"
    export(kg, "cytoscape", path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    ids = [e["data"]["id"] for e in doc["elements"]["nodes"] + doc["elements"]["edges"]]
    assert all(isinstance(i, str) for i in ids) and len(ids) == len(set(ids))
    h = nx.cytoscape_graph(doc)
    _check_counts(g, h.number_of_nodes(), h.number_of_edges(), [d["name"] for _, d in h.nodes(data=True)],
                  [d["label_zh"] for _, d in h.nodes(data=True)])
    for node, data in g.nodes(data=True):
        assert h.nodes[node]["sources"] == data["source"]
    assert Counter((u, v, k) for u, v, k in h.edges(keys=True)) == Counter(list(g.edges(keys=True)))
    for u, v, k, d in h.edges(keys=True, data=True):
        assert d["source"] == u and d["target"] == v, "Cytoscape.js keeps the edge ends in source/target"
        assert d["sources"] == g.edges[u, v, k]["source"] and d["evidence"] == g.edges[u, v, k]["evidence"]


_NEO4J_FIELD = re.compile(r"^(?P<name>[^:]*)(?::(?P<type>[A-Za-z]+(?:\[\])?|ID|LABEL|START_ID|END_ID|TYPE|IGNORE)"
                          r"(?:\((?P<group>[^)]*)\))?)?$")


def _neo4j_header(header: list[str], kind: str) -> dict[str, str]:
    """Check a header against the rules of Neo4j's import tool; return column → type."""
    types = {}
    for field in header:
        m = _NEO4J_FIELD.match(field)
        assert m, f"bad header field {field!r}"
        name, typ = m.group("name"), m.group("type") or "string"
        if typ in ("ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE"):
            types[f":{typ}"] = typ
            continue
        assert name, f"a property column needs a name: {field!r}"
        assert typ.rstrip("[]").lower() in NEO4J_TYPES, f"unknown type in {field!r}"
        types[name] = typ
    if kind == "nodes":
        assert list(types).count(":ID") == 1 and ":LABEL" in types
        assert not {":START_ID", ":END_ID", ":TYPE"} & set(types)
    else:
        assert {":START_ID", ":END_ID", ":TYPE"} <= set(types) and ":ID" not in types
    return types


@pytest.mark.parametrize("which", ["sample", "full"])
def test_neo4j_csv_follows_the_import_tools_rules(which, sample, built, tmp_path):
    kg = sample if which == "sample" else built[0]
    g = project(kg)
    folder = tmp_path / "neo4j"
    export(kg, "neo4j", folder)
    with open(folder / "nodes.csv", encoding="utf-8", newline="") as fh:
        node_rows = list(csv.reader(fh))
    with open(folder / "relationships.csv", encoding="utf-8", newline="") as fh:
        rel_rows = list(csv.reader(fh))
    node_types = _neo4j_header(node_rows[0], "nodes")
    rel_types = _neo4j_header(rel_rows[0], "relationships")
    assert node_types["source"] == "string[]" and node_types.get("label_en", "string") == "string"
    nodes = [dict(zip(node_rows[0], r)) for r in node_rows[1:]]
    rels = [dict(zip(rel_rows[0], r)) for r in rel_rows[1:]]
    ids = [n["id:ID"] for n in nodes]
    assert len(ids) == len(set(ids)), "node ids are unique"
    assert all(r[":START_ID"] in set(ids) and r[":END_ID"] in set(ids) for r in rels), "every end exists"
    assert all(r["inferred:boolean"] in ("true", "false") for r in rels)
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", r[":TYPE"]) for r in rels)
    for n in nodes:
        assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", label) for label in n[":LABEL"].split(";"))
    _check_counts(g, len(nodes), len(rels), [n["label_en"] for n in nodes], [n["label_zh"] for n in nodes])
    assert rel_types[":TYPE"] == "TYPE"
    by_id = {n["id:ID"]: n for n in nodes}
    for node, data in g.nodes(data=True):
        assert by_id[node]["class"].split(":")[1] in by_id[node][":LABEL"].split(";")
        assert len(by_id[node]["source:string[]"].split(";")) == len(data["source"])


def test_neo4j_array_elements_never_hold_the_delimiter(sample, tmp_path):
    """The sample's source IRI https://example.org/eda?a=1;b=2 becomes one array element, %3B-encoded."""
    folder = tmp_path / "neo4j"
    export(sample, "neo4j", folder)
    rows = list(csv.DictReader(io.StringIO((folder / "nodes.csv").read_text(encoding="utf-8"))))
    eda = next(r for r in rows if r["id:ID"] == D + "SampleEDA")
    assert eda["source:string[]"].split(";") == ["ckgd:paper-s4-2", "https://example.org/eda?a=1%3Bb=2"]
    firm = next(r for r in rows if r["id:ID"] == D + "SampleFirm")
    assert firm["label_en"] == 'Sample EDA; "Tools" Inc.'


@pytest.mark.parametrize("which", ["sample", "full"])
def test_plain_csv_counts_and_labels(which, sample, built, tmp_path):
    kg = sample if which == "sample" else built[0]
    g = project(kg)
    folder = tmp_path / "csv"
    export(kg, "csv", folder)
    nodes = list(csv.DictReader(open(folder / "nodes.csv", encoding="utf-8", newline="")))
    edges = list(csv.DictReader(open(folder / "edges.csv", encoding="utf-8", newline="")))
    _check_counts(g, len(nodes), len(edges), [n["label_en"] for n in nodes], [n["label_zh"] for n in nodes])
    assert Counter((e["source"], e["target"], e["predicate"]) for e in edges) == Counter(
        (u, v, d["predicate"]) for u, v, d in g.edges(data=True))
    quotes = {e["evidence"] for e in edges}
    if which == "sample":
        assert 'the firm "supplies" EDA tools; see below\nsecond line' in quotes


# ------------------------------------------------------------------ the command


def test_export_command_writes_a_file_and_stdout(tmp_path):
    runner = CommandLine()
    path = tmp_path / "out" / "g.nt"
    res = runner.invoke(["export", "--format", "ntriples", "-o", str(path), "--no-reason", "--data", str(SAMPLE)])
    assert res.exit_code == 0, res.output
    kg = ChipletKG(data=(SAMPLE,), reason=False)
    assert len(_quads(path.read_bytes(), "ntriples")) == len(kg.graph)
    res = runner.invoke(["export", "--format", "turtle", "-o", "-", "--no-reason"])
    assert res.exit_code == 0
    assert len(_quads(res.stdout_bytes, "turtle")) == len(ChipletKG().graph)


def test_export_folder_is_replaced_whole_but_never_a_folder_with_other_files(tmp_path):
    runner = CommandLine()
    folder = tmp_path / "neo4j"
    for _ in range(2):
        res = runner.invoke(["export", "--format", "neo4j", "-o", str(folder), "--no-reason"])
        assert res.exit_code == 0, res.output
    assert sorted(p.name for p in folder.iterdir()) == ["nodes.csv", "relationships.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["neo4j"], "no temporary folder is left behind"
    (folder / "mine.txt").write_text("keep me")
    res = runner.invoke(["export", "--format", "neo4j", "-o", str(folder), "--no-reason"])
    assert res.exit_code == 4 and "holds other files" in res.output
    assert (folder / "mine.txt").read_text() == "keep me"


def test_export_failure_leaves_the_previous_file(tmp_path):
    runner = CommandLine()
    path = tmp_path / "g.ttl"
    path.write_text("previous")
    res = runner.invoke(["export", "--format", "neo4j", "-o", str(path), "--no-reason"])
    assert res.exit_code == 4 and path.read_text() == "previous"
    res = runner.invoke(["export", "--format", "csv", "-o", "-", "--no-reason"])
    assert res.exit_code == 2 and "folder" in res.output


# ------------------------------------------------------------------ ontology documentation


def test_docs_are_offline_in_both_languages(built):
    _, out = built
    en = (out / "docs" / "index.html").read_text(encoding="utf-8")
    zh = (out / "docs" / "index.zh.html").read_text(encoding="utf-8")
    for page in (en, zh):
        assert not re.search(r"<(?:link|script|img|iframe)\b[^>]*\b(?:href|src)\s*=\s*[\"']?(?:https?:)?//", page, re.I)
        assert not re.search(r"url\(\s*[\"']?(?:https?:)?//|@import", page, re.I)
        assert "https://w3id.org/chiplet-kg/ontology" in page and "https://creativecommons.org/licenses/by/4.0/" in page
    assert "<title>Chiplet knowledge graph ontology</title>" in en and "restricted item" in en
    assert "受限要素" in zh and "restricted item" not in zh
    assert 'href="index.zh.html"' in en and 'href="index.html"' in zh


def test_docs_are_made_without_the_network(monkeypatch):
    """pyLODE runs with every non-loopback connection refused."""
    real_connect = socket.socket.connect
    tried = []

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        if host not in ("127.0.0.1", "::1", "localhost"):
            tried.append(host)
            raise OSError("network refused in tests")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    page = ontology_html(ChipletKG(), "en")
    assert tried == [] and "supply-chain item" in page


def test_strip_remote_resources_keeps_links_to_read():
    page = ('<link rel="stylesheet" href="https://cdn.example/a.css"><script src="//cdn.example/a.js"></script>'
            '<style>@import url("https://x/y.css"); body { background: url(http://x/y.png) }</style>'
            '<a href="https://w3id.org/chiplet-kg/ontology">IRI</a>')
    clean = strip_remote_resources(page)
    assert "cdn.example" not in clean and "x/y" not in clean
    assert '<a href="https://w3id.org/chiplet-kg/ontology">IRI</a>' in clean

"""Two SPARQL client libraries against a real ``chiplet-kg serve`` on 127.0.0.1: SPARQLWrapper, and rdflib's
read-only ``SPARQLStore``; SELECT, ASK and CONSTRUCT, with JSON and XML results (JSON-LD and RDF/XML for graphs)."""

from __future__ import annotations

import warnings

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, JSONLD, POST, RDFXML, XML, SPARQLWrapper

from .conftest import DATA
from .servers import chiplet_kg_server

SAMPLE = DATA / "export" / "sample.ttl"
D = "https://w3id.org/chiplet-kg/data/"
CKG = "https://w3id.org/chiplet-kg/ontology/"
PREFIXES = f"PREFIX ckg: <{CKG}>\nPREFIX ckgd: <{D}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
SELECT = PREFIXES + "SELECT ?firm ?label WHERE { ?firm a ckg:Firm ; rdfs:label ?label } ORDER BY ?label"
ASK_YES = PREFIXES + "ASK { ckgd:SampleFund ckg:addresses ckgd:SampleEDA }"
ASK_NO = PREFIXES + "ASK { ckgd:SampleEDA ckg:addresses ckgd:SampleFund }"
CONSTRUCT = PREFIXES + ("CONSTRUCT { ?firm a ckg:Firm ; rdfs:label ?label } "
                        "WHERE { ?firm a ckg:Firm ; rdfs:label ?label }")
LABELS = [('Sample EDA; "Tools" Inc.', "en"), ("样例 EDA 公司", "zh")]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    with chiplet_kg_server(tmp_path_factory.mktemp("serve-clients"), "--no-builtin", "--data", str(SAMPLE),
                           "--no-reason") as (base, _):
        yield f"{base}/sparql"


def _check_construct(graph: Graph) -> None:
    firm = URIRef(D + "SampleFirm")
    assert (firm, RDF.type, URIRef(CKG + "Firm")) in graph
    assert sorted((str(o), o.language) for o in graph.objects(firm, URIRef(
        "http://www.w3.org/2000/01/rdf-schema#label"))) == sorted(LABELS)
    assert len(graph) == 3


# ------------------------------------------------------------------ SPARQLWrapper


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_json_and_xml(endpoint, method):
    client = SPARQLWrapper(endpoint)
    client.setMethod(method)
    client.setQuery(SELECT)
    client.setReturnFormat(JSON)
    doc = client.query().convert()
    assert doc["head"]["vars"] == ["firm", "label"]
    assert sorted((b["label"]["value"], b["label"]["xml:lang"]) for b in doc["results"]["bindings"]) == sorted(LABELS)
    client.setReturnFormat(XML)
    xml = client.query().convert()
    assert [n.firstChild.data for n in xml.getElementsByTagName("uri")] == [D + "SampleFirm"] * 2
    assert sorted(n.firstChild.data for n in xml.getElementsByTagName("literal")) == sorted(t for t, _ in LABELS)


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(endpoint, fmt):
    answers = []
    for text in (ASK_YES, ASK_NO):
        client = SPARQLWrapper(endpoint)
        client.setQuery(text)
        client.setReturnFormat(fmt)
        doc = client.query().convert()
        answers.append(doc["boolean"] if fmt == JSON
                       else doc.getElementsByTagName("boolean")[0].firstChild.data == "true")
    assert answers == [True, False]


@pytest.mark.parametrize("fmt", [JSON, JSONLD, XML, RDFXML])
def test_sparqlwrapper_construct(endpoint, fmt):
    client = SPARQLWrapper(endpoint)
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(fmt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's ConjunctiveGraph, inside SPARQLWrapper
        graph = client.query().convert()
    _check_construct(graph)


# ------------------------------------------------------------------ rdflib's SPARQLStore (read-only)


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("method", ["GET", "POST_FORM"])
def test_sparqlstore_select_and_ask(endpoint, fmt, method):
    graph = Graph(store=SPARQLStore(query_endpoint=endpoint, returnFormat=fmt, method=method))
    rows = list(graph.query(SELECT))
    assert [str(r.firm) for r in rows] == [D + "SampleFirm"] * 2
    assert sorted((str(r.label), r.label.language) for r in rows) == sorted(LABELS)
    assert graph.query(ASK_YES).askAnswer is True
    assert graph.query(ASK_NO).askAnswer is False


@pytest.mark.parametrize("fmt", ["json-ld", "xml"])
def test_sparqlstore_construct(endpoint, fmt):
    """CONSTRUCT through SPARQLStore: JSON means JSON-LD to it (rdflib reads no graph from SPARQL JSON results)."""
    graph = Graph(store=SPARQLStore(query_endpoint=endpoint, returnFormat=fmt))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = graph.query(CONSTRUCT)
    _check_construct(result.graph)


def test_sparqlstore_reads_triples_and_is_read_only(endpoint):
    graph = Graph(store=SPARQLStore(query_endpoint=endpoint, returnFormat="xml"))
    firm = URIRef(D + "SampleFirm")
    assert (firm, RDF.type, URIRef(CKG + "Firm")) in graph
    assert sorted(str(o) for o in graph.objects(firm, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))) == \
        sorted(t for t, _ in LABELS)
    with pytest.raises(TypeError):
        graph.add((firm, RDF.type, Literal("x")))

"""The graph's IRIs resolve on ``chiplet-kg serve``: /data/NAME, /ontology/TERM and /eto/ID with content negotiation.

The RDF answers come from a real server process and are read back with rdflib and pyoxigraph; they must be the
entity's description (:func:`chiplet_kg.describe.describe`): its triples both ways, the owl:Axiom annotations with
their source and evidence quote. The HTML answers and the site's static files are checked on the app in this
process, handed a small site mapping (the real one is :func:`chiplet_kg.site.build_site`'s).
"""

from __future__ import annotations

import urllib.error
import urllib.request

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from chiplet_kg import ChipletKG
from chiplet_kg.describe import describe
from chiplet_kg.namespace import CKG, CKGD

from .servers import chiplet_kg_server

EVIDENCE = URIRef(str(CKG._NS) + "evidence")
#: Media type → (rdflib parser, pyoxigraph format).
RDF_TYPES = {
    "text/turtle": ("turtle", ox.RdfFormat.TURTLE),
    "application/ld+json": ("json-ld", ox.RdfFormat.JSON_LD),
    "application/n-triples": ("nt", ox.RdfFormat.N_TRIPLES),
    "application/rdf+xml": ("xml", ox.RdfFormat.RDF_XML),
}


def same(a: Graph, b: Graph) -> bool:
    """The two graphs are isomorphic, an ``xsd:string`` literal being the same as a plain one (RDF 1.1)."""
    def plain(g):
        out = Graph()
        for s, p, o in g:
            out.add((s, p, Literal(str(o)) if isinstance(o, Literal) and o.datatype == XSD.string else o))
        return out
    return isomorphic(plain(a), plain(b))


@pytest.fixture(scope="module")
def kg():
    return ChipletKG(reason=False)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with chiplet_kg_server(tmp_path_factory.mktemp("serve-iris"), "--no-reason", "--timeout", "30") as (url, _):
        yield url


def fetch(url: str, accept: str | None = None, method: str = "GET"):
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


@pytest.mark.parametrize("media", list(RDF_TYPES))
def test_an_entity_in_every_rdf_type(base, kg, media):
    status, headers, body = fetch(f"{base}/data/JCET", media)
    assert status == 200, body[:300]
    assert headers["Content-Type"].split(";")[0] == media
    assert "Accept" in headers["Vary"]
    rdflib_format, ox_format = RDF_TYPES[media]
    graph = Graph().parse(data=body, format=rdflib_format)
    # the whole description, blank-node axioms included, and nothing else
    assert same(graph, describe(kg, CKGD.JCET))
    assert (CKGD.JCET, RDFS.label, Literal("长电科技", lang="zh")) in graph
    assert (CKGD.XDFOI, CKG.developedBy, CKGD.JCET) in graph, "an incoming statement"
    axioms = [a for a in graph.subjects(OWL.annotatedTarget, CKGD.JCET)
              if (a, OWL.annotatedSource, CKGD.XDFOI) in graph]
    assert axioms and all((a, RDF.type, OWL.Axiom) in graph for a in axioms)
    quotes = {str(q) for a in axioms for q in graph.objects(a, EVIDENCE)}
    assert any("长电科技" in q for q in quotes), quotes
    # pyoxigraph reads it too, to the same number of triples
    assert len(list(ox.parse(body, format=ox_format))) == len(graph)


def test_an_ontology_term_and_an_eto_id(base, kg):
    status, headers, body = fetch(f"{base}/ontology/Firm", "text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    assert status == 200 and (CKG.Firm, RDF.type, OWL.Class) in graph
    assert (CKGD.JCET, RDF.type, CKG.Firm) in graph
    eto = kg.sparql("SELECT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://w3id.org/chiplet-kg/eto/')) } "
                    "LIMIT 1").rows
    if eto:
        iri = str(eto[0]["s"])
        status, _, body = fetch(f"{base}/eto/{iri.rsplit('/', 1)[1]}", "application/n-triples")
        assert status == 200 and same(Graph().parse(data=body, format="nt"), describe(kg, URIRef(iri)))


def test_a_misspelt_name_is_404_with_close_matches(base):
    status, headers, body = fetch(f"{base}/data/JCTE", "text/turtle")
    assert status == 404 and "Accept" in headers["Vary"]
    text = body.decode("utf-8")
    assert text.startswith("error: ") and "ckgd:JCET" in text and "JCET Group" in text
    status, _, body = fetch(f"{base}/data/Photoresits", "application/ld+json")
    assert status == 404 and b"ckgd:Photoresist" in body


def test_types_not_offered_and_odd_names(base):
    status, headers, body = fetch(f"{base}/data/JCET", "image/png")
    assert status == 406 and b"text/turtle" in body and "Accept" in headers["Vary"]
    for path in ("/data/", "/data/a%20b", "/data/a%3Cb%3E", "/data/x/y", "/ontology/%00"):
        status, _, body = fetch(base + path, "text/turtle")
        assert status == 404 and body.startswith(b"error: "), path
    status, headers, body = fetch(f"{base}/data/JCET", "text/turtle", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


def test_served_pages_are_the_built_site_and_their_links_resolve(base):
    """``serve`` builds the site into the server: ``/data/JCET`` in a browser is JCET's page (the same bytes as
    ``/data/JCET.html``), and the page's relative links (assets, its Turtle file, neighbours) answer 200 there."""
    import re
    import urllib.parse

    browser = "text/html,application/xhtml+xml,*/*;q=0.8"
    status, headers, page = fetch(f"{base}/data/JCET", browser)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert fetch(f"{base}/data/JCET.html", browser)[2] == page
    text = page.decode("utf-8")
    assert "长电科技" in text and "JCET" in text
    links = sorted({h for h in re.findall(r'(?:href|src)="([^"#]+)"', text) if not h.startswith(("http:", "https:"))})
    assert any(h.endswith(".ttl") for h in links) and any("assets/" in h for h in links)
    for link in links:
        status, _, _ = fetch(urllib.parse.urljoin(f"{base}/data/JCET", link), "*/*")
        assert status == 200, link


# ------------------------------------------------------------------ the site mapping, in this process


class _Headers(dict):
    def get(self, key, default=None):
        return next((v for k, v in self.items() if k.lower() == key.lower()), default)


@pytest.fixture(scope="module")
def app(kg):
    from chiplet_kg.server import SparqlApp

    site = {"index.html": b"<!DOCTYPE html><title>index</title>",
            "data/JCET.html": "<!DOCTYPE html><title>长电科技</title>".encode(),
            "data/JCET.ttl": b"@prefix ckgd: <https://w3id.org/chiplet-kg/data/> .\n",
            "ontology/Firm.html": b"<!DOCTYPE html><title>Firm</title>",
            "assets/site.css": b"body { color: #222 }", "assets/search.js": b"'use strict';"}
    return SparqlApp(kg, timeout=30, max_rows=100, site=site)


def test_html_comes_from_the_site(app):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for accept in (browser, "text/html", None, "*/*"):
        res = app.handle("GET", "/data/JCET", _Headers({"Accept": accept} if accept else {}))
        assert res.status == 200 and res.content_type.startswith("text/html"), accept
        assert "长电科技" in res.body.decode() and res.headers["Vary"] == "Accept"
    res = app.handle("GET", "/data/JCET", _Headers({"Accept": "text/html;q=0.5, text/turtle"}))
    assert res.status == 200 and res.content_type.startswith("text/turtle")
    assert (CKGD.JCET, RDFS.label, Literal("长电科技", lang="zh")) in Graph().parse(data=res.body, format="turtle")
    res = app.handle("GET", "/ontology/Firm", _Headers({"Accept": "text/html"}))
    assert res.status == 200 and b"Firm" in res.body
    res = app.handle("GET", "/data/JCTE", _Headers({"Accept": browser}))
    assert res.status == 404 and b"ckgd:JCET" in res.body, "no page, unknown name: close matches"


@pytest.mark.parametrize("path,ctype", [("/index.html", "text/html"), ("/data/JCET.html", "text/html"),
                                        ("/data/JCET.ttl", "text/turtle"), ("/assets/site.css", "text/css"),
                                        ("/assets/search.js", "text/javascript")])
def test_site_files_are_served(app, path, ctype):
    res = app.handle("GET", path, _Headers())
    assert res.status == 200 and res.content_type.split(";")[0] == ctype
    assert res.body == app.site[path.lstrip("/")]


def test_paths_outside_the_site_are_404(app):
    for path in ("/assets/nothing.css", "/../index.html", "/assets/../../etc/passwd", "/data/JCET.html/x"):
        assert app.handle("GET", path, _Headers()).status == 404, path
    assert app.handle("GET", "/", _Headers()).content_type.startswith("text/html"), "/ stays the query page"


def test_html_without_a_site_page_falls_back_to_rdf_or_406(kg):
    """An app given no page for an entity: a browser's Accept gets Turtle, ``text/html`` alone gets 406."""
    from chiplet_kg.server import SparqlApp

    bare = SparqlApp(kg, timeout=30, max_rows=100, site={})
    res = bare.handle("GET", "/data/JCET", _Headers({"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}))
    assert res.status == 200 and res.content_type.startswith("text/turtle")
    res = bare.handle("GET", "/data/JCET", _Headers({"Accept": "text/html"}))
    assert res.status == 406 and b"text/turtle" in res.body

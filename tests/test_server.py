"""The SPARQL endpoint as a real process on 127.0.0.1, called with SPARQLWrapper and plain HTTP (urllib)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper

from chiplet_kg.library import load_library

from .conftest import DATA, CommandLine
from .servers import free_port, stop, wait_until_up

#: The command line through its real entry point (tests/conftest.py).
CLI = CommandLine()

SAMPLE = DATA / "export" / "sample.ttl"
D = "https://w3id.org/chiplet-kg/data/"
#: Items the paper (§5.1) names as what the special fund supports.
SPECIAL_FUND_ITEMS = {"高端 EDA 工具", "先进制程设备", "关键材料", "光刻胶"}
#: A query no engine finishes in seconds: the graph joined with itself three times.
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


class Server:
    """A ``chiplet-kg serve`` process; its stderr (the request log) goes to a file."""

    def __init__(self, tmp: Path, *args: str):
        exe = shutil.which("chiplet-kg")
        assert exe, "the chiplet-kg command is installed (pip install -e .)"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "serve.log"
        self.out = tmp / "serve.out"
        self.proc = subprocess.Popen([exe, "serve", "--port", str(self.port), *args],
                                     stdout=open(self.out, "wb"), stderr=open(self.log, "wb"))
        try:
            wait_until_up(f"{self.base}/sparql?query=ASK%7B%7D", self.proc, 180, "chiplet-kg serve",
                          lambda: self.log.read_text(errors="replace"))
        except RuntimeError:
            self.stop()
            raise

    def stop(self):
        stop(self.proc)

    def log_lines(self) -> list[str]:
        return [ln for ln in self.log.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The shipped graph (reasoned), defaults except a short timeout."""
    srv = Server(tmp_path_factory.mktemp("serve"), "--timeout", "5")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The hand-built graph alone, with a row cap of 2 and CORS for one origin."""
    srv = Server(tmp_path_factory.mktemp("serve-small"), "--no-builtin", "--data", str(SAMPLE), "--no-reason",
                 "--max-rows", "2", "--cors", "https://app.example.org")
    yield srv
    srv.stop()


def http(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def get(base: str, query: str, accept: str | None = None, **extra):
    params = urllib.parse.urlencode({"query": query, **extra})
    return http(f"{base}/sparql?{params}", headers={"Accept": accept} if accept else {})


def post_form(base: str, **fields):
    return http(f"{base}/sparql", data=urllib.parse.urlencode(fields).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"})


def wrapper(base: str, query: str, fmt) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{base}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


FIRMS = "SELECT ?firm WHERE { ?firm a ckg:Firm }"


# ------------------------------------------------------------------ SPARQLWrapper, each result format


def test_sparqlwrapper_select_json(small):
    doc = wrapper(small.base, FIRMS, JSON).query().convert()
    assert doc["head"]["vars"] == ["firm"]
    assert [b["firm"]["value"] for b in doc["results"]["bindings"]] == [D + "SampleFirm"]


def test_sparqlwrapper_select_json_over_post(small):
    client = wrapper(small.base, "SELECT ?l WHERE { ckgd:SampleFirm rdfs:label ?l }", JSON)
    client.setMethod(POST)
    doc = client.query().convert()
    assert sorted((b["l"]["value"], b["l"]["xml:lang"]) for b in doc["results"]["bindings"]) == [
        ('Sample EDA; "Tools" Inc.', "en"), ("样例 EDA 公司", "zh")]


def test_sparqlwrapper_select_csv_and_tsv(small):
    q = "SELECT ?s ?l WHERE { ?s a ckg:Firm ; rdfs:label ?l FILTER(LANG(?l) = 'en') }"
    text = wrapper(small.base, q, CSV).query().convert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["s", "l"], [D + "SampleFirm", 'Sample EDA; "Tools" Inc.']]
    text = wrapper(small.base, q, TSV).query().convert().decode("utf-8")
    assert text.splitlines() == ["?s\t?l", f'<{D}SampleFirm>\t"Sample EDA; \\"Tools\\" Inc."@en']


def test_sparqlwrapper_select_xml(small):
    doc = wrapper(small.base, FIRMS, XML).query().convert()
    uris = [n.firstChild.data for n in doc.getElementsByTagName("uri")]
    assert uris == [D + "SampleFirm"]


def test_sparqlwrapper_ask(small):
    assert wrapper(small.base, "ASK { ckgd:SampleFund ckg:addresses ckgd:SampleEDA }", JSON).query().convert()[
        "boolean"] is True
    assert wrapper(small.base, "ASK { ckgd:SampleEDA ckg:addresses ckgd:SampleFund }", JSON).query().convert()[
        "boolean"] is False


def test_sparqlwrapper_construct_turtle(small):
    q = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a ckg:Policy ; rdfs:label ?l }"
    g = wrapper(small.base, q, TURTLE).query().convert()
    graph = Graph().parse(data=g, format="turtle") if isinstance(g, (bytes, str)) else g
    assert len(graph) == 2


# ------------------------------------------------------------------ plain HTTP: methods, content types


def test_get_post_form_and_post_query_agree(small):
    q = "SELECT ?s WHERE { ?s ckg:addresses ?o }"
    answers = [get(small.base, q, "application/sparql-results+json"), post_form(small.base, query=q),
               http(f"{small.base}/sparql", data=q.encode(), headers={"Content-Type": "application/sparql-query"})]
    for status, headers, body in answers:
        assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
        assert [b["s"]["value"] for b in json.loads(body)["results"]["bindings"]] == [D + "SampleFund"]


@pytest.mark.parametrize("accept,expected", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/html;q=0.9, text/csv;q=0.5", "text/csv"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_content_types(small, accept, expected):
    status, headers, body = get(small.base, FIRMS, accept)
    assert status == 200 and headers["Content-Type"].split(";")[0] == expected
    assert (D + "SampleFirm").encode() in body


@pytest.mark.parametrize("accept,fmt", [("text/turtle", ox.RdfFormat.TURTLE),
                                        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                                        ("application/ld+json", ox.RdfFormat.JSON_LD),
                                        ("application/rdf+xml", ox.RdfFormat.RDF_XML)])
def test_construct_and_describe_content_types(small, server, accept, fmt):
    q = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a ckg:Firm ; rdfs:label ?l }"
    status, headers, body = get(small.base, q, accept)
    assert status == 200 and headers["Content-Type"].split(";")[0] == accept
    triples = list(ox.parse(body, format=fmt))
    assert sorted(t.object.value for t in triples) == ['Sample EDA; "Tools" Inc.', "样例 EDA 公司"]
    status, headers, body = get(server.base, "DESCRIBE ckgd:JCET", accept)
    labels = {t.object.value for t in ox.parse(body, format=fmt) if t.predicate.value.endswith("#label")}
    assert status == 200 and {"长电科技", "JCET Group"} <= labels


def test_ask_as_csv_and_json(small):
    status, _, body = get(small.base, "ASK { ?s a ckg:Firm }", "text/csv")
    assert status == 200 and body.decode().split() == ["_askResult", "true"]
    status, _, body = get(small.base, "ASK { ?s a ckg:Firm }", "application/sparql-results+json")
    assert json.loads(body)["boolean"] is True


def test_unacceptable_type_is_406(small):
    status, _, body = get(small.base, FIRMS, "image/png")
    assert status == 406 and b"text/csv" in body


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize("query,status,words", [
    ("INSERT DATA { ckgd:SampleFirm ckg:basedIn ckgd:Mars }", 400, "read-only"),
    ("DELETE WHERE { ?s ?p ?o }", 400, "read-only"),
    ("LOAD <http://127.0.0.1:9/evil.ttl>", 400, "read-only"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 400, "SERVICE is refused"),
    ("SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }", 400, "refused"),
    ("SELECT * WHERE { ?s ?p }", 400, "syntax error"),
])
def test_refusals_over_get_and_post(small, query, status, words):
    for answer in (get(small.base, query), post_form(small.base, query=query)):
        assert answer[0] == status and words in answer[2].decode("utf-8")
        assert answer[2].decode().count("\n") == 1, "one line"
    _, _, body = get(small.base, "ASK { ckgd:SampleFirm ckg:basedIn ckgd:Mars }", "application/sparql-results+json")
    assert json.loads(body)["boolean"] is False, "nothing was changed"


def test_update_requests_are_refused(small):
    update = "INSERT DATA { ckgd:SampleFirm ckg:basedIn ckgd:Mars }"
    status, _, body = http(f"{small.base}/sparql", data=update.encode(),
                           headers={"Content-Type": "application/sparql-update"})
    assert status == 403 and b"read-only" in body
    status, _, body = post_form(small.base, update=update)
    assert status == 403 and b"read-only" in body
    for method in ("PUT", "DELETE", "PATCH"):
        status, headers, _ = http(f"{small.base}/sparql", data=b"x", method=method,
                                  headers={"Content-Type": "text/turtle"})
        assert status == 405 and "POST" in headers["Allow"]
    status, _, body = get(small.base, FIRMS, **{"default-graph-uri": "http://127.0.0.1:9/g"})
    assert status == 400


def test_other_bodies_and_paths(small):
    status, _, _ = http(f"{small.base}/sparql", data=b"{}", headers={"Content-Type": "application/json"})
    assert status == 415
    status, _, _ = http(f"{small.base}/nowhere")
    assert status == 404
    status, _, body = http(f"{small.base}/sparql")
    assert status == 400 and b"no query" in body


# ------------------------------------------------------------------ limits


def test_a_slow_query_is_stopped_and_the_server_goes_on(server):
    status, _, body = get(server.base, SLOW_QUERY)
    assert status == 503 and b"--timeout" in body
    status, _, body = get(server.base, "ASK { ckgd:JCET ckg:basedIn ckgd:China }", "application/sparql-results+json")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_row_cap_cuts_and_says_so(small):
    status, headers, body = get(small.base, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "application/sparql-results+json")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 2
    assert headers["X-Chiplet-KG-Truncated"] == "true" and headers["X-SPARQL-MaxRows"] == "2"
    status, headers, body = get(small.base, FIRMS, "application/sparql-results+json")
    assert len(json.loads(body)["results"]["bindings"]) == 1 and "X-Chiplet-KG-Truncated" not in headers
    status, headers, body = get(small.base, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert len(body.decode().strip().splitlines()) == 2 and headers["X-Chiplet-KG-Truncated"] == "true"


# ------------------------------------------------------------------ named queries


def test_queries_lists_the_library(server):
    status, headers, body = http(f"{server.base}/queries")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    listed = {q["name"]: q for q in json.loads(body)["queries"]}
    assert set(listed) == set(load_library())
    assert listed["policy-trace"]["parameters"][0]["name"] == "policy"
    assert listed["policy-trace"]["parameters"][0]["required"] is True


def test_named_query_with_a_chinese_label(server):
    url = f"{server.base}/queries/policy-trace?" + urllib.parse.urlencode({"policy": "设立专项基金", "lang": "zh"})
    status, headers, body = http(url, headers={"Accept": "application/sparql-results+json"})
    assert status == 200
    rows = json.loads(body)["results"]["bindings"]
    assert {r["itemLabel"]["value"] for r in rows if "itemLabel" in r} >= SPECIAL_FUND_ITEMS
    assert all(r["instrument"]["value"] == D + "InstrumentSpecialFund" for r in rows)
    status, headers, body = http(url + "&format=csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv") and "光刻胶" in body.decode()


def test_named_query_errors(server):
    status, _, body = http(f"{server.base}/queries/policy-trac")
    assert status == 404 and b"policy-trace" in body
    status, _, body = http(f"{server.base}/queries/policy-trace")
    assert status == 400 and b"policy" in body
    q = urllib.parse.urlencode({"policy": "设立专项基"})
    status, _, body = http(f"{server.base}/queries/policy-trace?{q}")
    assert status == 400 and "设立专项基金".encode() in body, "close matches are named"
    q = urllib.parse.urlencode({"policy": "设立专项基金", "colour": "red"})
    status, _, body = http(f"{server.base}/queries/policy-trace?{q}")
    assert status == 400 and b"colour" in body


def test_named_query_parameter_cannot_change_the_query(server):
    evil = 'x" } UNION { ?s ?p ?o } #'
    q = urllib.parse.urlencode({"text": evil})
    status, _, body = http(f"{server.base}/queries/entity-search?{q}",
                           headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and json.loads(body)["results"]["bindings"] == []


# ------------------------------------------------------------------ the page, CORS, binding, log



def test_cors_is_off_unless_asked(server, small):
    _, headers, _ = get(server.base, "ASK {}")
    assert "Access-Control-Allow-Origin" not in headers
    _, headers, _ = get(small.base, "ASK {}")
    assert headers["Access-Control-Allow-Origin"] == "https://app.example.org"
    status, headers, _ = http(f"{small.base}/sparql", method="OPTIONS",
                              headers={"Origin": "https://app.example.org", "Access-Control-Request-Method": "POST"})
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]


def test_binds_loopback_by_default(server):
    announced = server.out.read_text(encoding="utf-8")
    assert f"http://127.0.0.1:{server.port}/sparql" in announced
    res = CLI.invoke(["serve", "--help"])
    assert "127.0.0.1" in res.output


def _settled_log(srv) -> list[str]:
    """The server's log once earlier requests' lines have all arrived (unchanged for half a second, at most 10 s)."""
    lines, deadline = srv.log_lines(), time.monotonic() + 10
    while time.monotonic() < deadline:
        time.sleep(0.5)
        again = srv.log_lines()
        if again == lines:
            break
        lines = again
    return lines


def test_one_log_line_per_request(small):
    """Each request writes exactly one log line (regression: a late line of an earlier test was counted)."""
    before = _settled_log(small)
    get(small.base, FIRMS)
    post_form(small.base, query="SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }")
    http(f"{small.base}/queries")
    after = _settled_log(small)
    new = after[len(before):]
    assert len(new) == 3
    assert '"GET /sparql?query=' in new[0] and " 200 " in new[0]
    assert '"POST /sparql' in new[1] and " 400 " in new[1] and "SERVICE" in new[1]
    assert '"GET /queries' in new[2]


def test_serve_refuses_a_busy_port(server):
    proc = CLI.run(["serve", "--port", server.port, "--no-builtin", "--data", SAMPLE, "--no-reason"], timeout=120,
                   env={"PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 2 and proc.stderr.startswith("error: cannot listen on")

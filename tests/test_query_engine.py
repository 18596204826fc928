"""The query engine: W3C result formats, free SPARQL, refusals, errors, timeouts, binding safety, remote endpoints."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from chiplet_kg import CKG, CKGD, ChipletKG
from chiplet_kg.errors import QueryTimeout, UsageError
from chiplet_kg.library import load_library
from chiplet_kg.render import render_result, render_rows
from chiplet_kg.sparql import check_query

from .payloads import INJECTIONS
from .servers import oxigraph_server, upload_ntriples

LIBRARY = load_library()
EXAMPLES = {"policy": "设立专项基金", "item": "高端 EDA 工具", "entity": "长电科技", "country": "荷兰",
            "technology": "Chiplet 技术", "text": "EDA", "year": "2021"}


def cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "chiplet_kg.cli.main", *args], capture_output=True, text=True,
                          input=stdin, timeout=600, env={**os.environ, "PYTHONWARNINGS": "ignore"})


# ------------------------------------------------------------------ the library

def test_library_has_at_least_twenty_documented_queries():
    """`queries/` holds ≥ 20 named queries, each with en/zh titles, a description and an example call."""
    assert len(LIBRARY) >= 20
    for q in LIBRARY.values():
        assert q.title and q.title_zh and len(q.description) > 40, q.name
        assert q.example.startswith(f"chiplet-kg query {q.name}"), q.name


def test_queries_command_lists_every_query():
    """`chiplet-kg queries` lists every name with its title and parameters."""
    out = cli("queries", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)["results"]["bindings"]
    assert {r["name"]["value"] for r in rows} == set(LIBRARY)
    trace = next(r for r in rows if r["name"]["value"] == "policy-trace")
    assert "policy:entity" in trace["parameters"]["value"]


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_example_call_in_header_runs(name):
    """The example call in each query's header runs and returns rows."""
    import shlex

    args = shlex.split(LIBRARY[name].example)[1:]
    out = cli(*args, "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["results"]["bindings"], name


# ------------------------------------------------------------------ formats

def test_json_is_w3c_sparql_results(kg):
    """--format json: head.vars and results.bindings with typed cells, as the W3C JSON results format says."""
    doc = json.loads(render_result(kg.query("market-structure", lang="zh"), "json"))
    assert doc["head"]["vars"][:2] == ["segment", "segmentLabel"]
    cells = {b["segmentLabel"]["value"]: b for b in doc["results"]["bindings"]}
    design = cells["集成电路设计业"]
    assert design["segment"] == {"type": "uri", "value": str(CKGD.SegmentDesign)}
    assert design["segmentLabel"]["xml:lang"] == "zh"
    assert design["size"] == {"type": "literal", "value": "4519", "datatype": "http://www.w3.org/2001/XMLSchema#decimal"}
    for binding in doc["results"]["bindings"]:
        for cell in binding.values():
            assert cell["type"] in ("uri", "literal", "bnode") and isinstance(cell["value"], str)


def test_csv_follows_w3c_and_parses_back(kg):
    """--format csv: a header of variable names, plain values, CRLF line ends; csv.reader reads it back."""
    text = render_result(kg.query("market-structure", lang="zh"), "csv")
    assert text.startswith("segment,segmentLabel,region,") and "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {(r["segmentLabel"], r["size"], r["sharePercent"]) for r in rows} == {
        ("集成电路设计业", "4519", "43.21"), ("集成电路制造业", "3176", "30.37"), ("集成电路封测业", "2763", "26.42")}
    assert rows[0]["segment"].startswith("https://w3id.org/chiplet-kg/data/")


def test_tsv_follows_w3c_and_parses_back(kg):
    """--format tsv: ?var header, terms in N-Triples syntax, tabs and newlines escaped."""
    text = render_rows(["x", "y"], [{"x": URIRef("https://example.org/a"), "y": Literal("tab\there\nline", lang="en")}], "tsv")
    lines = text.splitlines()
    assert lines[0] == "?x\t?y"
    assert lines[1].split("\t") == ["<https://example.org/a>", '"tab\\there\\nline"@en']
    doc = render_result(kg.query("market-structure"), "tsv").splitlines()
    assert all(len(line.split("\t")) == len(doc[0].split("\t")) for line in doc)


def test_table_columns_line_up_with_chinese_text(kg):
    """--format table: every column starts at the same display position on every line, CJK counted double."""
    from rich.cells import cell_len

    text = render_result(kg.query("market-structure", lang="zh"), "table")
    lines = [ln for ln in text.splitlines() if ln.strip() and not set(ln.strip()) <= set("─━ ")]
    header, body = lines[0], lines[1:]
    starts = []
    for col in ("segmentLabel", "region", "size"):
        starts.append(cell_len(header[: header.index(col)]))
    for line in body:
        for start, value in zip(starts, ("集成电路", "ckgd:China", None)):
            if value:
                prefix = line[: line.index(value)]
                assert cell_len(prefix) == start, line


def test_markdown_escapes_pipes():
    """--format md escapes | so a value cannot break the table."""
    text = render_rows(["a"], [{"a": "x | y"}], "md")
    assert text.splitlines()[2] == "| x \\| y |"


def test_markdown_keeps_html_as_text():
    """--format md escapes &, < and >: a label holding HTML shows as typed where the Markdown is rendered."""
    text = render_rows(["a"], [{"a": "<img src=x onerror=alert(1)> & co"}], "md")
    assert text.splitlines()[2] == "| &lt;img src=x onerror=alert(1)&gt; &amp; co |"


def test_table_shows_terminal_controls_as_escapes():
    """The aligned table (for a terminal) shows escape sequences and bidi overrides as escapes; CSV keeps them."""
    row = [{"a": "x\x1b[2Jy\u202ez"}]
    table = render_rows(["a"], row, "table")
    assert "\x1b" not in table and "\u202e" not in table
    assert "x\\x1b[2Jy\\u202ez" in table
    assert render_rows(["a"], row, "csv").splitlines()[1] == "x\x1b[2Jy\u202ez"


@pytest.mark.parametrize("fmt, parse", [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_construct_prints_rdf(fmt, parse):
    """CONSTRUCT prints Turtle by default, or N-Triples / JSON-LD, and the output parses back."""
    out = cli("sparql", "CONSTRUCT { ?f ckg:basedIn ?c } WHERE { ?f ckg:basedIn ?c }", "--graph-format", fmt)
    assert out.returncode == 0, out.stderr
    g = Graph().parse(data=out.stdout, format=parse)
    assert (CKGD.JCET, CKG.basedIn, CKGD.China) in g and len(g) >= 30


def test_describe_and_ask():
    """DESCRIBE returns the entity's triples; ASK prints true/false or W3C JSON."""
    out = cli("sparql", "DESCRIBE ckgd:JCET")
    assert out.returncode == 0
    assert (CKGD.JCET, RDFS.label, Literal("长电科技", lang="zh")) in Graph().parse(data=out.stdout, format="turtle")
    assert cli("sparql", "ASK { ckgd:JCET ckg:basedIn ckgd:China }").stdout.strip() == "true"
    assert json.loads(cli("sparql", "ASK { ckgd:JCET ckg:basedIn ckgd:USA }", "--format", "json").stdout) == {"head": {}, "boolean": False}


def test_sparql_from_file_and_stdin(tmp_path):
    """`sparql -f FILE` and `sparql -` read the query from a file or standard input."""
    q = "SELECT ?c WHERE { ckgd:ASML ckg:basedIn ?c }"
    path = tmp_path / "q.rq"
    path.write_text(q)
    assert "ckgd:Netherlands" in cli("sparql", "-f", str(path)).stdout
    assert "ckgd:Netherlands" in cli("sparql", "-", stdin=q).stdout


# ------------------------------------------------------------------ errors and refusals

@pytest.mark.parametrize("text, fragment", [
    ("SELECT * WHERE { ?s ?p }", "line 1, column"),
    ("SELECT ?x WHERE {\n  ?x a ckg:Firm .\n  FILTER(?x = )\n}", "line 3"),
    ("PREFIX : <x\nSELECT", "line"),
])
def test_syntax_error_names_line_and_column(text, fragment):
    """A SPARQL syntax error reports line, column and the offending text; exit 2, no traceback."""
    out = cli("sparql", text)
    assert out.returncode == 2 and fragment in out.stderr and "syntax error" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("text, fragment", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE is refused"),
    ("SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }", "FROM <http://127.0.0.1:9/data.ttl> is refused"),
    ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", "is refused"),
    ("LOAD <http://127.0.0.1:9/data.ttl>", "updates"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "updates"),
    ("DELETE WHERE { ?s ?p ?o }", "updates"),
])
def test_network_and_updates_are_refused(text, fragment):
    """SERVICE, remote FROM and every update are refused with a clear message before anything runs."""
    out = cli("sparql", text)
    assert out.returncode == 2 and fragment in out.stderr


def test_refusal_happens_before_any_connection():
    """A SERVICE pointing at a live loopback listener is refused without connecting to it."""
    import socket
    import threading

    hits = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(3)

    def accept():
        try:
            conn, _ = server.accept()
            hits.append(conn)
        except OSError:
            pass

    t = threading.Thread(target=accept)
    t.start()
    port = server.getsockname()[1]
    kg = ChipletKG()
    with pytest.raises(UsageError):
        kg.sparql(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
    t.join()
    server.close()
    assert hits == []


def test_unknown_query_lists_close_matches():
    """An unknown query name lists close matches; exit 2."""
    out = cli("query", "policy-trac")
    assert out.returncode == 2 and "policy-trace" in out.stderr


def test_missing_and_unknown_parameters_are_named():
    """A missing required parameter names itself; an unknown one lists the real ones."""
    out = cli("query", "policy-trace")
    assert out.returncode == 2 and "'policy'" in out.stderr
    out = cli("query", "policy-trace", "-p", "polcy=x")
    assert out.returncode == 2 and "polcy" in out.stderr and "policy" in out.stderr


def test_unknown_entity_lists_close_matches():
    """An entity parameter that matches nothing suggests close labels."""
    out = cli("query", "describe-entity", "-p", "entity=长电科")
    assert out.returncode == 2 and "长电科技" in out.stderr


def test_bad_number_parameter():
    """A number parameter that is not a number is refused."""
    out = cli("query", "market-structure", "-p", "year=twenty")
    assert out.returncode == 2 and "must be a number" in out.stderr


def test_timeout_stops_a_runaway_query(kg):
    """--timeout stops a query that would run for minutes, with a clear message and exit 5."""
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(QueryTimeout):
        kg.sparql(runaway, timeout=1)
    out = cli("sparql", runaway, "--timeout", "1")
    assert out.returncode == 5 and "--timeout" in out.stderr
    # the store still answers afterwards
    assert kg.sparql("ASK { ckgd:JCET ?p ?o }", timeout=10).boolean is True


def test_asserted_only_leaves_out_inferred_facts():
    """Inferred triples are queried by default; --asserted-only leaves them out."""
    kg = ChipletKG(reason=False)
    kg.add_triples([(CKGD.SMEE, CKG.supplies, CKGD.EUVLithography)], inferred=True)  # a made-up inferred triple
    q = "ASK { ckgd:SMEE ckg:supplies ckgd:EUVLithography }"
    assert kg.sparql(q).boolean is True
    assert kg.sparql(q, asserted_only=True).boolean is False


# ------------------------------------------------------------------ parameters cannot change the query

@pytest.mark.parametrize("payload", INJECTIONS)
def test_literal_parameter_payload_is_just_text(kg, payload):
    """A literal parameter is matched as text: a payload finds at most the labels that contain it."""
    rows = list(kg.query("entity-search", text=payload))
    for row in rows:
        assert payload.lower() in str(row["matched"]).lower()


@pytest.mark.parametrize("payload", INJECTIONS)
def test_entity_parameter_payload_is_refused_or_exact(kg, payload):
    """An entity parameter resolves to one existing entity or fails with 'no entity named'; it never widens a query."""
    try:
        rows = list(kg.query("describe-entity", entity=payload))
    except UsageError as err:
        assert "no entity named" in str(err) or "names several" in str(err)
    else:  # a payload that happens to be a label: the answer is about that one entity only
        assert len({str(r.get("property")) for r in rows}) < 60


@pytest.mark.parametrize("payload", INJECTIONS)
def test_number_parameter_payload_is_refused(kg, payload):
    """A number parameter accepts numbers only."""
    with pytest.raises(UsageError, match="number"):
        kg.query("market-structure", year=payload)


def test_values_block_escapes_everything():
    """A VALUES block built from a hostile literal binds exactly that literal: one match, the right one."""
    from rdflib.plugins.sparql.parser import parseQuery

    from chiplet_kg.sparql import Store, _names, with_bindings

    for payload in INJECTIONS:
        g = Graph()
        g.add((URIRef("urn:x:hit"), RDFS.label, Literal(payload)))
        g.add((URIRef("urn:x:other"), RDFS.label, Literal("other")))
        text = with_bindings("SELECT ?x WHERE { ?x rdfs:label ?t }", {"t": Literal(payload)})
        assert [n.name for n in _names(parseQuery(text))].count("InlineData") == 1, payload
        rows = Store(g).run("SELECT ?x WHERE { ?x rdfs:label ?t }", {"t": Literal(payload)}).rows
        assert rows == [{"x": URIRef("urn:x:hit")}], payload


# ------------------------------------------------------------------ remote endpoint

def _normalise(result):
    # GROUP_CONCAT's order is unspecified in SPARQL: compare its parts as a set.
    def norm(v):
        return "; ".join(sorted(str(v).split("; ")))
    return sorted(sorted((k, norm(v)) for k, v in row.items()) for row in result)


def test_named_queries_on_live_oxigraph_equal_local(tmp_path, kg):
    """Every named query run with --endpoint against a live Oxigraph server on 127.0.0.1 equals the local answer."""
    with oxigraph_server(tmp_path) as base:
        upload_ntriples(base, kg.graph.serialize(format="nt", encoding="utf-8"))
        endpoint = f"{base}/query"
        for name, q in sorted(LIBRARY.items()):
            params = {p.name: EXAMPLES[p.name] for p in q.params if p.required}
            local = kg.query(name, lang="zh", asserted_only=True, **params)  # the server holds kg.graph alone
            remote = kg.query(name, lang="zh", endpoint=endpoint, **params)
            assert remote.variables == local.variables, name
            assert _normalise(remote) == _normalise(local), name
        # free SPARQL through the CLI, all forms
        out = cli("sparql", "SELECT ?c WHERE { ckgd:ASML ckg:basedIn ?c }", "--endpoint", endpoint, "--format", "csv")
        assert out.returncode == 0 and "Netherlands" in out.stdout
        out = cli("query", "market-structure", "--endpoint", endpoint, "--format", "csv", "--lang", "zh")
        assert "集成电路设计业" in out.stdout


def test_unreachable_endpoint_is_a_one_line_error():
    """An endpoint nobody listens on: exit 6 with one line."""
    from .servers import free_port

    out = cli("sparql", "ASK {}", "--endpoint", f"http://127.0.0.1:{free_port()}/query")
    assert out.returncode == 6 and out.stderr.startswith("error: cannot query") and out.stderr.count("\n") == 1


@pytest.mark.parametrize("text", [
    "SELECT ?x WHERE { " + "{ " * 3000 + "?x ?p ?o" + " }" * 3000 + " }",
    "SELECT ?x WHERE { ?x ?p ?o FILTER(" + "(" * 500 + "1" + ")" * 500 + ") }",
    "ASK { ?s ?p " + "[ ckg:p " * 400 + "1" + " ]" * 400 + " }",
])
def test_deeply_nested_query_is_refused_clearly(text):
    """A query nested thousands of levels deep once crashed the process (the parsers recurse per level): it is
    refused with exit 2 and a message, locally and before it is sent to an endpoint."""
    out = cli("sparql", "-", stdin=text)
    assert out.returncode == 2, out.stderr
    assert "nested more than 100 levels deep" in out.stderr and "Traceback" not in out.stderr
    with pytest.raises(UsageError, match="nested more than 100"):
        check_query(text, local=False)


def test_brackets_in_strings_iris_and_comments_do_not_count_as_nesting():
    """Only the query's own brackets count: a literal full of braces is fine."""
    text = 'SELECT ?x WHERE { ?x rdfs:label ?l FILTER(?l != "' + "{" * 500 + '") } # ' + "(" * 500
    out = cli("sparql", "-", stdin=text)
    assert out.returncode == 0, out.stderr

"""``chiplet-kg push`` against a real Oxigraph server on 127.0.0.1 (SPARQL 1.1 Graph Store Protocol)."""

from __future__ import annotations

import base64
import csv
import io
import json
import subprocess
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chiplet_kg import ChipletKG
from chiplet_kg.errors import RemoteError, UsageError
from chiplet_kg.push import _progress, graph_store_url, push

from .conftest import DATA, CommandLine
from .servers import free_port, oxigraph_server, upload_ntriples

#: The command line through its real entry point (tests/conftest.py).
CLI = CommandLine()

SAMPLE = DATA / "export" / "sample.ttl"
D = "https://w3id.org/chiplet-kg/data/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPH = "https://example.org/graphs/chiplet-kg"


@pytest.fixture(scope="module")
def reasoned():
    return ChipletKG(reason=True)


def run(*args: str, env=None) -> subprocess.CompletedProcess:
    """``chiplet-kg ARGS`` as a real process (conftest's runner); ``env`` adds to this process's environment."""
    return CLI.run(list(args), env={"PYTHONWARNINGS": "ignore", **(env or {})}, timeout=300)


def remote_count(base: str, query: str = COUNT) -> int:
    req = urllib.request.Request(f"{base}/query", data=urllib.parse.urlencode({"query": query}).encode(),
                                 headers={"Accept": "application/sparql-results+json",
                                          "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return int(json.loads(resp.read())["results"]["bindings"][0]["n"]["value"])


def local_count(kg) -> int:
    return int(kg.sparql(COUNT).rows[0]["n"])


def test_push_then_count_and_a_named_query_agree_with_the_local_graph(tmp_path, reasoned):
    with oxigraph_server(tmp_path) as base:
        res = run("push", "--endpoint", f"{base}/store")
        assert res.returncode == 0, res.stderr
        assert remote_count(base) == local_count(reasoned)
        assert f"{local_count(reasoned)} triples" in res.stdout
        local = reasoned.query("policy-trace", policy="设立专项基金", lang="zh")
        res = run("query", "policy-trace", "-p", "policy=设立专项基金", "--lang", "zh", "--format", "csv",
                  "--endpoint", f"{base}/query")
        assert res.returncode == 0, res.stderr
        remote_rows = list(csv.DictReader(io.StringIO(res.stdout)))
        assert remote_rows and len(remote_rows) == len(local.rows)
        as_text = sorted(tuple(sorted((k, str(v)) for k, v in r.items())) for r in local.rows)
        assert sorted(tuple(sorted((k, v) for k, v in r.items() if v != "")) for r in remote_rows) == as_text
        assert "光刻胶" in {r["itemLabel"] for r in remote_rows}


def test_replace_replaces_and_post_adds(tmp_path):
    kg = ChipletKG(data=(SAMPLE,), builtin=False)
    stranger = b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n"
    with oxigraph_server(tmp_path) as base:
        upload_ntriples(base, stranger)
        push(kg, f"{base}/store", inferred=False)
        assert remote_count(base) == len(kg.graph) + 1, "POST adds to what is there"
        res = run("push", "--endpoint", f"{base}/store", "--replace", "--no-reason")
        assert res.returncode == 0, res.stderr
        shipped = ChipletKG()
        assert remote_count(base) == len(shipped.graph), "PUT leaves exactly our graph"
        assert remote_count(base, "SELECT (COUNT(*) AS ?n) WHERE { <https://example.org/s> ?p ?o }") == 0
        assert "replaced the default graph" in res.stdout


def test_push_into_a_named_graph(tmp_path):
    kg = ChipletKG(data=(SAMPLE,), builtin=False)
    with oxigraph_server(tmp_path) as base:
        result = push(kg, f"{base}/store", graph=GRAPH, replace=True, inferred=False, progress=True)
        assert result.status in (200, 201, 204) and result.triples == len(kg.graph)
        assert remote_count(base, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}") == len(kg.graph)
        assert remote_count(base) == 0, "the default graph stays empty"


def test_unreachable_server_is_exit_6_and_one_line():
    res = run("push", "--endpoint", f"http://127.0.0.1:{free_port()}/store", "--no-reason")
    assert res.returncode == 6
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: cannot reach http://127.0.0.1:")


def test_http_error_is_exit_6_and_one_line(tmp_path):
    with oxigraph_server(tmp_path) as base:
        res = run("push", "--endpoint", f"{base}/no-such-store", "--no-reason")
    assert res.returncode == 6
    assert res.stderr.count("\n") == 1 and "HTTP 404" in res.stderr


def test_bad_endpoint_and_graph_are_usage_errors():
    assert run("push", "--endpoint", "ftp://127.0.0.1/store", "--no-reason").returncode == 2
    res = run("push", "--endpoint", "http://127.0.0.1:9/store", "--graph", "not an iri", "--no-reason")
    assert res.returncode == 2 and res.stderr.startswith("error: not a valid IRI")
    with pytest.raises(UsageError, match="already names a graph"):
        graph_store_url("http://127.0.0.1:9/store?default", GRAPH)


def test_progress_bar_only_on_a_terminal():
    assert _progress(10 ** 9, None) is None, "pytest captures stderr: not a terminal"
    assert _progress(10, True) is not None


class _AuthStore(BaseHTTPRequestHandler):
    """A loopback server that accepts a PUT only with the right Basic credentials, and records what it got."""

    received: list = []

    def do_PUT(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = "Basic " + base64.b64encode(b"editor:s3cret").decode()
        ok = self.headers.get("Authorization") == expected
        _AuthStore.received.append((self.path, self.headers.get("Content-Type"), len(body), ok))
        self.send_response(204 if ok else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_basic_auth_user_and_password_from_the_environment(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AuthStore)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/store"
    try:
        env = {"CHIPLET_KG_PASSWORD": "s3cret"}
        res = run("push", "--endpoint", base, "--replace", "--user", "editor", "--no-reason", env=env)
        assert res.returncode == 0, res.stderr
        res = run("push", "--endpoint", base, "--replace", "--user", "editor", "--no-reason",
                  env={"CHIPLET_KG_PASSWORD": "wrong"})
        assert res.returncode == 6 and "HTTP 401" in res.stderr
    finally:
        server.shutdown()
        server.server_close()
    (path, ctype, size, ok), (_, _, _, bad) = _AuthStore.received
    assert path == "/store?default" and ctype.startswith("text/turtle") and size > 0 and ok and not bad


def test_remote_error_type():
    with pytest.raises(RemoteError):
        push(ChipletKG(data=(SAMPLE,), builtin=False), f"http://127.0.0.1:{free_port()}/store", inferred=False)

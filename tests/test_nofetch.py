"""Nothing is fetched: user files and local queries never reach the network nor read files they were not given.

Every case points at a loopback HTTP listener (which records any connection and would answer with data that
shows up in the graph) and at local "secret" files (whose access time is watched and whose text would show up).
Covered: RDF/XML external entities and DTDs, JSON-LD remote ``@context`` and ``@import``, ``SERVICE``, ``LOAD``,
``FROM``/``FROM NAMED`` (http and file IRIs; through the CLI, the Python API and the endpoint) and
``owl:imports`` of URLs and files while validating (SHACL, HermiT) and building (reasoning, documentation).
"""

from __future__ import annotations

import http.server
import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from chiplet_kg import ChipletKG
from chiplet_kg.errors import ChipletKGError
from chiplet_kg.kg import project_root

from .conftest import DATA, CommandLine
from .servers import chiplet_kg_server

#: The command line through its real entry point (tests/conftest.py).
CLI = CommandLine()

ROOT = project_root()
OWN = (DATA / "good" / "own-supplier.ttl").read_text(encoding="utf-8")
#: Text a fetched or read resource would bring into the graph or an output: it must appear nowhere.
LEAK = "LEAKED-BY-FETCH-7f3a"
SECRET = "SECRET-FILE-TEXT-91c2"


class _Recorder(http.server.ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that records every connection (before any request is read)."""

    daemon_threads = True

    def __init__(self):
        self.connections: list[tuple] = []
        self.paths: list[str] = []
        super().__init__(("127.0.0.1", 0), _Answer)

    def verify_request(self, request, client_address):
        self.connections.append(client_address)
        return True


class _Answer(http.server.BaseHTTPRequestHandler):
    """Answers anything with content that would be used if fetched: a JSON-LD context, RDF, a DTD."""

    def _reply(self):
        self.server.paths.append(self.path)
        if "ctx" in self.path:
            body = json.dumps({"@context": {"name": {"@id": "http://www.w3.org/2000/01/rdf-schema#label"},
                                            "leak": f"urn:{LEAK}"}}).encode()
            ctype = "application/ld+json"
        elif "dtd" in self.path:
            body = f'<!ENTITY leak "{LEAK}">'.encode()
            ctype = "application/xml-dtd"
        else:
            body = f'<urn:{LEAK}> <http://www.w3.org/2000/01/rdf-schema#label> "{LEAK}" .\n'.encode()
            ctype = "application/n-triples"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _reply

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def listener():
    server = _Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    # the listener itself works: a real client's connection is recorded (so an empty record means something)
    with urllib.request.urlopen(f"{server.base}/probe", timeout=10) as resp:
        assert LEAK.encode() in resp.read()
    assert server.connections and server.paths == ["/probe"]
    server.connections.clear()
    server.paths.clear()
    yield server
    server.shutdown()
    server.server_close()


class Secrets:
    """Local files nobody named on the command line; reading one changes its access time (relatime: atime is
    updated when it is older than mtime, so each file is armed with an old atime)."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.files = {
            "txt": folder / "secret.txt",
            "ttl": folder / "secret.ttl",
            "nt": folder / "secret.nt",
            "jsonld": folder / "secret-ctx.jsonld",
            "dtd": folder / "secret.dtd",
            "rdf": folder / "secret.rdf",
        }
        self.files["txt"].write_text(SECRET + "\n", encoding="utf-8")
        self.files["ttl"].write_text(f'<urn:secret> <http://www.w3.org/2000/01/rdf-schema#label> "{SECRET}" .\n',
                                     encoding="utf-8")
        self.files["nt"].write_text(f'<urn:secret> <http://www.w3.org/2000/01/rdf-schema#label> "{SECRET}" .\n',
                                    encoding="utf-8")
        self.files["jsonld"].write_text(json.dumps({"@context": {"leak": f"urn:{SECRET}"}}), encoding="utf-8")
        self.files["dtd"].write_text(f'<!ENTITY leak "{SECRET}">', encoding="utf-8")
        self.files["rdf"].write_text(
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"><rdf:Description rdf:about="urn:secret">'
            f"<rdfs:label>{SECRET}</rdfs:label></rdf:Description></rdf:RDF>\n", encoding="utf-8")
        self.atime_works = self._probe()

    def arm(self) -> None:
        for path in self.files.values():
            st = path.stat()
            os.utime(path, (st.st_mtime - 3600, st.st_mtime))
        self._armed = {name: path.stat().st_atime for name, path in self.files.items()}

    def read(self) -> list[str]:
        """The secret files read since :meth:`arm`."""
        return [name for name, path in self.files.items() if path.stat().st_atime != self._armed[name]]

    def uri(self, name: str) -> str:
        return self.files[name].as_uri()

    def _probe(self) -> bool:
        self.arm()
        self.files["txt"].read_bytes()
        works = self.read() == ["txt"]
        self.arm()
        return works


@pytest.fixture()
def secrets(tmp_path):
    return Secrets(tmp_path / "private")


def _assert_untouched(listener, secrets, *outputs: str) -> None:
    assert listener.connections == [], f"connections to the loopback listener: {listener.paths}"
    if secrets.atime_works:
        assert secrets.read() == [], "local files were read that nobody gave"
    for text in outputs:
        assert LEAK not in text and SECRET not in text, "fetched or read content reached the output"


def _load_and_dump(path: Path) -> str:
    """Load ``path`` with the shipped graph through the Python API, in every way a command does; all the text."""
    kg = ChipletKG(data=[path])
    rows = kg.sparql("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isIRI(?s) && !STRSTARTS(STR(?s), 'https://w3id')) }")
    text = "\n".join(" ".join(str(v) for v in row.values()) for row in rows)
    return text + "\n" + kg.graph.serialize(format="nt")


# ------------------------------------------------------------------ user files

def _rdfxml(doctype: str, label: str = "x") -> str:
    return ('<?xml version="1.0"?>\n' + doctype + "\n"
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
            f'<rdf:Description rdf:about="https://example.org/mine/A"><rdfs:label>{label}</rdfs:label>'
            "</rdf:Description>\n</rdf:RDF>\n")


def _file_cases(base: str, secrets: Secrets) -> dict[str, str]:
    """name → file content: each would fetch ``base`` or read a secret file if the parser resolved it."""
    return {
        "xxe-file.rdf": _rdfxml(f'<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "{secrets.uri("txt")}">]>', "&x;"),
        "xxe-http.rdf": _rdfxml(f'<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "{base}/entity">]>', "&x;"),
        "xxe-relative.rdf": _rdfxml('<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "private/secret.txt">]>', "&x;"),
        "xxe-parameter-http.rdf": _rdfxml(f'<!DOCTYPE rdf:RDF [<!ENTITY % p SYSTEM "{base}/dtd"> %p;]>', "&leak;"),
        "xxe-parameter-file.rdf": _rdfxml(f'<!DOCTYPE rdf:RDF [<!ENTITY % p SYSTEM "{secrets.uri("dtd")}"> %p;]>',
                                          "&leak;"),
        "external-dtd-http.rdf": _rdfxml(f'<!DOCTYPE rdf:RDF SYSTEM "{base}/ext.dtd">'),
        "external-dtd-file.rdf": _rdfxml(f'<!DOCTYPE rdf:RDF SYSTEM "{secrets.uri("dtd")}">'),
        "xxe-public.rdf": _rdfxml(f'<!DOCTYPE rdf:RDF PUBLIC "-//X//Y" "{base}/public.dtd">'),
        "jsonld-context-http.jsonld": json.dumps(
            {"@context": f"{base}/ctx.jsonld", "@id": "https://example.org/mine/A", "name": "x", "leak": "y"}),
        "jsonld-context-list-http.jsonld": json.dumps(
            {"@context": [{"ex": "https://example.org/"}, f"{base}/ctx2.jsonld"],
             "@id": "https://example.org/mine/A", "name": "x"}),
        "jsonld-context-file.jsonld": json.dumps(
            {"@context": secrets.uri("jsonld"), "@id": "https://example.org/mine/A", "leak": "x"}),
        "jsonld-context-relative.jsonld": json.dumps(
            {"@context": "private/secret-ctx.jsonld", "@id": "https://example.org/mine/A", "leak": "x"}),
        "jsonld-import-http.jsonld": json.dumps(
            {"@context": {"@version": 1.1, "@import": f"{base}/ctx-import.jsonld"},
             "@id": "https://example.org/mine/A", "name": "x"}),
        "jsonld-nested-context-http.jsonld": json.dumps(
            {"@context": {"ex": "https://example.org/"}, "@id": "https://example.org/mine/A",
             "ex:part": {"@context": f"{base}/ctx-nested.jsonld", "@id": "https://example.org/mine/B", "name": "x"}}),
        "turtle-base-and-imports.ttl": (f"@base <{base}/> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                                        f"<onto> a owl:Ontology ; owl:imports <{base}/imported.ttl> , "
                                        f"<{secrets.uri('ttl')}> .\n"),
        "rdfxml-imports.rdf": ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
                               ' xmlns:owl="http://www.w3.org/2002/07/owl#" xml:base="' + base + '/">\n'
                               f'<owl:Ontology rdf:about="https://example.org/mine/onto"><owl:imports '
                               f'rdf:resource="{base}/imported.rdf"/><owl:imports rdf:resource="{secrets.uri("rdf")}"/>'
                               "</owl:Ontology>\n</rdf:RDF>\n"),
        "trig-graph-names.trig": (f"<{base}/graph> {{ <https://example.org/mine/A> "
                                  f"<http://www.w3.org/2000/01/rdf-schema#seeAlso> <{secrets.uri('ttl')}> . }}\n"),
        "nquads-graph-name.nq": (f"<https://example.org/mine/A> <http://www.w3.org/2000/01/rdf-schema#seeAlso> "
                                 f"<{base}/x> <{secrets.uri('nt')}> .\n"),
    }


def _case_names() -> list[str]:
    class _Fake:
        def uri(self, name):
            return f"file:///nonexistent/{name}"

    return list(_file_cases("http://127.0.0.1:1", _Fake()))


@pytest.mark.parametrize("name", _case_names())
def test_loading_a_user_file_fetches_nothing(name, listener, secrets, tmp_path):
    """Loading the file (asserted graph, query store, a query over it) connects nowhere and reads no other file;
    the file either loads without the referenced content or is refused with a one-line input error."""
    path = tmp_path / name
    path.write_text(_file_cases(listener.base, secrets)[name], encoding="utf-8")
    listener.connections.clear()
    listener.paths.clear()
    secrets.arm()
    try:
        text = _load_and_dump(path)
    except ChipletKGError as err:
        assert err.exit_code == 3 and str(path.name) in err.message and "\n" not in err.message
        text = err.message
    _assert_untouched(listener, secrets, text)


@pytest.mark.parametrize("name", ["xxe-http.rdf", "jsonld-context-http.jsonld", "jsonld-context-file.jsonld",
                                  "jsonld-import-http.jsonld"])
def test_cli_validate_of_a_user_file_fetches_nothing(name, listener, secrets, tmp_path):
    """The same through the command line (``validate --no-owl``: rdflib parse and SHACL)."""
    path = tmp_path / name
    path.write_text(_file_cases(listener.base, secrets)[name], encoding="utf-8")
    listener.connections.clear()
    secrets.arm()
    result = CLI.invoke(["validate", "--no-owl", "--data", str(path)])
    assert result.exit_code in (0, 1, 3), result.output
    assert "Traceback" not in result.output
    _assert_untouched(listener, secrets, result.output)


# ------------------------------------------------------------------ SPARQL text

def _sparql_cases(base: str, secrets: Secrets) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{base}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{base}/sparql> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{base}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{base}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{secrets.uri('ttl')}> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{base}/graph.nt> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM <{secrets.uri('ttl')}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{base}/graph.nt> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * FROM NAMED <{secrets.uri('nt')}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{base}/graph.nt> WHERE {{ ?s ?p ?o }}",
        f"ASK FROM <{secrets.uri('ttl')}> {{ ?s ?p ?o }}",
        f"DESCRIBE ?s FROM <{base}/graph.nt> WHERE {{ ?s ?p ?o }}",
        f"LOAD <{base}/graph.nt>",
        f"LOAD SILENT <{secrets.uri('ttl')}> INTO GRAPH <urn:g>",
        f"LOAD <{secrets.uri('ttl')}>",
        f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT 1 ; LOAD <{base}/graph.nt>",
        f"PREFIX x: <{base}/> SELECT * WHERE {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
        f"BASE <{base}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{base}/s> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{base}/s> {{ ?s ?p ?o }} }} }}",
        f"ASK {{ GRAPH <{base}/graph.nt> {{ ?s ?p ?o }} }}",
        f"ASK {{ GRAPH <{secrets.uri('ttl')}> {{ ?s ?p ?o }} }}",
        f"DESCRIBE <{base}/thing>",
    ]


def _sparql_ids():
    class _Fake:
        def uri(self, name):
            return f"file:///x/{name}"

    return [f"q{i}" for i, _ in enumerate(_sparql_cases("http://h", _Fake()))]


@pytest.mark.parametrize("index", range(len(_sparql_ids())), ids=_sparql_ids())
def test_local_sparql_fetches_nothing(index, kg, listener, secrets):
    """Through the API and ``chiplet-kg sparql``: refused with a usage error (exit 2) or answered from the local
    graph only; never a connection, never a file read."""
    text = _sparql_cases(listener.base, secrets)[index]
    listener.connections.clear()
    secrets.arm()
    try:
        result = kg.sparql(text, timeout=20)
        shown = repr(result.rows or result.boolean or len(result))
    except ChipletKGError as err:
        assert err.exit_code == 2, err.message
        shown = err.message
    _assert_untouched(listener, secrets, shown)
    out = CLI.invoke(["sparql", text, "--no-reason", "--timeout", "20"])
    assert out.exit_code in (0, 2), out.output
    assert "Traceback" not in out.output
    _assert_untouched(listener, secrets, out.output)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """``chiplet-kg serve`` as a real process on a free loopback port."""
    with chiplet_kg_server(tmp_path_factory.mktemp("nofetch-serve"), "--no-reason", "--timeout", "20") as (base, _):
        yield base


def _http(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")


@pytest.mark.parametrize("index", range(len(_sparql_ids())), ids=_sparql_ids())
def test_endpoint_fetches_nothing(index, endpoint, listener, secrets):
    """The same queries sent to the endpoint by GET, by POST form and as an update: 4xx or a local answer."""
    text = _sparql_cases(listener.base, secrets)[index]
    listener.connections.clear()
    secrets.arm()
    answers = [
        _http(f"{endpoint}/sparql?" + urllib.parse.urlencode({"query": text})),
        _http(f"{endpoint}/sparql", urllib.parse.urlencode({"query": text}).encode(),
              {"Content-Type": "application/x-www-form-urlencoded"}),
        _http(f"{endpoint}/sparql", text.encode(), {"Content-Type": "application/sparql-update"}),
        _http(f"{endpoint}/sparql", urllib.parse.urlencode({"update": text}).encode(),
              {"Content-Type": "application/x-www-form-urlencoded"}),
    ]
    for status, body in answers:
        assert status in (200, 400, 403), (status, body)
        assert "Traceback" not in body
    _assert_untouched(listener, secrets, *(body for _, body in answers))


def test_endpoint_dataset_parameters_fetch_nothing(endpoint, listener, secrets):
    """``default-graph-uri`` and ``named-graph-uri`` (SPARQL Protocol dataset parameters) are refused."""
    listener.connections.clear()
    secrets.arm()
    for key in ("default-graph-uri", "named-graph-uri"):
        for iri in (f"{listener.base}/graph.nt", secrets.uri("ttl")):
            status, body = _http(f"{endpoint}/sparql?" + urllib.parse.urlencode(
                {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", key: iri}))
            assert status == 400 and key in body
    _assert_untouched(listener, secrets)


# ------------------------------------------------------------------ owl:imports while validating and building

def test_owl_imports_are_not_followed_by_validate_or_build(listener, secrets, tmp_path):
    """A user ontology that imports an http URL, a file URL and a relative file: ``build`` (SHACL, HermiT
    consistency, reasoning, exports, documentation) follows none of them and writes no fetched content."""
    ttl = tmp_path / "mine.ttl"
    ttl.write_text(OWN + "\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                   f"<https://example.org/mine/onto> a owl:Ontology ; owl:imports <{listener.base}/onto.ttl> , "
                   f"<{secrets.uri('ttl')}> , <private/secret.ttl> .\n", encoding="utf-8")
    rdf = tmp_path / "mine-imports.rdf"
    rdf.write_text('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                   'xmlns:owl="http://www.w3.org/2002/07/owl#">\n<owl:Ontology '
                   f'rdf:about="https://example.org/mine/onto2"><owl:imports rdf:resource="{listener.base}/onto.rdf"/>'
                   f'<owl:imports rdf:resource="{secrets.uri("rdf")}"/></owl:Ontology>\n</rdf:RDF>\n',
                   encoding="utf-8")
    out = tmp_path / "build"
    listener.connections.clear()
    secrets.arm()
    proc = CLI.run(["build", "--out", out, "--data", ttl, "--data", rdf], timeout=600, cwd=tmp_path,
                   env={"PYTHONWARNINGS": "ignore", "CHIPLET_KG_CACHE": str(tmp_path / "cache")})
    assert proc.returncode == 0, proc.stderr
    report = (out / "validation-report.txt").read_text(encoding="utf-8")
    assert "OWL consistency (HermiT): consistent" in report
    assert (out / "inferred.ttl").stat().st_size > 0
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file()]
    _assert_untouched(listener, secrets, proc.stdout, proc.stderr, *texts)

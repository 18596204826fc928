"""A read-only SPARQL 1.1 Protocol endpoint over the graph, with the named queries and an offline query page."""

from __future__ import annotations

import html
import json
import secrets
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from rdflib import BNode, Graph, URIRef

from .errors import ChipletKGError, QueryTimeout, UsageError

__all__ = ["Response", "SparqlApp", "make_server", "serve", "negotiate", "DEFAULT_PORT", "RESULT_TYPES",
           "GRAPH_TYPES"]

DEFAULT_PORT = 8765
#: Largest request body accepted (a query or a form), in bytes.
MAX_BODY = 1 << 20

#: Media types for SELECT/ASK results → render format; the first is the default.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
}
#: Media types for CONSTRUCT/DESCRIBE results → render format; the first is the default.
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
}
#: ``format=`` values some clients (SPARQLWrapper, browsers) send instead of an Accept header.
_FORMAT_PARAM = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "csv": ("text/csv", None), "tsv": ("text/tab-separated-values", None),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "turtle": (None, "text/turtle"), "n3": (None, "text/turtle"), "ttl": (None, "text/turtle"),
    "nt": (None, "application/n-triples"), "ntriples": (None, "application/n-triples"),
    "jsonld": (None, "application/ld+json"), "json-ld": (None, "application/ld+json"),
    "rdfxml": (None, "application/rdf+xml"), "rdf+xml": (None, "application/rdf+xml"),
}
_UPDATE_REFUSED = "updates are refused: this endpoint is read-only (SPARQL 1.1 Update is not served)"


@dataclass
class Response:
    """One HTTP response: status, headers and body; ``note`` goes into the request's log line."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    note: str = ""


def _error(status: int, message: str, **headers) -> Response:
    return Response(status, f"error: {message}\n".encode("utf-8"), headers=dict(headers), note=message[:120])


def negotiate(accept: str | None, offered: dict[str, str]) -> str | None:
    """The media type in ``offered`` that ``accept`` (an HTTP Accept header) prefers; None if it accepts none.

    Examples
    --------
    >>> negotiate("text/csv;q=0.5, text/tab-separated-values", RESULT_TYPES)
    'text/tab-separated-values'
    >>> negotiate("*/*", RESULT_TYPES)
    'application/sparql-results+json'
    >>> negotiate("image/png", RESULT_TYPES) is None
    True
    """
    default = next(iter(offered))
    if not accept or not accept.strip():
        return default
    choices = []
    for order, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            choices.append((-q, order, media))
    for _, _, media in sorted(choices):
        if media in offered:
            return media
        if media == "*/*":
            return default
        if media.endswith("/*"):
            for candidate in offered:
                if candidate.startswith(media[:-1]):
                    return candidate
    return None


def _xml_results(result) -> str:
    """W3C SPARQL Query Results XML Format."""
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.form == "ASK":
        out += ["  <head/>", f"  <boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out.append("  <head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables) + "</head>")
    out.append("  <results>")
    for row in result.rows:
        cells = []
        for var in result.variables:
            term = row.get(var)
            if term is None:
                continue
            if isinstance(term, URIRef):
                value = f"<uri>{xml_escape(str(term))}</uri>"
            elif isinstance(term, BNode):
                value = f"<bnode>{xml_escape(str(term))}</bnode>"
            elif term.language:
                value = f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(str(term))}</literal>"
            elif term.datatype:
                value = f"<literal datatype={quoteattr(str(term.datatype))}>{xml_escape(str(term))}</literal>"
            else:
                value = f"<literal>{xml_escape(str(term))}</literal>"
            cells.append(f"<binding name={quoteattr(var)}>{value}</binding>")
        out.append("    <result>" + "".join(cells) + "</result>")
    out += ["  </results>", "</sparql>"]
    return "\n".join(out) + "\n"


class SparqlApp:
    """The endpoint's behaviour, apart from the HTTP server: a request in, a :class:`Response` out.

    Parameters
    ----------
    kg : the graph to serve (never changed).
    timeout : seconds a query may run before it is stopped (503).
    max_rows : most rows (or triples) a result returns; longer results are cut and marked with the headers
        ``X-SPARQL-MaxRows`` and ``X-Chiplet-KG-Truncated: true``.
    cors : the origin allowed to call the endpoint from a browser (``*`` for any); None sends no CORS headers.
    """

    def __init__(self, kg, *, timeout: float = 30.0, max_rows: int = 10000, cors: str | None = None):
        from .library import load_library

        if timeout is None or timeout <= 0:
            raise UsageError("the endpoint needs a positive --timeout")
        if max_rows < 1:
            raise UsageError("--max-rows must be at least 1")
        self.kg = kg
        self.timeout = float(timeout)
        self.max_rows = int(max_rows)
        self.cors = cors
        self.library = load_library()
        kg.store  # noqa: B018 - build the query store once, before requests arrive on several threads
        self._listing = self._render_listing()

    # ------------------------------------------------------------ dispatch

    def handle(self, method: str, target: str, headers, body: bytes = b"") -> Response:
        """Answer one request; ``headers`` is a mapping with case-insensitive ``get`` (as http.server gives)."""
        parsed = urllib.parse.urlsplit(target)
        path = parsed.path.rstrip("/") or "/"
        try:
            params = urllib.parse.parse_qs(parsed.query, keep_blank_values=True, strict_parsing=False,
                                           max_num_fields=100)
        except ValueError as err:
            return _error(400, f"bad query string: {err}")
        if method == "OPTIONS":
            return Response(204, headers={"Allow": "GET, HEAD, POST, OPTIONS"})
        if method not in ("GET", "HEAD", "POST"):
            if method in ("PUT", "DELETE", "PATCH") and path == "/sparql":
                return _error(405, _UPDATE_REFUSED, Allow="GET, HEAD, POST, OPTIONS")
            return _error(405, f"{method} is not supported", Allow="GET, HEAD, POST, OPTIONS")
        if path == "/":
            return self.page() if method != "POST" else _error(405, "POST queries to /sparql", Allow="GET, HEAD")
        if path == "/sparql":
            return self.sparql_request(method, params, headers, body)
        if path.startswith("/static/yasgui/"):  # [yasgui helper, issue 17 item 3] the bundled YASGUI files
            from .querypage import asset

            found = asset(path[len("/static/yasgui/"):])
            if found is None:
                return _error(404, f"no such file: {parsed.path}")
            return Response(200, found[0], found[1], note="static")
        if path == "/queries":
            return self.list_queries()
        if path.startswith("/queries/"):
            name = urllib.parse.unquote(path[len("/queries/"):])
            return self.named_query(name, params, headers.get("Accept"))
        return _error(404, f"no such page: {parsed.path} (the endpoint is /sparql; named queries under /queries)")

    # ------------------------------------------------------------ SPARQL 1.1 Protocol

    def sparql_request(self, method: str, params: dict, headers, body: bytes) -> Response:
        """The SPARQL 1.1 Protocol: GET ?query=, POST form (query=) and POST application/sparql-query."""
        ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if method == "POST":
            if ctype == "application/sparql-update":
                return _error(403, _UPDATE_REFUSED)
            if ctype == "application/x-www-form-urlencoded":
                try:
                    form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=100)
                except (UnicodeDecodeError, ValueError) as err:
                    return _error(400, f"cannot read the form: {err}")
                params = {**params, **form}
            elif ctype == "application/sparql-query":
                try:
                    params = {**params, "query": [body.decode("utf-8")]}
                except UnicodeDecodeError:
                    return _error(400, "the query is not UTF-8 text")
            else:
                return _error(415, "POST a query as application/sparql-query or as a form "
                                   "(application/x-www-form-urlencoded) with query=")
        if "update" in params:
            return _error(403, _UPDATE_REFUSED)
        for key in ("default-graph-uri", "named-graph-uri"):
            if key in params:
                return _error(400, f"{key} is not supported: the endpoint serves its own graphs only "
                                   "(the default graph is the asserted and inferred triples)")
        queries = params.get("query", [])
        if not queries:
            if "text/html" in (headers.get("Accept") or ""):
                return Response(303, headers={"Location": "/"}, note="to the query page")
            return _error(400, "no query: send ?query=… (GET), a form with query=, or application/sparql-query")
        if len(queries) > 1:
            return _error(400, "give exactly one query parameter")
        accept = self._accept(headers.get("Accept"), params)
        return self._run(lambda: self.kg.sparql(queries[0], timeout=self.timeout, max_rows=self.max_rows), accept)

    def _accept(self, accept: str | None, params: dict) -> str | tuple:
        fmt = (params.get("format") or [""])[0].strip().lower()
        if fmt:
            if fmt not in _FORMAT_PARAM and fmt not in RESULT_TYPES and fmt not in GRAPH_TYPES:
                return ("bad-format", fmt)
            if fmt in RESULT_TYPES or fmt in GRAPH_TYPES:
                return fmt
            results, graphs = _FORMAT_PARAM[fmt]
            return ", ".join(t for t in (results, graphs) if t)
        return accept or ""

    def _run(self, run, accept) -> Response:
        if isinstance(accept, tuple):
            return _error(400, f"unknown format={accept[1]}; use json, csv, tsv, xml, turtle, nt or jsonld")
        started = time.monotonic()
        try:
            result = run()
        except QueryTimeout:
            return _error(503, f"the query ran longer than {self.timeout:g} s and was stopped "
                               "(this endpoint's --timeout); narrow it or add a LIMIT", **{"Retry-After": "0"})
        except UsageError as err:
            return _error(400, err.message)
        except ChipletKGError as err:
            return _error(500, err.message)
        return self._render(result, accept, time.monotonic() - started)

    def _render(self, result, accept: str, seconds: float) -> Response:
        from .render import render_graph, render_result

        graph_form = result.form in ("CONSTRUCT", "DESCRIBE")
        offered = GRAPH_TYPES if graph_form else RESULT_TYPES
        media = negotiate(accept, offered)
        if media is None:
            kinds = "CONSTRUCT/DESCRIBE" if graph_form else f"{result.form}"
            return _error(406, f"cannot answer {kinds} as {accept}; offered: {', '.join(offered)}")
        headers: dict[str, str] = {}
        size = len(result)
        if result.truncated:  # the store stopped reading at max_rows: these rows are the answer's first ones
            headers.update({"X-SPARQL-MaxRows": str(self.max_rows), "X-Chiplet-KG-Truncated": "true"})
        fmt = offered[media]
        if fmt == "xml":
            text = _xml_results(result)
        elif fmt == "rdfxml":
            text = result.graph.serialize(format="xml")
        elif graph_form:
            text = render_graph(result.graph, fmt)
        else:
            text = render_result(result, fmt)
        note = (f"ASK {str(result.boolean).lower()}" if result.form == "ASK"
                else f"{result.form} {size} {'triples' if graph_form else 'rows'}")
        if result.truncated:
            note += f", cut at {self.max_rows}"
        return Response(200, text.encode("utf-8"), f"{media}; charset=utf-8", headers, f"{note} in {seconds:.3f} s")

    # ------------------------------------------------------------ named queries

    def list_queries(self) -> Response:
        """``/queries``: every named query with its parameters and the URL that runs it."""
        return Response(200, self._listing, "application/json; charset=utf-8", note=f"{len(self.library)} queries")

    def _render_listing(self) -> bytes:
        doc = []
        for q in self.library.values():
            example = {p.name: p.default or "…" for p in q.params if p.required or p.default}
            doc.append({
                "name": q.name, "title": q.title, "title_zh": q.title_zh, "description": q.description,
                "form": q.form,
                "parameters": [{"name": p.name, "kind": p.kind, "required": p.required, "default": p.default,
                                "description": p.description} for p in q.params],
                "url": f"/queries/{q.name}" + ("?" + urllib.parse.urlencode(example) if example else ""),
                "text": q.text,
            })
        return (json.dumps({"queries": doc}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    def named_query(self, name: str, params: dict, accept: str | None) -> Response:
        """``/queries/NAME?param=…&lang=zh``: parameters bound exactly as ``chiplet-kg query -p`` binds them."""
        if name not in self.library:
            from .library import get_query

            try:
                get_query(name, self.library)
            except UsageError as err:
                return _error(404, err.message)
        values = {}
        for key, given in params.items():
            if key in ("lang", "format"):
                continue
            if len(given) > 1:
                return _error(400, f"give the parameter '{key}' once")
            values[key] = given[0]
        lang = (params.get("lang") or ["en"])[0]
        if lang not in ("en", "zh"):
            return _error(400, f"lang must be en or zh, not {lang!r}")
        wanted = self._accept(accept, params)
        return self._run(lambda: self.kg.query(name, lang=lang, timeout=self.timeout, max_rows=self.max_rows,
                                                  **values), wanted)

    # ------------------------------------------------------------ the query page

    def page(self) -> Response:
        """The query page: YASGUI (chiplet_kg.querypage) with the named queries as examples; no remote resources."""
        # [yasgui helper, issue 17 item 3] the YASGUI page replaces the textarea page below (_PAGE is now unused);
        # the lead ports these lines onto the new server.
        from .namespace import PREFIXES
        from .querypage import CSP, query_page

        return Response(200, query_page(self.library, prefixes=PREFIXES), "text/html; charset=utf-8",
                        {"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer"}, "query page")


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chiplet-kg SPARQL endpoint</title>
<link rel="icon" href="data:,">
<style nonce="{nonce}">
body { font-family: "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", Arial, sans-serif;
       margin: 20px; color: #212121; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 22px; }
textarea { width: 100%; height: 260px; font-family: "Noto Sans Mono", Consolas, monospace; font-size: 13px; }
select, input, button { font-size: 14px; margin: 2px 6px 2px 0; }
table { border-collapse: collapse; font-size: 13px; margin-top: 10px; }
th, td { border: 1px solid #cfd8dc; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eceff1; }
td { max-width: 480px; overflow-wrap: anywhere; }
pre { background: #f5f5f5; padding: 8px; overflow: auto; max-height: 480px; }
.note { color: #616161; font-size: 13px; } .error { color: #b71c1c; white-space: pre-wrap; }
#params label { margin-right: 10px; }
</style>
</head>
<body>
<h1>chiplet-kg SPARQL endpoint</h1>
<p class="note">Read-only SPARQL 1.1 over {count} triples (asserted and inferred) at <code>/sparql</code>; the prefixes
ckg:, ckgd:, rdfs:, owl:, skos:, dcterms: … are predeclared. Queries stop after {timeout} s; results keep at most
{max_rows} rows. Named queries: <a href="/queries">/queries</a>.</p>
<h2>Named queries</h2>
<p><select id="named">{options}</select>
<select id="lang"><option value="en">English labels</option><option value="zh">中文标签</option></select>
<button id="load" type="button">Show the SPARQL</button></p>
<p class="note" id="description"></p>
<p id="params"></p>
<p><button id="run-named" type="button">Run the named query</button></p>
<h2>SPARQL</h2>
<textarea id="query" spellcheck="false">SELECT ?firm ?label WHERE {
  ?firm a ckg:Firm ; ckg:basedIn ckgd:China ; rdfs:label ?label .
  FILTER(LANG(?label) = "zh")
} LIMIT 20</textarea>
<p><button id="run" type="button">Run</button>
<select id="accept"><option value="table">table</option><option value="text/csv">CSV</option>
<option value="text/tab-separated-values">TSV</option><option value="application/sparql-results+json">JSON</option>
<option value="text/turtle">Turtle (CONSTRUCT/DESCRIBE)</option></select></p>
<p id="status" class="note"></p>
<div id="result"></div>
<script type="application/json" id="library">{library}</script>
<script nonce="{nonce}">
"use strict";
const library = JSON.parse(document.getElementById("library").textContent);
const byName = new Map(library.map(q => [q.name, q]));
const $ = id => document.getElementById(id);

function showParams() {
  const q = byName.get($("named").value);
  $("description").textContent = q ? q.description : "";
  const box = $("params");
  box.replaceChildren();
  if (!q) return;
  for (const p of q.params) {
    const label = document.createElement("label");
    label.textContent = p.name + (p.required ? " *" : "") + " (" + p.kind + ") ";
    const input = document.createElement("input");
    input.name = p.name; input.value = p.default; input.size = 28;
    label.appendChild(input);
    box.appendChild(label);
  }
}

function table(doc) {
  const t = document.createElement("table");
  const head = t.createTHead().insertRow();
  for (const v of doc.head.vars) { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); }
  const body = t.createTBody();
  for (const b of doc.results.bindings) {
    const tr = body.insertRow();
    for (const v of doc.head.vars) { tr.insertCell().textContent = b[v] ? b[v].value : ""; }
  }
  return t;
}

async function show(response) {
  const out = $("result");
  out.replaceChildren();
  const text = await response.text();
  const type = response.headers.get("Content-Type") || "";
  const cut = response.headers.get("X-Chiplet-KG-Truncated") ? " (cut to the row limit)" : "";
  if (!response.ok) {
    $("status").textContent = "HTTP " + response.status;
    const p = document.createElement("p"); p.className = "error"; p.textContent = text; out.appendChild(p);
    return;
  }
  if (type.startsWith("application/sparql-results+json") && $("accept").value === "table") {
    const doc = JSON.parse(text);
    if ("boolean" in doc) { $("status").textContent = "ASK: " + doc.boolean; return; }
    $("status").textContent = doc.results.bindings.length + " rows" + cut;
    out.appendChild(table(doc));
    return;
  }
  $("status").textContent = type + cut;
  const pre = document.createElement("pre"); pre.textContent = text; out.appendChild(pre);
}

function acceptHeader() {
  const a = $("accept").value;
  return a === "table" ? "application/sparql-results+json, text/turtle;q=0.9" : a + ", text/turtle;q=0.5";
}

async function run() {
  $("status").textContent = "running …";
  try {
    const response = await fetch("/sparql", {method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded", "Accept": acceptHeader()},
      body: new URLSearchParams({query: $("query").value})});
    await show(response);
  } catch (err) { $("status").textContent = String(err); }
}

async function runNamed() {
  const q = byName.get($("named").value);
  if (!q) return;
  const params = new URLSearchParams();
  for (const input of $("params").querySelectorAll("input")) { if (input.value) params.set(input.name, input.value); }
  params.set("lang", $("lang").value);
  $("status").textContent = "running …";
  try {
    const response = await fetch("/queries/" + encodeURIComponent(q.name) + "?" + params.toString(),
                                 {headers: {"Accept": acceptHeader()}});
    await show(response);
  } catch (err) { $("status").textContent = String(err); }
}

$("named").addEventListener("change", showParams);
$("load").addEventListener("click", () => { const q = byName.get($("named").value); if (q) $("query").value = q.text; });
$("run").addEventListener("click", run);
$("run-named").addEventListener("click", runNamed);
showParams();
</script>
</body>
</html>
"""


# ------------------------------------------------------------------ the HTTP server


def _handler_class(app: SparqlApp):
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        def version_string(self) -> str:
            from . import __version__

            return f"chiplet-kg/{__version__}"

        def log_request(self, code="-", size="-"):  # one line per request is written by _answer instead
            pass

        def _answer(self, method: str) -> None:
            started = time.monotonic()
            body = b""
            length = self.headers.get("Content-Length")
            if method == "POST":
                if length is None:
                    response = _error(411, "a POST needs a Content-Length")
                elif not length.isdigit() or int(length) > MAX_BODY:
                    response = _error(413, f"the request body is larger than {MAX_BODY} bytes")
                else:
                    body = self.rfile.read(int(length))
                    response = app.handle(method, self.path, self.headers, body)
            else:
                response = app.handle("GET" if method == "HEAD" else method, self.path, self.headers, body)
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", "no-store")
            if app.cors:
                self.send_header("Access-Control-Allow-Origin", app.cors)
                if app.cors != "*":
                    self.send_header("Vary", "Origin")
                if method == "OPTIONS":
                    self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
                    self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
                    self.send_header("Access-Control-Max-Age", "600")
                self.send_header("Access-Control-Expose-Headers", "X-SPARQL-MaxRows, X-Chiplet-KG-Truncated")
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.end_headers()
            # Logged before the body goes out, so a client that has its answer finds the line written.
            line = self.requestline if len(self.requestline) <= 300 else self.requestline[:297] + "..."
            self.log_message('"%s" %d %d %.3fs%s', line, response.status, len(response.body),
                             time.monotonic() - started, f" {response.note}" if response.note else "")
            if method != "HEAD":
                self.wfile.write(response.body)

        def do_GET(self):  # noqa: N802 - http.server's naming
            self._answer("GET")

        def do_HEAD(self):  # noqa: N802
            self._answer("HEAD")

        def do_POST(self):  # noqa: N802
            self._answer("POST")

        def do_OPTIONS(self):  # noqa: N802
            self._answer("OPTIONS")

        def do_PUT(self):  # noqa: N802
            self._answer("PUT")

        def do_DELETE(self):  # noqa: N802
            self._answer("DELETE")

        def do_PATCH(self):  # noqa: N802
            self._answer("PATCH")

    return Handler


def make_server(kg, host: str = "127.0.0.1", port: int = DEFAULT_PORT, *, timeout: float = 30.0,
                max_rows: int = 10000, cors: str | None = None):
    """A ``ThreadingHTTPServer`` serving ``kg`` read-only (not yet started: call ``serve_forever``).

    Raises
    ------
    UsageError
        The address cannot be bound (in use, or not an address of this machine).
    """
    from http.server import ThreadingHTTPServer

    app = SparqlApp(kg, timeout=timeout, max_rows=max_rows, cors=cors)
    try:
        server = ThreadingHTTPServer((host, port), _handler_class(app))
    except OSError as err:
        raise UsageError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    server.daemon_threads = True
    server.app = app
    return server


def serve(kg, host: str = "127.0.0.1", port: int = DEFAULT_PORT, *, timeout: float = 30.0, max_rows: int = 10000,
          cors: str | None = None, announce=print) -> None:
    """Serve ``kg`` until interrupted (Ctrl-C); ``announce`` receives the line that says where."""
    server = make_server(kg, host, port, timeout=timeout, max_rows=max_rows, cors=cors)
    bound_host, bound_port = server.server_address[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    base = f"http://{shown}:{bound_port}"
    announce(f"chiplet-kg SPARQL endpoint at {base}/sparql (query page {base}/, named queries {base}/queries); "
             "Ctrl-C stops it")
    if host not in ("127.0.0.1", "localhost", "::1"):
        announce(f"warning: listening on {host}: other machines that reach it can query the graph")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()

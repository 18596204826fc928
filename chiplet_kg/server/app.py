"""The endpoint's behaviour apart from HTTP: SPARQL 1.1 Protocol, named queries, resolvable IRIs, the query page."""

from __future__ import annotations

import io
import json
import mimetypes
import re
import time
import urllib.parse
from dataclasses import dataclass, field

from ..errors import ChipletKGError, UsageError

__all__ = ["Response", "SparqlApp", "negotiate", "MAX_BODY", "RESULT_TYPES", "GRAPH_TYPES", "ENTITY_TYPES",
           "ENTITY_PATHS"]

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
#: Media types an entity IRI (``/data/NAME`` …) answers in; ``text/html`` only where the site has its page.
ENTITY_TYPES = {
    "text/html": "html",
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
    "application/rdf+xml": "rdfxml",
}
#: Path prefix → namespace of the IRIs it resolves (``/data/JCET`` is ``https://w3id.org/chiplet-kg/data/JCET``).
ENTITY_PATHS = {
    "/data/": "https://w3id.org/chiplet-kg/data/",
    "/ontology/": "https://w3id.org/chiplet-kg/ontology/",
    "/eto/": "https://w3id.org/chiplet-kg/eto/",
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
#: A local name that can be pasted into an IRI as it is (no spaces, brackets, quotes, slashes or controls).
_LOCAL_NAME = re.compile(r"[^\s<>\"{}|\\^`/\x00-\x1f\x7f]{1,300}")
#: Content types of the site's static files that :mod:`mimetypes` may not know.
_STATIC_TYPES = {".ttl": "text/turtle", ".jsonld": "application/ld+json", ".nt": "application/n-triples",
                 ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
                 ".json": "application/json", ".html": "text/html", ".txt": "text/plain", ".woff2": "font/woff2"}


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


def _result_bytes(result, fmt: str) -> bytes:
    """A SELECT/ASK result in ``fmt``, written by rdflib's SPARQL result serializers (JSON, XML, CSV); TSV, which
    rdflib does not write, and ASK as CSV by :mod:`chiplet_kg.render`'s W3C writers."""
    from rdflib import Variable
    from rdflib.query import Result

    from ..render import render_result

    if fmt == "tsv" or (fmt == "csv" and result.form == "ASK"):
        return render_result(result, fmt).encode("utf-8")
    answer = Result(result.form)
    if result.form == "ASK":
        answer.askAnswer = bool(result.boolean)
    else:
        answer.vars = [Variable(v) for v in result.variables]
        answer.bindings = [{Variable(k): v for k, v in row.items()} for row in result.rows]
    out = io.BytesIO()
    answer.serialize(out, encoding="utf-8", format=fmt)
    return out.getvalue()


def _graph_bytes(graph, fmt: str) -> bytes:
    """A graph as Turtle, N-Triples, JSON-LD (pyoxigraph / rdflib, :func:`chiplet_kg.export.graph_bytes`) or
    RDF/XML (rdflib)."""
    from ..export import graph_bytes

    if fmt == "rdfxml":
        return graph.serialize(format="xml", encoding="utf-8")
    return graph_bytes(graph, {"nt": "ntriples"}.get(fmt, fmt))


def _static_type(path: str) -> str:
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    ctype = _STATIC_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    if ctype.startswith("text/") or ctype in ("application/json", "application/ld+json", "image/svg+xml",
                                                "application/n-triples"):
        ctype += "; charset=utf-8"
    return ctype


def _site_page(iri: str) -> str:
    """Where the site keeps the page of ``iri`` (``data/X.html`` …; :func:`chiplet_kg.site.page_path`), or ""."""
    from ..site import page_path

    return page_path(iri) or ""


class SparqlApp:
    """The endpoint's behaviour, apart from the HTTP server: a request in, a :class:`Response` out.

    Everything that reads the store runs as a *job* (:meth:`execute`): in a worker process of a
    :class:`~chiplet_kg.server.pool.WorkerPool` once :meth:`start` has been called (the timeout and memory limit
    then hold), in this process otherwise (no time limit: for tests and notebooks).

    Parameters
    ----------
    kg : the graph to serve (never changed).
    timeout : seconds a query may run before it is stopped (503).
    max_rows : most rows (or triples) a result returns; longer results are cut and marked with the headers
        ``X-SPARQL-MaxRows`` and ``X-Chiplet-KG-Truncated: true``.
    cors : the origin allowed to call the endpoint from a browser (``*`` for any); None sends no CORS headers.
    site : the static site (relative path → bytes, as :func:`chiplet_kg.site.build_site` makes it): every path
        is served as a file, and ``/data/NAME`` … answer ``text/html`` with the entity's page from it.
    """

    def __init__(self, kg, *, timeout: float = 30.0, max_rows: int = 10000, cors: str | None = None,
                 site: dict[str, bytes] | None = None):
        from ..library import load_library

        if timeout is None or timeout <= 0:
            raise UsageError("the endpoint needs a positive --timeout")
        if max_rows < 1:
            raise UsageError("--max-rows must be at least 1")
        self.kg = kg
        self.timeout = float(timeout)
        self.max_rows = int(max_rows)
        self.cors = cors
        self.site = dict(site or {})
        self.library = load_library()
        self.pool = None
        self.memory_mb: int | None = None
        kg.store  # noqa: B018 - build the query store once, before the workers are forked
        self._listing = self._render_listing()

    # ------------------------------------------------------------ workers

    def start(self, workers: int = 4, memory_mb: int | None = 2048) -> None:
        """Fork ``workers`` query processes (sharing the loaded store); call it before the HTTP server starts."""
        from .pool import WorkerPool

        # Warm what every job needs (the parser, the serializers, the label index), so that the workers inherit
        # it instead of each building its own copy.
        self.execute(("sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "application/sparql-results+xml"))
        self.execute(("sparql", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "application/rdf+xml"))
        self.execute(("sparql", "ASK {}", "text/turtle"))
        self.kg.close_matches("warm")
        self.memory_mb = memory_mb
        self.pool = WorkerPool(self.execute, size=workers, timeout=self.timeout, memory_mb=memory_mb)
        self.pool.start()

    def close(self) -> None:
        """Stop the workers (if started)."""
        if self.pool is not None:
            self.pool.close()

    def _submit(self, job) -> Response:
        """Run ``job`` in a worker (in this process when none were started) and turn failures into answers."""
        if self.pool is None:
            return self.execute(job)
        outcome = self.pool.run(job)
        if outcome.kind == "ok":
            return outcome.reply
        if outcome.kind == "busy":
            return _error(503, f"all {self.pool.size} query workers stayed busy for {self.pool.wait:g} s "
                               "(queries run at most --workers at a time); try again", **{"Retry-After": "1"})
        if outcome.kind == "timeout":
            return _error(503, f"the query ran longer than {self.timeout:g} s and was stopped "
                               "(this endpoint's --timeout); narrow it or add a LIMIT", **{"Retry-After": "0"})
        limit = f"{self.memory_mb} MiB" if self.memory_mb else "the machine's"
        if outcome.kind == "memory":
            return _error(503, f"the query needed more memory than this endpoint allows ({limit} per query, "
                               "--max-memory) and was stopped; narrow it or add a LIMIT")
        if outcome.kind == "died":
            return _error(503, "the query process ended without an answer (most likely the query passed the "
                               f"memory limit, {limit} per query, --max-memory); narrow it or add a LIMIT")
        return _error(500, f"internal error while answering: {outcome.reply}")

    def execute(self, job) -> Response:
        """Run one job on the store and write its answer: ``("sparql", text, accept)``,
        ``("query", name, lang, values, accept)`` or ``("describe", iri, name, media)``."""
        kind, *args = job
        started = time.monotonic()
        try:
            if kind == "sparql":
                text, accept = args
                return self._render(self.kg.sparql(text, max_rows=self.max_rows), accept, started)
            if kind == "query":
                name, lang, values, accept = args
                result = self.kg.query(name, lang=lang, max_rows=self.max_rows, **values)
                return self._render(result, accept, started)
            if kind == "describe":
                return self._describe(*args)
        except UsageError as err:
            return _error(400, err.message)
        except ChipletKGError as err:
            return _error(500, err.message)
        raise ValueError(f"unknown job {kind!r}")

    # ------------------------------------------------------------ dispatch

    def handle(self, method: str, target: str, headers, body: bytes = b"") -> Response:
        """Answer one request; ``headers`` is a mapping with case-insensitive ``get``."""
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
        if path.startswith("/static/yasgui/"):  # the bundled YASGUI files (chiplet_kg/static/yasgui/)
            from ..querypage import asset

            found = asset(path[len("/static/yasgui/"):])
            if found is None:
                return _error(404, f"no such file: {parsed.path}")
            # The bundle changes only with the package: a browser may keep it for a day.
            return Response(200, found[0], found[1], {"Cache-Control": "public, max-age=86400"}, note="static")
        if path == "/queries":
            return self.list_queries()
        if path.startswith("/queries/"):
            name = urllib.parse.unquote(path[len("/queries/"):])
            return self.named_query(name, params, headers.get("Accept"))
        static = urllib.parse.unquote(parsed.path).lstrip("/")
        if static in self.site:
            return self.static(static, method)
        for prefix, ns in ENTITY_PATHS.items():
            if path.startswith(prefix):
                return self.entity(ns, urllib.parse.unquote(path[len(prefix):]), headers.get("Accept"), method)
        return _error(404, f"no such page: {parsed.path} (the endpoint is /sparql; named queries under /queries; "
                           "entities under /data/, /ontology/ and /eto/)")

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
        if isinstance(accept, tuple):
            return _error(400, f"unknown format={accept[1]}; use json, csv, tsv, xml, turtle, nt or jsonld")
        return self._submit(("sparql", queries[0], accept))

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

    def _render(self, result, accept: str, started: float) -> Response:
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
        body = _graph_bytes(result.graph, fmt) if graph_form else _result_bytes(result, fmt)
        note = (f"ASK {str(result.boolean).lower()}" if result.form == "ASK"
                else f"{result.form} {size} {'triples' if graph_form else 'rows'}")
        if result.truncated:
            note += f", cut at {self.max_rows}"
        return Response(200, body, f"{media}; charset=utf-8", headers,
                        f"{note} in {time.monotonic() - started:.3f} s")

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
            from ..library import get_query

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
        if isinstance(wanted, tuple):
            return _error(400, f"unknown format={wanted[1]}; use json, csv, tsv, xml, turtle, nt or jsonld")
        return self._submit(("query", name, lang, values, wanted))

    # ------------------------------------------------------------ IRIs that resolve, and the site

    def static(self, path: str, method: str = "GET") -> Response:
        """One file of the site mapping (``index.html``, ``data/X.html``, ``assets/…``)."""
        if method == "POST":
            return _error(405, "the site's pages are read with GET", Allow="GET, HEAD")
        return Response(200, self.site[path], _static_type(path), note="site file")

    def entity(self, namespace: str, name: str, accept: str | None, method: str = "GET") -> Response:
        """``/data/NAME``, ``/ontology/TERM``, ``/eto/ID``: the entity's page (``text/html``, from the site) or its
        description (:func:`chiplet_kg.describe.describe`) in Turtle, JSON-LD, N-Triples or RDF/XML, chosen by
        ``accept``; 404 with close matches when the graph does not know it."""
        if method == "POST":
            return _error(405, "entities are read with GET", Allow="GET, HEAD")
        if not _LOCAL_NAME.fullmatch(name):
            return _error(404, f"no entity {namespace}{name!r}: not a name an IRI of this graph can have")
        iri = namespace + name
        page = _site_page(iri)
        offered = dict(ENTITY_TYPES) if page in self.site else {k: v for k, v in ENTITY_TYPES.items()
                                                                   if v != "html"}
        media = negotiate(accept, offered)
        if media is None:
            return _error(406, f"cannot answer {iri} as {accept}; offered: {', '.join(offered)}", Vary="Accept")
        if media == "text/html":
            return Response(200, self.site[page], "text/html; charset=utf-8", {"Vary": "Accept"},
                            note=f"page of <{iri}>")
        return self._submit(("describe", iri, name, media))

    def _describe(self, iri: str, name: str, media: str) -> Response:
        from rdflib import URIRef

        from ..describe import describe

        graph = describe(self.kg, URIRef(iri))
        if not len(graph):
            shown = []
            for match in self.kg.close_matches(name, 5):
                label = self.kg.label_in(match.node, "en") or self.kg.label_in(match.node, "zh")
                shown.append(f"{self.kg.qname(match.node)}" + (f" ({label})" if label else ""))
            hint = f"; close matches: {', '.join(shown)}" if shown else ""
            return _error(404, f"the graph says nothing of <{iri}>{hint}", Vary="Accept")
        body = _graph_bytes(graph, ENTITY_TYPES[media])
        return Response(200, body, f"{media}; charset=utf-8", {"Vary": "Accept"},
                        note=f"description of <{iri}>, {len(graph)} triples")

    # ------------------------------------------------------------ the query page

    def page(self) -> Response:
        """The query page: YASGUI (chiplet_kg.querypage) with the named queries as examples; no remote resources."""
        from ..namespace import PREFIXES
        from ..querypage import CSP, query_page

        return Response(200, query_page(self.library, prefixes=PREFIXES), "text/html; charset=utf-8",
                        {"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer"}, "query page")

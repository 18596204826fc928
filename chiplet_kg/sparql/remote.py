"""Remote SPARQL 1.1 endpoints (Oxigraph, Fuseki, GraphDB, Virtuoso …): the same queries, the same result shape."""

from __future__ import annotations

import re

from rdflib import BNode, Graph, Literal, URIRef

from ..errors import QueryTimeout, RemoteError, UsageError
from ..namespace import bind_prefixes
from .checks import check_query
from .store import QueryResult
from .terms import with_bindings, with_prefixes

__all__ = ["run_remote"]


def run_remote(endpoint: str, text: str, bindings: dict | None = None, *, timeout: float | None = None) -> QueryResult:
    """Run ``text`` on a SPARQL 1.1 endpoint (Oxigraph, Fuseki, GraphDB, Virtuoso …) and return the same shape of result."""
    import json
    import urllib.error

    from SPARQLWrapper import JSON, N3, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    if not re.match(r"^https?://", endpoint):
        raise UsageError(f"--endpoint must be an http(s) URL, not {endpoint!r}")
    form = check_query(text, local=False)
    text = with_prefixes(with_bindings(text, bindings or {}))
    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.queryType = form  # SPARQLWrapper guesses the form with a regex that comments can fool
    client.setMethod(POST)
    client.setOnlyConneg(True)  # only the Accept header: extra format= parameters upset some servers
    if timeout:
        client.setTimeout(int(max(1, timeout)))
    if form in ("CONSTRUCT", "DESCRIBE"):
        client.setReturnFormat(N3)
        client.addCustomHttpHeader("Accept", "application/n-triples, text/turtle;q=0.9")
    else:
        client.setReturnFormat(JSON)
    try:
        response = client.query()
        raw = response.response.read()
        ctype = response.response.headers.get("Content-Type", "")
    except (urllib.error.URLError, SPARQLWrapperException, OSError, ValueError) as err:
        reason = getattr(err, "reason", None) or getattr(err, "msg", None) or err
        if "timed out" in str(reason):
            raise QueryTimeout(f"the endpoint {endpoint} did not answer within {timeout:g} s") from None
        raise RemoteError(f"cannot query {endpoint}: {str(reason).splitlines()[0]}") from None
    if form in ("CONSTRUCT", "DESCRIBE"):
        g = bind_prefixes(Graph())
        fmt = "nt" if "n-triples" in ctype else "turtle"
        try:
            g.parse(data=raw, format=fmt)
        except Exception as err:  # noqa: BLE001
            raise RemoteError(f"{endpoint} sent a graph that cannot be parsed: {err}") from None
        return QueryResult(form, graph=g)
    try:
        doc = json.loads(raw)
    except ValueError:
        raise RemoteError(f"{endpoint} did not answer with SPARQL JSON results") from None
    if form == "ASK":
        return QueryResult(form, boolean=bool(doc.get("boolean")))
    variables = doc.get("head", {}).get("vars", [])
    rows = [{k: _from_json(v) for k, v in b.items()} for b in doc.get("results", {}).get("bindings", [])]
    return QueryResult(form, variables=variables, rows=rows)


def _from_json(cell: dict):
    kind = cell.get("type")
    if kind == "uri":
        return URIRef(cell["value"])
    if kind == "bnode":
        return BNode(cell["value"])
    if "xml:lang" in cell:
        return Literal(cell["value"], lang=cell["xml:lang"])
    if cell.get("datatype"):
        return Literal(cell["value"], datatype=URIRef(cell["datatype"]))
    return Literal(cell["value"])

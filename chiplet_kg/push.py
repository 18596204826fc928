"""Upload the graph to a triple store with the SPARQL 1.1 Graph Store HTTP Protocol (Oxigraph, Fuseki, GraphDB, Virtuoso)."""

from __future__ import annotations

import base64
import http.client
import os
import socket
import ssl
import urllib.parse
from dataclasses import dataclass

from .errors import RemoteError, UsageError

__all__ = ["PushResult", "graph_store_url", "push", "PASSWORD_ENV", "PROGRESS_MIN_BYTES"]

#: Environment variable holding the password for ``--user`` (never on the command line, where others can see it).
PASSWORD_ENV = "CHIPLET_KG_PASSWORD"
#: Bodies at least this large get a progress bar when stderr is a terminal.
PROGRESS_MIN_BYTES = 1 << 20
_CHUNK = 1 << 16


@dataclass
class PushResult:
    """What :func:`push` sent: where, how much, and the server's answer."""

    url: str
    triples: int
    bytes: int
    status: int
    replaced: bool


def _endpoint_parts(endpoint: str) -> urllib.parse.SplitResult:
    """``endpoint`` split, once it is known to be an http(s) URL with a host, a valid port and an ASCII path.

    Examples
    --------
    >>> _endpoint_parts("http://127.0.0.1:99999/store")
    Traceback (most recent call last):
    ...
    chiplet_kg.errors.UsageError: --endpoint 'http://127.0.0.1:99999/store': port out of range 0-65535
    """
    bad = f"--endpoint must be an http(s) URL of a Graph Store endpoint, not {endpoint!r}"
    try:
        parts = urllib.parse.urlsplit(endpoint)
        parts.port  # noqa: B018 - urllib checks the port only when it is read
    except ValueError as err:
        raise UsageError(f"--endpoint {endpoint!r}: {str(err)[:1].lower()}{str(err)[1:]}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(bad)
    if not endpoint.isascii():
        # http.client sends the request line as ASCII: a non-ASCII path must be percent-encoded by the user.
        raise UsageError(f"--endpoint {endpoint!r} has characters outside ASCII: percent-encode them "
                         f"(e.g. {urllib.parse.quote(endpoint, safe=':/?&=%[]@')})")
    return parts


def graph_store_url(endpoint: str, graph: str | None = None) -> str:
    """The Graph Store Protocol URL for ``graph`` (``?graph=IRI``) or the default graph (``?default``).

    Examples
    --------
    >>> graph_store_url("http://127.0.0.1:7878/store")
    'http://127.0.0.1:7878/store?default'
    >>> graph_store_url("http://localhost:3030/ds/data", "https://w3id.org/chiplet-kg/graph/asserted")
    'http://localhost:3030/ds/data?graph=https%3A%2F%2Fw3id.org%2Fchiplet-kg%2Fgraph%2Fasserted'
    """
    parts = _endpoint_parts(endpoint)
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    if "graph" in query or "default" in query:
        if graph:
            raise UsageError("the endpoint URL already names a graph; drop ?graph=/?default or --graph")
        return endpoint
    if graph:
        from .sparql import sparql_iri

        sparql_iri(graph)  # refuses what cannot be an IRI
        extra = urllib.parse.urlencode({"graph": graph})
    else:
        extra = "default"
    return urllib.parse.urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))


def _progress(total: int, enabled: bool | None):
    """A progress bar on stderr for large bodies when stderr is a terminal (:mod:`chiplet_kg.progress`); None otherwise."""
    from .progress import byte_bar, enabled as at_terminal

    if enabled is None:
        enabled = total >= PROGRESS_MIN_BYTES and at_terminal()
    if not enabled:
        return None
    return byte_bar("uploading", speed=True)


def push(kg, endpoint: str, *, graph: str | None = None, replace: bool = False, inferred: bool = True,
         timeout: float = 120.0, user: str | None = None, password: str | None = None,
         progress: bool | None = None) -> PushResult:
    """Upload ``kg`` to the Graph Store ``endpoint``: POST adds to the graph, ``replace`` PUTs the whole graph at once.

    Parameters
    ----------
    kg : the knowledge graph; the asserted triples, plus ``kg.inferred`` when ``inferred``.
    endpoint : the store's Graph Store URL: Oxigraph ``http://host:7878/store``, Fuseki
        ``http://host:3030/DATASET/data``, GraphDB ``http://host:7200/repositories/REPO/rdf-graphs/service``,
        Virtuoso ``http://host:8890/sparql-graph-crud``.
    graph : the named graph to fill; the default graph when None.
    replace : replace the graph (one PUT with everything, so a failure leaves the old graph as it was).
    timeout : seconds to wait for the connection and for each read and write.
    user, password : HTTP Basic credentials.
    progress : show a progress bar (default: for large graphs when stderr is a terminal).

    Raises
    ------
    RemoteError
        The server cannot be reached, or answers with an HTTP error.
    """
    from .export import graph_bytes, rdf_graph

    url = graph_store_url(endpoint, graph)
    parts = urllib.parse.urlsplit(url)
    data = rdf_graph(kg, inferred=inferred)
    body = graph_bytes(data, "turtle")
    triples = len(data)
    headers = {"Content-Type": "text/turtle; charset=utf-8", "Content-Length": str(len(body)),
               "Accept": "*/*", "User-Agent": "chiplet-kg"}
    if user is not None:
        token = base64.b64encode(f"{user}:{password or ''}".encode("utf-8")).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = cls(parts.hostname, parts.port, timeout=timeout)
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    method = "PUT" if replace else "POST"
    bar = _progress(len(body), progress)
    try:
        try:
            conn.putrequest(method, target, skip_accept_encoding=True)
            for key, value in headers.items():
                conn.putheader(key, value)
            conn.endheaders()
            task = bar.add_task("upload", total=len(body)) if bar else None
            if bar:
                bar.start()
            for start in range(0, len(body), _CHUNK):
                conn.send(body[start:start + _CHUNK])
                if bar:
                    bar.update(task, advance=min(_CHUNK, len(body) - start))
            response = conn.getresponse()
            answer = response.read(4096).decode("utf-8", errors="replace")
        finally:
            if bar:
                bar.stop()
    except (ConnectionError, socket.timeout, socket.gaierror, ssl.SSLError, http.client.HTTPException,
            OSError) as err:
        reason = getattr(err, "strerror", None) or str(err) or type(err).__name__
        raise RemoteError(f"cannot reach {endpoint}: {reason}") from None
    finally:
        conn.close()
    if response.status not in (200, 201, 204):
        detail = " ".join(answer.split())[:200]
        raise RemoteError(f"{endpoint} answered {method} with HTTP {response.status} {response.reason}"
                          + (f": {detail}" if detail else ""))
    return PushResult(url=url, triples=triples, bytes=len(body), status=response.status, replaced=replace)


def password_from_env() -> str | None:
    """The password for ``--user`` from :data:`PASSWORD_ENV`, or None."""
    return os.environ.get(PASSWORD_ENV)

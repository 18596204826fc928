"""The endpoint over HTTP: :class:`~chiplet_kg.server.app.SparqlApp` as a WSGI application, served by waitress."""

from __future__ import annotations

import http
import logging
import resource
import signal
import sys
import threading
import time

from ..errors import UsageError
from .app import MAX_BODY, Response, SparqlApp, _error

__all__ = ["WsgiApp", "make_server", "serve", "raise_open_files_limit", "DEFAULT_PORT", "DEFAULT_WORKERS",
           "DEFAULT_MAX_CONNECTIONS", "DEFAULT_IDLE_TIMEOUT", "DEFAULT_MAX_MEMORY", "EXTRA_THREADS", "MAX_HEADER",
           "HARD_MAX_BODY"]

DEFAULT_PORT = 8765
#: Query worker processes, unless ``--workers`` says otherwise.
DEFAULT_WORKERS = 4
#: Waitress threads beyond the workers: one, so that a request that needs no query (a page, the listing, a refusal)
#: is answered while every worker is busy. Not more: a thread that waits for a free worker is put to sleep and woken,
#: where a request waiting in waitress's queue is taken up by the next free thread at no cost; with 4 extra threads
#: the endpoint benchmark's cheap SELECT ran at about half the throughput.
EXTRA_THREADS = 1
#: Open client connections at most (waitress ``connection_limit``); idle ones hold a socket, not a thread.
DEFAULT_MAX_CONNECTIONS = 2000
#: Seconds a connection may stay silent (idle keep-alive, or a request that stopped arriving) before it is closed.
DEFAULT_IDLE_TIMEOUT = 60.0
#: MiB of memory a query worker may take beyond the store it shares (RLIMIT_AS).
DEFAULT_MAX_MEMORY = 2048
#: Largest request line plus headers, in bytes (waitress ``max_request_header_size``): a long GET query fits.
MAX_HEADER = 256 * 1024
#: Largest body waitress reads at all (its own 413); bodies over :data:`MAX_BODY` get the endpoint's 413 message.
HARD_MAX_BODY = 4 * MAX_BODY


class _Headers:
    """Request headers from a WSGI environ, read with a case-insensitive ``get`` (as the app expects)."""

    def __init__(self, environ: dict):
        self.environ = environ

    def get(self, name: str, default=None):
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        return self.environ.get(key, default)


class WsgiApp:
    """The WSGI callable: reads the request, asks the app, adds the common headers and writes one log line."""

    def __init__(self, app: SparqlApp, log=None):
        self.app = app
        self.log = log or sys.stderr
        self._log_lock = threading.Lock()

    def __call__(self, environ, start_response):
        started = time.monotonic()
        method = environ.get("REQUEST_METHOD", "GET")
        target = environ.get("REQUEST_URI") or (environ.get("PATH_INFO", "/") + (
            "?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else ""))
        headers = _Headers(environ)
        try:
            response = self._respond(method, target, headers, environ)
        except Exception as err:  # noqa: BLE001 - a bug must not become waitress's page with a traceback
            response = _error(500, f"internal error ({type(err).__name__}); the server log has no more about it")
        extra = [("Content-Type", response.content_type), ("Content-Length", str(len(response.body))),
                 ("X-Content-Type-Options", "nosniff"),
                 ("Cache-Control", response.headers.get("Cache-Control", "no-store"))]
        cors = self.app.cors
        if cors:
            extra.append(("Access-Control-Allow-Origin", cors))
            if cors != "*":
                extra.append(("Vary", "Origin"))
            if method == "OPTIONS":
                extra += [("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"),
                          ("Access-Control-Allow-Headers", "Accept, Content-Type"), ("Access-Control-Max-Age", "600")]
            extra.append(("Access-Control-Expose-Headers", "X-SPARQL-MaxRows, X-Chiplet-KG-Truncated"))
        for key, value in response.headers.items():
            if key == "Cache-Control":  # already in, in place of no-store
                continue
            if key == "Vary" and any(k == "Vary" for k, _ in extra):
                extra = [(k, f"{v}, {value}" if k == "Vary" else v) for k, v in extra]
            else:
                extra.append((key, value))
        # Logged before the body goes out, so a client that has its answer finds the line written.
        self._log(environ, method, target, response, time.monotonic() - started)
        try:
            phrase = http.HTTPStatus(response.status).phrase
        except ValueError:  # pragma: no cover - every status the app uses is a standard one
            phrase = "Status"
        start_response(f"{response.status} {phrase}", extra)
        return [b"" if method == "HEAD" else response.body]

    def _respond(self, method: str, target: str, headers: _Headers, environ: dict) -> Response:
        if method != "POST":
            return self.app.handle("GET" if method == "HEAD" else method, target, headers, b"")
        length = environ.get("CONTENT_LENGTH")
        chunked = "chunked" in (environ.get("HTTP_TRANSFER_ENCODING") or "").lower()
        if not length and not chunked:
            return _error(411, "a POST needs a Content-Length")
        if length and (not length.isdigit() or int(length) > MAX_BODY):
            return _error(413, f"the request body is larger than {MAX_BODY} bytes")
        # Read what Content-Length announces (waitress has already buffered it); a chunked body, up to one byte more
        # than the cap.
        body = environ["wsgi.input"].read(int(length) if length else MAX_BODY + 1)
        if len(body) > MAX_BODY:
            return _error(413, f"the request body is larger than {MAX_BODY} bytes")
        return self.app.handle(method, target, headers, body)

    def _log(self, environ, method, target, response: Response, seconds: float) -> None:
        line = f"{method} {target} {environ.get('SERVER_PROTOCOL', 'HTTP/1.1')}"
        if len(line) > 300:
            line = line[:297] + "..."
        line = line.encode("ascii", "backslashreplace").decode("ascii")
        stamp = time.strftime("%d/%b/%Y %H:%M:%S", time.localtime())
        note = f" {response.note}" if response.note else ""
        text = (f'{environ.get("REMOTE_ADDR", "-")} - - [{stamp}] "{line}" {response.status} {len(response.body)} '
                f"{seconds:.3f}s{note}\n")
        with self._log_lock:
            self.log.write(text)
            self.log.flush()


def raise_open_files_limit() -> int:
    """Raise this process's soft limit of open files to its hard limit (each connection is one); the new limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):  # pragma: no cover - a container may refuse: keep what we have
            pass
    return soft


def make_server(kg, host: str = "127.0.0.1", port: int = DEFAULT_PORT, *, timeout: float = 30.0,
                max_rows: int = 10000, cors: str | None = None, site: dict[str, bytes] | None = None,
                workers: int = DEFAULT_WORKERS, max_connections: int = DEFAULT_MAX_CONNECTIONS,
                idle_timeout: float = DEFAULT_IDLE_TIMEOUT, max_memory: int | None = DEFAULT_MAX_MEMORY):
    """A waitress server for ``kg`` with its query workers started (call ``run()``; ``close()`` and
    ``server.app.close()`` to stop). ``server.app`` is the :class:`SparqlApp`.

    Raises
    ------
    UsageError
        A limit is out of range, or the address cannot be bound (in use, or not an address of this machine).
    """
    from waitress.server import create_server

    if workers < 1:
        raise UsageError("--workers must be at least 1")
    if max_connections < 1:
        raise UsageError("--max-connections must be at least 1")
    if idle_timeout <= 0:
        raise UsageError("--idle-timeout must be positive")
    open_files = raise_open_files_limit()
    if max_connections + 64 > open_files:  # each connection is a file; keep some for the rest of the process
        fitting = max(1, open_files - 64)
        print(f"warning: --max-connections {max_connections} needs more open files than this process may have "
              f"({open_files}); serving at most {fitting} connections (raise the limit with ulimit -n)",
              file=sys.stderr)
        max_connections = fitting
    app = SparqlApp(kg, timeout=timeout, max_rows=max_rows, cors=cors, site=site)
    app.start(workers, max_memory)  # fork the workers before waitress opens a socket or starts a thread
    logging.getLogger("waitress").setLevel(logging.ERROR)
    try:
        server = create_server(
            WsgiApp(app), host=host, port=port, threads=workers + EXTRA_THREADS, connection_limit=max_connections,
            channel_timeout=idle_timeout, cleanup_interval=max(0.5, min(30.0, idle_timeout / 4)),
            max_request_header_size=MAX_HEADER, max_request_body_size=HARD_MAX_BODY, asyncore_use_poll=True,
            ident="chiplet-kg", expose_tracebacks=False, clear_untrusted_proxy_headers=True)
    except OSError as err:
        app.close()
        raise UsageError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    except BaseException:
        app.close()
        raise
    server.app = app
    return server


def serve(kg, host: str = "127.0.0.1", port: int = DEFAULT_PORT, *, timeout: float = 30.0, max_rows: int = 10000,
          cors: str | None = None, site: dict[str, bytes] | None = None, workers: int = DEFAULT_WORKERS,
          max_connections: int = DEFAULT_MAX_CONNECTIONS, idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
          max_memory: int | None = DEFAULT_MAX_MEMORY, announce=print) -> None:
    """Serve ``kg`` until interrupted (Ctrl-C or SIGTERM); ``announce`` receives the line that says where."""
    server = make_server(kg, host, port, timeout=timeout, max_rows=max_rows, cors=cors, site=site, workers=workers,
                         max_connections=max_connections, idle_timeout=idle_timeout, max_memory=max_memory)
    try:
        bound_host, bound_port = server.effective_host, server.effective_port
    except AttributeError:  # several sockets (a host name with IPv4 and IPv6 addresses)
        bound_host, bound_port = server.servers[0].effective_host, server.servers[0].effective_port
    shown = f"[{bound_host}]" if ":" in str(bound_host) else bound_host
    base = f"http://{shown}:{bound_port}"
    announce(f"chiplet-kg SPARQL endpoint at {base}/sparql (query page {base}/, named queries {base}/queries; "
             f"{workers} workers, at most {server.adj.connection_limit} connections); Ctrl-C stops it")
    if host not in ("127.0.0.1", "localhost", "::1"):
        announce(f"warning: listening on {host}: other machines that reach it can query the graph")
    sys.stdout.flush()

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()
        server.app.close()

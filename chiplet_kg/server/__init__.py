"""A read-only SPARQL 1.1 Protocol endpoint over the graph, with the named queries, resolvable IRIs and a query page.

:mod:`.app` answers requests (no HTTP), :mod:`.pool` runs queries in pre-forked worker processes, :mod:`.wsgi`
serves the app with waitress. ``from chiplet_kg.server import X`` works for the public names of the three.
"""

from __future__ import annotations

from .app import ENTITY_PATHS, ENTITY_TYPES, GRAPH_TYPES, MAX_BODY, RESULT_TYPES, Response, SparqlApp, negotiate
from .pool import WorkerPool
from .wsgi import (DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_MEMORY, DEFAULT_PORT, DEFAULT_WORKERS,
                   WsgiApp, make_server, serve)

__all__ = ["DEFAULT_IDLE_TIMEOUT", "DEFAULT_MAX_CONNECTIONS", "DEFAULT_MAX_MEMORY", "DEFAULT_PORT", "DEFAULT_WORKERS",
           "ENTITY_PATHS", "ENTITY_TYPES", "GRAPH_TYPES", "MAX_BODY", "RESULT_TYPES", "Response", "SparqlApp",
           "WorkerPool", "WsgiApp", "make_server", "negotiate", "serve"]

"""``chiplet-kg serve``: a read-only SPARQL 1.1 endpoint on this machine."""

from __future__ import annotations

import click

from .options import builtin_option, data_option, load_kg, no_reason_option, timeout_option_with


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default is reachable from this machine only.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0 picks a free one).")
@timeout_option_with(30.0, "Stop a query that runs longer than this (the client gets 503).")
@click.option("--max-rows", type=click.IntRange(min=1), default=10000, show_default=True,
              help="Most rows (or triples) one result returns; longer results are cut and marked in a header.")
@click.option("--cors", metavar="ORIGIN", default=None,
              help="Let web pages from ORIGIN (e.g. http://localhost:3000, or *) call the endpoint; off by default.")
@click.option("--workers", type=click.IntRange(1, 256), default=4, show_default=True,
              help="Query worker processes (forked once, sharing the graph): queries run at the same time at most; "
                   "more wait for a free worker (up to twice --timeout, then 503).")
@click.option("--max-connections", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Open client connections at most; more wait to be accepted.")
@click.option("--idle-timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True, metavar="SECONDS",
              help="Close a connection that sends nothing for this long (idle keep-alive, or a request that stopped "
                   "arriving).")
@click.option("--max-memory", type=click.IntRange(min=0), default=2048, show_default=True, metavar="MIB",
              help="Memory one query may take beyond the shared graph, in MiB (0: no limit); past it the client "
                   "gets 503.")
@no_reason_option
@data_option
@builtin_option
def serve(host, port, timeout, max_rows, cors, workers, max_connections, idle_timeout, max_memory, no_reason, data,
          no_builtin):
    """Serve the graph as a read-only SPARQL 1.1 Protocol endpoint, with the named queries and a query page.

    GET /sparql?query=…, POST a form with query= or an application/sparql-query body; results as SPARQL JSON,
    XML, CSV or TSV (SELECT, ASK) and Turtle, N-Triples, JSON-LD or RDF/XML (CONSTRUCT, DESCRIBE), chosen by the
    Accept header. /queries lists the named queries; /queries/NAME?param=…&lang=zh runs one. The graph's IRIs
    resolve: /data/NAME, /ontology/TERM and /eto/ID answer with the entity's description (Turtle, JSON-LD,
    N-Triples, RDF/XML) or its page. Updates, SERVICE, LOAD and FROM of remote graphs are refused. One log line
    per request goes to stderr. docs/server.md gives the limits and how to lift them.

    Example:

        chiplet-kg serve --port 8765 --timeout 10 --cors http://localhost:3000
    """
    from ..server import serve as run
    from ..site import build_site

    kg = load_kg(data, no_builtin, reason=not no_reason)
    site = build_site(kg)  # the entity pages, answered from memory at /data/NAME (text/html) and /index.html
    run(kg, host, port, timeout=timeout, max_rows=max_rows, cors=cors, site=site, workers=workers,
        max_connections=max_connections, idle_timeout=idle_timeout, max_memory=max_memory or None,
        announce=lambda line: click.echo(line, err=line.startswith("warning")))

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
@no_reason_option
@data_option
@builtin_option
def serve(host, port, timeout, max_rows, cors, no_reason, data, no_builtin):
    """Serve the graph as a read-only SPARQL 1.1 Protocol endpoint, with the named queries and a query page.

    GET /sparql?query=…, POST a form with query= or an application/sparql-query body; results as SPARQL JSON,
    XML, CSV or TSV (SELECT, ASK) and Turtle, N-Triples, JSON-LD or RDF/XML (CONSTRUCT, DESCRIBE), chosen by the
    Accept header. /queries lists the named queries; /queries/NAME?param=…&lang=zh runs one. Updates, SERVICE,
    LOAD and FROM of remote graphs are refused. One log line per request goes to stderr.

    Example:

        chiplet-kg serve --port 8765 --timeout 10 --cors http://localhost:3000
    """
    from ..server import serve as run

    kg = load_kg(data, no_builtin, reason=not no_reason)
    run(kg, host, port, timeout=timeout, max_rows=max_rows, cors=cors,
        announce=lambda line: click.echo(line, err=line.startswith("warning")))

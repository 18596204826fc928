"""``chiplet-kg push``: upload the graph to a triple store (SPARQL 1.1 Graph Store Protocol)."""

from __future__ import annotations

import click

from .options import builtin_option, data_option, load_kg, no_reason_option, timeout_option_with


@click.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The store's Graph Store URL: Oxigraph http://HOST:7878/store, Fuseki http://HOST:3030/DATASET/data, "
                   "GraphDB http://HOST:7200/repositories/REPO/rdf-graphs/service, "
                   "Virtuoso http://HOST:8890/sparql-graph-crud.")
@click.option("--graph", "graph", metavar="IRI", default=None, help="Fill this named graph (default: the default graph).")
@click.option("--replace", is_flag=True, default=False,
              help="Replace the graph's contents (one PUT with everything) instead of adding to them (POST).")
@timeout_option_with(120.0, "Give up when the server does not answer for this long.")
@click.option("--user", default=None, metavar="NAME",
              help="HTTP Basic user name; the password is read from $CHIPLET_KG_PASSWORD.")
@no_reason_option
@data_option
@builtin_option
def push(endpoint, graph, replace, timeout, user, no_reason, data, no_builtin):
    """Upload the graph (asserted and inferred triples) to a triple store over the Graph Store Protocol.

    Without --replace the triples are added (POST); with it the graph is replaced in one request (PUT), so a
    failure leaves the old contents as they were. A progress bar shows on a terminal for large graphs.

    Example:

        chiplet-kg push --endpoint http://localhost:7878/store --replace
    """
    from ..errors import UsageError
    from ..push import PASSWORD_ENV, graph_store_url, password_from_env, push as run

    password = password_from_env() if user else None
    if user and password is None:
        raise UsageError(f"--user needs the password in the environment variable {PASSWORD_ENV}")
    graph_store_url(endpoint, graph)  # a bad URL or IRI is reported before the graph is loaded
    kg = load_kg(data, no_builtin, reason=not no_reason)
    result = run(kg, endpoint, graph=graph, replace=replace, inferred=not no_reason, timeout=timeout, user=user,
                 password=password)
    where = f"graph <{graph}>" if graph else "the default graph"
    click.echo(f"{'replaced' if replace else 'added to'} {where} at {endpoint}: {result.triples} triples "
               f"({result.bytes} bytes of Turtle), HTTP {result.status}")

"""``chiplet-kg queries``, ``query`` and ``sparql``: the named query library and free SPARQL."""

from __future__ import annotations

import sys

import click

from .options import (asserted_only_option, builtin_option, data_option, endpoint_option, format_option,
                      graph_format_option, lang_option, load_kg, no_reason_option, timeout_option)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    from ..errors import UsageError

    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"parameters are KEY=VALUE, not {pair!r}")
        params[key.strip()] = value
    return params


def _emit(result, fmt: str, graph_format: str | None) -> None:
    from ..render import render_result

    if result.form in ("CONSTRUCT", "DESCRIBE"):
        fmt = graph_format or ("jsonld" if fmt == "json" else "turtle")
    click.echo(render_result(result, fmt), nl=False)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "md", "json"]), default="table", show_default=True)
@lang_option
def queries(fmt, lang):
    """List the named queries: name, title, parameters.

    Example:

        chiplet-kg queries --lang zh
    """
    from ..library import load_library
    from ..render import render_rows

    rows = [{"name": q.name, "title": q.title_zh if lang == "zh" else q.title, "parameters": q.signature()}
            for q in load_library().values()]
    click.echo(render_rows(["name", "title", "parameters"], rows, fmt), nl=False)


@click.command()
@click.argument("name")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter: an entity by label (zh or en), prefixed name or IRI; a text; a number. Repeatable.")
@format_option
@graph_format_option
@lang_option
@endpoint_option
@timeout_option
@asserted_only_option
@no_reason_option
@data_option
@builtin_option
@click.option("--explain", is_flag=True, help="Print the query's description and parameters instead of running it.")
def query(name, params, fmt, graph_format, lang, endpoint, timeout, asserted_only, no_reason, data, no_builtin,
          explain):
    """Run the named query NAME (see `chiplet-kg queries`).

    Parameters are bound as RDF terms, never pasted into the query; an entity may be named by its label in
    Chinese or English. With --endpoint the same query runs on a remote SPARQL 1.1 endpoint (entities are still
    resolved in the local graph). Inferred facts are part of the answer unless --no-reason or --asserted-only, as
    in the Python API: `chiplet-kg query NAME` and `ChipletKG().query(NAME)` give the same rows.

    Example:

        chiplet-kg query policy-trace -p policy=设立专项基金 --lang zh --format md
    """
    from ..library import get_query

    named = get_query(name)
    if explain:
        click.echo(f"{named.name}: {named.title}\n{named.title_zh}\n\n{named.description}\n")
        for p in named.params:
            need = "required" if p.required else (f"default {p.default}" if p.default else "optional")
            click.echo(f"  -p {p.name}=…  ({p.kind}, {need}) {p.description}")
        if named.example:
            click.echo(f"\nExample: {named.example}")
        return
    # Inferred facts are part of the answer unless asked otherwise (REASON_DEFAULT); the reasoner's cache makes this
    # cheap. --asserted-only and --endpoint do not read the local inferred graph, so they need no reasoning.
    kg = load_kg(data, no_builtin, reason=not (no_reason or asserted_only or endpoint))
    result = kg.query(name, lang=lang, endpoint=endpoint, asserted_only=asserted_only, timeout=timeout,
                      **_parse_params(params))
    if endpoint is None and result.form == "SELECT":
        from ..diagnose import reads, warn_if_empty
        from ..library import get_query

        # An empty answer because the input lacks what the query reads says so on stderr (issue 18).
        warn_if_empty(kg, len(result), what=f"query {name}", **reads(get_query(name).text))
    _emit(result, fmt, graph_format)


@click.command()
@click.argument("text", required=False)
@click.option("-f", "--file", "path", type=click.Path(dir_okay=False), help="Read the query from a .rq file.")
@format_option
@graph_format_option
@endpoint_option
@timeout_option
@asserted_only_option
@no_reason_option
@data_option
@builtin_option
def sparql(text, path, fmt, graph_format, endpoint, timeout, asserted_only, no_reason, data, no_builtin):
    """Run free SPARQL (SELECT, ASK, CONSTRUCT, DESCRIBE) given as TEXT, in a file (-f) or on stdin (-).

    The prefixes ckg:, ckgd:, rdfs:, owl:, skos:, dcterms:, … are predeclared. Updates, SERVICE and FROM
    of remote graphs are refused: the local graph is read-only and local queries never reach the network.

    Example:

        chiplet-kg sparql "SELECT ?firm WHERE { ?firm ckg:basedIn ckgd:China }" --format csv
    """
    from ..errors import UsageError
    from ..sparql import read_query_file

    if (text is None) == (path is None):
        raise UsageError("give the query as TEXT or with -f FILE (one of them)")
    if path:
        text = read_query_file(path)
    elif text == "-":
        text = sys.stdin.read()
    kg = None if endpoint else load_kg(data, no_builtin, reason=not (no_reason or asserted_only))
    if endpoint:
        from ..sparql import run_remote

        result = run_remote(endpoint, text, timeout=timeout)
    else:
        result = kg.sparql(text, asserted_only=asserted_only, timeout=timeout)
    _emit(result, fmt, graph_format)

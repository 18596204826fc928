"""``chiplet-kg queries``, ``query`` and ``sparql``: the named query library and free SPARQL."""

from __future__ import annotations

import sys

import click

from .options import (TABLE_ROWS, TERMINAL_TIMEOUT, asserted_only_option, builtin_option, data_option,
                      endpoint_option, format_option, graph_format_option, lang_option, load_kg, max_rows_option,
                      memory_option, no_reason_option, queries_dir_option, timeout_option)


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


def _limits(fmt: str, max_rows: int | None, timeout: float | None) -> tuple[int | None, float | None]:
    """The row cap and time limit of a local query: what was asked, else the defaults for where the output goes.

    The table and Markdown are collected before they are printed: at most ``TABLE_ROWS`` rows unless --max-rows
    says otherwise. On a terminal every format stops at ``TABLE_ROWS`` rows and the table at ``TERMINAL_TIMEOUT``
    seconds; into a file or a pipe CSV, TSV and JSON stream the whole answer, without a time limit.
    """
    on_terminal = sys.stdout.isatty()
    if max_rows is None:
        cap = TABLE_ROWS if fmt in ("table", "md") or on_terminal else None
    else:
        cap = max_rows or None  # --max-rows 0: no cap
    if timeout is None and fmt == "table" and on_terminal:
        timeout = TERMINAL_TIMEOUT
    return cap, timeout


def _stream(kg, text: str, *, fmt: str, graph_format: str | None, max_rows: int | None, timeout: float | None,
            memory: int, asserted_only: bool, bindings: dict | None = None, label_of=None, lang: str = "en"):
    """Run ``text`` locally and write its answer to stdout as it comes; say on stderr when it was cut."""
    from ..sparql.stream import stream_query

    cap, timeout = _limits(fmt, max_rows, timeout)
    graph_format = graph_format or ("jsonld" if fmt == "json" else "turtle")
    report = stream_query(kg.store, text, fmt=fmt, graph_format=graph_format, bindings=bindings,
                          asserted_only=asserted_only, timeout=timeout, memory_mb=memory, max_rows=cap,
                          label_of=label_of, lang=lang)
    if report.truncated and not report.closed:
        what = "triples" if report.form in ("CONSTRUCT", "DESCRIBE") else "rows"
        if max_rows:
            how = "--max-rows 0 for all of them"
        elif fmt in ("table", "md"):
            how = ("--format csv, tsv or json for all of them (streamed), or --max-rows N to show more "
                   "(0: no cap)")
        else:
            how = "--max-rows N for more (0: no cap), or write into a file or a pipe for all of them"
        click.echo(f"note: the answer was cut at {cap} {what}; {how}", err=True)
    return report


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "md", "json"]), default="table", show_default=True)
@lang_option
@queries_dir_option
def queries(fmt, lang, queries_dir):
    """List the named queries: name, title, parameters.

    Example:

        chiplet-kg queries --lang zh
    """
    from ..library import load_library
    from ..render import render_rows

    _use_queries_dir(queries_dir)
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
@max_rows_option
@memory_option
@asserted_only_option
@no_reason_option
@data_option
@builtin_option
@queries_dir_option
@click.option("--explain", is_flag=True, help="Print the query's description and parameters instead of running it.")
def query(name, params, fmt, graph_format, lang, endpoint, timeout, max_rows, memory, asserted_only, no_reason, data,
          no_builtin, queries_dir, explain):
    """Run the named query NAME (see `chiplet-kg queries`).

    Parameters are bound as RDF terms, never pasted into the query; an entity may be named by its label in
    Chinese or English. With --endpoint the same query runs on a remote SPARQL 1.1 endpoint (entities are still
    resolved in the local graph). Inferred facts are part of the answer unless --no-reason or --asserted-only, as
    in the Python API: `chiplet-kg query NAME` and `ChipletKG().query(NAME)` give the same rows.

    Example:

        chiplet-kg query policy-trace -p policy=设立专项基金 --lang zh --format md
    """
    from ..library import get_query

    _use_queries_dir(queries_dir)
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
    if endpoint:
        result = kg.query(name, lang=lang, endpoint=endpoint, asserted_only=asserted_only, timeout=timeout,
                          max_rows=max_rows or None, **_parse_params(params))
        _emit(result, fmt, graph_format)
        return
    from ..library import bind_params

    # As kg.query does it (the same bindings, labels and graphs), but written as the rows come.
    bindings = bind_params(named, _parse_params(params), kg, lang)
    report = _stream(kg, named.text, fmt=fmt, graph_format=graph_format, max_rows=max_rows, timeout=timeout,
                     memory=memory, asserted_only=asserted_only, bindings=bindings, label_of=kg.label_in, lang=lang)
    if report.form == "SELECT":
        from ..diagnose import reads, warn_if_empty

        # An empty answer because the input lacks what the query reads says so on stderr (issue 18).
        warn_if_empty(kg, report.rows, what=f"query {name}", **reads(named.text))


def _use_queries_dir(folder: str | None) -> None:
    """--queries DIR: DIR's named queries join the library (through the environment, as CHIPLET_KG_QUERIES)."""
    import os

    from ..library import QUERIES_ENV

    if folder:
        os.environ[QUERIES_ENV] = os.pathsep.join(p for p in (os.environ.get(QUERIES_ENV), folder) if p)


@click.command()
@click.argument("text", required=False)
@click.option("-f", "--file", "path", type=click.Path(dir_okay=False), help="Read the query from a .rq file.")
@format_option
@graph_format_option
@endpoint_option
@timeout_option
@max_rows_option
@memory_option
@asserted_only_option
@no_reason_option
@data_option
@builtin_option
def sparql(text, path, fmt, graph_format, endpoint, timeout, max_rows, memory, asserted_only, no_reason, data,
           no_builtin):
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
    if endpoint:
        from ..sparql import run_remote

        _emit(run_remote(endpoint, text, timeout=timeout), fmt, graph_format)
        return
    kg = load_kg(data, no_builtin, reason=not (no_reason or asserted_only))
    _stream(kg, text, fmt=fmt, graph_format=graph_format, max_rows=max_rows, timeout=timeout, memory=memory,
            asserted_only=asserted_only)

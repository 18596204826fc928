"""Options shared by several commands, defined once (one option object per shared option)."""

from __future__ import annotations

import click

from ..defaults import REASON_DEFAULT

data_option = click.option(
    "--data", "data", multiple=True, metavar="FILE",
    type=click.Path(dir_okay=True, path_type=str),
    help="Merge your own RDF file (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD); repeatable.")

no_owl_option = click.option(
    "--no-owl", is_flag=True, default=False,
    help="Skip the OWL consistency check (HermiT, needs Java).")

no_reason_option = click.option(
    "--no-reason", is_flag=True, default=not REASON_DEFAULT,
    help="Skip OWL reasoning (HermiT): use the asserted triples only, nothing inferred. Without it the inferred "
         "triples are part of the answer, as in the Python API (ChipletKG(), chiplet_kg.defaults.REASON_DEFAULT).")

builtin_option = click.option(
    "--no-builtin", is_flag=True, default=False,
    help="Leave out the shipped ontology and graph data: use only the --data files.")


def load_kg(data: tuple[str, ...], no_builtin: bool = False, reason: bool = REASON_DEFAULT, use_cache: bool = True):
    """Load the graph for a command: the pipeline's load and, by default (as ``ChipletKG()``), reason stages.

    Every command that reads the graph loads it here. When ``chiplet-kg build`` left a store for the same input
    files (:mod:`chiplet_kg.cache`), it is opened instead of parsing and reasoning again.
    """
    from ..kg import ChipletKG

    return ChipletKG(data=tuple(data), builtin=not no_builtin, reason=reason, use_cache=use_cache)

FORMATS = ["table", "csv", "tsv", "json", "md"]

format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
    help="Output: an aligned table, W3C SPARQL CSV/TSV, W3C SPARQL JSON results, or Markdown.")

lang_option = click.option(
    "--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
    help="Language of the labels.")

endpoint_option = click.option(
    "--endpoint", metavar="URL", default=None,
    help="Run against a remote SPARQL 1.1 endpoint instead of the local graph.")


output_option = click.option(
    "-o", "--output", "output", required=True, metavar="PATH", type=click.Path(path_type=str),
    help="Where to write (atomically).")

graph_format_option = click.option(
    "--graph-format", type=click.Choice(["turtle", "nt", "jsonld"]), default=None,
    help="Output of CONSTRUCT/DESCRIBE queries (default: turtle, or jsonld with --format json).")

remove_option = click.option(
    "--remove", "remove", multiple=True, metavar="ENTITY",
    help="A country, organisation or supply-chain item to take out (a label in en/zh, ckgd:Name or IRI); "
         "repeatable.")

threshold_option = click.option(
    "--threshold", type=click.FloatRange(min=0, max=100, min_open=True), default=100.0, show_default=True,
    metavar="PCT",
    help="An item is at risk when the removed providers held at least PCT per cent of it (measured shares, firm "
         "and country level apart) or, without share data, PCT per cent of its suppliers; it is blocked when they "
         "held all of it.")


def timeout_option_with(default: float | None, help_text: str = "Stop a query that runs longer than this."):
    """The ``--timeout SECONDS`` option with a command's own default (None: no limit)."""
    return click.option("--timeout", type=click.FloatRange(min=0.1), default=default, show_default=default is not None,
                        metavar="SECONDS", help=help_text)


#: Rows the aligned table and Markdown show when --max-rows is not given (they are collected before printing).
TABLE_ROWS = 1000
#: --timeout for local queries whose table goes to a terminal, when none is given (seconds).
TERMINAL_TIMEOUT = 60.0

timeout_option = timeout_option_with(
    None, f"Stop a query that runs longer than this (exit 5). Default: {TERMINAL_TIMEOUT:g} s for a local query's "
          "table on a terminal, else no limit.")


asserted_only_option = click.option(
    "--asserted-only", is_flag=True, default=False,
    help="Leave out inferred facts: query only what the files assert.")


max_rows_option = click.option(
    "--max-rows", type=click.IntRange(min=0), default=None, metavar="N",
    help=f"Stop after N rows (triples) and print those, saying on stderr that the answer was cut; 0: no cap. "
         f"Default: no cap for csv/tsv/json into a file or pipe; {TABLE_ROWS} rows for table and md, and on a "
         f"terminal.")

memory_option = click.option(
    "--memory", "memory", type=click.IntRange(min=0), default=2048, show_default=True, metavar="MB",
    envvar="CHIPLET_KG_MEMORY", show_envvar=True,
    help="Stop a local query that takes more than MB megabytes on top of the loaded graph (exit 7); 0: no limit.")

queries_dir_option = click.option(
    "--queries", "queries_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=str), default=None,
    help="Also read named queries (.rq files) from DIR; one of the same name as a shipped query replaces it. "
         "The same as CHIPLET_KG_QUERIES=DIR.")

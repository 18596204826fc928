"""Options shared by several commands, defined once."""

from __future__ import annotations

import click

data_option = click.option(
    "--data", "data", multiple=True, metavar="FILE",
    type=click.Path(dir_okay=True, path_type=str),
    help="Merge your own RDF file (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD); repeatable.")

no_owl_option = click.option(
    "--no-owl", is_flag=True, default=False,
    help="Skip the OWL consistency check (HermiT, needs Java).")

no_reason_option = click.option(
    "--no-reason", is_flag=True, default=False,
    help="Skip OWL reasoning (HermiT): use the asserted triples only, nothing inferred.")

builtin_option = click.option(
    "--no-builtin", is_flag=True, default=False,
    help="Leave out the shipped ontology and graph data: use only the --data files.")


def load_kg(data: tuple[str, ...], no_builtin: bool = False, reason: bool = False, use_cache: bool = True):
    """Load the graph for a command; ``reason=True`` (commands that answer questions) also fills ``kg.inferred``.

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

timeout_option = click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=None, metavar="SECONDS",
    help="Stop a query that runs longer than this.")

asserted_only_option = click.option(
    "--asserted-only", is_flag=True, default=False,
    help="Leave out inferred facts: query only what the files assert.")

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

builtin_option = click.option(
    "--no-builtin", is_flag=True, default=False,
    help="Leave out the shipped ontology and graph data: use only the --data files.")


def load_kg(data: tuple[str, ...], no_builtin: bool = False):
    from ..kg import ChipletKG

    return ChipletKG(data=tuple(data), builtin=not no_builtin)

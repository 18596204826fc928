"""``chiplet-kg viz``: one interactive, offline HTML view of the graph."""

from __future__ import annotations

import click

from .options import (builtin_option, data_option, lang_option, load_kg, no_reason_option, output_option,
                      remove_option, threshold_option)

VIEWS = ["overview", "policy-trace", "supply-chain", "roadmap", "focus", "whatif"]  # views.VIEW_NAMES, unimported


@click.command()
@click.option("--view", type=click.Choice(VIEWS), default=None,
              help="Which view (default: focus when --focus is given, else overview).")
@click.option("--focus", metavar="ENTITY", default=None,
              help="The entity at the centre of the focus view: a label (en/zh), ckgd:Name or IRI.")
@click.option("--depth", type=click.IntRange(min=1, max=6), default=1, show_default=True,
              help="How many steps around --focus to show.")
@remove_option
@threshold_option
@lang_option
@output_option
@data_option
@builtin_option
@no_reason_option
def viz(view, focus, depth, remove, threshold, lang, output, data, no_builtin, no_reason):
    """Write an interactive view of the graph as one self-contained HTML file.

    The page needs no network: vis-network is inlined. Nodes are coloured and shaped by class (see the legend),
    edges carry their relation's label, tooltips give the other language's label, the class and the source, and
    a search box finds nodes by their English or Chinese label. Views: overview, policy-trace (policy groups →
    instruments → bottlenecks → items → suppliers → countries, left to right), supply-chain, roadmap (phases →
    goals → targets), focus (a neighbourhood of --focus) and whatif (with --remove and --threshold).

    Example:

        chiplet-kg viz --view policy-trace --lang zh -o policy-trace.html
    """
    from ..io import atomic_write
    from ..network import project
    from ..views import choose_view, render_view

    view = choose_view(view, focus=focus, remove=remove)
    kg = load_kg(data, no_builtin, reason=not no_reason)
    g = project(kg)
    from ..diagnose import warn_if_empty

    # A page with nothing on it because the input lacks the ontology's classes says why on stderr (issue 18).
    warn_if_empty(kg, g.number_of_edges(), what=f"viz --view {view}", classes=("ckg:Entity",),
                  focus=str(kg.find(focus)) if focus else None)
    html = render_view(g, view, lang=lang, focus=str(kg.find(focus)) if focus else None, depth=depth,
                       remove=[str(kg.find(r)) for r in remove], threshold=threshold)
    path = atomic_write(output, html)
    click.echo(f"wrote {path} ({view}, {lang})")

"""``chiplet-kg viz``: one interactive, offline HTML view of the graph."""

from __future__ import annotations

import click

from .options import builtin_option, data_option, lang_option, load_kg

VIEWS = ["overview", "policy-trace", "supply-chain", "roadmap", "focus", "whatif"]


@click.command()
@click.option("--view", type=click.Choice(VIEWS), default=None,
              help="Which view (default: focus when --focus is given, else overview).")
@click.option("--focus", metavar="ENTITY", default=None,
              help="The entity at the centre of the focus view: a label (en/zh), ckgd:Name or IRI.")
@click.option("--depth", type=click.IntRange(min=1, max=6), default=1, show_default=True,
              help="How many steps around --focus to show.")
@click.option("--remove", multiple=True, metavar="ENTITY",
              help="For --view whatif: a country, organisation or item to take out (repeatable).")
@click.option("--threshold", type=click.FloatRange(min=0, max=100, min_open=True), default=100.0, show_default=True,
              metavar="PCT", help="For --view whatif: an item is at risk when the removed providers held at least PCT "
                                  "per cent of it (measured shares), or of its suppliers (no share data).")
@lang_option
@click.option("-o", "--output", "output", required=True, metavar="FILE.html",
              type=click.Path(dir_okay=False, writable=True), help="Where to write the page (atomically).")
@data_option
@builtin_option
def viz(view, focus, depth, remove, threshold, lang, output, data, no_builtin):
    """Write an interactive view of the graph as one self-contained HTML file.

    The page needs no network: vis-network is inlined. Nodes are coloured and shaped by class (see the legend),
    edges carry their relation's label, tooltips give the other language's label, the class and the source, and
    a search box finds nodes by their English or Chinese label. Views: overview, policy-trace (policy groups →
    instruments → bottlenecks → items → suppliers → countries, left to right), supply-chain, roadmap (phases →
    goals → targets), focus (a neighbourhood of --focus) and whatif (with --remove).

    Example:

        chiplet-kg viz --view policy-trace --lang zh -o policy-trace.html
    """
    from ..errors import UsageError
    from ..network import project
    from ..views import render_view
    from ..io import atomic_write

    view = view or ("focus" if focus else "whatif" if remove else "overview")
    if focus and view != "focus":
        raise UsageError(f"--focus goes with --view focus, not --view {view}")
    if remove and view != "whatif":
        raise UsageError(f"--remove goes with --view whatif, not --view {view}")
    kg = load_kg(data, no_builtin)
    g = project(kg)
    html = render_view(g, view, lang=lang, focus=str(kg.find(focus)) if focus else None, depth=depth,
                       remove=[str(kg.find(r)) for r in remove], threshold=threshold)
    path = atomic_write(output, html)
    click.echo(f"wrote {path} ({view}, {lang})")

"""``chiplet-kg analyze``: chokepoints, gaps, paths and what-if over the network projection."""

from __future__ import annotations

import click

from .options import builtin_option, data_option, format_option, lang_option, load_kg


def _graph(data, no_builtin):
    from ..network import project

    kg = load_kg(data, no_builtin)
    return kg, project(kg)


def _emit(columns, rows, fmt):
    from ..render import render_rows

    click.echo(render_rows(columns, rows, fmt), nl=False)


@click.group()
def analyze():
    """Network analyses of the graph: chokepoints, gaps, paths and what-if scenarios.

    Each prints rows as a table, CSV, TSV, JSON (W3C SPARQL results) or Markdown, with labels in English or
    Chinese.

    Example:

        chiplet-kg analyze gaps --lang zh
    """


@analyze.command()
@data_option
@builtin_option
@format_option
@lang_option
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show only the first N chokepoints.")
def chokepoints(data, no_builtin, fmt, lang, limit):
    """Rank supply-chain items, suppliers and countries by what depends on them and how concentrated they are.

    Each row counts the technologies, application domains and roadmap goals that depend on the candidate, gives
    its betweenness in the supply network, says whether it is an articulation point, names any concentration
    (a single supplier, all suppliers in one country) and explains why, with sources.

    Example:

        chiplet-kg analyze chokepoints --limit 5 --format md
    """
    from ..analyze.chokepoints import CHOKEPOINT_COLUMNS, chokepoints as run

    _, g = _graph(data, no_builtin)
    _emit(CHOKEPOINT_COLUMNS, run(g, lang=lang, limit=limit), fmt)


@analyze.command()
@data_option
@builtin_option
@format_option
@lang_option
@click.option("--direct-only", is_flag=True, default=False,
              help="List only what no policy reaches at all (leave out what is addressed only indirectly).")
def gaps(data, no_builtin, fmt, lang, direct_only):
    """Dependencies and bottlenecks that no policy addresses, and policies that address nothing.

    A dependency or bottleneck reached by a policy only through something else (what it is a kind of, a
    bottleneck that concerns it, its wider challenge) is listed as addressed only indirectly, with the route.

    Example:

        chiplet-kg analyze gaps --format csv
    """
    from ..analyze.gaps import GAP_COLUMNS, gaps as run

    _, g = _graph(data, no_builtin)
    _emit(GAP_COLUMNS, run(g, lang=lang, indirect=not direct_only), fmt)


@analyze.command()
@click.option("--from", "source", required=True, metavar="ENTITY", help="Start: a label (en/zh), ckgd:Name or IRI.")
@click.option("--to", "target", required=True, metavar="ENTITY", help="End: a label (en/zh), ckgd:Name or IRI.")
@click.option("--max-len", type=click.IntRange(min=1, max=12), default=4, show_default=True,
              help="The longest path, in steps.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most this many paths.")
@click.option("--directed", is_flag=True, default=False,
              help="Follow relations only in their stated direction (default: both ways, marked with ←).")
@data_option
@builtin_option
@format_option
@lang_option
def paths(source, target, max_len, limit, directed, data, no_builtin, fmt, lang):
    """The shortest paths between two entities, each step with its relation, source and evidence.

    A step marked ← runs against the stated direction of its relation (e.g. "high-end EDA tools ← depends on
    chiplet technology").

    Example:

        chiplet-kg analyze paths --from 设立专项基金 --to "United States" --max-len 4
    """
    from ..analyze.paths import PATH_COLUMNS, paths as run

    kg, g = _graph(data, no_builtin)
    rows = run(g, str(kg.find(source)), str(kg.find(target)), max_len=max_len, limit=limit, directed=directed,
               lang=lang)
    if not rows:
        click.echo(f"no path of at most {max_len} steps between '{source}' and '{target}'", err=True)
    _emit(PATH_COLUMNS, rows, fmt)


@analyze.command()
@click.option("--remove", "remove", multiple=True, required=True, metavar="ENTITY",
              help="A country, organisation or supply-chain item to take out; give several after one --remove "
                   "or repeat the option.")
@click.argument("more", nargs=-1, metavar="[ENTITY …]")
@click.option("--threshold", type=click.FloatRange(min=0, max=100, min_open=True), default=100.0, show_default=True,
              metavar="PCT", help="An item counts as cut off when it loses at least PCT per cent of its suppliers.")
@data_option
@builtin_option
@format_option
@lang_option
def whatif(remove, more, threshold, data, no_builtin, fmt, lang):
    """What if these countries, firms or items were cut off?

    Lists what is removed (a country takes its organisations with it), which items lose their suppliers, which
    technologies, application domains and roadmap goals are then blocked, which policies address the cut-off
    items, and before/after counts.

    Example:

        chiplet-kg analyze whatif --remove Netherlands --lang zh
    """
    from ..analyze.whatif import WHATIF_COLUMNS, whatif as run

    kg, g = _graph(data, no_builtin)
    nodes = list(dict.fromkeys(str(kg.find(name)) for name in (*remove, *more)))
    _emit(WHATIF_COLUMNS, run(g, nodes, threshold=threshold, lang=lang), fmt)

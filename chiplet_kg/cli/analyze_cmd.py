"""``chiplet-kg analyze``: chokepoints, gaps, paths and what-if over the network projection."""

from __future__ import annotations

import click

from .options import (builtin_option, data_option, format_option, lang_option, load_kg, no_reason_option,
                      remove_option, threshold_option)


def _graph(data, no_builtin, no_reason):
    import gc

    from ..network import project

    kg = load_kg(data, no_builtin, reason=not no_reason)
    g = project(kg)
    # The graph lives until the command ends: keep the collector from walking its objects again (at 100k triples a
    # full collection during an analysis walks 1.2 M of them and costs about a second).
    gc.freeze()
    return kg, g


def _emit(table, fmt):
    from ..render import render_rows

    columns, rows = table
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
@click.option("--by", "by", type=click.Choice(["dependents", "concentration"]), default="dependents",
              show_default=True,
              help="dependents: rank by what depends on each candidate; concentration: rank items by their measured "
                   "provider shares (Herfindahl index, top share), which needs imported data (--data eto.ttl).")
@click.option("--level", type=click.Choice(["firm", "country"]), default=None,
              help="With --by concentration: only firm-level or only country-level shares (default: both, as "
                   "separate rows; the two levels are never added together).")
@no_reason_option
def chokepoints(data, no_builtin, fmt, lang, limit, by, level, no_reason):
    """Rank supply-chain items, suppliers and countries by what depends on them and how concentrated they are.

    Each row counts the technologies, application domains and roadmap goals that depend on the candidate, gives
    its betweenness in the supply network, says whether it is an articulation point, names any concentration
    (a single supplier, all suppliers in one country) and explains why, with sources.

    With --by concentration the rows are supply-chain items with measured provider shares (chiplet-kg import
    eto), one per item and level: the Herfindahl-Hirschman index of the known shares (0-10,000; a sole provider
    with 100 % gives 10,000), the top provider and its share, how many providers have a known and an unknown
    share (unknown shares are left out, never counted as 0).

    Example:

        chiplet-kg analyze chokepoints --limit 5 --format md

        chiplet-kg analyze chokepoints --by concentration --level firm --data eto.ttl --limit 10
    """
    from ..analyze import chokepoints_table

    _, g = _graph(data, no_builtin, no_reason)
    _emit(chokepoints_table(g, by=by, level=level, lang=lang, limit=limit), fmt)


@analyze.command()
@data_option
@builtin_option
@format_option
@lang_option
@click.option("--direct-only", is_flag=True, default=False,
              help="List only what no policy reaches at all (leave out what is addressed only indirectly).")
@no_reason_option
def gaps(data, no_builtin, fmt, lang, direct_only, no_reason):
    """Dependencies and bottlenecks that no policy addresses, and policies that address nothing.

    A dependency or bottleneck reached by a policy only through something else (what it is a kind of, a
    bottleneck that concerns it, its wider challenge) is listed as addressed only indirectly, with the route.
    With imported shares (--data eto.ttl) a measured_shares column gives the top provider per level of each
    dependency, or of the items it is linked to (= skos:exactMatch, ≈ skos:closeMatch).

    Example:

        chiplet-kg analyze gaps --format csv
    """
    from ..analyze import gaps_table

    kg, g = _graph(data, no_builtin, no_reason)
    _emit(gaps_table(g, lang=lang, direct_only=direct_only, kg=kg), fmt)


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
@no_reason_option
def paths(source, target, max_len, limit, directed, data, no_builtin, fmt, lang, no_reason):
    """The shortest paths between two entities, each step with its relation, source and evidence.

    A step marked ← runs against the stated direction of its relation (e.g. "high-end EDA tools ← depends on
    chiplet technology").

    Example:

        chiplet-kg analyze paths --from 设立专项基金 --to "United States" --max-len 4
    """
    from ..analyze import paths_table

    kg, g = _graph(data, no_builtin, no_reason)
    table = paths_table(g, str(kg.find(source)), str(kg.find(target)), max_len=max_len, limit=limit,
                        directed=directed, lang=lang)
    if not table[1]:
        click.echo(f"no path of at most {max_len} steps between '{source}' and '{target}'", err=True)
    _emit(table, fmt)


@analyze.command()
@remove_option
@click.argument("more", nargs=-1, metavar="[ENTITY …]")
@threshold_option
@data_option
@builtin_option
@format_option
@lang_option
@no_reason_option
def whatif(remove, more, threshold, data, no_builtin, fmt, lang, no_reason):
    """What if these countries, firms or items were cut off?

    Lists what is removed (a country takes its organisations with it, and an entity what it is the same as by
    skos:exactMatch), which items are cut off (blocked: their removed providers held all of it; at risk: at least
    --threshold per cent), which are weakened, which technologies, items they go into, application domains and
    roadmap goals are then blocked or at risk, which policies address the cut-off items, and before/after
    counts. With imported shares (--data eto.ttl) an item is judged by the share its removed providers held, at
    firm and at country level apart; an item without shares is judged by its number of suppliers, and the row
    says so.

    Example:

        chiplet-kg analyze whatif --remove Netherlands --lang zh

        chiplet-kg analyze whatif --remove Netherlands --threshold 50 --data eto.ttl
    """
    from ..analyze import whatif_table
    from ..errors import UsageError

    if not remove:
        raise UsageError("Missing option '--remove': name at least one entity to take out")
    kg, g = _graph(data, no_builtin, no_reason)
    _emit(whatif_table(g, [str(kg.find(name)) for name in (*remove, *more)], threshold=threshold, lang=lang), fmt)

"""``chiplet-kg import``: convert external datasets into RDF in the graph's ontology, to merge with ``--data``."""

from __future__ import annotations

import click

from .options import builtin_option, data_option, load_kg

__all__ = ["import_group", "eto"]


@click.group(name="import")
def import_group():
    """Convert an external dataset into RDF in the graph's ontology.

    The file written is yours to merge with --data; data under a non-commercial license (such as the
    ETO dataset) must not be committed to the project.

    Example:

        chiplet-kg import eto ../shared/data/eto-chip-explorer -o build/eto.ttl
    """


@import_group.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=str))
@click.option("-o", "--output", "--out", "out", required=True, metavar="FILE.ttl",
              type=click.Path(dir_okay=False, path_type=str),
              help="The RDF file to write (.ttl, .nt, .rdf/.owl/.xml or .jsonld); not inside graph_data/ or ontology/.")
@click.option("--commit", default=None, metavar="SHA",
              help="The dataset's git commit, when DIR has no SOURCE.md that gives it.")
@click.option("--date", default=None, metavar="YYYY-MM-DD",
              help="The date of that commit, when DIR has no SOURCE.md that gives it.")
@data_option
@builtin_option
def eto(folder, out, commit, date, data, no_builtin):
    """Import the ETO Chip Explorer dataset (CSET, CC BY-NC 4.0) from its data/ folder DIR.

    Reads inputs.csv, providers.csv, provision.csv, sequence.csv and stages.csv and writes supply-chain
    items, stages, firms and countries (IRIs eto:N20, eto:P88, eto:S1 …, which graph_data/eto_links.ttl
    links to the paper's dependencies and firms), one provision record per row with its share and year,
    and the relations suppliedBy (firm level), suppliedFrom (country level), basedIn, goesInto and
    isTypeOf, each citing the dataset. Any bad row stops the import with its file, line and column, and
    nothing is written. --data files are taken into account when choosing unambiguous labels.

    Example:

        chiplet-kg import eto ../shared/data/eto-chip-explorer -o build/eto.ttl
        chiplet-kg validate --data build/eto.ttl
    """
    from ..eto import import_eto

    # The graph only names things (unambiguous labels): nothing inferred is needed.
    result = import_eto(folder, out, kg=load_kg(data, no_builtin, reason=False), commit=commit, date=date)
    click.echo(result.summary(), nl=False)

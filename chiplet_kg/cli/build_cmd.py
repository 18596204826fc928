"""``chiplet-kg build``: the main job."""

from __future__ import annotations

import click

from .options import data_option, load_kg, no_owl_option


@click.command()
@click.option("--out", default="build", show_default=True, metavar="DIR", help="Folder for the outputs.")
@data_option
@no_owl_option
def build(out, data, no_owl):
    """Validate the graph, then write the merged graph, OWL files, report and counts into DIR.

    On a validation failure nothing is written and the previous outputs stay as they were.

    Example:

        chiplet-kg build --out build/ --data my-suppliers.ttl
    """
    from ..pipeline import build as run

    result = run(load_kg(data), out, owl=not no_owl)
    click.echo(result.report.to_text(), nl=False)
    click.echo(f"wrote {len(result.files)} files to {result.out}/:")
    for path in result.files:
        click.echo(f"  {path}")

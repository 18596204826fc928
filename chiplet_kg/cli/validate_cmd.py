"""``chiplet-kg validate``: SHACL shapes, check queries and OWL consistency."""

from __future__ import annotations

import click

from .options import builtin_option, data_option, load_kg, no_owl_option


@click.command()
@data_option
@builtin_option
@no_owl_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Report as readable text or as JSON.")
def validate(data, no_builtin, no_owl, fmt):
    """Check the graph against the SHACL shapes and for OWL consistency.

    Exits 0 when everything conforms and 1 with a report (which node, which rule, what to fix) when not.

    Example:

        chiplet-kg validate --data my-suppliers.ttl
    """
    from ..validation import validate as run

    # Validation reasons itself (the OWL check): the graph is loaded as the files assert it.
    report = run(load_kg(data, no_builtin, reason=False), owl=not no_owl)
    click.echo(report.to_json() if fmt == "json" else report.to_text(), nl=False)
    raise SystemExit(0 if report.conforms else 1)

"""``chiplet-kg build``: the main job."""

from __future__ import annotations

import click

from .options import builtin_option, data_option, no_owl_option, no_reason_option


@click.command()
@click.option("-o", "--output", "--out", "out", default="build", show_default=True, metavar="DIR",
              help="Folder for the outputs (--out is the older name).")
@data_option
@builtin_option
@no_owl_option
@no_reason_option
def build(out, data, no_builtin, no_owl, no_reason):
    """Validate, reason, then write the merged graph, inferred triples, OWL files, report and counts into DIR.

    On a validation failure nothing is written and the previous outputs stay as they were. What the reasoner
    infers goes to DIR/inferred.ttl, apart from the asserted DIR/graph.ttl.

    Example:

        chiplet-kg build -o build/ --data my-suppliers.ttl
    """
    from ..pipeline import run

    result = run(data, out, builtin=not no_builtin, owl=not no_owl, reason=not no_reason)
    if result.up_to_date:
        click.echo(f"{result.out}/ is up to date: the same input files, code and options built it, and its "
                   f"{len(result.files)} files are as they were written; nothing to do "
                   f"(its validation report: {result.out}/validation-report.txt)")
        return
    click.echo(result.report.to_text(), nl=False)
    if result.inferred is not None:
        click.echo(f"reasoning (HermiT): {result.inferred['total']} inferred triples "
                   f"({result.inferred['class_memberships']} class memberships, "
                   f"{result.inferred['property_assertions']} property assertions; "
                   f"{result.inferred['closed_world']} of them closed-world)")
    click.echo(f"wrote {len(result.files)} files to {result.out}/:")
    site = [p for p in result.files if p.relative_to(result.out).parts[0] == "site"]
    for path in result.files:
        if path not in site:
            click.echo(f"  {path}")
    if site:  # the static site is thousands of files: one line (chiplet_kg/site/)
        pages = sum(1 for p in site if p.suffix == ".html")
        click.echo(f"  {result.out / 'site'}/ ({len(site)} files: {pages} pages with their .ttl and .jsonld, assets)")

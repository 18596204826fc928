"""``chiplet-kg export``: the graph in RDF formats and for graph tools (Gephi, Cytoscape, yEd, Neo4j)."""

from __future__ import annotations

import sys

import click

from ..export import FORMATS
from .options import builtin_option, data_option, load_kg, no_reason_option


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), required=True,
              help="turtle, ntriples, jsonld: one graph; rdfxml: for Protégé; trig, nquads: asserted and inferred "
                   "in two named graphs; graphml (yEd, igraph), gexf (Gephi), cytoscape (Cytoscape.js JSON); "
                   "neo4j and csv write a folder.")
@click.option("-o", "--output", "path", required=True, metavar="PATH",
              help="The file to write (a folder for neo4j and csv); '-' writes a single-file format to stdout.")
@no_reason_option
@data_option
@builtin_option
def export(fmt, path, no_reason, data, no_builtin):
    """Write the graph in FORMAT for another tool.

    Labels in English and Chinese and the sources travel along in every format. What the reasoner infers is
    included (in its own named graph in TriG and N-Quads, as edges marked inferred in graph-tool formats) unless
    --no-reason; rdfxml carries the asserted triples only, with owl:NamedIndividual declarations, as Protégé opens
    them. Files are written atomically; a folder is written in full and then renamed into place.

    Example:

        chiplet-kg export --format neo4j -o build/neo4j
    """
    from ..errors import UsageError
    from ..export import export as run, render

    kg = load_kg(data, no_builtin, reason=not no_reason)
    if path == "-":
        if FORMATS[fmt].folder:
            raise UsageError(f"--format {fmt} writes a folder; give -o FOLDER")
        sys.stdout.buffer.write(render(kg, fmt, inferred=not no_reason))
        sys.stdout.flush()
        return
    written = run(kg, fmt, path, inferred=not no_reason)
    for file in written:
        click.echo(f"wrote {file}", err=True)

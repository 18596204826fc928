"""Export the graph for other tools: RDF serialisations, and graph-tool formats from the networkx projection."""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rdflib import Graph

from .errors import OutputError, UsageError
from .io import atomic_write
from .namespace import ASSERTED_GRAPH, INFERRED_GRAPH, PREFIXES, bind_prefixes

__all__ = ["ExportFormat", "FORMATS", "NEO4J_TYPES", "NEO4J_ARRAY_DELIMITER", "jsonld_context", "rdf_graph",
           "graph_bytes", "flat_projection", "render", "export", "write_folder", "build_outputs"]


@dataclass(frozen=True)
class ExportFormat:
    """One export format: its name, the file (or folder) ``build`` writes, and what opens it."""

    name: str
    filename: str
    folder: bool
    tools: str
    media_type: str = ""


#: Every format ``chiplet-kg export --format`` knows, in the order of its help text.
FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("turtle", "graph.ttl", False, "any RDF tool; GraphDB, Fuseki, Oxigraph, Virtuoso", "text/turtle"),
    ExportFormat("ntriples", "graph.nt", False, "any RDF tool; bulk loaders", "application/n-triples"),
    ExportFormat("rdfxml", "graph.owl", False, "Protégé and other OWL tools (asserted triples only)",
                 "application/rdf+xml"),
    ExportFormat("jsonld", "graph.jsonld", False, "JSON-LD processors, web applications", "application/ld+json"),
    ExportFormat("trig", "graph.trig", False, "triple stores, asserted and inferred in two named graphs",
                 "application/trig"),
    ExportFormat("nquads", "graph.nq", False, "triple stores, asserted and inferred in two named graphs",
                 "application/n-quads"),
    ExportFormat("graphml", "graph.graphml", False, "yEd, igraph, networkx", "application/graphml+xml"),
    ExportFormat("gexf", "graph.gexf", False, "Gephi", "application/gexf+xml"),
    ExportFormat("cytoscape", "graph.cyjs", False, "Cytoscape and Cytoscape.js", "application/json"),
    ExportFormat("neo4j", "neo4j", True, "Neo4j (neo4j-admin database import full)"),
    ExportFormat("csv", "csv", True, "spreadsheets, pandas, Gephi's spreadsheet import"),
)}

#: Property types Neo4j's import tool accepts in a header (``name:type``; arrays as ``type[]``).
NEO4J_TYPES = ("int", "long", "float", "double", "boolean", "byte", "short", "char", "string", "point", "date",
               "localtime", "time", "localdatetime", "datetime", "duration")
#: Neo4j's documented default array delimiter (``--array-delimiter``).
NEO4J_ARRAY_DELIMITER = ";"

# ------------------------------------------------------------------ RDF


def jsonld_context() -> dict:
    """The shipped JSON-LD context (``chiplet_kg/context.jsonld``): the project's prefixes and a few short terms.

    Examples
    --------
    >>> ctx = jsonld_context()["@context"]
    >>> ctx["ckgd"], ctx["label"]["@container"]
    ('https://w3id.org/chiplet-kg/data/', '@language')
    """
    text = resources.files(__package__).joinpath("context.jsonld").read_text(encoding="utf-8")
    return json.loads(text)


def rdf_graph(kg, *, inferred: bool = True, owl_declarations: bool = False) -> Graph:
    """The triples a single-graph RDF export carries: the asserted ones, plus ``kg.inferred`` when ``inferred``.

    ``owl_declarations`` adds ``owl:NamedIndividual`` for every individual (:func:`chiplet_kg.owl.owl_view`), as
    Protégé expects.
    """
    graph = bind_prefixes(Graph())
    graph += kg.graph
    if inferred and getattr(kg, "inferred", None) is not None:
        graph += kg.inferred
    if owl_declarations:
        from .owl import owl_view

        graph = bind_prefixes(owl_view(graph))
    return graph


def _ox_quads(graph: Graph, graph_name=None) -> list:
    """``graph`` as pyoxigraph quads, subjects in order (IRIs first), so the Turtle writer groups them."""
    import pyoxigraph as ox

    data = graph.serialize(format="nt", encoding="utf-8")
    name = ox.NamedNode(str(graph_name)) if graph_name is not None else ox.DefaultGraph()
    quads = [ox.Quad(t.subject, t.predicate, t.object, name) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
    return sorted(quads, key=lambda q: (isinstance(q.subject, ox.BlankNode), str(q.subject), str(q.predicate),
                                        str(q.object)))


def _render_rdf(kg, fmt: str, inferred: bool) -> bytes:
    import pyoxigraph as ox

    # pyoxigraph writes Turtle, N-Triples, TriG and N-Quads: it keeps every literal's lexical form (rdflib's
    # Turtle writer turns "4519"^^xsd:decimal into 4519.0, another RDF term) and is fast.
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    if fmt in ("trig", "nquads"):
        quads = _ox_quads(kg.graph, ASSERTED_GRAPH)
        if inferred and getattr(kg, "inferred", None) is not None and len(kg.inferred):
            quads += _ox_quads(kg.inferred, INFERRED_GRAPH)
        if fmt == "nquads":
            return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    if fmt == "rdfxml":
        # Protégé runs its own reasoner; the closed-world memberships chiplet-kg infers would become assertions.
        return rdf_graph(kg, inferred=False, owl_declarations=True).serialize(format="xml", encoding="utf-8")
    return graph_bytes(rdf_graph(kg, inferred=inferred), fmt)


def graph_bytes(graph: Graph, fmt: str) -> bytes:
    """One rdflib graph as ``turtle``, ``ntriples`` or ``jsonld`` (with the shipped context), every term kept exactly."""
    import pyoxigraph as ox

    if fmt == "jsonld":
        # The context is embedded (not referenced by URL), so no reader ever fetches it.
        context = jsonld_context()["@context"]
        text = graph.serialize(format="json-ld", context=context, auto_compact=True, ensure_ascii=False)
        return text.encode("utf-8")
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in _ox_quads(graph)]
    if fmt == "ntriples":
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    if fmt == "turtle":
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                            prefixes={prefix: str(ns) for prefix, ns in PREFIXES.items()})
    raise UsageError(f"graph_bytes writes turtle, ntriples or jsonld, not {fmt!r}")


# ------------------------------------------------------------------ graph tools


def _words(values) -> str:
    # IRIs and prefixed names never contain white space, so one space separates them unambiguously.
    return " ".join(str(v) for v in values)


def _lines(values) -> str:
    return "\n".join(str(v) for v in values)


def _local(qname: str) -> str:
    return qname.split(":", 1)[-1]


def flat_projection(g):
    """A copy of the projection ``g`` whose attribute values are all scalars, for GraphML and GEXF.

    Nodes get ``label`` (the English label, which Gephi and yEd show), ``label_en``, ``label_zh``, ``qname``,
    ``class``, ``kinds`` and ``source`` (space-separated); edges get unique ids, ``label``, ``predicate``,
    ``label_en``, ``label_zh``, ``source`` (space-separated), ``evidence`` (one quote per line) and ``inferred``.
    """
    import networkx as nx

    flat = nx.MultiDiGraph(name=g.graph.get("name", "chiplet-kg"))
    for node, data in g.nodes(data=True):
        flat.add_node(node, label=data["label_en"], label_en=data["label_en"], label_zh=data["label_zh"],
                      qname=data["qname"], **{"class": data["class"]}, kinds=_words(data["kinds"]),
                      source=_words(data["source"]))
    for i, (u, v, data) in enumerate(g.edges(data=True)):
        flat.add_edge(u, v, key=f"e{i}", label=data["label_en"], predicate=data["predicate"],
                      label_en=data["label_en"], label_zh=data["label_zh"], source=_words(data["source"]),
                      evidence=_lines(data["evidence"]), inferred=bool(data["inferred"]))
    return flat


def _graphml(g) -> bytes:
    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(flat_projection(g), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def _gexf(g) -> bytes:
    import networkx as nx

    flat = flat_projection(g)
    # GEXF keeps edge ids in the id attribute; the key (e0, e1 …) needs no second copy.
    for u, v, key, data in flat.edges(keys=True, data=True):
        data["id"] = key
    buf = io.BytesIO()
    nx.write_gexf(flat, buf, encoding="utf-8", prettyprint=True, version="1.2draft")
    return buf.getvalue()


def _cytoscape(g) -> bytes:
    """Cytoscape.js JSON (``elements``: nodes and edges, each with ``data``; string ids), read by Cytoscape too.

    Cytoscape.js keeps an edge's end points in ``data.source``/``data.target``, so the provenance is ``sources``.
    """
    import networkx as nx

    copy = nx.MultiDiGraph(**g.graph)
    for node, data in g.nodes(data=True):
        attrs = {k: v for k, v in data.items() if k != "source"}
        copy.add_node(node, **attrs, name=data["label_en"], sources=list(data["source"]))
    for i, (u, v, key, data) in enumerate(g.edges(keys=True, data=True)):
        attrs = {k: v for k, v in data.items() if k != "source"}
        copy.add_edge(u, v, key=key, **attrs, id=f"e{i}", name=data["label_en"], sources=list(data["source"]))
    doc = nx.cytoscape_data(copy)
    for element in doc["elements"]["nodes"] + doc["elements"]["edges"]:
        element["data"]["id"] = str(element["data"]["id"])
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _csv_text(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _neo4j_array(values) -> str:
    # Elements cannot contain the array delimiter (the import tool has no escape for it); in an IRI, ';' and
    # '%3B' name the same resource for every server we know of.
    return NEO4J_ARRAY_DELIMITER.join(str(v).replace(NEO4J_ARRAY_DELIMITER, "%3B") for v in values)


def _neo4j(g) -> dict[str, bytes]:
    """``nodes.csv`` and ``relationships.csv`` in the layout of ``neo4j-admin database import full``.

    Node labels are the local names of the node's class and all its superclasses (``PolicyInstrument;Policy;…``);
    relationship types are the local names of the properties (``addresses``). Evidence quotes are joined by new
    lines (one quote each; import with ``--multiline-fields=true``).
    """
    node_header = ["id:ID", ":LABEL", "qname", "label_en", "label_zh", "class", "kinds:string[]", "source:string[]"]
    nodes = [[node, _neo4j_array(_local(k) for k in data["kinds"]), data["qname"], data["label_en"],
              data["label_zh"], data["class"], _neo4j_array(data["kinds"]), _neo4j_array(data["source"])]
             for node, data in sorted(g.nodes(data=True))]
    rel_header = [":START_ID", ":END_ID", ":TYPE", "predicate", "label_en", "label_zh", "source:string[]", "evidence",
                  "inferred:boolean"]
    rels = [[u, v, _local(data["predicate"]), data["predicate"], data["label_en"], data["label_zh"],
             _neo4j_array(data["source"]), _lines(data["evidence"]), "true" if data["inferred"] else "false"]
            for u, v, data in sorted(g.edges(data=True), key=lambda e: (e[0], e[2]["predicate"], e[1]))]
    return {"nodes.csv": _csv_text(node_header, nodes), "relationships.csv": _csv_text(rel_header, rels)}


def _plain_csv(g) -> dict[str, bytes]:
    """``nodes.csv`` (``id`` …) and ``edges.csv`` (``source``, ``target`` …); lists space- or line-separated.

    ``source``/``target`` are the edge's ends (as Gephi's spreadsheet import expects), so provenance is ``sources``.
    """
    nodes = [[node, data["label_en"], data["label_zh"], data["qname"], data["class"], _words(data["kinds"]),
              _words(data["source"])] for node, data in sorted(g.nodes(data=True))]
    edges = [[u, v, data["predicate"], data["label_en"], data["label_zh"], "true" if data["inferred"] else "false",
              _words(data["source"]), _lines(data["evidence"])]
             for u, v, data in sorted(g.edges(data=True), key=lambda e: (e[0], e[2]["predicate"], e[1]))]
    return {
        "nodes.csv": _csv_text(["id", "label_en", "label_zh", "qname", "class", "kinds", "sources"], nodes),
        "edges.csv": _csv_text(["source", "target", "predicate", "label_en", "label_zh", "inferred", "sources",
                                "evidence"], edges),
    }


_GRAPH_WRITERS = {"graphml": _graphml, "gexf": _gexf, "cytoscape": _cytoscape, "neo4j": _neo4j, "csv": _plain_csv}


# ------------------------------------------------------------------ the public surface


def _check(fmt: str) -> ExportFormat:
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format '{fmt}'; use one of {', '.join(FORMATS)}")
    return FORMATS[fmt]


def render(kg, fmt: str, *, inferred: bool = True, projection=None) -> bytes | dict[str, bytes]:
    """The export of ``kg`` in ``fmt``: bytes, or for a folder format a dict of file name → bytes.

    Parameters
    ----------
    kg : the knowledge graph.
    fmt : a name in :data:`FORMATS`.
    inferred : include what the reasoner inferred (``kg.inferred``): merged into single-graph RDF, in the named
        graph ``INFERRED_GRAPH`` in TriG/N-Quads, as edges marked ``inferred`` in graph-tool formats.
    projection : a projection of ``kg`` (:func:`chiplet_kg.network.project`) to reuse; made when not given.

    Examples
    --------
    >>> from chiplet_kg import ChipletKG
    >>> files = render(ChipletKG(), "csv", inferred=False)
    >>> sorted(files), files["edges.csv"].decode().splitlines()[0]
    (['edges.csv', 'nodes.csv'], 'source,target,predicate,label_en,label_zh,inferred,sources,evidence')
    """
    _check(fmt)
    if fmt in _GRAPH_WRITERS:
        if projection is None:
            from .network import project

            projection = project(kg, inferred=inferred)
        return _GRAPH_WRITERS[fmt](projection)
    return _render_rdf(kg, fmt, inferred)


def export(kg, fmt: str, path: str | os.PathLike, *, inferred: bool = True) -> list[Path]:
    """Write ``kg`` in ``fmt`` to ``path`` (a file, or a folder for ``neo4j`` and ``csv``) and return what was written.

    A file is written atomically. A folder is written in full to a temporary folder beside it and then renamed
    into place; an existing folder is replaced only if it holds nothing but the files this format writes.

    Raises
    ------
    OutputError
        ``path`` cannot be written, or is a folder holding other files.
    """
    spec = _check(fmt)
    path = Path(path)
    data = render(kg, fmt, inferred=inferred)
    if not spec.folder:
        if path.is_dir():
            raise OutputError(f"{path} is a folder; give a file name such as {path / spec.filename}")
        return [atomic_write(path, data)]
    return write_folder(path, data)


def write_folder(path: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``files`` into the folder ``path`` all at once: into a temporary folder first, then renamed."""
    path = Path(path)
    if path.exists():
        if not path.is_dir():
            raise OutputError(f"{path} is a file; the export needs a folder")
        others = sorted(p.name for p in path.iterdir() if p.name not in files)
        if others:
            raise OutputError(f"{path} holds other files ({', '.join(others[:3])}); give a new or empty folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # os.mkdir honours the umask (mkdtemp would make the folder private to its owner: 0700).
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        os.mkdir(tmp)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None
    old = None
    try:
        for name, payload in files.items():
            (tmp / name).write_bytes(payload)
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
            os.rename(path, old / path.name)
        os.rename(tmp, path)
    except OSError as err:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not path.exists() and (old / path.name).exists():
            os.rename(old / path.name, path)
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return [path / name for name in files]


def build_outputs(kg, *, inferred: bool = True) -> dict[str, bytes]:
    """Every export format for ``chiplet-kg build``: file name under the build folder (``export/…``) → bytes.

    Rendered in full before anything is written. The shipped JSON-LD context goes along as ``export/context.jsonld``.
    """
    from .network import project

    projection = project(kg, inferred=inferred)
    outputs: dict[str, bytes] = {}
    for name, spec in FORMATS.items():
        data = render(kg, name, inferred=inferred, projection=projection)
        if spec.folder:
            outputs.update({f"export/{spec.filename}/{file}": payload for file, payload in data.items()})
        else:
            outputs[f"export/{spec.filename}"] = data
    outputs["export/context.jsonld"] = resources.files(__package__).joinpath("context.jsonld").read_bytes()
    return outputs

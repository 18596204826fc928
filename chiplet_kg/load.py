"""Stage 1 of the pipeline: the input files (or the build cache's copy of them) into one pyoxigraph store.

The store has three named graphs:

- ``ASSERTED_GRAPH`` (:mod:`chiplet_kg.namespace`): every triple of every input file — the graph;
- ``INFERRED_GRAPH``: what the reasoner adds (empty after loading; :func:`chiplet_kg.pipeline.reason` fills it);
- :data:`ONTOLOGY_GRAPH`: a second copy of the triples of the ontology files alone (``ontology/*.ttl`` but the
  shapes), with the same blank nodes, so that ``build`` can write ``ontology.rdf`` from the store instead of
  parsing the ontology files again. Queries never see it: they read the asserted and inferred graphs only.
- one graph per XSD datatype that pyoxigraph's store does not keep (:data:`COLLAPSED`): the store files
  ``"1"^^xsd:nonNegativeInteger`` as ``"1"^^xsd:integer`` (the same value, another name). The triples holding
  such a literal are noted, as stored, in the graph ``DATATYPES_PREFIX + <datatype IRI>``, so that the rdflib
  views (:attr:`chiplet_kg.kg.ChipletKG.graph`), and with them validation and the exports, see the datatype the
  file wrote. Queries see the store's xsd:integer (SPARQL compares the values, which are equal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote
from pathlib import Path
from typing import Iterable

from rdflib import URIRef

from .home import project_root
from .namespace import ASSERTED_GRAPH

__all__ = ["ONTOLOGY_GRAPH", "DATATYPES_PREFIX", "COLLAPSED", "Loaded", "input_files", "ontology_files", "load",
           "note_datatypes", "datatype_notes"]

#: The named graph holding a copy of the ontology files' triples (see the module's docstring).
ONTOLOGY_GRAPH = URIRef("https://w3id.org/chiplet-kg/graph/ontology")
#: Named graphs ``DATATYPES_PREFIX + datatype IRI`` note the triples whose literal the store re-typed.
DATATYPES_PREFIX = "https://w3id.org/chiplet-kg/graph/datatype/"
_XSD = "http://www.w3.org/2001/XMLSchema#"
#: XSD datatypes that pyoxigraph's store (0.5) replaces by their base type (xsd:integer, xsd:dateTime).
COLLAPSED = frozenset(_XSD + name for name in (
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "int", "long", "short", "byte",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "dateTimeStamp"))
#: The store also rewrites a decimal's lexical form ("100.0" → "100"): such literals are noted with their text.
_DECIMAL = _XSD + "decimal"
_NONCANONICAL_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]*0$|^\+|^0[0-9]|^[+-]?\.|\.$")
_LEXICAL = "?lexical="  # inside the datatype IRI's fragment (a second # is no IRI)
# A file that may name one of them (by prefixed name or full IRI) or hold such a decimal; a false alarm costs one
# extra parse.
_MAY_COLLAPSE = re.compile(rb"[:#](?:nonNegativeInteger|positiveInteger|nonPositiveInteger|negativeInteger|int|long"
                           rb"|short|byte|unsignedLong|unsignedInt|unsignedShort|unsignedByte|dateTimeStamp)\b"
                           rb"|[0-9]\.[0-9]*0(?![0-9])")
#: pyoxigraph parsers for the files whose datatypes are noted (others: JSON-LD, N3 — their re-typed literals stay so).
#: (RDF/XML goes through rdflib's guarded reader only, chiplet_kg.loader.)
_OX_PARSED = {".ttl": "TURTLE", ".turtle": "TURTLE", ".nt": "N_TRIPLES", ".ntriples": "N_TRIPLES", ".nq": "N_QUADS",
              ".trig": "TRIG"}


def note_datatypes(store, triples: Iterable) -> int:
    """Note in ``store`` the pyoxigraph triples among ``triples`` whose literal the store re-types; returns how many.

    Blank-node subjects are left out: a second parse names them differently from the store's copy.
    """
    import pyoxigraph as ox

    noted = 0
    for t in triples:
        o = t.object
        if not isinstance(o, ox.Literal) or isinstance(t.subject, ox.BlankNode):
            continue
        if o.datatype.value in COLLAPSED:
            name = DATATYPES_PREFIX + o.datatype.value
        elif o.datatype.value == _DECIMAL and _NONCANONICAL_DECIMAL.search(o.value):
            name = DATATYPES_PREFIX + _DECIMAL + _LEXICAL + quote(o.value, safe="")
        else:
            continue
        # Stored in the note's graph, the literal takes the store's form: the key the views look up.
        store.add(ox.Quad(t.subject, t.predicate, o, ox.NamedNode(name)))
        noted += 1
    return noted


def datatype_notes(store) -> dict:
    """``(subject, predicate, stored literal) → (datatype IRI, lexical form or None)`` for every noted triple."""
    notes = {}
    for graph in store.named_graphs():
        if getattr(graph, "value", "").startswith(DATATYPES_PREFIX):
            datatype, _, lexical = graph.value[len(DATATYPES_PREFIX):].partition(_LEXICAL)
            note = (datatype, unquote(lexical) if lexical else None)
            for q in store.quads_for_pattern(None, None, None, graph):
                notes[q.subject, q.predicate, q.object] = note
    return notes


def _note_file(store, path: Path) -> None:
    import pyoxigraph as ox

    fmt = _OX_PARSED.get(path.suffix.lower())
    data = path.read_bytes() if fmt else b""
    if not _MAY_COLLAPSE.search(data):
        return
    if fmt in ("N_TRIPLES", "N_QUADS"):
        # One statement per line: only the lines that may hold such a literal are parsed again.
        data = b"\n".join(line for line in data.splitlines() if _MAY_COLLAPSE.search(line))
    try:
        note_datatypes(store, ox.parse(data, format=getattr(ox.RdfFormat, fmt), base_iri=path.resolve().as_uri()))
    except (SyntaxError, ValueError, OSError):  # the file loaded through rdflib: its literals stay re-typed
        pass


def ontology_files(root: Path) -> list[Path]:
    """The ontology's Turtle files (the shapes are kept apart: they are not part of the graph)."""
    return sorted(p for p in (Path(root) / "ontology").glob("*.ttl") if p.name != "shapes.ttl")


def input_files(data: Iterable = (), *, builtin: bool = True, root: Path | None = None) -> tuple[Path | None, list[Path], list[Path]]:
    """``(root, files, ontology)``: the project folder, every input file in load order, and the ontology files among them.

    With ``builtin``, the shipped ontology and ``graph_data/*.ttl`` come first; ``data`` follows.
    """
    files: list[Path] = []
    ontology: list[Path] = []
    if builtin:
        root = Path(root) if root else project_root()
        ontology = ontology_files(root)
        files.extend(ontology)
        files.extend(sorted((root / "graph_data").glob("*.ttl")))
    files.extend(Path(p) for p in data)
    return root, files, ontology


@dataclass
class Loaded:
    """What :func:`load` gives the KG: the store, the files it holds, and whether it came from the build cache."""

    ox: object
    files: list[Path]
    root: Path | None
    builtin: bool
    from_cache: bool = False
    #: True when the store came from the cache with the reasoner's triples in it (nothing left to infer).
    reasoned: bool = False
    ontology: list[Path] = field(default_factory=list)
    #: The user's own files (``--data``) among ``files``.
    data: list[Path] = field(default_factory=list)


def load(data: Iterable = (), *, builtin: bool = True, root: Path | None = None, reasoned: bool = False,
         use_cache: bool = False) -> Loaded:
    """Load the input files into a new pyoxigraph store, or open the build cache's store for the same files.

    Parameters
    ----------
    data : the user's RDF files (``--data``).
    builtin : also load the shipped ontology and graph data (first).
    root : the project folder; defaults to :func:`chiplet_kg.home.project_root`.
    reasoned : the caller will reason: only a cache entry with the inferred triples will do.
    use_cache : open the store ``chiplet-kg build`` left for the same inputs (:mod:`chiplet_kg.cache`) when there
        is one.

    Raises
    ------
    InputError
        A file is missing or malformed (file and line).
    """
    import pyoxigraph as ox

    from .loader import load_into_store
    from .progress import progress

    data = [Path(p) for p in data]
    root, files, ontology = input_files(data, builtin=builtin, root=root)
    if use_cache:
        from .cache import open_cached

        store = open_cached(files, reasoned=reasoned)
        if store is not None:
            return Loaded(store, files, root, builtin, from_cache=True, reasoned=reasoned,
                          ontology=ontology, data=data)
    store = ox.Store()
    asserted = ox.NamedNode(str(ASSERTED_GRAPH))
    onto = ox.NamedNode(str(ONTOLOGY_GRAPH))
    with progress("loading", files) as step:
        for path in files:
            load_into_store(store, path, onto if path in ontology else asserted, on_bytes=step(path))
            _note_file(store, path)
    if ontology:
        # The ontology's quads (same blank nodes) also into the graph proper: each file is parsed once.
        store.extend([ox.Quad(q.subject, q.predicate, q.object, asserted)
                      for q in store.quads_for_pattern(None, None, None, onto)])
    return Loaded(store, files, root, builtin, ontology=ontology, data=data)

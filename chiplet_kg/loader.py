"""Read RDF files into an rdflib graph, turning parser failures into one clear message with file and line."""

from __future__ import annotations

import os
import re
from pathlib import Path

from rdflib import Dataset, Graph

from .errors import InputError

__all__ = ["FORMATS", "guess_format", "load_into_store", "parse_into", "prefixes_of"]

#: File suffix → rdflib parser name.
FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".n3": "n3",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}

#: rdflib parser name → pyoxigraph format, for the formats pyoxigraph loads straight into the query store (fast,
#: in Rust). The others (RDF/XML, JSON-LD, N3) go through rdflib, whose readings of them the project relies on.
OX_LOADED = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG"}

# rdflib parser name → pyoxigraph format name, used only to locate syntax errors precisely.
_OXIGRAPH_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG", "n3": "N3", "xml": "RDF_XML"}


def guess_format(path: Path) -> str:
    """The rdflib parser for ``path``, from its suffix.

    Examples
    --------
    >>> guess_format(Path("mine.ttl")), guess_format(Path("x.jsonld"))
    ('turtle', 'json-ld')
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(f"{path}: unknown RDF file type '{path.suffix or '(none)'}'; use one of {known}")
    return fmt


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not an RDF file")
    _refuse_special(path)
    try:
        return path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None


def _refuse_special(path: Path) -> None:
    """Refuse a pipe, socket or device: reading it could block for ever or never end."""
    if path.exists() and not path.is_file():
        raise InputError(f"{path}: not a regular file (a pipe, socket or device); give an RDF file")


def _locate(data: bytes, fmt: str) -> str | None:
    """Ask pyoxigraph where a syntax error is: its messages carry line and column."""
    name = _OXIGRAPH_FORMATS.get(fmt)
    if name is None:
        return None
    try:
        import pyoxigraph
    except ImportError:  # pragma: no cover - pyoxigraph is a declared dependency
        return None
    try:
        for _ in pyoxigraph.parse(data, format=getattr(pyoxigraph.RdfFormat, name), base_iri="file:///"):
            pass
    except SyntaxError as err:
        return str(err.msg if hasattr(err, "msg") else err)
    except Exception:  # noqa: BLE001 - any other failure just means no better location
        return None
    return None


def _describe(err: Exception, data: bytes, fmt: str) -> str:
    """A one-line description of a parser error, with line (and column) where known."""
    why = getattr(err, "_why", None)
    lines = getattr(err, "lines", None)
    if why is not None and isinstance(lines, int):
        return f"line {lines + 1}: {why}"
    lineno = getattr(err, "lineno", None)
    if lineno is not None:
        col = getattr(err, "colno", None)
        return f"line {lineno}" + (f", column {col}" if col else "") + f": {getattr(err, 'msg', err)}"
    get_line = getattr(err, "getLineNumber", None)
    if callable(get_line):
        return f"line {get_line()}, column {err.getColumnNumber()}: {err.getMessage()}"
    located = _locate(data, fmt)
    if located:
        return located[0].lower() + located[1:]
    return str(err).splitlines()[0] if str(err) else type(err).__name__


def _refuse_remote_contexts(data: bytes, path: Path) -> None:
    """Refuse a JSON-LD document that names a context by IRI or file name: rdflib would fetch or open it.

    Also refuses JSON nested too deeply to parse safely (the JSON-LD parser would crash the process).
    """
    import json

    try:
        doc = json.loads(data)
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply (more than about 1000 levels)") from None
    except ValueError as err:
        where = f"line {err.lineno}, column {err.colno}: " if hasattr(err, "lineno") else ""
        raise InputError(f"{path}: {where}not JSON: {getattr(err, 'msg', err)}") from None
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import"):
                    for ref in (value if isinstance(value, list) else [value]):
                        if isinstance(ref, str):
                            raise InputError(
                                f"{path}: the JSON-LD {key} {ref!r} refers to a context elsewhere; contexts are "
                                "never fetched or opened: put the context itself into the file "
                                "(chiplet_kg/context.jsonld is the project's)")
                stack.append(value)


def _base_iri(path: Path) -> str:
    """The file's own ``file:`` IRI (the base for relative IRIs in it); a loop of symbolic links is an input error."""
    try:
        return path.resolve().as_uri()
    except (RuntimeError, OSError) as err:  # Python raises RuntimeError for a symlink loop
        raise InputError(f"{path}: a symbolic link that leads back to itself ({err})") from None


# An entity declaration of an RDF/XML file's internal DTD subset: ``<!ENTITY [%] name value>``.
_DTD_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[(.*?)\]\s*>", re.S)
_ENTITY_DECL = re.compile(rb"<!ENTITY\s+(%\s*)?(\S+)\s+(.*?)>", re.S)


def _refuse_entity_tricks(data: bytes, path: Path) -> None:
    """Refuse DTD entities that expand into other entities, files or URLs (entity expansion bombs, XXE).

    Plain text entities, as Protégé writes them for namespaces (``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``),
    stay allowed.

    Examples
    --------
    >>> _refuse_entity_tricks(b'<!DOCTYPE rdf:RDF [<!ENTITY owl "http://www.w3.org/2002/07/owl#">]><rdf:RDF/>', Path("a.rdf"))
    >>> _refuse_entity_tricks(b'<!DOCTYPE r [<!ENTITY a "x"><!ENTITY b "&a;&a;">]><r/>', Path("b.rdf"))
    Traceback (most recent call last):
    ...
    chiplet_kg.errors.InputError: b.rdf: the DTD entity 'b' refers to other entities, a file or a URL; only plain text entities (as Protégé writes for namespaces) are read
    """
    subset = _DTD_SUBSET.search(data)
    for decl in _ENTITY_DECL.finditer(subset.group(1) if subset else b""):
        pct, name, rest = decl.groups()
        value = rest.lstrip()
        if pct or value[:6] in (b"SYSTEM", b"PUBLIC") or b"&" in rest or b"%" in rest or len(rest) > 4096:
            raise InputError(f"{path}: the DTD entity {name.decode('utf-8', 'replace')!r} refers to other entities, "
                             "a file or a URL; only plain text entities (as Protégé writes for namespaces) are read")


def parse_into(graph: Graph, path: str | os.PathLike, fmt: str | None = None) -> int:
    """Parse the RDF file ``path`` into ``graph`` and return the number of triples it added.

    Nothing is added when the file is malformed: the file is parsed into a scratch graph first.

    Raises
    ------
    InputError
        The file is missing, a folder, unreadable, of an unknown type, not UTF-8 text where text
        is required, or malformed; the message names the file and, for syntax errors, the line.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not an RDF file")
    fmt = fmt or guess_format(path)
    data = _read_bytes(path)
    if fmt in ("turtle", "nt", "nquads", "trig", "n3", "json-ld"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            raise InputError(f"{path}: line {line}: not UTF-8 text (byte 0x{data[err.start]:02x})") from None
    if fmt == "json-ld":
        _refuse_remote_contexts(data, path)
    if fmt == "xml":
        _refuse_entity_tricks(data, path)
    # Quad formats go through a Dataset; their named graphs are merged into the one graph.
    scratch = Dataset(default_union=True) if fmt in ("nquads", "trig") else Graph()
    try:
        scratch.parse(data=data, format=fmt, publicID=_base_iri(path))
    except RecursionError:
        raise InputError(f"{path}: nested too deeply for the RDF parser (blank nodes or lists more than about "
                         "1000 levels)") from None
    except Exception as err:  # noqa: BLE001 - every parser has its own exception types
        raise InputError(f"{path}: {_describe(err, data, fmt)}") from None
    before = len(graph)
    for prefix, ns in scratch.namespaces():
        if prefix and not any(True for _ in graph.namespaces() if _[0] == prefix):
            graph.bind(prefix, ns)
    if isinstance(scratch, Dataset):
        for s, p, o, _ctx in scratch.quads((None, None, None, None)):
            graph.add((s, p, o))
    else:
        graph += scratch
    return len(graph) - before


def load_into_store(store, path: str | os.PathLike, graph_name, fmt: str | None = None,
                    on_bytes=None) -> list | None:
    """Load the RDF file ``path`` into the named graph ``graph_name`` of the pyoxigraph ``store``.

    Turtle, N-Triples, N-Quads and TriG are parsed by pyoxigraph (the named graphs of quad formats are merged
    into ``graph_name``, blank nodes are renamed apart per file); other formats, and any file pyoxigraph
    refuses, go through :func:`parse_into`, so that a bad file gives exactly the message it gave before (file
    and line) and a file rdflib reads is read the same way. Nothing is added when the file is malformed.

    ``on_bytes(n)``, when given, is told how many bytes of the file were read so far, piece by piece (progress
    bars, :mod:`chiplet_kg.progress`).

    Returns
    -------
    The ``(prefix, namespace)`` pairs rdflib saw when it parsed the file, or None when pyoxigraph loaded it
    (:func:`prefixes_of` reads them when they are needed).

    Raises
    ------
    InputError
        As :func:`parse_into`.

    Examples
    --------
    >>> import pyoxigraph, tempfile
    >>> path = Path(tempfile.mkdtemp()) / "mine.nt"
    >>> _ = path.write_text('<urn:x:a> <urn:x:p> "one" .\\n')
    >>> store = pyoxigraph.Store()
    >>> load_into_store(store, path, pyoxigraph.NamedNode("urn:x:g")) is None
    True
    >>> len(store)
    1
    """
    import pyoxigraph as ox

    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not an RDF file")
    fmt = fmt or guess_format(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    _refuse_special(path)
    name = OX_LOADED.get(fmt)
    if name is not None:
        rdf_format = getattr(ox.RdfFormat, name)
        base = _base_iri(path)
        try:
            if fmt in ("nquads", "trig"):
                scratch = ox.Store()
                scratch.load(path=str(path), format=rdf_format, base_iri=base)
                store.extend(ox.Quad(q.subject, q.predicate, q.object, graph_name) for q in scratch)
            elif on_bytes is not None:
                from .progress import CountingReader

                with open(path, "rb") as raw:
                    store.load(CountingReader(raw, on_bytes), format=rdf_format, base_iri=base, to_graph=graph_name)
            else:
                store.load(path=str(path), format=rdf_format, base_iri=base, to_graph=graph_name)
            return None
        except (SyntaxError, ValueError, OSError, UnicodeError):
            pass  # rdflib below reports it as before (file, line), or reads what pyoxigraph would not
    scratch_graph = Graph()
    parse_into(scratch_graph, path, fmt)
    if len(scratch_graph):
        # rdflib's parser is lenient where pyoxigraph is strict (a NUL or a space inside an IRI): such a file is
        # refused here, as a malformed file, before anything reaches the store.
        try:
            data = scratch_graph.serialize(format="nt", encoding="utf-8")
            store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph_name)
        except InputError:
            raise
        except Exception as err:  # noqa: BLE001 - rdflib's serialisers and pyoxigraph raise their own types
            first = str(getattr(err, "msg", None) or err).splitlines()
            raise InputError(f"{path}: not valid RDF: {first[0] if first else type(err).__name__}") from None
    return [(str(k), str(v)) for k, v in scratch_graph.namespaces() if k]


def prefixes_of(path: str | os.PathLike, fmt: str | None = None) -> list[tuple[str, str]]:
    """The prefixes a Turtle or TriG file declares, in order (other formats: none); empty when it cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "mine.ttl"
    >>> _ = path.write_text("@prefix ex: <https://example.org/> .\\nex:a ex:b ex:c .\\n")
    >>> prefixes_of(path)
    [('ex', 'https://example.org/')]
    """
    path = Path(path)
    fmt = fmt or FORMATS.get(path.suffix.lower())
    if fmt not in ("turtle", "trig"):
        return []
    import pyoxigraph as ox

    try:
        parser = ox.parse(path=str(path), format=getattr(ox.RdfFormat, OX_LOADED[fmt]),
                          base_iri=path.resolve().as_uri())
        for _ in parser:
            pass
        return [(k, v) for k, v in parser.prefixes.items() if k]
    except Exception:  # noqa: BLE001 - prefixes are a convenience: a file that does not parse binds none
        return []

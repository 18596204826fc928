"""Read RDF files into an rdflib graph, turning parser failures into one clear message with file and line."""

from __future__ import annotations

import os
from pathlib import Path

from rdflib import Dataset, Graph

from .errors import InputError

__all__ = ["FORMATS", "guess_format", "parse_into"]

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
    try:
        return path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None


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
    # Quad formats go through a Dataset; their named graphs are merged into the one graph.
    scratch = Dataset(default_union=True) if fmt in ("nquads", "trig") else Graph()
    try:
        scratch.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
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

"""Rows to text: an aligned table (CJK-aware), W3C SPARQL CSV/TSV, W3C SPARQL JSON results, Markdown."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph

# rdflib is imported inside the functions that meet its terms: `chiplet-kg queries` renders plain strings and
# starts without loading any RDF library.

__all__ = ["render_rows", "render_result", "render_graph", "RowWriter", "FORMATS", "TRUNCATED_KEY"]

FORMATS = ("table", "csv", "tsv", "json", "md")
#: The top-level key that marks a cut W3C JSON result (``"truncated": true``, before ``"results"``). Not part of
#: the W3C format; rdflib's and pyoxigraph's JSON results parsers skip it.
TRUNCATED_KEY = "truncated"


def _as_term(value):
    """Plain Python values (from analyses) become literals; rdflib terms stay as they are."""
    from rdflib import BNode, Literal, URIRef

    if value is None or isinstance(value, (URIRef, BNode, Literal)):
        return value
    if isinstance(value, (list, tuple, set)):
        return Literal("; ".join(str(v) for v in value))
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, (int, float, Decimal)):
        return Literal(value)
    return Literal(str(value))


def _short(term) -> str:
    """Human form: prefixed names for IRIs in known namespaces, the lexical form for literals."""
    from rdflib import BNode, URIRef

    from .namespace import PREFIXES

    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, ns in PREFIXES.items():
            if text.startswith(str(ns)) and len(text) > len(str(ns)):
                return f"{prefix}:{text[len(str(ns)):]}"
        return text
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _csv_term(term) -> str:
    # W3C SPARQL 1.1 CSV: IRIs and literals as their plain text, blank nodes as _:label.
    from rdflib import BNode

    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _tsv_term(term) -> str:
    # W3C SPARQL 1.1 TSV: terms in Turtle/N-Triples syntax, tabs and newlines escaped.
    from rdflib import BNode, URIRef

    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = (str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


def _json_term(term) -> dict:
    from rdflib import BNode, URIRef

    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    cell = {"type": "literal", "value": str(term)}
    if term.language:
        cell["xml:lang"] = term.language
    elif term.datatype and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
        cell["datatype"] = str(term.datatype)  # an xsd:string literal is a simple literal (RDF 1.1): no datatype
    return cell


def _table(columns: list[str], rows: list[list[str]]) -> str:
    from rich import box
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for col in columns:
        table.add_column(col, overflow="fold", no_wrap=True)
    for row in rows:
        table.add_row(*row)
    widths = [max([cell_len(c)] + [cell_len(r[i]) for r in rows]) for i, c in enumerate(columns)]
    buf = io.StringIO()
    console = Console(file=buf, width=max(40, sum(widths) + 3 * len(widths) + 4), color_system=None,
                      legacy_windows=False, emoji=False, highlight=False, markup=False)
    console.print(table)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def _md_cell(text: str) -> str:
    """A Markdown table cell that shows ``text`` as typed: HTML in it stays text (``&``, ``<`` and ``>`` escaped),
    pipes and backslashes are escaped, newlines become ``<br>``.

    >>> _md_cell('<script>alert(1)</script> & a|b')
    '&lt;script&gt;alert(1)&lt;/script&gt; &amp; a\\\\|b'
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>").replace("\r", "")


def render_rows(columns: list[str], rows: list[dict], fmt: str = "table", *, truncated: bool = False) -> str:
    """Render rows (dicts of column → rdflib term or plain value) in ``fmt``.

    ``truncated`` (the rows are the first ones of a longer answer) adds ``"truncated": true`` to JSON.

    ``table`` is meant for a terminal: control characters and bidi overrides in a cell are shown as escapes
    (``\\x1b``); the other formats keep every value exactly.

    Examples
    --------
    >>> print(render_rows(["name", "n"], [{"name": "长电科技", "n": 2}, {"name": "TSMC", "n": 10}], "md"), end="")
    | name | n |
    | --- | --- |
    | 长电科技 | 2 |
    | TSMC | 10 |
    """
    if fmt in ("table", "md") and all(type(v) is str or v is None for row in rows for v in row.values()):
        # Plain text only (e.g. the query list): shown as it is, without turning it into RDF terms first.
        text_rows = [[row.get(c) or "" for c in columns] for row in rows]
        return _text_rows(columns, text_rows, fmt)
    if fmt in ("csv", "tsv", "json"):
        buf = io.StringIO()
        writer = RowWriter(buf, columns, fmt, truncated=truncated)
        for row in rows:
            writer.row(row)
        writer.close()
        return buf.getvalue()
    cells = [{c: _as_term(row.get(c)) for c in columns} for row in rows]
    return _text_rows(columns, [[_short(r[c]) for c in columns] for r in cells], fmt)


class RowWriter:
    """W3C SPARQL CSV, TSV or JSON results written row by row to the text stream ``out``.

    The text is exactly what :func:`render_rows` gives for the same rows at once (it uses this class), so a
    streamed answer and a collected one read the same. ``truncated`` marks a JSON answer as cut (the mark must come
    before the rows, so it is known when writing starts); CSV and TSV have no place for it.

    Examples
    --------
    >>> buf = io.StringIO()
    >>> w = RowWriter(buf, ["n"], "tsv")
    >>> w.row({"n": 1}); w.close()
    >>> buf.getvalue()
    '?n\\n"1"^^<http://www.w3.org/2001/XMLSchema#integer>\\n'
    """

    #: Distinct values whose text is kept while writing (the cache is emptied when full).
    CACHE = 100_000

    def __init__(self, out, columns: list[str], fmt: str, *, truncated: bool = False):
        if fmt not in ("csv", "tsv", "json"):
            raise ValueError(f"RowWriter writes csv, tsv or json, not {fmt!r}")
        self.out, self.columns, self.fmt, self.count = out, list(columns), fmt, 0
        self._format = {"csv": _csv_term, "tsv": _tsv_term, "json": _json_term}[fmt]
        self._cells: dict = {}
        if fmt == "csv":
            self._csv = csv.writer(out, lineterminator="\r\n")
            self._csv.writerow(self.columns)
        elif fmt == "tsv":
            out.write("\t".join(f"?{c}" for c in self.columns) + "\n")
        else:
            # json.dumps(doc, indent=2) of the whole document, cut where the bindings go.
            doc = {"head": {"vars": self.columns}}
            if truncated:
                doc[TRUNCATED_KEY] = True
            doc["results"] = {"bindings": []}
            head, self._tail = json.dumps(doc, ensure_ascii=False, indent=2).split('"bindings": []', 1)
            out.write(head + '"bindings": [')

    def _cell(self, value):
        """A cell's text (CSV, TSV) or JSON object; the same value in many rows is formatted once."""
        if value is None:
            return None if self.fmt == "json" else ""
        # The exact term as the key: rdflib finds "1" and "01" (xsd:integer) equal, Python True and 1, and each
        # prints apart.
        key = (type(value), str(value), getattr(value, "language", None), getattr(value, "datatype", None))
        cell = self._cells.get(key)
        if cell is None:
            if len(self._cells) >= self.CACHE:
                self._cells.clear()  # a bounded cache: writing a long answer takes constant memory
            cell = self._cells[key] = self._format(_as_term(value))
        return cell

    def row(self, row: dict) -> None:
        """Write one row: a dict from column to rdflib term or plain value (missing or None when unbound)."""
        cells = [self._cell(row.get(c)) for c in self.columns]
        if self.fmt == "csv":
            self._csv.writerow(cells)
        elif self.fmt == "tsv":
            self.out.write("\t".join(cells) + "\n")
        else:
            binding = {c: v for c, v in zip(self.columns, cells) if v is not None}
            text = json.dumps(binding, ensure_ascii=False, indent=2).replace("\n", "\n      ")
            self.out.write((",\n      " if self.count else "\n      ") + text)
        self.count += 1

    def close(self) -> None:
        """Write what follows the last row (the end of the JSON document)."""
        if self.fmt == "json":
            self.out.write(("\n    ]" if self.count else "]") + self._tail + "\n")


def _text_rows(columns: list[str], text_rows: list[list[str]], fmt: str) -> str:
    """Rows already turned into text, as a Markdown or an aligned table."""
    if fmt == "md":
        out = ["| " + " | ".join(_md_cell(c) for c in columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
        out += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in text_rows]
        return "\n".join(out) + "\n"
    if fmt == "table":
        # The aligned table is for a terminal: a label cannot carry escape sequences or bidi overrides to it.
        from .errors import printable

        safe = [[printable(cell) for cell in row] for row in text_rows]
        return _table([printable(c) for c in columns], safe) if columns else "(no columns)\n"
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def render_graph(graph: Graph, fmt: str = "turtle") -> str:
    """A CONSTRUCT/DESCRIBE result as Turtle, N-Triples or JSON-LD, every literal's lexical form kept."""
    from .export import graph_bytes

    name = {"turtle": "turtle", "ttl": "turtle", "table": "turtle", "nt": "ntriples", "ntriples": "ntriples",
            "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld"}.get(fmt)
    if name is None:
        raise ValueError(f"graph results print as turtle, nt or jsonld, not {fmt!r}")
    return graph_bytes(graph, name).decode("utf-8")


def render_result(result, fmt: str = "table") -> str:
    """Render a :class:`chiplet_kg.sparql.QueryResult` of any form."""
    if result.form == "ASK":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)}) + "\n"
        if fmt in ("csv", "tsv"):
            return ("_askResult\r\n" if fmt == "csv" else "?_askResult\n") + ("true" if result.boolean else "false") + ("\r\n" if fmt == "csv" else "\n")
        return ("true" if result.boolean else "false") + "\n"
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        return render_graph(result.graph, fmt)
    return render_rows(result.variables, result.rows, fmt, truncated=bool(getattr(result, "truncated", False)))

"""Checking SPARQL text before it runs: syntax (line and column), updates, SERVICE and FROM refused, nesting depth."""

from __future__ import annotations

import re
from typing import Iterator

from ..errors import InputError, UsageError
from ..namespace import ASSERTED_GRAPH, INFERRED_GRAPH, PREFIXES

__all__ = ["FORMS", "MAX_NESTING", "check_nesting", "check_query", "quick_form", "read_query_file"]

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_LOCAL_GRAPHS = {str(ASSERTED_GRAPH), str(INFERRED_GRAPH)}


def _names(node) -> Iterator:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _names(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for value in node:
            yield from _names(value)


def check_query(text: str, *, local: bool = True) -> str:
    """Parse ``text`` as a SPARQL 1.1 query and return its form (SELECT, ASK, CONSTRUCT or DESCRIBE).

    Raises
    ------
    UsageError
        A syntax error (with line, column and the offending text), an update (the graph is read-only), or,
        for local queries, ``SERVICE`` and ``FROM``/``FROM NAMED`` of graphs other than the store's own —
        rdflib and other engines would fetch those URLs.

    Examples
    --------
    >>> check_query("SELECT * WHERE { ?s ?p ?o }")
    'SELECT'
    >>> check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    chiplet_kg.errors.UsageError: SERVICE is refused: local queries never reach the network (SERVICE <http://example.org/sparql>)
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    check_nesting(text)
    try:
        tree = parseQuery(text)
    except ParseException as err:
        try:
            parseUpdate(text)
        except Exception:  # noqa: BLE001 - not an update either: report the query error
            raise UsageError(_syntax_message(text, err)) from None
        raise UsageError("updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE …) are refused: the graph is read-only") from None
    except Exception as err:  # noqa: BLE001 - rdflib raises various errors for bad prefixes etc.
        raise UsageError(f"SPARQL error: {err}") from None
    query = tree[1]
    form = query.name.replace("Query", "").upper()
    if form not in FORMS:  # pragma: no cover - the grammar has only these four
        raise UsageError(f"unsupported query form {query.name}")
    if local:
        for node in _names(tree):
            if node.name == "ServiceGraphPattern":
                from rdflib.term import Variable

                term = node.get("term")
                shown = f"?{term}" if isinstance(term, Variable) else f"<{term}>"
                raise UsageError(f"SERVICE is refused: local queries never reach the network (SERVICE {shown})")
            if node.name == "DatasetClause":
                named = "named" in node
                iri = node.get("named") if named else node.get("default")
                if str(iri) not in _LOCAL_GRAPHS:
                    raise UsageError(f"FROM{' NAMED' if named else ''} <{iri}> is refused: local queries read only "
                                     f"the local graphs <{ASSERTED_GRAPH}> and <{INFERRED_GRAPH}>, never a URL")
    return form


# Strings, comments and IRIs, which may hold any word; what is left is the query's own keywords and names.
_OPAQUE = re.compile(r'''"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''
                     r'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*|<[^\s<>"{}|^`\\]*>''')
# Words that need the full check: the network (SERVICE, FROM) and every update keyword.
_NEEDS_FULL_CHECK = re.compile(r"\b(SERVICE|FROM|NAMED|LOAD|INSERT|DELETE|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH|USING)\b",
                               re.I)
_FORM = re.compile(r"(?<![\w?$:])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:-])", re.I)
_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+[^\s:]*:|BASE)\s*)*", re.I)


#: Deepest nesting of ``{ }``, ``( )`` and ``[ ]`` a query may have. Real queries stay far below it; the SPARQL
#: parsers recurse once per level (rdflib's overflows Python's stack, pyoxigraph's can crash the process).
MAX_NESTING = 100


def check_nesting(text: str) -> None:
    """Refuse a query whose groups, expressions or blank-node lists are nested more than :data:`MAX_NESTING` deep.

    Brackets inside strings, IRIs and comments do not count.

    Examples
    --------
    >>> check_nesting("SELECT * WHERE { { ?s ?p ?o } FILTER((1 + 2) > 0) }  # {{{{")
    >>> check_nesting("SELECT * WHERE " + "{ " * 150 + "}" * 150)
    Traceback (most recent call last):
    ...
    chiplet_kg.errors.UsageError: the query is nested more than 100 levels deep ({ }, ( ) or [ ]): flatten it
    """
    depth = deepest = 0
    for ch in _OPAQUE.sub(" ", text):
        if ch in "{([":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_NESTING:
                    raise UsageError(f"the query is nested more than {MAX_NESTING} levels deep ({{ }}, ( ) or [ ]): "
                                     "flatten it")
        elif ch in "})]":
            depth -= 1


def quick_form(text: str) -> str | None:
    """The form of a local query found without parsing it, or None when only the full check can tell.

    The query's strings, comments and IRIs are blanked out; when what is left has no word that could make a
    query reach the network or change the graph (SERVICE, FROM, NAMED, LOAD, INSERT, DELETE …, as a word in any
    case, even as part of a prefixed name or a variable) and starts with a prologue and then SELECT, ASK,
    CONSTRUCT or DESCRIBE, that form is the answer. pyoxigraph still parses the query when it runs; a syntax
    error there is reported through :func:`check_query` (line, column). Anything else goes to
    :func:`check_query`, which parses the query with rdflib's full grammar.

    Examples
    --------
    >>> quick_form("SELECT ?s WHERE { ?s rdfs:label 'SERVICE <http://x>' }  # FROM <http://y>")
    'SELECT'
    >>> quick_form("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }") is None
    True
    """
    bare = _OPAQUE.sub(" ", text)
    if any(c in bare for c in "\"'#\\") or _NEEDS_FULL_CHECK.search(bare):  # \\u escapes could spell a keyword
        return None
    m = _FORM.search(bare)
    if m is None or not _PROLOGUE.fullmatch(bare[: m.start()]):
        return None
    return m.group(1).upper()


def _syntax_message(text: str, err) -> str:
    """Line and column of the clause that fails (pyparsing), the offending line, and what was expected (pyoxigraph)."""
    lineno, col, why = err.lineno, err.col, _why(err)
    try:
        import pyoxigraph

        pyoxigraph.Store().query(text, prefixes={k: str(v) for k, v in PREFIXES.items()})
    except SyntaxError as ox_err:
        m = re.match(r"error at (\d+):(\d+): (.*)", str(getattr(ox_err, "msg", ox_err)), re.S)
        if m:
            why = m.group(3).strip().splitlines()[0]
    except Exception:  # noqa: BLE001 - an evaluation error means it parsed: keep pyparsing's account
        pass
    lines = text.splitlines()
    line = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
    return f"SPARQL syntax error at line {lineno}, column {col}" + (f" in {line!r}" if line else "") + f": {why}"


def _why(err) -> str:
    msg = str(err.msg) if getattr(err, "msg", None) else str(err)
    found = getattr(err, "pstr", "")[getattr(err, "loc", 0):][:20].split("\n")[0]
    return msg + (f", found {found!r}" if found and "found" not in msg else "")


def read_query_file(path) -> str:
    """The text of a ``.rq`` file, with a one-line error when it cannot be read."""
    from pathlib import Path

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read ({err})") from None

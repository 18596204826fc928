"""Running SPARQL: checks that refuse what a read-only local graph must not do, a pyoxigraph store, remote endpoints."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Iterator

from rdflib import BNode, Graph, Literal, URIRef

from .errors import InputError, QueryTimeout, RemoteError, UsageError
from .namespace import ASSERTED_GRAPH, INFERRED_GRAPH, PREFIXES, bind_prefixes

__all__ = ["MAX_NESTING", "QueryResult", "Store", "check_nesting", "check_query", "from_ox", "quick_form", "run_remote", "sparql_literal", "sparql_iri",
           "to_ox", "with_bindings", "with_prefixes"]

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_LOCAL_GRAPHS = {str(ASSERTED_GRAPH), str(INFERRED_GRAPH)}


@dataclass
class QueryResult:
    """The answer to one query: rows for SELECT, a boolean for ASK, a graph for CONSTRUCT/DESCRIBE.

    Rows are dicts from variable name to rdflib term (missing when unbound), usable in a notebook.
    """

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def __iter__(self) -> Iterator[dict]:
        return iter(self.rows)

    def __len__(self) -> int:
        if self.form in ("CONSTRUCT", "DESCRIBE"):
            return len(self.graph)
        return len(self.rows) if self.form == "SELECT" else 1

    def values(self, var: str) -> list:
        """The values of one variable, in row order (None where unbound)."""
        return [row.get(var) for row in self.rows]


# ------------------------------------------------------------------ checking query text

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


# ------------------------------------------------------------------ terms

_IRI_OK = re.compile(r'^[^\x00-\x20<>"{}|^`\\]+$')


def sparql_iri(iri: str) -> str:
    """``<iri>`` for query text, refusing characters that cannot appear in an IRI (so nothing can break out)."""
    if not _IRI_OK.match(iri):
        raise UsageError(f"not a valid IRI: {iri!r}")
    return f"<{iri}>"


def sparql_literal(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A SPARQL string literal with every special character escaped.

    Examples
    --------
    >>> print(sparql_literal('a "quoted" } # text\\n'))
    "a \\"quoted\\" } # text\\n"
    """
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t").replace("\b", "\\b").replace("\f", "\\f"))
    out = f'"{escaped}"'
    if lang:
        if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang):
            raise UsageError(f"not a valid language tag: {lang!r}")
        out += f"@{lang}"
    elif datatype:
        out += "^^" + sparql_iri(datatype)
    return out


def term_to_sparql(term) -> str:
    """A query-text form of an rdflib term, built so that no value can change the query's structure."""
    if isinstance(term, URIRef):
        return sparql_iri(str(term))
    if isinstance(term, Literal):
        return sparql_literal(str(term), term.language, str(term.datatype) if term.datatype else None)
    raise UsageError(f"cannot use {term!r} as a query parameter")


def to_ox(term):
    """The pyoxigraph term for an rdflib term (None stays None: a wildcard in a pattern)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise UsageError(f"unsupported RDF term: {term!r}")


def from_ox(term):
    """The rdflib term for a pyoxigraph term."""
    return _from_ox(term)


def _from_ox(term):
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise UsageError(f"unsupported RDF term in results: {term!r}")  # pragma: no cover - RDF-star triples


# ------------------------------------------------------------------ the local store

def with_bindings(text: str, bindings: dict) -> str:
    """``text`` with a ``VALUES`` block that binds each variable to one RDF term, at the top of its WHERE group.

    The block is built from terms (IRIs checked, literals escaped), so no value can change what the query does;
    the same text runs locally and on any SPARQL 1.1 endpoint.

    Examples
    --------
    >>> print(with_bindings("SELECT ?x WHERE { ?x ?p ?y }", {"y": Literal('} UNION { ?s ?p ?o')}))
    SELECT ?x WHERE { VALUES (?y) { ("} UNION { ?s ?p ?o") }
     ?x ?p ?y }
    """
    if not bindings:
        return text
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise UsageError(f"not a valid variable name: {name!r}")
    block = ("VALUES (" + " ".join(f"?{k}" for k in bindings) + ") { ("
             + " ".join(term_to_sparql(v) for v in bindings.values()) + ") }\n")
    pos = _where_brace(text)
    return text[: pos + 1] + " " + block + text[pos + 1:]


def with_prefixes(text: str) -> str:
    """``text`` with PREFIX declarations for the project's prefixes it uses but does not declare.

    Locally they are predeclared; a remote endpoint needs them in the text.

    Examples
    --------
    >>> print(with_prefixes("ASK { ckgd:JCET ?p ?o }"))
    PREFIX ckgd: <https://w3id.org/chiplet-kg/data/>
    ASK { ckgd:JCET ?p ?o }
    """
    declared = {m.lower() for m in re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):", text)}
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()
             if p.lower() not in declared and re.search(rf"(?<![\w<\-]){re.escape(p)}:", text)]
    return "\n".join(lines + [text])


def _where_brace(text: str) -> int:
    """Index of the ``{`` that opens the query's WHERE group, skipping comments, strings and IRIs."""
    i, n, seen_where, first_brace = 0, len(text), False, None
    while i < n:
        c = text[i]
        if c == "#":
            i = text.find("\n", i)
            i = n if i < 0 else i
            continue
        if c in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else c
            j = i + len(quote)
            while j < n and text[j:j + len(quote)] != quote:
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
            continue
        if c == "<" and re.match(r'<[^\s<>"{}|^`\\]*>', text[i:]):
            i = text.index(">", i) + 1
            continue
        if text[i:i + 5].upper() == "WHERE" and not text[i - 1:i].isalnum() and not text[i + 5:i + 6].isalnum():
            seen_where = True
        if c == "{":
            if seen_where:
                return i
            if first_brace is None:
                first_brace = i
        i += 1
    if first_brace is None:
        raise UsageError("the query has no WHERE group to bind parameters in")
    return first_brace


class _OxSyntaxError(UsageError):
    """pyoxigraph refused the query text; :func:`check_query` says where, with line and column."""


def _collect(store, text: str, form: str, default_graph: list) -> QueryResult:
    try:
        answer = store.query(text, default_graph=default_graph, prefixes={k: str(v) for k, v in PREFIXES.items()})
    except SyntaxError as err:
        raise _OxSyntaxError(f"SPARQL syntax error: {err.msg if hasattr(err, 'msg') else err}") from None
    except (OSError, ValueError, RuntimeError) as err:
        raise UsageError(f"SPARQL evaluation error: {err}") from None
    if form == "ASK":
        return QueryResult(form, boolean=bool(answer))
    if form in ("CONSTRUCT", "DESCRIBE"):
        g = bind_prefixes(Graph())
        for t in answer:
            g.add((_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object)))
        return QueryResult(form, graph=g)
    variables = [v.value for v in answer.variables]
    rows = []
    terms: dict = {}  # the same value in many rows becomes one rdflib term (making them is the costly part)
    for solution in answer:
        row = {}
        for var in variables:
            value = solution[var]
            if value is not None:
                term = terms.get(value)
                if term is None:
                    term = terms[value] = _from_ox(value)
                row[var] = term
        rows.append(row)
    return QueryResult(form, variables=variables, rows=rows)


def _child(conn, store, text, form, default_graph):  # pragma: no cover - runs in a forked child
    try:
        conn.send(("ok", _collect(store, text, form, default_graph)))
    except BaseException as err:  # noqa: BLE001 - hand every failure back to the parent
        conn.send(("error", err))
    finally:
        conn.close()
        os._exit(0)


class Store:
    """A pyoxigraph store of the graph: asserted and inferred triples in two named graphs.

    ``Store(asserted, inferred)`` copies two rdflib graphs into a new store; ``Store(ox_store=…)`` wraps a
    pyoxigraph store that already holds them (what :class:`chiplet_kg.ChipletKG` loads its files into).

    Examples
    --------
    >>> from chiplet_kg import ChipletKG
    >>> store = Store.from_kg(ChipletKG())
    >>> store.run("ASK { ckgd:JCET ckg:basedIn ckgd:China }").boolean
    True
    """

    def __init__(self, asserted: Graph | None = None, inferred: Graph | None = None, *, ox_store=None):
        import pyoxigraph as ox

        self._store = ox_store if ox_store is not None else ox.Store()
        for graph, name in ((asserted, ASSERTED_GRAPH), (inferred, INFERRED_GRAPH)):
            if graph is not None and len(graph):
                data = graph.serialize(format="nt", encoding="utf-8")
                self._store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))

    @classmethod
    def from_kg(cls, kg) -> "Store":
        """The store of ``kg`` (shared, not a copy)."""
        return kg.store

    @property
    def ox(self):
        """The pyoxigraph store underneath."""
        return self._store

    def __len__(self) -> int:
        return len(self._store)

    def run(self, text: str, bindings: dict | None = None, *, asserted_only: bool = False,
            timeout: float | None = None) -> QueryResult:
        """Check and run ``text``; ``bindings`` map variable names to rdflib terms (bound in a VALUES block)."""
        import pyoxigraph as ox

        check_nesting(text)
        form = quick_form(text) or check_query(text, local=True)
        query = with_bindings(text, bindings or {})
        graphs = [ox.NamedNode(str(ASSERTED_GRAPH))]
        if not asserted_only:
            graphs.append(ox.NamedNode(str(INFERRED_GRAPH)))
        try:
            if timeout is None:
                return _collect(self._store, query, form, graphs)
            return self._run_with_timeout(query, form, graphs, timeout)
        except _OxSyntaxError as err:
            check_query(text, local=True)  # raises with line, column and the offending text
            raise UsageError(err.message) from None

    def _run_with_timeout(self, text, form, graphs, timeout) -> QueryResult:
        # pyoxigraph cannot interrupt a query: run it in a forked child (which shares the store) and kill
        # the child when time is up.
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(child, self._store, text, form, graphs), daemon=True)
        proc.start()
        child.close()
        try:
            if not parent.poll(timeout):
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped (raise --timeout to allow more)")
            status, payload = parent.recv()
        except EOFError:
            raise UsageError("the query process ended without an answer") from None
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join(5)
            parent.close()
        if status == "error":
            raise payload
        return payload


# ------------------------------------------------------------------ remote endpoints

def run_remote(endpoint: str, text: str, bindings: dict | None = None, *, timeout: float | None = None) -> QueryResult:
    """Run ``text`` on a SPARQL 1.1 endpoint (Oxigraph, Fuseki, GraphDB, Virtuoso …) and return the same shape of result."""
    import json
    import urllib.error

    from SPARQLWrapper import JSON, N3, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    if not re.match(r"^https?://", endpoint):
        raise UsageError(f"--endpoint must be an http(s) URL, not {endpoint!r}")
    form = check_query(text, local=False)
    text = with_prefixes(with_bindings(text, bindings or {}))
    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.queryType = form  # SPARQLWrapper guesses the form with a regex that comments can fool
    client.setMethod(POST)
    client.setOnlyConneg(True)  # only the Accept header: extra format= parameters upset some servers
    if timeout:
        client.setTimeout(int(max(1, timeout)))
    if form in ("CONSTRUCT", "DESCRIBE"):
        client.setReturnFormat(N3)
        client.addCustomHttpHeader("Accept", "application/n-triples, text/turtle;q=0.9")
    else:
        client.setReturnFormat(JSON)
    try:
        response = client.query()
        raw = response.response.read()
        ctype = response.response.headers.get("Content-Type", "")
    except (urllib.error.URLError, SPARQLWrapperException, OSError, ValueError) as err:
        reason = getattr(err, "reason", None) or getattr(err, "msg", None) or err
        if "timed out" in str(reason):
            raise QueryTimeout(f"the endpoint {endpoint} did not answer within {timeout:g} s") from None
        raise RemoteError(f"cannot query {endpoint}: {str(reason).splitlines()[0]}") from None
    if form in ("CONSTRUCT", "DESCRIBE"):
        g = bind_prefixes(Graph())
        fmt = "nt" if "n-triples" in ctype else "turtle"
        try:
            g.parse(data=raw, format=fmt)
        except Exception as err:  # noqa: BLE001
            raise RemoteError(f"{endpoint} sent a graph that cannot be parsed: {err}") from None
        return QueryResult(form, graph=g)
    try:
        doc = json.loads(raw)
    except ValueError:
        raise RemoteError(f"{endpoint} did not answer with SPARQL JSON results") from None
    if form == "ASK":
        return QueryResult(form, boolean=bool(doc.get("boolean")))
    variables = doc.get("head", {}).get("vars", [])
    rows = [{k: _from_json(v) for k, v in b.items()} for b in doc.get("results", {}).get("bindings", [])]
    return QueryResult(form, variables=variables, rows=rows)


def _from_json(cell: dict):
    kind = cell.get("type")
    if kind == "uri":
        return URIRef(cell["value"])
    if kind == "bnode":
        return BNode(cell["value"])
    if "xml:lang" in cell:
        return Literal(cell["value"], lang=cell["xml:lang"])
    if cell.get("datatype"):
        return Literal(cell["value"], datatype=URIRef(cell["datatype"]))
    return Literal(cell["value"])


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

"""The local store: queries on the KG's pyoxigraph store, their results, and time limits (a forked child)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterator

from rdflib import Graph

from ..errors import QueryMemoryError, QueryTimeout, UsageError
from ..namespace import ASSERTED_GRAPH, INFERRED_GRAPH, PREFIXES, bind_prefixes
from .checks import check_nesting, check_query, quick_form
from .terms import _from_ox, with_bindings

__all__ = ["QueryResult", "Store"]


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
    #: True when the answer had more rows (or triples) than the ``max_rows`` it was run with, and was cut there.
    truncated: bool = False

    def __iter__(self) -> Iterator[dict]:
        return iter(self.rows)

    def __len__(self) -> int:
        if self.form in ("CONSTRUCT", "DESCRIBE"):
            return len(self.graph)
        return len(self.rows) if self.form == "SELECT" else 1

    def values(self, var: str) -> list:
        """The values of one variable, in row order (None where unbound)."""
        return [row.get(var) for row in self.rows]


class _OxSyntaxError(UsageError):
    """pyoxigraph refused the query text; :func:`check_query` says where, with line and column."""


def _answer(store, text: str, default_graph: list):
    """pyoxigraph's lazy answer to ``text`` (the project's prefixes predeclared); its refusals as our errors."""
    try:
        return store.query(text, default_graph=default_graph, prefixes={k: str(v) for k, v in PREFIXES.items()})
    except SyntaxError as err:
        raise _OxSyntaxError(f"SPARQL syntax error: {err.msg if hasattr(err, 'msg') else err}") from None
    except (OSError, ValueError, RuntimeError) as err:
        raise UsageError(f"SPARQL evaluation error: {err}") from None


def _prepare(text: str, bindings: dict | None, asserted_only: bool) -> tuple[str, str, list]:
    """The checked query's form, its text with ``bindings`` in a VALUES block, and the graphs it reads (refusals and
    nesting raise here, before anything runs)."""
    import pyoxigraph as ox

    check_nesting(text)
    form = quick_form(text) or check_query(text, local=True)
    graphs = [ox.NamedNode(str(ASSERTED_GRAPH))]
    if not asserted_only:
        graphs.append(ox.NamedNode(str(INFERRED_GRAPH)))
    return form, with_bindings(text, bindings or {}), graphs


def _collect(store, text: str, form: str, default_graph: list, max_rows: int | None = None) -> QueryResult:
    answer = _answer(store, text, default_graph)
    if form == "ASK":
        return QueryResult(form, boolean=bool(answer))
    if form in ("CONSTRUCT", "DESCRIBE"):
        g, truncated = _collect_graph(answer, max_rows)
        return QueryResult(form, graph=g, truncated=truncated)
    variables, rows, truncated = _read_rows(answer, max_rows)
    return QueryResult(form, variables=variables, rows=rows, truncated=truncated)


def _collect_graph(answer, max_rows: int | None = None) -> tuple[Graph, bool]:
    """The triples of a CONSTRUCT/DESCRIBE answer as an rdflib graph, at most ``max_rows`` distinct ones, and
    whether there were more."""
    g = bind_prefixes(Graph())
    truncated = False
    for t in answer:
        triple = (_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object))
        if max_rows is not None and len(g) >= max_rows and triple not in g:
            truncated = True  # one more distinct triple than the cap: stop reading here
            break
        g.add(triple)
    return g, truncated


def solution_rows(answer) -> tuple[list[str], list[dict]]:
    """The variables and rows (dicts of rdflib terms, unbound variables left out) of pyoxigraph SELECT solutions."""
    return _read_rows(answer)[:2]


def _read_rows(answer, max_rows: int | None = None) -> tuple[list[str], list[dict], bool]:
    """Variables, rows and whether rows were left unread: at most one row past ``max_rows`` is read."""
    variables = [v.value for v in answer.variables]
    rows = []
    truncated = False
    terms: dict = {}  # the same value in many rows becomes one rdflib term (making them is the costly part)
    for solution in answer:
        if max_rows is not None and len(rows) >= max_rows:
            truncated = True  # the engine yields lazily: what is after this row is never computed
            break
        row = {}
        for var in variables:
            value = solution[var]
            if value is not None:
                term = terms.get(value)
                if term is None:
                    term = terms[value] = _from_ox(value)
                row[var] = term
        rows.append(row)
    return variables, rows, truncated


def _child(conn, store, text, form, default_graph, max_rows, memory_mb=None):  # pragma: no cover - forked child
    try:
        if memory_mb:
            from .limits import limit_memory

            # pyoxigraph says "memory allocation … failed" on stderr as it aborts; the parent says it in one line.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            limit_memory(memory_mb)
        conn.send(("ok", _collect(store, text, form, default_graph, max_rows)))
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
            timeout: float | None = None, max_rows: int | None = None, memory: int | None = None) -> QueryResult:
        """Check and run ``text``; ``bindings`` map variable names to rdflib terms (bound in a VALUES block).

        ``max_rows`` stops reading the answer after that many rows (triples for CONSTRUCT/DESCRIBE) and marks the
        result ``truncated`` when there were more; the rest is never computed. ``timeout`` (seconds) and ``memory``
        (MB the query may take on top of the loaded graph) run the query in a forked child that is stopped at the
        limit (:class:`~chiplet_kg.errors.QueryTimeout`, :class:`~chiplet_kg.errors.QueryMemoryError`).
        """
        form, query, graphs = _prepare(text, bindings, asserted_only)
        try:
            if timeout is None and not memory:
                return _collect(self._store, query, form, graphs, max_rows)
            return self._run_with_timeout(query, form, graphs, timeout, max_rows, memory)
        except _OxSyntaxError as err:
            check_query(text, local=True)  # raises with line, column and the offending text
            raise UsageError(err.message) from None

    def _run_with_timeout(self, text, form, graphs, timeout, max_rows=None, memory=None) -> QueryResult:
        # pyoxigraph cannot interrupt a query: run it in a forked child (which shares the store) and kill
        # the child when time is up; the child runs under the memory limit and aborts when it goes past it.
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(child, self._store, text, form, graphs, max_rows, memory),
                           daemon=True)
        proc.start()
        child.close()
        too_big = QueryMemoryError(f"the query went past its memory limit of {memory} MB and was stopped "
                                   "(raise memory=, or 0 for no limit)")
        try:
            if not parent.poll(timeout):
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped (raise --timeout to allow more)")
            status, payload = parent.recv()
        except EOFError:
            proc.join(5)
            if memory and proc.exitcode in (-6, -9, -11):  # SIGABRT (a failed allocation), SIGKILL, SIGSEGV
                raise too_big from None
            raise UsageError("the query process ended without an answer") from None
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join(5)
            parent.close()
        if status == "error":
            if isinstance(payload, MemoryError):
                raise too_big
            raise payload
        return payload

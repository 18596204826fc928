"""Query results written as the engine yields them: a forked child serializes straight to the output, under limits.

:func:`stream_query` runs one checked query in a forked child (which shares the store) that writes the answer to
the output file descriptor while pyoxigraph computes it, so the first rows reach the reader at once and the rows
take constant memory. The parent waits with the time limit and kills the child when it is up; the child runs
under a memory limit (``RLIMIT_DATA``), and dies when it goes past it (pyoxigraph aborts on a failed allocation),
which the parent reports as :class:`~chiplet_kg.errors.QueryMemoryError`.
"""

from __future__ import annotations

import io
import itertools
import os
import pickle
import select
import signal
import sys
import tempfile
import time
from dataclasses import dataclass

from ..errors import OutputError, QueryMemoryError, QueryTimeout, UsageError
from ..namespace import PREFIXES
from .checks import check_query
from .limits import die_with_parent, limit_memory
from .terms import _from_ox

__all__ = ["StreamReport", "stream_query", "LABEL_SAMPLE", "JSON_MARK_ROWS"]

#: Rows read before the label columns of a named query are chosen (a column gets ``<col>Label`` when one of them
#: holds an IRI, as :func:`chiplet_kg.library.add_labels` decides over all rows of a collected answer). An answer
#: of at most this many rows is printed exactly as the collected one.
LABEL_SAMPLE = 1000
#: A JSON answer cut at up to this many rows says so in the document (``"truncated": true``, which must come
#: before the rows: they are read first); one cut at more says so on stderr only.
JSON_MARK_ROWS = 10_000
#: The child flushes what it wrote at least this often (seconds), so rows of a slow answer are not held back.
_FLUSH_EVERY = 0.2
#: Distinct terms whose text is cached while writing rows; the cache is emptied when full (constant memory).
_CACHE_TERMS = 100_000
#: Exit status of a child that ran out of memory in Python code (MemoryError) rather than in pyoxigraph.
_EXIT_MEMORY = 77
#: What the child says about its own stderr is kept for the parent up to this size.
_STDERR_KEEP = 64 * 1024


@dataclass
class StreamReport:
    """What a streamed query wrote: its form, how many rows (triples) and whether it stopped at ``max_rows``."""

    form: str
    rows: int = 0
    truncated: bool = False
    closed: bool = False  #: the reader went away (a broken pipe, ``| head``): the output ended early, quietly


class _Closed(Exception):
    """The reader of the output went away."""


class _Out:
    """The child's output: a binary buffer over a file descriptor, flushed when it fills or every ``_FLUSH_EVERY``."""

    def __init__(self, fd: int):
        self.raw = io.FileIO(fd, "wb", closefd=False)
        self.buffer = io.BufferedWriter(self.raw, buffer_size=64 * 1024)
        self.text = io.TextIOWrapper(self.buffer, encoding="utf-8", newline="", write_through=False)
        self._last = time.monotonic()
        self._first = True

    def tick(self) -> None:
        """Flush if the first rows are out or some time passed, so that a reader sees rows as they come."""
        now = time.monotonic()
        if self._first or now - self._last >= _FLUSH_EVERY:
            self.text.flush()
            self.buffer.flush()
            self._last, self._first = now, False

    def flush(self) -> None:
        self.text.flush()
        self.buffer.flush()


def _terms_cache(convert):
    """A bounded memo of ``convert`` over pyoxigraph terms (turning them into text is the costly part)."""
    cache: dict = {}
    missing = object()

    def get(value):
        text = cache.get(value, missing)
        if text is missing:
            if len(cache) >= _CACHE_TERMS:
                cache.clear()
            text = cache[value] = convert(value)
        return text

    return get


def _write_select(answer, out: _Out, fmt: str, max_rows, label_of, lang) -> StreamReport:
    import pyoxigraph as ox

    from ..render import RowWriter, render_rows

    report = StreamReport("SELECT")
    if fmt in ("csv", "tsv", "json") and max_rows is None and label_of is None:
        # Nothing to add to the rows and no cap: pyoxigraph writes them in Rust, in constant memory.
        form = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                "json": ox.QueryResultsFormat.JSON}[fmt]
        out.flush()
        answer.serialize(out.raw, form)
        return report
    variables = [v.value for v in answer.variables]
    term = _terms_cache(_from_ox)

    def rows():
        for solution in answer:
            # A solution iterates over its values in the order of the variables (None where unbound).
            yield {var: term(value) for var, value in zip(variables, solution) if value is not None}

    stream = rows()
    # Read up to the cap (table, md; and JSON with a small cap, whose mark comes before the rows) or the label
    # sample first: what comes after these rows decides nothing about how they are written.
    if fmt in ("table", "md"):
        ahead = max_rows
    elif fmt == "json" and max_rows is not None and max_rows <= JSON_MARK_ROWS:
        ahead = max_rows
    else:
        ahead = LABEL_SAMPLE if label_of is not None else 0
    if max_rows is not None:
        ahead = min(ahead, max_rows) if ahead is not None else max_rows
    first = list(itertools.islice(stream, ahead)) if ahead is not None else list(stream)
    known_end = ahead is None or len(first) < ahead
    if max_rows is not None and len(first) >= max_rows and not known_end:
        # One more row tells whether the answer was longer than the cap (nothing past it is computed).
        report.truncated = next(stream, None) is not None
        known_end = True
    columns = variables
    label_columns: list[str] = []
    if label_of is not None:
        from ..library import add_labels
        from .store import QueryResult

        result = add_labels(QueryResult("SELECT", variables=list(variables), rows=first), label_of, lang)
        columns = result.variables
        label_columns = [c for c in columns if c not in variables]
    if fmt in ("table", "md"):
        out.text.write(render_rows(columns, first, fmt))
        report.rows = len(first)
        return report
    writer = RowWriter(out.text, columns, fmt, truncated=report.truncated and fmt == "json")
    for row in first:
        writer.row(row)
        out.tick()
    report.rows = len(first)
    if not known_end:
        labels = _terms_cache(lambda iri: _label(label_of, iri, lang))
        sources = [(c, c[: -len("Label")]) for c in label_columns]
        for row in stream:
            if max_rows is not None and report.rows >= max_rows:
                report.truncated = True  # the engine yields lazily: what is after this row is never computed
                break
            for column, source in sources:
                label = labels(row[source]) if source in row else None
                if label is not None:
                    row[column] = label
            writer.row(row)
            report.rows += 1
            out.tick()
    writer.close()
    return report


def _label(label_of, value, lang):
    from rdflib import Literal, URIRef

    if not isinstance(value, URIRef):
        return None
    label = label_of(value, lang)
    return None if label is None else Literal(label, lang=lang if label else None)


def _write_graph(answer, out: _Out, form: str, graph_format: str, max_rows) -> StreamReport:
    import pyoxigraph as ox

    from ..render import render_graph

    report = StreamReport(form)
    if graph_format == "jsonld":
        # JSON-LD is one document compacted with the shipped context: collected first (up to the cap).
        from .store import _collect_graph

        graph, report.truncated = _collect_graph(answer, max_rows)
        report.rows = len(graph)
        out.text.write(render_graph(graph, "jsonld"))
        return report
    triples = answer
    if max_rows is not None:
        seen: set = set()

        def capped():
            # Distinct triples up to the cap, as the store counts them; one more distinct one marks the cut.
            for t in answer:
                if t in seen:
                    continue
                if len(seen) >= max_rows:
                    report.truncated = True
                    return
                seen.add(t)
                yield t

        triples = capped()

    def counted():
        for t in triples:
            report.rows += 1
            yield t

    out.flush()
    rdf_format = ox.RdfFormat.N_TRIPLES if graph_format == "nt" else ox.RdfFormat.TURTLE
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()} if rdf_format == ox.RdfFormat.TURTLE else None
    ox.serialize(counted(), out.raw, rdf_format, prefixes=prefixes)
    if report.truncated:
        # A comment is valid in Turtle and N-Triples: the file says itself that it is not the whole answer.
        out.raw.write(f"# truncated at {max_rows} triples (--max-rows)\n".encode())
    return report


def _child_run(store, text, form, graphs, fmt, graph_format, max_rows, label_of, lang, fd) -> StreamReport:
    from ..render import render_result
    from .store import QueryResult, _answer

    answer = _answer(store, text, graphs)
    out = _Out(fd)
    try:
        if form == "ASK":
            out.text.write(render_result(QueryResult("ASK", boolean=bool(answer)), fmt))
            report = StreamReport("ASK", rows=1)
        elif form in ("CONSTRUCT", "DESCRIBE"):
            report = _write_graph(answer, out, form, graph_format, max_rows)
        else:
            report = _write_select(answer, out, fmt, max_rows, label_of, lang)
        out.flush()
    except BrokenPipeError:
        raise _Closed() from None
    except OSError as err:
        import errno

        if err.errno == errno.EPIPE or "Broken pipe" in str(err):
            raise _Closed() from None
        raise OutputError(f"the answer could not be written: {err.strerror or err}") from None
    except (ValueError, RuntimeError) as err:  # the engine failed while computing the rows
        raise UsageError(f"SPARQL evaluation error: {err}") from None
    return report


def _child(parent, status_fd, err_fd, out_fd, memory_mb, run) -> None:  # pragma: no cover - runs in a forked child
    code = 0
    try:
        die_with_parent(parent)
        os.dup2(err_fd, 2)  # pyoxigraph's "memory allocation … failed" goes here, not to the user's terminal
        limit_memory(memory_mb)
        try:
            message = ("ok", run(out_fd))
        except _Closed:
            message = ("closed", None)
        except MemoryError:
            code = _EXIT_MEMORY
            message = None
        except BaseException as err:  # noqa: BLE001 - hand every failure back to the parent
            message = ("error", err)
        if message is not None:
            try:
                data = pickle.dumps(message)
            except Exception as err:  # noqa: BLE001 - an exception that does not pickle is told as text
                data = pickle.dumps(("error", UsageError(f"the query failed: {err}")))
            with os.fdopen(status_fd, "wb", closefd=False) as status:
                status.write(data)
    except MemoryError:
        code = _EXIT_MEMORY
    except BaseException:  # noqa: BLE001 - whatever happens, never run the parent's code after the fork
        code = 70
    finally:
        os._exit(code)


def _output_fd(out):
    """The file descriptor to write to, or None when ``out`` is not a real file (a test's captured stdout)."""
    try:
        fd = out.fileno()
    except (AttributeError, OSError, ValueError):
        return None
    return fd


def stream_query(store, text: str, *, fmt: str = "csv", graph_format: str | None = None,
                 bindings: dict | None = None, asserted_only: bool = False, timeout: float | None = None,
                 memory_mb: int | None = None, max_rows: int | None = None, label_of=None,
                 lang: str = "en", out=None) -> StreamReport:
    """Check ``text``, run it in a forked child and write its answer to ``out`` (default ``sys.stdout``) as it comes.

    Parameters
    ----------
    store : chiplet_kg.sparql.Store
        The store to query (the child shares it).
    fmt : str
        ``csv``, ``tsv``, ``json`` (W3C SPARQL results, streamed), ``table`` or ``md`` (collected, so give a
        ``max_rows``) for SELECT and ASK.
    graph_format : str
        ``turtle`` or ``nt`` (streamed) or ``jsonld`` (collected) for CONSTRUCT and DESCRIBE; default turtle.
    bindings : dict
        Variable names to rdflib terms, bound in a VALUES block (never pasted into the text).
    timeout : float
        Seconds after which the child is killed (:class:`~chiplet_kg.errors.QueryTimeout`); None: no limit.
    memory_mb : int
        Memory the query may take on top of what the process holds (:class:`~chiplet_kg.errors.QueryMemoryError`
        when it goes past it); None or 0: no limit.
    max_rows : int
        Stop reading after this many rows (distinct triples); the report says whether there were more.
    label_of : callable
        ``label_of(iri, lang)`` adds a ``<column>Label`` column after each column of IRIs (named queries).

    Returns
    -------
    StreamReport
        The form, the rows written, whether they were cut at ``max_rows`` and whether the reader went away.
    """
    from .store import _OxSyntaxError, _prepare

    form, query, graphs = _prepare(text, bindings, asserted_only)
    out = sys.stdout if out is None else out
    graph_format = graph_format or "turtle"

    def run(fd):
        return _child_run(store.ox, query, form, graphs, fmt, graph_format, max_rows, label_of, lang, fd)

    try:
        return _fork_and_wait(run, out, timeout, memory_mb)
    except _OxSyntaxError as err:
        check_query(text, local=True)  # raises with line, column and the offending text
        raise UsageError(err.message) from None


def _fork_and_wait(run, out, timeout, memory_mb) -> StreamReport:
    out.flush()
    sys.stderr.flush()
    fd = _output_fd(out)
    relay_r = None
    if fd is None:
        # Not a real file: the child writes into a pipe and this process copies it over, chunk by chunk.
        relay_r, fd = os.pipe()
    status_r, status_w = os.pipe()
    err_file = tempfile.TemporaryFile()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(status_r)
        if relay_r is not None:
            os.close(relay_r)
        _child(parent, status_w, err_file.fileno(), fd, memory_mb, run)
    os.close(status_w)
    if relay_r is not None:
        os.close(fd)
    deadline = None if timeout is None else time.monotonic() + timeout
    chunks = []
    open_fds = [status_r] + ([relay_r] if relay_r is not None else [])
    sink = getattr(out, "buffer", None)
    try:
        while open_fds:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped "
                                   "(raise --timeout to allow more)")
            ready, _, _ = select.select(open_fds, [], [], wait)
            for r in ready:
                data = os.read(r, 1 << 16)
                if not data:
                    open_fds.remove(r)
                elif r == status_r:
                    chunks.append(data)
                elif sink is not None:
                    sink.write(data)
                else:
                    out.write(data.decode("utf-8", errors="replace"))
    finally:
        if open_fds:  # stopped early (time is up, or this process was interrupted): end the child
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:  # pragma: no cover - it just ended
                pass
        _, status = os.waitpid(pid, 0)
        for r in (status_r, relay_r):
            if r is not None:
                os.close(r)
        if sink is not None and relay_r is not None:
            sink.flush()
    signalled = os.WIFSIGNALED(status) and os.WTERMSIG(status)
    exit_code = os.WIFEXITED(status) and os.WEXITSTATUS(status)
    if exit_code == _EXIT_MEMORY or (memory_mb and signalled in (signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV)):
        err_file.close()
        raise QueryMemoryError(f"the query went past its memory limit of {memory_mb} MB and was stopped "
                               "(raise --memory MB, or --memory 0 for no limit)")
    _pass_on_stderr(err_file)
    if not chunks:
        how = f"signal {signalled}" if signalled else f"status {exit_code}"
        raise UsageError(f"the query process ended without an answer ({how})")
    kind, payload = pickle.loads(b"".join(chunks))
    if kind == "error":
        raise payload
    if kind == "closed":
        return StreamReport("", closed=True)
    return payload


def _pass_on_stderr(err_file) -> None:
    """What the child wrote to stderr (warnings), shown once it is done."""
    try:
        err_file.seek(0)
        data = err_file.read(_STDERR_KEEP)
    finally:
        err_file.close()
    if data:
        sys.stderr.write(data.decode("utf-8", errors="replace"))
        sys.stderr.flush()

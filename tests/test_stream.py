"""Streamed query output (issue 15): rows are written as they come, --max-rows returns rows, memory stays bounded,
the memory limit stops a runaway query, the table and Markdown stop at their cap, a closed pipe ends quietly."""

from __future__ import annotations

import csv
import io
import json
import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chiplet_kg import ChipletKG
from chiplet_kg.render import render_result

QUERIES = Path(__file__).parent / "data" / "queries"
CARTESIAN = "SELECT * WHERE {?a ?b ?c . ?d ?e ?f . ?g ?h ?i}"
CLI = [sys.executable, "-m", "chiplet_kg.cli.main"]
ENV = {**os.environ, "PYTHONWARNINGS": "ignore"}
#: How long a test waits for the first rows before it gives up (a guard against hanging, not a measurement).
PATIENCE = 300


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=900, env=ENV, **kwargs)


def _sparql_cartesian(fmt: str = "csv") -> list[str]:
    return ["sparql", CARTESIAN, "--format", fmt, "--no-reason"]


def _query_cartesian(fmt: str = "csv") -> list[str]:
    return ["query", "every-triple-thrice", "--queries", str(QUERIES), "--format", fmt, "--no-reason"]


@pytest.fixture(scope="module")
def kg():
    return ChipletKG(reason=False)


def _read_lines(proc: subprocess.Popen, n: int) -> list[bytes]:
    """The first ``n`` lines ``proc`` writes, read while it runs."""
    lines, pending = [], b""
    fd = proc.stdout.fileno()
    while len(lines) < n:
        ready, _, _ = select.select([fd], [], [], PATIENCE)
        assert ready, f"no output after {PATIENCE} s: the rows are not streamed"
        chunk = os.read(fd, 65536)
        assert chunk, f"the output ended after {len(lines)} lines: {proc.stderr.read()!r}"
        pending += chunk
        *done, pending = pending.split(b"\n")
        lines += done
    return lines[:n]


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)  # the command and its forked query process (a new session of ours)
    proc.wait()
    proc.stdout.close()
    proc.stderr.close()


@pytest.mark.parametrize("args", [_sparql_cartesian(), _query_cartesian()], ids=["sparql", "query"])
def test_first_rows_arrive_while_the_query_runs(args):
    """A cartesian query of billions of rows: its first rows are read from the pipe while the process still runs."""
    proc = subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
                            start_new_session=True)
    try:
        lines = _read_lines(proc, 20)
        assert proc.poll() is None, "the process ended: it cannot have written billions of rows"
        header = lines[0].decode().strip().split(",")
        assert header[:3] == ["a", "b", "c"] or header[:3] == ["a", "aLabel", "b"]
        rows = list(csv.reader(io.StringIO(b"\n".join(lines[1:]).decode())))
        assert all(len(row) == len(header) for row in rows)
    finally:
        _stop(proc)


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))[1:]


@pytest.mark.parametrize("args", [_sparql_cartesian("csv"), _sparql_cartesian("tsv"), _sparql_cartesian("json"),
                                  _query_cartesian("csv"), _query_cartesian("json")],
                         ids=["sparql-csv", "sparql-tsv", "sparql-json", "query-csv", "query-json"])
def test_max_rows_returns_exactly_n_rows_and_says_it_was_cut(args):
    """--max-rows 25: exactly 25 rows, exit 0, a note on stderr, and ``"truncated": true`` in JSON."""
    out = run(*args, "--max-rows", "25")
    assert out.returncode == 0, out.stderr
    assert "cut at 25 rows" in out.stderr and "Traceback" not in out.stderr
    fmt = args[args.index("--format") + 1]
    if fmt == "csv":
        assert len(_csv_rows(out.stdout)) == 25
    elif fmt == "tsv":
        assert len(out.stdout.splitlines()) == 26
    else:
        doc = json.loads(out.stdout)
        assert len(doc["results"]["bindings"]) == 25 and doc["truncated"] is True


def test_cut_json_still_reads_as_w3c_results():
    """The ``truncated`` key does not stop rdflib's and pyoxigraph's W3C JSON results parsers."""
    import pyoxigraph as ox
    from rdflib.query import Result

    out = run(*_sparql_cartesian("json"), "--max-rows", "7")
    assert len(list(Result.parse(io.BytesIO(out.stdout.encode()), format="json"))) == 7
    assert len(list(ox.parse_query_results(out.stdout.encode(), ox.QueryResultsFormat.JSON))) == 7


@pytest.mark.parametrize("graph_format, parse", [("nt", "nt"), ("turtle", "turtle")])
def test_max_rows_cuts_a_construct_with_a_comment(graph_format, parse):
    """CONSTRUCT with --max-rows 25: 25 triples, and a ``# truncated`` comment (valid in Turtle and N-Triples)."""
    from rdflib import Graph

    out = run("sparql", "CONSTRUCT { ?a ?b ?c } WHERE { ?a ?b ?c }", "--graph-format", graph_format,
              "--max-rows", "25", "--no-reason")
    assert out.returncode == 0, out.stderr
    assert "# truncated at 25 triples" in out.stdout and "cut at 25 triples" in out.stderr
    assert len(Graph().parse(data=out.stdout, format=parse)) == 25


def test_ten_million_rows_stream_in_bounded_memory():
    """10^7 rows written to a reader that discards them: the largest resident size of the command (and of its
    forked query process) stays far below what the rows would take if they were collected (GBs)."""
    script = textwrap.dedent(f"""
        import resource, subprocess, sys
        proc = subprocess.Popen({CLI!r} + sys.argv[1:], stdout=subprocess.PIPE)
        lines = 0
        while chunk := proc.stdout.read(1 << 20):
            lines += chunk.count(b"\\n")
        print(proc.wait(), lines, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    """)
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 10000000"
    out = subprocess.run([sys.executable, "-c", script, "sparql", query, "--format", "csv", "--no-reason"],
                         capture_output=True, text=True, timeout=1800, env=ENV)
    code, lines, max_rss_kb = (int(x) for x in out.stdout.split())
    assert code == 0, out.stderr
    assert lines == 10_000_001  # the header and 10^7 rows
    print(f"peak RSS for 10^7 rows: {max_rss_kb / 1024:.0f} MB")
    assert max_rss_kb < 400 * 1024


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f",
    "SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }",
], ids=["order-by", "count-distinct"])
def test_memory_limit_stops_a_runaway_query(query):
    """A query that would take GBs stops at --memory with exit 7 and one line on stderr, no traceback."""
    out = run("sparql", query, "--format", "csv", "--memory", "200", "--no-reason")
    assert out.returncode == 7, (out.returncode, out.stderr)
    assert out.stderr.strip().splitlines() == [
        "error: the query went past its memory limit of 200 MB and was stopped "
        "(raise --memory MB, or --memory 0 for no limit)"]
    assert out.stdout == ""


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_table_and_markdown_stop_at_their_cap(fmt):
    """The table and Markdown are collected first: they show 1,000 rows and say how to get all of them."""
    query = "SELECT ?a ?d WHERE { ?a a ?t . ?d a ?u }"  # IRIs and blank nodes only: one line per row

    def lines(out):
        assert out.returncode == 0, out.stderr
        return [line for line in out.stdout.splitlines() if line.strip()]

    out = run("sparql", query, "--format", fmt, "--no-reason")
    assert "cut at 1000 rows" in out.stderr and "--format csv" in out.stderr
    assert len(lines(out)) == 1002  # the header, the rule under it and 1,000 rows
    out = run("sparql", query, "--format", fmt, "--max-rows", "30", "--no-reason")
    assert len(lines(out)) == 32 and "cut at 30 rows" in out.stderr


def test_a_closed_pipe_ends_quietly():
    """Like other Unix tools, the command stops without a word and exit 0 when its reader goes away (``| head``)."""
    for args in (_sparql_cartesian(), _query_cartesian()):
        proc = subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
                                start_new_session=True)
        try:
            _read_lines(proc, 3)
            proc.stdout.close()
            assert proc.wait(timeout=PATIENCE) == 0
            assert proc.stderr.read() == b""
        finally:
            if proc.poll() is None:
                _stop(proc)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "table", "md"])
def test_streamed_named_query_prints_what_the_api_gives(kg, fmt):
    """A small answer streamed by `chiplet-kg query` is the text render_result gives for `kg.query` (labels and all)."""
    out = subprocess.run([*CLI, "query", "market-structure", "--lang", "zh", "--format", fmt, "--no-reason"],
                         capture_output=True, timeout=900, env=ENV)  # bytes: CSV's CRLF line ends are compared too
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode() == render_result(kg.query("market-structure", lang="zh"), fmt)


def _rows_of(text: str, fmt: str) -> list[tuple]:
    from rdflib import BNode
    from rdflib.query import Result

    def cell(v):  # blank node labels are made afresh when a process loads the graph
        return "" if v is None else "_:" if isinstance(v, BNode) else v.n3()

    result = Result.parse(io.BytesIO(text.encode()), format=fmt)
    return sorted(tuple(cell(v) for v in row) for row in result)


@pytest.mark.parametrize("fmt", ["json", "tsv"])
def test_rust_and_python_writers_give_the_same_rows(fmt):
    """Without a cap pyoxigraph writes the rows; with one, Python does: a reader gets the same terms either way."""
    query = "SELECT * WHERE { ?s ?p ?o }"
    whole = run("sparql", query, "--format", fmt, "--no-reason")
    capped = run("sparql", query, "--format", fmt, "--no-reason", "--max-rows", "1000000")
    assert whole.returncode == capped.returncode == 0
    assert "cut" not in capped.stderr
    rows = _rows_of(whole.stdout, fmt)
    assert len(rows) > 5000 and rows == _rows_of(capped.stdout, fmt)


def test_csv_blank_nodes_are_written_as_w3c_says():
    """W3C SPARQL CSV writes a blank node as ``_:label``, in both writers."""
    query = "SELECT ?x WHERE { ?x ?p ?o FILTER isBlank(?x) } LIMIT 3"
    for extra in ([], ["--max-rows", "100"]):
        out = run("sparql", query, "--format", "csv", "--no-reason", *extra)
        assert out.returncode == 0, out.stderr
        cells = [row[0] for row in _csv_rows(out.stdout)]
        assert cells and all(cell.startswith("_:") for cell in cells), cells


def test_unknown_queries_folder_is_a_clear_error(tmp_path):
    out = run("query", "every-triple-thrice", "--queries", str(tmp_path / "nowhere"), "--no-reason")
    assert out.returncode == 3 and "nowhere" in out.stderr and "Traceback" not in out.stderr


def test_defaults_depend_on_where_the_output_goes(monkeypatch):
    """On a terminal the table stops at 60 s and every format at 1,000 rows; into a pipe csv/tsv/json have no cap."""
    from chiplet_kg.cli import query_cmd

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert query_cmd._limits("table", None, None) == (1000, 60.0)
    assert query_cmd._limits("csv", None, None) == (1000, None)
    assert query_cmd._limits("csv", 0, 5.0) == (None, 5.0)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    assert query_cmd._limits("csv", None, None) == (None, None)
    assert query_cmd._limits("md", None, None) == (1000, None)
    assert query_cmd._limits("table", 0, None) == (None, None)
    assert query_cmd._limits("json", 25, None) == (25, None)


def test_memory_error_code_is_documented():
    from chiplet_kg.errors import EXIT_CODES, QueryMemoryError

    assert QueryMemoryError.exit_code == 7 and "memory" in EXIT_CODES[7]


def test_api_memory_limit(kg):
    """``kg.sparql(…, memory=MB)`` runs the query in a forked child under the limit: QueryMemoryError past it."""
    from chiplet_kg.errors import QueryMemoryError

    with pytest.raises(QueryMemoryError, match="memory limit of 200 MB"):
        kg.sparql("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f", memory=200)
    assert len(kg.sparql("SELECT * WHERE { ?s ?p ?o }", memory=200)) == len(kg.sparql("SELECT * WHERE { ?s ?p ?o }"))


def test_row_writer_formats_each_distinct_term_apart():
    """RowWriter formats a repeated value once; values Python or rdflib find equal but that print apart stay apart."""
    from rdflib import XSD, Literal

    from chiplet_kg.render import render_rows

    values = [True, 1, 1.0, Literal("x", lang="EN"), Literal("x", lang="en"), Literal("x"),
              Literal("x", datatype=XSD.token), ["a", "b"], "a; b", None]
    for fmt in ("csv", "tsv", "json"):
        together = render_rows(["v"], [{"v": v} for v in values] * 2, fmt)
        one_by_one = [render_rows(["v"], [{"v": v}], fmt) for v in values]
        if fmt == "json":
            cells = [json.loads(text)["results"]["bindings"][0] for text in one_by_one]
            assert json.loads(together)["results"]["bindings"] == cells * 2
        else:
            rows = [text.split("\n", 1)[1] for text in one_by_one]
            assert together.split("\n", 1)[1] == "".join(rows * 2)


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_the_query_process_ends_with_the_command():
    """`kill -9` of the command also ends its forked query process: a runaway query never outlives it."""
    import time

    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # billions of rows to count
    proc = subprocess.Popen([*CLI, "sparql", query, "--format", "csv", "--no-reason"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=ENV)
    children: list[int] = []
    try:
        for _ in range(PATIENCE * 10):
            children = _children(proc.pid)
            if children:
                break
            assert proc.poll() is None, proc.stderr.read()
            time.sleep(0.1)
        assert children, "no query process was started"
        proc.kill()
        proc.wait()
        for _ in range(PATIENCE * 10):
            if _state(children[0]) == "Z":  # gone, or a zombie waiting to be reaped: it runs no more
                break
            time.sleep(0.1)
        else:
            pytest.fail("the query process outlived the command")
    finally:
        for child in children:
            if _state(child) != "Z":  # only when the test failed
                os.kill(child, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_on_a_terminal_every_format_stops_at_1000_rows():
    """With a terminal as stdout, even CSV stops at 1,000 rows (and says so): the cap for reading on a screen."""
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen([*CLI, *_sparql_cartesian("csv")], stdout=follower, stderr=subprocess.PIPE, env=ENV,
                            start_new_session=True)
    os.close(follower)
    data = b""
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], PATIENCE)
            assert ready, "no output"
            try:
                chunk = os.read(leader, 1 << 16)
            except OSError:  # the other end closed: the command is done
                break
            if not chunk:
                break
            data += chunk
        assert proc.wait(timeout=PATIENCE) == 0
        assert "cut at 1000 rows" in proc.stderr.read().decode()
    finally:
        if proc.poll() is None:
            _stop(proc)
        os.close(leader)
    rows = list(csv.reader(io.StringIO(data.decode().replace("\r\n", "\n"))))
    assert len(rows) == 1001  # the header and 1,000 rows

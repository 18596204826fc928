"""The endpoint's limits on a real ``chiplet-kg serve``: idle and slow clients, the idle timeout, the row cap on a
cartesian query, the query timeout and memory limit (a worker stopped and replaced), request sizes, open files."""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .servers import children, chiplet_kg_server

IDLE_TIMEOUT = 2.0
MAX_ROWS = 100
WORKERS = 2
IDLE = 1000
CARTESIAN = "SELECT * WHERE {?a ?b ?c . ?d ?e ?f . ?g ?h ?i}"
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: Sorting the graph joined with itself (10^8 rows) needs gigabytes.
HUNGRY_QUERY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-limits")
    with chiplet_kg_server(folder, "--no-reason", "--timeout", "5", "--max-rows", str(MAX_ROWS), "--idle-timeout",
                           str(IDLE_TIMEOUT), "--workers", str(WORKERS)) as (base, proc):
        yield {"base": base, "port": int(base.rsplit(":", 1)[1]), "proc": proc, "log": folder / "serve.log"}


def fetch(url: str, *, data: bytes | None = None, headers: dict | None = None, timeout: float = 60):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def query(base: str, text: str, accept: str = "application/sparql-results+json"):
    return fetch(f"{base}/sparql", data=urllib.parse.urlencode({"query": text}).encode(),
                 headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})




def workers(proc) -> list[int]:
    """The query workers: the children of the server's one child, the zygote."""
    (zygote,) = children(proc.pid)
    return children(zygote)


def _closed_by_peer(sock: socket.socket) -> bool:
    """True once the server has closed ``sock`` (a read returns end of file or the connection was reset)."""
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


# ------------------------------------------------------------------ the row cap


def test_a_cartesian_query_returns_the_capped_rows(server):
    status, headers, body = query(server["base"], CARTESIAN)
    assert status == 200, body[:300]
    doc = json.loads(body)
    assert doc["head"]["vars"] == list("abcdefghi")
    assert len(doc["results"]["bindings"]) == MAX_ROWS
    assert all(len(b) == 9 for b in doc["results"]["bindings"])
    assert headers["X-SPARQL-MaxRows"] == str(MAX_ROWS) and headers["X-Chiplet-KG-Truncated"] == "true"
    status, headers, body = query(server["base"], CARTESIAN, "text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert status == 200 and rows[0] == list("abcdefghi") and len(rows) == MAX_ROWS + 1
    assert headers["X-Chiplet-KG-Truncated"] == "true"
    status, headers, body = query(server["base"], CARTESIAN, "application/sparql-results+xml")
    assert status == 200 and body.count(b"<result>") == MAX_ROWS and headers["X-Chiplet-KG-Truncated"] == "true"
    status, headers, body = query(server["base"], "SELECT * WHERE { ?s a ckg:Firm } LIMIT 5")
    assert len(json.loads(body)["results"]["bindings"]) == 5 and "X-Chiplet-KG-Truncated" not in headers


# ------------------------------------------------------------------ idle and slow clients


def test_idle_and_slow_clients_do_not_stop_a_query_and_idle_ones_are_closed(server):
    port = server["port"]
    idle = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(IDLE)]
    # Slow-header clients: a request line, then one header line every half second, longer than the idle timeout.
    stalled = []
    for _ in range(10):  # send half a request, then nothing
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
        stalled.append(s)
    trickle_answers: list[bytes] = []
    lock = threading.Lock()

    def trickle(n: int):
        s = socket.create_connection(("127.0.0.1", port), timeout=60)
        s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/csv\r\n")
        for i in range(int(IDLE_TIMEOUT * 2.5 / 0.5)):
            time.sleep(0.5)
            s.sendall(f"X-Slow-{n}-{i}: still here\r\n".encode())
        s.sendall(b"Connection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
        s.close()
        with lock:
            trickle_answers.append(data)

    slow = [threading.Thread(target=trickle, args=(n,)) for n in range(10)]
    for t in slow:
        t.start()
    try:
        # With 1,000 idle connections, 10 stalled and 10 slow ones open, a normal query is answered.
        status, _, body = query(server["base"], "ASK { ckgd:JCET ckg:basedIn ckgd:China }")
        assert status == 200 and json.loads(body)["boolean"] is True
        status, _, body = query(server["base"], "SELECT ?x WHERE { ?x a ckg:Firm } LIMIT 3", "text/csv")
        assert status == 200 and len(body.decode().splitlines()) == 4
        # The idle and the stalled connections are closed by the server after the idle timeout.
        deadline = time.monotonic() + 60
        open_ones = idle + stalled
        while open_ones and time.monotonic() < deadline:
            time.sleep(0.5)
            open_ones = [s for s in open_ones if not _closed_by_peer(s)]
        assert open_ones == [], f"{len(open_ones)} idle connections still open"
        # The slow clients, which kept sending, were answered once their request was complete.
        for t in slow:
            t.join(60)
        assert len(trickle_answers) == 10
        assert all(a.startswith(b"HTTP/1.1 200 ") and a.endswith(b"true\r\n") for a in trickle_answers), \
            trickle_answers[:2]
    finally:
        for s in idle + stalled:
            s.close()
    assert server["proc"].poll() is None


def test_the_soft_open_files_limit_is_raised(server):
    limits = Path(f"/proc/{server['proc'].pid}/limits").read_text()
    line = next(ln for ln in limits.splitlines() if ln.startswith("Max open files"))
    soft, hard = line.split()[3:5]
    assert soft == hard, line


# ------------------------------------------------------------------ time, memory, sizes


def test_a_query_past_the_timeout_is_stopped_and_its_worker_replaced(server):
    before = workers(server["proc"])
    assert len(before) == WORKERS
    status, headers, body = query(server["base"], SLOW_QUERY)
    assert status == 503 and b"ran longer than 5 s" in body and b"--timeout" in body
    assert headers["Retry-After"] == "0"
    after = workers(server["proc"])
    assert len(after) == WORKERS and len(set(after) - set(before)) == 1, (before, after)
    status, _, body = query(server["base"], "ASK { ?s ?p ?o }")
    assert status == 200 and json.loads(body)["boolean"] is True


@pytest.fixture(scope="module")
def small_memory(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-memory")
    with chiplet_kg_server(folder, "--no-reason", "--timeout", "120", "--max-memory", "300", "--workers", "1") as (
            base, proc):
        yield {"base": base, "proc": proc, "log": folder / "serve.log"}


def test_a_query_past_the_memory_limit_gets_503_and_a_new_worker(small_memory):
    before = workers(small_memory["proc"])
    status, _, body = query(small_memory["base"], HUNGRY_QUERY)
    text = body.decode("utf-8")
    assert status == 503 and text.startswith("error: ") and "memory" in text and "--max-memory" in text, text
    assert "300 MiB" in text and "Traceback" not in text
    status, _, body = query(small_memory["base"], "ASK { ckgd:JCET ckg:basedIn ckgd:China }")
    assert status == 200 and json.loads(body)["boolean"] is True
    after = workers(small_memory["proc"])
    assert len(after) == 1 and after != before
    assert "Traceback" not in small_memory["log"].read_text(errors="replace")


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(request)
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    return data


def test_request_size_caps(server):
    body = b"#" * (2 << 20)
    status, _, answer = fetch(f"{server['base']}/sparql", data=body,
                              headers={"Content-Type": "application/sparql-query"})
    assert status == 413 and answer.startswith(b"error: ") and b"larger than 1048576 bytes" in answer
    # A body past waitress's own cap (4 MiB) is refused before it is read in full.
    answer = _raw(server["port"], b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                                  b"Content-Length: 8388608\r\nConnection: close\r\n\r\n" + b"#" * 65536)
    assert re.match(rb"HTTP/1\.[01] 413 ", answer), answer[:200]
    # Headers past 256 KiB
    answer = _raw(server["port"], b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (300 << 10)
                  + b"\r\nConnection: close\r\n\r\n")
    assert re.match(rb"HTTP/1\.[01] 431 ", answer), answer[:200]
    # A long GET query (tens of KiB) still fits
    text = "SELECT ?x WHERE { VALUES ?x { " + " ".join(f'"v{i}"' for i in range(4000)) + " } } LIMIT 1"
    status, _, answer = fetch(f"{server['base']}/sparql?" + urllib.parse.urlencode({"query": text}),
                              headers={"Accept": "text/csv"})
    assert status == 200 and answer.decode().splitlines() == ["x", "v0"]


def test_requests_that_need_no_query_are_answered_while_every_worker_is_busy(server):
    """Waitress has a thread beyond the workers: the listing, the page and a refusal do not wait for a worker."""
    results = []
    slow = [threading.Thread(target=lambda: results.append(query(server["base"], SLOW_QUERY)[0]))
            for _ in range(WORKERS)]
    for t in slow:
        t.start()
    deadline = time.monotonic() + 30
    while _running(server["proc"]) < WORKERS and time.monotonic() < deadline:
        time.sleep(0.05)  # until every worker is running a slow query (an idle one sleeps, reading its socket)
    assert _running(server["proc"]) == WORKERS
    try:
        status, _, body = fetch(f"{server['base']}/queries")
        assert status == 200 and json.loads(body)["queries"]
        status, _, _ = fetch(f"{server['base']}/")
        assert status == 200
        status, _, body = fetch(f"{server['base']}/sparql", data=b"DROP ALL",
                                headers={"Content-Type": "application/sparql-update"})
        assert status == 403
        assert all(t.is_alive() for t in slow), "answered while the slow queries still held every worker"
    finally:
        for t in slow:
            t.join(60)
    assert results == [503] * WORKERS


def _running(proc) -> int:
    """How many workers are running (state R), not waiting for a job."""
    states = []
    for pid in workers(proc):
        try:
            states.append(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0])
        except OSError:
            pass
    return states.count("R")


def test_keep_alive_connections_serve_several_requests(server):
    conn = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=30)
    for _ in range(5):
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}),
                     headers={"Accept": "application/sparql-results+json"})
        resp = conn.getresponse()
        assert resp.status == 200 and json.loads(resp.read())["boolean"] is True
    conn.close()

"""The endpoint under load: 8 concurrent clients, 2,000 requests mixing cheap, expensive and malicious queries.

``chiplet-kg serve`` runs as a real process on 127.0.0.1 with a small ``--timeout``. Valid queries get 200 (never a
5xx); queries that would run for minutes are stopped at the timeout (or, for the one that sorts billions of rows,
at a worker's memory limit, whichever comes first) with 503 and a message; malicious requests
(updates, SERVICE, LOAD, oversized bodies, bad encodings, unknown methods …) get a 4xx. The server's memory
(resident set, read from /proc) stays bounded, no stopped query leaves a process behind, and the server still
answers afterwards. Throughput and latency percentiles are printed (for the README), not asserted.

The server runs its queries in ``WORKERS`` pre-forked worker processes (children of one zygote process, the
server's only child); a stopped query's worker is killed and replaced, so afterwards exactly that many workers are
left, none of them a zombie, and no other process.
"""

from __future__ import annotations

import http.client
import random
import statistics
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from .servers import children, chiplet_kg_server

CLIENTS = 8
REQUESTS = 2000
TIMEOUT = 5.0  # the server's --timeout, in seconds: cheap queries finish well inside it even on a busy 2-core machine
#: Generous bounds: the server holds the shipped graph (about 150 MB with Python, rdflib and pyoxigraph).
MAX_RSS_MB = 600
WORKERS = 4  # chiplet-kg serve's default --workers, given explicitly
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _q(text: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": text})


#: kind → list of (method, path, headers, body, expected statuses)
CHEAP = [
    ("GET", _q("ASK { ckgd:JCET ?p ?o }"), {}, None, {200}),
    ("GET", _q("SELECT ?firm ?name WHERE { ?firm ckg:basedIn ckgd:Netherlands ; rdfs:label ?name }"),
     {"Accept": "text/csv"}, None, {200}),
    ("GET", _q("SELECT * WHERE { ?s ?p ?o } LIMIT 50"), {"Accept": "application/sparql-results+json"}, None, {200}),
    ("GET", _q("CONSTRUCT { ckgd:JCET ?p ?o } WHERE { ckgd:JCET ?p ?o }"), {"Accept": "text/turtle"}, None, {200}),
    ("GET", _q("DESCRIBE ckgd:ASML"), {"Accept": "application/n-triples"}, None, {200}),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query", "Accept": "text/tab-separated-values"},
     b"SELECT ?c (COUNT(?f) AS ?n) WHERE { ?f ckg:basedIn ?c } GROUP BY ?c", {200}),
    ("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded",
                         "Accept": "application/sparql-results+xml"},
     urllib.parse.urlencode({"query": "SELECT ?x WHERE { ?x a ckg:Firm } LIMIT 20"}).encode(), {200}),
    ("GET", "/queries/entity-search?" + urllib.parse.urlencode({"text": "光刻"}), {}, None, {200}),
    ("GET", "/queries/dependency-suppliers?" + urllib.parse.urlencode({"item": "光刻胶", "lang": "zh"}),
     {"Accept": "text/csv"}, None, {200}),
    ("GET", "/queries/unaddressed-challenges", {}, None, {200}),
    ("GET", "/queries", {}, None, {200}),
    ("GET", "/", {}, None, {200}),
    ("HEAD", _q("ASK { ?s ?p ?o }"), {}, None, {200}),
]
EXPENSIVE = [
    ("GET", _q(RUNAWAY), {}, None, {503}),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query"},
     b"SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STR(?a) < STR(?d)) } ORDER BY ?i", {503}),
]
MALICIOUS = [
    ("POST", "/sparql", {"Content-Type": "application/sparql-update"}, b"DROP ALL", {403}),
    ("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"},
     urllib.parse.urlencode({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).encode(), {403}),
    ("GET", _q("LOAD <http://127.0.0.1:9/x.ttl>"), {}, None, {400, 403}),
    ("GET", _q("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"), {}, None, {400}),
    ("GET", _q("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"), {}, None, {400}),
    ("GET", _q("SELECT * WHERE { ?s ?p }"), {}, None, {400}),
    ("GET", _q("SELECT ?x WHERE { " + "{ " * 3000 + "?x ?p ?o" + " }" * 3000 + " }"), {}, None, {400}),
    ("GET", "/sparql?query=%00%ff%fe", {}, None, {400}),
    ("GET", _q("ASK {}") + "&default-graph-uri=http%3A%2F%2F127.0.0.1%3A9%2Fg", {}, None, {400}),
    ("GET", _q("ASK {}") + "&query=ASK%7B%7D", {}, None, {400}),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"\xff\xfe\x00garbage", {400}),
    ("POST", "/sparql", {"Content-Type": "text/plain"}, b"ASK {}", {415}),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"#" * (2 << 20), {413}),
    ("PUT", "/sparql", {"Content-Type": "text/turtle"}, b"<urn:a> <urn:b> <urn:c> .", {405}),
    ("DELETE", "/sparql", {}, None, {405}),
    ("GET", "/../../etc/passwd", {}, None, {404}),
    ("GET", "/queries/..%2F..%2Fetc%2Fpasswd", {}, None, {404}),
    ("GET", "/queries/describe-entity?entity=" + urllib.parse.quote('" } UNION { ?s ?p ?o } #'), {}, None, {400, 404}),
    ("GET", "/queries/market-structure?year=" + urllib.parse.quote("2021 } ; DROP ALL"), {}, None, {400}),
    ("GET", "/queries/entity-search?text=a&text=b", {}, None, {400}),
    ("GET", _q("ASK {}"), {"Accept": "image/png"}, None, {406}),
    ("GET", "/sparql?" + "&".join(f"k{i}=v" for i in range(500)), {}, None, {400}),
]


def _plan(seed: int = 2026) -> list[tuple[str, tuple]]:
    """The 2,000 requests, in a seeded random order: about 72 % cheap, 4 % expensive, 24 % malicious."""
    rng = random.Random(seed)
    plan = []
    for _ in range(REQUESTS):
        r = rng.random()
        kind = "expensive" if r < 0.04 else "malicious" if r < 0.28 else "cheap"
        plan.append((kind, rng.choice({"cheap": CHEAP, "expensive": EXPENSIVE, "malicious": MALICIOUS}[kind])))
    return plan


def _rss_mb(pid: int) -> tuple[float, float]:
    """Resident set and its peak (VmHWM) of ``pid``, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _process_tree(pid: int) -> dict[str, list]:
    """The server's children (the zygote) and grandchildren (the workers), with their states."""
    zygotes = children(pid, with_state=True)
    workers = [w for z, _ in zygotes for w in children(z, with_state=True)]
    return {"zygotes": zygotes, "workers": workers}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("load")
    with chiplet_kg_server(folder, "--timeout", str(TIMEOUT), "--no-reason", "--workers", str(WORKERS)) as (base, proc):
        yield {"port": int(base.rsplit(":", 1)[1]), "proc": proc, "log": folder / "serve.log"}


def _send(conn: http.client.HTTPConnection, request: tuple) -> tuple[int, bytes, float]:
    method, path, headers, body, _expected = request
    started = time.monotonic()
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, data, time.monotonic() - started


def test_endpoint_under_load(server):
    port, pid = server["port"], server["proc"].pid
    plan = _plan()
    results: list[tuple[str, tuple, int, bytes, float]] = []
    lock = threading.Lock()
    queue = list(enumerate(plan))
    rss_samples = []
    done = threading.Event()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if not queue:
                    break
                _, (kind, request) = queue.pop()
            try:
                status, data, seconds = _send(conn, request)
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status, data, seconds = _send(conn, request)
            with lock:
                results.append((kind, request, status, data, seconds))
        conn.close()

    def sample():
        while not done.is_set():
            rss_samples.append(_rss_mb(pid)[0])
            done.wait(0.25)

    rss_before = _rss_mb(pid)[0]
    tree_before = _process_tree(pid)
    assert len(tree_before["zygotes"]) == 1 and len(tree_before["workers"]) == WORKERS, tree_before
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(900)
    elapsed = time.monotonic() - started
    done.set()
    sampler.join()
    assert len(results) == REQUESTS, "a client stopped early"

    wrong = [(kind, req[0], req[1][:120], status, data[:200]) for kind, req, status, data, _ in results
             if status not in req[4]]
    assert wrong == [], wrong[:10]
    assert not [r for r in results if r[0] != "expensive" and r[2] >= 500]
    for kind, req, status, data, _ in results:
        if status == 503:  # stopped at the time limit, or (the sorting one) at a worker's memory limit first
            assert (b"ran longer than" in data and b"--timeout" in data) or b"--max-memory" in data, data
        elif status >= 400 and req[0] != "HEAD":
            assert data.startswith(b"error: ") and len(data) < 4000 and b"Traceback" not in data
    # memory stays bounded, and no stopped query is left running
    rss_after, peak = _rss_mb(pid)
    assert max(rss_samples + [peak]) < MAX_RSS_MB, (rss_before, max(rss_samples), peak)
    deadline = time.monotonic() + 30
    while len(_process_tree(pid)["workers"]) != WORKERS and time.monotonic() < deadline:
        time.sleep(0.2)
    tree = _process_tree(pid)
    assert [z for z, _ in tree["zygotes"]] == [z for z, _ in tree_before["zygotes"]], "the zygote was replaced"
    assert len(tree["workers"]) == WORKERS, f"query processes left behind or missing: {tree}"
    assert not [w for w in tree["workers"] if w[1] == "Z"], f"unreaped workers: {tree}"
    stopped = sum(1 for r in results if r[2] == 503)
    assert stopped == 0 or set(tree["workers"]) != set(tree_before["workers"]), "stopped workers were replaced"
    # the server still answers
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    status, data, _ = _send(conn, CHEAP[0])
    assert status == 200 and b"true" in data
    assert server["proc"].poll() is None

    def pct(values, p):
        values = sorted(values)
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000

    lines = [f"{REQUESTS} requests, {CLIENTS} clients, --timeout {TIMEOUT:g} s, --workers {WORKERS}: {elapsed:.1f} s, "
             f"{REQUESTS / elapsed:.0f} requests/s; server RSS {rss_before:.0f} MB before, "
             f"{max(rss_samples):.0f} MB at most during, {rss_after:.0f} MB after"]
    for kind in ("cheap", "expensive", "malicious", "all"):
        times = [r[4] for r in results if kind in ("all", r[0])]
        lines.append(f"{kind:>9}: n={len(times):4d}  p50 {pct(times, 50):7.1f} ms  p95 {pct(times, 95):7.1f} ms  "
                     f"p99 {pct(times, 99):7.1f} ms  mean {statistics.mean(times) * 1000:7.1f} ms")
    print("\n" + "\n".join(lines))

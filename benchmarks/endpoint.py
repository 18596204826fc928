"""The endpoint benchmark: ``chiplet-kg serve`` against ``oxigraph serve-read-only`` on the same graph, same run.

Both servers run on 127.0.0.1. Oxigraph gets the shipped graph as chiplet-kg's store holds it (asserted and inferred
triples, dumped to N-Quads, ``oxigraph load``, served with ``--union-default-graph`` so that its default graph is
what chiplet-kg queries). ``CLIENTS`` threads, each on one keep-alive connection, send the same request over and
over for a fixed number of requests; a few untimed requests warm each server first. For each query and server:
throughput (requests per second of wall time), p50/p95/p99 latency, and the ratios chiplet-kg ÷ Oxigraph.

The queries: a cheap SELECT (firms based in the Netherlands, with their labels), and one named query,
``market-structure`` (``/queries/market-structure`` on chiplet-kg; on Oxigraph the same SPARQL text with the same
``VALUES`` block that chiplet-kg binds, posted to ``/query``). The named query's answer on chiplet-kg also carries
the label columns chiplet-kg adds; Oxigraph's does not.

Example::

    python benchmarks/endpoint.py --requests 2000 --workers 4
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

__all__ = ["run_endpoint", "endpoint_lines", "endpoint_markdown", "CLIENTS"]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:  # the project's own server helpers (tests/servers.py), shared with the tests
    sys.path.insert(0, str(ROOT))

from tests.servers import free_port, stop, wait_until_up  # noqa: E402 - after the path is set
CLIENTS = 8
CHEAP = "SELECT ?firm ?name WHERE { ?firm ckg:basedIn ckgd:Netherlands ; rdfs:label ?name }"
NAMED = "market-structure"
ACCEPT = "application/sparql-results+json"


def _prologue() -> str:
    from chiplet_kg.namespace import PREFIXES

    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def _named_text(kg) -> tuple[str, dict]:
    """The named query's text as chiplet-kg runs it (parameters bound in a VALUES block), and its URL parameters."""
    from chiplet_kg.library import bind_params, get_query
    from chiplet_kg.sparql import with_bindings

    named = get_query(NAMED)
    params = {p.name: p.default for p in named.params if p.default}
    bindings = bind_params(named, params, kg, "en")
    return with_bindings(named.text, bindings), params


def _load(port: int, method: str, path: str, body: bytes | None, headers: dict, requests: int,
          clients: int) -> dict:
    """``requests`` requests from ``clients`` threads on keep-alive connections: throughput and percentiles."""
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    left = [requests]

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while True:
            with lock:
                if left[0] <= 0:
                    break
                left[0] -= 1
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                if resp.status != 200:
                    with lock:
                        errors.append(f"{resp.status} {data[:120]!r}")
            except (OSError, http.client.HTTPException) as err:
                with lock:
                    errors.append(f"{type(err).__name__}: {err}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            times.extend(mine)

    for _ in range(20):  # warm-up, untimed
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request(method, path, body=body, headers=headers)
        conn.getresponse().read()
        conn.close()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    times.sort()

    def pct(p):
        return times[min(len(times) - 1, int(round(p / 100 * (len(times) - 1))))] * 1000 if times else None

    return {"requests": len(times), "errors": len(errors), "first_error": errors[0] if errors else "",
            "wall": wall, "rps": len(times) / wall if wall else 0.0, "p50": pct(50), "p95": pct(95), "p99": pct(99),
            "mean": statistics.mean(times) * 1000 if times else None}


def run_endpoint(*, requests: int = 2000, clients: int = CLIENTS, workers: int = 4, workdir: Path | None = None,
                 log=sys.stderr) -> dict:
    """Start both servers on the shipped graph, load each with the two queries, stop them; every figure."""
    from chiplet_kg import ChipletKG

    oxigraph = shutil.which("oxigraph")
    if not oxigraph:
        return {"error": "the 'oxigraph' command (PyPI package oxigraph) is not installed"}
    workdir = Path(workdir or tempfile.mkdtemp(prefix="bench-endpoint-"))
    workdir.mkdir(parents=True, exist_ok=True)
    kg = ChipletKG()
    dump = workdir / "graph.nq"
    import pyoxigraph as ox

    kg.store.ox.dump(str(dump), format=ox.RdfFormat.N_QUADS)
    named_text, named_params = _named_text(kg)
    location = workdir / "oxigraph-db"
    shutil.rmtree(location, ignore_errors=True)
    subprocess.run([oxigraph, "load", "--location", str(location), "--file", str(dump)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    prologue = _prologue()
    result = {"clients": clients, "requests": requests, "workers": workers,
              "triples": len(kg.store), "queries": {"cheap SELECT": CHEAP, f"named: {NAMED}": named_text}, "runs": {}}
    json_accept = {"Accept": ACCEPT}
    form = {"Content-Type": "application/x-www-form-urlencoded", **json_accept}

    ox_port = free_port()
    ox_proc = subprocess.Popen([oxigraph, "serve-read-only", "--location", str(location), "--bind",
                                f"127.0.0.1:{ox_port}", "--union-default-graph"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ck_port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "PYTHONWARNINGS": "ignore"}
    ck_proc = subprocess.Popen([sys.executable, "-m", "chiplet_kg.cli.main", "serve", "--host", "127.0.0.1", "--port",
                                str(ck_port), "--workers", str(workers), "--timeout", "30"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        wait_until_up(f"http://127.0.0.1:{ox_port}/query?query=ASK%7B%7D", ox_proc, 60, "oxigraph serve-read-only")
        wait_until_up(f"http://127.0.0.1:{ck_port}/queries", ck_proc, 180, "chiplet-kg serve")
        plans = {
            "cheap SELECT": {
                "chiplet-kg": ("POST", "/sparql", urllib.parse.urlencode({"query": CHEAP}).encode(), form),
                "oxigraph": ("POST", "/query", urllib.parse.urlencode({"query": prologue + CHEAP}).encode(), form),
            },
            f"named: {NAMED}": {
                "chiplet-kg": ("GET", f"/queries/{NAMED}" + (
                    "?" + urllib.parse.urlencode(named_params) if named_params else ""), None, json_accept),
                "oxigraph": ("POST", "/query", urllib.parse.urlencode({"query": prologue + named_text}).encode(),
                             form),
            },
        }
        for name, sides in plans.items():
            result["runs"][name] = {}
            for server, (method, path, body, headers) in sides.items():
                port = ck_port if server == "chiplet-kg" else ox_port
                print(f"endpoint: {name} on {server} ({requests} requests, {clients} clients)", file=log, flush=True)
                result["runs"][name][server] = _load(port, method, path, body, headers, requests, clients)
    finally:
        stop(ck_proc)
        stop(ox_proc)
    return result


def _fmt(value, unit="") -> str:
    return "–" if value is None else f"{value:.1f}{unit}"


def endpoint_lines(result: dict) -> list[str]:
    """The figures as text lines: per query, both servers, and the ratios (goal: ≥ ⅓ throughput, p99 ≤ 3×)."""
    if "error" in result:
        return [f"endpoint benchmark not run: {result['error']}"]
    lines = [f"{result['clients']} loopback clients, {result['requests']} requests per query and server, "
             f"chiplet-kg with {result['workers']} workers, {result['triples']} triples"]
    for name, sides in result["runs"].items():
        ck, ox = sides["chiplet-kg"], sides["oxigraph"]
        for server, r in (("chiplet-kg", ck), ("oxigraph", ox)):
            lines.append(f"  {name:<28} {server:<10} {r['rps']:7.0f} req/s  p50 {_fmt(r['p50'], ' ms'):>9}  "
                         f"p95 {_fmt(r['p95'], ' ms'):>9}  p99 {_fmt(r['p99'], ' ms'):>9}"
                         + (f"  ({r['errors']} errors: {r['first_error']})" if r["errors"] else ""))
        share = ck["rps"] / ox["rps"] if ox["rps"] else 0
        p99 = ck["p99"] / ox["p99"] if ck["p99"] and ox["p99"] else float("nan")
        lines.append(f"  {name:<28} ratio      throughput {share:.2f} of Oxigraph's (goal ≥ 0.33: "
                     f"{'met' if share >= 1 / 3 else 'missed'}), p99 {p99:.1f}× (goal ≤ 3×: "
                     f"{'met' if p99 <= 3 else 'missed'})")
    return lines


def endpoint_markdown(result: dict) -> str:
    """The figures as a Markdown table."""
    if "error" in result:
        return f"Endpoint benchmark not run: {result['error']}\n"
    out = ["| query | server | requests/s | p50 | p95 | p99 | throughput ÷ Oxigraph | p99 ÷ Oxigraph |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, sides in result["runs"].items():
        ck, ox = sides["chiplet-kg"], sides["oxigraph"]
        share = ck["rps"] / ox["rps"] if ox["rps"] else 0
        p99 = ck["p99"] / ox["p99"] if ck["p99"] and ox["p99"] else float("nan")
        out.append(f"| {name} | chiplet-kg | {ck['rps']:.0f} | {_fmt(ck['p50'], ' ms')} | {_fmt(ck['p95'], ' ms')} | "
                   f"{_fmt(ck['p99'], ' ms')} | {share:.2f} | {p99:.1f}× |")
        out.append(f"| {name} | oxigraph | {ox['rps']:.0f} | {_fmt(ox['p50'], ' ms')} | {_fmt(ox['p95'], ' ms')} | "
                   f"{_fmt(ox['p99'], ' ms')} | | |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per query and server (default 2000)")
    parser.add_argument("--clients", type=int, default=CLIENTS, help=f"client threads (default {CLIENTS})")
    parser.add_argument("--workers", type=int, default=4, help="chiplet-kg serve --workers (default 4)")
    parser.add_argument("--workdir", default=None, help="where the N-Quads dump and Oxigraph's database go")
    args = parser.parse_args(argv)
    result = run_endpoint(requests=args.requests, clients=args.clients, workers=args.workers,
                          workdir=Path(args.workdir) if args.workdir else None)
    print("\n".join(endpoint_lines(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

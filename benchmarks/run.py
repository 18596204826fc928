"""Benchmarks: chiplet-kg against pyoxigraph used directly (the ceiling) and rdflib's in-memory graph (the floor).

For each size of the synthetic graph (``benchmarks/gen.py``), in one run: load time and peak memory, every named
query of the library, four query shapes as free SPARQL (a join, a transitive ``ckg:dependsOn+`` path, a GROUP BY
count, a NOT EXISTS), the network projection, ``analyze chokepoints`` and ``whatif``, and ``viz`` generation. Each
engine runs in a fresh subprocess, so one engine's memory does not pollute another's; each task runs in a forked
child that is killed at the time limit. The table gives absolute times and the ratio to the ceiling measured in the
same run (engine time / pyoxigraph time). Also the cold start of the command line (``query`` after a ``build``,
which leaves the store that ``query`` opens instead of parsing; ``--sizes ''`` measures only that), and the command
line end to end (``benchmarks/pipeline.py``: build cold, warm and with the ETO import, validate at 100k, each over
rdflib parsing the same files; ``--no-pipeline`` leaves it out), and the SPARQL endpoint (``benchmarks/endpoint.py``:
``chiplet-kg serve`` against ``oxigraph serve-read-only`` on the shipped graph, 8 loopback clients, a cheap SELECT and
a named query; ``--no-endpoint`` leaves it out, ``--endpoint-only`` runs only it).

The code is split by topic: ``plan.py`` (what to run), ``timing.py`` (repetitions, medians, a child's peak memory),
``workers.py`` (one process per engine, the cold start), ``browser.py`` (layout in headless Chromium),
``report.py`` (ratios, goals, tables) and ``pipeline.py`` (the command line end to end).

Example::

    python benchmarks/run.py                       # 10k and 100k triples
    python benchmarks/run.py --sizes 10k,100k,1M --markdown build/bench/results.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

# benchmarks/ is not a package: its modules import one another by name from this folder.
from gen import generate, parse_size  # noqa: E402
from pipeline import ROWS as PIPELINE_ROWS, pipeline_lines, pipeline_markdown, run_pipeline  # noqa: E402
from plan import ENGINES, SHAPES, make_plan  # noqa: E402
from report import render_markdown, render_text, versions  # noqa: E402
from browser import browser_stable  # noqa: E402
from endpoint import endpoint_lines, endpoint_markdown, run_endpoint  # noqa: E402
from workers import cold_start, run_worker, worker  # noqa: E402

__all__ = ["main", "SHAPES", "ENGINES"]


def bench_size(label: str, triples: int, args, workdir: Path, timed_out: dict) -> dict:
    data = workdir / f"synthetic-{label}.nt"
    meta = workdir / f"synthetic-{label}.json"
    summary = json.loads(meta.read_text(encoding="utf-8")) if meta.exists() and data.exists() else None
    if not summary or summary.get("seed") != args.seed or summary.get("requested") != triples:
        from dataclasses import asdict

        summary = asdict(generate(data, triples, args.seed))
        summary["requested"] = triples
        meta.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"{label}: {summary['triples']} synthetic triples in {data} ({sum(summary['entities'].values())} entities)",
          file=sys.stderr, flush=True)
    skip = set(args.skip or ())
    plan = make_plan(data, summary, args.limit, args.repeat, skip, timed_out)
    if args.browser:
        plan["pages_dir"] = str(workdir / f"pages-{label}")
        plan["pages_max_nodes"] = args.browser_max_nodes
        Path(plan["pages_dir"]).mkdir(exist_ok=True)
    plan_path = workdir / f"plan-{label}.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    result = {"size": label, "requested": triples, "synthetic_triples": summary["triples"], "limit": args.limit,
              "task_ids": [t["id"] for t in plan["tasks"]], "engines": {}, "load_runs": args.load_repeat,
              "entities": sum(summary["entities"].values())}
    budget = args.limit * (len(plan["tasks"]) * 2 + 10) + 600
    for engine in [e for e in ENGINES if e not in args.no_engine]:
        loads = []
        for i in range(args.load_repeat - 1):   # extra fresh processes that only load: the best load counts
            res = run_worker(engine, plan_path, workdir / f"out-{label}-{engine}-load{i}.json", True, budget)
            if res.get("load") is not None:
                loads.append(res["load"])
        res = run_worker(engine, plan_path, workdir / f"out-{label}-{engine}.json", False, budget)
        if res.get("load") is not None:
            res["load_runs"] = loads + [res["load"]]
            res["load"] = min(res["load_runs"])
        result["engines"][engine] = res
        for tid, t in res.get("tasks", {}).items():
            if t["status"] == "timeout" and tid not in timed_out.setdefault(engine, {}):
                timed_out[engine][tid] = label
    pages = result["engines"].get("chiplet-kg", {}).get("pages")
    if args.browser and pages:
        result["browser"] = dict(pages)
        if "error" not in pages:
            print(f"{label}: layout in headless Chromium ({pages['nodes']} nodes)", file=sys.stderr, flush=True)
            try:
                result["browser"]["stable"] = browser_stable(
                    {"chiplet-kg": Path(pages["chiplet-kg"]), "pyvis": Path(pages["pyvis"])}, args.browser_limit)
            except Exception as err:  # noqa: BLE001 - no browser, no driver: say so and go on
                result["browser"]["error"] = f"headless Chromium failed: {type(err).__name__}: {str(err).splitlines()[0]}"
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Example: python benchmarks/run.py --sizes 10k,100k --markdown build/bench/results.md")
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated sizes (default 10k,100k; add 1M to opt in)")
    parser.add_argument("--limit", type=float, default=30.0, help="seconds before a task is stopped (default 30)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs per task (default 3)")
    parser.add_argument("--load-repeat", type=int, default=3, help="best of this many fresh-process loads (default 3)")
    parser.add_argument("--cold-runs", type=int, default=7, help="median of this many cold starts (default 7; 0 skips)")
    parser.add_argument("--seed", type=int, default=8, help="seed of the synthetic graph (default 8)")
    parser.add_argument("--workdir", default=str(ROOT / "build" / "bench"), help="where the synthetic graphs go")
    parser.add_argument("--markdown", help="also write the tables as Markdown to this file")
    parser.add_argument("--json", dest="json_out", help="also write every figure as JSON to this file")
    parser.add_argument("--no-browser", dest="browser", action="store_false",
                        help="leave out the layout test in headless Chromium (chiplet-kg's view against pyvis)")
    parser.add_argument("--browser-limit", type=float, default=45.0,
                        help="seconds to wait for a page's layout to stabilise (default 45)")
    parser.add_argument("--browser-max-nodes", type=int, default=20000,
                        help="draw the overview in a browser only up to this many nodes (default 20000)")
    parser.add_argument("--skip", action="append", metavar="TASK", help="leave out a task (e.g. 'analyze chokepoints')")
    parser.add_argument("--no-engine", action="append", default=[], choices=ENGINES, help="leave out an engine")
    parser.add_argument("--no-pipeline", dest="pipeline", action="store_false",
                        help="leave out the command line end to end (build cold/warm/with ETO, validate at 100k)")
    parser.add_argument("--pipeline-only", action="append", choices=PIPELINE_ROWS, metavar="ROW",
                        help="run only this end-to-end row (repeatable): " + ", ".join(PIPELINE_ROWS))
    parser.add_argument("--pipeline-limit", type=float, default=1800.0,
                        help="seconds before an end-to-end command is stopped (default 1800)")
    parser.add_argument("--pipeline-runs", type=int, default=1,
                        help="median of this many runs per end-to-end row (default 1; the warm build: 3)")
    parser.add_argument("--no-endpoint", dest="endpoint", action="store_false",
                        help="leave out the endpoint benchmark (chiplet-kg serve against oxigraph serve-read-only)")
    parser.add_argument("--endpoint-only", action="store_true",
                        help="run only the endpoint benchmark (no sizes, cold start or end-to-end rows)")
    parser.add_argument("--endpoint-requests", type=int, default=2000,
                        help="requests per query and server in the endpoint benchmark (default 2000)")
    parser.add_argument("--endpoint-workers", type=int, default=4,
                        help="chiplet-kg serve --workers in the endpoint benchmark (default 4)")
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        plan = json.loads(Path(args.plan).read_text(encoding="utf-8"))
        result = worker(args.worker, plan, args.load_only)
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return 0

    sizes = [(s.strip(), parse_size(s)) for s in args.sizes.split(",") if s.strip()]
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if args.endpoint_only:
        sizes, args.cold_runs, args.pipeline, args.endpoint = [], 0, False, True
    started = time.perf_counter()
    report: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                    "versions": versions(), "sizes": [], "cold": []}
    if args.cold_runs:
        # A light query and the README's gap query, after a build (whose store `query` reuses).
        report["cold"] = cold_start(args.cold_runs, ["market-structure", "unaddressed-dependencies"], workdir)
    timed_out: dict = {}   # engine → task → the size at which it first ran over the limit
    for label, triples in sizes:
        report["sizes"].append(bench_size(label, triples, args, workdir, timed_out))
    report["pipeline"] = (run_pipeline(workdir, limit=args.pipeline_limit, runs=args.pipeline_runs, seed=args.seed,
                                       only=set(args.pipeline_only or ())) if args.pipeline else [])
    report["endpoint"] = (run_endpoint(requests=args.endpoint_requests, workers=args.endpoint_workers,
                                       workdir=workdir / "endpoint") if args.endpoint else None)
    report["seconds"] = time.perf_counter() - started

    out = [render_text(report, args)] if not args.endpoint_only else []
    if report["pipeline"]:
        out += ["", "the command line end to end, over rdflib parsing the same files in a fresh process (issue 16):"]
        out += ["  " + line for line in pipeline_lines(report["pipeline"])]
    if report["endpoint"]:
        out += ["", "the SPARQL endpoint, chiplet-kg serve over oxigraph serve-read-only (issue 17):"]
        out += ["  " + line for line in endpoint_lines(report["endpoint"])]
    print("\n".join(out))
    if args.markdown:
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        text = render_markdown(report, args)
        if report["pipeline"]:
            text += ("\n**The command line end to end** (wall time of a fresh process over rdflib parsing the same "
                     "files in a fresh process, same run):\n\n" + pipeline_markdown(report["pipeline"]) + "\n"
                     + "".join(f"- {line}\n" for line in pipeline_lines(report["pipeline"])))
        if report["endpoint"]:
            text += ("\n**The SPARQL endpoint** (`chiplet-kg serve` and `oxigraph serve-read-only` on the same graph, "
                     "same run):\n\n" + endpoint_markdown(report["endpoint"]))
        Path(args.markdown).write_text(text, encoding="utf-8")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0

if __name__ == "__main__":
    sys.exit(main())

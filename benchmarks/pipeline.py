"""The command line end to end: build (cold, warm, with the ETO import) and validate at 100k, over rdflib's parse.

Each figure is the wall time of the real ``chiplet-kg`` command in a fresh process divided by the wall time of a
fresh Python process that parses the same input files with rdflib, measured in the same run (so that a busy
machine moves both alike). The build with the ETO import also reports its peak memory: the process and its
children (HermiT's Java), sampled, and the largest single process's ``ru_maxrss``.

Example::

    python benchmarks/pipeline.py                       # every row, once
    python benchmarks/pipeline.py --only "build with ETO" --markdown build/bench/pipeline.md
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from gen import generate  # noqa: E402  (benchmarks/ is not a package)
from plan import builtin_files  # noqa: E402
from timing import measure_command, median_wall  # noqa: E402
from workers import console_script  # noqa: E402

__all__ = ["ROWS", "GOALS", "ETO_COPY", "ETO_TRIPLES", "run_pipeline", "pipeline_lines", "pipeline_markdown", "main"]

#: Where the real ETO Chip Explorer copy is kept (CC BY-NC: read at run time, never committed).
ETO_COPY = ROOT.parent / "shared" / "data" / "eto-chip-explorer"
#: Triples in the real import (``chiplet-kg import eto``, December 2026): the synthetic stand-in's size.
ETO_TRIPLES = 26_922
#: Each row: its goal as a ratio to rdflib's parse of the same files (issue 16), None where the issue sets none.
GOALS = {"build (shipped graph, cold)": None, "build (shipped graph, warm)": 2.0, "build with ETO": 10.0,
         "validate at 100k": 10.0}
ROWS = tuple(GOALS)
#: Peak memory goal of the build with the ETO import (issue 16), MB.
MEMORY_GOAL_MB = 300.0

_PARSE = ("import sys, rdflib\ng = rdflib.Graph()\nfor f in sys.argv[1:]:\n"
          "    g.parse(f, format='nt' if f.endswith('.nt') else 'turtle')\n")


def eto_data(workdir: Path, seed: int) -> tuple[Path, str]:
    """The ETO graph to build with: the real import when the copy is there, else a synthetic graph of its size."""
    if ETO_COPY.is_dir():
        out = workdir / "eto.ttl"
        done = subprocess.run(console_script() + ["import", "eto", str(ETO_COPY), "-o", str(out)],
                              capture_output=True, text=True, cwd=ROOT)
        if done.returncode == 0:
            return out, f"the real ETO import ({ETO_COPY})"
        print(f"import eto failed ({done.stderr.strip()[-200:]}); using a synthetic stand-in", file=sys.stderr)
    out = workdir / f"synthetic-eto-{ETO_TRIPLES}.nt"
    if not out.exists():
        generate(out, ETO_TRIPLES, seed)
    return out, f"a synthetic stand-in of the same size ({ETO_TRIPLES} triples, benchmarks/gen.py)"


def synthetic(workdir: Path, triples: int, label: str, seed: int) -> Path:
    """The synthetic graph of ``triples`` triples (kept in ``workdir`` and reused, as run.py does)."""
    out = workdir / f"synthetic-{label}.nt"
    meta = workdir / f"synthetic-{label}.json"
    summary = json.loads(meta.read_text(encoding="utf-8")) if meta.exists() and out.exists() else {}
    if summary.get("seed") != seed or summary.get("requested") != triples:
        from dataclasses import asdict

        summary = asdict(generate(out, triples, seed)) | {"requested": triples}
        meta.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return out


def _row(name: str, cmd: list[str], data: list[Path], note: str, *, runs: int, baseline_runs: int,
         limit: float, env: dict, prepare=None) -> dict:
    """One row: ``cmd`` (after ``prepare()``, untimed) against rdflib parsing the shipped files and ``data``."""
    print(f"pipeline: {name}: {' '.join(cmd[-6:])}", file=sys.stderr, flush=True)
    base = median_wall([sys.executable, "-c", _PARSE] + builtin_files() + [str(d) for d in data], baseline_runs,
                       timeout=limit, cwd=ROOT)
    results = []
    for _ in range(max(1, runs)):
        if prepare:
            prepare()
        got = measure_command(cmd, timeout=limit, env=env, cwd=ROOT)
        results.append(got)
        if got["status"] != "ok":
            break
    ok = [r for r in results if r["status"] == "ok"]
    walls = sorted(r["wall"] for r in ok)
    res = {"row": name, "note": note, "command": " ".join(["chiplet-kg"] + cmd[len(console_script()):]),
           "status": results[-1]["status"] if not ok else "ok", "runs": len(ok),
           "time": walls[len(walls) // 2] if walls else None, "limit": limit, "error": results[-1]["error"],
           "baseline": base["wall"] if base["status"] == "ok" else None,
           "tree_peak_mb": max(r["tree_peak_mb"] for r in results),
           "maxrss_mb": max(r["maxrss_mb"] or 0 for r in results)}
    print(f"  {_ratio_text(res)}", file=sys.stderr, flush=True)
    return res


def run_pipeline(workdir: Path, *, limit: float = 1800.0, runs: int = 1, baseline_runs: int = 3, seed: int = 8,
                 only: set[str] | None = None) -> list[dict]:
    """Every row of :data:`ROWS` (or those in ``only``); returns one result dict per row."""
    workdir.mkdir(parents=True, exist_ok=True)
    cli = console_script()
    out_rows = []

    def want(row):
        return not only or row in only

    def fresh_env(cache: Path) -> dict:
        return os.environ | {"CHIPLET_KG_CACHE": str(cache), "CHIPLET_KG_NO_PROGRESS": "1"}

    cache, out = workdir / "pipeline-cache", workdir / "pipeline-build"

    def empty():
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)

    build = cli + ["build", "--out", str(out)]
    if want("build (shipped graph, cold)") or want("build (shipped graph, warm)"):
        out_rows.append(_row("build (shipped graph, cold)", build, [], "empty build cache and output folder",
                             runs=runs, baseline_runs=baseline_runs, limit=limit, env=fresh_env(cache), prepare=empty))
        if want("build (shipped graph, warm)"):
            if out_rows[-1]["status"] != "ok":   # the warm build needs a finished cold one
                measure_command(build, timeout=limit, env=fresh_env(cache), cwd=ROOT)
            out_rows.append(_row("build (shipped graph, warm)", build, [], "nothing changed since the last build",
                                 runs=max(runs, 3), baseline_runs=baseline_runs, limit=limit, env=fresh_env(cache)))
        if not want("build (shipped graph, cold)"):
            out_rows = [r for r in out_rows if r["row"] != "build (shipped graph, cold)"]
    if want("build with ETO"):
        data, note = eto_data(workdir, seed)
        out_rows.append(_row("build with ETO", build + ["--data", str(data)], [data], note + "; empty build cache",
                             runs=runs, baseline_runs=baseline_runs, limit=limit, env=fresh_env(cache), prepare=empty))
    if want("validate at 100k"):
        data = synthetic(workdir, 100_000, "100k", seed)
        with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
            out_rows.append(_row("validate at 100k", cli + ["validate", "--data", str(data)], [data],
                                 "benchmarks/gen.py, 100k triples + the shipped graph; empty build cache",
                                 runs=runs, baseline_runs=baseline_runs, limit=limit, env=fresh_env(Path(tmp))))
    return out_rows


def _secs(value: float) -> str:
    return f"{value:.0f} s" if value >= 100 else f"{value:.1f} s"


def _ratio_text(r: dict) -> str:
    goal = GOALS.get(r["row"])
    if r["status"] == "timeout":
        ratio = f"> {r['limit'] / r['baseline']:.0f}×" if r["baseline"] else "?"
        verdict = f"{r['row']}: > {_secs(r['limit'])} (stopped), rdflib {_secs(r['baseline'] or 0)}: {ratio}"
        return verdict + (f" (goal ≤ {goal:g}×: missed)" if goal else "")
    if r["status"] != "ok" or not r["baseline"]:
        return f"{r['row']}: {r['status']}: {r['error']}"
    x = r["time"] / r["baseline"]
    text = f"{r['row']}: {_secs(r['time'])} / rdflib {_secs(r['baseline'])} = {x:.1f}×"
    if goal:
        text += f" (goal ≤ {goal:g}×: {'met' if x <= goal else 'missed'})"
    return text


def pipeline_lines(rows: list[dict]) -> list[str]:
    """The rows as text lines, each with its goal, then the ETO build's peak memory against its goal."""
    lines = [_ratio_text(r) for r in rows]
    for r in rows:
        if r["row"] == "build with ETO" and r["tree_peak_mb"]:
            lines.append(f"build with ETO: peak memory {r['tree_peak_mb']:.0f} MB, process and children together "
                         f"(largest single process {r['maxrss_mb']:.0f} MB) (goal ≤ {MEMORY_GOAL_MB:.0f} MB: "
                         f"{'met' if r['tree_peak_mb'] <= MEMORY_GOAL_MB else 'missed'})")
    return lines


def pipeline_markdown(rows: list[dict]) -> str:
    """The rows as a Markdown table (command, input, time, rdflib, ratio, goal, peak memory)."""
    out = ["| row | chiplet-kg | rdflib parse | ratio | goal | peak memory (tree / largest process) | input |",
           "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        goal = GOALS.get(r["row"])
        took = (f"> {_secs(r['limit'])}" if r["status"] == "timeout" else _secs(r["time"]) if r["time"] else r["status"])
        ratio = (f"{r['time'] / r['baseline']:.1f}×" if r["time"] and r["baseline"] else
                 f"> {r['limit'] / r['baseline']:.0f}×" if r["status"] == "timeout" and r["baseline"] else "")
        mem = f"{r['tree_peak_mb']:.0f} / {r['maxrss_mb']:.0f} MB" if r["tree_peak_mb"] else ""
        out.append(f"| {r['row']} | {took} | {_secs(r['baseline']) if r['baseline'] else ''} | {ratio} | "
                   f"{f'≤ {goal:g}×' if goal else ''} | {mem} | {r['note']} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=ROWS, help="run only this row (repeatable)")
    parser.add_argument("--limit", type=float, default=1800.0, help="seconds before a command is stopped (default 1800)")
    parser.add_argument("--runs", type=int, default=1, help="median of this many runs per row (default 1; warm: 3)")
    parser.add_argument("--baseline-runs", type=int, default=3, help="median of this many rdflib parses (default 3)")
    parser.add_argument("--seed", type=int, default=8, help="seed of the synthetic graphs (default 8)")
    parser.add_argument("--workdir", default=str(ROOT / "build" / "bench"), help="where inputs and builds go")
    parser.add_argument("--markdown", help="also write the table as Markdown to this file")
    parser.add_argument("--json", dest="json_out", help="also write every figure as JSON to this file")
    args = parser.parse_args(argv)
    rows = run_pipeline(Path(args.workdir), limit=args.limit, runs=args.runs, baseline_runs=args.baseline_runs,
                        seed=args.seed, only=set(args.only or ()))
    print("\n".join(pipeline_lines(rows)))
    if args.markdown:
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown).write_text(pipeline_markdown(rows), encoding="utf-8")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmarks: chiplet-kg against pyoxigraph used directly (the ceiling) and rdflib's in-memory graph (the floor).

For each size of the synthetic graph (``benchmarks/gen.py``), in one run: load time and peak memory, every named
query of the library, four query shapes as free SPARQL (a join, a transitive ``ckg:dependsOn+`` path, a GROUP BY
count, a NOT EXISTS), the network projection, ``analyze chokepoints`` and ``whatif``, and ``viz`` generation. Each
engine runs in a fresh subprocess, so one engine's memory does not pollute another's; each task runs in a forked
child that is killed at the time limit. The table gives absolute times and the ratio to the ceiling measured in the
same run (engine time / pyoxigraph time). Also the cold start of the command line (``query`` after a ``build``,
which leaves the store that ``query`` opens instead of parsing; ``--sizes ''`` measures only that).

Example::

    python benchmarks/run.py                       # 10k and 100k triples
    python benchmarks/run.py --sizes 10k,100k,1M --markdown build/bench/results.md
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from gen import generate, parse_size  # noqa: E402  (benchmarks/ is not a package)

__all__ = ["main", "SHAPES", "ENGINES"]

ENGINES = ("pyoxigraph", "chiplet-kg", "rdflib")
#: A run that takes longer than this is not repeated (the timing is then one run, not the best of several).
REPEAT_UNDER = 5.0

#: The four query shapes of the issue, as free SPARQL over the synthetic graph (prefixes as the CLI predeclares).
SHAPES = {
    "join": """SELECT ?item ?class ?firm ?country ?code WHERE {
    ?item ckg:suppliedBy ?firm .
    ?firm ckg:basedIn ?country .
    ?country ckg:isoAlpha3 ?code .
    ?item a ?class .
}""",
    "transitive path": """SELECT DISTINCT ?technology ?dependency WHERE {
    ?technology a ckg:PackagingArchitecture ;
                ckg:dependsOn+ ?dependency .
}""",
    "group count": """SELECT ?country (COUNT(DISTINCT ?item) AS ?items) (COUNT(DISTINCT ?firm) AS ?firms) WHERE {
    ?item ckg:suppliedBy ?firm .
    ?firm ckg:basedIn ?country .
}
GROUP BY ?country
ORDER BY DESC(?items) ?country""",
    "not exists": """SELECT ?item WHERE {
    ?item a ?class .
    ?class rdfs:subClassOf* ckg:SupplyChainItem .
    FILTER NOT EXISTS { ?policy ckg:addresses ?item }
    FILTER NOT EXISTS { ?bottleneck ckg:concerns ?item }
}""",
}

#: Which example entity of the synthetic graph each query parameter takes.
PARAM_EXAMPLES = {"item": "item", "technology": "technology", "country": "country", "policy": "policy",
                  "entity": "firm", "text": "text", "year": "year"}

#: Argument relations that make up the supply network of ``analyze chokepoints`` (needs, kinds, suppliers, countries).
_SUPPLY_EDGES = """SELECT ?u ?v WHERE {
    { ?u ckg:dependsOn|ckg:usesTechnology|ckg:isTypeOf|ckg:suppliedBy ?v }
    UNION { ?u ckg:basedIn ?v . ?item ckg:suppliedBy ?u }
}"""
_NEEDS_EDGES = "SELECT ?u ?v WHERE { ?u ckg:dependsOn|ckg:usesTechnology ?v }"
_SUPPLIER_EDGES = "SELECT ?i ?f WHERE { ?i ckg:suppliedBy ?f }"
_PROJECTION_NODES = """SELECT ?e ?class ?en ?zh WHERE {
    ?e a ?class . ?class rdfs:subClassOf* ckg:Entity .
    OPTIONAL { ?e rdfs:label ?en FILTER(LANG(?en) = "en") }
    OPTIONAL { ?e rdfs:label ?zh FILTER(LANG(?zh) = "zh") }
}"""
_PROJECTION_EDGES = """SELECT ?s ?p ?o WHERE {
    ?p ckg:carriesArgument true .
    ?s ?p ?o .
    FILTER(isIRI(?o))
}"""


# ====================================================================== the plan (built in the parent)

def builtin_files() -> list[str]:
    """The shipped ontology and graph data, in the order ChipletKG loads them."""
    from chiplet_kg.kg import ChipletKG

    return [str(p) for p in ChipletKG.ontology_files(ROOT)] + [str(p) for p in sorted((ROOT / "graph_data").glob("*.ttl"))]


def make_plan(data: Path, summary: dict, limit: float, repeat: int, skip: set[str], timed_out: dict) -> dict:
    """Every task with the exact text each engine runs: named queries (with their parameters bound) and shapes."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from chiplet_kg.library import load_library
    from chiplet_kg.sparql import sparql_iri, with_bindings, with_prefixes

    examples = summary["examples"]
    tasks = []
    for name, named in load_library().items():
        params, bindings = {}, {}
        for p in named.params:
            if not p.required:
                continue   # the query's 'all' form: the heavier and the more common one
            value = examples[PARAM_EXAMPLES[p.name]]
            params[p.name] = value
            bindings[p.name] = (URIRef(value) if p.kind == "entity" else
                                Literal(int(value), datatype=XSD.integer) if p.kind == "number" else Literal(value))
        if "?lang" in named.text:
            bindings["lang"] = Literal("en")
        tasks.append({"id": f"query {name}", "kind": "named", "name": name, "params": params,
                      "text": with_prefixes(with_bindings(named.text, bindings))})
    for shape, text in SHAPES.items():
        tasks.append({"id": f"shape: {shape}", "kind": "sparql", "sparql": text, "text": with_prefixes(text)})
    for task in ("projection", "analyze chokepoints", "analyze whatif", "viz overview"):
        tasks.append({"id": task, "kind": task.split()[0]})
    tasks = [t for t in tasks if t["id"] not in skip]
    return {"data": str(data), "builtin": builtin_files(), "examples": examples, "limit": limit, "repeat": repeat,
            "timed_out": timed_out,
            "tasks": tasks, "supply_edges": with_prefixes(_SUPPLY_EDGES), "needs_edges": with_prefixes(_NEEDS_EDGES),
            "supplier_edges": with_prefixes(_SUPPLIER_EDGES),
            "country_firms": with_prefixes(f"SELECT ?f WHERE {{ ?f ckg:basedIn {sparql_iri(examples['country'])} }}"),
            "projection_nodes": with_prefixes(_PROJECTION_NODES), "projection_edges": with_prefixes(_PROJECTION_EDGES)}


# ====================================================================== timing one task in a forked child

def _child(conn, fn, repeat):  # runs in the forked child
    try:
        total = 0.0
        for _ in range(repeat):
            start = time.perf_counter()
            rows = fn()
            took = time.perf_counter() - start
            total += took
            conn.send(("time", took, rows))
            if took > REPEAT_UNDER or total > 2 * REPEAT_UNDER:
                break
        conn.send(("done", None, None))
    except BaseException as err:  # noqa: BLE001 - hand every failure back
        conn.send(("error", f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}", None))
    finally:
        conn.close()
        os._exit(0)


def timed(fn, limit: float, repeat: int) -> dict:
    """Best of up to ``repeat`` runs of ``fn`` (fewer when a run is slow), in a forked child killed after ``limit`` s."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, repeat), daemon=True)
    proc.start()
    child.close()
    times, rows, status, error = [], None, "ok", ""
    try:
        while True:
            if not parent.poll(limit):
                status = "timeout"
                break
            try:
                what, value, n = parent.recv()
            except EOFError:
                status, error = "error", "the child ended without an answer (out of memory?)"
                break
            if what == "time":
                times.append(value)
                rows = n
            elif what == "error":
                status, error = "error", value
                break
            else:
                break
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(10)
        parent.close()
    if times and status == "timeout":
        status = "ok"   # a repetition ran over; the runs that finished count
    return {"status": status, "best": min(times) if times else None, "runs": len(times), "rows": rows,
            "error": error}


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ====================================================================== the workers (one fresh process per engine)

def _format_of(path: str):
    import pyoxigraph as ox

    return ox.RdfFormat.TURTLE if path.endswith(".ttl") else ox.RdfFormat.N_TRIPLES


def _nx_projection(nodes, edges):
    """A networkx multi-digraph of entities and argument relations from (entity, class, en, zh) and (s, p, o) rows."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for e, cls, en, zh in nodes:
        if e in g:
            continue
        g.add_node(e, **{"class": cls}, label_en=en or e, label_zh=zh or en or e)
    for s, p, o in edges:
        if s in g and o in g:
            g.add_edge(s, o, key=p, predicate=p)
    return g


def _chokepoint_core(supply):
    """The networkx work at the heart of chokepoints: betweenness and articulation points of the supply network."""
    import networkx as nx

    between = nx.betweenness_centrality(supply, normalized=True)
    und = supply.to_undirected()
    arts = list(nx.articulation_points(und))
    return len(between) + len(arts)


def _whatif_core(needs, suppliers, removed_firms):
    """Items that lose every supplier, then everything that (transitively) needs them: nx.ancestors per cut item."""
    import networkx as nx

    cut = [item for item, firms in suppliers.items() if firms and firms <= removed_firms]
    blocked = set()
    for item in cut:
        if item in needs and item not in blocked:
            blocked |= nx.ancestors(needs, item)
    return len(cut) + len(blocked)


def _payload_page(g, vis_js: str) -> int:
    """The least any view must do: the nodes and edges as JSON in a page with vis-network inlined."""
    nodes = [{"id": n, "label": d.get("label_en", n), "group": d.get("class", ""), "title": d.get("label_zh", "")}
             for n, d in g.nodes(data=True)]
    edges = [{"from": u, "to": v, "label": k} for u, v, k in g.edges(keys=True)]
    payload = json.dumps({"nodes": nodes, "edges": edges}, ensure_ascii=False).replace("</", "<\\/")
    html = f"<!DOCTYPE html><html><head><meta charset='utf-8'><script>{vis_js}</script></head><body>" \
           f"<div id='net'></div><script>var data={payload};new vis.Network(document.getElementById('net')," \
           f"{{nodes:new vis.DataSet(data.nodes),edges:new vis.DataSet(data.edges)}},{{}});</script></body></html>"
    return len(html)


def worker(engine: str, plan: dict, load_only: bool = False) -> dict:
    """Load the graph with ``engine``, then time every task; returns the results (written as JSON by main)."""
    limit, repeat = plan["limit"], plan["repeat"]
    files = plan["builtin"] + [plan["data"]]
    out: dict = {"engine": engine, "tasks": {}}
    if engine == "pyoxigraph":
        import pyoxigraph as ox

        out["rss_before_load_mb"] = peak_rss_mb()
        start = time.perf_counter()
        store = ox.Store()
        for f in files:
            store.bulk_load(path=f, format=_format_of(f), base_iri=Path(f).resolve().as_uri())
        out["load"] = time.perf_counter() - start
        out["triples"] = len(store)

        def select(text):
            result = store.query(text)
            names = [v.value for v in result.variables]
            return [[s[v] for v in names] for s in result]

        runners = {"named": lambda t: (lambda: len(select(t["text"]))),
                   "sparql": lambda t: (lambda: len(select(t["text"])))}
    elif engine == "chiplet-kg":
        from chiplet_kg import ChipletKG

        out["rss_before_load_mb"] = peak_rss_mb()
        start = time.perf_counter()
        kg = ChipletKG(data=(plan["data"],), builtin=True, reason=False)  # as loaded: the ceiling does not reason either
        parsed = time.perf_counter()
        kg.store   # the query store (the one the files were loaded into): what `chiplet-kg query` pays before answering
        out["load"] = time.perf_counter() - start
        out["load_parts"] = {"ChipletKG() (files into the pyoxigraph store)": parsed - start,
                             "kg.store": out["load"] - (parsed - start)}
        out["triples"] = len(kg)
        runners = {"named": lambda t: (lambda: len(kg.query(t["name"], **t["params"]))),
                   "sparql": lambda t: (lambda: len(kg.sparql(t["sparql"])))}
    else:
        import rdflib

        out["rss_before_load_mb"] = peak_rss_mb()
        start = time.perf_counter()
        graph = rdflib.Graph()
        for f in files:
            graph.parse(f, format="turtle" if f.endswith(".ttl") else "nt")
        out["load"] = time.perf_counter() - start
        out["triples"] = len(graph)

        def select(text):
            return len(list(graph.query(text)))

        runners = {"named": lambda t: (lambda: select(t["text"])), "sparql": lambda t: (lambda: select(t["text"]))}
    out["peak_rss_mb"] = peak_rss_mb()
    if load_only:
        return out

    # Warm up what every query uses once (parsers, grammars) in this process, so forked children start warm.
    warm = {"sparql": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "kind": "sparql", "text": "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
            "name": "idle-policies", "params": {}}
    runners["sparql"](warm)()
    if engine == "chiplet-kg":
        runners["named"](warm)()

    graph_tasks = _graph_tasks(engine, plan, {"kg": kg} if engine == "chiplet-kg" else
                               {"store": store} if engine == "pyoxigraph" else {"graph": graph})
    earlier = plan.get("timed_out", {}).get(engine, {})
    for task in plan["tasks"]:
        kind = task["kind"]
        if task["id"] in earlier:   # ran over the limit at a smaller size: it would again
            out["tasks"][task["id"]] = {"status": "timeout", "best": None, "runs": 0, "rows": None,
                                        "error": f"not run: over the limit at {earlier[task['id']]}"}
        elif kind in runners:
            out["tasks"][task["id"]] = timed(runners[kind](task), limit, repeat)
        else:
            out["tasks"][task["id"]] = graph_tasks(task)
        print(f"  {engine:<10} {task['id']:<40} {_show(out['tasks'][task['id']], limit)}", file=sys.stderr, flush=True)
    if engine == "chiplet-kg" and plan.get("pages_dir"):
        try:
            out["pages"] = _write_pages(kg, plan)
        except Exception as err:  # noqa: BLE001 - the layout test is extra: say why and keep the figures
            out["pages"] = {"error": f"pages not written: {type(err).__name__}: {err}"}
    return out


def _write_pages(kg, plan: dict) -> dict:
    """The overview page of chiplet-kg and a pyvis page of the same graph, for the layout test in Chromium."""
    try:
        from chiplet_kg.network import project
        from chiplet_kg.views import render_view
    except ImportError as err:
        return {"error": f"views not there ({err})"}
    g = project(kg)
    if g.number_of_nodes() > plan["pages_max_nodes"]:
        return {"error": f"{g.number_of_nodes()} nodes: more than {plan['pages_max_nodes']}, not drawn in a browser",
                "nodes": g.number_of_nodes()}
    folder = Path(plan["pages_dir"])
    ours, theirs = folder / "chiplet-kg-overview.html", folder / "pyvis-overview.html"
    ours.write_text(render_view(g, "overview"), encoding="utf-8")
    return {"chiplet-kg": str(ours), "pyvis": str(theirs), "pyvis_seconds": _pyvis_page(g, theirs),
            "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}


def _graph_tasks(engine: str, plan: dict, env: dict):
    """Projection, analyses and views for ``engine``; returns a function task → result."""
    limit, repeat = plan["limit"], plan["repeat"]
    country = plan["examples"]["country"]
    state: dict = {}

    def missing(why):
        return {"status": "skipped", "best": None, "runs": 0, "rows": None, "error": why}

    if engine == "chiplet-kg":
        kg = env["kg"]
        try:
            from chiplet_kg.network import project
        except ImportError as err:
            note = f"chiplet_kg.network is not there ({err})"
            return lambda task: missing(note)

        def run(task):
            kind, tid = task["kind"], task["id"]
            if kind == "projection":
                start = time.perf_counter()
                state["g"] = project(kg)   # run once in this process: the analyses and views need it
                return {"status": "ok", "best": time.perf_counter() - start, "runs": 1, "rows": state["g"].number_of_nodes(),
                        "error": "", "edges": state["g"].number_of_edges()}
            if "g" not in state:
                return missing("no projection")
            g = state["g"]
            try:
                if tid == "analyze chokepoints":
                    from chiplet_kg.analyze.chokepoints import chokepoints

                    return timed(lambda: len(chokepoints(g)), limit, repeat)
                if tid == "analyze whatif":
                    from chiplet_kg.analyze.whatif import whatif

                    return timed(lambda: len(whatif(g, [country])), limit, repeat)
                if tid == "viz overview":
                    from chiplet_kg.views import render_view

                    return timed(lambda: len(render_view(g, "overview")), limit, repeat)
            except ImportError as err:
                return missing(f"module not there ({err})")
            return missing("unknown task")

        return run

    if engine == "pyoxigraph":
        store = env["store"]

        def rows(text):
            result = store.query(text)
            names = [v.value for v in result.variables]
            return [tuple(s[v].value if s[v] is not None else None for v in names) for s in result]

        def run(task):
            kind, tid = task["kind"], task["id"]
            if kind == "projection":
                start = time.perf_counter()
                state["g"] = _nx_projection(rows(plan["projection_nodes"]), rows(plan["projection_edges"]))
                return {"status": "ok", "best": time.perf_counter() - start, "runs": 1, "rows": state["g"].number_of_nodes(),
                        "error": "", "edges": state["g"].number_of_edges()}
            if "supply" not in state:   # built once, untimed: the ceiling is the networkx algorithm itself
                import networkx as nx

                state["supply"] = nx.DiGraph(rows(plan["supply_edges"]))
                state["needs"] = nx.DiGraph(rows(plan["needs_edges"]))
                suppliers: dict = {}
                for item, firm in rows(plan["supplier_edges"]):
                    suppliers.setdefault(item, set()).add(firm)
                state["suppliers"] = suppliers
                state["removed"] = {f for (f,) in rows(plan["country_firms"])}
            if tid == "analyze chokepoints":
                return timed(lambda: _chokepoint_core(state["supply"]), limit, repeat)
            if tid == "analyze whatif":
                return timed(lambda: _whatif_core(state["needs"], state["suppliers"], state["removed"]), limit, repeat)
            if tid == "viz overview":
                if "g" not in state:
                    return missing("no projection")
                vis = ROOT / "chiplet_kg" / "views" / "static" / "vis-network.min.js"
                vis_js = vis.read_text(encoding="utf-8") if vis.exists() else ""
                return timed(lambda: _payload_page(state["g"], vis_js), limit, repeat)
            return missing("unknown task")

        return run

    graph = env["graph"]

    def run(task):
        if task["kind"] == "projection":
            def project():
                nodes = [tuple(str(x) if x is not None else None for x in r) for r in graph.query(plan["projection_nodes"])]
                edges = [tuple(str(x) for x in r) for r in graph.query(plan["projection_edges"])]
                return _nx_projection(nodes, edges).number_of_nodes()

            return timed(project, limit, repeat)
        return missing("n/a: the same networkx algorithm as the ceiling")

    return run


# ====================================================================== layout in headless Chromium

#: Injected before any script of the page: wraps vis.Network so that the first "stabilized" and
#: "stabilizationIterationsDone" events are timed (performance.now(), ms since navigation started).
_HOOK = r"""
window.__stab = {};
(function () {
  function wrap(N) {
    if (!N || N.__timed) { return N; }
    function Timed(c, d, o) {
      var net = new N(c, d, o);
      window.__stab.created = performance.now();
      ["stabilized", "stabilizationIterationsDone"].forEach(function (ev) {
        net.on(ev, function () { if (!(ev in window.__stab)) { window.__stab[ev] = performance.now(); } });
      });
      return net;
    }
    Timed.prototype = N.prototype;
    Timed.__timed = true;
    return Timed;
  }
  function hook(obj) {
    if (!obj || (typeof obj !== "object" && typeof obj !== "function")) { return; }
    var current = obj.Network ? wrap(obj.Network) : undefined;
    try {
      Object.defineProperty(obj, "Network", { configurable: true, enumerable: true,
        get: function () { return current; }, set: function (N) { current = wrap(N); } });
    } catch (e) { window.__stab.error = String(e); }
  }
  var vis;
  Object.defineProperty(window, "vis", { configurable: true, enumerable: true,
    get: function () { return vis; }, set: function (v) { vis = v; hook(v); } });
})();
"""


def browser_stable(pages: dict[str, Path], limit: float) -> dict:
    """Seconds from navigation to the first ``stabilized`` event of each page's network in headless Chromium.

    Also the ``stabilizationIterationsDone`` time, and (for chiplet-kg's pages) the moment the page marks itself
    ready (``data-ready``: laid out and frozen). Each page gets ``limit`` seconds, and a later page at least six
    times what the first needed to settle (so that "5× sooner" can be told from "not within the limit").
    """
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"):
        opts.add_argument(flag)
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary:
        opts.binary_location = binary
    driver_path = shutil.which("chromedriver")
    driver = webdriver.Chrome(options=opts, service=Service(driver_path) if driver_path else None)
    results = {}
    try:
        driver.set_page_load_timeout(limit)
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["http://*", "https://*"]})   # offline, fail fast
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _HOOK})
        wait = limit
        for name, path in pages.items():
            driver.set_script_timeout(wait)
            driver.get("about:blank")
            deadline = time.perf_counter() + wait
            try:
                driver.get(path.resolve().as_uri())
            except TimeoutException:
                pass   # the layout keeps the page busy: the times are recorded inside the page all the same
            seen: dict = {}
            while time.perf_counter() < deadline:
                try:   # waits while the page's own script runs (a stabilisation batch blocks the main thread)
                    seen = driver.execute_script(
                        "var s = Object.assign({}, window.__stab || {});"
                        "if (document.body && document.body.getAttribute('data-ready') === 'true' && !window.__ready)"
                        " { window.__ready = performance.now(); }"
                        "if (window.__ready) { s.ready = window.__ready; } return s;")
                except TimeoutException:
                    break
                if "stabilized" in seen and ("ready" in seen or "chiplet" not in name):
                    break
                time.sleep(0.1)
            results[name] = {k: (v / 1000 if isinstance(v, (int, float)) else v) for k, v in seen.items()}
            results[name]["waited"] = wait
            settled = results[name].get("ready", results[name].get("stabilized"))
            if settled and name == next(iter(pages)):
                wait = max(limit, 6 * settled)
    finally:
        driver.quit()
    return results


def _pyvis_page(g, path: Path) -> float:
    """pyvis with its default physics on the same nodes and edges; returns the seconds it took to write the page."""
    from pyvis.network import Network

    start = time.perf_counter()
    net = Network(height="900px", width="100%", directed=True, cdn_resources="in_line")
    for n, d in g.nodes(data=True):
        net.add_node(n, label=d.get("label_en", n), title=d.get("class", ""))
    for u, v, k in g.edges(keys=True):
        net.add_edge(u, v, title=str(k))
    html = net.generate_html()
    path.write_text(html, encoding="utf-8")
    return time.perf_counter() - start


# ====================================================================== cold start

def _console_script() -> list[str]:
    """The real ``chiplet-kg`` script (not a pyenv shim, whose own start-up would be counted)."""
    beside = Path(sys.executable).with_name("chiplet-kg")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("chiplet-kg")
    return [found] if found else [sys.executable, "-c", "import sys; from chiplet_kg.cli import main; sys.exit(main())"]


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"error: {' '.join(cmd)} failed: {done.stderr.decode(errors='replace').strip()[:300]}")
    return took


def cold_start(runs: int, queries: list[str], workdir: Path) -> list[dict]:
    """Median wall time of several runs of each command, the two of a pair interleaved so noise hits both alike.

    ``chiplet-kg build`` runs first (untimed), as a user would before querying: it leaves the store that `query`
    then opens (chiplet_kg/cache.py) instead of parsing and reasoning.
    """
    cli = _console_script()
    print("cold start: chiplet-kg build (untimed; leaves the build cache)", file=sys.stderr, flush=True)
    built = time.perf_counter()
    _wall(cli + ["build", "--out", str(workdir / "cold-start-build")])
    print(f"  build took {time.perf_counter() - built:.1f} s", file=sys.stderr, flush=True)
    parse = ("import rdflib,sys\ng=rdflib.Graph()\nfor f in sys.argv[1:]: g.parse(f, format='turtle')\n")
    pairs = [("chiplet-kg queries", cli + ["queries"], "python -c 'import rdflib'", [sys.executable, "-c", "import rdflib"])]
    pairs += [(f"chiplet-kg query {query}", cli + ["query", query],
               "rdflib: parse the built-in Turtle", [sys.executable, "-c", parse] + builtin_files()) for query in queries]
    rows = []
    for name, cmd, base_name, base in pairs:
        _wall(cmd), _wall(base)   # warm the file cache
        a, b = [], []
        for _ in range(runs):
            a.append(_wall(cmd))
            b.append(_wall(base))
        rows.append({"task": name, "time": statistics.median(a), "baseline": base_name,
                     "baseline_time": statistics.median(b), "runs": runs})
    return rows


# ====================================================================== the table

def _show(res: dict | None, limit: float) -> str:
    if res is None:
        return "–"
    if res["status"] == "timeout":
        return f"> {limit:g} s" + ("*" if res.get("error", "").startswith("not run") else "")
    if res["status"] == "skipped":
        return "n/a" if res["error"].startswith("n/a") else "skipped"
    if res["status"] == "error":
        return "error"
    return _secs(res["best"])


def _secs(value: float) -> str:
    if value >= 100:
        return f"{value:.0f} s"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms" if value >= 0.001 else f"{value * 1e6:.0f} µs"


def _ratio(res: dict | None, base: dict | None, limit: float) -> str:
    if not res or not base or base["status"] != "ok" or not base["best"]:
        return ""
    if res["status"] == "timeout":
        return f"> {limit / base['best']:.0f}×"
    if res["status"] != "ok" or res["best"] is None:
        return ""
    return f"{res['best'] / base['best']:.2f}×" if res["best"] / base["best"] < 100 else f"{res['best'] / base['best']:.0f}×"


def table_rows(size_result: dict) -> list[list[str]]:
    """One size's results as rows: task, pyoxigraph, chiplet-kg, ratio, rdflib, ratio, rows."""
    limit = size_result["limit"]
    r = size_result["engines"]
    ceil, ours, floor = r.get("pyoxigraph", {}), r.get("chiplet-kg", {}), r.get("rdflib", {})
    rows = []

    def lr(key):
        return {"status": "ok", "best": key, "runs": 1} if key is not None else None

    loads = {e: lr(r.get(e, {}).get("load")) for e in ENGINES}
    rows.append(["load (best of %d)" % size_result["load_runs"], _show(loads["pyoxigraph"], limit), _show(loads["chiplet-kg"], limit),
                 _ratio(loads["chiplet-kg"], loads["pyoxigraph"], limit), _show(loads["rdflib"], limit),
                 _ratio(loads["rdflib"], loads["pyoxigraph"], limit), str(ceil.get("triples", ""))])
    mems = {e: r.get(e, {}).get("peak_rss_mb") for e in ENGINES}

    def mem(e):
        return f"{mems[e]:.0f} MB" if mems[e] else "–"

    def mem_ratio(e):
        return f"{mems[e] / mems['pyoxigraph']:.2f}×" if mems[e] and mems["pyoxigraph"] else ""

    rows.append(["peak memory after load (RSS)", mem("pyoxigraph"), mem("chiplet-kg"), mem_ratio("chiplet-kg"),
                 mem("rdflib"), mem_ratio("rdflib"), ""])
    for tid in size_result["task_ids"]:
        c, o, f = ceil.get("tasks", {}).get(tid), ours.get("tasks", {}).get(tid), floor.get("tasks", {}).get(tid)
        counted = tid.startswith(("query", "shape", "projection"))
        n = "" if not counted or not c or c.get("rows") is None else str(c["rows"])
        if o and c and o.get("rows") is not None and c.get("rows") is not None and o["rows"] != c["rows"] \
                and o["status"] == "ok" and tid.startswith(("query", "shape")):
            n += f" (chiplet-kg: {o['rows']})"
        rows.append([tid, _show(c, limit), _show(o, limit), _ratio(o, c, limit), _show(f, limit), _ratio(f, c, limit), n])
    return rows


HEAD = ["task", "pyoxigraph (ceiling)", "chiplet-kg", "× ceiling", "rdflib (floor)", "× ceiling", "rows"]


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [HEAD] + rows) for i in range(len(HEAD))]
    line = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    return "\n".join([line(HEAD), "  ".join("─" * w for w in widths)] + [line(r) for r in rows])


def md_table(head: list[str], rows: list[list[str]], left: tuple[int, ...] = (0,)) -> str:
    esc = lambda c: c.replace("|", "\\|")  # noqa: E731
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " if i in left else " ---: " for i in range(len(head))) + "|"]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def goals(size: str, size_result: dict) -> list[str]:
    """The issue's goals, checked against this size's ratios."""
    r = size_result["engines"]
    ceil, ours = r.get("pyoxigraph", {}), r.get("chiplet-kg", {})
    lines = []
    ratios = []
    for tid in size_result["task_ids"]:
        if not tid.startswith(("query", "shape")):
            continue
        c, o = ceil.get("tasks", {}).get(tid), ours.get("tasks", {}).get(tid)
        if c and o and c["status"] == o["status"] == "ok" and c["best"]:
            ratios.append((o["best"] / c["best"], tid))
    if ratios:
        over = sorted((x for x in ratios if x[0] > 3), reverse=True)
        worst = ", ".join(f"{t} {x:.1f}×" for x, t in over[:5])
        lines.append(f"{size}: queries and shapes within 3× of pyoxigraph (goal at 100k and 1M): "
                     f"{len(ratios) - len(over)} of {len(ratios)}"
                     + (f"; over: {worst}" + (" …" if len(over) > 5 else "") if over else "")
                     + f"; median {statistics.median(x for x, _ in ratios):.1f}×")
    stuck = [tid for tid in size_result["task_ids"] if tid.startswith(("query", "shape"))
             and ceil.get("tasks", {}).get(tid, {}).get("status") == "timeout"]
    if stuck:
        lines.append(f"{size}: no ratio, pyoxigraph itself ran over the limit: {', '.join(stuck)}")
    for tid in ("analyze chokepoints", "analyze whatif"):
        c, o = ceil.get("tasks", {}).get(tid), ours.get("tasks", {}).get(tid)
        if c and o and c["status"] == o["status"] == "ok" and c["best"]:
            x = o["best"] / c["best"]
            lines.append(f"{size}: {tid} {x:.1f}× the networkx algorithm (goal ≤ 2×: {'met' if x <= 2 else 'missed'})")
        elif c and o and "timeout" in (c["status"], o["status"]):
            lines.append(f"{size}: {tid}: pyoxigraph + networkx {_show(c, size_result['limit'])}, "
                         f"chiplet-kg {_show(o, size_result['limit'])}")
    b = size_result.get("browser", {}).get("stable")
    if b:
        ours_s = b.get("chiplet-kg", {}).get("ready", b.get("chiplet-kg", {}).get("stabilized"))
        theirs = b.get("pyvis", {}).get("stabilized")
        waited = b.get("pyvis", {}).get("waited", 0)
        nodes = size_result["browser"]["nodes"]
        if ours_s:
            x = theirs / ours_s if theirs else waited / ours_s
            verdict = ("the goal is for > 1,000 nodes" if nodes <= 1000 else
                       "met" if x >= 5 else "not shown" if not theirs else "missed")
            lines.append(f"{size}: layout of {nodes} nodes in Chromium {'' if theirs else '> '}{x:.1f}× sooner than "
                         f"pyvis (goal ≥ 5×: {verdict})")
    if ceil.get("load") and ours.get("load"):
        x = ours["load"] / ceil["load"]
        lines.append(f"{size}: load {x:.1f}× pyoxigraph (goal ≤ 2×: {'met' if x <= 2 else 'missed'})")
    if ceil.get("peak_rss_mb") and ours.get("peak_rss_mb"):
        x = ours["peak_rss_mb"] / ceil["peak_rss_mb"]
        lines.append(f"{size}: peak memory {x:.1f}× pyoxigraph (goal at 1M ≤ 1.5×: {'met' if x <= 1.5 else 'missed'})")
    return lines


def _cold_goals(report: dict) -> list[str]:
    lines = []
    for c in report["cold"]:
        x = c["time"] / c["baseline_time"]
        goal, ok = ("≤ 1.5×", x <= 1.5) if c["task"] == "chiplet-kg queries" else ("< 1×", x < 1)
        lines.append(f"{c['task']}: {x:.2f}× {c['baseline']} (goal {goal}: {'met' if ok else 'missed'})")
    return lines


# ====================================================================== main

def _run_worker(engine: str, plan_path: Path, out_path: Path, load_only: bool, timeout: float) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", engine, "--plan", str(plan_path), "--out", str(out_path)]
    if load_only:
        cmd.append("--load-only")
    try:
        done = subprocess.run(cmd, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"engine": engine, "error": f"the worker ran over {timeout:.0f} s", "tasks": {}}
    if done.returncode != 0 or not out_path.exists():
        return {"engine": engine, "error": f"the worker failed (exit {done.returncode})", "tasks": {}}
    return json.loads(out_path.read_text(encoding="utf-8"))


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
            res = _run_worker(engine, plan_path, workdir / f"out-{label}-{engine}-load{i}.json", True, budget)
            if res.get("load") is not None:
                loads.append(res["load"])
        res = _run_worker(engine, plan_path, workdir / f"out-{label}-{engine}.json", False, budget)
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
    started = time.perf_counter()
    report: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                    "versions": _versions(), "sizes": [], "cold": []}
    if args.cold_runs:
        # A light query and the README's gap query, after a build (whose store `query` reuses).
        report["cold"] = cold_start(args.cold_runs, ["market-structure", "unaddressed-dependencies"], workdir)
    timed_out: dict = {}   # engine → task → the size at which it first ran over the limit
    for label, triples in sizes:
        report["sizes"].append(bench_size(label, triples, args, workdir, timed_out))
    report["seconds"] = time.perf_counter() - started

    out = [render_text(report, args)]
    print("\n".join(out))
    if args.markdown:
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown).write_text(render_markdown(report, args), encoding="utf-8")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for name in ("pyoxigraph", "rdflib", "networkx"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            pass
    return ", ".join(parts)


def _method(args) -> str:
    return (f"Times: best of up to {args.repeat} runs per task (one run when a run takes over {REPEAT_UNDER:g} s), "
            f"each engine in a fresh process, each task in a forked child stopped at {args.limit:g} s; load: best of "
            f"{args.load_repeat} fresh processes; peak memory: ru_maxrss of the process after loading. "
            f"× ceiling = time / pyoxigraph's time in the same run. '> {args.limit:g} s*': not run, as it ran over "
            f"the limit at a smaller size.")


def _cold_rows(report) -> list[list[str]]:
    return [[c["task"], _secs(c["time"]), c["baseline"], _secs(c["baseline_time"]),
             f"{c['time'] / c['baseline_time']:.2f}×"] for c in report["cold"]]


COLD_HEAD = ["command", "median", "baseline", "median", "ratio"]


def render_text(report: dict, args) -> str:
    parts = [f"chiplet-kg benchmarks — {report['machine']}; {report['versions']}", _method(args), ""]
    if report["cold"]:
        rows = _cold_rows(report)
        widths = [max(len(r[i]) for r in [COLD_HEAD] + rows) for i in range(len(COLD_HEAD))]
        parts.append(f"cold start (median of {args.cold_runs} runs, wall time)")
        for r in [COLD_HEAD] + rows:
            parts.append("  ".join(c.ljust(w) if i in (0, 2) else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
        parts.append("")
    for size in report["sizes"]:
        parts.append(f"{size['size']}: {size['synthetic_triples']} synthetic triples + the built-in graph "
                     f"({size['entities']} synthetic entities)")
        parts.append(text_table(table_rows(size)))
        parts.extend(_notes(size))
        brows = _browser_rows(size, args.browser_limit)
        if brows:
            parts.append("  layout in headless Chromium (seconds from navigation; the view is settled when it is frozen,"
                         " pyvis when its network fires 'stabilized'):")
            widths = [max(len(r[i]) for r in [BROWSER_HEAD] + brows) for i in range(len(BROWSER_HEAD))]
            for r in [BROWSER_HEAD] + brows:
                parts.append("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
        elif size.get("browser", {}).get("error"):
            parts.append(f"  layout in Chromium: {size['browser']['error']}")
        parts.append("")
    parts.append("goals (issue 8):")
    for size in report["sizes"]:
        parts.extend("  " + g for g in goals(size["size"], size))
    parts.extend("  " + g for g in _cold_goals(report))
    parts.append(f"total {report['seconds'] / 60:.1f} min")
    return "\n".join(parts)


BROWSER_HEAD = ["page", "nodes", "edges", "written in", "iterations done", "stabilized", "ready (frozen)", "pyvis / chiplet-kg"]


def _browser_rows(size: dict, limit: float) -> list[list[str]]:
    """The layout test as rows: when each page's network finished its stabilisation iterations and stabilised."""
    b = size.get("browser")
    if not b or "stable" not in b:
        return []
    stable = b["stable"]

    def at(page, key):
        v = stable.get(page, {}).get(key)
        waited = stable.get(page, {}).get("waited", limit)
        return _secs(v) if isinstance(v, (int, float)) else f"not within {waited:.0f} s" if key == "stabilized" else "–"

    def settled(page):
        got = stable.get(page, {})
        return got.get("stabilized") if page == "pyvis" else got.get("ready", got.get("stabilized"))

    ours, theirs = settled("chiplet-kg"), settled("pyvis")
    waited = stable.get("pyvis", {}).get("waited", limit)
    ratio = f"{theirs / ours:.1f}×" if ours and theirs else f"> {waited / ours:.1f}×" if ours else ""
    gen = size["engines"].get("chiplet-kg", {}).get("tasks", {}).get("viz overview", {})
    return [["chiplet-kg overview", str(b["nodes"]), str(b["edges"]), _show(gen, size["limit"]) if gen else "",
             at("chiplet-kg", "stabilizationIterationsDone"), at("chiplet-kg", "stabilized"), at("chiplet-kg", "ready"), ""],
            ["pyvis, default physics", str(b["nodes"]), str(b["edges"]), _secs(b["pyvis_seconds"]),
             at("pyvis", "stabilizationIterationsDone"), at("pyvis", "stabilized"), "", ratio]]


def _notes(size: dict) -> list[str]:
    notes = []
    for engine, res in size["engines"].items():
        if res.get("error"):
            notes.append(f"  {engine}: {res['error']}")
        if res.get("load_parts"):
            notes.append(f"  {engine} load: " + "; ".join(f"{k} {_secs(v)}" for k, v in res["load_parts"].items()))
        if res.get("rss_before_load_mb"):
            notes.append(f"  {engine}: {res['rss_before_load_mb']:.0f} MB before loading (interpreter and imports)")
        for tid, t in res.get("tasks", {}).items():
            if t["status"] in ("error", "skipped") and not t["error"].startswith("n/a"):
                notes.append(f"  {engine} {tid}: {t['status']}: {t['error']}")
            if t.get("edges") is not None:
                notes.append(f"  {engine} {tid}: {t['rows']} nodes, {t['edges']} edges (one run)")
    return notes


def render_markdown(report: dict, args) -> str:
    parts = [f"Machine: {report['machine']}; {report['versions']}.", "", _method(args), ""]
    if report["cold"]:
        parts += [f"**Cold start** (median of {args.cold_runs} runs, wall time)", "", md_table(COLD_HEAD, _cold_rows(report), left=(0, 2)), ""]
    for size in report["sizes"]:
        parts += [f"**{size['size']}**: {size['synthetic_triples']} synthetic triples + the built-in graph "
                  f"({size['entities']} synthetic entities)", "", md_table(HEAD, table_rows(size)), ""]
        notes = _notes(size)
        if notes:
            parts += [n.strip() + "  " for n in notes] + [""]
        brows = _browser_rows(size, args.browser_limit)
        if brows:
            parts += ["Layout in headless Chromium (seconds from navigation; the view is settled when it is frozen, "
                      "pyvis when its network fires `stabilized`):", "", md_table(BROWSER_HEAD, brows), ""]
        elif size.get("browser", {}).get("error"):
            parts += [f"Layout in Chromium: {size['browser']['error']}", ""]
    parts += ["Goals (issue 8):", ""]
    for size in report["sizes"]:
        parts += [f"- {g}" for g in goals(size["size"], size)]
    parts += [f"- {g}" for g in _cold_goals(report)]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    sys.exit(main())

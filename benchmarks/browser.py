"""Layout in headless Chromium: chiplet-kg's overview page against a pyvis page of the same graph."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

__all__ = ["browser_stable", "write_pages"]

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

def write_pages(kg, plan: dict) -> dict:
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



"""The HTML views: what each shows, offline and script-free of user text, checked in headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import json
from html import unescape
import re
import time
from pathlib import Path

import pytest

from chiplet_kg import CKGD, ChipletKG
from chiplet_kg.errors import UsageError
from chiplet_kg.kg import project_root
from chiplet_kg.network import project
from chiplet_kg.views import render_view, select
from chiplet_kg.views.page import json_for_script
from chiplet_kg.views.report import build_outputs, report_html

from .browser import assert_no_dialog, requested_urls
from .conftest import DATA, CommandLine

#: The command line through its real entry point (tests/conftest.py).
CLI = CommandLine()

D = str(CKGD)
X = "https://example.org/xss/"
SCREENSHOTS = project_root() / "build" / "screenshots"
#: Markup from the fixture that must never reach a page unescaped.
XSS_PAYLOADS = ["<img src=x onerror=alert('label-en')>", "</script><script>alert('label-zh')</script>",
                "<a href=\"javascript:alert('href-en')\">click me</a>", "\"><svg onload=alert('country-en')>",
                "<iframe srcdoc=", "<!-- --><script>", "</SCRIPT >", "<style>body"]

# (file name, view, keyword arguments for render_view)
VIEWS = [
    ("overview", "overview", {}),
    ("policy-trace", "policy-trace", {}),
    ("policy-trace.zh", "policy-trace", {"lang": "zh"}),
    ("supply-chain", "supply-chain", {}),
    ("roadmap", "roadmap", {}),
    ("focus", "focus", {"focus": D + "JCET", "depth": 2}),
    ("whatif", "whatif", {"remove": [D + "Netherlands"]}),
]


@pytest.fixture(scope="module")
def g(projection):
    """The shipped graph's projection (conftest), by the short name these tests use."""
    return projection


@pytest.fixture(scope="module")
def xss_g():
    return project(ChipletKG(data=(DATA / "xss-labels.ttl",)))


# ------------------------------------------------------------------ what each view selects

def test_overview_is_the_whole_projection(g):
    spec = select(g, "overview")
    assert spec.graph.number_of_nodes() == g.number_of_nodes()
    assert spec.graph.number_of_edges() == g.number_of_edges()


def test_policy_trace_runs_left_to_right(g):
    """Policy groups → instruments → bottlenecks/challenges → items → suppliers → countries: no edge runs back."""
    spec = select(g, "policy-trace")
    lv = spec.levels
    assert {lv[D + p] for p in ("PolicyRnD", "PolicyMarket", "PolicyTalent", "PolicyAssociations")} == {0}
    assert lv[D + "InstrumentSpecialFund"] == 1 and lv[D + "BottleneckEDA"] == 2
    assert lv[D + "HighEndEDA"] == 3 and lv[D + "Synopsys"] == 4 and lv[D + "USA"] == 5
    for u, v in spec.graph.edges():
        assert lv[u] <= lv[v], (u, v)
    # The gaps are marked: what no policy addresses, what only indirectly, what addresses nothing.
    assert "gap" in spec.marks.values() and D + "AdvancedPackagingEquipment" not in spec.marks  # issue 14: no dependency
    assert spec.marks[D + "Photoresist"] == "indirect"
    assert spec.marks[D + "InstrumentIPProtection"] == "idle"
    assert D + "HighEndEDA" not in spec.marks


def test_roadmap_and_supply_chain_views(g):
    road = select(g, "roadmap")
    assert road.levels[D + "ChinaChipletRoadmap"] == 0
    assert sum(1 for n, lv in road.levels.items() if lv == 1) == 3      # the paper's three phases
    assert sum(1 for n, lv in road.levels.items() if lv == 2) == 17     # and seventeen goals (issue 14)
    assert road.levels[D + "AdvancedPackagingEquipment"] == 3
    sc = select(g, "supply-chain")
    assert sc.levels is None
    assert {D + "Chiplet", D + "EUVLithography", D + "ASML", D + "Netherlands",
            D + "Netherlands2019EUVExportBan"} <= set(sc.graph.nodes)
    assert D + "InstrumentSpecialFund" not in sc.graph


def test_focus_is_the_neighbourhood(g):
    import networkx as nx

    spec = select(g, "focus", focus=D + "JCET", depth=2)
    ego = nx.ego_graph(nx.Graph(g.to_undirected()), D + "JCET", radius=2)
    assert set(spec.graph.nodes) == set(ego.nodes)
    assert spec.marks == {D + "JCET": "focus"}
    with pytest.raises(UsageError):
        select(g, "focus")
    with pytest.raises(UsageError):
        select(g, "nonsense")


def test_whatif_view_marks(g):
    spec = select(g, "whatif", remove=[D + "Netherlands"])
    assert spec.marks[D + "Netherlands"] == "removed" and spec.marks[D + "ASML"] == "removed"
    assert spec.marks[D + "EUVLithography"] == "cut"
    assert spec.marks[D + "AdvancedNodeChiplet"] == "blocked" and spec.marks[D + "GoalAdvancedNode"] == "blocked"
    assert spec.marks[D + "InstrumentSpecialFund"] == "addressing"
    assert D + "SMEE" in spec.graph          # the remaining supplier of lithography equipment is shown


# ------------------------------------------------------------------ the page, as text

def _outside_inline_code(html: str) -> str:
    return re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", html, flags=re.S)


def test_json_for_script_cannot_close_the_element():
    text = json_for_script({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_page_references_nothing_outside_itself(g):
    html = render_view(g, "policy-trace")
    markup = _outside_inline_code(html)
    assert "http:" not in markup and "https:" not in markup
    assert not re.search(r"\b(src|href|srcset|action|poster)\s*=", markup)
    assert len(re.findall(r"<script\b", html)) == 3 and "<link" not in html
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    # The policy lists the hash of each of the page's two inline scripts, so no other script can run.
    for body in re.findall(r"<script>(.*?)</script>", html, flags=re.S):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_untrusted_text_never_reaches_the_markup(xss_g):
    """Payloads from a --data file appear in a view and the report only escaped."""
    html = render_view(xss_g, "overview") + render_view(xss_g, "policy-trace", lang="zh")
    leaked = [payload for payload in XSS_PAYLOADS if payload in html]     # (a list: no 2 MB diff on failure)
    assert leaked == []
    assert ("\\u003cimg src=x onerror=alert('label-en')\\u003e" in html) is True
    report = report_html(xss_g)
    assert [p for p in XSS_PAYLOADS + ["<script", "<img", "<iframe"] if p in report] == []
    assert ("&lt;img src=x onerror=alert(&#39;label-en&#39;)&gt;" in report) is True


def test_build_outputs_views_and_reports(tmp_path):
    """build writes four views in each language and a report linking them, through the atomic writer.

    Regression: this test built the session-wide graph, whose reasoning then leaked inferred edges into the
    analyses tested later; it builds its own graph now."""
    from chiplet_kg.pipeline import build

    kg = ChipletKG()
    result = build(kg, tmp_path, owl=False)
    names = {str(p.relative_to(tmp_path)) for p in result.files}
    for view in ("overview", "policy-trace", "supply-chain", "roadmap"):
        assert {f"view-{view}.html", f"view-{view}.zh.html"} <= names
    assert {"report.html", "report.zh.html"} <= names
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'href="view-policy-trace.html"' in report and "advanced packaging equipment" in report
    assert not list(tmp_path.rglob("*.tmp"))
    assert set(build_outputs(kg)) == {n for n in names if n.startswith(("view-", "report"))}


def test_cli_viz_writes_atomically_and_checks_its_options(tmp_path):
    out = tmp_path / "sub" / "focus.html"
    res = CLI.invoke(["viz", "--focus", "长电科技", "--depth", "1", "--lang", "zh", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") and not list(out.parent.glob(".*tmp"))
    res = CLI.invoke(["viz", "--view", "roadmap", "--focus", "JCET", "-o", str(out)])
    assert res.exit_code == 2 and "--focus goes with --view focus" in res.output
    res = CLI.invoke(["viz", "--view", "whatif", "-o", str(out)])
    assert res.exit_code == 2 and "needs --remove" in res.output


# ------------------------------------------------------------------ in a real browser

def _open(driver, path: Path):
    """Load ``path`` from file://; wait until the network is drawn (and, if large, stabilised and frozen).

    Returns the URLs the page requested and the browser's log entries.
    """
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get("about:blank")
    driver.get_log("performance")
    driver.get_log("browser")
    driver.get(path.as_uri())
    WebDriverWait(driver, 90, poll_frequency=0.2).until(
        lambda d: d.execute_script("return !!(window.chipletView && window.chipletView.ready)"))
    return requested_urls(driver), driver.get_log("browser")




@pytest.mark.parametrize("name,view,kwargs", VIEWS, ids=[v[0] for v in VIEWS])
def test_view_in_chromium(browser, g, tmp_path, name, view, kwargs):
    """Each view loads from file:// with no request leaving the page and no console error; the network in the
    page has exactly the nodes and edges of the view; a screenshot goes to build/screenshots/."""
    path = tmp_path / f"{name}.html"
    path.write_text(render_view(g, view, **kwargs), encoding="utf-8")
    urls, logs = _open(browser, path)
    assert [u for u in urls if u != path.as_uri() and not u.startswith("data:")] == []
    assert [e for e in logs if e["level"] == "SEVERE"] == []
    spec = select(g, view, **{k: v for k, v in kwargs.items() if k != "lang"})
    counts = browser.execute_script(
        "var v = window.chipletView; return [v.nodes.length, v.edges.length, "
        "v.network.body.nodeIndices.length, v.network.body.edgeIndices.length, v.frozen];")
    n, m = spec.graph.number_of_nodes(), spec.graph.number_of_edges()
    assert counts[:4] == [n, m, n, m]
    if n > 100 or spec.levels is not None:   # stabilised once, then frozen
        assert counts[4] is True
        assert browser.execute_script("return window.chipletView.network.physics.physicsEnabled") is False
    legend = browser.execute_script("return Array.from(document.querySelectorAll('#legend-items li')).length")
    assert legend >= 3
    assert_no_dialog(browser)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def _node_on_screen(driver, node_id: str):
    """Where a node is drawn, as an offset from the canvas' centre (for ActionChains)."""
    return driver.execute_script("""
        var v = window.chipletView, id = arguments[0];
        v.network.focus(id, {scale: 1.4, animation: false});
        var p = v.network.canvasToDOM(v.network.getPosition(id));
        var c = document.querySelector('#network canvas').getBoundingClientRect();
        return [p.x - c.width / 2, p.y - c.height / 2];""", node_id)


def test_script_payloads_stay_text_in_chromium(browser, xss_g, tmp_path):
    """A --data file with script payloads in labels, sources and evidence: no dialog fires, no element is
    injected, and the tooltip, details panel and search show the text exactly as typed."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    for view, kwargs in (("policy-trace", {"lang": "zh"}), ("focus", {"focus": X + "EvilCo", "depth": 2})):
        path = tmp_path / f"xss-{view}.html"
        path.write_text(render_view(xss_g, view, **kwargs), encoding="utf-8")
        urls, logs = _open(browser, path)
        assert [u for u in urls if u != path.as_uri() and not u.startswith("data:")] == []
        assert [e for e in logs if e["level"] == "SEVERE"] == []
        assert_no_dialog(browser)
        injected = browser.execute_script(
            "return [document.querySelectorAll('img, iframe, svg, a, object, embed, form').length,"
            " document.scripts.length]")
        assert injected == [0, 3]

    # Hover the firm whose English label is an <img onerror> payload and whose Chinese label closes the script.
    canvas = browser.find_element(By.CSS_SELECTOR, "#network canvas")
    x, y = _node_on_screen(browser, X + "EvilCo")
    ActionChains(browser).move_to_element_with_offset(canvas, int(x), int(y)).pause(0.2) \
        .move_by_offset(1, 1).pause(0.8).perform()
    tip = browser.execute_script(
        "var t = document.querySelector('div.vis-tooltip');"
        "return t ? [t.style.visibility, t.innerText, t.getElementsByTagName('*').length - "
        "t.getElementsByTagName('br').length] : null;")
    assert tip is not None and tip[0] == "visible", tip
    assert "<img src=x onerror=alert('label-en')>" in tip[1]
    assert "</script><script>alert('label-zh')</script>恶意公司" in tip[1]
    assert "javascript:alert('source-iri')" in tip[1]
    assert tip[2] == 0                       # text only: no element inside the tooltip
    ActionChains(browser).click().perform()
    details = browser.execute_script("return Array.from(document.querySelectorAll('#details dd'))"
                                      ".map(function (d) { return d.textContent; })")
    assert "<img src=x onerror=alert('label-en')>" in details
    # The firm whose label is a link with href: its tooltip is text as well (pyvis would switch to innerHTML).
    x, y = _node_on_screen(browser, X + "LinkCo")
    ActionChains(browser).move_to_element_with_offset(canvas, int(x), int(y)).pause(0.2) \
        .move_by_offset(1, 1).pause(0.8).perform()
    tip = browser.execute_script("var t = document.querySelector('div.vis-tooltip');"
                                 "return [t.innerText, t.getElementsByTagName('a').length];")
    assert "<a href=\"javascript:alert('href-en')\">click me</a>" in tip[0] and tip[1] == 0
    # Search by the Chinese label finds the firm and shows its labels as text.
    box = browser.find_element(By.ID, "search")
    box.clear()
    box.send_keys("恶意公司")
    time.sleep(0.2)
    assert browser.find_element(By.ID, "search-count").text in ("1 match(es)", "1 个匹配")
    shown = browser.execute_script("return Array.from(document.querySelectorAll('#details dd'))"
                                   ".map(function (d) { return d.textContent; })")
    assert "</script><script>alert('label-zh')</script>恶意公司" in shown
    assert_no_dialog(browser)
    assert browser.execute_script("return document.querySelectorAll('img, iframe, svg, a').length") == 0


def test_policies_in_force_are_drawn_apart_from_the_papers_proposals(kg):
    """Issue 14: a policy in force (NAPMP), China's own export control and the paper's proposals each get their own
    drawing group, so the views tell them apart."""
    from chiplet_kg.network import project
    from chiplet_kg.views.style import group_of

    g = project(kg)
    group = {q: group_of(g.nodes[str(CKGD[q])].get("kinds", ())).key
             for q in ("NAPMP", "InstrumentSpecialFund", "PolicyRnD")}
    assert group == {"NAPMP": "policy-in-force", "InstrumentSpecialFund": "instrument", "PolicyRnD": "policy-group"}
    controls = [n for n, d in g.nodes(data=True) if "ckg:DomesticExportControl" in d.get("kinds", ())]
    assert controls and {group_of(g.nodes[n]["kinds"]).key for n in controls} == {"domestic-control"}
    from chiplet_kg.views.select import select

    marks = select(g, "policy-trace").marks
    assert str(CKGD.NAPMP) not in marks  # not marked as a proposal that addresses nothing
    assert marks.get(str(CKGD.InstrumentIPProtection)) == "idle"

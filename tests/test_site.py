"""The static site (issue 17): a page per entity and ontology term, relative links that resolve, a CSP on every
page, RDF beside each page, the statements, sources, evidence and policies of a known entity, and the site in
headless Chromium (search, open, follow, switch language; no request out, no console error, payloads inert)."""

from __future__ import annotations

import json
import re
import time
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from rdflib import Graph, Literal, URIRef

from chiplet_kg import CKGD, ChipletKG
from chiplet_kg.kg import project_root
from chiplet_kg.namespace import CKG, ETO
from chiplet_kg.site import build_site, page_path

from .browser import requested_urls
from .conftest import DATA

SCREENSHOTS = project_root() / "build" / "screenshots"
X = "https://example.org/xss/"
PAYLOADS = ["<img src=x onerror=alert('label-en')>", "</script><script>alert('label-zh')</script>恶意公司",
            "<a href=\"javascript:alert('href-en')\">click me</a>", "\"><svg onload=alert('country-en')>"]

#: Every IRI the site must give a page: typed instances (not ontology terms) and the ontology's own terms.
INSTANCES = """
SELECT DISTINCT ?s WHERE {
  ?s a ?t . FILTER(isIRI(?s))
  FILTER(?t NOT IN (owl:Class, rdfs:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty,
                    rdf:Property, owl:Ontology, owl:NamedIndividual))
}"""
TERMS = """
SELECT DISTINCT ?s WHERE {
  ?s a ?t . VALUES ?t { owl:Class rdfs:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty rdf:Property }
  FILTER(STRSTARTS(STR(?s), STR(ckg:)))
}"""


@pytest.fixture(scope="module")
def site(kg) -> dict[str, bytes]:
    return build_site(kg)


@pytest.fixture(scope="module")
def site_dir(site, tmp_path_factory) -> Path:
    return _write(site, tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory) -> tuple[dict, Path]:
    site = build_site(ChipletKG(data=(DATA / "xss-labels.ttl",), reason=False))
    return site, _write(site, tmp_path_factory.mktemp("xss-site"))


def _write(site: dict[str, bytes], base: Path) -> Path:
    for name, data in site.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return base


def _pages(site) -> list[str]:
    return [name for name in site if name.endswith(".html") and name != "index.html"]


class _Links(HTMLParser):
    """Every href and src of a page, with the rel of each link, and the CSP meta tag."""

    def __init__(self):
        super().__init__()
        self.links, self.csp, self.scripts = [], None, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self.csp = a.get("content")
        if tag == "script":
            self.scripts.append(a)
        for key in ("href", "src"):
            if key in a:
                self.links.append((tag, a[key], a.get("rel", "")))


def _parse(html: bytes) -> _Links:
    parser = _Links()
    parser.feed(html.decode("utf-8"))
    return parser


# ------------------------------------------------------------------ what is there

def test_page_count_is_entities_classes_and_properties(kg, site):
    instances = {r["s"] for r in kg.store.run(INSTANCES, asserted_only=True).rows}
    terms = {r["s"] for r in kg.store.run(TERMS, asserted_only=True).rows}
    expected = {page_path(n) for n in instances | terms}
    assert len(expected) == len(instances | terms)            # no two IRIs share a page
    assert set(_pages(site)) == expected
    assert set(kg.entities()) <= instances
    # sources too: the paper's sections and the public sources
    assert {"data/paper-s4-2.html", "ontology/Material.html", "ontology/suppliedBy.html"} <= set(site)
    for page in _pages(site):
        stem = page[: -len(".html")]
        assert stem + ".ttl" in site and stem + ".jsonld" in site


def test_page_path_layout():
    assert page_path(CKGD.Photoresist) == "data/Photoresist.html"
    assert page_path(CKG.Material) == "ontology/Material.html"
    assert page_path(ETO.N20) == "eto/N20.html"
    other = page_path(URIRef("https://www.trendforce.com/news/?p=47920"))
    assert re.fullmatch(r"other/[0-9a-f]{16}\.html", other) and other == page_path("https://www.trendforce.com/news/?p=47920")
    assert page_path(URIRef("javascript:alert(1)")).startswith("other/")
    assert page_path(Literal("x")) is None and page_path("not an iri") is None


def test_every_internal_link_resolves_and_outside_links_carry_no_referrer(site):
    checked = 0
    for name, data in site.items():
        if not name.endswith(".html"):
            continue
        page = _parse(data)
        for tag, href, rel in page.links:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https"):
                assert tag == "a" and set(rel.split()) >= {"noopener", "noreferrer"}, (name, href)
                continue
            assert not parts.scheme and not parts.netloc, (name, href)   # no javascript:, data:, //host
            target = (Path(name).parent / unquote(parts.path)).as_posix()
            target = re.sub(r"[^/]+/\.\./", "", target)
            assert target in site, f"{name} links to {href}, which is not in the site"
            checked += 1
    assert checked > 10_000


def test_every_page_has_the_csp_and_no_inline_script(site):
    for name in [*_pages(site), "index.html"]:
        page = _parse(site[name])
        assert page.csp is not None, name
        csp = unescape(page.csp)
        assert "default-src 'none'" in csp and "script-src 'self';" in csp, name
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "http" not in csp
        # every script is a same-folder file or a JSON data block
        for attrs in page.scripts:
            assert attrs.get("type") == "application/json" or attrs.get("src", "").startswith("../assets/") \
                or (name == "index.html" and attrs.get("src", "").startswith("assets/")), (name, attrs)
    html = site["data/Photoresist.html"].decode()
    for body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S):
        assert "application/json" in body[0] or not body[1].strip()


def test_rdf_beside_each_page_parses_back(site):
    for name in _pages(site)[::7] + ["data/Photoresist.html"]:
        stem = name[: -len(".html")]
        ttl = Graph().parse(data=site[stem + ".ttl"], format="turtle")
        jsonld = Graph().parse(data=site[stem + ".jsonld"], format="json-ld")
        assert len(ttl) == len(jsonld) > 0, name
    g = Graph().parse(data=site["data/Photoresist.ttl"], format="turtle")
    assert (CKGD.Photoresist, CKG.suppliedBy, CKGD.JSR) in g
    quotes = {str(o) for o in g.objects(None, CKG.evidence)}
    assert "关键材料国产化率低，如光刻胶、高性能封装基板材料等" in quotes


# ------------------------------------------------------------------ one known entity

def _section(html: str, section: str) -> str:
    m = re.search(rf'<section id="{section}"[^>]*>(.*?)</section>', html, flags=re.S)
    assert m, f"no section {section}"
    return m.group(1)


def test_photoresist_page_shows_statements_sources_evidence_and_policies(kg, site):
    html = site["data/Photoresist.html"].decode()
    assert '<span class="l-en" lang="en">photoresist</span><span class="l-zh" lang="zh">光刻胶</span>' in html
    assert 'href="../ontology/Material.html"' in html                       # its class, linked
    assert "The light-sensitive material that lithography patterns on wafers" in html    # the definition
    out = _section(html, "statements-out")
    # suppliers, each linked to its page, with the source's web address and the quote
    for firm in ("JSR", "TokyoOhkaKogyo", "ShinEtsuChemical", "SumitomoChemical", "Fujifilm", "DuPont"):
        assert f'href="../data/{firm}.html"' in out, firm
    assert ('href="https://www.trendforce.com/news/?p=47920" rel="noopener noreferrer"' in out) is True
    assert "accounts for about 91% of the global market" in out
    # the paper's §4.2 quote, with the section's own page as its source
    assert "关键材料国产化率低，如光刻胶、高性能封装基板材料等" in out
    assert 'href="../data/paper-s4-2.html"' in out
    incoming = _section(html, "statements-in")
    assert 'href="../data/Chiplet.html"' in incoming and 'href="../data/BottleneckMaterials.html"' in incoming
    # the policies that address it through a broader item (key materials) or a bottleneck, as the named query says
    policies = _section(html, "policies")
    rows = kg.query("dependency-trace", item=str(CKGD.Photoresist))
    assert rows and {page_path(r["policy"]) for r in rows} == \
        set(re.findall(r'<tr><td><a href="\.\./([^"]+)"', policies))
    assert "addresses a broader item" in policies and 'href="../data/KeyMaterials.html"' in policies
    assert 'href="../data/InstrumentSpecialFund.html"' in policies
    # what depends on it (chiplet technology, directly)
    assert 'href="../data/Chiplet.html"' in _section(html, "dependencies")
    # the neighbourhood's data: the node and its suppliers, each with a relative link
    data = json.loads(re.search(r'<script type="application/json" id="network-data">(.*?)</script>', html,
                                flags=re.S).group(1))
    hrefs = {n["href"] for n in data["nodes"]}
    assert {"../data/Photoresist.html", "../data/JSR.html"} <= hrefs


def test_measures_and_transitive_dependencies(kg, site):
    euv = site["data/EUVLithography.html"].decode()
    measures = _section(euv, "measures")
    assert 'href="../data/Netherlands2019EUVExportBan.html"' in measures
    chip = _section(site["data/Chiplet.html"].decode(), "dependencies")
    assert 'href="../data/Photoresist.html"' in chip
    # a chain a → b → c (dependsOn, then dependsOn or isTypeOf: the ontology's transitivity and property chain;
    # asserted, without a → c) shows c under "through a chain" on a's page, and a on c's
    chains = kg.store.run("SELECT ?a ?c WHERE { ?a ckg:dependsOn ?b . ?b ckg:dependsOn|ckg:isTypeOf ?c . "
                          "FILTER NOT EXISTS { ?a ckg:dependsOn ?c } FILTER(?a != ?c) }", asserted_only=True).rows
    assert chains
    for row in chains[:5]:
        a, c = row["a"], row["c"]
        on_a = _section(site[page_path(a)].decode(), "dependencies")
        chain_part = on_a.split("through a chain")[1].split("</p>")[0]
        assert f'href="../{page_path(c)}"' in chain_part, (a, c)
        on_c = _section(site[page_path(c)].decode(), "dependencies")
        assert f'href="../{page_path(a)}"' in on_c.split("through a chain")[1], (a, c)


def test_shares_from_an_eto_import(kg, tmp_path):
    """With measured shares imported (the made-up fixture in ETO's format), photoresist's page lists them with
    their year and source; the source note's markup stays text."""
    from chiplet_kg.eto import import_eto

    out = tmp_path / "eto-shares.ttl"
    import_eto(DATA / "eto" / "shares", out, kg=kg)
    site = build_site(ChipletKG(data=(out,), reason=False))
    shares = _section(site["data/Photoresist.html"].decode(), "shares")
    assert 'href="../eto/N31.html"' in shares and "90 %" in shares
    assert re.search(r"<td class=\"num\">20\d\d</td>", shares)
    assert "<script" not in shares
    assert "eto/N31.html" in site and "eto/P88.html" in site
    # "Various companies" / "Various countries" rows are marked as spread over unnamed providers; named ones not
    aggregate = _section(site["eto/N503.html"].decode(), "shares")
    assert aggregate.count("spread over unnamed providers") == 2 and "分散于多家未具名供应方" in aggregate
    assert "spread over unnamed providers" not in shares


def test_views_and_report_link_to_the_pages(kg):
    from chiplet_kg.views.report import build_outputs

    outputs = build_outputs(kg)
    report = outputs["report.html"]
    assert 'href="site/index.html"' in report and 'href="site/data/Photoresist.html"' in report
    view = outputs["view-overview.html"]
    assert '"page": "site/data/Photoresist.html"' in view


# ------------------------------------------------------------------ in a browser



def _wait_ready(driver):
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 90, poll_frequency=0.2).until(
        lambda d: d.execute_script("return document.body && document.body.getAttribute('data-ready') === 'true'"))


def _no_dialog(driver):
    assert driver.execute_script("return window.__dialogs") == []
    assert driver.execute_script("return typeof window.__xss") == "undefined"


def test_site_in_chromium(browser, site_dir):
    """Search from the index, open photoresist's page, follow a link to a neighbour (a table link, then a node of
    the network), switch language: no request leaves the folder, no console error; a screenshot is saved."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    browser.get("about:blank")
    browser.get_log("performance")
    browser.get_log("browser")
    browser.get((site_dir / "index.html").as_uri())
    browser.execute_script("try { localStorage.clear(); } catch (e) {}")
    _wait_ready(browser)
    box = browser.find_element(By.ID, "search")
    box.send_keys("光刻 胶")                         # spaces are ignored
    time.sleep(0.2)
    results = browser.execute_script(
        "return Array.from(document.querySelectorAll('#results a')).map(function (a) {"
        " return [a.getAttribute('href'), a.textContent]; })")
    assert ["data/Photoresist.html", "photoresist"] in results
    # the class filter narrows the list
    browser.execute_script("var s = document.getElementById('class-filter'); s.value = 'ckg:Firm';"
                           " s.dispatchEvent(new Event('change'));")
    box.clear()
    box.send_keys("JSR")
    time.sleep(0.2)
    firms = browser.execute_script("return Array.from(document.querySelectorAll('#results a'))"
                                   ".map(function (a) { return a.getAttribute('href'); })")
    assert firms == ["data/JSR.html"]
    # ... and so does the country filter: firms based in Japan, no search text
    box.clear()
    browser.execute_script("var s = document.getElementById('country-filter'); s.value = 'ckgd:Japan';"
                           " s.dispatchEvent(new Event('change'));")
    japanese = browser.execute_script("return Array.from(document.querySelectorAll('#results a'))"
                                      ".map(function (a) { return a.getAttribute('href'); })")
    assert "data/JSR.html" in japanese and "data/TSMC.html" not in japanese and len(japanese) >= 5
    browser.execute_script("['class-filter', 'country-filter'].forEach(function (id) {"
                           " var s = document.getElementById(id); s.value = ''; s.dispatchEvent(new Event('change')); });")
    box.clear()
    box.send_keys("光刻胶")
    time.sleep(0.2)
    browser.find_element(By.CSS_SELECTOR, "#results a[href='data/Photoresist.html']").click()
    _wait_ready(browser)
    assert browser.current_url.endswith("/data/Photoresist.html")
    assert browser.find_element(By.ID, "title").text == "photoresist"
    assert browser.find_element(By.ID, "other-label").text == "光刻胶"     # both languages, the other one smaller
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(1400, 2600)      # the head, the network, the policies and the first statements
    try:
        assert browser.save_screenshot(str(SCREENSHOTS / "entity-photoresist.png"))
    finally:
        browser.set_window_size(1600, 1200)

    # a neighbour through the statements table
    browser.find_element(By.CSS_SELECTOR, "#statements-out a[href='../data/JSR.html']").click()
    _wait_ready(browser)
    assert browser.current_url.endswith("/data/JSR.html")
    # ... and back through a node of the network (a click on the canvas)
    canvas = browser.find_element(By.CSS_SELECTOR, "#network canvas")
    x, y = browser.execute_script("""
        var s = window.chipletSite, id = arguments[0];
        var p = s.network.canvasToDOM(s.network.getPosition(id));
        var c = document.querySelector('#network canvas').getBoundingClientRect();
        return [p.x - c.width / 2, p.y - c.height / 2];""", str(CKGD.Photoresist))
    ActionChains(browser).move_to_element_with_offset(canvas, int(x), int(y)).click().perform()
    _wait_ready(browser)
    assert browser.current_url.endswith("/data/Photoresist.html")

    # the language switch: Chinese labels, kept on the next page
    browser.find_element(By.ID, "lang-switch").click()
    assert browser.execute_script("return document.documentElement.getAttribute('data-lang')") == "zh"
    assert browser.find_element(By.ID, "title").text == "光刻胶"
    assert browser.find_element(By.ID, "other-label").text == "photoresist"
    labels = browser.execute_script("return window.chipletSite.nodes.get().map(function (n) { return n.label; })")
    assert "光刻胶" in labels
    browser.find_element(By.CSS_SELECTOR, "#statements-out a[href='../data/JSR.html']").click()
    _wait_ready(browser)
    assert browser.execute_script("return document.documentElement.getAttribute('data-lang')") == "zh"
    browser.find_element(By.ID, "lang-switch").click()

    urls = requested_urls(browser)
    assert urls and [u for u in urls if not u.startswith(site_dir.as_uri() + "/")] == []
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    _no_dialog(browser)


#: Elements no page of the site has of its own (the index's one input is its search box).
_INJECTED = "img, iframe, svg, math, object, embed, base, details, form, frame, input:not(#search)"


def _inspect(driver) -> dict:
    return driver.execute_script("""
        var out = {handlers: [], urls: [], injected: document.querySelectorAll(arguments[0]).length,
                   metas: document.querySelectorAll('meta').length,
                   scripts: Array.from(document.scripts).map(function (s) { return s.type || s.getAttribute('src'); })};
        document.querySelectorAll('*').forEach(function (el) {
          for (var i = 0; i < el.attributes.length; i++) {
            var a = el.attributes[i];
            if (/^on/i.test(a.name)) out.handlers.push(el.tagName + ' ' + a.name);
            if (/^(href|src|data|action|srcdoc)$/i.test(a.name) && /^\\s*(javascript|data|vbscript):/i.test(a.value))
              out.urls.push(el.tagName + ' ' + a.name + '=' + a.value);
          }
        });
        out.text = document.body.innerText;
        return out;""", _INJECTED)


def test_payloads_stay_inert_in_chromium(browser, xss_site):
    """The XSS fixture's payloads (labels, evidence, a javascript: source IRI): on the index (searched), on the
    firm's page and on photoresist's page no dialog fires, nothing is injected, and the text shows as typed."""
    from selenium.webdriver.common.by import By

    site, base = xss_site
    raw = b"".join(site[n] for n in [*_pages(site), "index.html"]).decode()
    assert [p for p in PAYLOADS if p in raw] == []
    assert "javascript:" not in "".join(href for n in _pages(site) for _, href, _ in _parse(site[n]).links)
    evil = page_path(URIRef(X + "EvilCo"))
    pages = [("index.html", "恶意公司"), (evil, None), ("data/Photoresist.html", None), (page_path(URIRef(X + "LinkCo")), None)]
    browser.get("about:blank")
    browser.get_log("performance")
    for name, query in pages:
        browser.get((base / name).as_uri())
        _wait_ready(browser)
        if query:
            box = browser.find_element(By.ID, "search")
            box.send_keys(query)
            time.sleep(0.2)
            shown = browser.execute_script("return Array.from(document.querySelectorAll('#results a'))"
                                           ".map(function (a) { return [a.getAttribute('href'), a.textContent]; })")
            assert [evil, "<img src=x onerror=alert('label-en')>"] in shown
        seen = _inspect(browser)
        assert seen["handlers"] == [] and seen["urls"] == [], name
        assert seen["injected"] == 0 and seen["metas"] == 5, name  # charset, CSP, referrer, viewport, generator
        assert [s for s in seen["scripts"] if s not in ("application/json",) and not s.endswith(
            ("assets/vis-network.min.js", "assets/site.js"))] == []
        _no_dialog(browser)
        if name == evil:
            assert browser.find_element(By.ID, "title").text == "<img src=x onerror=alert('label-en')>"
            browser.find_element(By.ID, "lang-switch").click()
            assert browser.find_element(By.ID, "title").text == "</script><script>alert('label-zh')</script>恶意公司"
            browser.find_element(By.ID, "lang-switch").click()
        if name == "data/Photoresist.html":
            assert "</script><script>alert('evidence')</script> and <img src=x onerror=alert('evidence-img')>" \
                in seen["text"]
    assert [u for u in requested_urls(browser) if not u.startswith(base.as_uri() + "/")] == []
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_a_view_links_to_the_entity_pages_in_chromium(browser, kg, site_dir):
    """build's overview (beside site/, as in build/): searching a node shows a link to its page in the details
    panel, and the link opens the page; the page link is the only link the panel adds."""
    from selenium.webdriver.common.by import By

    from chiplet_kg.views.report import build_outputs

    from .test_views import _open

    base = site_dir.parent / "build-like"
    base.mkdir(exist_ok=True)
    if not (base / "site").exists():
        (base / "site").symlink_to(site_dir, target_is_directory=True)
    view = base / "view-overview.html"
    view.write_text(build_outputs(kg)["view-overview.html"], encoding="utf-8")
    urls, logs = _open(browser, view)
    assert [u for u in urls if u != view.as_uri() and not u.startswith("data:")] == []
    assert [e for e in logs if e["level"] == "SEVERE"] == []
    box = browser.find_element(By.ID, "search")
    box.send_keys("光刻胶")
    time.sleep(0.2)
    links = browser.execute_script("return Array.from(document.querySelectorAll('#details a'))"
                                   ".map(function (a) { return [a.className, a.getAttribute('href')]; })")
    assert links == [["page-link", "site/data/Photoresist.html"]]
    browser.find_element(By.CSS_SELECTOR, "#details a.page-link").click()
    _wait_ready(browser)
    assert browser.current_url.endswith("/site/data/Photoresist.html")
    assert browser.find_element(By.ID, "title").text in ("photoresist", "光刻胶")


def test_a_source_lists_what_it_is_cited_for(site):
    """A paper section's page lists the statements it sources, with their quotes (from the axioms)."""
    cited = _section(site["data/paper-s4-2.html"].decode(), "cited")
    assert 'href="../data/Photoresist.html"' in cited and 'href="../data/KeyMaterials.html"' in cited
    assert "关键材料国产化率低，如光刻胶、高性能封装基板材料等" in cited


def test_a_build_removes_the_pages_of_entities_it_lacks(tmp_path):
    """pipeline.write: a page the previous build wrote for an entity this graph lacks is removed (else the folder
    would mix two builds); files outside site/ are left alone."""
    from chiplet_kg.pipeline import write

    write(tmp_path, {"graph.ttl": "a", "site/data/A.html": "a", "site/data/Gone.html": "g",
                     "site/data/Gone.ttl": "g"}, reasoned=False)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    write(tmp_path, {"graph.ttl": "b", "site/data/A.html": "b"}, reasoned=False)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()
                  and not p.name.startswith(".")) == ["graph.ttl", "notes.txt", "site/data/A.html"]

"""XSS corpus: filter-evasion payloads in labels, definitions, sources, evidence and IRIs never run, in any view or
report, in headless Chromium; the text shows as typed.

Every payload, if it ran, would set ``window.__xss`` (in the page or its parent) or open a dialog (recorded by the
hook in tests/browser.py). The --data file is built with rdflib from the list below, so each payload reaches the
graph exactly as written: firms labelled with payloads (English and Chinese, definitions too) supply a real
item with a payload as evidence, are based in a country with a payload label, and cite sources whose IRIs and
titles are payloads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from chiplet_kg import ChipletKG
from chiplet_kg.namespace import CKG, CKGD
from chiplet_kg.network import project
from chiplet_kg.views import render_view
from chiplet_kg.views.report import build_outputs


X = Namespace("https://example.org/xss/")

#: Filter-evasion payloads (after the OWASP XSS filter-evasion cheat sheet and mutation-XSS write-ups). ``N`` is
#: replaced by the payload's number, so a payload that runs says which one it was.
PAYLOADS = [
    "<script>window.__xss=N</script>",
    "<img src=x onerror=\"window.__xss=N\">",
    "<svg/onload=window.__xss=N>",
    "<IMG SRC=\"javascript:window.__xss=N;\">",
    "<iframe srcdoc=\"<script>parent.__xss=N</script>\"></iframe>",
    "\"><script>window.__xss=N</script>",
    "'><img src=x onerror=window.__xss=N>",
    "</script><script>window.__xss=N</script>",
    "<ScRiPt>window.__xss=N</sCrIpT>",
    "<scr<script>ipt>window.__xss=N</scr</script>ipt>",
    "<a href=\"jav&#x09;ascript:window.__xss=N\">click</a>",
    "<body onload=window.__xss=N>",
    "<details open ontoggle=window.__xss=N>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=N>",
    "<!--<img src=\"--><img src=x onerror=window.__xss=N//\">",
    "<input autofocus onfocus=window.__xss=N>",
    "{{constructor.constructor('window.__xss=N')()}}",
    "${window.__xss=N}",
    "<object data=\"javascript:window.__xss=N\"></object>",
    "<embed src=\"data:text/html,<script>parent.__xss=N</script>\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__xss=N\">",
    "\u2028\u2029</script><script>window.__xss=N</script>",
    "<![CDATA[<script>window.__xss=N</script>]]>",
    "\" onmouseover=\"window.__xss=N\" x=\"",
    "<base href=\"javascript:window.__xss=N//\">",
    "&lt;script&gt;window.__xss=N&lt;/script&gt;",
    "\\u003cscript\\u003ewindow.__xss=N\\u003c/script\\u003e",
    "<img src=x onerror=alert(N)>",
    "<style>*{background:url('javascript:window.__xss=N')}</style>",
    "<svg><animate onbegin=window.__xss=N attributeName=x dur=1s>",
]
PAYLOADS = [p.replace("N", str(i + 1)) for i, p in enumerate(PAYLOADS)]
#: IRIs of sources and entities: no spaces, quotes or angle brackets are possible, but schemes and ' are.
IRI_PAYLOADS = ["javascript:window.__xss=101", "data:text/html,%3Cscript%3Ewindow.__xss=102%3C/script%3E",
                "https://example.org/xss/a'onmouseover='window.__xss=103", "vbscript:msgbox(104)",
                "https://example.org/xss/%3Cscript%3Ewindow.__xss=105%3C/script%3E"]


def _corpus() -> Graph:
    g = Graph()
    country = X["Payloadland"]
    g.add((country, RDF.type, CKG.CountryOrRegion))
    g.add((country, RDFS.label, Literal(PAYLOADS[0] + " land", lang="en")))
    g.add((country, RDFS.label, Literal(PAYLOADS[1] + "国", lang="zh")))
    g.add((country, CKG.isoAlpha3, Literal("XSS")))
    for k, iri in enumerate(IRI_PAYLOADS):
        src = URIRef(iri)
        g.add((src, RDF.type, DCTERMS.BibliographicResource))
        g.add((src, DCTERMS.title, Literal(PAYLOADS[k % len(PAYLOADS)], lang="en")))
    for i, payload in enumerate(PAYLOADS):
        firm = X[f"Firm{i}"] if i % 5 else URIRef(f"https://example.org/xss/f{i}'onerror='window.__xss={200 + i}")
        src = URIRef(IRI_PAYLOADS[i % len(IRI_PAYLOADS)])
        g.add((firm, RDF.type, CKG.Firm))
        g.add((firm, RDFS.label, Literal(payload, lang="en")))
        g.add((firm, RDFS.label, Literal(payload + " 公司", lang="zh")))
        g.add((firm, SKOS.definition, Literal("definition " + payload, lang="en")))
        g.add((firm, DCTERMS.source, src))
        g.add((firm, CKG.basedIn, country))
        g.add((CKGD.Photoresist, CKG.suppliedBy, firm))
        ax = BNode()
        for p, o in ((RDF.type, OWL.Axiom), (OWL.annotatedSource, CKGD.Photoresist),
                     (OWL.annotatedProperty, CKG.suppliedBy), (OWL.annotatedTarget, firm), (DCTERMS.source, src),
                     (CKG.evidence, Literal("evidence " + payload, lang="en"))):
            g.add((ax, p, o))
    return g


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Every view (English, and the two with most text also in Chinese) and the report, from the corpus."""
    base = tmp_path_factory.mktemp("xss")
    data = base / "xss-corpus.ttl"
    data.write_bytes(_corpus().serialize(format="turtle", encoding="utf-8"))
    kg = ChipletKG(data=[data])
    g = project(kg)
    focus = str(X["Firm1"])
    views = [("overview", {}), ("policy-trace", {}), ("supply-chain", {}), ("roadmap", {}),
             ("focus", {"focus": focus, "depth": 2}), ("whatif", {"remove": [str(X["Payloadland"])]}),
             ("supply-chain", {"lang": "zh"}), ("focus", {"focus": focus, "depth": 2, "lang": "zh"})]
    # the same pages from the shipped graph alone: the markup the page itself brings (no payloads)
    clean_kg = ChipletKG()
    clean_g = project(clean_kg)
    clean_focus, clean_remove = str(CKGD.JCET), str(CKGD.Netherlands)
    out = {}
    for view, kwargs in views:
        name = f"{view}{'.zh' if kwargs.get('lang') == 'zh' else ''}.html"
        (base / name).write_text(render_view(g, view, **kwargs), encoding="utf-8")
        clean_kwargs = {**kwargs, **({"focus": clean_focus} if "focus" in kwargs else {}),
                        **({"remove": [clean_remove]} if "remove" in kwargs else {})}
        out[name] = (base / name, render_view(clean_g, view, **clean_kwargs))
    clean_reports = build_outputs(clean_kg)
    for name, html in build_outputs(kg).items():
        if name.startswith("report"):
            (base / name).write_text(html, encoding="utf-8")
            out[name] = (base / name, clean_reports[name])
    return out


def _static_tags(html: str) -> dict[str, int]:
    """The elements of _DANGEROUS that the page source itself holds, as an HTML parser reads it."""
    from html.parser import HTMLParser

    counts: dict[str, int] = {}

    class Count(HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if (tag == "script" and a.get("type") == "application/json") or (tag == "style" and "nonce" in a) \
                    or (tag == "meta" and "http-equiv" not in a):
                return
            if tag in ("script", "img", "iframe", "svg", "math", "object", "embed", "base", "input", "details",
                       "style", "meta", "frame", "form"):
                counts[tag.upper()] = counts.get(tag.upper(), 0) + 1

    Count().feed(html)
    return counts


_DANGEROUS = "script:not([type='application/json']), img, iframe, svg, math, object, embed, base, input, details, " \
             "style:not([nonce]), meta[http-equiv], frame, form"
_INSPECT = """
var out = {xss: typeof window.__xss, dialogs: window.__dialogs, handlers: [], urls: [], tags: {}};
document.querySelectorAll('*').forEach(function (el) {
  for (var i = 0; i < el.attributes.length; i++) {
    var a = el.attributes[i];
    if (/^on/i.test(a.name) || /__xss|alert\\(28\\)|msgbox/.test(a.value)) out.handlers.push(el.tagName + ' ' + a.name);
    if (/^(href|src|data|action|formaction|srcdoc)$/i.test(a.name) && /^\\s*(javascript|data|vbscript):/i.test(a.value))
      out.urls.push(el.tagName + ' ' + a.name + '=' + a.value);
  }
});
document.querySelectorAll(arguments[0]).forEach(function (el) {
  // vis-network adds style elements of its own at run time: those are compared by content, not counted
  if (el.tagName !== 'STYLE') out.tags[el.tagName] = (out.tags[el.tagName] || 0) + 1;
});
out.code = [];
document.querySelectorAll("script:not([type='application/json']), style").forEach(function (el) {
  if (/__xss|alert\\(28\\)|msgbox/.test(el.textContent)) out.code.push(el.tagName + ': ' + el.textContent.slice(0, 200));
});
out.scripts = document.scripts.length;
out.text = document.body ? document.body.innerText : '';
if (window.chipletView) {
  out.labels = window.chipletView.nodes.get().map(function (n) { return [n.id, n.label, String(n.title || '')]; });
  out.edges = window.chipletView.edges.get().map(function (e) { return String(e.title || ''); });
}
return out;
"""


def _open(driver, path: Path, view: bool) -> dict:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get("about:blank")
    driver.get(path.as_uri())
    if view:
        WebDriverWait(driver, 90, poll_frequency=0.2).until(
            lambda d: d.execute_script("return !!(window.chipletView && window.chipletView.ready)"))
    else:
        WebDriverWait(driver, 30, poll_frequency=0.2).until(
            lambda d: d.execute_script("return document.readyState") == "complete")
    driver.execute_script("document.querySelectorAll('*').forEach(function (el) {"
                          " el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); });")
    return driver.execute_script(_INSPECT, _DANGEROUS)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("name", ["overview.html", "policy-trace.html", "supply-chain.html", "roadmap.html",
                                  "focus.html", "whatif.html", "supply-chain.zh.html", "focus.zh.html",
                                  "report.html", "report.zh.html"])
def test_no_payload_runs_and_text_shows_as_typed(name, pages, browser):
    """No payload runs (``window.__xss`` stays undefined, no dialog, even after a mouseover on every element);
    no element, event handler or script URL comes from the data; every payload label is in the page as typed."""
    from selenium.common.exceptions import NoAlertPresentException

    is_view = not name.startswith("report")
    path, clean = pages[name]
    own = _static_tags(clean)
    assert _static_tags(path.read_text(encoding="utf-8")) == own, "the payloads added markup to the page source"
    seen = _open(browser, path, is_view)
    try:
        alert = browser.switch_to.alert.text
    except NoAlertPresentException:
        alert = None
    assert alert is None
    assert seen["xss"] == "undefined" and seen["dialogs"] == []
    assert seen["handlers"] == [] and seen["urls"] == []
    assert seen["tags"] == {k: v for k, v in own.items() if k != "STYLE"}, "elements were added at run time"
    assert seen["code"] == [], "payload text inside a script or style element"
    zh = ".zh." in name
    if is_view:
        assert seen["scripts"] == 3  # vis-network, the page's script and its JSON data block: nothing else
        labels = {node_id: label for node_id, label, _ in seen["labels"]}
        titles = "\n".join(t for _, _, t in seen["labels"]) + "\n".join(seen["edges"])
        for i, payload in enumerate(PAYLOADS):
            firm = next((k for k in labels if k.startswith(f"https://example.org/xss/f{i}'") or
                         k == f"https://example.org/xss/Firm{i}"), None)
            if firm is None:
                continue  # not in this view (focus, roadmap)
            shown = payload + " 公司" if zh else payload
            assert _squash(labels[firm]) == _squash(shown) or _squash(shown) in _squash(titles), payload
            assert _squash(payload) in _squash(titles), f"tooltip lacks {payload!r}"
        if name.startswith(("overview", "supply-chain")):
            assert sum(1 for k in labels if k.startswith("https://example.org/xss/")) >= len(PAYLOADS)
    else:
        assert seen["scripts"] == 0  # the report is tables only
        text = _squash(seen["text"])
        shown = [p for p in PAYLOADS if _squash(p) in text]
        # the chokepoint row of photoresist names its suppliers: every payload firm, as typed
        assert len(shown) == len(PAYLOADS), sorted(set(PAYLOADS) - set(shown))


# ------------------------------------------------------------------ the static site's pages (issue 17)

_SITE_INSPECT = """
var out = {xss: typeof window.__xss, dialogs: window.__dialogs, handlers: [], urls: [], odd: []};
document.querySelectorAll('*').forEach(function (el) {
  for (var i = 0; i < el.attributes.length; i++) {
    var a = el.attributes[i];
    if (/^on/i.test(a.name)) out.handlers.push(el.tagName + ' ' + a.name);
    if (/^(href|src|data|action|formaction|srcdoc)$/i.test(a.name) && /^\\s*(javascript|data|vbscript):/i.test(a.value))
      out.urls.push(el.tagName + ' ' + a.name + '=' + a.value);
    // A payload IRI may stand, as the text it is, in a title or in the href of an http(s) link: nowhere else.
    if (/__xss|msgbox/.test(a.value) && !(a.name === 'title' || (a.name === 'href' && /^https?:/.test(a.value))))
      out.odd.push(el.tagName + ' ' + a.name + '=' + a.value);
  }
});
out.injected = document.querySelectorAll(arguments[0]).length;
out.scripts = Array.from(document.scripts).map(function (s) { return s.type || s.getAttribute('src'); });
out.text = document.body.innerText;
return out;
"""
_SITE_DANGEROUS = "img, iframe, svg, math, object, embed, base, details, form, frame, input:not(#search), " \
                  "meta:not([charset]):not([http-equiv='Content-Security-Policy']):not([name])"


@pytest.fixture(scope="module")
def site_pages(tmp_path_factory):
    """The static site of the shipped graph plus the corpus (chiplet_kg.site), written to a folder."""
    from chiplet_kg.site import build_site

    base = tmp_path_factory.mktemp("xss-site")
    data = base / "xss-corpus.ttl"
    data.write_bytes(_corpus().serialize(format="turtle", encoding="utf-8"))
    site = build_site(ChipletKG(data=[data], reason=False))
    for name, body in site.items():
        (base / "site" / name).parent.mkdir(parents=True, exist_ok=True)
        (base / "site" / name).write_bytes(body)
    return site, base / "site"


def test_site_pages_keep_payloads_inert(site_pages, browser):
    """Entity pages (photoresist, which every payload firm supplies with a payload as evidence; firms with payload
    labels and IRIs; the payload country; a source whose IRI is a payload) and the index, searched: no payload
    runs, no element or handler comes from the data, and every payload shows as typed."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from chiplet_kg.site import page_path

    site, base = site_pages
    firms = [X[f"Firm{i}"] if i % 5 else URIRef(f"https://example.org/xss/f{i}'onerror='window.__xss={200 + i}")
             for i in range(len(PAYLOADS))]
    names = ["index.html", "data/Photoresist.html", page_path(X["Payloadland"]), page_path(URIRef(IRI_PAYLOADS[0])),
             *[page_path(f) for f in firms[:6]]]
    assert all(n in site for n in names)
    for name in names:
        browser.get("about:blank")
        browser.get((base / name).as_uri())
        WebDriverWait(browser, 90, poll_frequency=0.2).until(
            lambda d: d.execute_script("return document.body.getAttribute('data-ready') === 'true'"))
        if name == "index.html":
            box = browser.find_element(By.ID, "search")
            box.send_keys("公司")
            WebDriverWait(browser, 5).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results a")) >= len(PAYLOADS))
        browser.execute_script("document.querySelectorAll('*').forEach(function (el) {"
                               " el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); });")
        seen = browser.execute_script(_SITE_INSPECT, _SITE_DANGEROUS)
        assert seen["xss"] == "undefined" and seen["dialogs"] == [], name
        assert seen["handlers"] == [] and seen["urls"] == [] and seen["odd"] == [], name
        assert seen["injected"] == 0, name
        assert all(s == "application/json" or s.endswith(("assets/vis-network.min.js", "assets/site.js"))
                   for s in seen["scripts"]), seen["scripts"]
        text = _squash(seen["text"])
        if name == "data/Photoresist.html":
            assert [p for p in PAYLOADS if _squash("evidence " + p) not in text] == []
            assert [p for p in PAYLOADS if _squash(p) not in text] == []
        if name == "index.html":
            assert [p for p in PAYLOADS if _squash(p) not in text] == []

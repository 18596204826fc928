"""The query page: YASGUI (bundled from npm, served from the package) over ``/sparql``, the named queries as examples."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

__all__ = ["query_page", "asset", "example_text", "CSP", "ASSETS", "ENDPOINT"]

#: Where the page sends queries: the endpoint on the page's own origin.
ENDPOINT = "/sparql"

#: The files served under ``/static/yasgui/``, with their content types; nothing else is served from there.
#: ``yasgui.min.*``, ``LICENSE`` and ``THIRD-PARTY-LICENSES.txt`` come from ``web/build.sh``; ``chiplet-kg.*`` are
#: the page's own script and style.
ASSETS = {
    "yasgui.min.js": "text/javascript; charset=utf-8",
    "yasgui.min.css": "text/css; charset=utf-8",
    "chiplet-kg.js": "text/javascript; charset=utf-8",
    "chiplet-kg.css": "text/css; charset=utf-8",
    "LICENSE": "text/plain; charset=utf-8",
    "THIRD-PARTY-LICENSES.txt": "text/plain; charset=utf-8",
    "MANIFEST.json": "application/json; charset=utf-8",
}

#: The page's Content-Security-Policy. Scripts, styles and queries come from the page's origin only; no remote
#: origin appears. The three hashes admit the three style elements YASGUI's table inserts for its column resizer
#: (column-resizer 1.4: its base rules, the grip's hover cursor, the cursor while dragging); tests/test_yasgui.py
#: recomputes them from the bundle. No other inline style or script runs.
CSP = ("default-src 'none'; script-src 'self'; "
       "style-src 'self' 'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk=' "
       "'sha256-uOD34hIE2IkGKZTX5w07OytJQ2rjNUie9tXhYewejGU=' 'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='; "
       "connect-src 'self'; img-src 'self' data:; font-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

#: The query in the first tab when a browser has none stored.
DEFAULT_QUERY = """SELECT ?firm ?label WHERE {
  ?firm a ckg:Firm ; ckg:basedIn ckgd:China ; rdfs:label ?label .
  FILTER(LANG(?label) = "zh")
}
ORDER BY ?label
LIMIT 50
"""

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _json_for_script(value) -> str:
    """JSON that cannot end a ``<script type="application/json">`` element: no ``<``, ``>`` or ``&`` survive.

    >>> _json_for_script({"a": "</script>&"})
    '{"a": "\\\\u003c/script\\\\u003e\\\\u0026"}'
    """
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_ESCAPES[m.group(0)], json.dumps(value, ensure_ascii=False))


def _declare_prefixes(text: str, prefixes: dict) -> str:
    """``text`` with a PREFIX line for each of ``prefixes`` it uses and does not declare.

    The endpoint predeclares them; written out, the query also runs elsewhere and YASGUI shortens IRIs with them.

    >>> print(_declare_prefixes("ASK { ckgd:JCET ?p <urn:x:y> }", {"ckgd": "https://w3id.org/chiplet-kg/data/",
    ...                                                        "urn": "urn:"}))
    PREFIX ckgd: <https://w3id.org/chiplet-kg/data/>
    ASK { ckgd:JCET ?p <urn:x:y> }
    """
    declared = {m.lower() for m in re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):", text)}
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in prefixes.items()
             if p.lower() not in declared and re.search(rf"(?<![\w<\-:/]){re.escape(p)}:", text)]
    return "\n".join(lines + [text])


def example_text(query, lang: str, prefixes: dict) -> str:
    """A named query's text as the editor shows it: ``?lang`` bound to ``lang`` (as ``chiplet-kg query --lang``
    binds it, in a VALUES block) and PREFIX lines for the prefixes it uses.

    Its parameters stay unbound: every named query's parameters are optional filters or are listed in the
    example's description; the text never receives a value from a request.

    Examples
    --------
    >>> from chiplet_kg.library import load_library
    >>> from chiplet_kg.namespace import PREFIXES
    >>> text = example_text(load_library()["suppliers-by-country"], "zh", PREFIXES)
    >>> 'VALUES (?lang) { ("zh") }' in text and text.startswith("PREFIX ckg: <https://w3id.org/chiplet-kg/ontology/>")
    True
    """
    from rdflib import Literal

    from .library import _strip_comments  # the rule bind_params uses to see whether a query reads ?lang
    from .sparql.terms import with_bindings

    text = query.text
    if re.search(r"\?lang\b", _strip_comments(text)):
        text = with_bindings(text, {"lang": Literal(lang)})
    return _declare_prefixes(text, prefixes)


def _page_data(library, prefixes: dict) -> dict:
    prefixes = {p: str(ns) for p, ns in prefixes.items()}
    examples = [{
        "name": q.name, "title": q.title, "title_zh": q.title_zh, "description": q.description,
        "params": [{"name": p.name, "kind": p.kind, "required": p.required, "default": p.default or ""}
                   for p in q.params],
        "text": {lang: example_text(q, lang, prefixes) for lang in ("en", "zh")},
    } for q in library.values()]
    return {"endpoint": ENDPOINT, "prefixes": prefixes, "defaultQuery": _declare_prefixes(DEFAULT_QUERY, prefixes),
            "examples": examples}


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chiplet-kg SPARQL editor</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/yasgui/yasgui.min.css">
<link rel="stylesheet" href="/static/yasgui/chiplet-kg.css">
</head>
<body>
<header>
<h1>chiplet-kg SPARQL editor</h1>
<p class="note">Read-only SPARQL 1.1 over the graph (asserted and inferred triples) at <code>/sparql</code>; the
prefixes ckg:, ckgd:, rdfs:, owl:, skos:, dcterms: … are predeclared. The named queries are at
<a href="/queries">/queries</a>; pick one below to open it in a new tab. Every entity has a page:
<a href="/index.html">browse the graph</a> (each IRI <code>/data/NAME</code> opens its page). Your tabs are kept in this browser only
(localStorage). Editor: <a href="/static/yasgui/LICENSE">YASGUI</a> {version}
(<a href="/static/yasgui/THIRD-PARTY-LICENSES.txt">licences</a>).</p>
<p id="examples"><label for="example">Named query</label>
<select id="example"></select>
<select id="example-lang" aria-label="label language"><option value="en">English labels</option>
<option value="zh">中文标签</option></select>
<button id="open-example" type="button">Open in a new tab</button></p>
<p class="note" id="example-description"></p>
<p id="params"></p>
</header>
<main id="yasgui"></main>
<script type="application/json" id="chiplet-kg-data">{data}</script>
<script src="/static/yasgui/yasgui.min.js"></script>
<script src="/static/yasgui/chiplet-kg.js"></script>
</body>
</html>
"""


def query_page(library, *, prefixes) -> bytes:
    """The query page's HTML: YASGUI querying ``/sparql``, ``prefixes`` preloaded, ``library``'s queries as examples.

    Every text from the library (titles, descriptions, query text) travels in one escaped JSON block and is put
    into the page by ``chiplet-kg.js`` as text; nothing from it is pasted into HTML or script. Serve it with
    :data:`CSP`.

    Parameters
    ----------
    library : ``{name: NamedQuery}``, as ``chiplet_kg.library.load_library()`` returns.
    prefixes : ``{prefix: namespace}``, e.g. ``chiplet_kg.namespace.PREFIXES``.

    Examples
    --------
    >>> from chiplet_kg.library import load_library
    >>> from chiplet_kg.namespace import PREFIXES
    >>> page = query_page(load_library(), prefixes=PREFIXES).decode()
    >>> '<script src="/static/yasgui/chiplet-kg.js"></script>' in page and "policy-trace" in page
    True
    """
    data = _json_for_script(_page_data(library, prefixes))
    return _PAGE.replace("{version}", _bundle_version()).replace("{data}", data).encode("utf-8")


@lru_cache(maxsize=None)
def _bundle_version() -> str:
    found = asset("MANIFEST.json")
    return json.loads(found[0])["version"] if found else "?"


@lru_cache(maxsize=None)
def asset(name: str) -> tuple[bytes, str] | None:
    """The content and content type of ``/static/yasgui/NAME``; None for any name not in :data:`ASSETS`.

    Only the listed names are looked up (no path is built from a request), so ``../`` and the like find nothing.
    The bundle's ``sourceMappingURL`` comment is dropped when served: the map is not shipped, so the comment
    would only invite a request that fails.

    Examples
    --------
    >>> asset("yasgui.min.css")[1]
    'text/css; charset=utf-8'
    >>> asset("../server.py") is None and asset("") is None
    True
    """
    if name not in ASSETS:
        return None
    try:
        body = resources.files("chiplet_kg").joinpath("static").joinpath("yasgui").joinpath(name).read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if name.endswith(".js"):
        body = re.sub(rb"\n//# sourceMappingURL=[^\n]*\n?\Z", b"\n", body)
    return body, ASSETS[name]

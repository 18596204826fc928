"""HTML documentation of the ontology, made by pyLODE and made safe to read offline."""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager

from rdflib import Graph

__all__ = ["ontology_graph", "in_language", "ontology_html", "strip_remote_resources", "docs_outputs", "LANGUAGES"]

#: The documentation's languages and their file names under ``docs/``.
LANGUAGES = {"en": "index.html", "zh": "index.zh.html"}

_REMOTE = r"(?:https?:)?//"
#: Elements that make a browser fetch something when the page opens: stylesheets, scripts, images, frames, fonts.
_REMOTE_PATTERNS = (
    re.compile(rf"<link\b[^>]*\bhref\s*=\s*[\"']?{_REMOTE}[^>]*>", re.I),
    re.compile(rf"<script\b[^>]*\bsrc\s*=\s*[\"']?{_REMOTE}[^>]*>\s*</script\s*>", re.I),
    re.compile(rf"<(?:img|iframe|embed|source|audio|video)\b[^>]*\bsrc\s*=\s*[\"']?{_REMOTE}[^>]*>", re.I),
    re.compile(rf"@import\s+(?:url\()?\s*[\"']?{_REMOTE}[^;]*;", re.I),
    re.compile(rf"url\(\s*[\"']?{_REMOTE}[^)]*\)", re.I),
)


def strip_remote_resources(html: str) -> str:
    """``html`` without anything that loads from the network when the page opens (links to read stay).

    Examples
    --------
    >>> strip_remote_resources('<link rel="stylesheet" href="https://cdn.example/x.css"><a href="https://w3id.org">w</a>')
    '<a href="https://w3id.org">w</a>'
    """
    for pattern in _REMOTE_PATTERNS:
        html = pattern.sub("", html)
    return html


def ontology_graph(kg) -> Graph:
    """The ontology alone (``ontology/*.ttl`` without the shapes), as documentation tools expect it: a copy of the
    store's ontology graph (:attr:`chiplet_kg.kg.ChipletKG.ontology`), not a second parse of the files."""
    from .namespace import bind_prefixes

    graph = bind_prefixes(Graph())
    graph += kg.ontology
    return graph


def in_language(graph: Graph, lang: str) -> Graph:
    """A copy of ``graph`` in which a subject's property with literals in ``lang`` keeps only those literals.

    pyLODE prints every label and definition it finds, run together; one language per page reads well. Where a
    property has no literal in ``lang`` (a title in English only, say), all of its literals stay.

    Examples
    --------
    >>> from rdflib import Literal, URIRef
    >>> from rdflib.namespace import RDFS
    >>> g = Graph()
    >>> x = URIRef("https://example.org/x")
    >>> g += [(x, RDFS.label, Literal("entity", lang="en")), (x, RDFS.label, Literal("实体", lang="zh"))]
    >>> [str(o) for o in in_language(g, "zh").objects(x, RDFS.label)]
    ['实体']
    """
    from rdflib import Literal

    out = Graph()
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns, override=True, replace=True)
    for s, p, o in graph:
        if isinstance(o, Literal) and o.language and o.language != lang:
            if any(isinstance(x, Literal) and x.language == lang for x in graph.objects(s, p)):
                continue
        out.add((s, p, o))
    return out


@contextmanager
def _quiet_pylode():
    """Import pyLODE without its side effects, and work around its crash on nested class expressions.

    pyLODE's ``supermodel`` loader calls ``logging.basicConfig(level=DEBUG)`` on import, which would make every
    later log call print; the root logger is put back as it was. pyLODE (3.x) collects the members of a union or
    intersection in a set, and a nested union (``A and (B or C)``, as in ``ckg:RestrictedItem``) comes back as an
    unhashable list; :func:`pylode.utils.intersperse` is made to return one element (members sorted, so the page
    is the same on every build) while pyLODE runs.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import pylode.utils as pylode_utils
    from dominate.tags import span
    from pylode import OntPub

    original = pylode_utils.intersperse

    def intersperse(items, sep):
        return span(*original(sorted(items, key=str), sep))

    pylode_utils.intersperse = intersperse
    root.setLevel(logging.WARNING)
    try:
        yield OntPub
    finally:
        pylode_utils.intersperse = original
        root.handlers[:] = handlers
        root.setLevel(level)


def ontology_html(kg, lang: str = "en") -> str:
    """The ontology's documentation in ``lang`` as one HTML page (pyLODE's OntPub profile), with no remote resources.

    It reads the ontology header (title, description, creator, license, version IRI), the classes and properties
    with their labels, definitions, domains and ranges.

    Raises
    ------
    OutputError
        pyLODE could not document the ontology (the message says why).
    """
    from .errors import OutputError

    from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

    graph = in_language(ontology_graph(kg), lang)
    if not len(graph):
        raise OutputError("there is no ontology to document (loaded with builtin=False)")
    for header in graph.subjects(RDF.type, OWL.Ontology):
        if (header, DCTERMS.title, None) in graph:
            graph.remove((header, RDFS.label, None))  # pyLODE would run the title and the label together
    with _quiet_pylode() as OntPub:
        try:
            html = OntPub(ontology=graph).make_html()
        except Exception as err:  # noqa: BLE001 - pyLODE raises many kinds; name it in one line
            raise OutputError(f"pyLODE could not document the ontology: {type(err).__name__}: {err}") from None
    other = "zh" if lang == "en" else "en"
    # A link to the page in the other language, right after <body> (pyLODE has no place for one).
    switch = (f'<p style="position:absolute;top:4px;right:300px;font-size:14px"><a href="{LANGUAGES[other]}">'
              f'{"中文" if other == "zh" else "English"}</a></p>')
    html = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + switch, html, count=1)
    html = re.sub(r"<html(?![^>]*\blang=)", f'<html lang="{lang}"', html, count=1)
    return strip_remote_resources(html)


def docs_outputs(kg) -> dict[str, str]:
    """``docs/index.html`` (English) and ``docs/index.zh.html`` (Chinese) for ``chiplet-kg build``."""
    return {f"docs/{name}": ontology_html(kg, lang) for lang, name in LANGUAGES.items()}

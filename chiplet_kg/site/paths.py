"""Where each IRI's page lives in the static site, and relative links between pages."""

from __future__ import annotations

import hashlib
import re

from rdflib import URIRef

from ..namespace import CKG, CKGD, ETO

__all__ = ["FOLDERS", "page_path", "stem", "relative"]

#: Namespace → folder of the site. Any other IRI goes to ``other/``.
FOLDERS = ((str(CKGD), "data"), (str(CKG._NS), "ontology"), (str(ETO), "eto"))

#: A local name that can be a file name as it is (no path separator, no leading dot, nothing to escape in a URL).
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}")


def stem(iri) -> str | None:
    """The page's path without its extension (``data/Photoresist``), or None for a blank node or a literal."""
    from rdflib import BNode, Literal

    if isinstance(iri, (BNode, Literal)) or not isinstance(iri, str):
        return None
    text = str(iri)
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", text):
        return None  # not an absolute IRI
    for ns, folder in FOLDERS:
        if text.startswith(ns):
            local = text[len(ns):]
            if _SAFE.fullmatch(local) and not local.endswith((".html", ".ttl", ".jsonld")):
                return f"{folder}/{local}"
    # Anything else (a web address, a user's namespace, an odd local name): a stable name from the IRI's hash.
    return "other/" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def page_path(iri) -> str | None:
    """Where the page of ``iri`` is, relative to the site's root; None for a blank node or a literal.

    Examples
    --------
    >>> page_path("https://w3id.org/chiplet-kg/data/Photoresist"), page_path(CKG.Material)
    ('data/Photoresist.html', 'ontology/Material.html')
    >>> page_path("https://w3id.org/chiplet-kg/eto/N20"), page_path("https://example.org/x")[:6]
    ('eto/N20.html', 'other/')
    """
    base = stem(iri)
    return None if base is None else base + ".html"


def relative(from_path: str, to_path: str) -> str:
    """The relative link from the page at ``from_path`` to ``to_path`` (both relative to the site's root).

    >>> relative("data/A.html", "ontology/T.html"), relative("index.html", "data/A.html")
    ('../ontology/T.html', 'data/A.html')
    """
    depth = from_path.count("/")
    return "../" * depth + to_path

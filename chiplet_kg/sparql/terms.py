"""RDF terms in and out of SPARQL: pyoxigraph ↔ rdflib terms, IRIs and literals as query text, parameters bound."""

from __future__ import annotations

import re

from rdflib import BNode, Literal, URIRef

from ..errors import UsageError
from ..namespace import PREFIXES

__all__ = ["from_ox", "sparql_iri", "sparql_literal", "term_to_sparql", "to_ox", "with_bindings", "with_prefixes"]


_IRI_OK = re.compile(r'^[^\x00-\x20<>"{}|^`\\]+$')


def sparql_iri(iri: str) -> str:
    """``<iri>`` for query text, refusing characters that cannot appear in an IRI (so nothing can break out)."""
    if not _IRI_OK.match(iri):
        raise UsageError(f"not a valid IRI: {iri!r}")
    return f"<{iri}>"


def sparql_literal(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A SPARQL string literal with every special character escaped.

    Examples
    --------
    >>> print(sparql_literal('a "quoted" } # text\\n'))
    "a \\"quoted\\" } # text\\n"
    """
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t").replace("\b", "\\b").replace("\f", "\\f"))
    out = f'"{escaped}"'
    if lang:
        if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang):
            raise UsageError(f"not a valid language tag: {lang!r}")
        out += f"@{lang}"
    elif datatype:
        out += "^^" + sparql_iri(datatype)
    return out


def term_to_sparql(term) -> str:
    """A query-text form of an rdflib term, built so that no value can change the query's structure."""
    if isinstance(term, URIRef):
        return sparql_iri(str(term))
    if isinstance(term, Literal):
        return sparql_literal(str(term), term.language, str(term.datatype) if term.datatype else None)
    raise UsageError(f"cannot use {term!r} as a query parameter")


def to_ox(term):
    """The pyoxigraph term for an rdflib term (None stays None: a wildcard in a pattern)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise UsageError(f"unsupported RDF term: {term!r}")


def from_ox(term):
    """The rdflib term for a pyoxigraph term."""
    return _from_ox(term)


def _from_ox(term):
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise UsageError(f"unsupported RDF term in results: {term!r}")  # pragma: no cover - RDF-star triples


# ------------------------------------------------------------------ binding parameters, declaring prefixes

def with_bindings(text: str, bindings: dict) -> str:
    """``text`` with a ``VALUES`` block that binds each variable to one RDF term, at the top of its WHERE group.

    The block is built from terms (IRIs checked, literals escaped), so no value can change what the query does;
    the same text runs locally and on any SPARQL 1.1 endpoint.

    Examples
    --------
    >>> print(with_bindings("SELECT ?x WHERE { ?x ?p ?y }", {"y": Literal('} UNION { ?s ?p ?o')}))
    SELECT ?x WHERE { VALUES (?y) { ("} UNION { ?s ?p ?o") }
     ?x ?p ?y }
    """
    if not bindings:
        return text
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise UsageError(f"not a valid variable name: {name!r}")
    block = ("VALUES (" + " ".join(f"?{k}" for k in bindings) + ") { ("
             + " ".join(term_to_sparql(v) for v in bindings.values()) + ") }\n")
    pos = _where_brace(text)
    return text[: pos + 1] + " " + block + text[pos + 1:]


def with_prefixes(text: str) -> str:
    """``text`` with PREFIX declarations for the project's prefixes it uses but does not declare.

    Locally they are predeclared; a remote endpoint needs them in the text.

    Examples
    --------
    >>> print(with_prefixes("ASK { ckgd:JCET ?p ?o }"))
    PREFIX ckgd: <https://w3id.org/chiplet-kg/data/>
    ASK { ckgd:JCET ?p ?o }
    """
    declared = {m.lower() for m in re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):", text)}
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()
             if p.lower() not in declared and re.search(rf"(?<![\w<\-]){re.escape(p)}:", text)]
    return "\n".join(lines + [text])


def _where_brace(text: str) -> int:
    """Index of the ``{`` that opens the query's WHERE group, skipping comments, strings and IRIs."""
    i, n, seen_where, first_brace = 0, len(text), False, None
    while i < n:
        c = text[i]
        if c == "#":
            i = text.find("\n", i)
            i = n if i < 0 else i
            continue
        if c in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else c
            j = i + len(quote)
            while j < n and text[j:j + len(quote)] != quote:
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
            continue
        if c == "<" and re.match(r'<[^\s<>"{}|^`\\]*>', text[i:]):
            i = text.index(">", i) + 1
            continue
        if text[i:i + 5].upper() == "WHERE" and not text[i - 1:i].isalnum() and not text[i + 5:i + 6].isalnum():
            seen_where = True
        if c == "{":
            if seen_where:
                return i
            if first_brace is None:
                first_brace = i
        i += 1
    if first_brace is None:
        raise UsageError("the query has no WHERE group to bind parameters in")
    return first_brace

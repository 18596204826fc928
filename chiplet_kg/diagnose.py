"""Why a result is empty: what an output reads (classes, relations, an entity) checked against its input, with the likely cause."""

from __future__ import annotations

import sys
from collections import Counter

__all__ = ["why_empty", "warn_if_empty", "reads"]

#: Namespaces whose classes are vocabulary, not data: an instance typed only with these is no entity of ours.
_VOCABULARIES = ("http://www.w3.org/", "http://purl.org/dc/", "http://xmlns.com/foaf/", "http://www.w3.org/ns/",
                 "https://schema.org/", "http://schema.org/")
_HINT_ONTOLOGY = ("the ontology is not loaded (--no-builtin without its files): add --data ontology/chiplet.ttl "
                  "(and ontology/eto.ttl for imported ETO data), or leave out --no-builtin")


def _ckg() -> str:
    from .namespace import CKG

    return str(CKG)


def _short(iri: str) -> str:
    ns = _ckg()
    return "ckg:" + iri[len(ns):] if iri.startswith(ns) else iri


def _iri(name: str) -> str:
    return _ckg() + name[4:] if name.startswith("ckg:") else name


def _names(items) -> str:
    return ", ".join(_short(str(i)) for i in items)


def reads(text: str) -> dict[str, tuple[str, ...]]:
    """The ontology terms a SPARQL query reads, as keyword arguments for :func:`why_empty`: ``ckg:`` names that
    start with a capital are classes, the others relations (the project's naming convention).

    >>> reads("SELECT ?x WHERE { ?x a ckg:Firm ; ckg:basedIn ?c . ?c a ckg:CountryOrRegion }")
    {'classes': ('ckg:CountryOrRegion', 'ckg:Firm'), 'relations': ('ckg:basedIn',)}
    """
    import re

    ns = re.escape(_ckg())
    found = set(re.findall(r"(?<![\w:])ckg:([A-Za-z_][\w-]*)", text)) | set(re.findall(rf"<{ns}([A-Za-z_][\w-]*)>", text))
    return {"classes": tuple(sorted(f"ckg:{n}" for n in found if n[0].isupper())),
            "relations": tuple(sorted(f"ckg:{n}" for n in found if not n[0].isupper()))}


def why_empty(source, *, classes=(), relations=(), focus: str | None = None) -> str | None:
    """The likely cause of an empty result, or None when the input has what the output reads.

    Parameters
    ----------
    source : a :class:`~chiplet_kg.kg.ChipletKG` (its triples are examined: an ontology left out, data typed with
        classes of another namespace) or a projection (``chiplet_kg.network.project``: its entities, their kinds
        and the relations between them).
    classes : the ontology classes the output lists or starts from, as ``ckg:Name`` or IRIs; the result is
        explained when none of them has an instance.
    relations : the properties the output follows, as ``ckg:Name`` or IRIs; explained when none occurs.
    focus : an entity (IRI) the output starts from; explained when it has no relation to another entity.

    Returns
    -------
    str or None
        One sentence naming what is missing and the likely cause.

    Examples
    --------
    >>> import networkx as nx
    >>> why_empty(nx.MultiDiGraph(), classes=("ckg:SupplyChainItem",)).split(":")[0]
    'the graph has no entity of the ontology at all'
    """
    if hasattr(source, "ox") or hasattr(source, "store"):
        return _why_kg(source, classes, relations, focus)
    return _why_projection(source, classes, relations, focus)


def _why_projection(g, classes, relations, focus) -> str | None:
    known_classes = g.graph.get("class_labels", {})
    if g.number_of_nodes() == 0:
        if len(known_classes) <= 1:
            return "the graph has no entity of the ontology at all: " + _HINT_ONTOLOGY
        return ("the graph has no entity of the ontology at all: is the data typed with classes of another "
                f"namespace? The ontology's classes are {_ckg()}…")
    if focus is not None and focus in g and g.degree(focus) == 0:
        label = g.nodes[focus].get("label_en", focus)
        return f"'{label}' has no relation to another entity in the graph, so nothing can follow from it"
    wanted = [_short(_iri(c)) for c in classes]
    if wanted and not any(known in wanted for _, kinds in g.nodes(data="kinds") for known in (kinds or ())):
        missing = _names(wanted)
        if any(c not in known_classes for c in wanted):
            return f"no instance of {missing}, a class the loaded ontology does not define: " + _HINT_ONTOLOGY
        return f"none of the graph's {g.number_of_nodes()} entities is a {missing} (or of a subclass)"
    wanted = [_short(_iri(r)) for r in relations]
    if wanted:
        present = {data.get("predicate", key) for _, _, key, data in g.edges(keys=True, data=True)}
        if not present & set(wanted) and not (g.graph.get("provisions") and "ckg:provider" in wanted):
            return (f"no {' or '.join(wanted)} relation between the graph's entities, and the output follows "
                    "nothing else")
    return None


def _why_kg(kg, classes, relations, focus) -> str | None:
    from rdflib import OWL, RDF, RDFS, URIRef

    graph = kg.graph
    ns = _ckg()
    if len(graph) == 0:
        return "the graph is empty: no file was loaded (--no-builtin without --data?)"
    ontology = (URIRef(ns + "Entity"), RDF.type, OWL.Class) in graph
    typed = Counter(str(o) for o in graph.objects(None, RDF.type) if isinstance(o, URIRef))
    ours = {c: n for c, n in typed.items() if c.startswith(ns)}
    foreign = {c: n for c, n in typed.items() if not c.startswith(ns) and not c.startswith(_VOCABULARIES)}
    if not ontology:
        if ours:
            return (f"{sum(ours.values())} resources are typed with the ontology's classes (e.g. "
                    f"{_short(max(ours, key=ours.get))}), but " + _HINT_ONTOLOGY)
        return "the graph holds neither the ontology nor data typed with its classes: " + _HINT_ONTOLOGY
    if focus is not None:
        node = URIRef(focus)
        linked = any(isinstance(o, URIRef) and o != node and p != RDF.type for p, o in graph.predicate_objects(node)) \
            or any(isinstance(s, URIRef) and s != node for s in graph.subjects(None, node))
        if not linked:
            return f"'{kg.label(node)}' has no relation to another entity in the graph, so nothing can follow from it"
    wanted = [URIRef(_iri(c)) for c in classes]
    if wanted:
        def below(cls):
            seen, todo = {cls}, [cls]
            while todo:
                for sub in graph.subjects(RDFS.subClassOf, todo.pop()):
                    if sub not in seen:
                        seen.add(sub)
                        todo.append(sub)
            return seen

        if not any((None, RDF.type, c) in graph for cls in wanted for c in below(cls)):
            if foreign:
                spaces = sorted({c.rsplit("#", 1)[0] + "#" if "#" in c else c.rsplit("/", 1)[0] + "/"
                                 for c in foreign})
                example = _short(max(foreign, key=foreign.get))
                return (f"no instance of {_names(wanted)}: the data types its resources with classes of another "
                        f"namespace ({', '.join(spaces[:3])}, e.g. {example}), which the ontology does not know; "
                        f"type them with the ontology's classes ({ns}…) or add rdfs:subClassOf links to them")
            return f"no instance of {_names(wanted)} (or of a subclass) in the graph"
    wanted = [URIRef(_iri(r)) for r in relations]
    if wanted and not any((None, p, None) in graph for p in wanted):
        return f"no {' or '.join(_short(str(p)) for p in wanted)} relation in the graph, and the output follows nothing else"
    return None


def warn_if_empty(source, rows, *, what: str, classes=(), relations=(), focus: str | None = None,
                  stream=None) -> str | None:
    """Say on stderr why ``rows`` is empty, when the input lacks what the output reads; the caller still writes
    its (empty) output.

    Parameters
    ----------
    source, classes, relations, focus : as for :func:`why_empty`.
    rows : the result; nothing is said when it has rows.
    what : the output's name for people, e.g. ``analyze chokepoints``.
    stream : where to write; default ``sys.stderr``.

    Returns
    -------
    str or None
        The sentence written, if any.
    """
    if rows:
        return None
    cause = why_empty(source, classes=classes, relations=relations, focus=focus)
    if cause is None:
        return None
    text = f"{what}: no result, because {cause}"
    print(text, file=stream or sys.stderr)
    return text

"""Materialisation by rules: class memberships closed under the taxonomy, property assertions under the property axioms."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from ..namespace import bind_prefixes
from .hermit import HermitOutput

__all__ = ["NOT_TYPES", "RBox", "class_edges", "closure", "domain_range_types", "materialise", "property_edges",
           "role_closure"]

NOT_TYPES = {OWL.Thing, OWL.NamedIndividual, OWL.Nothing}


def closure(start: Iterable, edges: dict) -> set:
    seen, todo = set(start), list(start)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def class_edges(graph: Graph, extra: Iterable[tuple[URIRef, URIRef]] = ()) -> dict[URIRef, set[URIRef]]:
    """Named class → named superclasses (told rdfs:subClassOf and owl:equivalentClass, plus ``extra``)."""
    up: dict[URIRef, set[URIRef]] = defaultdict(set)
    for a, b in graph.subject_objects(RDFS.subClassOf):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            up[a].add(b)
    for a, b in graph.subject_objects(OWL.equivalentClass):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            up[a].add(b)
            up[b].add(a)
    for a, b in extra:
        up[a].add(b)
    return up


@dataclass
class RBox:
    """The property axioms of a graph, as the rules that derive property assertions."""

    props: set[URIRef] = field(default_factory=set)
    supers: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    inverses: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    transitive: set[URIRef] = field(default_factory=set)
    chains: list[tuple[URIRef, list[tuple[URIRef, bool]]]] = field(default_factory=list)

    @classmethod
    def of(cls, g: Graph) -> "RBox":
        rb = cls()
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.TransitiveProperty, OWL.SymmetricProperty,
                     OWL.FunctionalProperty, OWL.InverseFunctionalProperty):
            rb.props |= {p for p in g.subjects(RDF.type, kind) if isinstance(p, URIRef)}
        for a, b in g.subject_objects(RDFS.subPropertyOf):
            if isinstance(a, URIRef) and isinstance(b, URIRef):
                rb.supers[a].add(b)
        for a, b in g.subject_objects(OWL.equivalentProperty):
            if isinstance(a, URIRef) and isinstance(b, URIRef):
                rb.supers[a].add(b)
                rb.supers[b].add(a)
        for a, b in g.subject_objects(OWL.inverseOf):
            if isinstance(a, URIRef) and isinstance(b, URIRef):
                rb.inverses[a].add(b)
                rb.inverses[b].add(a)
        for p in g.subjects(RDF.type, OWL.SymmetricProperty):
            rb.inverses[p].add(p)
        rb.transitive = {p for p in g.subjects(RDF.type, OWL.TransitiveProperty) if isinstance(p, URIRef)}
        for p, head in g.subject_objects(OWL.propertyChainAxiom):
            steps = []
            for step in Collection(g, head):
                inv = g.value(step, OWL.inverseOf) if isinstance(step, BNode) else None
                if isinstance(step, URIRef):
                    steps.append((step, False))
                else:
                    steps.append((inv, True) if isinstance(inv, URIRef) else None)
            if isinstance(p, URIRef) and steps and None not in steps:
                rb.chains.append((p, steps))
        return rb


def compose(left: set[tuple], right: set[tuple]) -> set[tuple]:
    index: dict = defaultdict(set)
    for b, c in right:
        index[b].add(c)
    return {(a, c) for a, b in left for c in index.get(b, ())}


def role_closure(edges: dict[URIRef, set[tuple]], rb: RBox, same: dict[URIRef, set[URIRef]]) -> None:
    """Apply sub-properties, inverses, symmetry, transitivity, property chains and owl:sameAs until nothing changes."""
    def size() -> int:
        return sum(len(v) for v in edges.values())

    before = -1
    while before != size():
        before = size()
        for p in list(edges):
            pairs = edges[p]
            if same:
                pairs |= {(s2, o2) for s, o in list(pairs) for s2 in same.get(s, {s}) for o2 in same.get(o, {o})}
            if p in rb.transitive:
                grown = -1
                while grown != len(pairs):
                    grown = len(pairs)
                    pairs |= compose(pairs, pairs)
            for q in closure([p], rb.supers) - {p}:
                edges[q] |= pairs
            for q in rb.inverses.get(p, ()):
                edges[q] |= {(o, s) for s, o in pairs if isinstance(o, URIRef)}
        for p, steps in rb.chains:
            joined = None
            for prop, inv in steps:
                pairs = edges.get(prop, set())
                pairs = {(o, s) for s, o in pairs} if inv else pairs
                joined = pairs if joined is None else compose(joined, pairs)
            edges[p] |= joined or set()


def has_value_edges(g: Graph, types: dict[URIRef, set[URIRef]]) -> dict[URIRef, set[tuple]]:
    """p(x, v) for every x of a class that is (or is an intersection including) a restriction ``p value v``."""
    out: dict[URIRef, set[tuple]] = defaultdict(set)
    for r, v in g.subject_objects(OWL.hasValue):
        prop = g.value(r, OWL.onProperty)
        holders = set(g.subjects(RDFS.subClassOf, r)) | set(g.subjects(OWL.equivalentClass, r))
        for lst in g.subjects(RDF.first, r):
            while (prev := g.value(predicate=RDF.rest, object=lst)) is not None:
                lst = prev
            for inter in g.subjects(OWL.intersectionOf, lst):
                holders |= set(g.subjects(RDFS.subClassOf, inter)) | set(g.subjects(OWL.equivalentClass, inter))
        holders = {h for h in holders if isinstance(h, URIRef)}
        if not holders:
            continue
        members = [x for x, ts in types.items() if ts & holders]
        if isinstance(prop, URIRef):
            out[prop] |= {(x, v) for x in members}
        elif isinstance(prop, BNode) and isinstance(g.value(prop, OWL.inverseOf), URIRef) and isinstance(v, URIRef):
            out[g.value(prop, OWL.inverseOf)] |= {(v, x) for x in members}
    return out


def _same_as(asserted: Graph) -> dict[URIRef, set[URIRef]]:
    same: dict[URIRef, set[URIRef]] = {}
    for a, b in asserted.subject_objects(OWL.sameAs):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            group = same.get(a, {a}) | same.get(b, {b})
            for m in group:
                same[m] = group
    return same


def property_edges(asserted: Graph, rb: RBox | None = None,
                   extra: dict[URIRef, set[tuple]] | None = None) -> dict[URIRef, set[tuple]]:
    """Property → (subject, object) pairs: the asserted ones (and ``extra``) closed under the property axioms.

    Sub-properties, inverses, symmetry, transitivity, property chains and owl:sameAs, until nothing changes.
    """
    rb = rb or RBox.of(asserted)
    edges: dict[URIRef, set[tuple]] = defaultdict(set)
    for p in rb.props:
        edges[p] = {(s, o) for s, o in asserted.subject_objects(p)
                    if isinstance(s, URIRef) and isinstance(o, (URIRef, Literal))}
    for p, pairs in (extra or {}).items():
        edges[p] |= pairs
    role_closure(edges, rb, _same_as(asserted))
    return edges


def domain_range_types(asserted: Graph, edges: dict[URIRef, set[tuple]]) -> dict[URIRef, set[URIRef]]:
    """Individual → the named classes that the domains and ranges of its (closed) property assertions put it in."""
    out: dict[URIRef, set[URIRef]] = defaultdict(set)
    for p, pairs in edges.items():
        if not pairs:
            continue
        for d in asserted.objects(p, RDFS.domain):
            if isinstance(d, URIRef) and d not in NOT_TYPES:
                for s, _ in pairs:
                    out[s].add(d)
        for r in asserted.objects(p, RDFS.range):
            if isinstance(r, URIRef) and r not in NOT_TYPES:
                for _, o in pairs:
                    if isinstance(o, URIRef):
                        out[o].add(r)
    return out


def materialise(asserted: Graph, hermit: HermitOutput) -> Graph:
    """The triples that follow from ``asserted`` and HermiT's answer but are not asserted.

    Class memberships: every named class of every individual (HermiT's types, the named domains and ranges of its
    property assertions, and all their superclasses in HermiT's taxonomy). Property assertions: the asserted ones
    closed under the property axioms (sub-properties, inverses, symmetry, transitivity, property chains),
    owl:sameAs, and ``owl:hasValue`` restrictions on the classes HermiT puts an individual in.

    HermiT's types already hold the domains and ranges for the individuals it was given; the rules give them to the
    individuals left to rules (:mod:`chiplet_kg.reason.scope`), whose memberships are exactly these.
    """
    up = class_edges(asserted, hermit.subclass)
    classes = {c for c in asserted.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)} | set(up)
    base: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, c in asserted.subject_objects(RDF.type):
        if isinstance(s, URIRef) and isinstance(c, URIRef) and c in classes and c not in NOT_TYPES:
            base[s].add(c)
    for x, cs in hermit.types.items():
        base[x] |= cs
    types = {x: closure(cs, up) - NOT_TYPES for x, cs in base.items()}

    rb = RBox.of(asserted)
    # owl:hasValue restrictions hold only on classes HermiT decides (the rules' individuals are never in them).
    edges = property_edges(asserted, rb, has_value_edges(asserted, types))
    for x, cs in domain_range_types(asserted, edges).items():
        base[x] |= cs
    types = {x: closure(cs, up) - NOT_TYPES for x, cs in base.items()}

    out = bind_prefixes(Graph())
    for x, ts in types.items():
        for c in ts:
            if (x, RDF.type, c) not in asserted:
                out.add((x, RDF.type, c))
    for p, pairs in edges.items():
        for s, o in pairs:
            if (s, p, o) not in asserted:
                out.add((s, p, o))
    return out

"""What HermiT must see: the TBox and the individuals whose classes only it can decide; the rest is left to rules.

HermiT costs time in proportion to the individuals and assertions it is given (about 67 s for the shipped graph
plus an ETO import), yet most of an import is plain: 1,300 provision records whose only classes are the ones they
are typed with, linked by properties that no class definition mentions. :func:`hermit_scope` gives HermiT the
class and property axioms plus the individuals that need it, and leaves the rest to the rules of
:mod:`chiplet_kg.reason.rules`. The inferred triples are the same as with HermiT over everything.

What HermiT never needs
    Annotation assertions (labels, definitions, sources, ``owl:Axiom`` annotations with their evidence) carry no
    meaning in OWL 2: they are left out for every node.

Which individuals are left to rules
    Call a property *inert* when no class expression mentions it or a sub-property of it (``owl:onProperty`` of a
    restriction, through ``owl:inverseOf`` as well), it is in no property chain, key, disjointness or
    asymmetric/irreflexive/reflexive axiom, and neither is its inverse. Call a named class *inert* when it occurs
    in no class expression and has no class expression as superclass or equivalent. A named individual ``x`` is
    left to rules when

    1. every class of ``x`` — its asserted classes and the named domains and ranges of its property assertions,
       closed under ``rdfs:subClassOf`` — is a declared, inert class, and no two of them are disjoint;
    2. every property assertion with ``x`` as subject or object, after the property axioms are applied (so
       super-properties and inverses count), is of an inert property; every domain or range of such a property
       that is a union has a member among ``x``'s classes, and any other anonymous domain or range keeps ``x``
       with HermiT;
    3. ``x`` has at most one value of each functional property and is the only value of each inverse-functional
       one (otherwise HermiT would equate individuals), and takes part in no ``owl:sameAs``, ``owl:differentFrom``
       or negative property assertion, and is not named in an axiom (``owl:hasValue``, ``owl:oneOf``);
    4. ``x`` is a subject or object only of rdf:type, annotation properties and declared object or data
       properties (how owlready2 reads an undeclared predicate is not ours to guess).

    Why nothing is lost: take any model of what HermiT is given and add each such ``x`` as a fresh element with
    exactly those classes and the closed property assertions. No class expression can tell the difference — it
    mentions none of ``x``'s classes or properties, and :func:`_safe` checks that no axiom's left-hand side holds
    for an element with none of them (as ``not (p some C)`` would) — so the result is a model of the whole graph.
    Hence ``x``'s classes are exactly the ones the rules give it, and every other individual's classes, and the
    consistency verdict, are the same as with ``x`` included. For that, what ``x``'s assertions say about the
    individuals HermiT keeps is handed to HermiT: a kept individual linked to ``x`` by property ``p`` is typed
    with ``p``'s domain or range (a union stays a union), unless its own asserted classes already put it there
    (a needless union would cost HermiT a branch per individual). And what HermiT would check about ``x``'s data values
    (a literal of the range's datatype, a well-formed literal) is checked by giving HermiT one stand-in
    individual per distinct value, except for plain strings of a string range, which always fit.

    When an axiom's left-hand side can hold for such an element, or ``owl:Thing`` has axioms of its own, or a
    property is reflexive, no individual is left to rules.

After HermiT, an individual left to rules whose classes include one HermiT finds unsatisfiable makes the graph
inconsistent; :func:`chiplet_kg.reason.reason` then runs HermiT over the whole graph for the verdict and its
explanation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .rules import NOT_TYPES, RBox, class_edges, closure

__all__ = ["Scope", "hermit_scope"]

#: Built-in annotation properties (OWL 2 declares them; a graph need not).
BUILTIN_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo, OWL.deprecated,
                       OWL.priorVersion, OWL.backwardCompatibleWith, OWL.incompatibleWith}
#: Stand-in individuals that carry one data value each for HermiT to check.
VALUE_CHECK = "urn:chiplet-kg:reason:value-check:"

_EXPRESSION_KEYS = (OWL.intersectionOf, OWL.unionOf, OWL.complementOf, OWL.oneOf, OWL.onProperty)
_SOME = (OWL.someValuesFrom, OWL.hasValue, OWL.hasSelf)
_AT_LEAST = (OWL.minCardinality, OWL.minQualifiedCardinality, OWL.cardinality, OWL.qualifiedCardinality)
_PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.TransitiveProperty, OWL.SymmetricProperty,
                   OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.AsymmetricProperty,
                   OWL.ReflexiveProperty, OWL.IrreflexiveProperty, RDF.Property)
_STRING_RANGES = {XSD.string, RDFS.Literal}


@dataclass
class Scope:
    """What HermiT is given (``graph``) and which individuals the rules take care of (``rule_only``).

    ``whole`` is why every individual went to HermiT, or "" when some were left to rules.
    """

    graph: Graph
    rule_only: set[URIRef] = field(default_factory=set)
    rule_types: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    whole: str = ""

    def is_stand_in(self, node) -> bool:
        """True for the stand-in individuals that carry data values for HermiT to check."""
        return str(node).startswith(VALUE_CHECK)


def _is_expression(g: Graph, node) -> bool:
    return isinstance(node, BNode) and any(g.value(node, k) is not None for k in _EXPRESSION_KEYS)


def _named_property(g: Graph, node) -> URIRef | None:
    if isinstance(node, URIRef):
        return node
    inv = g.value(node, OWL.inverseOf) if isinstance(node, BNode) else None
    return inv if isinstance(inv, URIRef) else None


def _list(g: Graph, head) -> list:
    return list(Collection(g, head)) if head is not None else []


def _walk(g: Graph, node, classes: set, props: set, seen: set) -> None:
    """Collect the named classes and properties that occur in the class expression ``node``."""
    if isinstance(node, URIRef):
        classes.add(node)
        return
    if node in seen or not isinstance(node, BNode):
        return
    seen.add(node)
    for key in (OWL.intersectionOf, OWL.unionOf, OWL.oneOf):
        for m in _list(g, g.value(node, key)):
            if key != OWL.oneOf:
                _walk(g, m, classes, props, seen)
    for key in (OWL.complementOf, OWL.someValuesFrom, OWL.allValuesFrom, OWL.onClass, OWL.onDataRange):
        inner = g.value(node, key)
        if inner is not None:
            _walk(g, inner, classes, props, seen)
    prop = g.value(node, OWL.onProperty)
    if prop is not None:
        named = _named_property(g, prop)
        if named is not None:
            props.add(named)
    for lst in g.objects(node, OWL.onProperties):
        props |= {p for p in _list(g, lst) if isinstance(p, URIRef)}


def _holds_for_bare(g: Graph, node, depth: int = 0) -> bool:
    """Does class expression ``node`` hold for an element with no non-inert class and no non-inert property?"""
    if depth > 20:
        return True  # too deep to judge: assume the worst
    if isinstance(node, URIRef):
        return node == OWL.Thing
    if not isinstance(node, BNode):
        return True
    if (head := g.value(node, OWL.intersectionOf)) is not None:
        return all(_holds_for_bare(g, m, depth + 1) for m in _list(g, head))
    if (head := g.value(node, OWL.unionOf)) is not None:
        return any(_holds_for_bare(g, m, depth + 1) for m in _list(g, head))
    if (inner := g.value(node, OWL.complementOf)) is not None:
        return not _holds_for_bare(g, inner, depth + 1)
    if g.value(node, OWL.oneOf) is not None:
        return False
    if g.value(node, OWL.onProperty) is not None or g.value(node, OWL.onProperties) is not None:
        if any(g.value(node, k) is not None for k in _SOME):
            return False
        for k in _AT_LEAST:
            n = g.value(node, k)
            if n is not None:
                return not (isinstance(n, Literal) and str(n).strip() not in ("0", "+0"))
        return True  # only, max: true of an element without such values
    return True  # an unknown construct: assume the worst


def _left_sides(g: Graph) -> list:
    """The class expressions on the left of a subclass axiom (or either side of an equivalence)."""
    out = [s for s in g.subjects(RDFS.subClassOf, None) if isinstance(s, BNode)]
    for a, b in g.subject_objects(OWL.equivalentClass):
        out += [n for n in (a, b) if isinstance(n, BNode)]
    return out


def _tbox(g: Graph) -> tuple[set, set, str]:
    """The non-inert classes, the non-inert properties, and why nothing can be left to rules ("" when something can)."""
    classes: set = set()
    props: set = set()
    seen: set = set()
    expressions = [n for n in set(g.subjects()) if _is_expression(g, n)]
    for e in expressions:
        _walk(g, e, classes, props, seen)
    for a, b in list(g.subject_objects(RDFS.subClassOf)) + list(g.subject_objects(OWL.equivalentClass)):
        if isinstance(a, URIRef) and isinstance(b, BNode):
            classes.add(a)
        if isinstance(b, URIRef) and isinstance(a, BNode):
            classes.add(b)
    for a, head in g.subject_objects(OWL.disjointUnionOf):
        classes.add(a)
        classes |= {m for m in _list(g, head) if isinstance(m, URIRef)}
    for p, head in g.subject_objects(OWL.propertyChainAxiom):
        props.add(p)
        props |= {q for q in (_named_property(g, m) for m in _list(g, head)) if q is not None}
    for _, head in g.subject_objects(OWL.hasKey):
        props |= {q for q in (_named_property(g, m) for m in _list(g, head)) if q is not None}
    for a, b in g.subject_objects(OWL.propertyDisjointWith):
        props |= {a, b}
    for d in g.subjects(RDF.type, OWL.AllDisjointProperties):
        props |= set(_list(g, g.value(d, OWL.members)))
    for kind in (OWL.AsymmetricProperty, OWL.IrreflexiveProperty, OWL.ReflexiveProperty):
        props |= set(g.subjects(RDF.type, kind))
    # A sub-property's assertions are its super-property's, and an inverse's are its own read backwards.
    rb = RBox.of(g)
    subs: dict = defaultdict(set)
    for a, bs in rb.supers.items():
        for b in bs:
            subs[b].add(a)
    todo = list(props)
    while todo:
        p = todo.pop()
        for q in subs.get(p, set()) | rb.inverses.get(p, set()):
            if q not in props:
                props.add(q)
                todo.append(q)
    whole = ""
    if any(True for _ in g.subjects(RDF.type, OWL.ReflexiveProperty)):
        whole = "a reflexive property relates every individual to itself"
    elif any(True for _ in g.triples((OWL.Thing, RDFS.subClassOf, None))) or \
            any(True for _ in g.triples((OWL.Thing, OWL.equivalentClass, None))):
        whole = "owl:Thing has axioms of its own"
    elif any(_holds_for_bare(g, e) for e in _left_sides(g)):
        whole = "a class expression on the left of an axiom holds for an individual without its classes and properties"
    return classes, props, whole


def _fits_plainly(value: Literal, ranges: list) -> bool:
    """A plain string whose property's ranges are all string ranges: it fits, HermiT need not check it."""
    return (not value.language and value.datatype in (None, XSD.string)
            and all(r in _STRING_RANGES for r in ranges))


def hermit_scope(g: Graph, edges: dict[URIRef, set[tuple]]) -> Scope:
    """What HermiT must be given of ``g`` (see the module docstring for the rules and why they lose nothing).

    Parameters
    ----------
    g : the asserted graph (ontology and data).
    edges : ``g``'s property assertions closed under the property axioms
        (:func:`chiplet_kg.reason.rules.property_edges`).
    """
    rb = RBox.of(g)
    annotation = ({p for p in g.subjects(RDF.type, OWL.AnnotationProperty) if p not in rb.props}
                  | BUILTIN_ANNOTATIONS)
    reified = set(g.subjects(RDF.type, OWL.Axiom)) | set(g.subjects(RDF.type, OWL.Annotation))
    hard_classes, hard_props, whole = _tbox(g)

    declared_classes = {c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    up = class_edges(g)
    schema = declared_classes | set(up) | rb.props | annotation | set(g.subjects(RDF.type, OWL.Ontology))
    for kind in _PROPERTY_KINDS + (OWL.Class, RDFS.Class, OWL.Restriction, RDFS.Datatype):
        schema |= set(g.subjects(RDF.type, kind))
    # Individuals named in axioms (owl:hasValue, owl:oneOf) and in equality, inequality and negative assertions.
    named = {v for v in g.objects(None, OWL.hasValue) if isinstance(v, URIRef)}
    for head in g.objects(None, OWL.oneOf):
        named |= {m for m in _list(g, head) if isinstance(m, URIRef)}
    for p in (OWL.sameAs, OWL.differentFrom):
        for a, b in g.subject_objects(p):
            named |= {a, b}
    for d in g.subjects(RDF.type, OWL.AllDifferent):
        for key in (OWL.members, OWL.distinctMembers):
            named |= set(_list(g, g.value(d, key)))
    for n in g.subjects(RDF.type, OWL.NegativePropertyAssertion):
        named |= {g.value(n, OWL.sourceIndividual), g.value(n, OWL.targetIndividual)}

    disjoint: set[frozenset] = {frozenset((a, b)) for a, b in g.subject_objects(OWL.disjointWith) if a != b}
    for d in g.subjects(RDF.type, OWL.AllDisjointClasses):
        ms = _list(g, g.value(d, OWL.members))
        disjoint |= {frozenset((a, b)) for a in ms for b in ms if a != b}

    keep: set = set(named)
    candidates: dict[URIRef, set[URIRef]] = defaultdict(set)  # individual → its asserted classes
    allowed = rb.props | annotation | {RDF.type}
    for s, p, o in g:
        if s in reified:
            continue
        if isinstance(s, URIRef) and s not in schema:
            if p == RDF.type:
                if isinstance(o, URIRef) and o in declared_classes and o not in hard_classes:
                    candidates[s].add(o)
                elif o not in (OWL.NamedIndividual, OWL.Thing):
                    keep.add(s)
            elif p not in allowed:
                keep.add(s)
            else:
                candidates.setdefault(s, set())
        if isinstance(o, URIRef) and o not in schema and p not in annotation and p != RDF.type:
            if p in rb.props and isinstance(s, URIRef):
                candidates.setdefault(o, set())
            else:
                keep.add(o)
        elif p in rb.props and isinstance(o, BNode) and isinstance(s, URIRef):
            keep.add(s)  # the rules close assertions between named individuals only

    if whole:
        rule_only: set = set()
    else:
        rule_only = _rule_only(g, candidates, keep, edges, rb, up, hard_classes, hard_props, disjoint)
    return _hermit_input(g, rule_only, annotation, reified, edges, rb, whole)


def _rule_only(g, candidates, keep, edges, rb, up, hard_classes, hard_props, disjoint) -> set:
    """The candidates that meet conditions 1–3 of the module docstring."""
    bad = set(keep)
    classes: dict[URIRef, set] = {x: set(told) for x, told in candidates.items()}
    for p, pairs in edges.items():
        if not pairs:
            continue
        hard = p in hard_props
        doms = list(g.objects(p, RDFS.domain))
        rngs = list(g.objects(p, RDFS.range)) if p not in set(g.subjects(RDF.type, OWL.DatatypeProperty)) else []
        functional = (p, RDF.type, OWL.FunctionalProperty) in g
        inverse_functional = (p, RDF.type, OWL.InverseFunctionalProperty) in g
        objects: dict = defaultdict(set)
        subjects: dict = defaultdict(set)
        for s, o in pairs:
            if hard:
                bad.add(s)
                bad.add(o)
                continue
            if functional:
                objects[s].add(o)
            if inverse_functional:
                subjects[o].add(s)
            if s in classes:
                classes[s].update(d for d in doms if isinstance(d, URIRef))
            if isinstance(o, URIRef) and o in classes:
                classes[o].update(r for r in rngs if isinstance(r, URIRef))
        for s, os_ in objects.items():
            if len(os_) > 1:
                bad.add(s)
                bad.update(o for o in os_ if isinstance(o, URIRef))
        for o, ss in subjects.items():
            if len(ss) > 1:
                bad.add(o)
                bad.update(ss)
    closed = {}
    for x, cs in classes.items():
        if x in bad:
            continue
        all_classes = closure(cs, up) - NOT_TYPES
        if all_classes & hard_classes or any(frozenset((a, b)) in disjoint for a in all_classes for b in all_classes):
            bad.add(x)
            continue
        closed[x] = all_classes
    # Anonymous domains and ranges: a union is met by one of the individual's classes, anything else keeps it.
    for p, pairs in edges.items():
        if not pairs or p in hard_props:
            continue
        is_data = (p, RDF.type, OWL.DatatypeProperty) in g
        for key, pick in ((RDFS.domain, 0), (RDFS.range, 1)):
            if key == RDFS.range and is_data:
                continue
            for expr in g.objects(p, key):
                if isinstance(expr, URIRef):
                    continue
                members = {m for m in _list(g, g.value(expr, OWL.unionOf)) if isinstance(m, URIRef)}
                for pair in pairs:
                    x = pair[pick]
                    if x in closed and not (members and members & closed[x]):
                        bad.add(x)
    return {x for x in closed if x not in bad and isinstance(x, URIRef)}


def _hermit_input(g, rule_only, annotation, reified, edges, rb, whole) -> Scope:
    out = Graph()
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns)
    for t in g:
        s, p, o = t
        if p in annotation or s in reified or s in rule_only or o in rule_only:
            continue
        out.add(t)
    data_props = set(g.subjects(RDF.type, OWL.DatatypeProperty))
    up = class_edges(g)
    told: dict = {}

    def entailed(node, cls) -> bool:
        # The individual's own asserted classes already put it in ``cls`` (a union: in one of its members), so
        # HermiT needs no reminder; a needless disjunction costs HermiT a branch per individual.
        if node not in told:
            told[node] = closure({c for c in g.objects(node, RDF.type) if isinstance(c, URIRef)}, up)
        members = {cls} if isinstance(cls, URIRef) else set(_list(g, g.value(cls, OWL.unionOf)))
        return bool(members & told[node])

    values: set = set()
    for p, pairs in edges.items():
        touching = [(s, o) for s, o in pairs if s in rule_only or o in rule_only]
        if not touching:
            continue
        doms = list(g.objects(p, RDFS.domain))
        rngs = list(g.objects(p, RDFS.range))
        for s, o in touching:
            # What the assertion says about the individual HermiT keeps: it is in the domain or range.
            if s not in rule_only:
                out += [(s, RDF.type, d) for d in doms if not entailed(s, d)]
            elif isinstance(o, URIRef) and o not in rule_only:
                out += [(o, RDF.type, r) for r in rngs if not entailed(o, r)]
            if p in data_props and isinstance(o, Literal) and not _fits_plainly(o, rngs):
                values.add((p, o))
    for i, (p, value) in enumerate(sorted(values)):
        stand_in = URIRef(f"{VALUE_CHECK}{i}")
        out.add((stand_in, RDF.type, OWL.NamedIndividual))
        out.add((stand_in, p, value))
    return Scope(graph=out, rule_only=rule_only, whole=whole)

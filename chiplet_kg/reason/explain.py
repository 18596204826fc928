"""OWL explanations: what is wrong with a graph, in plain words (individuals in disjoint classes, bad values, clashes)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..namespace import PREFIXES
from .hermit import Inconsistent, ReasonerFailed, hermit
from .rules import NOT_TYPES, RBox, class_edges, closure

__all__ = ["Finding", "OwlCheck", "describe_class", "explain_inconsistency", "unsatisfiable_findings"]



@dataclass
class Finding:
    """One OWL problem: the individual or class, the kind of problem (rule) and what is wrong, in plain words."""

    node: URIRef
    rule: str
    message: str


@dataclass
class OwlCheck:
    """HermiT's verdict. ``consistent`` is None when it could not run (``error`` says why).

    ``findings`` name what is wrong: individuals in two disjoint classes (by type, domain or range), functional
    properties with two values, values outside a datatype range, individuals HermiT itself pins down when no rule
    explains an inconsistency, and, in a consistent graph, unsatisfiable classes.
    """

    consistent: bool | None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None


def _qname(node) -> str:
    if isinstance(node, Literal):
        if node.language:
            return f'"{node}"@{node.language}'
        return f'"{node}"' + (f"^^{_qname(node.datatype)}" if node.datatype else "")
    text = str(node)
    for prefix, ns in PREFIXES.items():
        if text.startswith(str(ns)) and len(text) > len(str(ns)):
            return f"{prefix}:{text[len(str(ns)):]}"
    return text


def describe_class(g: Graph, node, depth: int = 0) -> str:
    """A class expression in words: ``ckg:Organisation and (ckg:basedIn some ckg:ForeignCountryOrRegion)``.

    Examples
    --------
    >>> from chiplet_kg import ChipletKG, CKG
    >>> g = ChipletKG().graph
    >>> describe_class(g, g.value(CKG.ForeignOrganisation, OWL.equivalentClass))
    'ckg:Organisation and (ckg:basedIn some ckg:ForeignCountryOrRegion)'
    """
    if isinstance(node, (URIRef, Literal)) or depth > 6:
        return _qname(node)

    def wrap(text: str) -> str:
        return f"({text})" if depth else text

    def members(head) -> list[str]:
        return [describe_class(g, m, depth + 1) for m in Collection(g, head)]

    for prop, word in ((OWL.intersectionOf, " and "), (OWL.unionOf, " or ")):
        head = g.value(node, prop)
        if head is not None:
            return wrap(word.join(members(head)))
    if (comp := g.value(node, OWL.complementOf)) is not None:
        return wrap("not " + describe_class(g, comp, depth + 1))
    if (one := g.value(node, OWL.oneOf)) is not None:
        return "{" + ", ".join(members(one)) + "}"
    prop = g.value(node, OWL.onProperty)
    if prop is not None:
        p = _qname(prop) if isinstance(prop, URIRef) else f"inverse of {_qname(g.value(prop, OWL.inverseOf))}"
        for key, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"), (OWL.hasValue, "value")):
            if (val := g.value(node, key)) is not None:
                return wrap(f"{p} {word} {describe_class(g, val, depth + 1)}")
        for key, word in ((OWL.minCardinality, "min"), (OWL.maxCardinality, "max"), (OWL.cardinality, "exactly"),
                          (OWL.minQualifiedCardinality, "min"), (OWL.maxQualifiedCardinality, "max"),
                          (OWL.qualifiedCardinality, "exactly")):
            if (val := g.value(node, key)) is not None:
                on = g.value(node, OWL.onClass)
                return wrap(f"{p} {word} {val}" + (f" {describe_class(g, on, depth + 1)}" if on is not None else ""))
    return "(an anonymous class)"


def _disjoint_pairs(g: Graph) -> set[frozenset]:
    pairs = {frozenset((a, b)) for a, b in g.subject_objects(OWL.disjointWith) if a != b}
    for d in g.subjects(RDF.type, OWL.AllDisjointClasses):
        head = g.value(d, OWL.members)
        ms = list(Collection(g, head)) if head is not None else []
        pairs |= {frozenset((a, b)) for a in ms for b in ms if a != b}
    return pairs


def _named_members(g: Graph, node) -> list:
    if isinstance(node, URIRef):
        return [node]
    head = g.value(node, OWL.unionOf)
    return [m for m in Collection(g, head) if isinstance(m, URIRef)] if head is not None else []


def _disjoint_clashes(g: Graph) -> list[Finding]:
    """Individuals put into disjoint classes by their types and by domains and ranges (unions and super-properties too).

    This does what the SPARQL clash query that ``validate`` used before (now removed) does, for union domains and ranges and sub-properties as
    well, in Python: the SPARQL version takes minutes on the shipped graph.
    """
    up = class_edges(g)
    disjoint = _disjoint_pairs(g)
    rb = RBox.of(g)

    supers: dict = {}
    memo: dict = {}

    def clash(a, b) -> tuple | None:
        if (a, b) not in memo:
            sa = supers.setdefault(a, closure([a], up))
            sb = supers.setdefault(b, closure([b], up))
            memo[a, b] = next(((x, y) for x in sorted(sa) for y in sorted(sb) if frozenset((x, y)) in disjoint), None)
        return memo[a, b]

    reasons: dict[URIRef, list[tuple[list, str]]] = defaultdict(list)
    for s, c in g.subject_objects(RDF.type):
        if isinstance(s, URIRef) and isinstance(c, URIRef) and c not in NOT_TYPES:
            reasons[s].append(([c], f"typed {_qname(c)}"))
    for p in rb.props:
        for q in closure([p], rb.supers):
            via = f"{_qname(p)}" + (f" (a kind of {_qname(q)})" if q != p else "")
            for key, role in ((RDFS.domain, "subject"), (RDFS.range, "object")):
                for dom in g.objects(q, key):
                    alts = _named_members(g, dom)
                    if not alts:
                        continue
                    what = "domain" if role == "subject" else "range"
                    why = f"the {role} of {via}, whose {what} is {' or '.join(map(_qname, alts))}"
                    for s, o in g.subject_objects(p):
                        x = s if role == "subject" else o
                        if isinstance(x, URIRef):
                            reasons[x].append((alts, why))
    found = []
    for x, rs in sorted(reasons.items()):
        rs = sorted(set((tuple(alts), why) for alts, why in rs), key=lambda r: (not r[1].startswith("typed"), r[1]))
        for i, (alts1, why1) in enumerate(rs):
            hit = None
            for alts2, why2 in rs[i + 1:]:
                pairs = [clash(a, b) for a in alts1 for b in alts2]
                if pairs and all(pairs):
                    hit = (why2, pairs)
                    break
            if hit:
                why2, pairs = hit
                against: dict = defaultdict(set)
                for a, b in pairs:
                    against[a].add(b)
                named = "; ".join(f"{_qname(a)} disjoint with " + " and with ".join(sorted(map(_qname, bs)))
                                  for a, bs in sorted(against.items()))
                found.append(Finding(x, "disjoint classes",
                                     f"is {why1} and {why2}, but the ontology declares {named}: give it one class "
                                     "or fix the relation"))
                break
    return found


_INTEGERS = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger, XSD.positiveInteger,
             XSD.nonPositiveInteger, XSD.negativeInteger, XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort,
             XSD.unsignedByte}
_BOUNDS = {XSD.nonNegativeInteger: (0, None), XSD.positiveInteger: (1, None), XSD.nonPositiveInteger: (None, 0),
           XSD.negativeInteger: (None, -1), XSD.unsignedLong: (0, 2**64 - 1), XSD.unsignedInt: (0, 2**32 - 1),
           XSD.unsignedShort: (0, 65535), XSD.unsignedByte: (0, 255), XSD.long: (-2**63, 2**63 - 1),
           XSD.int: (-2**31, 2**31 - 1), XSD.short: (-32768, 32767), XSD.byte: (-128, 127)}
_STRINGS = {XSD.string, XSD.normalizedString, XSD.token, XSD.language, XSD.Name, XSD.NCName, XSD.NMTOKEN}


def _fits(value: Literal, rng: URIRef) -> bool:
    if rng == RDFS.Literal:
        return True
    if value.language:
        return rng == RDF.langString
    dt = value.datatype or XSD.string
    if getattr(value, "ill_typed", False):
        return False
    if rng in _INTEGERS or rng == XSD.decimal:
        ok = dt in _INTEGERS or (dt == XSD.decimal and rng == XSD.decimal)
        lo, hi = _BOUNDS.get(rng, (None, None))
        v = value.toPython()
        return ok and (lo is None or v >= lo) and (hi is None or v <= hi)
    if rng == XSD.string:
        return dt in _STRINGS
    return dt == rng


def _value_findings(g: Graph) -> list[Finding]:
    """Functional data properties with two values; values outside a data property's datatype range."""
    found = []
    for p in sorted(set(g.subjects(RDF.type, OWL.DatatypeProperty))):
        functional = (p, RDF.type, OWL.FunctionalProperty) in g
        ranges = [r for r in g.objects(p, RDFS.range) if isinstance(r, URIRef)]
        values: dict = defaultdict(set)
        for s, v in g.subject_objects(p):
            if isinstance(s, URIRef) and isinstance(v, Literal):
                values[s].add(v)
        for s, vs in sorted(values.items()):
            if functional and len(vs) > 1:
                shown = ", ".join(sorted(map(_qname, vs)))
                found.append(Finding(s, "functional property",
                                     f"has {len(vs)} values for {_qname(p)} ({shown}), which the ontology declares "
                                     "functional (at most one value): keep one"))
            for v in sorted(vs):
                for r in ranges:
                    if not _fits(v, r):
                        retyped = Literal(str(v), datatype=r)
                        fix = (f"write it as {_qname(retyped)}" if not v.language and _fits(retyped, r)
                               else "give a value of that type")
                        found.append(Finding(s, "datatype", f"has {_qname(p)} {_qname(v)}, which is not a {_qname(r)} "
                                                            f"(the property's range): {fix}"))
    return found


_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo}


def _statement(g: Graph, s, p, o) -> str:
    if p == RDF.type:
        definition = g.value(o, OWL.equivalentClass)
        return f"typed {_qname(o)}" + (f" (defined as {describe_class(g, definition)})" if definition is not None else "")
    return f"{_qname(p)} {_qname(o)}"


def _localise(g: Graph, max_runs: int = 24) -> list[Finding]:
    """Ask HermiT which individuals' statements contradict the ontology, halving the individuals each time.

    Used only when no rule explains an inconsistency. Every statement about an individual is tried away in turn,
    so the finding lists the statements that cannot all hold.
    """
    annotation = set(g.subjects(RDF.type, OWL.AnnotationProperty)) | _ANNOTATIONS
    axioms = set(g.subjects(RDF.type, OWL.Axiom))
    classes = set(g.subjects(RDF.type, OWL.Class))
    props = RBox.of(g).props
    people = sorted({s for s, c in g.subject_objects(RDF.type) if isinstance(s, URIRef) and c in classes}
                    | {s for s, p, _ in g if isinstance(s, URIRef) and p in props})
    people = [x for x in people if x not in classes and (x, RDF.type, OWL.ObjectProperty) not in g]
    base = Graph()
    for t in g:
        if t[0] not in axioms and t[0] not in people:
            base.add(t)
    runs = 0

    def about(subjects) -> list:
        facts = [t for x in subjects for t in g.triples((x, None, None)) if t[1] not in annotation]
        context = [(o, RDF.type, c) for _, _, o in facts if isinstance(o, URIRef) and o not in subjects
                   for c in g.objects(o, RDF.type)]
        return facts + context

    def inconsistent(triples) -> bool:
        nonlocal runs
        runs += 1
        test = Graph()
        test += base
        for t in triples:
            test.add(t)
        try:
            hermit(test)
        except Inconsistent:
            return True
        except ReasonerFailed:
            return False
        return False

    if inconsistent([]):
        return [Finding(URIRef(str(g.value(predicate=RDF.type, object=OWL.Ontology) or "ontology")), "ontology axioms",
                        "the class and property axioms contradict each other before any individual is added: "
                        "look at the disjointness, equivalence and property-chain axioms you added")]
    suspects = people
    if not suspects or not inconsistent(about(suspects)):
        return []
    while len(suspects) > 1 and runs < max_runs:
        half = len(suspects) // 2
        if inconsistent(about(suspects[:half])):
            suspects = suspects[:half]
        elif inconsistent(about(suspects[half:])):
            suspects = suspects[half:]
        else:
            break
    if len(suspects) > 3:
        return []
    needed = [t for x in suspects for t in g.triples((x, None, None)) if t[1] not in annotation]
    for t in list(needed):
        if runs >= max_runs:
            break
        rest = frozenset(needed) - {t}
        if inconsistent([u for u in about(suspects) if u in rest or u[0] not in suspects]):
            needed.remove(t)
    words = "; ".join(_statement(g, *t) for t in needed)
    return [Finding(x, "inconsistent individual",
                    f"HermiT finds that these statements cannot all hold: {words}. Fix or remove one of them")
            for x in suspects]


def explain_inconsistency(graph: Graph) -> list[Finding]:
    """Why HermiT finds ``graph`` inconsistent: rules first (disjoint classes, functional and datatype values), then,
    when no rule explains it, HermiT itself on halves of the individuals (:func:`_localise`, several runs)."""
    findings = _disjoint_clashes(graph)
    explained = {f.node for f in findings}
    findings += [f for f in _value_findings(graph) if f.node not in explained]
    return findings or _localise(graph)


def unsatisfiable_findings(graph: Graph, unsatisfiable) -> list[Finding]:
    """A finding for each class HermiT finds unsatisfiable in a consistent graph, naming the axioms that clash."""
    up = class_edges(graph)
    disjoint = _disjoint_pairs(graph)
    findings = []
    for c in sorted(unsatisfiable):
        if not isinstance(c, URIRef):
            continue
        supers = closure([c], up)
        named = sorted({f"{_qname(a)} and {_qname(b)}" for a in supers for b in supers
                        if frozenset((a, b)) in disjoint and str(a) < str(b)})
        if named:
            why = f"it is a subclass of {'; of '.join(named)}, which the ontology declares disjoint"
        else:
            axioms = [f"subclass of {describe_class(graph, s)}" for s in graph.objects(c, RDFS.subClassOf)]
            axioms += [f"equivalent to {describe_class(graph, s)}" for s in graph.objects(c, OWL.equivalentClass)]
            why = "its axioms cannot all hold: " + ("; ".join(axioms) or "(it has none of its own: look at axioms "
                                                                        "that mention it)")
        findings.append(Finding(c, "unsatisfiable class",
                                f"no individual can belong to this class: {why}; fix its axioms"))
    return findings

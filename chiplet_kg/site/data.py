"""What the site shows, read from the store once: every statement both ways, their axioms, labels and classes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, SKOS, BNode, Literal, URIRef
from rdflib.namespace import DCTERMS

from ..namespace import ASSERTED_GRAPH, CKG, INFERRED_GRAPH, ONTOLOGY_IRI

__all__ = ["SiteData", "collect", "TERM_TYPES", "CLASS_TYPES", "PROPERTY_TYPES"]

CLASS_TYPES = {OWL.Class, RDFS.Class}
PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}
TERM_TYPES = CLASS_TYPES | PROPERTY_TYPES
#: Axiom bookkeeping: read into ``axioms``, never shown as statements of their own.
_AXIOM_PARTS = {OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget}


@dataclass
class SiteData:
    """The graph as the site reads it: indexes over the asserted and inferred triples (rdflib terms)."""

    out: dict = field(default_factory=lambda: defaultdict(dict))     # s → {(p, o): inferred?}
    inc: dict = field(default_factory=lambda: defaultdict(dict))     # o → {(s, p): inferred?}
    axioms: dict = field(default_factory=lambda: defaultdict(list))  # (s, p, o) → [(sources, evidence)]
    labels: dict = field(default_factory=lambda: defaultdict(dict))  # node → {lang: label}
    types: dict = field(default_factory=lambda: defaultdict(set))    # node → asserted classes
    all_types: dict = field(default_factory=lambda: defaultdict(set))  # node → classes, asserted or inferred
    terms: list = field(default_factory=list)      # the ontology's classes and properties (own namespace)
    instances: list = field(default_factory=list)  # every typed IRI that is not an ontology term
    superclasses: dict = field(default_factory=lambda: defaultdict(set))  # class → every superclass (closure)

    def objects(self, s, p) -> list:
        return [o for (q, o) in self.out.get(s, {}) if q == p]

    def subjects(self, p, o) -> list:
        return [s for (s, q) in self.inc.get(o, {}) if q == p]

    def label(self, node, lang: str = "en") -> str:
        labels = self.labels.get(node, {})
        for want in (lang, "en", "zh", ""):
            if want in labels:
                return labels[want]
        if isinstance(node, Literal):
            return str(node)
        return _local_name(node)

    def is_a(self, node, cls) -> bool:
        return any(t == cls or cls in self.superclasses.get(t, ()) for t in self.all_types.get(node, ()))


def _local_name(node) -> str:
    text = str(node)
    for sep in ("#", "/", ":"):
        if sep in text.rstrip(sep):
            tail = text.rstrip(sep).rsplit(sep, 1)[1]
            if tail:
                return tail
    return text


def collect(kg) -> SiteData:
    """Read the asserted and inferred triples of ``kg`` into a :class:`SiteData` (one pass over the store)."""
    from ..load import ONTOLOGY_GRAPH
    from ..sparql import from_ox

    d = SiteData()
    axiom_parts: dict = defaultdict(dict)
    axiom_notes: dict = defaultdict(lambda: ([], []))
    for graph, inferred in ((ASSERTED_GRAPH, False), (INFERRED_GRAPH, True)):
        for q in kg.quads(graph):
            s, p, o = from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)
            if isinstance(s, BNode):
                if p in _AXIOM_PARTS:
                    axiom_parts[s][p] = o
                elif p == DCTERMS.source:
                    axiom_notes[s][0].append(o)
                elif p == CKG.evidence:
                    axiom_notes[s][1].append(o)
                continue
            if p == RDFS.label and isinstance(o, Literal):
                d.labels[s].setdefault(o.language or "", str(o))
            if p == RDF.type:
                d.all_types[s].add(o)
                if not inferred:
                    d.types[s].add(o)
            if p == RDFS.subClassOf and isinstance(o, URIRef):
                d.superclasses[s].add(o)
            if isinstance(o, BNode):
                continue  # class expressions and axioms: not statements a reader follows
            key = (p, o)
            if key not in d.out[s]:  # asserted first: an inferred copy of an asserted triple stays asserted
                d.out[s][key] = inferred
                if not isinstance(o, Literal):
                    d.inc[o][(s, p)] = inferred
    for ax, parts in axiom_parts.items():
        if len(parts) == 3:
            triple = (parts[OWL.annotatedSource], parts[OWL.annotatedProperty], parts[OWL.annotatedTarget])
            d.axioms[triple].append(axiom_notes[ax])
    # Every superclass, through chains (rdfs:subClassOf is transitive; an unreasoned graph lacks the closure).
    for cls in list(d.superclasses):
        seen, todo = set(), list(d.superclasses[cls])
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(d.superclasses.get(c, ()))
        d.superclasses[cls] = seen

    ontology_ns = str(CKG._NS)
    terms = set()
    for q in kg.quads(ONTOLOGY_GRAPH):
        s, p, o = from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)
        if p == RDF.type and o in TERM_TYPES and isinstance(s, URIRef) and str(s).startswith(ontology_ns):
            terms.add(s)
    d.terms = sorted(terms)
    d.instances = sorted(s for s, ts in d.types.items()
                         if isinstance(s, URIRef) and s not in terms and s != ONTOLOGY_IRI
                         and not ts <= (TERM_TYPES | {OWL.Ontology, OWL.NamedIndividual}))
    return d


def skos_definition(d: SiteData, node) -> dict:
    """The node's ``skos:definition`` (else ``dcterms:description``) per language."""
    found: dict = {}
    for prop in (SKOS.definition, DCTERMS.description, RDFS.comment):
        for o in d.objects(node, prop):
            if isinstance(o, Literal):
                found.setdefault(o.language or "", str(o))
        if found:
            break
    return found

"""Reasoning with HermiT through owlready2: inferred triples kept apart from asserted ones, cached by input hashes."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .cache import CACHE_ENV, REASONING_FORMAT, cache_dir  # one cache folder for the reasoner and the build's store
from .errors import ChipletKGError, UsageError, ValidationFailed
from .io import atomic_write
from .namespace import CKG, PREFIXES, bind_prefixes
from .owl import owl_view

__all__ = [
    "CACHE_ENV", "CLOSED_WORLD", "Finding", "HermitOutput", "OwlCheck", "cache_dir", "cache_key", "check_owl",
    "closed_world", "count_inferred", "describe_class", "infer", "materialise", "run_hermit",
]

#: Bump REASONING_FORMAT (in chiplet_kg/cache.py, which keys the build's store by it too) when what :func:`infer`
#: computes changes, so that older cache files are never reused.
_FORMAT = REASONING_FORMAT
_KEEP_CACHE_FILES = 16
_NOT_TYPES = {OWL.Thing, OWL.NamedIndividual, OWL.Nothing}


class _Inconsistent(Exception):
    """HermiT found the ontology and data inconsistent."""


class _ReasonerFailed(Exception):
    """HermiT could not run (Java missing, Java error)."""


# ---------------------------------------------------------------- running HermiT


@dataclass
class HermitOutput:
    """What HermiT says about a consistent graph: direct types, the class taxonomy and the unsatisfiable classes."""

    types: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    subclass: set[tuple[URIRef, URIRef]] = field(default_factory=set)
    unsatisfiable: set[URIRef] = field(default_factory=set)


def _java_missing() -> str | None:
    import owlready2

    if shutil.which(owlready2.JAVA_EXE) is None:
        return "Java is not installed, so HermiT cannot run: install a Java runtime (e.g. Debian's default-jre-headless)"
    return None


def _hermit(graph: Graph) -> HermitOutput:
    """Classify and realise ``graph`` with HermiT; raise _Inconsistent or _ReasonerFailed."""
    missing = _java_missing()
    if missing:
        raise _ReasonerFailed(missing)
    import owlready2

    with tempfile.TemporaryDirectory(prefix="chiplet-kg-reason-") as tmp:
        src = Path(tmp) / "input.nt"
        # owlready2 cannot read Turtle: hand it N-Triples, with owl:NamedIndividual declarations.
        view = owl_view(graph)
        # owlready2 loads every owl:imports target (a URL or a local file): reason over the given graph only.
        view.remove((None, OWL.imports, None))
        view.serialize(src, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            world.get_ontology(src.as_uri()).load()
            try:
                # Property values are not asked of HermiT: its command line leaves out those that follow from
                # sub-properties; materialise() derives them all from the property axioms instead.
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
            except owlready2.OwlReadyInconsistentOntologyError:
                raise _Inconsistent() from None
            except owlready2.OwlReadyJavaError as err:
                lines = [ln for ln in str(err).splitlines() if ln.strip() and not ln.startswith(("\tat ", "Java error"))]
                raise _ReasonerFailed("HermiT failed: " + (lines[0] if lines else "unknown Java error")) from None
            unsat = {URIRef(c.iri) for c in world.inconsistent_classes() if getattr(c, "iri", None)}
            out = Path(tmp) / "inferred.nt"
            world.get_ontology("http://inferrences/").save(str(out), format="ntriples")
        finally:
            world.close()
        raw = Graph().parse(out, format="nt")
    result = HermitOutput(unsatisfiable=unsat - {OWL.Nothing})
    for s, c in raw.subject_objects(RDF.type):
        # owlready2's result ontology declares itself an owl:Ontology: only memberships of domain classes count.
        if isinstance(s, URIRef) and isinstance(c, URIRef) and not str(c).startswith(str(OWL)):
            result.types.setdefault(s, set()).add(c)
    for a, b in raw.subject_objects(RDFS.subClassOf):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            result.subclass.add((a, b))
    for a, b in raw.subject_objects(OWL.equivalentClass):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            result.subclass |= {(a, b), (b, a)}
    return result


def run_hermit(graph: Graph) -> HermitOutput:
    """Run HermiT (bundled with owlready2) over ``graph``: its direct types, class taxonomy and unsatisfiable classes.

    Raises
    ------
    ValidationFailed
        The graph is OWL-inconsistent, so nothing can be inferred from it.
    UsageError
        Java is missing or HermiT failed; the message says what to do.
    """
    try:
        return _hermit(graph)
    except _Inconsistent:
        raise ValidationFailed("the graph is OWL-inconsistent, so nothing can be inferred from it: run "
                               "`chiplet-kg validate` to see which individuals and axioms clash") from None
    except _ReasonerFailed as err:
        raise UsageError(f"{err}; or pass --no-reason to skip reasoning") from None


# ---------------------------------------------------------------- from HermiT's answer to triples


def _closure(start: Iterable, edges: dict) -> set:
    seen, todo = set(start), list(start)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _class_edges(graph: Graph, extra: Iterable[tuple[URIRef, URIRef]] = ()) -> dict[URIRef, set[URIRef]]:
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
class _RBox:
    """The property axioms of a graph, as the rules that derive property assertions."""

    props: set[URIRef] = field(default_factory=set)
    supers: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    inverses: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    transitive: set[URIRef] = field(default_factory=set)
    chains: list[tuple[URIRef, list[tuple[URIRef, bool]]]] = field(default_factory=list)

    @classmethod
    def of(cls, g: Graph) -> "_RBox":
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


def _compose(left: set[tuple], right: set[tuple]) -> set[tuple]:
    index: dict = defaultdict(set)
    for b, c in right:
        index[b].add(c)
    return {(a, c) for a, b in left for c in index.get(b, ())}


def _role_closure(edges: dict[URIRef, set[tuple]], rb: _RBox, same: dict[URIRef, set[URIRef]]) -> None:
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
                    pairs |= _compose(pairs, pairs)
            for q in _closure([p], rb.supers) - {p}:
                edges[q] |= pairs
            for q in rb.inverses.get(p, ()):
                edges[q] |= {(o, s) for s, o in pairs if isinstance(o, URIRef)}
        for p, steps in rb.chains:
            joined = None
            for prop, inv in steps:
                pairs = edges.get(prop, set())
                pairs = {(o, s) for s, o in pairs} if inv else pairs
                joined = pairs if joined is None else _compose(joined, pairs)
            edges[p] |= joined or set()


def _has_value_edges(g: Graph, types: dict[URIRef, set[URIRef]]) -> dict[URIRef, set[tuple]]:
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


def materialise(asserted: Graph, hermit: HermitOutput) -> Graph:
    """The triples that follow from ``asserted`` and HermiT's answer but are not asserted.

    Class memberships: every named class of every individual (HermiT's direct types and all their superclasses in
    HermiT's taxonomy). Property assertions: the asserted ones closed under the property axioms (sub-properties,
    inverses, symmetry, transitivity, property chains), owl:sameAs, and ``owl:hasValue`` restrictions on the classes
    HermiT puts an individual in.
    """
    up = _class_edges(asserted, hermit.subclass)
    classes = {c for c in asserted.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)} | set(up)
    told: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, c in asserted.subject_objects(RDF.type):
        if isinstance(s, URIRef) and isinstance(c, URIRef) and c in classes and c not in _NOT_TYPES:
            told[s].add(c)
    types = {x: _closure(told.get(x, set()) | hermit.types.get(x, set()), up) - _NOT_TYPES
             for x in set(told) | set(hermit.types)}

    rb = _RBox.of(asserted)
    edges: dict[URIRef, set[tuple]] = defaultdict(set)
    for p in rb.props:
        edges[p] = {(s, o) for s, o in asserted.subject_objects(p)
                    if isinstance(s, URIRef) and isinstance(o, (URIRef, Literal))}
    for p, pairs in _has_value_edges(asserted, types).items():
        edges[p] |= pairs
    same: dict[URIRef, set[URIRef]] = {}
    for a, b in asserted.subject_objects(OWL.sameAs):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            group = same.get(a, {a}) | same.get(b, {b})
            for m in group:
                same[m] = group
    _role_closure(edges, rb, same)

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


# ---------------------------------------------------------------- what the open world cannot decide


def _unaddressed_dependencies(g: Graph) -> set[URIRef]:
    """Dependencies that no policy addresses or covers, neither themselves nor a more specific kind of them."""
    def reached(item) -> bool:
        return any(True for _ in g.subjects(CKG.addresses, item)) or any(True for _ in g.subjects(CKG.covers, item))

    out = set()
    for item in g.subjects(RDF.type, CKG.Dependency):
        kinds = {item} | set(g.subjects(CKG.isTypeOf, item))  # isTypeOf is transitive: g holds its closure
        if isinstance(item, URIRef) and not any(reached(k) for k in kinds):
            out.add(item)
    return out


def _items_without_domestic_supplier(g: Graph) -> set[URIRef]:
    """Supply-chain items with a recorded supplier, none of them recorded as a domestic organisation."""
    out = set()
    for item in g.subjects(RDF.type, CKG.SupplyChainItem):
        suppliers = set(g.objects(item, CKG.suppliedBy))
        domestic = any((s, RDF.type, CKG.DomesticOrganisation) in g for s in suppliers)
        if isinstance(item, URIRef) and suppliers and not domestic:
            out.add(item)
    return out


#: Classes marked ``ckg:closedWorld true`` in the ontology → the function that computes their members.
CLOSED_WORLD: dict[URIRef, Callable[[Graph], set[URIRef]]] = {
    CKG.UnaddressedDependency: _unaddressed_dependencies,
    CKG.ItemWithoutDomesticSupplier: _items_without_domestic_supplier,
}


def closed_world(asserted: Graph, inferred: Graph) -> Graph:
    """Members of the ontology's closed-world classes (``ckg:closedWorld true``), computed over asserted + inferred.

    These are conclusions OWL cannot draw ("no policy addresses it"): they hold for the graph as loaded and may
    change when data is added. Only classes the loaded ontology declares and marks are computed.
    """
    union = Graph()
    union += asserted
    union += inferred
    out = bind_prefixes(Graph())
    for cls, members_of in CLOSED_WORLD.items():
        if (cls, CKG.closedWorld, Literal(True)) not in asserted:
            continue
        for x in members_of(union):
            if (x, RDF.type, cls) not in asserted:
                out.add((x, RDF.type, cls))
    return out


def count_inferred(kg) -> dict[str, int]:
    """How many inferred triples ``kg.inferred`` holds, by kind (class memberships, property assertions, closed world).

    Examples
    --------
    >>> from chiplet_kg import ChipletKG
    >>> count_inferred(ChipletKG())
    {'total': 0, 'class_memberships': 0, 'property_assertions': 0, 'closed_world': 0}
    """
    marked = set(kg.graph.subjects(CKG.closedWorld, Literal(True)))
    types = [(s, o) for s, o in kg.inferred.subject_objects(RDF.type)]
    return {"total": len(kg.inferred), "class_memberships": len(types),
            "property_assertions": len(kg.inferred) - len(types),
            "closed_world": sum(1 for _, o in types if o in marked)}


# ---------------------------------------------------------------- the cache


def cache_key(kg) -> str:
    """SHA-256 over the input files' contents and the reasoner settings: it changes when either does."""
    from .cache import owlready2_version  # not `import owlready2`: a cache hit must not pay for loading it

    h = hashlib.sha256()
    h.update(f"chiplet-kg reasoning format {_FORMAT}; HermiT from owlready2 {owlready2_version()}\n".encode())
    h.update(kg.input_hash().encode())
    h.update(str(len(kg)).encode())  # a graph changed in memory after loading is not the files' graph
    return h.hexdigest()


def _read_cache(path: Path, key: str) -> Graph | None:
    """The cached inferred graph, or None when the file is missing, for another key, damaged or unreadable."""
    try:
        data = path.read_bytes()
        head, _, body = data.partition(b"\n\n")
        fields = dict(line[2:].split(": ", 1) for line in head.decode("ascii").splitlines()[1:])
        if fields.get("key") != key or fields.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        graph = bind_prefixes(Graph()).parse(data=body.decode("utf-8"), format="nt")
        return graph if len(graph) == int(fields.get("triples", -1)) else None
    except Exception:  # noqa: BLE001 - a cache that cannot be read is rebuilt, never trusted
        return None


def _write_cache(path: Path, key: str, graph: Graph) -> None:
    lines = sorted(ln for ln in graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines() if ln.strip())
    body = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    head = (f"# chiplet-kg inferred triples (a cache: safe to delete)\n# key: {key}\n# triples: {len(graph)}\n"
            f"# sha256: {hashlib.sha256(body).hexdigest()}\n\n").encode("ascii")
    try:
        atomic_write(path, head + body)
        old = sorted(path.parent.glob("reason-*.nt"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[_KEEP_CACHE_FILES:]:
            stale.unlink(missing_ok=True)
    except (ChipletKGError, OSError):
        pass  # no cache this time: reasoning still succeeded


def infer(kg, *, cache: str | os.PathLike | None = None, use_cache: bool = True) -> Graph:
    """The triples a reasoner adds to ``kg.graph``: inferred class memberships and property assertions, nothing asserted.

    HermiT classifies the ontology and realises the individuals; :func:`materialise` turns its answer into triples;
    :func:`closed_world` adds the members of the classes OWL cannot decide. The result is cached under
    :func:`cache_dir` by :func:`cache_key`; a cache file that cannot be read or does not check out is rebuilt.

    Parameters
    ----------
    kg : the loaded graph (:class:`chiplet_kg.ChipletKG`).
    cache : the cache folder (default: ``$CHIPLET_KG_CACHE`` or ``build/.cache``).
    use_cache : read and write the cache.

    Returns
    -------
    rdflib.Graph with the project prefixes bound.

    Raises
    ------
    ValidationFailed
        The graph is OWL-inconsistent.
    UsageError
        Java is missing or HermiT failed.
    """
    key = cache_key(kg)
    path = cache_dir(cache) / f"reason-{key}.nt"
    if use_cache:
        cached = _read_cache(path, key)
        if cached is not None:
            return cached
    inferred = materialise(kg.graph, run_hermit(kg.graph))
    inferred += closed_world(kg.graph, inferred)
    if use_cache:
        _write_cache(path, key, inferred)
    return inferred


# ---------------------------------------------------------------- consistency, explained in plain words


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
    up = _class_edges(g)
    disjoint = _disjoint_pairs(g)
    rb = _RBox.of(g)

    supers: dict = {}
    memo: dict = {}

    def clash(a, b) -> tuple | None:
        if (a, b) not in memo:
            sa = supers.setdefault(a, _closure([a], up))
            sb = supers.setdefault(b, _closure([b], up))
            memo[a, b] = next(((x, y) for x in sorted(sa) for y in sorted(sb) if frozenset((x, y)) in disjoint), None)
        return memo[a, b]

    reasons: dict[URIRef, list[tuple[list, str]]] = defaultdict(list)
    for s, c in g.subject_objects(RDF.type):
        if isinstance(s, URIRef) and isinstance(c, URIRef) and c not in _NOT_TYPES:
            reasons[s].append(([c], f"typed {_qname(c)}"))
    for p in rb.props:
        for q in _closure([p], rb.supers):
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
    props = _RBox.of(g).props
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
            _hermit(test)
        except _Inconsistent:
            return True
        except _ReasonerFailed:
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


def check_owl(graph: Graph) -> OwlCheck:
    """Check ``graph`` with HermiT: consistency, unsatisfiable classes, and a plain-words explanation of any clash.

    Examples
    --------
    >>> from chiplet_kg import ChipletKG
    >>> check_owl(ChipletKG().graph).consistent
    True
    """
    try:
        out = _hermit(graph)
    except _ReasonerFailed as err:
        return OwlCheck(None, error=str(err))
    except _Inconsistent:
        findings = _disjoint_clashes(graph)
        explained = {f.node for f in findings}
        findings += [f for f in _value_findings(graph) if f.node not in explained]
        return OwlCheck(False, findings=findings or _localise(graph))
    up = _class_edges(graph)
    disjoint = _disjoint_pairs(graph)
    findings = []
    for c in sorted(out.unsatisfiable):
        if not isinstance(c, URIRef):
            continue
        supers = _closure([c], up)
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
    return OwlCheck(True, findings=findings)

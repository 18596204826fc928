"""Finding an entity by what people type: an IRI, a prefixed name, a label in zh or en, an ISO 3166 code, an ETO id."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .errors import UsageError
from .namespace import CKG, CKGD, ETO, PREFIXES

if TYPE_CHECKING:  # pragma: no cover
    from .kg import ChipletKG

__all__ = ["Index", "Match", "build_index", "close_matches", "norm", "resolve"]

#: How a looked-up node ranks when the caller asks for an entity: instances below ckg:Entity first, then other
#: data (sources, ETO provision records), then classes, then properties.
ENTITY, DATA, CLASS, PROPERTY = range(4)
_CLASS_TYPES = {OWL.Class, RDFS.Class}
_PROPERTY_TYPES = {RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                   OWL.FunctionalProperty, OWL.TransitiveProperty, OWL.SymmetricProperty}
_ETO_ID = re.compile(r"[NPS]\d+", re.IGNORECASE)
#: Below this similarity a label is not offered as a close match: "photoresits" is not "restricts" (0.6), and
#: for a short text (weight 4 or less, :func:`_weight`) "asm" is not "AMD" (0.67).
CUTOFF, SHORT_CUTOFF = 0.7, 0.75
HOW = ("give an English or Chinese label, a prefixed name such as ckgd:JCET, an IRI, an ISO 3166 code such as "
       "NLD or NL, or an ETO id such as P45")


def norm(text: str) -> str:
    """Case, white space and full-width forms do not count: the paper writes "Chiplet 技术" and "Chiplet技术".

    Examples
    --------
    >>> norm(" EUV  Lithography\\u3000Ｅquipment ")
    'euvlithographyequipment'
    """
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass
class Index:
    """What a look-up reads, made once per version of the store (:meth:`ChipletKG.find` caches it)."""

    #: normalised label, skos:altLabel or ckgd: local name → the nodes it names
    labels: dict[str, set[URIRef]] = field(default_factory=dict)
    #: upper-case ISO 3166 alpha-3 (ckg:isoAlpha3) → countries
    iso3: dict[str, set[URIRef]] = field(default_factory=dict)
    #: upper-case ETO id (ckg:etoId, or the local name of an eto: IRI a link points to) → nodes
    eto_ids: dict[str, set[URIRef]] = field(default_factory=dict)
    #: node → ENTITY / DATA / CLASS / PROPERTY
    tiers: dict[URIRef, int] = field(default_factory=dict)
    #: skos:exactMatch, both ways
    same: dict[URIRef, set[URIRef]] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    """A close match: the node (our entity where several are the same by skos:exactMatch), how similar, and the
    nodes folded into it."""

    node: URIRef
    score: float
    tier: int
    same: tuple[URIRef, ...] = ()


def build_index(kg: "ChipletKG") -> Index:
    """Labels, codes, ids, kinds and skos:exactMatch links of the asserted graph."""
    ix = Index()
    labelled: set[URIRef] = set()
    for prop in (RDFS.label, SKOS.altLabel):
        for s, o in kg._subject_objects(prop):
            if isinstance(s, URIRef) and isinstance(o, Literal):
                ix.labels.setdefault(norm(str(o)), set()).add(s)
                labelled.add(s)
    for s in labelled:
        if str(s).startswith(str(CKGD)):
            ix.labels.setdefault(norm(str(s)[len(str(CKGD)):]), set()).add(s)
    for s, o in kg._subject_objects(CKG.isoAlpha3):
        if isinstance(s, URIRef):
            ix.iso3.setdefault(str(o).strip().upper(), set()).add(s)
    for s, o in kg._subject_objects(CKG.etoId):
        if isinstance(s, URIRef):
            ix.eto_ids.setdefault(str(o).strip().upper(), set()).add(s)
    for s, o in kg._subject_objects(SKOS.exactMatch):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            ix.same.setdefault(s, set()).add(o)
            ix.same.setdefault(o, set()).add(s)
            for node in (s, o):  # an ETO id the shipped links name, before (or without) an import
                if str(node).startswith(str(ETO)) and _ETO_ID.fullmatch(str(node)[len(str(ETO)):]):
                    ix.eto_ids.setdefault(str(node)[len(str(ETO)):].upper(), set()).add(node)
    for s, o in kg._subject_objects(RDF.type):
        if not isinstance(s, URIRef):
            continue
        tier = CLASS if o in _CLASS_TYPES else PROPERTY if o in _PROPERTY_TYPES else DATA
        ix.tiers[s] = max(ix.tiers.get(s, DATA), tier)  # a term typed twice (owl:Class, rdfs:Class) stays a term
    for e in kg.entities():
        ix.tiers[e] = ENTITY
    return ix


def _tier(ix: Index, node: URIRef) -> int:
    return ix.tiers.get(node, DATA)


def _ours(ix: Index, nodes) -> URIRef:
    """The node to stand for nodes that are the same: one of ours (not an imported ETO IRI), then by kind and IRI."""
    return min(nodes, key=lambda n: (str(n).startswith(str(ETO)), _tier(ix, n), str(n)))


def _group(ix: Index, node: URIRef) -> set[URIRef]:
    """``node`` and everything the same as it by skos:exactMatch (followed transitively)."""
    seen, todo = {node}, [node]
    while todo:
        for other in ix.same.get(todo.pop(), ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def _pick(kg: "ChipletKG", ix: Index, hits: set[URIRef], entities_first: bool) -> set[URIRef]:
    """Narrow several hits: entities over ontology terms (when asked), nodes the graph describes over bare link
    targets, and one node for hits that are all the same by skos:exactMatch."""
    present = {h for h in hits if h in ix.tiers or kg._has_subject(h)}
    if not present:  # e.g. eto:P45 before an import: the entity of ours linked to it
        present = {o for h in hits for o in _group(ix, h) if o in ix.tiers or kg._has_subject(o)}
    hits = present
    if entities_first and any(_tier(ix, h) <= DATA for h in hits):
        hits = {h for h in hits if _tier(ix, h) <= DATA}
    if len(hits) > 1:
        groups = {frozenset(_group(ix, h)) for h in hits}
        if len(groups) == 1:
            return {_ours(ix, hits)}
    return hits


def _iri(text: str) -> URIRef | None:
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:(//|[^\s:]*:)", text) or text.startswith("urn:"):
        return URIRef(text)
    return None


def resolve(kg: "ChipletKG", ix: Index, text: str, entities_first: bool = True) -> URIRef:
    """The node ``text`` names; see :meth:`chiplet_kg.kg.ChipletKG.find`."""
    raw = text.strip()
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1].strip()
    iri = _iri(raw)
    if iri is not None and kg._has_subject(iri):
        return iri
    prefix, colon, local = raw.partition(":")
    ns = PREFIXES.get(prefix.casefold()) if colon and iri is None else None
    if ns is not None and local and kg._has_subject(ns[local]):
        return ns[local]
    key = norm(raw)
    found = set(ix.labels.get(key, ()))
    if not found:
        found = set(_by_code(ix, raw))
        if not found and ns is not None and prefix.casefold() == "eto":
            found = set(ix.eto_ids.get(local.upper(), ()))
    hits = _pick(kg, ix, found, entities_first) if found else set()
    if len(hits) == 1:
        return next(iter(hits))
    if len(hits) > 1:
        names = "; ".join(_show(kg, ix, h) for h in sorted(hits, key=lambda h: (_tier(ix, h), str(h))))
        raise UsageError(f"'{raw}' names several entities: {names}; give one of these instead (a prefixed name "
                         "or an IRI)")
    # An IRI or prefixed name that names nothing: its local name is what to compare with the labels.
    like = re.split(r"[/#]", raw)[-1] if iri is not None else local if ns is not None else raw
    raise UsageError(_miss(kg, ix, raw, entities_first, like or raw))


def _by_code(ix: Index, text: str) -> set[URIRef]:
    code = text.strip().upper()
    if _ETO_ID.fullmatch(code) and code in ix.eto_ids:
        return ix.eto_ids[code]
    if re.fullmatch(r"[A-Z]{3}", code):
        return ix.iso3.get(code, set())
    if re.fullmatch(r"[A-Z]{2}", code):
        country = _country(alpha_2=code)
        if country is not None:
            return ix.iso3.get(country.alpha_3, set())
    return set()


def _country(**code):
    import pycountry

    try:
        return pycountry.countries.get(**code)
    except (KeyError, LookupError):  # pragma: no cover - older pycountry raises on an unknown code
        return None


def _miss(kg: "ChipletKG", ix: Index, raw: str, entities_first: bool, like: str) -> str:
    """The message for a name that matches nothing: close matches, or why a code or id found nothing."""
    message = f"no entity named '{raw}'"
    code = raw.strip().upper()
    notes = []
    if re.fullmatch(r"[A-Z]{2,3}", code):
        country = _country(**{"alpha_3" if len(code) == 3 else "alpha_2": code})
        if country is not None:
            notes.append(f"{code} is the ISO 3166 code of {country.name}, which the graph does not hold")
    local = code.partition(":")[2] if code.startswith("ETO:") else code
    if _ETO_ID.fullmatch(local) and not any(True for _ in kg._subject_objects(CKG.etoId)):
        notes.append(f"{local} looks like an ETO id: import the ETO dataset (chiplet-kg import eto DIR -o eto.ttl) "
                     "and add --data eto.ttl")
    close = close_matches(kg, ix, like, entities_first=entities_first)
    if notes:
        message += " (" + "; ".join(notes) + ")"
    if close:
        return message + "; did you mean: " + "; ".join(_show(kg, ix, m.node, m.same) for m in close)
    return message + f"; {HOW}"


def _show(kg: "ChipletKG", ix: Index, node: URIRef, same=()) -> str:
    names = ", ".join([kg.qname(node), *("= " + kg.qname(s) for s in same)])
    en, zh = kg.label(node, "en"), kg.label(node, "zh")
    labels = en if en == zh else f"{en} / {zh}"
    return f"{labels} ({names})"


def _weight(text: str) -> int:
    # A Chinese character says about as much as two Latin letters: "光刻" is a word, "eu" is not.
    return sum(1 if ch.isascii() else 2 for ch in text)


def _score(matcher: SequenceMatcher, q: str, key: str, cutoff: float) -> float:
    """How similar ``key`` is to the typed ``q`` (both normalised): difflib's ratio, raised when one is the start
    (or, when long enough, a part) of the other and covers a good part of it. Below ``cutoff``: 0."""
    short, long_ = (q, key) if len(q) <= len(key) else (key, q)
    cover = len(short) / len(long_)
    bonus = 0.0
    if cover >= 1 / 3 and _weight(short) >= 3:
        if long_.startswith(short):
            bonus = 0.7 + 0.3 * cover
        elif cover >= 0.5 and _weight(short) >= 4 and short in long_:
            bonus = 0.65 + 0.3 * cover
    floor = max(cutoff, bonus)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return bonus if bonus >= cutoff else 0.0
    ratio = matcher.ratio()
    best = max(ratio, bonus)
    return best if best >= cutoff else 0.0


def close_matches(kg: "ChipletKG", ix: Index, text: str, n: int = 5, entities_first: bool = True) -> list[Match]:
    """Up to ``n`` nodes whose labels are most like ``text`` (score at least :data:`CUTOFF`), best first.

    Nodes that are the same by skos:exactMatch count once (as ours). With ``entities_first``, instances of the
    ontology's classes come first, then other data (sources, records), then classes, then properties; by score
    within each.
    """
    q = norm(text)
    if not q:
        return []
    cutoff = SHORT_CUTOFF if _weight(q) <= 4 else CUTOFF
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(q)
    best: dict[URIRef, float] = {}
    for key, nodes in ix.labels.items():
        matcher.set_seq1(key)
        score = _score(matcher, q, key, cutoff)
        if score:
            for node in nodes:
                if score > best.get(node, 0.0):
                    best[node] = score
    groups: dict[URIRef, Match] = {}
    for node, score in best.items():
        members = _group(ix, node)
        head = _ours(ix, [m for m in members if m in ix.tiers] or [node])
        old = groups.get(head)
        if old is None or score > old.score:
            same = tuple(sorted((m for m in members if m != head and m in ix.tiers), key=str))
            groups[head] = Match(head, round(score, 3), _tier(ix, head), same)
    order = ((lambda m: (m.tier, -m.score, str(m.node))) if entities_first
             else (lambda m: (-m.score, m.tier, str(m.node))))
    return sorted(groups.values(), key=order)[:n]

"""What the analyses share: indexes over the projection and the derived relations needs, supplies and addresses."""

from __future__ import annotations

import weakref
from collections import defaultdict, deque

from ..network import class_label, has_kind, node_label

__all__ = ["Model", "NEEDS", "PARTS", "GOES_INTO_INVERSE", "AGGREGATE", "t", "join"]

#: ``v goesInto u`` read backwards: u needs v (ETO's sequence: lithography tools go into photolithography).
GOES_INTO_INVERSE = "^ckg:goesInto"
#: ``u needs v``: u cannot be designed, made or used without v.
NEEDS = ("ckg:dependsOn", "ckg:usesTechnology", GOES_INTO_INVERSE)
#: ``whole has part``.
PARTS = ("ckg:hasPart", "ckg:hasInstrument")
IS_TYPE_OF = "ckg:isTypeOf"
SUPPLIED_BY = "ckg:suppliedBy"
BASED_IN = "ckg:basedIn"
ADDRESSES = "ckg:addresses"
CONCERNS = "ckg:concerns"
TARGETS = "ckg:targets"
APPLIED_IN = "ckg:appliedIn"
APPLIES = "ckg:appliesTechnology"
IN_DOMAIN = "ckg:inDomain"

ITEM = "ckg:SupplyChainItem"
TECHNOLOGY = "ckg:Technology"
ORGANISATION = "ckg:Organisation"
COUNTRY = "ckg:CountryOrRegion"
POLICY = "ckg:Policy"
CHALLENGE = "ckg:Challenge"
GOAL = "ckg:RoadmapGoal"
DOMAIN = "ckg:ApplicationDomain"
TECH_APPLICATION = "ckg:TechnologyApplication"
#: Unnamed providers taken together (ETO's "Various companies"): never a supplier of their own (see Model.dispersed).
AGGREGATE = "ckg:AggregateProvider"


def t(lang: str, en: str, zh: str) -> str:
    """The English or the Chinese wording."""
    return zh if lang == "zh" else en


def join(items, lang: str = "en") -> str:
    """A list for people: ``a, b, c`` (``a、b、c`` in Chinese)."""
    return ("、" if lang == "zh" else ", ").join(items)


class Model:
    """Indexes over a projection (``chiplet_kg.network.project``) and the relations the analyses derive from it.

    Parameters
    ----------
    g : the projection; read only.
    """

    _cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

    def __init__(self, g):
        self.g = g
        self.out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.inc: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self._edge: dict[tuple[str, str, str], dict] = {}
        for u, v, key, data in g.edges(keys=True, data=True):
            pred = data.get("predicate", key)
            if pred == SUPPLIED_BY and data.get("inferred"):
                # The reasoner makes a supplier of a specific kind a supplier of the general kind (suppliedBy ∘
                # isTypeOf⁻); counted as the general kind's whole supply, removing ASML would cut off "advanced
                # process equipment" and with it chiplet technology. Only stated suppliers count.
                continue
            known = self._edge.get((u, pred, v))
            if known is None:
                self.out[pred][u].append(v)
                self.inc[pred][v].append(u)
                if pred == "ckg:goesInto":
                    self.out[GOES_INTO_INVERSE][v].append(u)
                    self.inc[GOES_INTO_INVERSE][u].append(v)
            if known is None or (known.get("inferred") and not data.get("inferred")):
                self._edge[(u, pred, v)] = data
                if pred == "ckg:goesInto":
                    self._edge[(v, GOES_INTO_INVERSE, u)] = data
        self._supertypes: dict[str, set[str]] = {}
        self._subtypes: dict[str, set[str]] = {}
        self._kinds = {n: frozenset(d.get("kinds", ())) for n, d in g.nodes(data=True)}
        self._labels: dict[tuple[str, str], str] = {}
        self._needers: dict[str, tuple[str, ...]] | None = None
        self._needers_memo: dict[tuple[str, bool], frozenset[str]] = {}
        self._by_kind: dict[str, list[str]] = {}
        #: skos:exactMatch / closeMatch links (``g.graph["matches"]``), both ways: node → [(other, "exact"|"close")].
        self.matches: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for a, b, how in g.graph.get("matches", ()):
            self.matches[a].append((b, how))
            self.matches[b].append((a, how))
        #: item → its provision records (``g.graph["provisions"]``).
        self.provisions: dict[str, list[dict]] = g.graph.get("provisions", {})

    @classmethod
    def of(cls, g) -> "Model":
        """The indexes of ``g``, built once per projection and reused while its node count and its provision and
        match lists stay the same (a projection is not changed after :func:`~chiplet_kg.network.project`; one with
        other nodes is indexed anew). The edge count is not compared: networkx counts a multigraph's edges by
        walking all of them, which at 100k triples cost more than a what-if."""
        signature = (g.number_of_nodes(), id(g.graph.get("provisions")), id(g.graph.get("matches")))
        known = cls._cache.get(g)
        if known is not None and known[0] == signature:
            return known[1]
        model = cls(g)
        cls._cache[g] = (signature, model)
        return model

    # -------------------------------------------------------------- basics

    def is_(self, node: str, kind: str) -> bool:
        kinds = self._kinds.get(node)
        return kind in kinds if kinds is not None else has_kind(self.g, node, kind)

    def label(self, node: str, lang: str = "en") -> str:
        key = (node, lang)
        known = self._labels.get(key)
        if known is None:
            known = self._labels[key] = node_label(self.g, node, lang)
        return known

    def needers_of(self, node: str) -> tuple[str, ...]:
        """What needs ``node`` (``NEEDS`` read backwards), from an index built once; unsorted, for traversals."""
        index = self._needers
        if index is None:
            built: dict[str, dict[str, None]] = defaultdict(dict)  # a dict keeps a run-independent order
            for p in NEEDS:
                for v, us in self.inc[p].items():
                    built[v].update(dict.fromkeys(us))
            index = self._needers = {v: tuple(us) for v, us in built.items()}
        return index.get(node, ())

    def labels(self, nodes, lang: str = "en") -> list[str]:
        return [self.label(n, lang) for n in sorted(nodes, key=lambda n: self.label(n, lang).casefold())]

    def cls(self, node: str, lang: str = "en") -> str:
        return class_label(self.g, self.g.nodes[node]["class"], lang)

    def qname(self, node: str) -> str:
        return self.g.nodes[node].get("qname", node)

    def sources(self, node: str) -> list[str]:
        return list(self.g.nodes[node].get("source", []))

    def edge(self, u: str, pred: str, v: str) -> dict | None:
        return self._edge.get((u, pred, v))

    def edge_sources(self, pairs) -> list[str]:
        """The sources of the edges ``(u, pred, v)``, without repeats, in order of appearance."""
        seen: list[str] = []
        for u, pred, v in pairs:
            for src in (self.edge(u, pred, v) or {}).get("source", []):
                if src not in seen:
                    seen.append(src)
        return seen

    def succ(self, node: str, *preds: str) -> list[str]:
        return sorted({v for p in preds for v in self.out[p].get(node, ())})

    def pred(self, node: str, *preds: str) -> list[str]:
        return sorted({u for p in preds for u in self.inc[p].get(node, ())})

    def nodes(self, kind: str) -> list[str]:
        if kind not in self._by_kind:
            self._by_kind[kind] = sorted(n for n, kinds in self._kinds.items() if kind in kinds)
        return self._by_kind[kind]

    # -------------------------------------------------------------- kinds (isTypeOf)

    def _closure(self, node: str, step) -> set[str]:
        seen: set[str] = set()
        queue = deque([node])
        while queue:
            for nxt in step(queue.popleft()):
                if nxt not in seen and nxt != node:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen

    def supertypes(self, node: str) -> set[str]:
        """What ``node`` is a (transitive) kind of."""
        if node not in self._supertypes:
            self._supertypes[node] = self._closure(node, lambda n: self.out[IS_TYPE_OF].get(n, ()))
        return self._supertypes[node]

    def subtypes(self, node: str) -> set[str]:
        """The (transitive) kinds of ``node``."""
        if node not in self._subtypes:
            self._subtypes[node] = self._closure(node, lambda n: self.inc[IS_TYPE_OF].get(n, ()))
        return self._subtypes[node]

    # -------------------------------------------------------------- supply

    def is_aggregate(self, node: str) -> bool:
        """Whether ``node`` stands for many unnamed providers (``ckg:AggregateProvider``), whatever else a reasoner
        infers it to be (``ckg:suppliedBy`` makes it an organisation)."""
        return self.is_(node, AGGREGATE)

    def direct_suppliers(self, item: str) -> set[str]:
        """The named suppliers of ``item`` (an aggregate of unnamed providers is none: see :meth:`dispersed`)."""
        return {o for o in self.out[SUPPLIED_BY].get(item, ()) if not self.is_aggregate(o)}

    def dispersed(self, item: str) -> bool:
        """Whether part of ``item`` comes from providers the data does not name: an aggregate supplies it
        (``ckg:suppliedBy``) or holds a share of it that is not 0 (a provision record, share known or unknown).

        Such an item is never single-source or supplied from one country only, and never loses all of its supply
        with its named providers.
        """
        memo = self.__dict__.setdefault("_dispersed", {})
        known = memo.get(item)
        if known is None:
            known = memo[item] = any(self.is_aggregate(o) for o in self.out[SUPPLIED_BY].get(item, ())) or any(
                self.is_aggregate(r["provider"]) and r["share"] != 0 for r in self.provisions.get(item, ()))
        return known

    def suppliers(self, item: str) -> tuple[set[str], list[str]]:
        """The suppliers of ``item`` and, when it has none of its own, those of its nearest kinds-of.

        High-end EDA tools without suppliers of their own are supplied as EDA tools are. The suppliers of a kind
        do not count for the broader item: a category whose only recorded kind loses its supplier (advanced
        process equipment through EUV lithography) is not thereby cut off, since its other kinds are not recorded.

        Returns
        -------
        (suppliers, inherited_from): ``inherited_from`` lists the supertypes whose suppliers stand in (empty when
        the item has suppliers of its own).
        """
        own = self.direct_suppliers(item)
        if own or self.dispersed(item):  # unnamed providers are its own suppliers too: no kind-of stands in
            return own, []
        level = set(self.out[IS_TYPE_OF].get(item, ()))
        seen = set(level)
        while level:
            found = {s: self.direct_suppliers(s) for s in level}
            found = {s: orgs for s, orgs in found.items() if orgs}
            if found:
                return set().union(*found.values()), sorted(found)
            level = {p for s in level for p in self.out[IS_TYPE_OF].get(s, ())} - seen
            seen |= level
        return set(), []

    def countries(self, org: str) -> list[str]:
        return [c for c in self.succ(org, BASED_IN) if not self.is_aggregate(c)]

    def supply_edges(self, item: str, orgs) -> list[tuple[str, str, str]]:
        """The ``suppliedBy`` edges (on the item or what it is a kind of) that name ``orgs`` as its suppliers."""
        pairs = []
        for candidate in [item, *sorted(self.supertypes(item))]:
            for org in sorted(orgs):
                if self.edge(candidate, SUPPLIED_BY, org):
                    pairs.append((candidate, SUPPLIED_BY, org))
        return pairs

    # -------------------------------------------------------------- dependence

    def needers(self, node: str, *, with_kinds: bool = True) -> frozenset[str]:
        """Everything that needs ``node``, transitively (``dependsOn``, ``usesTechnology``).

        A kind of something that needs ``node`` needs it too (XDFOI is a kind of chiplet); with ``with_kinds``,
        whatever needs a kind of ``node`` counts as well (needing EUV lithography is needing process equipment).
        """
        key = (node, with_kinds)
        known = self._needers_memo.get(key)
        if known is not None:
            return known
        start = {node} | (self.subtypes(node) if with_kinds else set())
        found: set[str] = set()
        queue = deque(start)
        while queue:
            z = queue.popleft()
            for u in self.needers_of(z):
                for w in (u, *self.subtypes(u)):
                    if w not in found and w not in start:
                        found.add(w)
                        queue.append(w)
        # Analyses ask for the same node many times (each supplier, each country): traverse once per projection.
        found = self._needers_memo[key] = frozenset(found)
        return found

    def reach(self, nodes) -> dict[str, set[str]]:
        """What depends on ``nodes``: technologies, application domains, roadmap goals (and the needers)."""
        nodes = set(nodes)
        needers: set[str] = set()
        targets = set(nodes)
        for n in nodes:
            needers |= self.needers(n)
            targets |= self.subtypes(n) if self.is_(n, ITEM) else set()
        # Raw index look-ups (no sorting): this runs once per chokepoint candidate.
        technologies = {n for n in needers if self.is_(n, TECHNOLOGY)}
        applied_in, applies, in_domain = self.out[APPLIED_IN], self.inc[APPLIES], self.out[IN_DOMAIN]
        domains = {d for tech in technologies for d in applied_in.get(tech, ())}
        for tech in technologies:
            for app in applies.get(tech, ()):
                domains.update(in_domain.get(app, ()))
        targeted_by = self.inc[TARGETS]
        goals = {g for n in targets | needers for g in targeted_by.get(n, ()) if self.is_(g, GOAL)}
        return {"needers": needers, "technologies": technologies, "domains": domains, "goals": goals}

    def dependencies(self) -> dict[str, list[str]]:
        """Supply-chain items a technology needs (directly or through other needs) → why (needer technologies)."""
        found: dict[str, list[str]] = {}
        for item in self.nodes(ITEM):
            techs = [n for n in self.needers(item, with_kinds=False) if self.is_(n, TECHNOLOGY)]
            if techs:
                found[item] = sorted(techs)
        return found

    # -------------------------------------------------------------- policies

    def addressers(self, node: str) -> list[str]:
        return [p for p in self.pred(node, ADDRESSES) if self.is_(p, POLICY)]

    def item_addressed_via(self, item: str) -> list[tuple[str, str, str]]:
        """How policies reach ``item`` without addressing it: ``(policy, through_node, how)`` with how one of
        ``supertype`` (the policy addresses what the item is a kind of), ``concerns`` (it addresses a challenge that
        concerns the item or a kind-of) or ``challenge`` (it addresses a challenge with such a part)."""
        via: list[tuple[str, str, str]] = []
        for sup in sorted(self.supertypes(item)):
            via += [(p, sup, "supertype") for p in self.addressers(sup)]
        for target in [item, *sorted(self.supertypes(item))]:
            for challenge in self.pred(target, CONCERNS):
                via += [(p, challenge, "concerns") for p in self.addressers(challenge)]
                for whole in self.pred(challenge, *PARTS):
                    via += [(p, whole, "challenge") for p in self.addressers(whole)]
        return _first_per_policy_and_target(via)

    def challenge_addressed_via(self, challenge: str) -> list[tuple[str, str, str]]:
        """How policies reach a challenge without addressing it: through its whole (``challenge``), one of its
        parts (``part``) or an item it concerns (``item``)."""
        via: list[tuple[str, str, str]] = []
        for whole in self.pred(challenge, *PARTS):
            if self.is_(whole, CHALLENGE):
                via += [(p, whole, "challenge") for p in self.addressers(whole)]
        for part in self.succ(challenge, *PARTS):
            if self.is_(part, CHALLENGE):
                via += [(p, part, "part") for p in self.addressers(part)]
        for item in self.succ(challenge, CONCERNS):
            via += [(p, item, "item") for p in self.addressers(item)]
        return _first_per_policy_and_target(via)

    def policy_targets(self, policy: str) -> set[str]:
        """What ``policy`` or one of its parts (instruments) addresses."""
        found = set(self.succ(policy, ADDRESSES))
        for part in self._closure(policy, lambda n: self.succ(n, *PARTS)):
            found |= set(self.succ(part, ADDRESSES))
        return found


def _first_per_policy_and_target(via: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Keep the first (policy, target, how) row of each (policy, target) pair, in order."""
    seen, unique = set(), []
    for row in via:
        if row[:2] not in seen:
            seen.add(row[:2])
            unique.append(row)
    return unique

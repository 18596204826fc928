"""A deterministic synthetic supply-chain graph that follows the chiplet-kg ontology, streamed as N-Triples.

The graph is built from *clusters*: a chain of technologies that depend on one another and then on a chain of
supply-chain items (so ``ckg:dependsOn+`` paths are long), items supplied by firms based in countries, a
bottleneck that concerns some items, and policy instruments that address bottlenecks or items. Four clusters form
a *super-cluster*, whose dependency chains run into one another (paths of up to ~140 steps), with a challenge
that has the clusters' bottlenecks as parts, a policy group with the instruments, a roadmap phase with goals that
target technologies and items, and now and then an export control that restricts an item.

Every entity has ``rdfs:label`` in ``@en`` and ``@zh``, one class and ``dcterms:source``; every argument relation
has its ``owl:Axiom`` annotation with ``dcterms:source`` and ``ckg:evidence``, as the shipped data does, so that
``chiplet-kg validate --data FILE`` passes. The graph refers to one entity of the shipped graph, ``ckgd:China``
(a share of the firms are based there), so it is meant to be loaded together with the shipped graph.

Nothing is held in memory but a few lists of entity numbers, so 10^6 triples need no large graph.

Example::

    python benchmarks/gen.py --triples 100k -o build/bench/synthetic-100k.nt
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["generate", "parse_size", "Summary", "SYN", "CKG", "CKGD"]

CKG = "https://w3id.org/chiplet-kg/ontology/"
CKGD = "https://w3id.org/chiplet-kg/data/"
#: The synthetic entities' namespace (kept apart from the shipped data's).
SYN = "https://example.org/chiplet-kg-synthetic/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"

CLUSTERS_PER_SUPER = 4
TECHS_PER_CLUSTER = 6
ITEMS_PER_CLUSTER = 30
BROAD_PER_CLUSTER = 2
FIRMS_PER_CLUSTER = 8
N_COUNTRIES = 40
N_SOURCES = 20

TECH_CLASSES = ("IntegrationApproach", "InterconnectTechnology", "PackagingArchitecture", "ProcessTechnology",
                "PackagingPlatform")
ITEM_CLASSES = ("DesignTool", "ProcessEquipment", "PackagingEquipment", "Material", "Standard", "Talent")
#: What a label calls each kind of entity, in English and Chinese.
KIND_WORDS = {
    "tech": ("technology", "技术"), "item": ("item", "要素"), "firm": ("firm", "企业"),
    "country": ("country", "国家"), "bottleneck": ("bottleneck", "瓶颈"), "challenge": ("challenge", "挑战"),
    "group": ("policy group", "政策类别"), "instrument": ("policy instrument", "政策工具"),
    "phase": ("roadmap phase", "路线图阶段"), "goal": ("roadmap goal", "发展目标"), "measure": ("export control", "出口管制"),
    "roadmap": ("roadmap", "路线图"),
}
#: Evidence quotes per relation (Chinese, as the paper's are), with the two entity labels filled in.
EVIDENCE = {
    "dependsOn": "合成数据：{s}的研发与制造依赖{o}，缺少{o}则无法量产",
    "suppliedBy": "合成数据：{s}主要由{o}提供，其产能决定供应是否稳定",
    "basedIn": "合成数据：{s}的总部位于{o}，受当地出口政策约束",
    "concerns": "合成数据：{s}主要表现为{o}严重依赖进口、国产化率低",
    "addresses": "合成数据：通过{s}集中力量解决{o}问题",
    "hasPart": "合成数据：{s}具体包括{o}等方面",
    "hasInstrument": "合成数据：{s}包括{o}等具体措施",
    "hasPhase": "合成数据：{s}分为若干阶段，其中包括{o}",
    "hasGoal": "合成数据：在{s}，应实现{o}",
    "targets": "合成数据：{s}着重突破{o}",
    "isTypeOf": "合成数据：{s}属于{o}的一种",
    "restricts": "合成数据：{s}限制向中国出口{o}",
    "imposedBy": "合成数据：{s}由{o}出台",
    "implementedBy": "合成数据：{s}由{o}负责实施",
}


def parse_size(text: str) -> int:
    """``10k`` → 10000, ``1M`` → 1000000, ``2500`` → 2500.

    >>> parse_size("10k"), parse_size("1M"), parse_size("2500")
    (10000, 1000000, 2500)
    """
    text = text.strip()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    number = text[:-1] if scale > 1 else text
    try:
        value = int(float(number) * scale)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (write e.g. 10k, 100k, 1M)") from None
    if value < 1000:
        raise argparse.ArgumentTypeError(f"size {text!r} is too small: at least 1000 triples")
    return value


def _literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


@dataclass
class Summary:
    """What was written: counts, and example entities for queries that take parameters."""

    path: str
    triples: int
    seed: int
    clusters: int
    entities: dict[str, int] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


class _Writer:
    """Counts and writes N-Triples lines; entities get labels, a class and a source, relations their axiom."""

    def __init__(self, out, rng: random.Random):
        self.out = out
        self.rng = rng
        self.triples = 0
        self.axioms = 0
        self.buffer: list[str] = []
        self.entities: dict[str, int] = {}
        self.relations: dict[str, int] = {}

    def triple(self, s: str, p: str, o: str) -> None:
        self.buffer.append(f"{s} <{p}> {o} .\n")
        self.triples += 1
        if len(self.buffer) >= 5000:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.buffer))
        self.buffer.clear()

    def source(self) -> str:
        return f"<{SYN}source-{self.rng.randrange(N_SOURCES)}>"

    def entity(self, kind: str, number: int, cls: str, ns: str = CKG) -> str:
        iri = f"<{SYN}{kind}-{number}>"
        en, zh = KIND_WORDS[kind]
        label_en, label_zh = f"synthetic {en} {number}", f"合成{zh} {number}"
        self.triple(iri, RDF + "type", f"<{ns}{cls}>")
        self.triple(iri, RDFS + "label", _literal(label_en, "en"))
        self.triple(iri, RDFS + "label", _literal(label_zh, "zh"))
        self.triple(iri, DCTERMS + "source", self.source())
        self.entities[cls] = self.entities.get(cls, 0) + 1
        return iri

    def relation(self, s: str, prop: str, o: str) -> None:
        """``s ckg:prop o`` and its owl:Axiom annotation (source and an evidence quote)."""
        self.triple(s, CKG + prop, o)
        ax = f"_:ax{self.axioms}"
        self.axioms += 1
        self.triple(ax, RDF + "type", f"<{OWL}Axiom>")
        self.triple(ax, OWL + "annotatedSource", s)
        self.triple(ax, OWL + "annotatedProperty", f"<{CKG}{prop}>")
        self.triple(ax, OWL + "annotatedTarget", o)
        self.triple(ax, DCTERMS + "source", self.source())
        quote = EVIDENCE[prop].format(s=self._zh(s), o=self._zh(o))
        self.triple(ax, CKG + "evidence", _literal(quote, "zh"))
        self.relations[prop] = self.relations.get(prop, 0) + 1

    @staticmethod
    def _zh(iri: str) -> str:
        """The Chinese label of an entity, from its IRI (labels follow the IRIs' pattern)."""
        if iri == f"<{CKGD}China>":
            return "中国"
        kind, _, number = iri[len(SYN) + 1:-1].rpartition("-")
        return f"合成{KIND_WORDS[kind][1]} {number}"


def _header(w: _Writer) -> tuple[list[str], str]:
    """Sources, countries and the roadmap, written once; returns the country IRIs and the roadmap's."""
    for i in range(N_SOURCES):
        src = f"<{SYN}source-{i}>"
        w.triple(src, RDF + "type", f"<{DCTERMS}BibliographicResource>")
        w.triple(src, DCTERMS + "title", _literal(f"synthetic source {i}", "en"))
    countries = []
    for i in range(N_COUNTRIES):
        iri = w.entity("country", i, "CountryOrRegion")
        # ISO 3166-1 keeps XAA–XZZ for user-assigned codes: no clash with a real country.
        code = "X" + chr(ord("A") + i // 26) + chr(ord("A") + i % 26)
        w.triple(iri, CKG + "isoAlpha3", _literal(code))
        countries.append(iri)
    return countries, w.entity("roadmap", 0, "Roadmap")


def generate(path: str | Path, triples: int, seed: int = 8) -> Summary:
    """Write a synthetic graph of about ``triples`` triples (a little more: whole clusters) to ``path``.

    The same ``triples`` and ``seed`` always give the same file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    started = time.perf_counter()
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8", newline="\n") as out:
        w = _Writer(out, rng)
        countries, roadmap = _header(w)
        china = f"<{CKGD}China>"
        # A few countries hold most firms (Zipf-like weights), as real supply chains are concentrated.
        weights = [1.0 / (i + 1) for i in range(N_COUNTRIES)]
        n_tech = n_item = n_firm = n_bottleneck = n_challenge = n_group = n_instrument = 0
        n_phase = n_goal = n_measure = 0
        cluster = 0
        previous_tail: str | None = None   # the last item of the previous cluster of the same super-cluster
        examples: dict[str, str] = {}
        super_items: list[str] = []
        super_techs: list[str] = []
        super_bottlenecks: list[str] = []
        super_instruments: list[str] = []

        def close_super() -> None:
            """The super-cluster's challenge, policy group, roadmap phase and (sometimes) an export control."""
            nonlocal n_challenge, n_group, n_phase, n_goal, n_measure
            if not super_bottlenecks:
                return
            challenge = w.entity("challenge", n_challenge, "Challenge")
            n_challenge += 1
            for b in super_bottlenecks:
                w.relation(challenge, "hasPart", b)
            group = w.entity("group", n_group, "PolicyGroup")
            w.triple(group, CKG + "sectionOrder", _literal(str(n_group + 1), datatype=XSD + "integer"))
            n_group += 1
            examples.setdefault("policy", group[1:-1])
            for inst in super_instruments:
                w.relation(group, "hasInstrument", inst)
            if rng.random() < 0.5:   # a group that also addresses the challenge as a whole
                w.relation(group, "addresses", challenge)
            phase = w.entity("phase", n_phase, "RoadmapPhase")
            n_phase += 1
            low = rng.randrange(0, 6)
            w.triple(phase, CKG + "horizonMinYears", _literal(str(low), datatype=XSD + "nonNegativeInteger"))
            w.triple(phase, CKG + "horizonMaxYears", _literal(str(low + rng.randrange(1, 5)), datatype=XSD + "nonNegativeInteger"))
            w.triple(phase, CKG + "sectionOrder", _literal(str(n_phase), datatype=XSD + "integer"))
            w.relation(roadmap, "hasPhase", phase)
            for _ in range(2):
                goal = w.entity("goal", n_goal, "RoadmapGoal")
                w.triple(goal, CKG + "sectionOrder", _literal(str(n_goal + 1), datatype=XSD + "integer"))
                n_goal += 1
                w.relation(phase, "hasGoal", goal)
                w.relation(goal, "targets", rng.choice(super_techs))
                if rng.random() < 0.5:
                    w.relation(goal, "targets", rng.choice(super_items))
            if rng.random() < 0.5:
                measure = w.entity("measure", n_measure, "ExportControl")
                n_measure += 1
                w.relation(measure, "imposedBy", countries[rng.randrange(3)])
                for item in rng.sample(super_items, 2):
                    w.relation(measure, "restricts", item)
            super_items.clear()
            super_techs.clear()
            super_bottlenecks.clear()
            super_instruments.clear()

        # Whole clusters: stop at the one that brings the count nearest to ``triples``.
        while cluster == 0 or w.triples + 0.5 * w.triples / cluster < triples:
            first_of_super = cluster % CLUSTERS_PER_SUPER == 0
            if first_of_super and cluster:
                close_super()
                previous_tail = None
            # Firms of this cluster, each based in one country (China for about a third).
            firms = []
            for _ in range(FIRMS_PER_CLUSTER):
                firm = w.entity("firm", n_firm, "Firm")
                n_firm += 1
                where = china if rng.random() < 0.3 else rng.choices(countries, weights)[0]
                w.relation(firm, "basedIn", where)
                firms.append(firm)
            examples.setdefault("firm", firms[0][1:-1])
            # Technologies: a chain t0 → t1 → … (each depends on the next).
            techs = []
            for i in range(TECHS_PER_CLUSTER):
                techs.append(w.entity("tech", n_tech, TECH_CLASSES[(n_tech + i) % len(TECH_CLASSES)]))
                n_tech += 1
            examples.setdefault("technology", techs[0][1:-1])
            # Items: a chain i0 → i1 → …; broader items that some chain items are kinds of.
            items = []
            for i in range(ITEMS_PER_CLUSTER):
                items.append(w.entity("item", n_item, rng.choice(ITEM_CLASSES)))
                n_item += 1
            broad = []
            for _ in range(BROAD_PER_CLUSTER):
                broad.append(w.entity("item", n_item, rng.choice(ITEM_CLASSES)))
                n_item += 1
            for a, b in zip(techs, techs[1:]):
                w.relation(a, "dependsOn", b)
            w.relation(techs[-1], "dependsOn", items[0])
            for t in techs[:-1]:   # shortcuts from technologies into the item chain
                for item in rng.sample(items, rng.randrange(1, 3)):
                    w.relation(t, "dependsOn", item)
            for a, b in zip(items, items[1:]):
                w.relation(a, "dependsOn", b)
            for k, item in enumerate(items[:-2]):   # forward shortcuts keep the graph acyclic
                if rng.random() < 0.3:
                    w.relation(item, "dependsOn", items[rng.randrange(k + 2, len(items))])
            if previous_tail is not None:   # the super-cluster's chains run into one another
                w.relation(previous_tail, "dependsOn", techs[0] if rng.random() < 0.5 else items[0])
            previous_tail = items[-1]
            for item in items + broad:
                chosen = set(rng.sample(firms, rng.randrange(1, 4)))
                if n_firm > FIRMS_PER_CLUSTER and rng.random() < 0.3:   # a supplier from anywhere
                    chosen.add(f"<{SYN}firm-{rng.randrange(n_firm)}>")
                if rng.random() < 0.05:   # a few giant suppliers serve everyone
                    chosen.add(f"<{SYN}firm-{rng.randrange(min(5, n_firm))}>")
                for firm in sorted(chosen):
                    w.relation(item, "suppliedBy", firm)
            for item in rng.sample(items, 6):
                w.relation(item, "isTypeOf", rng.choice(broad))
            # A bottleneck concerning some items, and instruments (some address nothing: idle policies).
            bottleneck = w.entity("bottleneck", n_bottleneck, "Bottleneck")
            n_bottleneck += 1
            concerned = rng.sample(items + broad, rng.randrange(1, 4))
            for item in concerned:
                w.relation(bottleneck, "concerns", item)
            reached = []   # chain items an instrument of this cluster addresses, directly or through the bottleneck
            for _ in range(2):
                inst = w.entity("instrument", n_instrument, "PolicyInstrument")
                n_instrument += 1
                roll = rng.random()
                if roll < 0.45:
                    w.relation(inst, "addresses", bottleneck)
                    reached += [i for i in concerned if i in items]
                elif roll < 0.8:
                    target = rng.choice(items + broad)
                    w.relation(inst, "addresses", target)
                    reached += [target] if target in items else []
                if rng.random() < 0.3:
                    w.relation(inst, "implementedBy", rng.choice(firms))
                super_instruments.append(inst)
            if cluster >= 1 and reached and "item" not in examples:
                # The example item: a dependency that a policy addresses, with a long chain of dependents above it.
                examples["item"] = max(reached, key=items.index)[1:-1]
            super_items.extend(items + broad)
            super_techs.extend(techs)
            super_bottlenecks.append(bottleneck)
            cluster += 1
        close_super()
        w.flush()
        examples.setdefault("item", items[len(items) // 2][1:-1])   # a graph too small for the rule above
    tmp.replace(path)
    examples.update(country=countries[0][1:-1], text="item 12", year="2021")
    return Summary(path=str(path), triples=w.triples, seed=seed, clusters=cluster,
                   entities=dict(sorted(w.entities.items())), relations=dict(sorted(w.relations.items())),
                   examples=examples, seconds=round(time.perf_counter() - started, 3))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="Example:\n  python benchmarks/gen.py --triples 100k -o build/bench/synthetic-100k.nt")
    parser.add_argument("--triples", type=parse_size, default=parse_size("10k"),
                        help="about how many triples (10k, 100k, 1M …; whole clusters, so a little more)")
    parser.add_argument("-o", "--output", required=True, help="the N-Triples file to write")
    parser.add_argument("--seed", type=int, default=8, help="random seed (default 8)")
    parser.add_argument("--summary", help="also write the summary (counts, example entities) as JSON here")
    args = parser.parse_args(argv)
    summary = generate(args.output, args.triples, args.seed)
    text = json.dumps(asdict(summary), ensure_ascii=False, indent=2)
    if args.summary:
        Path(args.summary).write_text(text + "\n", encoding="utf-8")
    print(f"wrote {summary.path}: {summary.triples} triples, {summary.clusters} clusters, "
          f"{sum(summary.entities.values())} entities in {summary.seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

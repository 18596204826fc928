"""Write a read ETO dataset as RDF in the ontology (ontology/eto.ttl), and the whole import to a file."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from ..errors import InputError, UsageError
from ..namespace import CKG, ETO, bind_prefixes
from .names import zh_country_name, zh_name
from .read import ITEM_CLASSES, EtoDataset, EtoSource, read_eto

if TYPE_CHECKING:  # pragma: no cover
    from ..kg import ChipletKG

__all__ = ["DATASET", "LICENSE", "ATTRIBUTION", "ImportResult", "eto_graph", "import_eto", "provision_iri"]

#: The dataset as a work; graph_data/eto_links.ttl describes it, each import describes the version it read.
DATASET = ETO["dataset"]
LICENSE = URIRef("https://creativecommons.org/licenses/by-nc/4.0/")
TITLE = "ETO Advanced Semiconductor Supply Chain Dataset (Chip Explorer)"
PUBLISHER = ("Emerging Technology Observatory (ETO), Center for Security and Emerging Technology (CSET), "
             "Georgetown University")
DOCS = URIRef("https://eto.tech/dataset-docs/chipexplorer")
REPOSITORY = URIRef("https://github.com/georgetown-cset/eto-chip-explorer")
ATTRIBUTION = (f"{TITLE}, {PUBLISHER}, {DOCS}, licensed under CC BY-NC 4.0 ({LICENSE}). "
               "Converted to RDF by chiplet-kg: identifiers, names, shares and years kept, structure changed.")

# ---------------------------------------------------------------- building the RDF


def provision_iri(provider: str, item: str, year: int) -> URIRef:
    """The IRI of one provision row: provider, item and year identify it.

    Examples
    --------
    >>> provision_iri("P88", "N20", 2025)
    rdflib.term.URIRef('https://w3id.org/chiplet-kg/eto/provision-P88-N20-2025')
    """
    return ETO[f"provision-{provider}-{item}-{year}"]


def _norm(text: str) -> str:
    # ChipletKG.find's own normalisation: a label the importer thinks free is one find tells apart.
    from ..lookup import norm

    return norm(text)


class _Labels:
    """Hands out labels that no other entity uses, so that label look-ups (and the duplicate-label check) stay unambiguous."""

    def __init__(self, reference: Graph | None):
        self.taken: set[str] = set()
        if reference is not None:
            for prop in (RDFS.label, SKOS.altLabel):
                for s, o in reference.subject_objects(prop):
                    if isinstance(o, Literal) and not str(s).startswith(str(ETO)):
                        self.taken.add(_norm(str(o)))

    def claim(self, text: str, lang: str, eto_id: str) -> Literal:
        tag = (" (ETO)", f" (ETO {eto_id})") if lang == "en" else ("（ETO）", f"（ETO {eto_id}）")
        for candidate in (text, text + tag[0], text + tag[1]):
            if _norm(candidate) not in self.taken:
                self.taken.add(_norm(candidate))
                return Literal(candidate, lang=lang)
        raise InputError(f"no free label for {eto_id}: '{text}' and its ETO variants are all taken")  # pragma: no cover

    def free(self, text: str) -> bool:
        return _norm(text) not in self.taken


def _matches(reference: Graph | None) -> tuple[dict[URIRef, URIRef], dict[str, URIRef]]:
    """Our entities that are the same as an ETO entity (skos:exactMatch, either way), and our countries by ISO code."""
    same: dict[URIRef, URIRef] = {}
    by_code: dict[str, URIRef] = {}
    if reference is None:
        return same, by_code
    for s, o in reference.subject_objects(SKOS.exactMatch):
        for ours, theirs in ((s, o), (o, s)):
            if str(theirs).startswith(str(ETO)) and isinstance(ours, URIRef) and not str(ours).startswith(str(ETO)):
                same.setdefault(theirs, ours)
    for country, code in reference.subject_objects(CKG.isoAlpha3):
        if not str(country).startswith(str(ETO)):
            by_code.setdefault(str(code), country)
    return same, by_code


def _zh(reference: Graph | None, node: URIRef | None) -> str | None:
    if reference is None or node is None:
        return None
    for lab in reference.objects(node, RDFS.label):
        if isinstance(lab, Literal) and lab.language == "zh":
            return str(lab)
    return None


class _Builder:
    """Writes one dataset into a graph: entities with labels and sources, relations with axiom annotations."""

    def __init__(self, data: EtoDataset, reference: Graph | None):
        self.data = data
        self.reference = reference
        self.g = bind_prefixes(Graph())
        self.src = data.source.iri
        self.labels = _Labels(reference)
        self.same, self.country_by_code = _matches(reference)
        self._bnodes = count(1)
        self.en: dict[URIRef, str] = {}
        self.zh: dict[URIRef, str] = {}
        #: ETO ids whose Chinese label fell back to the English name (no name in the table for them).
        self.untranslated: list[str] = []

    def relate(self, s: URIRef, p: URIRef, o: URIRef, evidence: str) -> None:
        """Assert ``s p o`` with an owl:Axiom giving the dataset as source and the row as evidence."""
        g = self.g
        g.add((s, p, o))
        ax = BNode(f"ax{next(self._bnodes)}")  # numbered, so the same input gives the same file
        g.add((ax, RDF.type, OWL.Axiom))
        g.add((ax, OWL.annotatedSource, s))
        g.add((ax, OWL.annotatedProperty, p))
        g.add((ax, OWL.annotatedTarget, o))
        g.add((ax, DCTERMS.source, self.src))
        g.add((ax, CKG.evidence, Literal(evidence, lang="en")))

    def entity(self, node: URIRef, cls: URIRef, eto_id: str, en: str, zh: str | None, name: str | None = None) -> None:
        """Type, ETO id, source and the two labels.

        The @zh label is ``zh`` (our graph's name for the same entity), else the name table's (:mod:`.names`,
        applied when written for ``name``, the dataset's English name, default ``en``), else the English name
        marked as such (the import counts these)."""
        g = self.g
        g.add((node, RDF.type, cls))
        g.add((node, CKG.etoId, Literal(eto_id)))
        g.add((node, DCTERMS.source, self.src))
        if not zh:
            zh = zh_name(eto_id, name or en)
        if not zh:
            self.untranslated.append(eto_id)
        en_label = self.labels.claim(en, "en", eto_id)
        zh_label = self.labels.claim(zh if zh else f"{en}（ETO 英文名）", "zh", eto_id)
        g.add((node, RDFS.label, en_label))
        g.add((node, RDFS.label, zh_label))
        self.en[node], self.zh[node] = str(en_label), str(zh_label)

    def source(self) -> None:
        s = self.data.source
        g, node = self.g, self.src
        version = f"commit {s.commit[:12]}" if s.commit else f"CSV files with SHA-256 {s.sha256[:12]}…"
        when = f", {s.date}" if s.date else ""
        g.add((node, RDF.type, DCTERMS.BibliographicResource))
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, RDF.type, CKG.AnalysisSource))  # the kind the shipped graph gives eto:dataset
        g.add((node, DCTERMS.title, Literal(f"{TITLE}, data/ folder ({version}{when})", lang="en")))
        g.add((node, RDFS.label, Literal(f"{TITLE} ({version}{when})", lang="en")))
        g.add((node, RDFS.label, Literal(f"ETO 先进半导体供应链数据集（Chip Explorer）（{version}{when}）", lang="zh")))
        g.add((node, DCTERMS.publisher, Literal(PUBLISHER)))
        g.add((node, DCTERMS.license, LICENSE))
        g.add((node, DCTERMS.rights, Literal(
            "CC BY-NC 4.0: attribution required, no commercial use. This converted copy may not be committed "
            "to or shipped with chiplet-kg; keep it beside your own copy of the dataset.", lang="en")))
        g.add((node, DCTERMS.bibliographicCitation, Literal(ATTRIBUTION, lang="en")))
        g.add((node, DCTERMS.isVersionOf, DATASET))
        g.add((node, RDFS.seeAlso, DOCS))
        g.add((node, RDFS.seeAlso, REPOSITORY))
        if s.commit:
            g.add((node, DCTERMS.identifier, Literal(f"git:{s.commit}")))
        g.add((node, DCTERMS.identifier, Literal(f"sha256:{s.sha256}")))
        if s.date:
            g.add((node, DCTERMS.date, Literal(s.date, datatype=XSD.date)))

    def build(self) -> Graph:
        data, g = self.data, self.g
        self.source()
        for stage in data.stages.values():
            node = ETO[stage.id]
            self.entity(node, CKG.IndustrySegment, stage.id, stage.name, _zh(self.reference, self.same.get(node)))
            if stage.description:
                g.add((node, DCTERMS.description, Literal(stage.description, lang="en")))
        for item in data.inputs.values():
            node = ETO[item.id]
            self.entity(node, ITEM_CLASSES[item.type], item.id, item.name, _zh(self.reference, self.same.get(node)))
            if item.description:
                g.add((node, DCTERMS.description, Literal(item.description, lang="en")))
        for item in data.inputs.values():
            if item.stage:
                self.relate(ETO[item.id], CKG.inStage, ETO[item.stage], f"ETO inputs row: input {item.id}, stage {item.stage}")
        self._providers()
        self._provision()
        for row in data.sequence:
            if row.goes_into:
                self.relate(ETO[row.input], CKG.goesInto, ETO[row.goes_into],
                            f"ETO sequence row: input {row.input} goes into {row.goes_into}")
            if row.is_type_of:
                self.relate(ETO[row.input], CKG.isTypeOf, ETO[row.is_type_of],
                            f"ETO sequence row: input {row.input} is a type of {row.is_type_of}")
        return g

    def _providers(self) -> None:
        data, g = self.data, self.g
        countries = data.countries_by_name()
        for p in data.providers.values():
            if p.aggregate:
                self._aggregate(p)
        for p in data.providers.values():  # countries first: firms point to them
            if p.type != "country" or p.aggregate:
                continue
            node = ETO[p.id]
            code = data.country_code(p)
            name = p.aliases[0] if p.aliases else p.name
            zh = _zh(self.reference, self.same.get(node) or (self.country_by_code.get(code) if code else None))
            if code and zh is None:
                zh = zh_country_name(code)
            self.entity(node, CKG.CountryOrRegion if code else CKG.CountryGroup, p.id, name, zh, p.name)
            if code:
                g.add((node, CKG.isoAlpha3, Literal(code)))
            elif p.name != name and self.labels.free(p.name):
                g.add((node, SKOS.altLabel, Literal(p.name, lang="en")))
                self.labels.taken.add(_norm(p.name))
            for alias in p.aliases[1:]:
                self._alias(node, alias)
        for p in data.providers.values():
            if p.type != "organization" or p.aggregate:
                continue
            node = ETO[p.id]
            self.entity(node, CKG.Firm, p.id, p.name, _zh(self.reference, self.same.get(node)))
            for alias in p.aliases:
                self._alias(node, alias)
            if p.country is None:
                continue
            home = countries[p.country]
            if data.country_code(home):
                self.relate(node, CKG.basedIn, ETO[home.id], f"ETO providers row: provider {p.id}, country {p.country}")
            else:  # ckg:basedIn needs one country; the dataset names a group of them
                g.add((node, SKOS.note, Literal(
                    f"The dataset gives a group of countries (provider {home.id}), not one country, as where this "
                    "provider is based.", lang="en")))

    def _aggregate(self, p) -> None:
        """A provider that stands for many unnamed ones: a ckg:AggregateProvider, neither firm nor country, with
        no ckg:basedIn (it is based in many places) and, in :meth:`_provision`, no direct supply relation."""
        node = ETO[p.id]
        self.entity(node, CKG.AggregateProvider, p.id, p.name, _zh(self.reference, self.same.get(node)))
        level = "companies" if p.type == "organization" else "countries"
        self.g.add((node, SKOS.note, Literal(
            f"The dataset's row for {level} it does not name: its share of an item is the share those {level} hold "
            "together, spread over several of them, so it is never one supplier that can be cut off or that "
            "makes an item single-source.", lang="en")))
        for alias in p.aliases:
            self._alias(node, alias)

    def _alias(self, node: URIRef, alias: str) -> None:
        # An alias that another entity already uses as a name would make look-ups ambiguous: leave it out.
        if self.labels.free(alias):
            self.g.add((node, SKOS.altLabel, Literal(alias, lang="en")))
            self.labels.taken.add(_norm(alias))

    def _provision(self) -> None:
        data, g = self.data, self.g
        for row in data.provision:
            provider = data.providers[row.provider]
            firm_level = provider.type == "organization"
            node = provision_iri(row.provider, row.item, row.year)
            who, what = ETO[row.provider], ETO[row.item]
            kind = "stage" if row.item in data.stages else "input"
            share_en = f"share {row.share_text} %" if row.share is not None else "share not given"
            evidence = f"ETO provision row: provider {row.provider}, {kind} {row.item}, {share_en}, year {row.year}"
            g.add((node, RDF.type, CKG.FirmProvision if firm_level else CKG.CountryProvision))
            g.add((node, DCTERMS.source, self.src))
            key = f"{row.provider}-{row.item}-{row.year}"
            en = f"{self.en[who]} → {self.en[what]}, {row.year}: {share_en}"
            zh_share = f"份额 {row.share_text}%" if row.share is not None else "份额未给出"
            zh = f"{self.zh[who]} → {self.zh[what]}，{row.year} 年：{zh_share}"
            g.add((node, RDFS.label, self.labels.claim(en, "en", key)))
            g.add((node, RDFS.label, self.labels.claim(zh, "zh", key)))
            # The record's own fields, like a market figure's: its dcterms:source covers them.
            g.add((node, CKG.provider, who))
            g.add((node, CKG.providedItem, what))
            if row.share is not None:
                g.add((node, CKG.sharePercent, Literal(row.share_text, datatype=XSD.decimal)))
            g.add((node, CKG.year, Literal(row.year, datatype=XSD.integer)))
            if row.source:
                g.add((node, CKG.sourceText, Literal(row.source)))
            # The direct link, for traces that need no shares; the two levels use two properties. Unnamed providers
            # get none: the record keeps their share, but they are no supplier a trace could name or cut off.
            if provider.aggregate:
                continue
            if not firm_level:
                self.relate(what, CKG.suppliedFrom, who, evidence)
            elif kind == "input":  # ckg:suppliedBy holds between an item and an organisation, not a stage
                self.relate(what, CKG.suppliedBy, who, evidence)


def eto_graph(data: EtoDataset, reference: Graph | None = None) -> Graph:
    """The dataset as RDF in the ontology (ontology/eto.ttl), every fact citing the dataset version.

    Parameters
    ----------
    data : what :func:`read_eto` read.
    reference : the graph the result will be merged with (normally the shipped one). Its
        ``skos:exactMatch`` links to ``eto:`` IRIs give imported entities their Chinese labels, and
        its labels are avoided, so that every label still names one entity after the merge.

    Returns
    -------
    rdflib.Graph
        Stages as ckg:IndustrySegment, inputs as supply-chain items, providers as ckg:Firm,
        ckg:CountryOrRegion, ckg:CountryGroup or (unnamed providers such as "Various companies")
        ckg:AggregateProvider, with Chinese labels from :mod:`.names` where it has them, one ckg:FirmProvision or ckg:CountryProvision per
        provision row, and the relations ckg:suppliedBy / ckg:suppliedFrom, ckg:basedIn, ckg:goesInto,
        ckg:isTypeOf and ckg:inStage, each with an owl:Axiom (source and evidence).

    Examples
    --------
    >>> from chiplet_kg.kg import project_root
    >>> g = eto_graph(read_eto(project_root() / "tests" / "data" / "eto" / "good"))
    >>> record = provision_iri("P88", "N20", 2025)
    >>> g.value(record, CKG.provider) == ETO["P88"], g.value(record, CKG.sharePercent).toPython()
    (True, Decimal('100.0'))
    >>> (ETO["N20"], CKG.suppliedBy, ETO["P88"]) in g, (ETO["N20"], CKG.suppliedFrom, ETO["P45"]) in g
    (True, True)
    """
    return _Builder(data, reference).build()


# ---------------------------------------------------------------- the whole import


@dataclass
class ImportResult:
    """What :func:`import_eto` read and wrote."""

    out: Path
    triples: int
    stages: int
    inputs: int
    providers: int
    provider_rows: int
    firms: int
    countries: int
    country_groups: int
    aggregates: int
    provision: int
    provision_without_share: int
    firm_level: int
    country_level: int
    sequence: int
    source: EtoSource
    untranslated: list[str]

    def summary(self) -> str:
        s = self.source
        version = (f"commit {s.commit[:12]}" if s.commit else "version not recorded") + (f" ({s.date})" if s.date else "")
        return "\n".join([
            f"read the ETO Chip Explorer dataset, {version}:",
            f"  {self.stages} stages, {self.inputs} inputs, {self.providers} providers ({self.provider_rows} rows: "
            f"{self.firms} organisations, {self.countries} countries, {self.country_groups} groups of countries, "
            f"{self.aggregates} aggregates of unnamed providers)",
            f"  {self.provision} provision rows ({self.firm_level} firm-level, {self.country_level} country-level; "
            f"{self.provision_without_share} without a share, kept unknown)",
            f"  {self.sequence} sequence rows",
            self._names_line(),
            f"wrote {self.triples} triples to {self.out}",
            "license: CC BY-NC 4.0, attribution required, no commercial use; do not commit this file "
            "(the project ships only the importer and graph_data/eto_links.ttl)",
        ]) + "\n"


    def _names_line(self) -> str:
        missing = self.untranslated
        if not missing:
            return "  Chinese names: every entity has one"
        items = [i for i in missing if not i.startswith("P")]
        shown = ", ".join((items or missing)[:8]) + (" …" if len(items or missing) > 8 else "")
        return (f"  Chinese names: {len(missing)} entities ({len(items)} inputs or stages, {len(missing) - len(items)} "
                f"providers) have none in the name table, labelled with the English name marked（ETO 英文名）: {shown}")


_OUT_FORMATS = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".owl": "xml", ".xml": "xml", ".jsonld": "json-ld"}


def _check_out(out: Path) -> str:
    fmt = _OUT_FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(f"{out}: cannot tell the RDF format from '{out.suffix or '(no suffix)'}'; "
                         f"use one of {', '.join(_OUT_FORMATS)}")
    from ..kg import project_root

    try:
        root = project_root().resolve()
    except InputError:  # pragma: no cover - no checkout around: nothing to protect
        return fmt
    for shipped in ("graph_data", "ontology"):
        if out.resolve().is_relative_to(root / shipped):
            raise UsageError(f"{out}: files in {shipped}/ are loaded and committed as the shipped graph, and the "
                             "ETO data's license (CC BY-NC 4.0) forbids shipping it: write it elsewhere, "
                             "e.g. build/eto.ttl, and merge it with --data")
    return fmt


def import_eto(folder: str | Path, out: str | Path, *, kg: "ChipletKG | None" = None,
               commit: str | None = None, date: str | None = None) -> ImportResult:
    """Read an ETO Chip Explorer ``data/`` folder and write it as RDF; nothing is written if any row is bad.

    Parameters
    ----------
    folder : the dataset's ``data/`` folder (inputs.csv, providers.csv, provision.csv, sequence.csv, stages.csv).
    out : the RDF file to write (``.ttl``, ``.nt``, ``.rdf``/``.owl``/``.xml`` or ``.jsonld``); not inside
        ``graph_data/`` or ``ontology/``.
    kg : the graph the import will be merged with, for labels (see :func:`eto_graph`); default: the shipped one.
    commit, date : the dataset version, when ``folder`` has no SOURCE.md that says it.

    Returns
    -------
    ImportResult, whose ``summary()`` says what was read and written.
    """
    out = Path(out)
    fmt = _check_out(out)
    data = read_eto(folder, commit=commit, date=date)
    if kg is None:
        from ..kg import ChipletKG

        kg = ChipletKG()
    builder = _Builder(data, kg.graph)
    graph = builder.build()
    header = (f"# {TITLE}, converted by `chiplet-kg import eto`.\n"
              f"# Source: {PUBLISHER}; {DOCS}\n"
              f"# License: CC BY-NC 4.0 ({LICENSE}): attribution required, no commercial use.\n"
              "# Do not commit this file to chiplet-kg or ship it: keep it beside your own copy of the dataset.\n\n")
    body = graph.serialize(format=fmt)
    from ..io import atomic_write

    atomic_write(out, header + body if fmt == "turtle" else body)
    providers = data.providers.values()
    return ImportResult(
        out=out, triples=len(graph), stages=len(data.stages), inputs=len(data.inputs),
        providers=len(data.providers), provider_rows=sum(p.rows for p in providers),
        firms=sum(p.type == "organization" and not p.aggregate for p in providers),
        countries=sum(p.type == "country" and data.country_code(p) is not None for p in providers),
        country_groups=sum(p.type == "country" and not p.aggregate and data.country_code(p) is None for p in providers),
        aggregates=sum(p.aggregate for p in providers),
        provision=len(data.provision), provision_without_share=sum(r.share is None for r in data.provision),
        firm_level=sum(data.providers[r.provider].type == "organization" for r in data.provision),
        country_level=sum(data.providers[r.provider].type == "country" for r in data.provision),
        sequence=len(data.sequence), source=data.source, untranslated=builder.untranslated)

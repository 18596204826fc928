"""Import the ETO Chip Explorer dataset (CSET's advanced semiconductor supply chain CSVs) into the ontology.

The dataset is licensed CC BY-NC 4.0, so the project ships this importer and the links in
``graph_data/eto_links.ttl``, never the data: the user points :func:`import_eto` at their own copy
and merges the file it writes with ``--data``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from .errors import InputError, UsageError
from .namespace import CKG, ETO, bind_prefixes

if TYPE_CHECKING:  # pragma: no cover
    from .kg import ChipletKG

__all__ = [
    "COLUMNS", "ITEM_CLASSES", "DATASET", "LICENSE", "ATTRIBUTION",
    "Location", "Stage", "Input", "Provider", "ProvisionRow", "SequenceRow", "EtoSource", "EtoDataset", "ImportResult",
    "read_eto", "eto_graph", "import_eto", "provision_iri",
]

#: The five CSV files of the dataset's ``data/`` folder and the columns the importer reads from each
#: (other columns may be present; the name columns of provision.csv and sequence.csv repeat what the ids say).
COLUMNS: dict[str, tuple[str, ...]] = {
    "stages.csv": ("stage_id", "stage_name", "description"),
    "inputs.csv": ("input_id", "input_name", "type", "stage_id", "description"),
    "providers.csv": ("provider_name", "alias", "provider_id", "provider_type", "country"),
    "provision.csv": ("provider_id", "provided_id", "share_provided", "year", "source"),
    "sequence.csv": ("input_id", "goes_into_id", "is_type_of_id"),
}

#: The dataset's input types → ontology classes (ontology/eto.ttl).
ITEM_CLASSES: dict[str, URIRef] = {
    "process": CKG.ProductionProcess,
    "tool_resource": CKG.ToolResource,
    "material_resource": CKG.MaterialResource,
    "design_resource": CKG.DesignResource,
    "ultimate_output": CKG.FinalProduct,
}

PROVIDER_TYPES = ("organization", "country")

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

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")  # the xsd:decimal lexical space
_YEAR = re.compile(r"\d{4}")
_COMMIT = re.compile(r"[0-9a-f]{7,40}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# ---------------------------------------------------------------- what was read


@dataclass(frozen=True)
class Location:
    """Where a record is: file, line on which it starts, and its number among the data rows."""

    file: str
    line: int
    row: int

    def error(self, column: str, message: str) -> InputError:
        """An InputError naming file, line, row and column."""
        return InputError(f"{self.file}: line {self.line} (data row {self.row}), column {column}: {message}")


@dataclass
class Stage:
    id: str
    name: str
    description: str
    at: Location


@dataclass
class Input:
    id: str
    name: str
    type: str
    stage: str | None
    description: str
    at: Location


@dataclass
class Provider:
    """One provider; providers.csv repeats a provider on one row per alias."""

    id: str
    name: str
    type: str  # "organization" or "country"
    country: str | None  # provider_name of a country-type provider (an organisation's headquarters)
    aliases: list[str]
    rows: int
    at: Location


@dataclass
class ProvisionRow:
    provider: str
    item: str
    share: Decimal | None  # None: the dataset gives no share (unknown, not zero)
    share_text: str  # the share as written in the CSV, kept for exact round trips
    year: int
    source: str
    at: Location


@dataclass
class SequenceRow:
    input: str
    goes_into: str | None
    is_type_of: str | None
    at: Location


@dataclass
class EtoSource:
    """Which copy of the dataset was read: git commit and date where known, and the CSVs' SHA-256."""

    sha256: str
    commit: str | None = None
    date: str | None = None

    @property
    def key(self) -> str:
        return f"commit-{self.commit[:12]}" if self.commit else f"sha256-{self.sha256[:12]}"

    @property
    def iri(self) -> URIRef:
        return ETO[f"dataset-{self.key}"]


@dataclass
class EtoDataset:
    """The checked content of one copy of the dataset."""

    stages: dict[str, Stage]
    inputs: dict[str, Input]
    providers: dict[str, Provider]
    provision: list[ProvisionRow]
    sequence: list[SequenceRow]
    source: EtoSource

    def country_code(self, provider: Provider) -> str | None:
        """The ISO 3166-1 alpha-3 code of a country-type provider, None for a group of countries."""
        if provider.type != "country" or not re.fullmatch(r"[A-Z]{3}", provider.name):
            return None
        return provider.name if _iso_country(provider.name) is not None else None

    def countries_by_name(self) -> dict[str, Provider]:
        return {p.name: p for p in self.providers.values() if p.type == "country"}


def _iso_country(code: str):
    import pycountry

    return pycountry.countries.get(alpha_3=code)


def _zh_country_name(code: str) -> str | None:
    """The Chinese name of an ISO 3166-1 country, from the iso-codes translations shipped with pycountry."""
    import gettext

    import pycountry

    country = _iso_country(code)
    if country is None:
        return None
    try:
        zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    except OSError:
        return None
    name = zh.gettext(country.name)
    return name if name != country.name else None


# ---------------------------------------------------------------- reading the CSVs


def _read_table(folder: Path, name: str) -> list[tuple[Location, dict[str, str]]]:
    """The data rows of one CSV file, each with its location; the header must hold the needed columns."""
    path = folder / name
    if not path.is_file():
        have = ", ".join(sorted(p.name for p in folder.glob("*.csv"))) or "no CSV files"
        raise InputError(f"{path}: no such file (an ETO data folder holds {', '.join(COLUMNS)}; this one has {have})")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: not UTF-8 text (byte 0x{raw[err.start]:02x})") from None
    # newline="" keeps line breaks inside quoted fields (descriptions span lines).
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[Location, dict[str, str]]] = []
    header: list[str] | None = None
    start = 1
    try:
        for fields in reader:
            here = start
            start = reader.line_num + 1
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line
            if header is None:
                header = [f.strip() for f in fields]
                missing = [c for c in COLUMNS[name] if c not in header]
                if missing:
                    raise InputError(f"{path}: line {here}: the header lacks column(s) {', '.join(missing)} "
                                     f"(found: {', '.join(header)}); is this the ETO dataset's {name}?")
                doubled = sorted({c for c in header if header.count(c) > 1})
                if doubled:
                    raise InputError(f"{path}: line {here}: the header names column(s) {', '.join(doubled)} twice")
                continue
            at = Location(str(path), here, len(rows) + 1)
            if len(fields) != len(header):
                raise InputError(f"{path}: line {here} (data row {at.row}): {len(fields)} fields where the header "
                                 f"has {len(header)}: check the quoting of this row")
            rows.append((at, {c: v.strip() for c, v in zip(header, fields)}))
    except csv.Error as err:
        raise InputError(f"{path}: line {start}: {err} (a quoted field is not closed or is followed by text)") from None
    if header is None:
        raise InputError(f"{path}: is empty; expected a header line with the columns {', '.join(COLUMNS[name])}")
    return rows


def _id(at: Location, row: dict[str, str], column: str, required: bool = True) -> str | None:
    value = row[column]
    if not value:
        if required:
            raise at.error(column, "is empty; an id is required here")
        return None
    if not _ID.fullmatch(value):
        raise at.error(column, f"'{value}' is not an id (letters, digits, '_', '.' or '-', e.g. N20 or P88)")
    return value


def _text(at: Location, row: dict[str, str], column: str) -> str:
    value = row[column]
    if not value:
        raise at.error(column, "is empty; a name is required here")
    return value


def _read_source(folder: Path, csv_hash: str, commit: str | None, date: str | None) -> EtoSource:
    """Commit and date from the options, else from a SOURCE.md beside the CSVs (as in ../shared/data)."""
    if commit is not None and not _COMMIT.fullmatch(commit):
        raise UsageError(f"--commit '{commit}' is not a git commit id (7 to 40 hex digits)")
    if date is not None and not _DATE.fullmatch(date):
        raise UsageError(f"--date '{date}' is not a date as YYYY-MM-DD")
    note = folder / "SOURCE.md"
    if note.is_file():
        text = note.read_text(encoding="utf-8", errors="replace")
        if commit is None:
            m = re.search(r"\b[0-9a-f]{40}\b", text)
            commit = m.group(0) if m else None
        if date is None:
            m = re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
            date = m.group(0) if m else None
    return EtoSource(sha256=csv_hash, commit=commit, date=date)


def read_eto(folder: str | Path, *, commit: str | None = None, date: str | None = None) -> EtoDataset:
    """Read and check the five CSV files of an ETO Chip Explorer ``data/`` folder.

    Parameters
    ----------
    folder : the folder holding inputs.csv, providers.csv, provision.csv, sequence.csv and stages.csv.
    commit, date : the dataset's git commit and its date; default: read from a SOURCE.md in ``folder``.

    Returns
    -------
    EtoDataset with every stage, input, provider, provision row and sequence row.

    Raises
    ------
    InputError
        A file is missing or not UTF-8, a header lacks a column, a quoted field is not closed, a number
        or year is malformed, an id is repeated or refers to nothing; the message names file, line and column.

    Examples
    --------
    >>> from chiplet_kg.kg import project_root
    >>> data = read_eto(project_root() / "tests" / "data" / "eto" / "good")
    >>> len(data.inputs), len(data.providers), len(data.provision)
    (8, 9, 12)
    >>> data.provision[0].share, data.provision[0].year
    (Decimal('100.0'), 2025)
    """
    folder = Path(folder)
    if not folder.exists():
        raise InputError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise InputError(f"{folder}: is a file; give the folder that holds the dataset's CSV files")
    tables = {name: _read_table(folder, name) for name in COLUMNS}
    csv_hash = hashlib.sha256()
    for name in COLUMNS:
        csv_hash.update(name.encode())
        csv_hash.update((folder / name).read_bytes())

    stages: dict[str, Stage] = {}
    for at, row in tables["stages.csv"]:
        sid = _id(at, row, "stage_id")
        if sid in stages:
            raise at.error("stage_id", f"{sid} is already defined on line {stages[sid].at.line}")
        stages[sid] = Stage(sid, _text(at, row, "stage_name"), row["description"], at)

    inputs: dict[str, Input] = {}
    for at, row in tables["inputs.csv"]:
        iid = _id(at, row, "input_id")
        if iid in inputs:
            raise at.error("input_id", f"{iid} is already defined on line {inputs[iid].at.line}")
        if iid in stages:
            raise at.error("input_id", f"{iid} is also a stage id in stages.csv; ids must be unique")
        kind = row["type"]
        if kind not in ITEM_CLASSES:
            raise at.error("type", f"unknown input type '{kind}': expected one of {', '.join(ITEM_CLASSES)}")
        stage = _id(at, row, "stage_id", required=False)
        if stage is not None and stage not in stages:
            raise at.error("stage_id", f"{stage} is not a stage in stages.csv")
        inputs[iid] = Input(iid, _text(at, row, "input_name"), kind, stage, row["description"], at)

    providers: dict[str, Provider] = {}
    for at, row in tables["providers.csv"]:
        pid = _id(at, row, "provider_id")
        if pid in inputs or pid in stages:
            raise at.error("provider_id", f"{pid} is also an input or stage id; ids must be unique")
        kind = row["provider_type"]
        if kind not in PROVIDER_TYPES:
            raise at.error("provider_type", f"unknown provider type '{kind}': expected one of {', '.join(PROVIDER_TYPES)}")
        name = _text(at, row, "provider_name")
        country = row["country"] or None
        known = providers.get(pid)
        if known is None:
            providers[pid] = known = Provider(pid, name, kind, country, [], 0, at)
        else:  # one more alias row of the same provider: it must agree with the first
            for column, mine, theirs in (("provider_name", name, known.name), ("provider_type", kind, known.type),
                                         ("country", country, known.country)):
                if mine != theirs:
                    raise at.error(column, f"'{mine or ''}' contradicts line {known.at.line}, which gives "
                                           f"'{theirs or ''}' for the same provider {pid}")
        known.rows += 1
        alias = row["alias"]
        if alias and alias not in known.aliases:
            known.aliases.append(alias)
    countries = {p.name: p for p in providers.values() if p.type == "country"}
    for p in providers.values():
        if p.type == "organization" and p.country is not None and p.country not in countries:
            raise p.at.error("country", f"'{p.country}' is not the provider_name of any country-type provider "
                                        "in providers.csv")

    provision: list[ProvisionRow] = []
    seen: dict[tuple[str, str, int], Location] = {}
    for at, row in tables["provision.csv"]:
        pid = _id(at, row, "provider_id")
        if pid not in providers:
            raise at.error("provider_id", f"{pid} is not a provider in providers.csv")
        item = _id(at, row, "provided_id")
        if item not in inputs and item not in stages:
            raise at.error("provided_id", f"{item} is neither an input in inputs.csv nor a stage in stages.csv")
        text = row["share_provided"]
        share = None
        if text:
            if not _DECIMAL.fullmatch(text):
                raise at.error("share_provided", f"'{text}' is not a number (a share in per cent such as 12.5, "
                                                 "or empty when unknown)")
            share = Decimal(text)
            if not 0 <= share <= 100:
                raise at.error("share_provided", f"{text} is not a share between 0 and 100 per cent")
        year_text = row["year"]
        if not _YEAR.fullmatch(year_text):
            raise at.error("year", f"'{year_text}' is not a year (four digits)")
        year = int(year_text)
        key = (pid, item, year)
        if key in seen:
            raise at.error("provider_id", f"provider {pid} and {item} in {year} are already given on line {seen[key].line}")
        seen[key] = at
        provision.append(ProvisionRow(pid, item, share, text, year, row["source"], at))

    sequence: list[SequenceRow] = []
    for at, row in tables["sequence.csv"]:
        iid = _id(at, row, "input_id")
        if iid not in inputs:
            raise at.error("input_id", f"{iid} is not an input in inputs.csv")
        targets = {}
        for column in ("goes_into_id", "is_type_of_id"):
            target = _id(at, row, column, required=False)
            if target is not None and target not in inputs:
                raise at.error(column, f"{target} is not an input in inputs.csv")
            if target == iid:
                raise at.error(column, f"{iid} refers to itself")
            targets[column] = target
        sequence.append(SequenceRow(iid, targets["goes_into_id"], targets["is_type_of_id"], at))

    source = _read_source(folder, csv_hash.hexdigest(), commit, date)
    return EtoDataset(stages, inputs, providers, provision, sequence, source)


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
    # The same normalisation as ChipletKG.find's label index.
    return " ".join(text.casefold().split())


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

    def entity(self, node: URIRef, cls: URIRef, eto_id: str, en: str, zh_name: str | None) -> None:
        """Type, ETO id, source and the two labels; a @zh label that is only the English name says so."""
        g = self.g
        g.add((node, RDF.type, cls))
        g.add((node, CKG.etoId, Literal(eto_id)))
        g.add((node, DCTERMS.source, self.src))
        en_label = self.labels.claim(en, "en", eto_id)
        zh_label = self.labels.claim(zh_name if zh_name else f"{en}（ETO 英文名）", "zh", eto_id)
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
        for p in data.providers.values():  # countries first: firms point to them
            if p.type != "country":
                continue
            node = ETO[p.id]
            code = data.country_code(p)
            name = p.aliases[0] if p.aliases else p.name
            zh = _zh(self.reference, self.same.get(node) or (self.country_by_code.get(code) if code else None))
            if code and zh is None:
                zh = _zh_country_name(code)
            self.entity(node, CKG.CountryOrRegion if code else CKG.CountryGroup, p.id, name, zh)
            if code:
                g.add((node, CKG.isoAlpha3, Literal(code)))
            elif p.name != name and self.labels.free(p.name):
                g.add((node, SKOS.altLabel, Literal(p.name, lang="en")))
                self.labels.taken.add(_norm(p.name))
            for alias in p.aliases[1:]:
                self._alias(node, alias)
        for p in data.providers.values():
            if p.type != "organization":
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
            # The direct link, for traces that need no shares; the two levels use two properties.
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
        ckg:CountryOrRegion or ckg:CountryGroup, one ckg:FirmProvision or ckg:CountryProvision per
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
    provision: int
    provision_without_share: int
    firm_level: int
    country_level: int
    sequence: int
    source: EtoSource

    def summary(self) -> str:
        s = self.source
        version = (f"commit {s.commit[:12]}" if s.commit else "version not recorded") + (f" ({s.date})" if s.date else "")
        return "\n".join([
            f"read the ETO Chip Explorer dataset, {version}:",
            f"  {self.stages} stages, {self.inputs} inputs, {self.providers} providers ({self.provider_rows} rows: "
            f"{self.firms} organisations, {self.countries} countries, {self.country_groups} groups of countries)",
            f"  {self.provision} provision rows ({self.firm_level} firm-level, {self.country_level} country-level; "
            f"{self.provision_without_share} without a share, kept unknown)",
            f"  {self.sequence} sequence rows",
            f"wrote {self.triples} triples to {self.out}",
            "license: CC BY-NC 4.0, attribution required, no commercial use; do not commit this file "
            "(the project ships only the importer and graph_data/eto_links.ttl)",
        ]) + "\n"


_OUT_FORMATS = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".owl": "xml", ".xml": "xml", ".jsonld": "json-ld"}


def _check_out(out: Path) -> str:
    fmt = _OUT_FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(f"{out}: cannot tell the RDF format from '{out.suffix or '(no suffix)'}'; "
                         f"use one of {', '.join(_OUT_FORMATS)}")
    from .kg import project_root

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
        from .kg import ChipletKG

        kg = ChipletKG()
    graph = eto_graph(data, kg.graph)
    header = (f"# {TITLE}, converted by `chiplet-kg import eto`.\n"
              f"# Source: {PUBLISHER}; {DOCS}\n"
              f"# License: CC BY-NC 4.0 ({LICENSE}): attribution required, no commercial use.\n"
              "# Do not commit this file to chiplet-kg or ship it: keep it beside your own copy of the dataset.\n\n")
    body = graph.serialize(format=fmt)
    from .io import atomic_write

    atomic_write(out, header + body if fmt == "turtle" else body)
    providers = data.providers.values()
    return ImportResult(
        out=out, triples=len(graph), stages=len(data.stages), inputs=len(data.inputs),
        providers=len(data.providers), provider_rows=sum(p.rows for p in providers),
        firms=sum(p.type == "organization" for p in providers),
        countries=sum(p.type == "country" and data.country_code(p) is not None for p in providers),
        country_groups=sum(p.type == "country" and data.country_code(p) is None for p in providers),
        provision=len(data.provision), provision_without_share=sum(r.share is None for r in data.provision),
        firm_level=sum(data.providers[r.provider].type == "organization" for r in data.provision),
        country_level=sum(data.providers[r.provider].type == "country" for r in data.provision),
        sequence=len(data.sequence), source=data.source)

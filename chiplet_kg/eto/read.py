"""Read and check the five CSV files of an ETO Chip Explorer ``data/`` folder (no RDF here)."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rdflib import URIRef

from ..errors import InputError, UsageError
from ..namespace import CKG, ETO

__all__ = [
    "COLUMNS", "ITEM_CLASSES", "PROVIDER_TYPES", "AGGREGATE_NAMES",
    "Location", "Stage", "Input", "Provider", "ProvisionRow", "SequenceRow", "EtoSource", "EtoDataset", "read_eto",
]

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

#: Provider names that stand for many unnamed providers (ETO: "Various companies" P370, "Various countries" P5),
#: compared case-insensitively. Such a provider becomes a ckg:AggregateProvider, not a firm or a country.
AGGREGATE_NAMES = frozenset({"various companies", "various countries", "various", "other companies",
                             "other countries", "others", "rest of world", "rest of the world"})

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

    @property
    def aggregate(self) -> bool:
        """Whether the provider stands for many unnamed providers (its name is in ``AGGREGATE_NAMES``)."""
        return " ".join(self.name.casefold().split()) in AGGREGATE_NAMES


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
        if provider.type != "country" or provider.aggregate or not re.fullmatch(r"[A-Z]{3}", provider.name):
            return None
        return provider.name if _iso_country(provider.name) is not None else None

    def countries_by_name(self) -> dict[str, Provider]:
        return {p.name: p for p in self.providers.values() if p.type == "country"}


def _iso_country(code: str):
    import pycountry

    return pycountry.countries.get(alpha_3=code)



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


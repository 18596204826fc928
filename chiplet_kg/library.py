"""The named query library: ``queries/*.rq`` files, their comment headers, and parameters bound as RDF terms."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .errors import InputError, UsageError
from .home import project_root

__all__ = ["Param", "NamedQuery", "load_library", "get_query", "bind_params", "add_labels", "QUERIES_ENV",
           "query_folders"]

PARAM_KINDS = ("entity", "literal", "number")
#: Environment variable naming folders of your own named queries (``.rq`` files; several separated by
#: ``os.pathsep``). They join the shipped ones; a query of the same name as a shipped one replaces it.
QUERIES_ENV = "CHIPLET_KG_QUERIES"


@dataclass
class Param:
    """One parameter of a named query."""

    name: str
    kind: str  # entity | literal | number
    required: bool = False
    default: str | None = None
    description: str = ""


@dataclass
class NamedQuery:
    """A named query read from its ``.rq`` file."""

    name: str
    title: str
    title_zh: str
    description: str
    text: str
    path: Path
    params: list[Param] = field(default_factory=list)
    example: str = ""

    @property
    def form(self) -> str:
        from .sparql import check_query

        return check_query(self.text)

    def signature(self) -> str:
        """``name=kind`` list for listings, required ones first."""
        parts = []
        for p in self.params:
            text = f"{p.name}:{p.kind}"
            parts.append(text if p.required else f"[{text}" + (f"={p.default}]" if p.default is not None else "]"))
        return " ".join(parts)


_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*\((?P<spec>[^)]*)\)\s*(?:[—:-]+\s*(?P<desc>.*))?$")


def parse_header(text: str, path: Path) -> dict:
    """The ``#+ key: value`` header of a query file; indented ``#+`` lines continue the previous value."""
    fields: dict[str, list[str]] = {}
    last = None
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#+"):
            if line.strip() and not line.startswith("#"):
                break
            continue
        body = line[2:]
        m = re.match(r"\s(\S[^:]*?):\s?(.*)$", body)
        if m and not body.startswith("   "):
            last = m.group(1).strip()
            fields.setdefault(last, []).append(m.group(2).strip())
        elif last and body.strip():
            fields[last][-1] += " " + body.strip()
        else:
            raise InputError(f"{path}: line {lineno}: header line is not '#+ key: value'")
    return fields


def _parse_param(spec: str, path: Path) -> Param:
    m = _PARAM.match(spec.strip())
    if not m:
        raise InputError(f"{path}: bad param line {spec!r}; write 'name (kind, required|default VALUE) — description'")
    parts = [x.strip() for x in m.group("spec").split(",")]
    kind = parts[0]
    if kind not in PARAM_KINDS:
        raise InputError(f"{path}: param {m.group('name')}: kind must be one of {', '.join(PARAM_KINDS)}")
    required, default = False, None
    for part in parts[1:]:
        if part == "required":
            required = True
        elif part.startswith("default "):
            default = part[len("default "):].strip().strip('"')
    return Param(m.group("name"), kind, required, default, (m.group("desc") or "").strip())


def read_named_query(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    h = parse_header(text, path)
    for key in ("name", "title", "title@zh", "description"):
        if key not in h:
            raise InputError(f"{path}: header lacks '#+ {key}:'")
    if h["name"][0] != path.stem:
        raise InputError(f"{path}: header name {h['name'][0]!r} differs from the file name")
    params = [_parse_param(spec, path) for spec in h.get("param", [])]
    return NamedQuery(name=h["name"][0], title=h["title"][0], title_zh=h["title@zh"][0],
                      description=h["description"][0], text=text, path=path, params=params,
                      example=(h.get("example") or [""])[0])


def query_folders() -> list[Path]:
    """Where named queries are read from: the project's ``queries/``, then the folders in ``$CHIPLET_KG_QUERIES``."""
    extra = [Path(p) for p in os.environ.get(QUERIES_ENV, "").split(os.pathsep) if p.strip()]
    for folder in extra:
        if not folder.is_dir():
            raise InputError(f"{QUERIES_ENV}: {folder} is not a folder")
    return [project_root() / "queries", *extra]


def load_library(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query in ``folder`` (default: the project's ``queries/`` and :func:`query_folders`), by name.

    Examples
    --------
    >>> lib = load_library()
    >>> lib["policy-trace"].params[0].name
    'policy'
    """
    library: dict[str, NamedQuery] = {}
    for where in [folder] if folder else query_folders():
        library.update((q.name, q) for q in (read_named_query(p) for p in sorted(where.glob("*.rq"))))
    return library


def get_query(name: str, library: dict[str, NamedQuery] | None = None) -> NamedQuery:
    """The named query ``name``; an unknown name lists close matches."""
    if library is None:
        if "/" not in name and "\\" not in name and not name.startswith("."):
            for folder in reversed(query_folders()):  # the last folder that has it wins, as in load_library
                path = folder / f"{name}.rq"
                if path.is_file():
                    return read_named_query(path)  # one file, not the whole library: `query NAME` reads its own
        library = load_library()
    if name in library:
        return library[name]
    close = difflib.get_close_matches(name, list(library), n=4, cutoff=0.4)
    close += [n for n in library if name in n and n not in close][:4 - len(close)]
    hint = f"; did you mean: {', '.join(close)}" if close else ""
    raise UsageError(f"no query named '{name}'{hint} (chiplet-kg queries lists them)")


def bind_params(query: NamedQuery, values: dict[str, str], kg, lang: str = "en") -> dict:
    """Turn the user's ``-p key=value`` strings into RDF terms: entities through ``kg.find``, literals, numbers.

    ``lang`` is bound as the literal ``?lang`` when the query uses it. A missing required parameter or an
    unknown one is named; a value never becomes query text.
    """
    from rdflib import Literal  # here, not at the top: listing the queries needs no RDF library
    from rdflib.namespace import XSD

    known = {p.name: p for p in query.params}
    for key in values:
        if key not in known:
            names = ", ".join(known) or "none"
            raise UsageError(f"query '{query.name}' has no parameter '{key}' (its parameters: {names})")
    bindings = {}
    for p in query.params:
        raw = values.get(p.name, p.default)
        if raw is None:
            if p.required:
                raise UsageError(f"query '{query.name}' needs the parameter '{p.name}' ({p.kind}): add -p {p.name}=…")
            continue
        if p.kind == "entity":
            bindings[p.name] = kg.find(raw)
        elif p.kind == "number":
            try:
                number = Decimal(raw.strip())
            except InvalidOperation:
                raise UsageError(f"parameter '{p.name}' must be a number, not {raw!r}") from None
            if not number.is_finite():
                raise UsageError(f"parameter '{p.name}' must be a finite number, not {raw!r}")
            # The datatype must match the data's for the VALUES join (sameTerm): whole numbers are xsd:integer.
            if number == number.to_integral_value() and "." not in raw and "e" not in raw.lower():
                bindings[p.name] = Literal(int(number), datatype=XSD.integer)
            else:
                bindings[p.name] = Literal(number, datatype=XSD.decimal)
        else:
            bindings[p.name] = Literal(raw)
    if re.search(r"\?lang\b", _strip_comments(query.text)):
        bindings["lang"] = Literal(lang)
    return bindings


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def add_labels(result, label_of, lang: str = "en"):
    """Put a ``<column>Label`` column, in ``lang``, right after every column that holds IRIs.

    ``label_of(iri, lang)`` returns a label or None. Labels are looked up once per IRI, outside the query,
    so that a query needs no label patterns (which would multiply rows where an entity is unbound).
    """
    from rdflib import Literal, URIRef

    if result.form != "SELECT":
        return result
    columns = []
    cache: dict = {}
    for var in result.variables:
        columns.append(var)
        if var.endswith("Label") or f"{var}Label" in result.variables:
            continue
        if not any(isinstance(row.get(var), URIRef) for row in result.rows):
            continue
        columns.append(f"{var}Label")
        for row in result.rows:
            value = row.get(var)
            if isinstance(value, URIRef):
                if value not in cache:  # one look-up and one term per IRI, however many rows it is in
                    label = label_of(value, lang)
                    cache[value] = None if label is None else Literal(label, lang=lang if label else None)
                if cache[value] is not None:
                    row[f"{var}Label"] = cache[value]
    result.variables = columns
    return result

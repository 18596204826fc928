"""The main job: validate, then write the merged graph, the OWL files, the report and the counts into build/."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from . import __version__
from .diagram import mermaid
from .errors import ValidationFailed
from .io import atomic_write
from .kg import ChipletKG
from .loader import parse_into
from .namespace import bind_prefixes
from .owl import owl_view
from .validation import ValidationReport, validate

__all__ = ["BuildResult", "build"]


@dataclass
class BuildResult:
    """What :func:`build` wrote."""

    out: Path
    files: list[Path] = field(default_factory=list)
    report: ValidationReport | None = None
    counts: dict[str, int] = field(default_factory=dict)


def _class_counts_csv(kg: ChipletKG) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["class", "label_en", "label_zh", "instances"])
    for cls, n in kg.class_counts():
        w.writerow([kg.qname(cls), kg.label(cls, "en"), kg.label(cls, "zh"), n])
    return buf.getvalue()


def build(kg: ChipletKG, out: str | Path = "build", *, owl: bool = True) -> BuildResult:
    """Validate ``kg`` and write its outputs into ``out``.

    Every file is written atomically; when validation fails nothing is written and the outputs of
    the previous build stay as they were.

    Raises
    ------
    ValidationFailed
        The graph does not conform; ``err.report`` holds the report.
    """
    out = Path(out)
    report = validate(kg, owl=owl)
    if not report.conforms:
        raise ValidationFailed("validation failed; nothing was written\n" + report.to_text(), report)

    ontology = bind_prefixes(Graph())
    for path in kg.ontology_files(kg.root) if kg.builtin else []:
        parse_into(ontology, path)
    counts = {kg.qname(c): n for c, n in kg.class_counts()}
    info = {
        "chiplet_kg_version": __version__,
        "triples": len(kg.graph),
        "entities": len(kg.entities()),
        "inputs": [{"file": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in kg.files],
        "owl_checked": owl,
        "instances_per_class": counts,
    }
    # Serialise everything first, so a failure part-way leaves every earlier output untouched.
    outputs = {
        "graph.ttl": kg.graph.serialize(format="turtle"),
        "graph.nt": kg.graph.serialize(format="nt", encoding="utf-8"),
        "graph.owl": owl_view(kg.graph).serialize(format="xml"),
        "ontology.rdf": ontology.serialize(format="xml"),
        "validation-report.txt": report.to_text(),
        "validation-report.json": report.to_json(),
        "class-counts.csv": _class_counts_csv(kg),
        "model.mmd": mermaid(kg.graph),
        "build-info.json": json.dumps(info, ensure_ascii=False, indent=2) + "\n",
    }
    result = BuildResult(out=out, report=report, counts=counts)
    for name, data in outputs.items():
        result.files.append(atomic_write(out / name, data))
    return result

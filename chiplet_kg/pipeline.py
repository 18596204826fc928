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
from .io import atomic_write, remove_stale_temps
from .kg import ChipletKG
from .loader import parse_into
from .lock import build_lock
from .namespace import INFERRED_GRAPH, bind_prefixes
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
    inferred: dict[str, int] | None = None  # inferred triples by kind; None when reasoning was skipped


def _class_counts_csv(kg: ChipletKG) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["class", "label_en", "label_zh", "instances"])
    for cls, n in kg.class_counts():
        w.writerow([kg.qname(cls), kg.label(cls, "en"), kg.label(cls, "zh"), n])
    return buf.getvalue()


def build(kg: ChipletKG, out: str | Path = "build", *, owl: bool = True, reason: bool = True) -> BuildResult:
    """Validate ``kg``, reason over it, and write its outputs into ``out``.

    Every file is written atomically; when validation fails nothing is written and the outputs of
    the previous build stay as they were. With ``reason``, the inferred triples (``kg.inferred``, computed
    here unless ``kg`` was loaded with ``reason=True``) go to ``inferred.ttl``; without it, a stale
    ``inferred.ttl`` from an earlier build is removed. The store (asserted and inferred triples) is also left in
    the build cache (:mod:`chiplet_kg.cache`), which later commands on the same input files open instead of
    parsing and reasoning again. A progress bar shows the stages at a terminal (:mod:`chiplet_kg.progress`).

    Raises
    ------
    ValidationFailed
        The graph does not conform; ``err.report`` holds the report.
    """
    from .progress import steps

    with steps("build", 7, min_total=0) as advance:
        return _build(kg, Path(out), owl=owl, reason=reason, advance=advance)


def _build(kg: ChipletKG, out: Path, *, owl: bool, reason: bool, advance) -> BuildResult:
    from .cache import write_kg
    from .export import graph_bytes
    from .reason import count_inferred, infer

    advance(0, "validating")
    report = validate(kg, owl=owl)
    if not report.conforms:
        raise ValidationFailed("validation failed; nothing was written\n" + report.to_text(), report)
    advance(1, "reasoning" if reason else "serialising")
    if reason and not kg.reason:
        kg.inferred = infer(kg)
    inferred = count_inferred(kg) if reason else None
    advance(1, "serialising")

    ontology = bind_prefixes(Graph())
    for path in kg.ontology_files(kg.root) if kg.builtin else []:
        parse_into(ontology, path)
    counts = {kg.qname(c): n for c, n in kg.class_counts()}
    info = {
        "chiplet_kg_version": __version__,
        "triples": len(kg.graph),
        "asserted_triples": len(kg.graph),
        "inferred_triples": inferred["total"] if reason else None,
        "inferred": inferred,
        "reasoned": reason,
        "entities": len(kg.entities()),
        "inputs": [{"file": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in kg.files],
        "owl_checked": owl,
        "instances_per_class": counts,
    }
    # Serialise everything first, so a failure part-way leaves every earlier output untouched.
    outputs = {
        "graph.ttl": graph_bytes(kg.graph, "turtle"),
        "graph.nt": kg.graph.serialize(format="nt", encoding="utf-8"),
        "graph.owl": owl_view(kg.graph).serialize(format="xml"),
        "ontology.rdf": ontology.serialize(format="xml"),
        "validation-report.txt": report.to_text(),
        "validation-report.json": report.to_json(),
        "class-counts.csv": _class_counts_csv(kg),
        "model.mmd": mermaid(kg.graph),
        "build-info.json": json.dumps(info, ensure_ascii=False, indent=2) + "\n",
    }
    if reason:
        outputs["inferred.ttl"] = _INFERRED_HEADER.encode("utf-8") + graph_bytes(kg.inferred, "turtle")
    # ---- interactive views and the analysis report (chiplet_kg/views/report.py): view-*.html, report*.html.
    # Rendered here with everything else, written by the same atomic loop below.
    from .views.report import build_outputs as _view_outputs

    advance(1, "views and report")
    outputs.update(_view_outputs(kg))
    # ---- end of views and report
    # ---- exports for other tools and the ontology's documentation (chiplet_kg/export.py, chiplet_kg/ontodoc.py):
    # export/* in every format of `chiplet-kg export`, docs/index.html and docs/index.zh.html (pyLODE, offline).
    from .export import build_outputs as _export_outputs
    from .ontodoc import docs_outputs as _docs_outputs

    advance(1, "exports")
    outputs.update(_export_outputs(kg, inferred=reason))
    advance(1, "documentation")
    if kg.builtin:
        outputs.update(_docs_outputs(kg))
    # ---- end of exports and documentation
    result = BuildResult(out=out, report=report, counts=counts, inferred=inferred)
    advance(1, "writing")
    # One build writes into a folder at a time (a second one waits), so the outputs all come from one build;
    # temporary files of a build killed mid-write are removed first.
    with build_lock(out):
        remove_stale_temps(out, [*outputs, "inferred.ttl"])
        for name, data in outputs.items():
            result.files.append(atomic_write(out / name, data))
        if not reason:
            (out / "inferred.ttl").unlink(missing_ok=True)  # it would describe another build
    # The store, reasoned or not, for later commands on the same input files (chiplet_kg/cache.py).
    write_kg(kg, reasoned=reason)
    advance(1, "done")
    return result


_INFERRED_HEADER = f"""\
# Triples inferred by chiplet-kg: HermiT (through owlready2) over graph.ttl, plus the members of the classes
# marked ckg:closedWorld true, which OWL cannot decide and chiplet-kg computes from the graph as loaded.
# None of these triples is asserted in graph.ttl. Queries see them in the named graph
# <{INFERRED_GRAPH}>; `--asserted-only` leaves them out.

"""

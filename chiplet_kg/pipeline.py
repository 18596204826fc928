"""The flow, one function per stage: load → validate → reason → KG → outputs (what ``chiplet-kg build`` runs).

=========  =====================================  ===========================================================
stage      function here                          where the work is done
=========  =====================================  ===========================================================
load       :func:`load`                           :mod:`chiplet_kg.load` (files or the build cache → one store)
validate   :func:`validate`                       :mod:`chiplet_kg.validation` (SHACL, OWL consistency)
reason     :func:`reason`                         :mod:`chiplet_kg.reason` (HermiT, rules, closed world)
KG         :class:`chiplet_kg.kg.ChipletKG`       a holder over the store (queries, labels, rdflib views)
outputs    :func:`outputs`, :func:`write`         exports, views, report, docs (:mod:`chiplet_kg.export`, …)
=========  =====================================  ===========================================================

:func:`run` chains them from input files to the ``build/`` folder; :func:`build` runs validate → reason →
outputs on a KG already loaded. ``ChipletKG(data, builtin, reason=REASON_DEFAULT)`` runs :func:`load` and
(by default) :func:`reason`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from . import __version__
from .defaults import REASON_DEFAULT
from .errors import ValidationFailed
from .namespace import INFERRED_GRAPH

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph

    from .kg import ChipletKG
    from .load import Loaded
    from .reason import Reasoning
    from .validation import ValidationReport

__all__ = ["REASON_DEFAULT", "MANIFEST", "BuildResult", "load", "validate", "reasoning_of", "reason", "outputs", "write",
           "build", "build_key", "up_to_date", "run"]


@dataclass
class BuildResult:
    """What :func:`build` wrote."""

    out: Path
    files: list[Path] = field(default_factory=list)
    report: "ValidationReport | None" = None
    counts: dict[str, int] = field(default_factory=dict)
    inferred: dict[str, int] | None = None  # inferred triples by kind; None when reasoning was skipped
    up_to_date: bool = False  # nothing was written: the folder already held this build (see :func:`run`)


# ====================================================================== the stages

def load(data: Iterable = (), *, builtin: bool = True, root: Path | None = None, reasoned: bool = False,
         use_cache: bool = False) -> "Loaded":
    """Stage 1, load: the input files (or the build cache's store for them) into one pyoxigraph store.

    See :func:`chiplet_kg.load.load`; :meth:`chiplet_kg.kg.ChipletKG.over` makes the KG over the result.
    """
    from .load import load as load_files

    return load_files(data, builtin=builtin, root=root, reasoned=reasoned, use_cache=use_cache)


def validate(kg: "ChipletKG", *, owl: bool = True, reasoning: "Reasoning | None" = None) -> "ValidationReport":
    """Stage 2, validate: the SHACL shapes and, with ``owl``, OWL consistency (:func:`chiplet_kg.validation.validate`).

    ``reasoning`` is the reasoner's one run over ``kg`` (:func:`reasoning_of`), whose consistency verdict the
    report takes; without it validation runs the reasoner itself.
    """
    from .validation import validate as check

    return check(kg, owl=owl, reasoning=reasoning)


def reasoning_of(kg: "ChipletKG") -> "Reasoning":
    """One HermiT run over ``kg`` (cached by its inputs): the consistency verdict and the inferred triples."""
    from .reason import reason as run_reasoner

    return run_reasoner(kg)


def reason(kg: "ChipletKG", reasoning: "Reasoning | None" = None) -> "Graph":
    """Stage 3, reason: the inferred triples into the store's inferred graph (:mod:`chiplet_kg.reason`); returns them.

    ``reasoning`` is a run already made for validation (:func:`reasoning_of`); without it the reasoner runs here.

    Raises
    ------
    ValidationFailed
        The graph is OWL-inconsistent.
    UsageError
        Java is missing or HermiT failed (``--no-reason`` / ``reason=False`` skips reasoning).
    """
    inferred = (reasoning or reasoning_of(kg)).inferred_or_raise()
    kg.set_inferred(inferred)
    return inferred


_reason_stage = reason  # build() takes a flag named `reason`, which hides the stage inside it


def _class_counts_csv(kg: ChipletKG) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["class", "label_en", "label_zh", "instances"])
    for cls, n in kg.class_counts():
        w.writerow([kg.qname(cls), kg.label(cls, "en"), kg.label(cls, "zh"), n])
    return buf.getvalue()


def outputs(kg: "ChipletKG", report: "ValidationReport", *, inferred: dict[str, int] | None = None,
            owl_checked: bool = True) -> dict[str, bytes | str]:
    """Stage 5, outputs: every file of ``build/`` rendered in memory (name → content), nothing written yet.

    ``inferred`` is :func:`chiplet_kg.reason.count_inferred` of a reasoned KG (then ``inferred.ttl`` is written
    too), None when reasoning was skipped; ``owl_checked`` is recorded in ``build-info.json``.
    """
    from .diagram import mermaid
    from .export import build_outputs as export_outputs
    from .export import graph_bytes
    from .ontodoc import docs_outputs
    from .owl import owl_view
    from .site import build_site
    from .views.report import build_outputs as view_outputs

    reasoned = inferred is not None
    counts = {kg.qname(c): n for c, n in kg.class_counts()}
    info = {
        "chiplet_kg_version": __version__,
        "triples": len(kg),
        "asserted_triples": len(kg),
        "inferred_triples": inferred["total"] if reasoned else None,
        "inferred": inferred,
        "reasoned": reasoned,
        "entities": len(kg.entities()),
        "inputs": [{"file": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in kg.files],
        "owl_checked": owl_checked,
        "instances_per_class": counts,
    }
    files = {
        "graph.ttl": graph_bytes(kg.graph, "turtle"),
        "graph.nt": kg.graph.serialize(format="nt", encoding="utf-8"),
        "graph.owl": owl_view(kg.graph).serialize(format="xml"),
        # The ontology files' triples, from the store's copy of them (chiplet_kg.load.ONTOLOGY_GRAPH).
        "ontology.rdf": kg.ontology.serialize(format="xml"),
        "validation-report.txt": report.to_text(),
        "validation-report.json": report.to_json(),
        "class-counts.csv": _class_counts_csv(kg),
        "model.mmd": mermaid(kg.graph),
        "build-info.json": json.dumps(info, ensure_ascii=False, indent=2) + "\n",
    }
    if reasoned:
        files["inferred.ttl"] = _INFERRED_HEADER.encode("utf-8") + graph_bytes(kg.inferred, "turtle")
    files.update(view_outputs(kg))  # view-*.html, report*.html (chiplet_kg/views/report.py)
    files.update(export_outputs(kg, inferred=reasoned))  # export/* in every format of `chiplet-kg export`
    if kg.builtin:
        files.update(docs_outputs(kg))  # docs/index.html, docs/index.zh.html (pyLODE, offline)
    # site/: a page per entity and ontology term, with its .ttl and .jsonld (chiplet_kg/site/)
    files.update({f"site/{name}": data for name, data in build_site(kg).items()})
    return files


#: The file, inside the output folder, that says which inputs, code and flags its outputs were built from.
MANIFEST = ".chiplet-kg-build.json"


def build_key(files: Iterable[Path], *, owl: bool, reason: bool, builtin: bool) -> str | None:
    """What decides a build's outputs: the input files' bytes, the package's code and the flags (None: unreadable)."""
    from .cache import cache_key

    key = cache_key(files, reasoned=reason)
    return None if key is None else hashlib.sha256(f"{key} owl={owl} builtin={builtin}".encode()).hexdigest()


def up_to_date(out: Path, key: str | None) -> dict | None:
    """The manifest of ``out`` when it was built from ``key`` and every output it lists is there, byte for byte."""
    if key is None:
        return None
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("key") != key:
            return None
        for name, digest in manifest["outputs"].items():
            if hashlib.sha256((out / name).read_bytes()).hexdigest() != digest:
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no manifest, a damaged one, or a file gone or changed: build again
    return manifest


def write(out: Path, files: dict[str, bytes | str], *, reasoned: bool, key: str | None = None) -> list[Path]:
    """Write ``files`` into ``out``, each atomically, one build at a time; returns the paths written.

    Temporary files of a build killed mid-write are removed first; without ``reasoned`` a stale ``inferred.ttl``
    of an earlier build is removed (it would describe another build).
    """
    from .io import atomic_write, remove_stale_temps
    from .lock import build_lock

    written = []
    with build_lock(out):
        remove_stale_temps(out, [*files, "inferred.ttl"])
        (out / MANIFEST).unlink(missing_ok=True)  # until every output is written, the folder is no finished build
        digests = {}
        for name, data in files.items():
            written.append(atomic_write(out / name, data))
            digests[name] = hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()
        if not reasoned:
            (out / "inferred.ttl").unlink(missing_ok=True)
        # site/ has a page per entity: the pages of entities that this build's graph lacks are stale (another
        # build's), and would make the folder a mix of two builds.
        written_set = set(written)
        for path in sorted((out / "site").rglob("*")) if (out / "site").is_dir() else ():
            if path.is_file() and path not in written_set:
                path.unlink()
        if key is not None:
            atomic_write(out / MANIFEST, json.dumps({"key": key, "outputs": digests}, indent=1) + "\n")
    return written


def build(kg: "ChipletKG", out: str | Path = "build", *, owl: bool = True, reason: bool = True) -> BuildResult:
    """Validate ``kg``, reason over it, and write its outputs into ``out``: validate → reason → outputs → write.

    Every file is written atomically; when validation fails nothing is written and the outputs of the previous
    build stay as they were. With ``reason``, the inferred triples (computed here unless ``kg`` holds them
    already) go to ``inferred.ttl``. The store (asserted and inferred triples) is also left in the build cache
    (:mod:`chiplet_kg.cache`), which later commands on the same input files open instead of parsing and
    reasoning again. A progress bar shows the stages at a terminal (:mod:`chiplet_kg.progress`).

    Raises
    ------
    ValidationFailed
        The graph does not conform; ``err.report`` holds the report.
    """
    from .cache import write_kg
    from .progress import steps
    from .reason import count_inferred

    out = Path(out)
    with steps("build", 6, min_total=0) as advance:
        advance(0, "validating")
        # One reasoner run gives both the consistency verdict and the inferred triples (none when neither is asked).
        reasoning = reasoning_of(kg) if owl or (reason and not kg.reasoned) else None
        report = validate(kg, owl=owl, reasoning=reasoning)
        if not report.conforms:
            raise ValidationFailed("validation failed; nothing was written\n" + report.to_text(), report)
        advance(1, "reasoning" if reason else "rendering")
        if reason and not kg.reasoned:
            _reason_stage(kg, reasoning)
        inferred = count_inferred(kg) if reason else None
        advance(1, "rendering outputs")
        files = outputs(kg, report, inferred=inferred, owl_checked=owl)
        advance(1, "writing")
        result = BuildResult(out=out, report=report, counts={kg.qname(c): n for c, n in kg.class_counts()},
                             inferred=inferred)
        # Only a KG that holds exactly its files' triples can vouch that the same files give the same build.
        key = None if kg.changed else build_key(kg.files, owl=owl, reason=reason, builtin=kg.builtin)
        result.files = write(out, files, reasoned=reason, key=key)
        advance(1, "caching")
        # The store, reasoned or not, for later commands on the same input files (chiplet_kg/cache.py).
        write_kg(kg, reasoned=reason)
        advance(1, "done")
    return result


def run(data: Iterable = (), out: str | Path = "build", *, builtin: bool = True, owl: bool = True,
        reason: bool = REASON_DEFAULT, use_cache: bool = True) -> BuildResult:
    """The whole flow from input files: load → validate → reason → KG → outputs (``chiplet-kg build``).

    When ``out`` already holds the build of the same input files, code and flags, with every output as it was
    written (its manifest, :data:`MANIFEST`, says so), nothing is loaded or written again: the result says
    ``up_to_date`` and carries the counts recorded then. ``use_cache=False`` always builds.
    """
    from .kg import ChipletKG
    from .load import input_files

    out = Path(out)
    if use_cache:
        _, files, _ = input_files(data, builtin=builtin)
        done = up_to_date(out, build_key(files, owl=owl, reason=reason, builtin=builtin))
        if done is not None:
            info = json.loads((out / "build-info.json").read_text(encoding="utf-8"))
            return BuildResult(out=out, files=[out / name for name in done["outputs"]],
                               counts=info.get("instances_per_class", {}), inferred=info.get("inferred"),
                               up_to_date=True)
    kg = ChipletKG.over(load(data, builtin=builtin, reasoned=reason, use_cache=use_cache))
    return build(kg, out, owl=owl, reason=reason)


_INFERRED_HEADER = f"""\
# Triples inferred by chiplet-kg: HermiT (through owlready2) over graph.ttl, plus the members of the classes
# marked ckg:closedWorld true, which OWL cannot decide and chiplet-kg computes from the graph as loaded.
# None of these triples is asserted in graph.ttl. Queries see them in the named graph
# <{INFERRED_GRAPH}>; `--asserted-only` leaves them out.

"""

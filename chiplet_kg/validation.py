"""Validation: SHACL shapes, data-quality check queries and OWL consistency, in one readable report."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from .kg import ChipletKG, project_root

__all__ = ["Problem", "ValidationReport", "validate", "run_shacl", "run_checks"]


@dataclass
class Problem:
    """One thing wrong: which check, which node, which rule, and what to do about it."""

    check: str  # "shacl", "check-query" or "owl"
    node: str  # the focus node, as a prefixed name or IRI
    label: str  # its English label where it has one
    rule: str  # shape name, check-query name, or "disjoint classes"
    message: str  # what is wrong and how to fix it
    path: str = ""
    value: str = ""
    severity: str = "Violation"  # the shape's sh:severity: "Violation", "Warning" or "Info"

    def line(self) -> str:
        who = self.node + (f" ({self.label})" if self.label and self.label != self.node else "")
        where = f" [{self.path}]" if self.path else ""
        val = f" (value: {self.value})" if self.value else ""
        level = "" if self.severity == "Violation" else f"{self.severity.lower()}: "
        return f"- {level}{who}{where}: {self.message}{val}  — rule: {self.rule}"


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`."""

    problems: list[Problem] = field(default_factory=list)
    shacl_ran: bool = False
    owl_consistent: bool | None = None
    owl_error: str | None = None
    triples: int = 0

    @property
    def conforms(self) -> bool:
        # A shape of severity sh:Warning or sh:Info reports without failing (as pySHACL's allow_warnings).
        failing = [p for p in self.problems if p.severity == "Violation"]
        return not failing and self.owl_error is None and self.owl_consistent is not False

    def to_text(self) -> str:
        lines = [f"chiplet-kg validation: {'PASSED' if self.conforms else 'FAILED'} ({self.triples} triples)"]
        shacl = [p for p in self.problems if p.check in ("shacl", "check-query")]
        lines.append(f"SHACL shapes and check queries: {len(shacl)} problem(s)" if self.shacl_ran else "SHACL: not run")
        lines.extend(p.line() for p in shacl)
        if self.owl_error:
            lines.append(f"OWL consistency (HermiT): could not run — {self.owl_error}")
        elif self.owl_consistent is None:
            lines.append("OWL consistency (HermiT): not run")
        elif self.owl_consistent:
            owl = [p for p in self.problems if p.check == "owl"]
            if owl:
                lines.append(f"OWL consistency (HermiT): consistent, but {len(owl)} class(es) can have no members")
                lines.extend(p.line() for p in owl)
            else:
                lines.append("OWL consistency (HermiT): consistent")
        else:
            owl = [p for p in self.problems if p.check == "owl"]
            lines.append("OWL consistency (HermiT): INCONSISTENT — the ontology and data contradict each other")
            lines.extend(p.line() for p in owl)
            if not owl:
                lines.append("- no individual of two disjoint classes was found directly; look for a property whose domain or range puts a node into a class it cannot belong to")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        return json.dumps(
            {"conforms": self.conforms, "triples": self.triples, "owl_consistent": self.owl_consistent,
             "owl_error": self.owl_error, "problems": [asdict(p) for p in self.problems]},
            ensure_ascii=False, indent=2) + "\n"


def _shape_name(shapes: Graph, kg: ChipletKG, shape) -> str:
    # A property shape is a blank node: name it after the node shape that holds it.
    if isinstance(shape, URIRef):
        return kg.qname(shape).replace("https://w3id.org/chiplet-kg/shapes/", "ckgsh:")
    for parent in shapes.subjects(SH.property, shape):
        return _shape_name(shapes, kg, parent)
    for parent in shapes.subjects(SH.sparql, shape):
        return _shape_name(shapes, kg, parent)
    return "(anonymous shape)"


def _show(kg: ChipletKG, node) -> str:
    if isinstance(node, URIRef):
        return kg.qname(node)
    if isinstance(node, Literal):
        return repr(str(node))
    return "(blank node)" if node is not None else ""


def run_shacl(kg: ChipletKG, shapes_path: Path | None = None) -> list[Problem]:
    """Validate the merged graph against the SHACL shapes; one Problem per result.

    The SPARQL-based constraints run on the store, one query each over all their focus nodes; the core
    constraints run with pySHACL on the triples they read (:mod:`chiplet_kg.shacl`).
    """
    from .shacl import load_shapes, run_shapes

    shapes = load_shapes(shapes_path or kg.shapes_path)
    problems = []
    for result in run_shapes(_ox(kg), shapes, kg.graph):
        focus, value = result.focus, result.value
        problems.append(Problem(
            check="shacl",
            node=_show(kg, focus),
            label=kg.label(focus, "en") if isinstance(focus, URIRef) else "",
            rule=_shape_name(shapes, kg, result.shape),
            message=_expand(kg, result.messages[0] if result.messages else "does not conform"),
            path=_show(kg, result.path) if isinstance(result.path, URIRef) else "",
            value=_show(kg, value) if value is not None and value != focus else "",
            severity=str(result.severity).rsplit("#", 1)[-1],
        ))
    problems.sort(key=lambda p: (p.rule, p.node, p.message))
    return problems


def _ox(kg: ChipletKG):
    # The agreed interface is kg.ox; kg.store.ox is the same store on the way there (and brings it up to date).
    store = kg.store
    return getattr(kg, "ox", None) or store.ox


def _expand(kg: ChipletKG, message: str) -> str:
    # pySHACL fills {?var} with full IRIs; show prefixed names instead.
    for prefix, ns in (("ckg", "https://w3id.org/chiplet-kg/ontology/"), ("ckgd", "https://w3id.org/chiplet-kg/data/")):
        message = message.replace(f"<{ns}", f"{prefix}:").replace(ns, f"{prefix}:")
    return message.replace(">", "") if "ckg" in message else message


def run_checks(kg: ChipletKG, checks_dir: Path | None = None) -> list[Problem]:
    """Run every ``queries/checks/*-violation.rq``: any row it returns is a problem.

    Each query selects ``?focus`` and ``?message`` (an English sentence saying what to fix).
    """
    folder = checks_dir or project_root() / "queries" / "checks"
    problems = []
    for path in sorted(folder.glob("*-violation.rq")):
        text = path.read_text(encoding="utf-8")
        for row in kg.store.run(text, asserted_only=True).rows:
            focus = row.get("focus")
            problems.append(Problem(
                check="check-query", node=_show(kg, focus),
                label=kg.label(focus, "en") if isinstance(focus, URIRef) else "",
                rule=path.stem, message=str(row.get("message") or "violates " + path.stem)))
    return problems


def validate(kg: ChipletKG, *, shacl: bool = True, owl: bool = True, reasoning=None) -> ValidationReport:
    """Validate ``kg``: SHACL shapes and check queries, then OWL consistency with HermiT.

    Parameters
    ----------
    kg : the graph to check.
    shacl : run the SHACL shapes and ``queries/checks``.
    owl : report OWL consistency (needs Java when ``reasoning`` is None).
    reasoning : a :class:`chiplet_kg.reason.Reasoning` already computed for ``kg`` (the pipeline's one HermiT
        run); its ``consistent``, ``error`` and ``findings`` make the OWL part of the report. None: check here.

    Returns
    -------
    ValidationReport, whose ``conforms`` is True only when every check that ran passed.

    Examples
    --------
    >>> report = validate(ChipletKG(), owl=False)
    >>> report.conforms, report.problems
    (True, [])
    """
    report = ValidationReport(triples=len(kg))
    if shacl:
        report.shacl_ran = True
        report.problems.extend(run_shacl(kg))
        report.problems.extend(run_checks(kg))
    if owl:
        if reasoning is None:
            from .reason import reason

            reasoning = reason(kg)  # one HermiT run; its inferred triples are cached for the reason stage
        report.owl_consistent = reasoning.consistent
        report.owl_error = reasoning.error
        # Individuals in disjoint classes (by type, domain or range), functional and datatype violations, individuals
        # HermiT pins down when no rule explains an inconsistency, unsatisfiable classes (chiplet_kg.reason).
        for finding in reasoning.findings:
            report.problems.append(Problem(
                check="owl", node=kg.qname(finding.node), label=kg.label(finding.node, "en"), rule=finding.rule,
                message=finding.message))
    return report

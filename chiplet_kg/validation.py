"""Validation: SHACL shapes, data-quality check queries and OWL consistency, in one readable report."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from .kg import ChipletKG, project_root
from .loader import parse_into

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

    def line(self) -> str:
        who = self.node + (f" ({self.label})" if self.label and self.label != self.node else "")
        where = f" [{self.path}]" if self.path else ""
        val = f" (value: {self.value})" if self.value else ""
        return f"- {who}{where}: {self.message}{val}  — rule: {self.rule}"


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
        return not self.problems and self.owl_error is None and self.owl_consistent is not False

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
    """Validate the merged graph against the SHACL shapes; one Problem per result."""
    import pyshacl

    shapes = Graph()
    parse_into(shapes, shapes_path or kg.shapes_path)
    conforms, results, _text = pyshacl.validate(
        kg.graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    problems = []
    if conforms:
        return problems
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        shape = results.value(result, SH.sourceShape)
        msg = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        message = str(msg) if msg is not None else "does not conform"
        problems.append(Problem(
            check="shacl",
            node=_show(kg, focus),
            label=kg.label(focus, "en") if isinstance(focus, URIRef) else "",
            rule=_shape_name(shapes, kg, shape),
            message=_expand(kg, message),
            path=_show(kg, path) if isinstance(path, URIRef) else "",
            value=_show(kg, value) if value is not None and value != focus else "",
        ))
    problems.sort(key=lambda p: (p.rule, p.node, p.message))
    return problems


def _expand(kg: ChipletKG, message: str) -> str:
    # pySHACL fills {?var} with full IRIs; show prefixed names instead.
    for prefix, ns in (("ckg", "https://w3id.org/chiplet-kg/ontology/"), ("ckgd", "https://w3id.org/chiplet-kg/data/")):
        message = message.replace(f"<{ns}", f"{prefix}:").replace(ns, f"{prefix}:")
    return message.replace(">", "") if "ckg" in message else message


def run_checks(kg: ChipletKG, checks_dir: Path | None = None) -> list[Problem]:
    """Run every ``queries/checks/*-violation.rq``: any row it returns is a problem.

    Each query selects ``?focus`` and ``?message`` (an English sentence saying what to fix).
    """
    from .namespace import PREFIXES

    folder = checks_dir or project_root() / "queries" / "checks"
    problems = []
    for path in sorted(folder.glob("*-violation.rq")):
        text = path.read_text(encoding="utf-8")
        for row in kg.graph.query(text, initNs=PREFIXES):
            focus = row.get("focus")
            problems.append(Problem(
                check="check-query", node=_show(kg, focus),
                label=kg.label(focus, "en") if isinstance(focus, URIRef) else "",
                rule=path.stem, message=str(row.get("message") or "violates " + path.stem)))
    return problems


def validate(kg: ChipletKG, *, shacl: bool = True, owl: bool = True) -> ValidationReport:
    """Validate ``kg``: SHACL shapes and check queries, then OWL consistency with HermiT.

    Parameters
    ----------
    kg : the graph to check.
    shacl : run the SHACL shapes and ``queries/checks``.
    owl : run the OWL consistency check (needs Java).

    Returns
    -------
    ValidationReport, whose ``conforms`` is True only when every check that ran passed.

    Examples
    --------
    >>> report = validate(ChipletKG(), owl=False)
    >>> report.conforms, report.problems
    (True, [])
    """
    from .reason import check_owl

    report = ValidationReport(triples=len(kg.graph))
    if shacl:
        report.shacl_ran = True
        report.problems.extend(run_shacl(kg))
        report.problems.extend(run_checks(kg))
    if owl:
        result = check_owl(kg.graph)
        report.owl_consistent = result.consistent
        report.owl_error = result.error
        # Individuals in disjoint classes (by type, domain or range), functional and datatype violations, individuals
        # HermiT pins down when no rule explains an inconsistency, unsatisfiable classes (chiplet_kg.reason.check_owl).
        for finding in result.findings:
            report.problems.append(Problem(
                check="owl", node=kg.qname(finding.node), label=kg.label(finding.node, "en"), rule=finding.rule,
                message=finding.message))
    return report

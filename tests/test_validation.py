"""Validation: every bad fixture fails with a report naming its node and rule; good input passes."""

from __future__ import annotations

import pytest

from chiplet_kg import ChipletKG
from chiplet_kg.kg import project_root
from chiplet_kg.validation import validate

from .conftest import DATA, fixture_header

EX = "https://example.org/mine/"


def _expand(name: str) -> str:
    """Fixture headers write ex:Name for the fixtures' own namespace; reports show it in full."""
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    return EX + name[3:] if name.startswith("ex:") else name


BAD = sorted((DATA / "bad").glob("*.ttl"))


def _kg_with(path, builtin_data=False):
    root = project_root()
    files = ChipletKG.ontology_files(root) if fixture_header(path).get("builtin") != "no" else []
    if builtin_data:
        return ChipletKG(data=(path,), reason=False)
    return ChipletKG(data=tuple(files) + (path,), builtin=False, reason=False)


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_fixture_fails_naming_node_and_rule(path):
    """Each bad fixture fails validation with a problem of its rule at its node, and no other rule."""
    header = fixture_header(path)
    owl = header.get("check") == "owl"
    report = validate(_kg_with(path), shacl=not owl, owl=owl)
    assert not report.conforms
    rules = {p.rule for p in report.problems}
    want = _expand(header["expect-node"])
    hits = [p for p in report.problems if p.rule == header["expect-rule"] and want in (p.node, p.value)]
    assert hits, report.to_text()
    allowed = {header["expect-rule"]} | ({header["also-rule"]} if "also-rule" in header else set())
    assert header["expect-rule"] in rules and rules <= allowed, report.to_text()
    text = report.to_text()
    assert "FAILED" in text and header["expect-rule"] in text


def test_every_shape_has_a_bad_fixture():
    """No shape or check query goes untested: each has at least one bad fixture."""
    from rdflib import Graph
    from rdflib.namespace import RDF, SH

    shapes = Graph().parse(project_root() / "ontology" / "shapes.ttl")
    names = {str(s).replace("https://w3id.org/chiplet-kg/shapes/", "ckgsh:") for s in shapes.subjects(RDF.type, SH.NodeShape)}
    names |= {p.stem for p in (project_root() / "queries" / "checks").glob("*-violation.rq")}
    covered = {fixture_header(p)["expect-rule"] for p in BAD}
    assert names - covered == set()


def test_good_user_file_merges_and_conforms():
    """A conforming user file validates together with the shipped graph, OWL included."""
    report = validate(ChipletKG(data=(DATA / "good" / "own-supplier.ttl",)))
    assert report.conforms, report.to_text()
    assert report.owl_consistent is True


def test_shipped_graph_is_owl_consistent(kg):
    """HermiT finds the shipped ontology and data consistent."""
    report = validate(kg, shacl=False)
    assert report.owl_consistent is True and report.conforms


def test_inconsistency_is_reported_in_plain_words():
    """A fixture typing one entity as two disjoint classes is named with both classes."""
    report = validate(_kg_with(DATA / "bad" / "owl-disjoint-types.ttl"), shacl=False)
    assert report.owl_consistent is False
    text = report.to_text()
    assert "INCONSISTENT" in text and "Chimera" in text
    assert "ckg:Firm" in text and "ckg:GovernmentBody" in text


def test_owl_part_is_read_from_a_given_reasoning():
    """validate(reasoning=…) reports the Reasoning it is given (the pipeline's one HermiT run) and runs no reasoner."""
    from types import SimpleNamespace

    from rdflib import URIRef

    kg = ChipletKG()
    jcet = URIRef("https://w3id.org/chiplet-kg/data/JCET")
    finding = SimpleNamespace(node=jcet, rule="disjoint classes", message="is a ckg:Firm and a ckg:GovernmentBody")
    report = validate(kg, shacl=False, reasoning=SimpleNamespace(consistent=False, error=None, findings=[finding]))
    assert report.owl_consistent is False and not report.conforms
    assert [(p.check, p.node, p.label, p.rule) for p in report.problems] == [
        ("owl", "ckgd:JCET", "JCET Group", "disjoint classes")]
    failed = validate(kg, shacl=False, reasoning=SimpleNamespace(consistent=None, error="Java is missing", findings=[]))
    assert failed.owl_error == "Java is missing" and "could not run" in failed.to_text()


def test_warning_severity_reports_without_failing():
    """A result of a sh:Warning shape is listed, marked as a warning, and does not fail validation."""
    from chiplet_kg.validation import Problem, ValidationReport

    report = ValidationReport(problems=[Problem("shacl", "ckgd:X", "", "ckgsh:S", "check this", severity="Warning")],
                              shacl_ran=True)
    assert report.conforms and "warning: ckgd:X" in report.to_text()

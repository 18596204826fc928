"""The shipped graph follows the modelling conventions: labels, classes, sources, evidence, figures."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from chiplet_kg import CKG, CKGD
from chiplet_kg.validation import run_checks, run_shacl


def _argument_triples(kg):
    props = set(kg.graph.subjects(CKG.carriesArgument, Literal(True)))
    return [(s, p, o) for s, p, o in kg.graph if p in props]


def _axioms(kg):
    out = {}
    for ax in kg.graph.subjects(RDF.type, OWL.Axiom):
        key = (kg.graph.value(ax, OWL.annotatedSource), kg.graph.value(ax, OWL.annotatedProperty),
               kg.graph.value(ax, OWL.annotatedTarget))
        out.setdefault(key, []).append(ax)
    return out


def test_shipped_graph_conforms_to_the_shapes(kg):
    """Every SHACL shape and check query passes on the shipped data."""
    problems = run_shacl(kg) + run_checks(kg)
    assert problems == []


def test_graph_is_not_trivially_small(kg):
    """The paper names over a hundred entities; the graph holds them."""
    assert len(kg.entities()) >= 100
    assert len(_argument_triples(kg)) >= 150


def test_every_instance_has_both_labels_a_class_and_a_source(kg):
    """Each entity: @en and @zh label, an ontology class, a dcterms:source."""
    for e in kg.entities():
        langs = {lab.language for lab in kg.graph.objects(e, RDFS.label)}
        assert {"en", "zh"} <= langs, e
        assert any(str(t).startswith(str(CKG._NS)) for t in kg.graph.objects(e, RDF.type)), e
        assert list(kg.graph.objects(e, DCTERMS.source)), e


def test_every_chinese_label_contains_chinese_or_is_a_name(kg):
    """A @zh label is Chinese text, or a Latin-script name/abbreviation the paper also writes that way."""
    for e in kg.entities():
        for lab in kg.graph.objects(e, RDFS.label):
            if lab.language == "zh":
                assert re.search(r"[\u4e00-\u9fff]", str(lab)) or re.fullmatch(r"[\w\s.+™®()（）/-]+", str(lab)), (e, lab)


def test_every_argument_relation_has_source_and_evidence(kg):
    """Each argument relation is annotated by an owl:Axiom with a source and an evidence quote."""
    axioms = _axioms(kg)
    missing = []
    for triple in _argument_triples(kg):
        ok = any(kg.graph.value(ax, DCTERMS.source) and kg.graph.value(ax, CKG.evidence) for ax in axioms.get(triple, []))
        if not ok:
            missing.append(triple)
    assert missing == []


def test_paper_evidence_is_quoted_verbatim(kg, paper_text):
    """Evidence from the paper is the paper's own words (white space aside)."""
    checked = 0
    for ax in kg.graph.subjects(RDF.type, OWL.Axiom):
        src = kg.graph.value(ax, DCTERMS.source)
        if src is not None and str(src).startswith(str(CKGD) + "paper"):
            quote = re.sub(r"\s+", "", str(kg.graph.value(ax, CKG.evidence)))
            assert quote in paper_text, (kg.qname(src), quote)
            checked += 1
    assert checked >= 150


def test_paper_sources_are_sections_of_the_paper(kg):
    """Every paper-derived source is a section of the one paper resource."""
    paper = CKGD["paper"]
    for e in kg.entities():
        for src in kg.graph.objects(e, DCTERMS.source):
            if str(src).startswith(str(CKGD) + "paper-"):
                assert (src, RDF.type, CKG.SourceSection) in kg.graph
                parents = set(kg.graph.transitive_objects(src, DCTERMS.isPartOf))
                assert paper in parents, src


def test_public_sources_have_a_date(kg):
    """A public source (not the paper) carries the date it was checked or published."""
    for src in set(kg.graph.objects(None, DCTERMS.source)):
        if isinstance(src, URIRef) and not str(src).startswith(str(CKGD)):
            assert kg.graph.value(src, DCTERMS.date) is not None or kg.graph.value(src, DCTERMS.issued) is not None, src


@pytest.mark.parametrize("segment, size, share", [
    ("集成电路设计业", "4519", "43.21"),
    ("集成电路制造业", "3176", "30.37"),
    ("集成电路封测业", "2763", "26.42"),
])
def test_table1_values_are_exact_typed_literals(kg, segment, size, share):
    """Table 1 (2021): size in 亿元 as xsd:decimal, share in per cent as xsd:decimal, year 2021."""
    seg = kg.find(segment)
    figs = list(kg.graph.subjects(CKG.ofSegment, seg))
    assert len(figs) == 1
    fig = figs[0]
    size_lit = kg.graph.value(fig, CKG.marketSize)
    share_lit = kg.graph.value(fig, CKG.sharePercent)
    assert size_lit.datatype == XSD.decimal and size_lit.toPython() == Decimal(size)
    assert share_lit.datatype == XSD.decimal and share_lit.toPython() == Decimal(share)
    assert kg.graph.value(fig, CKG.year).toPython() == 2021
    assert kg.label(kg.graph.value(fig, CKG.unit), "zh") == "亿元"
    assert kg.graph.value(fig, CKG.inRegion) == kg.find("中国")


def test_table1_shares_add_up_to_100(kg):
    """The three printed shares sum to exactly 100.00 %."""
    total = sum(kg.graph.value(f, CKG.sharePercent).toPython() for f in kg.graph.subjects(RDF.type, CKG.MarketFigure))
    assert total == Decimal("100.00")


def test_ontology_terms_are_documented(kg):
    """Every ckg class and property has @en/@zh labels and definitions (checked directly, not via SHACL)."""
    from rdflib.namespace import SKOS

    terms = [t for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
             for t in kg.graph.subjects(RDF.type, kind) if str(t).startswith(str(CKG._NS))]
    assert len(terms) >= 80
    for t in terms:
        for prop in (RDFS.label, SKOS.definition):
            assert {v.language for v in kg.graph.objects(t, prop)} >= {"en", "zh"}, (t, prop)


def test_namespace_module_matches_the_ontology(kg):
    """chiplet_kg.namespace.CKG lists exactly the terms the ontology declares."""
    declared = {str(t)[len(str(CKG._NS)):] for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
                for t in kg.graph.subjects(RDF.type, kind) if isinstance(t, URIRef) and str(t).startswith(str(CKG._NS))}
    listed = set(CKG.__annotations__)
    assert declared == listed


def test_misspelt_namespace_term_raises():
    """CKG is a closed DefinedNamespace: a typo fails loudly."""
    with pytest.raises(AttributeError):
        CKG.adresses  # noqa: B018


def test_argument_properties_have_domain_or_range(kg):
    """Each argument property states where it holds (domain or range), or is a documented generic relation."""
    generic = {CKG.isTypeOf, CKG.hasPart}
    for p in kg.graph.subjects(CKG.carriesArgument, Literal(True)):
        if p in generic:
            continue
        assert kg.graph.value(p, RDFS.domain) is not None and kg.graph.value(p, RDFS.range) is not None, p

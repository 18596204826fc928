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


#: The check queries about public sources (issue 14, item 6): URL, publisher, publication date, and a kind.
SOURCE_CHECKS = {"public-source-violation", "source-kind-violation"}
ENACTED_FILES = ("enacted_policies.ttl", "enacted_sources.ttl")


@pytest.fixture(scope="module")
def problems(kg):
    return run_shacl(kg) + run_checks(kg)


def test_shipped_graph_conforms_to_the_shapes(problems):
    """Every SHACL shape and check query passes on the shipped data, the public-source checks included."""
    assert [(p.rule, p.node) for p in problems] == []


def _enacted_sources(kg) -> set[str]:
    from rdflib import Graph

    g = Graph()
    for name in ENACTED_FILES:
        g.parse(kg.root / "graph_data" / name)
    return {str(s) for s in g.subjects(DCTERMS.publisher, None)} | {str(o) for o in g.objects(None, DCTERMS.source)}


def test_sources_of_policies_in_force_pass_the_source_checks(kg, problems):
    """Every source that enacted_policies.ttl cites has a URL, a publisher and a publication date."""
    mine = _enacted_sources(kg)
    assert len(mine) >= 10
    shown = {kg.qname(URIRef(s)) for s in mine} | mine
    assert [p for p in problems if p.rule in SOURCE_CHECKS and p.node in shown] == []


def test_every_public_source_passes_the_source_checks(problems):
    """Every public source of the shipped graph: http(s) URL, publisher, publication date and kind."""
    assert [(p.rule, p.node) for p in problems if p.rule in SOURCE_CHECKS] == []


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


# ---------------------------------------------------------------- policies and measures in force (issue 14)

def test_proposals_and_policies_in_force_are_disjoint_classes(kg):
    """The paper's groups and instruments are proposals; enacted policies and all measures are in force; never both."""
    g = kg.graph
    for cls in (CKG.PolicyGroup, CKG.PolicyInstrument):
        assert (cls, RDFS.subClassOf, CKG.ProposedPolicy) in g
    for cls in (CKG.EnactedPolicy, CKG.ExternalMeasure, CKG.DomesticExportControl):
        assert (cls, RDFS.subClassOf, CKG.PolicyInForce) in g
    assert (CKG.EnactedPolicy, RDFS.subClassOf, CKG.Policy) in g
    assert (CKG.ProposedPolicy, OWL.disjointWith, CKG.PolicyInForce) in g
    assert (CKG.DomesticExportControl, OWL.disjointWith, CKG.ExternalMeasure) in g


def test_source_kinds_are_public_sources(kg):
    """The kinds of public source are subclasses of ckg:PublicSource, itself a dcterms:BibliographicResource."""
    g = kg.graph
    kinds = set(g.subjects(RDFS.subClassOf, CKG.PublicSource))
    assert kinds == {CKG.GovernmentSource, CKG.CompanySource, CKG.PressSource, CKG.AnalysisSource,
                     CKG.ReferenceSource, CKG.AggregatorSource}
    assert (CKG.PublicSource, RDFS.subClassOf, DCTERMS.BibliographicResource) in g


def test_enacted_file_instances_have_labels_definitions_and_sources(kg):
    """Every instance graph_data/enacted_policies.ttl declares: @en/@zh label and definition, a ckg class, a source."""
    from rdflib import Graph
    from rdflib.namespace import SKOS

    g = Graph().parse(kg.root / "graph_data" / "enacted_policies.ttl")
    declared = {s for s, o in g.subject_objects(RDF.type) if str(o).startswith(str(CKG._NS))}
    assert len(declared) >= 20
    for e in declared:
        for prop in (RDFS.label, SKOS.definition):
            assert {v.language for v in g.objects(e, prop)} >= {"en", "zh"}, (e, prop)
        assert list(g.objects(e, DCTERMS.source)), e


def test_sources_query_reports_kinds(kg):
    """`chiplet-kg query sources` gives each source its kind: the paper's sections, and public sources by type."""
    rows = list(kg.query("sources"))
    kind = {r["source"]: r.get("kind") for r in rows}
    assert kind[CKGD["paper-s5-1"]] == CKG.SourceSection
    gov = URIRef("https://www.govinfo.gov/content/pkg/FR-2024-07-09/html/2024-14980.htm")
    assert kind[gov] == CKG.GovernmentSource
    assert rows[0].get("kind") == CKG.GovernmentSource  # primary sources are listed first
    publisher = {r["source"]: r.get("publisher") for r in rows}
    assert "Federal Register" in str(publisher[gov])


def test_every_entity_has_a_definition_in_both_languages(kg):
    """Issue 14: every entity of the shipped graph (paper, public facts, policies in force) has a skos:definition in
    English and in Chinese."""
    rows = kg.sparql("""SELECT ?e (GROUP_CONCAT(DISTINCT LANG(?d)) AS ?langs) WHERE {
        ?e a/rdfs:subClassOf* ckg:Entity . FILTER(isIRI(?e))
        OPTIONAL { ?e skos:definition ?d }
    } GROUP BY ?e""", asserted_only=True).rows
    assert len(rows) >= 250
    lacking = sorted(kg.qname(r["e"]) for r in rows if not {"en", "zh"} <= set(str(r.get("langs", "")).split()))
    assert lacking == []

"""The public facts (graph_data/public_*.ttl, eto_links.ttl): definitions, sources and the BIS 2024 rule's scope."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS, XSD

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "graph_data"
CKG = rdflib.Namespace("https://w3id.org/chiplet-kg/ontology/")
CKGD = rdflib.Namespace("https://w3id.org/chiplet-kg/data/")
ENTITY_FILES = ("public_firms", "public_suppliers", "public_standards", "public_measures", "eto_links")
SOURCE_FILES = ("public_sources", "eto_links")

# Hosts that only republish others' text: encyclopaedia mirrors, news aggregators, mirror hosts of a publisher,
# unofficial copies of the Federal Register or of company filings. A public fact cites the original instead.
MIRROR_HOSTS = frozenset({
    "review.clateway.com", "pinocchiopedia.com", "self.gutenberg.org", "en.alegsaonline.com",
    "graphsearch.epfl.ch", "worldkings.org", "wiki.gravy.cc", "worddisk.com", "qlopedia.com",
    "www.newsbreak.com", "newsbreak.com", "nhub.news", "kaledtech.com", "thailandaily.com", "nowhyderabad.com",
    "ee-paper.com", "decisioninsights.ai", "vdocument.in", "aijingu.com", "www.aijingu.com", "docslib.org",
    "it.anandtech.com", "dynamic1.anandtech.com", "search.anandtech.com", "forums4.anandtech.com",
    "orums.anandtech.com", "mcdn.i-scmp.com", "test.bits-chips.nl",
    "regulations.justia.com", "federal.elaws.us", "api.ai-analytics.org", "open-gov.usebase.io",
    "federalstatelaw.com", "frtracker.app", "cdn.financialreports.eu", "capedge.com", "quarterlytics.com",
    "economic-news.space", "twwtn.com", "chipsourcetek.com",
})
# Republications still cited because the stored corpus holds no original; each is typed ckg:AggregatorSource,
# and the set may only shrink: a new aggregator fails the test.
KNOWN_AGGREGATORS = {
    "https://economic-news.space/?p=150216": "Nikkei Asia / FT article of 25 Nov 2020 (Ansys among the EDA leaders)",
    "http://twwtn.com/anews/202212/35296.html": "ZOL report of Dec 2022 on the CESA chiplet interface bus standard",
    "http://chipsourcetek.com/en/industry-news/domestic-chiplet-interconnection-protocol-standard-inter-chip-interconnection-communication-protocol-to-be-implemented-soon.html":
        "journal 'Electronics and Packaging' item on T/CIE 192-2023",
}
# Sources without a publication date of their own. None is left: a page that shows no date is dated from its
# content (skos:note says how), and facts only an undated page backed were dropped (issue 14).
UNDATED: frozenset[str] = frozenset()
KINDS = ("GovernmentSource", "CompanySource", "PressSource", "AnalysisSource", "ReferenceSource", "AggregatorSource")
DATE_TYPES = {XSD.date, XSD.gYearMonth, XSD.gYear}


def _load(names) -> rdflib.Graph:
    g = rdflib.Graph()
    for name in names:
        g.parse(DATA / f"{name}.ttl")
    return g


@pytest.fixture(scope="module")
def entities_graph() -> rdflib.Graph:
    return _load(ENTITY_FILES)


@pytest.fixture(scope="module")
def public_graph() -> rdflib.Graph:
    return _load(set(ENTITY_FILES) | set(SOURCE_FILES))


def _entities(g: rdflib.Graph) -> set[URIRef]:
    """Everything these files type, except relation annotations and sources."""
    skip = {OWL.Axiom, DCTERMS.BibliographicResource, rdflib.URIRef("http://www.w3.org/ns/prov#Entity")}
    sources = set(g.subjects(RDF.type, DCTERMS.BibliographicResource))
    return {s for s, o in g.subject_objects(RDF.type) if o not in skip and isinstance(s, URIRef) and s not in sources}


def _of_kind(g: rdflib.Graph, kind: str) -> set[URIRef]:
    """Sources of one kind. The kind is one of the ckg:*Source classes of the ontology's "Policies and measures in
    force" section, given as dcterms:type until that section is on this branch (then as rdf:type as well)."""
    return set(g.subjects(DCTERMS.type, CKG[kind])) | set(g.subjects(RDF.type, CKG[kind]))


def _sources(g: rdflib.Graph) -> set[URIRef]:
    return {o for o in g.objects(None, DCTERMS.source) if isinstance(o, URIRef)}


def test_the_files_define_the_entities_we_expect(entities_graph):
    """Guard against a vacuous pass: the public files type ~95 entities, among them firms and rules."""
    ents = _entities(entities_graph)
    assert len(ents) >= 90
    assert {CKGD.ASML, CKGD.UCIe, CKGD.BIS2024AdvancedComputingSMERule, CKGD.Netherlands} <= ents


def test_every_entity_has_a_definition_in_english_and_chinese(entities_graph):
    """Issue 14 item 3: each entity has exactly one skos:definition @en and one @zh, the zh one in Chinese."""
    missing = []
    for e in sorted(_entities(entities_graph)):
        defs = list(entities_graph.objects(e, SKOS.definition))
        by_lang = {lang: [d for d in defs if d.language == lang] for lang in ("en", "zh")}
        if len(by_lang["en"]) != 1 or len(by_lang["zh"]) != 1:
            missing.append((e, {k: len(v) for k, v in by_lang.items()}))
        elif not re.search(r"[\u4e00-\u9fff]", str(by_lang["zh"][0])):
            missing.append((e, "zh definition has no Chinese"))
    assert not missing, missing


def test_every_definition_has_a_source_named_on_the_entity(entities_graph):
    """A definition is backed by a page: the entity carries at least one dcterms:source."""
    bare = [e for e in _entities(entities_graph) if not list(entities_graph.objects(e, DCTERMS.source))]
    assert not bare, bare


def test_no_source_is_on_a_mirror_or_aggregator_host(public_graph):
    """Issue 14 item 6: mirrors and aggregators are replaced; the few left are the documented, typed exceptions."""
    bad = []
    for src in _sources(public_graph):
        host = urlsplit(str(src)).hostname or ""
        if host in MIRROR_HOSTS and str(src) not in KNOWN_AGGREGATORS:
            bad.append(str(src))
    assert not bad, bad


def test_known_aggregators_are_typed_and_few(public_graph):
    """What is left unreplaced is said to be an aggregator, and nothing else is."""
    typed = {str(s) for s in _of_kind(public_graph, "AggregatorSource")}
    assert typed == set(KNOWN_AGGREGATORS) & {str(s) for s in _sources(public_graph)}


def test_mirror_check_would_catch_a_new_one(public_graph):
    """The host check is live: a fact cited to a Wikipedia mirror is flagged."""
    g = rdflib.Graph() + public_graph
    g.add((CKGD.ASML, DCTERMS.source, URIRef("https://pinocchiopedia.com/wiki/ASML_Holding")))
    flagged = [s for s in _sources(g) if (urlsplit(str(s)).hostname or "") in MIRROR_HOSTS
               and str(s) not in KNOWN_AGGREGATORS]
    assert flagged == [URIRef("https://pinocchiopedia.com/wiki/ASML_Holding")]


def test_every_public_source_has_publisher_url_dates_and_kind(public_graph):
    """Issue 14 item 6: publisher, an http(s) URL (the IRI, or rdfs:seeAlso for the ETO dataset), the date it was
    checked as xsd:date, a publication date unless it is an undated living page, and its kind."""
    problems = []
    for src in sorted(_sources(public_graph)):
        s = str(src)
        if s.startswith("https://w3id.org/chiplet-kg/") and not s.endswith("/eto/dataset"):
            continue  # sections of the seed paper live in sources.ttl
        url = s if re.match(r"https?://", s) and "w3id.org/chiplet-kg" not in s else \
            next((str(u) for u in public_graph.objects(src, rdflib.RDFS.seeAlso)), "")
        if not re.match(r"https?://[^/\s]+/", url):
            problems.append((s, "no URL"))
        if not str(public_graph.value(src, DCTERMS.publisher) or "").strip():
            problems.append((s, "no publisher"))
        checked = public_graph.value(src, DCTERMS.date)
        if not (isinstance(checked, Literal) and checked.datatype == XSD.date):
            problems.append((s, "no xsd:date dcterms:date"))
        issued = public_graph.value(src, DCTERMS.issued)
        if s not in UNDATED and not (isinstance(issued, Literal) and issued.datatype in DATE_TYPES):
            problems.append((s, "no publication date"))
        if not any(src in _of_kind(public_graph, k) for k in KINDS):
            problems.append((s, "no kind"))
    assert not problems, problems


def test_every_public_source_is_described(public_graph):
    """Each cited page has its own description (title, labels in both languages) in public_sources.ttl."""
    g = _load(SOURCE_FILES)
    for src in _sources(public_graph):
        if str(src).startswith("https://w3id.org/chiplet-kg/data/"):
            continue
        assert (src, RDF.type, DCTERMS.BibliographicResource) in g, src
        langs = {l.language for l in g.objects(src, rdflib.RDFS.label)}
        assert {"en", "zh"} <= langs, src


def test_bis_2024_rule_does_not_restrict_eda_as_a_whole(entities_graph, kg):
    """Regression (issue 14): the December 2024 BIS rule names three kinds of software tools for developing or
    producing semiconductors; it used to be said to restrict EDA tools as a whole."""
    rule = CKGD.BIS2024AdvancedComputingSMERule
    restricted = set(entities_graph.objects(rule, CKG.restricts))
    assert CKGD.EDATools not in restricted and CKGD.HighEndEDA not in restricted
    # the narrower item lives with the paper's supply-chain items (graph_data/supply_chain.ttl)
    item = CKGD.SemiconductorSoftwareTools
    assert item in restricted
    assert (item, CKG.isTypeOf, CKGD.EDATools) not in kg.graph
    assert {d.language for d in kg.graph.objects(item, SKOS.definition)} == {"en", "zh"}
    axioms = [ax for ax in entities_graph.subjects(OWL.annotatedTarget, item)
              if entities_graph.value(ax, OWL.annotatedSource) == rule]
    assert axioms and "software tools for developing or producing semiconductors" in \
        str(entities_graph.value(axioms[0], CKG.evidence))


def test_every_public_relation_has_source_and_evidence(entities_graph):
    """After the source swaps every annotated relation still names a source and quotes it."""
    for ax in entities_graph.subjects(RDF.type, OWL.Axiom):
        assert entities_graph.value(ax, DCTERMS.source) is not None, ax
        assert str(entities_graph.value(ax, CKG.evidence) or "").strip(), ax

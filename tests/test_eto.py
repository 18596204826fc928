"""`chiplet-kg import eto`: the ETO Chip Explorer CSVs into the ontology, the links to the paper, the error cases.

The made-up fixture in tests/data/eto/good always runs; the real dataset (CC BY-NC 4.0, never committed)
is read from ../shared/data/eto-chip-explorer or $CHIPLET_KG_ETO_DIR when it is there.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from chiplet_kg import CKG, CKGD, ChipletKG
from chiplet_kg.errors import InputError, UsageError
from chiplet_kg.eto import DATASET, LICENSE, eto_graph, import_eto, provision_iri, read_eto
from chiplet_kg.eto.names import ZH_NAMES, zh_name
from chiplet_kg.namespace import ETO, PREFIXES
from chiplet_kg.validation import run_checks, validate

from .conftest import DATA, ROOT
from .eto_copy import ETO_DIR, needs_copy

GOOD = DATA / "eto" / "good"
BAD = sorted(p for p in (DATA / "eto" / "bad").iterdir() if p.is_dir())

# policy → bottleneck → dependency → (link) → ETO item → provision record with share → provider → country
TRACE = """
SELECT ?policy ?bottleneck ?dependency ?item ?provider ?share ?country WHERE {
    ?policy ckg:addresses ?bottleneck .
    ?bottleneck a ckg:Bottleneck ; ckg:concerns ?dependency .
    ?dependency skos:exactMatch|skos:closeMatch ?item .
    ?record ckg:providedItem ?item ; ckg:provider ?provider .
    OPTIONAL { ?record ckg:sharePercent ?share }
    OPTIONAL { ?provider ckg:basedIn ?country }
}"""


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "chiplet_kg.cli.main", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600, env={**os.environ, "PYTHONWARNINGS": "ignore"})


def _expected(folder: Path) -> list[str]:
    lines = (folder / "expected-error.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


@pytest.fixture(scope="module")
def fixture_import(tmp_path_factory, kg):
    """The fixture imported once: (the written graph alone, the result, the shipped graph merged with it)."""
    out = tmp_path_factory.mktemp("eto") / "eto-fixture.ttl"
    result = import_eto(GOOD, out, kg=kg)
    return Graph().parse(out), result, ChipletKG(data=(out,))


# ---------------------------------------------------------------- reading the fixture


def test_fixture_is_read_completely():
    """3 stages, 8 inputs, 9 providers on 11 rows, 12 provision rows, 7 sequence rows (counted by hand)."""
    data = read_eto(GOOD)
    assert (len(data.stages), len(data.inputs), len(data.providers), len(data.provision), len(data.sequence)) == (3, 8, 9, 12, 7)
    assert sum(p.rows for p in data.providers.values()) == 11


def test_multiline_quoted_fields_survive(fixture_import):
    """Descriptions over two lines with commas and doubled quotes, and names with commas, come through exactly."""
    g, _, _ = fixture_import
    assert g.value(ETO["N1"], DCTERMS.description) == Literal("Drafting work, done by people\nat desks.", lang="en")
    assert g.value(ETO["S1"], DCTERMS.description) == Literal(
        'Drafting turns a wish into a plan.\nIt has two steps, "sketch" and "proof".', lang="en")
    assert Literal("Coat, Sons & Co.", lang="en") in set(g.objects(ETO["P10"], RDFS.label))
    assert set(g.objects(ETO["P50"], SKOS.altLabel)) == {Literal("Packwell Group", lang="en"),
                                                        Literal('Packwell "Old" Works', lang="en")}
    assert g.value(provision_iri("P10", "N31", 2019), CKG.sourceText) == Literal(
        '[Nobody](https://example.org/nobody) (citing "Somebody")')


def test_empty_share_is_unknown_not_zero(fixture_import):
    """The three rows without a share have no ckg:sharePercent; the row that says 0.0 keeps 0.0."""
    g, result, _ = fixture_import
    records = set(g.subjects(CKG.provider, None))
    without = {r for r in records if g.value(r, CKG.sharePercent) is None}
    assert without == {provision_iri("P10", "N31", 2019), provision_iri("P1", "N31", 2019), provision_iri("P50", "N84", 2019)}
    assert result.provision_without_share == 3
    zero = g.value(provision_iri("P5", "N3", 2025), CKG.sharePercent)
    assert zero.datatype == XSD.decimal and zero.toPython() == Decimal("0")


def test_shares_and_years_are_typed_and_exact(fixture_import):
    """Shares are xsd:decimal per cent, years xsd:integer, as the CSV gives them."""
    g, _, _ = fixture_import
    for (provider, item, year), share in {("P88", "N20", 2025): "100.0", ("P370", "N3", 2025): "18.5",
                                          ("P1", "N84", 2019): "96.0", ("P2", "S3", 2022): "30.0"}.items():
        node = provision_iri(provider, item, year)
        lit = g.value(node, CKG.sharePercent)
        assert lit.datatype == XSD.decimal and lit.toPython() == Decimal(share)
        assert g.value(node, CKG.year) == Literal(year, datatype=XSD.integer)
        assert (g.value(node, CKG.provider), g.value(node, CKG.providedItem)) == (ETO[provider], ETO[item])


def test_firm_and_country_levels_are_kept_apart(fixture_import):
    """Organisation rows are firm-level records with ckg:suppliedBy; country rows country-level with ckg:suppliedFrom."""
    g, result, _ = fixture_import
    firm = set(g.subjects(RDF.type, CKG.FirmProvision))
    country = set(g.subjects(RDF.type, CKG.CountryProvision))
    assert len(firm) == 5 and len(country) == 7 and not firm & country
    assert (result.firm_level, result.country_level) == (5, 7)
    assert (ETO["N20"], CKG.suppliedBy, ETO["P88"]) in g
    assert (ETO["N20"], CKG.suppliedFrom, ETO["P45"]) in g
    assert (ETO["N20"], CKG.suppliedBy, ETO["P45"]) not in g
    for _, p in g.subject_objects(CKG.suppliedBy):
        assert (p, RDF.type, CKG.Firm) in g
    for _, c in g.subject_objects(CKG.suppliedFrom):
        assert (c, RDF.type, CKG.CountryOrRegion) in g or (c, RDF.type, CKG.CountryGroup) in g
    # unnamed providers keep their records (and shares) but are no supplier
    assert {g.value(r, CKG.provider) for r in g.subjects(CKG.providedItem, ETO["N3"])} >= {ETO["P370"], ETO["P5"]}
    assert not set(g.subjects(None, ETO["P370"])) - set(g.subjects(CKG.provider, ETO["P370"])) - \
        set(g.subjects(OWL.annotatedTarget, None))
    # a whole stage provided by a country, and by a group of countries
    assert (ETO["S3"], CKG.suppliedFrom, ETO["P2"]) in g
    assert (ETO["S2"], CKG.suppliedFrom, ETO["P312"]) in g


def test_providers_become_firms_countries_and_groups(fixture_import):
    """ISO codes make countries, EUR a group; 'Various companies' and 'Various countries' are aggregates of unnamed
    providers (ckg:AggregateProvider), neither firms nor countries; firms are based in their country."""
    g, result, _ = fixture_import
    assert g.value(ETO["P1"], CKG.isoAlpha3) == Literal("USA")
    assert (ETO["P1"], RDF.type, CKG.CountryOrRegion) in g
    assert (ETO["P312"], RDF.type, CKG.CountryGroup) in g and g.value(ETO["P312"], CKG.isoAlpha3) is None
    assert set(g.subjects(RDF.type, CKG.Firm)) == {ETO["P88"], ETO["P50"], ETO["P10"]}
    assert set(g.subjects(RDF.type, CKG.AggregateProvider)) == {ETO["P5"], ETO["P370"]}
    for aggregate in ("P5", "P370"):
        assert set(g.objects(ETO[aggregate], RDF.type)) == {CKG.AggregateProvider}
        assert g.value(ETO[aggregate], CKG.basedIn) is None and g.value(ETO[aggregate], SKOS.note) is not None
    assert g.value(ETO["P88"], CKG.basedIn) == ETO["P45"]
    assert g.value(ETO["P10"], CKG.basedIn) == ETO["P1"]
    assert (result.firms, result.countries, result.country_groups, result.aggregates) == (3, 3, 1, 2)


def test_inputs_get_their_kind_stage_and_sequence(fixture_import):
    """Input types map to the ontology's kinds; sequence rows to goesInto and isTypeOf."""
    g, _, _ = fixture_import
    kinds = {"N1": CKG.ProductionProcess, "N3": CKG.ToolResource, "N31": CKG.MaterialResource,
             "N5": CKG.DesignResource, "N99": CKG.FinalProduct}
    for nid, cls in kinds.items():
        assert (ETO[nid], RDF.type, cls) in g
    assert (ETO["S1"], RDF.type, CKG.IndustrySegment) in g
    assert (ETO["N1"], CKG.inStage, ETO["S1"]) in g and (ETO["N2"], CKG.inStage, ETO["S2"]) in g
    assert set(g.subject_objects(CKG.isTypeOf)) == {(ETO["N20"], ETO["N3"])}
    assert len(set(g.subject_objects(CKG.goesInto))) == 6
    assert (ETO["N2"], CKG.goesInto, ETO["N99"]) in g


def test_every_fact_cites_the_dataset_version(fixture_import):
    """Entities and records cite the version read (commit and date from SOURCE.md); relations carry axioms."""
    g, result, _ = fixture_import
    src = result.source.iri
    assert result.source.commit == "0123456789abcdef0123456789abcdef01234567" and result.source.date == "2026-01-02"
    assert (src, RDF.type, DCTERMS.BibliographicResource) in g
    assert g.value(src, DCTERMS.license) == LICENSE == URIRef("https://creativecommons.org/licenses/by-nc/4.0/")
    assert g.value(src, DCTERMS.isVersionOf) == DATASET
    assert "Emerging Technology Observatory" in str(g.value(src, DCTERMS.publisher))
    assert "CC BY-NC 4.0" in str(g.value(src, DCTERMS.bibliographicCitation))
    assert g.value(src, DCTERMS.date) == Literal("2026-01-02", datatype=XSD.date)
    assert Literal("git:0123456789abcdef0123456789abcdef01234567") in set(g.objects(src, DCTERMS.identifier))
    subjects = set(g.subjects(CKG.etoId, None)) | set(g.subjects(CKG.provider, None))
    assert len(subjects) == 3 + 8 + 9 + 12
    for s in subjects:
        assert set(g.objects(s, DCTERMS.source)) == {src}, s
    axioms = {(g.value(a, OWL.annotatedSource), g.value(a, OWL.annotatedProperty), g.value(a, OWL.annotatedTarget)): a
              for a in g.subjects(RDF.type, OWL.Axiom)}
    relations = [t for p in (CKG.suppliedBy, CKG.suppliedFrom, CKG.basedIn, CKG.goesInto, CKG.isTypeOf, CKG.inStage)
                 for t in g.triples((None, p, None))]
    # provision rows but the two of unnamed providers, firms with a country, goesInto, isTypeOf, inStage
    assert len(relations) == 10 + 3 + 6 + 1 + 2
    for triple in relations:
        ax = axioms[triple]
        assert g.value(ax, DCTERMS.source) == src
        assert g.value(ax, CKG.evidence).language == "en"


def test_evidence_names_the_row(fixture_import):
    """The evidence of a direct link names the ETO row: provider, input, share and year."""
    g, _, _ = fixture_import
    ax = next(a for a in g.subjects(OWL.annotatedSource, ETO["N20"])
              if g.value(a, OWL.annotatedProperty) == CKG.suppliedBy)
    assert str(g.value(ax, CKG.evidence)) == "ETO provision row: provider P88, input N20, share 100.0 %, year 2025"
    ax = next(a for a in g.subjects(OWL.annotatedSource, ETO["N31"])
              if g.value(a, OWL.annotatedTarget) == ETO["P1"])
    assert str(g.value(ax, CKG.evidence)) == "ETO provision row: provider P1, input N31, share not given, year 2019"


def test_fixture_ids_are_covered_by_the_name_table_or_counted(fixture_import, kg):
    """Every fixture id gets a Chinese name (our graph's, the table's, an ISO country's) or is counted as falling
    back; the table applies only to the name it was written for (the fixture's made-up N3 is not FPGAs)."""
    g, result, _ = fixture_import
    data = read_eto(GOOD)
    names = {**{i: x.name for i, x in data.inputs.items()}, **{i: x.name for i, x in data.stages.items()},
             **{i: x.name for i, x in data.providers.items()}}
    fallback = {str(g.value(n, CKG.etoId)) for n in g.subjects(CKG.etoId, None)
                if any("ETO 英文名" in str(v) for v in g.objects(n, RDFS.label))}
    assert set(result.untranslated) == fallback and len(result.untranslated) == len(fallback)
    ours = {str(o)[len(str(ETO)):] for _, o in kg.graph.subject_objects(SKOS.exactMatch) if str(o).startswith(str(ETO))}
    countries = {i for i, p in data.providers.items() if data.country_code(p)}
    assert fallback == {i for i in names if zh_name(i, names[i]) is None} - ours - countries
    assert fallback and not fallback & {"P5", "P370", "P312"}
    assert "Chinese names: " + str(len(fallback)) + " entities" in result.summary()
    data.inputs["N3"].name = "FPGAs"
    relabelled = eto_graph(data)
    assert Literal("现场可编程门阵列（FPGA）", lang="zh") in set(relabelled.objects(ETO["N3"], RDFS.label))


def test_labels_are_bilingual_unambiguous_and_marked(fixture_import, kg):
    """Each imported entity has @en and @zh labels; a @zh label that is only the English name says so;
    one linked to our graph by skos:exactMatch reuses our Chinese name; no label names two entities."""
    g, _, merged = fixture_import
    ours = {o: s for s, o in kg.graph.subject_objects(SKOS.exactMatch) if str(o).startswith(str(ETO))}
    for node in g.subjects(CKG.etoId, None):
        en = [str(v) for v in g.objects(node, RDFS.label) if v.language == "en"]
        zh = [str(v) for v in g.objects(node, RDFS.label) if v.language == "zh"]
        assert len(en) == 1 and len(zh) == 1, node
        eto_id = str(g.value(node, CKG.etoId))
        if node in ours:
            assert zh[0].startswith(kg.label(ours[node], "zh")), (node, zh)
        elif eto_id in ("P5", "P370", "P312"):  # the name table's, written for these names
            assert zh[0] == ZH_NAMES[eto_id][1], (node, zh)
        elif g.value(node, CKG.isoAlpha3) is None:
            assert zh[0] == en[0].removesuffix(" (ETO)") + "（ETO 英文名）", (node, zh)
    # P88 is linked to ckgd:ASML in graph_data/eto_links.ttl, so its Chinese label is ASML's
    assert kg.label(CKGD["ASML"], "zh") + "（ETO）" == merged.label(ETO["P88"], "zh")
    # a name our graph already uses gets " (ETO)", so each label still finds one entity
    assert merged.label(ETO["P1"], "en") == "United States (ETO)"
    assert merged.find("United States") == CKGD["USA"] and merged.find("United States (ETO)") == ETO["P1"]
    assert [p for p in run_checks(merged) if p.rule == "duplicate-label-violation"] == []


def test_fixture_import_validates_with_the_shipped_graph(fixture_import):
    """Shapes, check queries and OWL consistency pass on the shipped graph plus the imported fixture."""
    _, _, merged = fixture_import
    report = validate(merged)
    assert report.conforms, report.to_text()


def test_trace_runs_from_policy_to_share_and_country(fixture_import):
    """policy → bottleneck → EUV lithography → eto:N20 → provider P88 with 100 % → eto:P45 (the Netherlands' id)."""
    _, _, merged = fixture_import
    rows = {tuple(r) for r in merged.graph.query(TRACE, initNs=PREFIXES)}
    assert (CKGD["InstrumentSpecialFund"], CKGD["BottleneckProcessEquipment"], CKGD["EUVLithography"], ETO["N20"],
            ETO["P88"], Literal("100.0", datatype=XSD.decimal), ETO["P45"]) in rows


def test_same_input_gives_the_same_file(tmp_path, kg):
    """Two imports of one folder write identical bytes (numbered axioms, sorted output)."""
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    import_eto(GOOD, a, kg=kg)
    import_eto(GOOD, b, kg=kg)
    assert a.read_bytes() == b.read_bytes()


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("folder", BAD, ids=[p.name for p in BAD])
def test_bad_folder_is_refused_naming_file_line_and_column(folder):
    """Each broken copy raises InputError with the message in its expected-error.txt."""
    with pytest.raises(InputError) as err:
        read_eto(folder)
    for part in _expected(folder):
        assert part in str(err.value)


@pytest.mark.parametrize("folder", BAD, ids=[p.name for p in BAD])
def test_cli_writes_nothing_for_a_bad_folder(folder, tmp_path):
    """`chiplet-kg import eto BAD -o FILE` exits 3 with one error line, and FILE keeps what it held."""
    out = tmp_path / "eto.ttl"
    out.write_text("# the previous import\n", encoding="utf-8")
    result = run("import", "eto", str(folder), "-o", str(out))
    assert result.returncode == 3, result.stdout + result.stderr
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert _expected(folder)[0] in result.stderr
    assert out.read_text(encoding="utf-8") == "# the previous import\n"
    assert [p.name for p in tmp_path.iterdir()] == ["eto.ttl"]


def test_cli_imports_the_fixture(tmp_path):
    """`chiplet-kg import eto DIR -o FILE.ttl` exits 0, reports counts and the license, and writes Turtle."""
    out = tmp_path / "sub" / "eto.ttl"
    result = run("import", "eto", str(GOOD), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "8 inputs, 9 providers (11 rows" in result.stdout and "12 provision rows" in result.stdout
    assert "CC BY-NC 4.0" in result.stdout
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ETO Advanced Semiconductor Supply Chain Dataset") and "Do not commit" in text
    assert (ETO["N20"], CKG.etoId, Literal("N20")) in Graph().parse(out)


def test_missing_folder_is_an_input_error(tmp_path):
    """A folder that does not exist: exit 3, named."""
    result = run("import", "eto", str(tmp_path / "nowhere"), "-o", str(tmp_path / "x.ttl"))
    assert result.returncode == 3 and "nowhere: no such folder" in result.stderr


@pytest.mark.parametrize("out, message", [
    ("graph_data/eto.ttl", "forbids shipping it"),
    ("ontology/eto-data.ttl", "forbids shipping it"),
    ("eto.csv", "cannot tell the RDF format"),
])
def test_output_that_would_be_shipped_or_unreadable_is_refused(out, message, tmp_path):
    """Writing into graph_data/ or ontology/ (loaded and committed) or to an unknown format: exit 2, nothing written."""
    target = ROOT / out if "/" in out else tmp_path / out
    assert not target.exists()
    result = run("import", "eto", str(GOOD), "-o", str(target))
    assert result.returncode == 2 and message in result.stderr
    assert not target.exists()


def test_version_options_override_and_are_checked(tmp_path, kg):
    """--commit/--date name the version when there is no SOURCE.md; malformed ones are usage errors."""
    result = import_eto(GOOD, tmp_path / "x.ttl", kg=kg, commit="abcdef1", date="2025-12-31")
    assert (result.source.commit, result.source.date) == ("abcdef1", "2025-12-31")
    assert result.source.iri == ETO["dataset-commit-abcdef1"]
    with pytest.raises(UsageError):
        import_eto(GOOD, tmp_path / "y.ttl", kg=kg, date="31/12/2025")
    with pytest.raises(UsageError):
        import_eto(GOOD, tmp_path / "y.ttl", kg=kg, commit="not-a-commit")
    assert not (tmp_path / "y.ttl").exists()


# ---------------------------------------------------------------- the links (shipped)


def test_links_use_only_eto_ids_and_cite_the_dataset(kg):
    """graph_data/eto_links.ttl: every link targets an eto: id IRI and has an axiom citing the dataset."""
    links = Graph().parse(ROOT / "graph_data" / "eto_links.ttl")
    pairs = [(s, p, o) for p in (SKOS.exactMatch, SKOS.closeMatch) for s, o in links.subject_objects(p)]
    assert len(pairs) >= 40
    for s, p, o in pairs:
        assert str(s).startswith(str(CKGD)) and (s, RDF.type, None) in kg.graph, s
        local = str(o)[len(str(ETO)):]
        assert str(o).startswith(str(ETO)) and local[0] in "NPS" and local[1:].isdigit(), o
        ax = [a for a in links.subjects(OWL.annotatedSource, s)
              if links.value(a, OWL.annotatedProperty) == p and links.value(a, OWL.annotatedTarget) == o]
        assert len(ax) == 1 and DATASET in set(links.objects(ax[0], DCTERMS.source)), (s, o)
    assert (DATASET, DCTERMS.license, LICENSE) in links
    for needed in (("EUVLithography", "N20"), ("Photoresist", "N31"), ("PackagingSubstrate", "N96"),
                   ("HighEndEDA", "N84"), ("JCET", "P50"), ("ASML", "P88"), ("China", "P2"), ("USA", "P1")):
        assert any(s == CKGD[needed[0]] and o == ETO[needed[1]] for s, _, o in pairs), needed


# ---------------------------------------------------------------- the real dataset, where the user has it


def _csv(name):
    with open(ETO_DIR / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def real_import(tmp_path_factory, kg):
    out = tmp_path_factory.mktemp("eto-real") / "eto.ttl"
    result = import_eto(ETO_DIR, out, kg=kg)
    return Graph().parse(out), result, out


@needs_copy
def test_real_import_has_every_item_provider_and_row(real_import):
    """As many stages, inputs, providers (distinct ids) and provision records as the CSVs hold."""
    g, result, _ = real_import
    stages = {r["stage_id"] for r in _csv("stages.csv")}
    inputs = {r["input_id"] for r in _csv("inputs.csv")}
    providers = {r["provider_id"] for r in _csv("providers.csv")}
    rows = _csv("provision.csv")
    assert {str(g.value(s, CKG.etoId)) for s in g.subjects(RDF.type, CKG.IndustrySegment)} == stages
    items = {str(g.value(s, CKG.etoId)) for cls in (CKG.ProductionProcess, CKG.ToolResource, CKG.MaterialResource,
                                                    CKG.DesignResource, CKG.FinalProduct) for s in g.subjects(RDF.type, cls)}
    assert items == inputs and result.inputs == len(_csv("inputs.csv"))
    who = {str(g.value(s, CKG.etoId))
           for cls in (CKG.Firm, CKG.CountryOrRegion, CKG.CountryGroup, CKG.AggregateProvider)
           for s in g.subjects(RDF.type, cls)}
    assert who == providers and result.provider_rows == len(_csv("providers.csv"))
    assert len(set(g.subjects(CKG.provider, None))) == len(rows) == result.provision
    organisations = {p["provider_id"] for p in _csv("providers.csv") if p["provider_type"] == "organization"}
    assert len(set(g.subjects(RDF.type, CKG.FirmProvision))) == sum(r["provider_id"] in organisations for r in rows)


@needs_copy
def test_real_aggregates_are_typed_as_such_and_supply_nothing(real_import):
    """'Various companies' (P370) and 'Various countries' (P5) are ckg:AggregateProvider only, and no direct supply
    relation names them; their 134 rows keep their shares."""
    g, result, _ = real_import
    assert set(g.subjects(RDF.type, CKG.AggregateProvider)) == {ETO["P370"], ETO["P5"]} and result.aggregates == 2
    for node in (ETO["P370"], ETO["P5"]):
        assert set(g.objects(node, RDF.type)) == {CKG.AggregateProvider}
        assert (None, CKG.suppliedBy, node) not in g and (None, CKG.suppliedFrom, node) not in g
    rows = [r for r in _csv("provision.csv") if r["provider_id"] in ("P370", "P5")]
    assert len(rows) == len([s for a in (ETO["P370"], ETO["P5"]) for s in g.subjects(CKG.provider, a)]) == 134


@needs_copy
def test_real_every_input_and_stage_has_a_chinese_name(real_import):
    """Every input and stage id of the real copy has a name in the table, written for the name the copy gives it,
    and the import labels it with that name (or with our graph's, for the linked ones); none falls back."""
    g, result, _ = real_import
    named = [(r["input_id"], r["input_name"]) for r in _csv("inputs.csv")] + \
        [(r["stage_id"], r["stage_name"]) for r in _csv("stages.csv")]
    assert [i for i, name in named if zh_name(i, name) is None] == []
    assert [i for i in result.untranslated if not i.startswith("P")] == []
    for i, _ in named:
        zh = [str(v) for v in g.objects(ETO[i], RDFS.label) if v.language == "zh"]
        assert len(zh) == 1 and "ETO 英文名" not in zh[0], (i, zh)
    # the major firms too: the providers with the most rows
    firms = [r["provider_id"] for r in _csv("provision.csv")]
    top = sorted(set(firms), key=lambda p: -firms.count(p))[:15]
    assert [p for p in top if p in result.untranslated] == []


@needs_copy
def test_real_shares_and_years_survive_exactly(real_import):
    """Every row's share (or its absence) and year, compared with the CSV read here by the csv module."""
    g, _, _ = real_import
    for r in _csv("provision.csv"):
        node = provision_iri(r["provider_id"], r["provided_id"], int(r["year"]))
        share = g.value(node, CKG.sharePercent)
        if r["share_provided"].strip():
            assert share is not None and share.toPython() == Decimal(r["share_provided"]), (node, share)
        else:
            assert share is None, node
        assert g.value(node, CKG.year).toPython() == int(r["year"])


@needs_copy
def test_real_asml_holds_all_of_euv(real_import, kg):
    """ASML provides 100 % of EUV lithography tools (the ETO ids that graph_data/eto_links.ttl gives them)."""
    g, _, _ = real_import
    asml = kg.graph.value(CKGD["ASML"], SKOS.exactMatch)
    euv = kg.graph.value(CKGD["EUVLithography"], SKOS.exactMatch)
    assert (asml, euv) == (ETO["P88"], ETO["N20"])
    assert (euv, CKG.suppliedBy, asml) in g
    records = [s for s in g.subjects(CKG.provider, asml) if g.value(s, CKG.providedItem) == euv]
    assert len(records) == 1 and g.value(records[0], CKG.sharePercent).toPython() == Decimal(100)
    assert (records[0], RDF.type, CKG.FirmProvision) in g


@needs_copy
def test_real_links_point_at_real_ids_and_agree_on_countries(real_import, kg):
    """Every eto: IRI in the links names an id of the real CSVs, and a firm matched exactly is based in the
    same country (ISO 3166-1 code) in ETO's data as in ours."""
    g, _, _ = real_import
    links = Graph().parse(ROOT / "graph_data" / "eto_links.ttl")
    same = {}
    for prop in (SKOS.exactMatch, SKOS.closeMatch):
        for ours, theirs in links.subject_objects(prop):
            assert (theirs, CKG.etoId, None) in g, theirs
            if prop == SKOS.exactMatch:
                same[ours] = theirs
    checked = 0
    for ours, theirs in same.items():
        our_country = kg.graph.value(ours, CKG.basedIn)
        their_country = g.value(theirs, CKG.basedIn)
        if our_country is not None and their_country is not None:
            assert kg.graph.value(our_country, CKG.isoAlpha3) == g.value(their_country, CKG.isoAlpha3), ours
            checked += 1
    assert checked >= 15


@needs_copy
def test_real_trace_reaches_measured_shares(real_import):
    """After --data, the special-fund instrument reaches EUV lithography, ASML with 100 % and the Netherlands."""
    _, _, out = real_import
    merged = ChipletKG(data=(out,))
    rows = {tuple(r) for r in merged.graph.query(TRACE, initNs=PREFIXES)}
    assert (CKGD["InstrumentSpecialFund"], CKGD["BottleneckProcessEquipment"], CKGD["EUVLithography"], ETO["N20"],
            ETO["P88"], Literal("100.0", datatype=XSD.decimal), ETO["P45"]) in rows
    assert (CKGD["Netherlands"], SKOS.exactMatch, ETO["P45"]) in merged.graph
    # the materials bottleneck reaches photoresist makers, with their shares unknown in the dataset
    photoresist = {r[4] for r in rows if r[2] == CKGD["Photoresist"]}
    assert ETO["P206"] in photoresist  # JSR


@needs_copy
def test_real_import_validates_with_the_shipped_graph(real_import):
    """`chiplet-kg validate --data eto.ttl`: shapes, check queries and OWL consistency pass."""
    _, _, out = real_import
    result = run("validate", "--data", str(out))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "PASSED" in result.stdout and "consistent" in result.stdout

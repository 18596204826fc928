"""Reasoning: what HermiT and the closed-world rules infer, kept apart from the asserted graph, cached, explained."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

import chiplet_kg.reason as reason
from chiplet_kg import CKG, CKGD, ChipletKG
from chiplet_kg.errors import ValidationFailed
from chiplet_kg.kg import project_root
from chiplet_kg.namespace import PREFIXES
from chiplet_kg.pipeline import build
from chiplet_kg.validation import validate

from .conftest import DATA

EX = Namespace("https://example.org/reason/")
BAD = Namespace("https://example.org/mine/")
WORLD = DATA / "reason" / "small-world.ttl"
MORE = DATA / "reason" / "more-suppliers-and-policies.ttl"
ONTOLOGY = tuple(ChipletKG.ontology_files(project_root()))


def small_kg(*files) -> ChipletKG:
    """The ontology and the given files only (no shipped data): HermiT runs in about a second."""
    return ChipletKG(data=ONTOLOGY + tuple(files), builtin=False, reason=False)


def union(kg: ChipletKG) -> Graph:
    g = Graph()
    g += kg.graph
    g += kg.inferred
    return g


def rows(graph: Graph, query: str) -> set:
    result = graph.query(query, initNs={**PREFIXES, "ex": EX})
    return {(result.askAnswer,)} if result.type == "ASK" else {tuple(r) for r in result}


class Counting:
    """Stands in for reason.run_hermit: counts the calls and runs the real reasoner."""

    def __init__(self):
        self.calls = 0
        self.real = reason.run_hermit

    def __call__(self, graph):
        self.calls += 1
        return self.real(graph)


def refuse(graph):
    raise AssertionError("the reasoner ran although the cache should have answered")


# ---------------------------------------------------------------- a small hand-built world


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> ChipletKG:
    kg = small_kg(WORLD)
    kg.set_inferred(reason.infer(kg, cache=tmp_path_factory.mktemp("cache")))
    return kg


@pytest.mark.parametrize("kind, query, expected", [
    ("inverse (restrictedBy of restricts)",
     "SELECT ?m WHERE { ex:Resin ckg:restrictedBy ?m }", {(EX.Ban,)}),
    ("inverse (dependencyOf of dependsOn)",
     "SELECT ?t WHERE { ex:Substrate ckg:dependencyOf ?t }", {(EX.Chip,)}),
    ("transitive (dependsOn)",
     "SELECT ?x WHERE { ex:Chip ckg:dependsOn ?x }", {(EX.Substrate,), (EX.Resin,), (EX.EUVTool,), (EX.LithoTool,)}),
    ("property chain (addresses ∘ concerns → covers; a group addresses what its instruments address)",
     "SELECT ?p WHERE { ?p ckg:covers ex:Resin }", {(EX.Fund,), (EX.Group,)}),
    ("property chain (dependsOn ∘ isTypeOf → dependsOn)",
     "ASK { ex:Chip ckg:dependsOn ex:LithoTool }", {(True,)}),
    ("property chain (isTypeOf⁻ ∘ suppliedBy → suppliedBy)",
     "SELECT ?s WHERE { ex:LithoTool ckg:suppliedBy ?s }", {(EX.ToolCo,)}),
    ("defined class (restricted item)",
     "SELECT ?x WHERE { ?x a ckg:RestrictedItem }", {(EX.Resin,)}),
    ("defined class (technology at risk, through the transitive dependency on the restricted resin)",
     "SELECT ?x WHERE { ?x a ckg:TechnologyAtRisk }", {(EX.Chip,)}),
    ("defined class (foreign country: ISO code not CHN)",
     "SELECT ?x WHERE { ?x a ckg:ForeignCountryOrRegion }", {(EX.Elsewhere,)}),
    ("defined class (item with a foreign supplier)",
     "SELECT ?x WHERE { ?x a ckg:ItemWithForeignSupplier }", {(EX.Resin,)}),
    ("defined class (item with a domestic supplier, through the supplier chain for the general kind)",
     "SELECT ?x WHERE { ?x a ckg:ItemWithDomesticSupplier }", {(EX.EUVTool,), (EX.LithoTool,)}),
    ("defined class (dependency: an item a technology depends on)",
     "SELECT ?x WHERE { ?x a ckg:Dependency }", {(EX.Substrate,), (EX.Resin,), (EX.EUVTool,), (EX.LithoTool,)}),
    ("defined class (addressed dependency)",
     "SELECT ?x WHERE { ?x a ckg:AddressedDependency }", {(EX.Resin,), (EX.LithoTool,)}),
    ("closed world (unaddressed dependency)",
     "SELECT ?x WHERE { ?x a ckg:UnaddressedDependency }", {(EX.Substrate,), (EX.EUVTool,)}),
    ("closed world (item without a domestic supplier)",
     "SELECT ?x WHERE { ?x a ckg:ItemWithoutDomesticSupplier }", {(EX.Resin,)}),
])
def test_inferred_triples_answer_what_the_asserted_graph_cannot(world, kind, query, expected):
    """Each axiom kind answers a question with inferred triples that the asserted triples alone leave open."""
    asserted_only = rows(world.graph, query)
    assert asserted_only != expected, kind
    assert rows(union(world), query) == expected, kind


@pytest.mark.parametrize("kind, query", [
    ("a policy on a general kind does not cover its specific kinds", "ASK { ex:LithoPlan ckg:covers|ckg:addresses ex:EUVTool }"),
    ("a policy covers only what its bottleneck concerns", "ASK { ex:Fund ckg:covers ex:Substrate }"),
    ("a restriction of one item does not restrict what depends on it", "ASK { ex:Substrate a ckg:RestrictedItem }"),
    ("the home country (ISO CHN) is not foreign", "ASK { ex:Home a ckg:ForeignCountryOrRegion }"),
    ("a dependency a policy reaches is not unaddressed", "ASK { ex:LithoTool a ckg:UnaddressedDependency }"),
    ("an item without any supplier is not classed by its suppliers", "ASK { ex:Substrate a ckg:ItemWithoutDomesticSupplier }"),
])
def test_nothing_is_inferred_that_does_not_follow(world, kind, query):
    """The axioms are not stretched: conclusions the ontology does not support are absent."""
    assert rows(union(world), query) == {(False,)}, kind


def test_closed_world_conclusions_give_way_to_new_data(tmp_path):
    """With a domestic resin maker and a substrate policy added, the two closed-world memberships go; OWL ones stay."""
    kg = small_kg(WORLD, MORE)
    kg.set_inferred(reason.infer(kg, cache=tmp_path))
    g = union(kg)
    assert (EX.Resin, RDF.type, CKG.ItemWithoutDomesticSupplier) not in g
    assert (EX.Substrate, RDF.type, CKG.UnaddressedDependency) not in g
    assert (EX.Resin, RDF.type, CKG.ItemWithForeignSupplier) in g
    assert (EX.Resin, RDF.type, CKG.ItemWithDomesticSupplier) in g


def test_closed_world_classes_are_marked_in_the_ontology(world):
    """Every class whose members are computed outside OWL says so (ckg:closedWorld true) and is not OWL-defined."""
    for cls in reason.CLOSED_WORLD:
        assert (cls, CKG.closedWorld, Literal(True)) in world.graph
        assert world.graph.value(cls, URIRef("http://www.w3.org/2002/07/owl#equivalentClass")) is None


def test_inferred_graph_is_separate_and_new(world):
    """kg.inferred holds only triples kg.graph does not assert; asserted-only queries do not see them."""
    assert len(world.inferred) > 0
    assert not set(world.inferred) & set(world.graph)
    assert rows(world.graph, "SELECT ?p ?i WHERE { ?p ckg:covers ?i }") == set()
    assert rows(world.inferred, "SELECT ?p WHERE { ?p ckg:covers ex:Resin }") == {(EX.Fund,), (EX.Group,)}
    assert dict(world.inferred.namespaces())["ckg"] == URIRef(str(CKG._NS))


def test_counts_add_up(world):
    """count_inferred splits the inferred triples into class memberships and property assertions."""
    n = reason.count_inferred(world)
    assert n["total"] == len(world.inferred) == n["class_memberships"] + n["property_assertions"]
    assert n["closed_world"] == 3  # Substrate and EUVTool unaddressed, Resin without a domestic supplier


# ---------------------------------------------------------------- the shipped graph (the paper)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> ChipletKG:
    kg = ChipletKG()
    before = len(kg.graph)
    kg.set_inferred(reason.infer(kg, cache=tmp_path_factory.mktemp("cache")))
    assert len(kg.graph) == before
    return kg


def test_shipped_inverse_high_end_eda_is_addressed_by_the_special_fund(shipped):
    """§5.1: the special fund supports high-end EDA tools; asked from the tools' side, only the inverse answers."""
    fund, eda = shipped.find("设立专项基金"), shipped.find("高端 EDA 工具")
    assert (fund, CKG.addresses, eda) in shipped.graph
    assert (eda, CKG.addressedBy, fund) not in shipped.graph
    assert (eda, CKG.addressedBy, fund) in shipped.inferred


def test_shipped_chain_special_fund_covers_high_end_eda(shipped):
    """§5.1 + §4.2: the special fund addresses the EDA bottleneck, which concerns high-end EDA tools ⇒ it covers them."""
    fund, eda, bottleneck = shipped.find("设立专项基金"), shipped.find("高端 EDA 工具"), shipped.find("ckgd:BottleneckEDA")
    assert (fund, CKG.addresses, bottleneck) in shipped.graph and (bottleneck, CKG.concerns, eda) in shipped.graph
    q = "SELECT ?p WHERE { ?p ckg:covers ?eda }"
    assert not list(shipped.graph.query(q, initNs=PREFIXES, initBindings={"eda": eda}))
    assert fund in {r[0] for r in union(shipped).query(q, initNs=PREFIXES, initBindings={"eda": eda})}


def test_shipped_transitive_roadmap_phases(shipped):
    """§3: short term precedes medium term precedes long term ⇒ short term precedes long term."""
    short, long_ = CKGD.PhaseShortTerm, CKGD.PhaseLongTerm
    assert (short, CKG.precedes, long_) not in shipped.graph
    assert (short, CKG.precedes, long_) in shipped.inferred


def test_shipped_chiplets_depend_on_eda_tools(shipped):
    """§2.1/§4.2: chiplets depend on high-end EDA tools, a kind of EDA tool ⇒ chiplets depend on EDA tools."""
    chiplet, eda = shipped.find("ckgd:Chiplet"), shipped.find("EDA 工具")
    assert (chiplet, CKG.dependsOn, eda) not in shipped.graph
    assert (chiplet, CKG.dependsOn, eda) in shipped.inferred


def test_shipped_defined_classes(shipped):
    """§4.2: advanced-node chiplets need EUV lithography, which an export measure restricts ⇒ a technology at risk."""
    euv, node = shipped.find("ckgd:EUVLithography"), shipped.find("ckgd:AdvancedNodeChiplet")
    assert (node, CKG.dependsOn, euv) in shipped.graph
    assert (euv, RDF.type, CKG.RestrictedItem) in shipped.inferred
    at_risk = {r[0] for r in union(shipped).query("SELECT ?t WHERE { ?t a ckg:TechnologyAtRisk }", initNs=PREFIXES)}
    assert node in at_risk and shipped.find("ckgd:Chiplet") in at_risk
    assert not list(shipped.graph.query("SELECT ?t WHERE { ?t a ckg:TechnologyAtRisk }", initNs=PREFIXES))


def test_shipped_unaddressed_dependency_advanced_packaging_equipment(shipped):
    """§3.1 calls for investment in advanced packaging equipment, but no technology is said to depend on it (issue 14),
    so it is no dependency; high-end EDA is a dependency §5 addresses; some dependency stays unaddressed."""
    equipment, eda = shipped.find("先进封装设备"), shipped.find("高端 EDA 工具")
    g = union(shipped)
    assert (equipment, RDF.type, CKG.Dependency) not in g
    assert list(g.triples((None, RDF.type, CKG.UnaddressedDependency)))
    assert (eda, RDF.type, CKG.AddressedDependency) in g
    assert (eda, RDF.type, CKG.UnaddressedDependency) not in g


def test_shipped_inferred_is_separate(shipped):
    """No inferred triple is asserted, and the asserted graph has no covers link at all."""
    assert not set(shipped.inferred) & set(shipped.graph)
    assert not list(shipped.graph.triples((None, CKG.covers, None)))


def test_reason_hook_on_chipletkg_uses_the_cache_folder_from_the_environment(monkeypatch, tmp_path):
    """ChipletKG(reason=True) fills kg.inferred; CHIPLET_KG_CACHE names the cache folder it reuses."""
    first = small_kg(WORLD)
    expected = reason.infer(first, cache=tmp_path)
    monkeypatch.setenv(reason.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(reason, "run_hermit", refuse)
    kg = ChipletKG(data=ONTOLOGY + (WORLD,), builtin=False, reason=True)
    assert set(kg.inferred) == set(expected)


# ---------------------------------------------------------------- the cache


def test_cache_folder_default_and_override(monkeypatch, tmp_path):
    """build/.cache under the current folder, unless CHIPLET_KG_CACHE or the parameter says otherwise."""
    monkeypatch.delenv(reason.CACHE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert reason.cache_dir().resolve() == (tmp_path / "build" / ".cache").resolve()
    monkeypatch.setenv(reason.CACHE_ENV, str(tmp_path / "env"))
    assert reason.cache_dir() == tmp_path / "env"
    assert reason.cache_dir(tmp_path / "param") == tmp_path / "param"


def test_cache_is_reused_when_nothing_changed(monkeypatch, tmp_path):
    """A second run over the same inputs answers from the cache: the reasoner is not called at all."""
    first = reason.infer(small_kg(WORLD), cache=tmp_path)
    monkeypatch.setattr(reason, "run_hermit", refuse)
    again = reason.infer(small_kg(WORLD), cache=tmp_path)
    assert set(again) == set(first) and len(again) > 0


def test_cache_is_rebuilt_when_an_input_changes(monkeypatch, tmp_path):
    """Editing an input file changes the key: the reasoner runs again and its answer reflects the edit."""
    data = tmp_path / "world.ttl"
    shutil.copy(WORLD, data)
    counting = Counting()
    monkeypatch.setattr(reason, "run_hermit", counting)
    before = reason.infer(small_kg(data), cache=tmp_path / "cache")
    reason.infer(small_kg(data), cache=tmp_path / "cache")
    assert counting.calls == 1
    assert (EX.Substrate, RDF.type, CKG.ItemWithDomesticSupplier) not in before
    with data.open("a", encoding="utf-8") as fh:
        fh.write("\nex:Substrate ckg:suppliedBy ex:ToolCo .\n")
    after = reason.infer(small_kg(data), cache=tmp_path / "cache")
    assert counting.calls == 2
    assert (EX.Substrate, RDF.type, CKG.ItemWithDomesticSupplier) in after


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other key", "empty"])
def test_unreadable_cache_is_rebuilt_never_trusted(monkeypatch, tmp_path, damage):
    """A cache file that is garbage, cut short, for another key or empty is rebuilt by running the reasoner."""
    kg = small_kg(WORLD)
    good = reason.infer(kg, cache=tmp_path)
    [path] = tmp_path.glob("reason-*.nt")
    data = path.read_bytes()
    path.write_bytes({
        "garbage": b"\xff\xfe not a cache \x00",
        "truncated": data[: len(data) - 120],
        "other key": data.replace(reason.cache_key(kg).encode(), b"0" * 64, 1),
        "empty": b"",
    }[damage])
    counting = Counting()
    monkeypatch.setattr(reason, "run_hermit", counting)
    again = reason.infer(kg, cache=tmp_path)
    assert counting.calls == 1 and set(again) == set(good)
    monkeypatch.setattr(reason, "run_hermit", refuse)
    assert set(reason.infer(kg, cache=tmp_path)) == set(good)  # the rebuilt file is sound again


# ---------------------------------------------------------------- consistency


def test_consistent_graph_passes(world):
    """The hand-built world conforms: shapes, check queries and HermiT."""
    report = validate(small_kg(WORLD))
    assert report.conforms and report.owl_consistent is True, report.to_text()


def test_inconsistent_graph_cannot_be_reasoned_over(tmp_path):
    """Reasoning over an inconsistent graph fails with a one-line message pointing at validate."""
    with pytest.raises(ValidationFailed) as err:
        reason.infer(small_kg(DATA / "bad" / "owl-disjoint-types.ttl"), cache=tmp_path)
    assert "inconsistent" in str(err.value) and "chiplet-kg validate" in str(err.value)


def test_inconsistency_report_names_individual_and_classes():
    """An entity typed with two disjoint classes is named, with both classes, in plain words."""
    text = validate(small_kg(DATA / "bad" / "owl-disjoint-types.ttl"), shacl=False).to_text()
    assert "INCONSISTENT" in text and str(BAD.Chimera) in text
    assert "typed ckg:Firm and typed ckg:GovernmentBody" in text and "disjoint" in text


def test_inconsistency_through_a_union_domain_is_explained():
    """A ministry that 'depends on' a resin falls into the domain Technology or SupplyChainItem, both disjoint from it."""
    report = validate(small_kg(DATA / "bad" / "owl-disjoint-by-union-domain.ttl"), shacl=False)
    [problem] = report.problems
    assert problem.node == str(BAD.Ministry) and problem.rule == "disjoint classes"
    assert "ckg:dependsOn" in problem.message and "ckg:Technology or ckg:SupplyChainItem" in problem.message
    assert "ckg:Organisation disjoint with ckg:SupplyChainItem and with ckg:Technology" in problem.message


def test_unsatisfiable_class_is_reported_with_its_axioms():
    """A class below two disjoint classes can have no members: the report names it and the two classes."""
    report = validate(small_kg(DATA / "bad" / "owl-unsatisfiable-class.ttl"), shacl=False)
    assert report.owl_consistent is True and not report.conforms
    [problem] = report.problems
    assert problem.node == str(BAD.StateOwnedFirmMinistry) and problem.rule == "unsatisfiable class"
    assert "ckg:Firm and ckg:GovernmentBody" in problem.message
    assert "can have no members" in report.to_text()


def test_inconsistency_no_rule_explains_is_pinned_down_by_hermit():
    """A country with ISO code CHN typed foreign: HermiT narrows it to the individual and the two clashing statements."""
    report = validate(small_kg(DATA / "bad" / "owl-defined-class-clash.ttl"), shacl=False)
    [problem] = report.problems
    assert problem.node == str(BAD.Mainland) and problem.rule == "inconsistent individual"
    assert "typed ckg:ForeignCountryOrRegion" in problem.message and 'ckg:isoAlpha3 "CHN"' in problem.message
    assert "typed ckg:CountryOrRegion" not in problem.message  # true and harmless, so tried away


def test_two_values_of_a_functional_property_are_explained():
    """A country with two ISO codes: the functional property and both values are named."""
    [problem] = validate(small_kg(DATA / "bad" / "owl-functional-twice.ttl"), shacl=False).problems
    assert problem.rule == "functional property" and '"AAA"' in problem.message and '"BBB"' in problem.message


def test_class_expressions_read_in_words(world):
    """Defined classes are rendered as readable class expressions in reports."""
    g = world.graph
    owl_eq = URIRef("http://www.w3.org/2002/07/owl#equivalentClass")
    assert reason.describe_class(g, g.value(CKG.TechnologyAtRisk, owl_eq)) == \
        "ckg:Technology and (ckg:dependsOn some ckg:RestrictedItem)"
    assert reason.describe_class(g, g.value(CKG.ForeignCountryOrRegion, owl_eq)) == \
        'ckg:CountryOrRegion and (not (ckg:isoAlpha3 value "CHN"))'


# ---------------------------------------------------------------- build


def test_build_writes_inferred_graph_and_counts(monkeypatch, tmp_path):
    """build() writes inferred.ttl (the inferred triples only) and the asserted and inferred counts."""
    monkeypatch.setenv(reason.CACHE_ENV, str(tmp_path / "cache"))
    kg = small_kg(WORLD)
    result = build(kg, tmp_path / "out")
    written = Graph().parse(tmp_path / "out" / "inferred.ttl")
    assert set(written) == set(kg.inferred) and len(written) > 0
    info = json.loads((tmp_path / "out" / "build-info.json").read_text(encoding="utf-8"))
    assert info["asserted_triples"] == len(kg.graph) and info["inferred_triples"] == len(kg.inferred)
    assert info["inferred"] == result.inferred and info["reasoned"] is True


def test_build_command_reasons_unless_no_reason(monkeypatch, tmp_path):
    """`chiplet-kg build` writes inferred.ttl; `--no-reason` runs no reasoner and removes the stale file."""
    from chiplet_kg.cli.main import cli

    out = tmp_path / "out"
    env = {reason.CACHE_ENV: str(tmp_path / "cache")}
    result = CliRunner().invoke(cli, ["build", "--no-owl", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "inferred triples" in result.output and (out / "inferred.ttl").is_file()
    monkeypatch.setattr(reason, "run_hermit", refuse)
    monkeypatch.setattr(reason, "infer", lambda *a, **k: refuse(None))
    result = CliRunner().invoke(cli, ["build", "--no-owl", "--no-reason", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert not (out / "inferred.ttl").exists()
    info = json.loads((out / "build-info.json").read_text(encoding="utf-8"))
    assert info["reasoned"] is False and info["inferred_triples"] is None
    assert info["asserted_triples"] == info["triples"] > 0


# ---------------------------------------------------------------- one definition of a gap (reasoner, query, gaps)

DRIFT = DATA / "reason" / "definition-drift.ttl"


def _set_inferred(kg: ChipletKG, inferred: Graph) -> None:
    """Put ``inferred`` into ``kg``'s store (``set_inferred`` where the KG has it, else the older setter)."""
    if hasattr(kg, "set_inferred"):
        kg.set_inferred(inferred)
    else:
        kg.inferred = inferred


def _agreement(kg: ChipletKG) -> dict[str, set]:
    """Each place's set of unaddressed dependencies (and of items without a domestic supplier), as IRIs."""
    from chiplet_kg.analyze.gaps import NOT_ADDRESSED, gaps
    from chiplet_kg.network import project

    result = reason.reason(kg, use_cache=False)
    assert result.consistent, result.findings
    inferred = result.inferred
    _set_inferred(kg, inferred)
    reasoned = {r["item"] for r in kg.query("unaddressed-dependencies")}
    plain = {r["item"] for r in kg.query("unaddressed-dependencies", asserted_only=True)}
    g = project(kg)
    places = {
        "reasoner": set(inferred.subjects(RDF.type, CKG.UnaddressedDependency)),
        "query": reasoned,
        "query without reasoning": plain,
    }
    for label, rows in (("gaps", gaps(g, kg=kg)), ("gaps on the projection alone", gaps(g))):
        deps = {URIRef(r["id"]) if r["id"].startswith("http") else kg.find(r["id"]): r
                for r in rows if r["status_code"] in (NOT_ADDRESSED, "only-indirectly") and r["kind"] == "dependency"}
        # A gap row is either one of the definition's items, or an item reached only indirectly (never "not addressed").
        places[label] = {x for x, r in deps.items() if r["status_code"] == NOT_ADDRESSED or x in places["reasoner"]}
        assert all(r["status_code"] != NOT_ADDRESSED for x, r in deps.items() if x not in places["reasoner"]), label
    places["no domestic supplier (reasoner)"] = set(inferred.subjects(RDF.type, CKG.ItemWithoutDomesticSupplier))
    places["no domestic supplier (query)"] = {r["item"] for r in kg.query("items-without-domestic-supplier")}
    places["no domestic supplier (query without reasoning)"] = {
        r["item"] for r in kg.query("items-without-domestic-supplier", asserted_only=True)}
    return places


def test_one_definition_of_a_gap_where_the_old_definitions_drifted_apart():
    """Reasoner, named query (with and without reasoning) and analyze gaps name the same gaps on a graph where the
    three old definitions differed: a kind whose specific kind is addressed, a wider challenge addressed, an item
    only another item needs, a dependency through goesInto."""
    places = _agreement(small_kg(WORLD, DRIFT))
    gaps_expected = {EX.Substrate, EX.EUVTool, EX.Glue, EX.Powder}
    for label in ("reasoner", "query", "query without reasoning", "gaps", "gaps on the projection alone"):
        assert places[label] == gaps_expected, label
    for label in ("no domestic supplier (reasoner)", "no domestic supplier (query)",
                  "no domestic supplier (query without reasoning)"):
        assert places[label] == {EX.Resin, EX.Glue}, label


def test_one_definition_of_a_gap_on_the_shipped_graph():
    """On the shipped graph the reasoner, the query and analyze gaps name the same unaddressed dependencies."""
    places = _agreement(ChipletKG())
    assert places["reasoner"] == {CKGD.AIB}  # advanced packaging equipment is no dependency since issue 14 (only a goal targets it)
    for label in ("query", "query without reasoning", "gaps", "gaps on the projection alone"):
        assert places[label] == places["reasoner"], label
    assert places["no domestic supplier (query)"] == places["no domestic supplier (reasoner)"]


def test_gaps_say_when_no_recorded_supplier_is_domestic():
    """With the graph at hand, a gap whose suppliers are all foreign or of unknown country says so."""
    from chiplet_kg.analyze.gaps import gaps
    from chiplet_kg.network import project

    kg = small_kg(WORLD, DRIFT)
    _set_inferred(kg, reason.infer(kg, use_cache=False))
    rows = {r["id"]: r for r in gaps(project(kg), kg=kg)}
    glue = next(r for i, r in rows.items() if i.endswith("Glue"))
    assert "none of its recorded suppliers is domestic" in glue["why"]
    substrate = next(r for i, r in rows.items() if i.endswith("Substrate"))
    assert "domestic" not in substrate["why"]

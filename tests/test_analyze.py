"""Analyses: answers on the shipped graph that the paper gives, and on small hand-built graphs with known answers."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from chiplet_kg import CKGD, ChipletKG
from chiplet_kg.analyze.chokepoints import CHOKEPOINT_COLUMNS, chokepoints
from chiplet_kg.analyze.gaps import GAP_COLUMNS, gaps
from chiplet_kg.analyze.paths import find_paths, paths
from chiplet_kg.analyze.whatif import WHATIF_COLUMNS, simulate, whatif
from chiplet_kg.cli.main import cli
from chiplet_kg.errors import UsageError
from chiplet_kg.kg import project_root
from chiplet_kg.network import project

EX = "https://example.org/toy/"
D = str(CKGD)


@pytest.fixture(scope="module")
def g(kg):
    return project(kg)


def by_id(rows, section=None):
    return {r["id"]: r for r in rows if section is None or r.get("section_code", r.get("status_code")) == section}


# ------------------------------------------------------------------ a hand-built graph with known answers
#
#   T1 (technology) needs I1, I2, I4, I5;  T2 is a kind of T1;  T3 needs I3;  I3 is a kind of I2
#   I1 ← F1 (country A), F2 (country B);   I2 ← F3 (A);   I3: no supplier of its own;   I5 ← F5 (C)
#   G1 targets T1;  G2 targets I3;  T1 applied in D1
#   P1 addresses I1;  B1 concerns I2, P2 addresses B1;  C1 has part B2 (nobody addresses either);  P3 addresses nothing

TOY = textwrap.dedent(f"""\
    @prefix ckg: <https://w3id.org/chiplet-kg/ontology/> .
    @prefix ex: <{EX}> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

    ex:T1 a ckg:IntegrationApproach ; rdfs:label "T1"@en , "技术一"@zh .
    ex:T2 a ckg:PackagingPlatform ; rdfs:label "T2"@en .
    ex:T3 a ckg:ProcessTechnology ; rdfs:label "T3"@en .
    ex:I1 a ckg:DesignTool ; rdfs:label "I1"@en , "要素一"@zh .
    ex:I2 a ckg:Material ; rdfs:label "I2"@en .
    ex:I3 a ckg:Material ; rdfs:label "I3"@en .
    ex:I4 a ckg:PackagingEquipment ; rdfs:label "I4"@en .
    ex:I5 a ckg:Talent ; rdfs:label "I5"@en .
    ex:F1 a ckg:Firm ; rdfs:label "F1"@en .
    ex:F2 a ckg:Firm ; rdfs:label "F2"@en .
    ex:F3 a ckg:Firm ; rdfs:label "F3"@en .
    ex:F5 a ckg:Firm ; rdfs:label "F5"@en .
    ex:A a ckg:CountryOrRegion ; rdfs:label "A"@en .
    ex:B a ckg:CountryOrRegion ; rdfs:label "B"@en .
    ex:C a ckg:CountryOrRegion ; rdfs:label "C"@en .
    ex:G1 a ckg:RoadmapGoal ; rdfs:label "G1"@en .
    ex:G2 a ckg:RoadmapGoal ; rdfs:label "G2"@en .
    ex:D1 a ckg:ApplicationDomain ; rdfs:label "D1"@en .
    ex:P1 a ckg:PolicyInstrument ; rdfs:label "P1"@en .
    ex:P2 a ckg:PolicyInstrument ; rdfs:label "P2"@en .
    ex:P3 a ckg:PolicyInstrument ; rdfs:label "P3"@en .
    ex:B1 a ckg:Bottleneck ; rdfs:label "B1"@en .
    ex:B2 a ckg:Bottleneck ; rdfs:label "B2"@en .
    ex:C1 a ckg:Challenge ; rdfs:label "C1"@en .

    ex:T1 ckg:dependsOn ex:I1 , ex:I2 , ex:I4 , ex:I5 .
    ex:T2 ckg:isTypeOf ex:T1 .
    ex:T3 ckg:dependsOn ex:I3 .
    ex:I3 ckg:isTypeOf ex:I2 .
    ex:I1 ckg:suppliedBy ex:F1 , ex:F2 .
    ex:I2 ckg:suppliedBy ex:F3 .
    ex:I5 ckg:suppliedBy ex:F5 .
    ex:F1 ckg:basedIn ex:A .
    ex:F2 ckg:basedIn ex:B .
    ex:F3 ckg:basedIn ex:A .
    ex:F5 ckg:basedIn ex:C .
    ex:G1 ckg:targets ex:T1 .
    ex:G2 ckg:targets ex:I3 .
    ex:T1 ckg:appliedIn ex:D1 .
    ex:P1 ckg:addresses ex:I1 .
    ex:B1 ckg:concerns ex:I2 .
    ex:P2 ckg:addresses ex:B1 .
    ex:C1 ckg:hasPart ex:B2 .
""")


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    path = tmp_path_factory.mktemp("toy") / "toy.ttl"
    path.write_text(TOY, encoding="utf-8")
    return project(ChipletKG(data=(project_root() / "ontology" / "chiplet.ttl", path), builtin=False))


def x(*names):
    return {EX + n for n in names}


def test_toy_whatif_country_cuts_its_sole_supplier_and_what_depends_on_it(toy):
    """Removing A takes F1 and F3: I2 loses its only supplier, I3 (supplied as I2) too; I1 keeps F2."""
    res = simulate(toy, [EX + "A"])
    assert set(res.removed) == x("A", "F1", "F3")
    assert set(res.cut) == x("I2", "I3")
    assert set(res.weakened) == x("I1")
    assert set(res.blocked) == x("T1", "T2", "T3")
    assert res.blocked[EX + "T2"] == ("kind", EX + "T1")
    assert set(res.goals) == x("G1", "G2")
    assert set(res.applications) == x("D1")
    assert set(res.policies) == x("P2")                      # through B1, which concerns I2 (and I3's kind-of)
    counts = {en: (before, after) for en, _, before, after in res.counts}
    assert counts["technologies not blocked"] == (3, 0)
    assert counts["roadmap goals not blocked"] == (2, 0)
    assert counts["organisations supplying an item"] == (4, 2)


def test_toy_whatif_threshold_and_harmless_removal(toy):
    """At 50 % losing one of I1's two suppliers cuts it off; removing B alone only weakens I1."""
    assert set(simulate(toy, [EX + "A"], threshold=50).cut) == x("I1", "I2", "I3")
    assert set(simulate(toy, [EX + "A"], threshold=50).policies) == x("P1", "P2")
    res = simulate(toy, [EX + "B"])
    assert not res.cut and not res.blocked and set(res.weakened) == x("I1")
    rows = whatif(toy, [EX + "F5"])
    assert [r["id"] for r in rows if r["section_code"] == "cut"] == [EX + "I5"]
    assert set(WHATIF_COLUMNS) <= set(rows[0])


def test_toy_whatif_rejects_what_cannot_be_removed(toy):
    with pytest.raises(UsageError, match="countries, organisations or supply-chain items"):
        simulate(toy, [EX + "T1"])
    with pytest.raises(UsageError, match="not an entity"):
        simulate(toy, [EX + "Nowhere"])
    with pytest.raises(UsageError, match="threshold"):
        simulate(toy, [EX + "A"], threshold=0)


def test_toy_gap_statuses(toy):
    """The statuses, exactly."""
    status = {r["id"]: r["status_code"] for r in gaps(toy)}
    assert status == {EX + "I4": "not-addressed", EX + "I5": "not-addressed", EX + "I2": "only-indirectly",
                      EX + "I3": "only-indirectly", EX + "B2": "not-addressed", EX + "C1": "not-addressed",
                      EX + "P3": "addresses-nothing"}
    direct = {r["id"] for r in gaps(toy, indirect=False)}
    assert direct == x("I4", "I5", "B2", "C1", "P3")
    i2 = by_id(gaps(toy))[EX + "I2"]
    assert "P2 addresses B1" in i2["addressed_via"] and "needed by T1" in i2["why"]
    assert set(GAP_COLUMNS) <= set(i2)


def test_toy_chokepoints(toy):
    """F3 is I2's sole supplier and A its only country: they rank above F1/F2, whose item has two suppliers."""
    rows = chokepoints(toy)
    ids = [r["id"] for r in rows]
    assert set(ids[:3]) >= x("F3", "A") and ids.index(EX + "F3") < ids.index(EX + "F1")
    rank = by_id(rows)
    # I3 has no supplier of its own and is supplied as I2 is.
    assert rank[EX + "F3"]["concentration"] == "sole supplier of I2, I3"
    assert rank[EX + "A"]["concentration"] == "only country supplying I2, I3"
    assert rank[EX + "I2"]["concentration"] == "single supplier: F3"
    assert rank[EX + "I3"]["concentration"] == "single supplier: F3 (as I2)"
    assert rank[EX + "F1"]["concentration"] == "" and rank[EX + "I1"]["concentration"] == ""
    # I2: T1, T2 (a kind of T1) and T3 (needs I3, a kind of I2); D1 through T1; G1, G2.
    assert (rank[EX + "I2"]["technologies"], rank[EX + "I2"]["applications"], rank[EX + "I2"]["goals"]) == (3, 1, 2)
    # Removing I5 cuts F5 off the network (an articulation point); removing F5 cuts off only its country.
    assert rank[EX + "I5"]["articulation"] == "yes" and rank[EX + "F5"]["articulation"] == "no"
    assert list(rows[0]) == CHOKEPOINT_COLUMNS
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))


def test_toy_paths(toy):
    """P1 reaches country A in three steps: addresses I1, supplied by F1, based in A."""
    rows = paths(toy, EX + "P1", EX + "A", max_len=3)
    assert [(r["from"], r["relation"], r["to"]) for r in rows] == [
        ("P1", "addresses", "I1"), ("I1", "supplied by", "F1"), ("F1", "based in", "A")]
    longer = find_paths(toy, EX + "P1", EX + "A", max_len=5)
    assert [len(p) for p in longer] == sorted(len(p) for p in longer) and len(longer) >= 2
    assert any(("https://example.org/toy/T1", "ckg:dependsOn", EX + "I1") in p for p in longer)
    assert find_paths(toy, EX + "A", EX + "P1", max_len=5, directed=True) == []
    assert paths(toy, EX + "P1", EX + "A", max_len=3, lang="zh")[0]["relation"] == "针对"


# ------------------------------------------------------------------ the shipped graph: answers from the paper

def test_paper_special_fund_addresses_eda_equipment_materials_directly(g):
    """§5(一): the special fund targets high-end EDA tools, advanced process equipment and key materials."""
    fund = D + "InstrumentSpecialFund"
    targets = {v for _, v, k in g.out_edges(fund, keys=True) if k == "ckg:addresses"}
    assert {D + "HighEndEDA", D + "AdvancedProcessEquipment", D + "KeyMaterials"} <= targets
    rows = by_id(gaps(g))
    for direct in ("HighEndEDA", "AdvancedProcessEquipment", "KeyMaterials"):
        assert f"ckgd:{direct}" not in rows


def test_paper_nothing_addresses_packaging_equipment_photoresist_substrates_directly(g):
    """§3(一) and §4(二) name advanced packaging equipment, photoresist and substrates; no §5 policy addresses them.

    Advanced packaging equipment is reached by no policy at all, though the short-term roadmap goal targets it;
    photoresist and packaging substrates only through key materials and the key-materials bottleneck.
    """
    rows = by_id(gaps(g))
    # issue 14: 先进封装设备 is only a §3.1 goal's target, not something a technology depends on, so no gap
    assert "ckgd:AdvancedPackagingEquipment" not in rows
    for item in ("Photoresist", "PackagingSubstrate"):
        row = rows[f"ckgd:{item}"]
        assert row["status_code"] == "only-indirectly", item
        assert "special funds for key chiplet R&D addresses key materials" in row["addressed_via"]
        assert "low domestic production rate of key materials" in row["addressed_via"]
    direct_only = {r["id"] for r in gaps(g, indirect=False)}
    assert "ckgd:Photoresist" not in direct_only


def test_paper_international_bottlenecks_and_idle_instruments(g):
    """§4(一) geopolitics and scrutiny under the CHIPS Act: no §5 measure takes them on; three §5 instruments name
    no target (market regulation, IP protection, industry surveys)."""
    rows = by_id(gaps(g))
    for b in ("BottleneckSupplyChainStability", "BottleneckScrutiny"):
        assert rows[f"ckgd:{b}"]["status_code"] == "not-addressed"
    idle = {r["id"] for r in gaps(g) if r["status_code"] == "addresses-nothing"}
    assert {"ckgd:InstrumentMarketRegulation", "ckgd:InstrumentIPProtection", "ckgd:InstrumentIndustryResearch"} <= idle
    assert "ckgd:InstrumentSpecialFund" not in idle and "ckgd:PolicyRnD" not in idle


def test_paper_whatif_netherlands_blocks_the_7nm_goal(g):
    """§4(二): EUV equipment limits advanced chiplets; ASML (Netherlands) is its one supplier; so the §3(二) goal of
    volume production at 7 nm and below is blocked, and the §5(一) special fund is among the policies that answer."""
    res = simulate(g, [D + "Netherlands"])
    assert D + "ASML" in res.removed
    assert set(res.cut) == {D + "EUVLithography"}
    assert D + "AdvancedNodeChiplet" in res.blocked and D + "Chiplet" not in res.blocked
    assert set(res.goals) == {D + "GoalAdvancedNode"}
    assert D + "InstrumentSpecialFund" in res.policies
    counts = {en: (before, after) for en, _, before, after in res.counts}
    assert counts["roadmap goals not blocked"][0] - counts["roadmap goals not blocked"][1] == 1


def test_reasoned_whatif_counts_stated_suppliers_only():
    """Regression: on the reasoned graph ASML, inferred to supply "advanced process equipment" because it supplies
    EUV equipment (a kind of it), counted as that item's whole supply, so removing the Netherlands blocked chiplet
    technology as a whole."""
    from chiplet_kg import ChipletKG

    res = simulate(project(ChipletKG(reason=True)), [D + "Netherlands"])
    assert set(res.cut) == {D + "EUVLithography"}
    assert D + "AdvancedNodeChiplet" in res.blocked and D + "Chiplet" not in res.blocked


def test_paper_whatif_usa_leaves_domestic_eda(g):
    """§4(二) and the public sources: Synopsys, Cadence, Mentor Graphics and Ansys are US firms, and China has
    domestic EDA firms. Without the USA EDA tools lose those four and keep only Chinese suppliers; nothing is
    cut off. Counting a loss of half the suppliers as a cut, high-end EDA tools fall and with them chiplets and
    the goals that target them, which the special fund addresses."""
    res = simulate(g, [D + "USA"])
    assert not res.cut and not res.blocked
    lost, suppliers, _ = res.weakened[D + "EDATools"]
    assert {D + n for n in ("Synopsys", "Cadence", "MentorGraphics", "Ansys")} <= lost
    left = suppliers - lost
    assert left and all(D + "China" in [v for _, v, k in g.out_edges(o, keys=True) if k == "ckg:basedIn"]
                        for o in left)
    half = simulate(g, [D + "USA"], threshold=50)
    assert {D + "EDATools", D + "HighEndEDA"} <= set(half.cut)
    assert D + "Chiplet" in half.blocked and D + "GoalKeyTechnologies" in half.goals
    assert D + "InstrumentSpecialFund" in half.policies


def test_paper_chokepoints_put_the_single_source_first(g):
    """EUV equipment comes from ASML alone, in the Netherlands: those three lead the ranking."""
    rows = chokepoints(g)
    top = [r["id"] for r in rows[:3]]
    assert set(top) == {"ckgd:EUVLithography", "ckgd:ASML", "ckgd:Netherlands"}
    euv = by_id(rows)["ckgd:EUVLithography"]
    assert euv["concentration"] == "single supplier: ASML Holding" and euv["source"]
    zh = by_id(chokepoints(g, lang="zh"))["ckgd:ASML"]
    assert zh["entity"] == "阿斯麦" and "唯一供应商" in zh["concentration"]


def test_paper_paths_from_special_fund_to_the_usa(g):
    """The special fund reaches the USA through what it addresses; every step has a source and the quote."""
    rows = paths(g, D + "InstrumentSpecialFund", D + "USA", max_len=4)
    assert rows and all(r["source"] and r["evidence"] for r in rows)
    assert {r["path"] for r in rows} == set(range(1, max(r["path"] for r in rows) + 1))
    directed = find_paths(g, D + "PolicyRnD", D + "USA", max_len=6, directed=True)
    assert directed and all(step[0] != D + "USA" for p in directed for step in p)
    assert [k for _, k, _ in directed[0]][0] == "ckg:hasInstrument"


# ------------------------------------------------------------------ the CLI

def test_cli_whatif_json_and_zh():
    """The command prints W3C SPARQL JSON results; entities are found by their Chinese labels."""
    res = CliRunner().invoke(cli, ["analyze", "whatif", "--remove", "荷兰", "--format", "json", "--lang", "zh"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["head"]["vars"] == WHATIF_COLUMNS
    cut = [b["entity"]["value"] for b in doc["results"]["bindings"] if b["section"]["value"] == "断供要素"]
    assert cut == ["极紫外光刻（EUV）设备"]


def test_cli_whatif_takes_several_after_one_option():
    res = CliRunner().invoke(cli, ["analyze", "whatif", "--remove", "Netherlands", "USA", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert "ckgd:Synopsys" in res.output and "ckgd:ASML" in res.output


def test_cli_paths_gaps_chokepoints():
    run = CliRunner().invoke
    res = run(cli, ["analyze", "paths", "--from", "设立专项基金", "--to", "United States", "--max-len", "3", "--format", "md"])
    assert res.exit_code == 0 and "| path | step | from | relation | to | source | evidence |" in res.output
    res = run(cli, ["analyze", "gaps", "--format", "csv"])
    assert res.exit_code == 0 and "ckgd:Photoresist" in res.output
    res = run(cli, ["analyze", "chokepoints", "--limit", "3", "--format", "json"])
    assert res.exit_code == 0 and len(json.loads(res.output)["results"]["bindings"]) == 3


def test_cli_errors_are_one_line():
    res = CliRunner().invoke(cli, ["analyze", "whatif", "--remove", "chiplet technology"])
    assert res.exit_code == 2 and "error: what-if removes countries" in res.output
    res = CliRunner().invoke(cli, ["analyze", "paths", "--from", "Nowhereland", "--to", "USA"])
    assert res.exit_code == 2 and "no entity named 'Nowhereland'" in res.output


# ------------------------------------------------------------------ articulation cuts in one depth-first search


@pytest.mark.parametrize("seed", range(60))
def test_separations_equal_components_without_each_articulation_point(seed):
    """chokepoints' one-pass cuts (chokepoints.separations) give, for every articulation point, exactly the pieces
    networkx finds by removing it and taking connected components (random graphs, pendants and self-loops)."""
    import random

    import networkx as nx

    from chiplet_kg.analyze.chokepoints import separations

    rnd = random.Random(seed)
    n = rnd.randint(1, 50)
    und = nx.gnp_random_graph(n, rnd.uniform(0.02, 0.15), seed=seed)
    und.add_edges_from((rnd.randrange(n), n + i) for i in range(rnd.randint(0, 8)))
    und.add_edge(0, 0)
    expected = {}
    for a in nx.articulation_points(und):
        comp = nx.node_connected_component(und, a)
        expected[a] = sorted(sorted(c) for c in nx.connected_components(und.subgraph(comp - {a})))
    assert {a: sorted(sorted(p) for p in parts) for a, parts in separations(und).items()} == expected


def test_betweenness_is_exact_on_small_networks_and_sampled_repeatably_on_big_ones():
    """Up to SAMPLE_ABOVE nodes the exact betweenness; above, networkx's estimate from SAMPLE_K sources with a fixed
    seed, so two runs rank chokepoints the same."""
    import networkx as nx

    from chiplet_kg.analyze.chokepoints import SAMPLE_ABOVE, SAMPLE_K, betweenness

    small = nx.gnp_random_graph(60, 0.08, seed=1, directed=True)
    assert betweenness(small) == nx.betweenness_centrality(small, normalized=True)
    big = nx.gnp_random_graph(SAMPLE_ABOVE + 100, 3 / SAMPLE_ABOVE, seed=2, directed=True)
    first = betweenness(big)
    assert first == betweenness(big) == nx.betweenness_centrality(big, k=SAMPLE_K, normalized=True, seed=0)
    assert first != nx.betweenness_centrality(big, normalized=True)


# ------------------------------------------------------------------ an empty result says why (issue 18)

OURS_NO_ONTOLOGY = """\
@prefix ckg: <https://w3id.org/chiplet-kg/ontology/> .
@prefix ex: <https://example.org/empty/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Maker a ckg:Firm ; rdfs:label "Maker"@en .
ex:Item a ckg:Material ; rdfs:label "Item"@en ; ckg:suppliedBy ex:Maker .
ex:Alone a ckg:Firm ; rdfs:label "Alone"@en .
"""
FOREIGN = OURS_NO_ONTOLOGY.replace("ckg:Firm", "ex:Firm").replace("ckg:Material", "ex:Material") \
    .replace("ckg:suppliedBy", "ex:suppliedBy")


@pytest.fixture(scope="module")
def empties(tmp_path_factory):
    folder = tmp_path_factory.mktemp("empty")
    (folder / "ours.ttl").write_text(OURS_NO_ONTOLOGY, encoding="utf-8")
    (folder / "foreign.ttl").write_text(FOREIGN, encoding="utf-8")
    return folder


def test_why_empty_names_the_missing_ontology_and_the_foreign_namespace(empties):
    """The KG-level diagnosis: ontology left out, data in another namespace, an entity with no edges, or nothing
    missing (None: an empty result is then a real answer)."""
    from chiplet_kg.diagnose import why_empty

    chiplet = project_root() / "ontology" / "chiplet.ttl"
    bare = ChipletKG(data=(empties / "ours.ttl",), builtin=False, reason=False)
    assert "ontology is not loaded" in why_empty(bare, classes=("ckg:SupplyChainItem",))
    foreign = ChipletKG(data=(chiplet, empties / "foreign.ttl"), builtin=False, reason=False)
    cause = why_empty(foreign, classes=("ckg:SupplyChainItem",))
    assert "another namespace" in cause and "https://example.org/empty/" in cause
    ours = ChipletKG(data=(chiplet, empties / "ours.ttl"), builtin=False, reason=False)
    assert why_empty(ours, classes=("ckg:SupplyChainItem",), relations=("ckg:suppliedBy",)) is None
    assert "no relation to another entity" in why_empty(ours, focus="https://example.org/empty/Alone")
    assert "no ckg:dependsOn relation" in why_empty(ours, relations=("ckg:dependsOn",))


def test_why_empty_on_a_projection(empties):
    """The projection-level diagnosis the analyses use (they see the projection, not the files)."""
    from chiplet_kg.diagnose import why_empty

    chiplet = project_root() / "ontology" / "chiplet.ttl"
    bare = project(ChipletKG(data=(empties / "ours.ttl",), builtin=False, reason=False))
    assert "ontology is not loaded" in why_empty(bare, classes=("ckg:SupplyChainItem",))
    foreign = project(ChipletKG(data=(chiplet, empties / "foreign.ttl"), builtin=False, reason=False))
    assert "another namespace" in why_empty(foreign, classes=("ckg:SupplyChainItem",))
    ours = project(ChipletKG(data=(chiplet, empties / "ours.ttl"), builtin=False, reason=False))
    assert why_empty(ours, classes=("ckg:SupplyChainItem",), relations=("ckg:suppliedBy",)) is None
    assert "no relation" in why_empty(ours, focus="https://example.org/empty/Alone")


def test_cli_empty_analysis_says_why_on_stderr_and_still_writes(empties):
    """`--no-builtin --data` without the ontology: the chokepoints table is written (empty) and stderr says why."""
    res = CliRunner().invoke(cli, ["analyze", "chokepoints", "--no-builtin", "--data", str(empties / "ours.ttl"),
                                   "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines() == [",".join(CHOKEPOINT_COLUMNS)]
    assert "no result, because" in res.stderr and "ontology is not loaded" in res.stderr


def test_whatif_of_an_entity_without_edges_says_why(empties, capsys):
    chiplet = project_root() / "ontology" / "chiplet.ttl"
    ours = project(ChipletKG(data=(chiplet, empties / "ours.ttl"), builtin=False, reason=False))
    rows = whatif(ours, ["https://example.org/empty/Alone"])
    assert not [r for r in rows if r["section_code"] in ("cut", "weakened", "blocked")]
    assert "'Alone' has no relation to another entity" in capsys.readouterr().err

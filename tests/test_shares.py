"""Share-aware analyses: what-if by provider shares, chokepoints by concentration, shares in traces, gaps and views.

The made-up fixture tests/data/eto/shares (ETO's format, see its README) always runs; the real ETO Chip Explorer
dataset (CC BY-NC 4.0, never committed) is imported into a temporary folder when it is at
../shared/data/eto-chip-explorer or $CHIPLET_KG_ETO_DIR.
"""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from chiplet_kg import CKGD, ChipletKG
from chiplet_kg.analyze.gaps import gaps
from chiplet_kg.analyze.shares import LevelShares, concentration, level_loss
from chiplet_kg.analyze.whatif import simulate, whatif
from chiplet_kg.cli.main import cli
from chiplet_kg.errors import UsageError
from chiplet_kg.eto import import_eto
from chiplet_kg.namespace import ETO
from chiplet_kg.network import project
from chiplet_kg.views import render_view
from chiplet_kg.views.report import policy_trace_rows, report_html

from .conftest import DATA, ROOT
from .eto_copy import ETO_DIR, needs_copy

SHARES = DATA / "eto" / "shares"

E = str(ETO)
D = str(CKGD)


@pytest.fixture(scope="module")
def imported(tmp_path_factory, kg):
    """The shares fixture imported into a temporary file (never into the repository)."""
    out = tmp_path_factory.mktemp("eto-shares") / "eto-shares.ttl"
    import_eto(SHARES, out, kg=kg)
    return out


@pytest.fixture(scope="module")
def g(imported):
    return project(ChipletKG(data=(imported,)))


def rows_of(rows, section, node):
    return [r for r in rows if r["section_code"] == section and r["id"] in (node, f"eto:{node}", f"ckgd:{node}")]


def conc(rows, item, level):
    found = [r for r in rows if r["id"] == f"eto:{item}" and r["level_code"] == level]
    assert len(found) == 1, (item, level, found)
    return found[0]


# ---------------------------------------------------------------- the projection carries the records


def test_projection_keeps_unknown_shares_unknown(g):
    """An empty share in provision.csv stays None in the projection (never 0), and 0.0 is not confused with it."""
    lids = g.graph["provisions"][E + "N502"]
    assert {(r["provider"].rsplit("/", 1)[1], r["level"], r["share"]) for r in lids} == {
        ("P601", "firm", None), ("P602", "firm", None), ("P1", "country", 70.0), ("P2", "country", None)}
    assert g.edges[E + "N502", E + "P601", "ckg:suppliedBy"]["share"] is None
    assert g.edges[E + "N20", E + "P45", "ckg:suppliedFrom"]["share"] == 100.0
    assert g.edges[E + "N20", E + "P88", "ckg:suppliedBy"]["year"] == 2025


# ---------------------------------------------------------------- concentration


def test_concentration_hhi_per_level(g):
    """HHI = Σ share², per level: 100 % → 10,000; 50/30/20 → 3,800; the country level 50.5/30.5/21 → 3,921.5."""
    rows = concentration(g)
    assert conc(rows, "N20", "firm")["hhi"] == 10000.0 and conc(rows, "N20", "country")["hhi"] == 10000.0
    firm, country = conc(rows, "N501", "firm"), conc(rows, "N501", "country")
    assert (firm["hhi"], firm["top_share"], firm["known_total"], firm["providers_known"]) == (3800.0, 50.0, 100.0, 3)
    assert firm["top_provider"] == "Boxmaker"
    assert (country["hhi"], country["top_share"], country["known_total"]) == (3921.5, 50.5, 102.0)
    assert "102 %" in country["note"] and "rounding" in country["note"]
    assert rows[0]["hhi"] == 10000.0 and [r["rank"] for r in rows] == list(range(1, len(rows) + 1))


def test_concentration_never_counts_unknown_as_zero(g):
    """Unknown shares are left out of the index and counted apart; a level with none known has no index at all."""
    rows = concentration(g)
    firm = conc(rows, "N502", "firm")
    assert firm["hhi"] == "" and firm["top_share"] == "" and (firm["providers_known"], firm["providers_unknown"]) == (0, 2)
    assert "no share known" in firm["note"]
    country = conc(rows, "N502", "country")
    assert (country["hhi"], country["providers_known"], country["providers_unknown"]) == (4900.0, 1, 1)
    assert "lower bound" in country["note"] and "China (ETO)" in country["note"]
    # levels without any known share come last
    assert [r["hhi"] == "" for r in rows] == sorted(r["hhi"] == "" for r in rows)


def test_concentration_levels_apart(g):
    """--level firm / country keep only that level; the two are never added together."""
    firm = concentration(g, level="firm")
    country = concentration(g, level="country")
    assert {r["level_code"] for r in firm} == {"firm"} and {r["level_code"] for r in country} == {"country"}
    assert len(firm) + len(country) == len(concentration(g))
    assert all(r["known_total"] == "" or r["known_total"] <= 102.0 for r in firm + country)
    with pytest.raises(UsageError, match="firm or country"):
        concentration(g, level="region")


# ---------------------------------------------------------------- level_loss on its own


def _level(*shares, level="firm"):
    return LevelShares("item", level, {f"p{i}": {"provider": f"p{i}", "share": s, "year": 2025, "source": ""}
                                       for i, s in enumerate(shares)})


@pytest.mark.parametrize("shares, gone, threshold, status, lost", [
    ((50.0, 30.0, 20.0), {"p0"}, 50, "at-risk", 50.0),            # exactly at the threshold
    ((50.0, 30.0, 20.0), {"p0"}, 50.1, "weakened", 50.0),         # just below it
    ((50.0, 30.0, 20.0), {"p0", "p1"}, 80, "at-risk", 80.0),
    ((50.0, 30.0, 20.0), {"p0", "p1", "p2"}, 100, "blocked", 100.0),
    ((50.5, 30.5, 21.0), {"p0", "p1", "p2"}, 100, "blocked", 100.0),  # 102 % in the source: clamped
    ((50.5, 30.5, 21.0), {"p0", "p1"}, 81, "at-risk", 81.0),
    ((90.0,), {"p0"}, 80, "at-risk", 90.0),                       # the rest comes from providers not listed
    ((99.9,), {"p0"}, 80, "blocked", 99.9),                       # a whole market given to one decimal
    ((70.0, None), {"p1"}, 10, "weakened", 0.0),                  # an unknown share is not taken as a known one
    ((70.0, None), {"p0", "p1"}, 100, "blocked", 70.0),           # all gone, the unknown one may hold the rest
    ((None, None), {"p0"}, 50, "at-risk", 50.0),                  # no share known: counted by providers
    ((None, None), {"p0"}, 60, "weakened", 50.0),
])
def test_level_loss_boundaries(shares, gone, threshold, status, lost):
    loss = level_loss(_level(*shares), gone, threshold)
    assert (loss.status, round(loss.lost, 6)) == (status, lost)
    assert loss.rule == ("count" if all(s is None for s in shares) else "shares")


def test_level_loss_flags_clamping_and_ignores_others():
    assert level_loss(_level(50.5, 30.5, 21.0), {"p0", "p1", "p2"}, 100).clamped
    assert not level_loss(_level(50.0, 50.0), {"p0", "p1"}, 100).clamped
    assert level_loss(_level(50.0, 50.0), {"elsewhere"}, 10) is None


# ---------------------------------------------------------------- what-if by shares


@pytest.mark.parametrize("remove, threshold, status", [
    (["P601"], 50, "at-risk"), (["P601"], 50.1, None), (["P601", "P602"], 80, "at-risk"),
    (["P601", "P602", "P603"], 100, "blocked"), (["P601", "P602", "P603"], 1, "blocked"),
])
def test_whatif_threshold_boundaries(g, remove, threshold, status):
    """Boxing machines (firm shares 50/30/20): at risk from the threshold on, blocked when all of it goes."""
    res = simulate(g, [E + p for p in remove], threshold=threshold)
    assert res.status.get(E + "N501") == status
    assert (E + "N501" in res.cut) == (status is not None)
    if status is None:
        assert E + "N501" in res.weakened


def test_whatif_levels_are_judged_apart(g):
    """Removing China (ETO) takes 30 % at firm level (Cratefirm) and 30.5 % at country level: two losses, not 60.5."""
    res = simulate(g, [E + "P2"], threshold=30.5)
    losses = {loss.level: (loss.lost, loss.status) for loss in res.losses[E + "N501"]}
    assert losses == {"firm": (30.0, "weakened"), "country": (30.5, "at-risk")}
    assert res.status[E + "N501"] == "at-risk"
    rows = rows_of(whatif(g, [E + "P2"], threshold=30.5), "risk", "N501")
    assert [r["level"] for r in rows] == ["country"] and rows[0]["share_lost"] == 30.5
    weak = rows_of(whatif(g, [E + "P2"], threshold=30.5), "weakened", "N501")
    assert [(r["level"], r["share_lost"]) for r in weak] == [("firm", 30.0)]


def test_whatif_country_sum_over_100_is_tolerated(g):
    """Country shares adding up to 102 % (rounding in a source): removing all of them blocks, counted as 100 %."""
    res = simulate(g, [E + "P1", E + "P2", E + "P7"], threshold=100)
    country = next(loss for loss in res.losses[E + "N501"] if loss.level == "country")
    assert (country.lost, country.status, country.clamped, country.total) == (100.0, "blocked", True, 102.0)
    rows = rows_of(whatif(g, [E + "P1", E + "P2", E + "P7"]), "cut", "N501")
    assert any("102 %" in r["why"] and "counted as 100 %" in r["why"] for r in rows)


def test_whatif_unknown_shares_fall_back_to_counting_and_say_so(g):
    """Lids have no known firm share: the firm level counts providers (1 of 2 = 50 %) and the row says so."""
    res = simulate(g, [E + "P601"], threshold=50)
    (loss,) = res.losses[E + "N502"]
    assert (loss.level, loss.rule, loss.lost, loss.status) == ("firm", "count", 50.0, "at-risk")
    (row,) = rows_of(whatif(g, [E + "P601"], threshold=50), "risk", "N502")
    assert "no share known, counted by providers" in row["why"] and row["share_lost"] == ""
    assert (row["before"], row["after"]) == (2, 1)


def test_whatif_items_without_shares_are_counted_by_suppliers_and_say_so(g):
    """With shares loaded, our own items (no provision records) are still judged by their number of suppliers."""
    rows = whatif(g, [D + "Netherlands"], threshold=50)
    (litho,) = rows_of(rows, "risk", "LithographyEquipment")
    assert "no share data: counted by suppliers" in litho["why"] and litho["level"] == "suppliers"


def test_whatif_known_shares_below_100_are_at_risk_not_blocked(g):
    """Japan holds 90 % of the coatings (country level): at risk at 80 %, not blocked, even with every listed country
    gone; our photoresist (skos:exactMatch) is at risk with it, and what needs it in turn."""
    res = simulate(g, [E + "P7"], threshold=80)
    assert res.status[E + "N31"] == "at-risk"
    assert res.status[D + "Photoresist"] == "at-risk"
    assert res.blocked[D + "Photoresist"] == ("exact", E + "N31")
    assert res.status[E + "N2"] == "at-risk"              # N31 goes into N2
    assert res.status[D + "AdvancedNodeChiplet"] == "at-risk"
    assert simulate(g, [E + "P7"], threshold=95).status.get(E + "N31") is None


def test_whatif_netherlands_blocks_euv_and_the_7nm_goal(g):
    """Removing the Netherlands (ETO) removes ours too (skos:exactMatch) and ASML with it; N20 is blocked at both
    levels, what it goes into is blocked, and so are 7 nm chiplets and the paper's roadmap goal for them."""
    res = simulate(g, [E + "P45"])
    assert {D + "Netherlands", D + "ASML", E + "P88"} <= set(res.removed)
    assert res.status[E + "N20"] == "blocked"
    assert {loss.level: loss.status for loss in res.losses[E + "N20"]} == {"firm": "blocked", "country": "blocked"}
    assert res.status[E + "N2"] == res.status[E + "N99"] == "blocked"
    assert res.blocked[E + "N2"] == ("needs", E + "N20")
    assert res.status[D + "AdvancedNodeChiplet"] == "blocked"
    assert D + "GoalAdvancedNode" in res.goals and res.status[D + "GoalAdvancedNode"] == "blocked"
    rows = whatif(g, [E + "P45"])
    cut = rows_of(rows, "cut", "N20")
    assert {(r["level"], r["share_lost"], r["year"]) for r in cut} == {("firm", 100.0, "2025"), ("country", 100.0, "2025")}
    assert all("Made-up analysis (2025)." in r["source"] for r in cut)
    assert rows_of(rows, "goal", "GoalAdvancedNode")


LINKED = """\
@prefix ckg: <https://w3id.org/chiplet-kg/ontology/> .
@prefix ex: <https://example.org/linked/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ex:Ours a ckg:CountryOrRegion ; rdfs:label "Ours"@en .
ex:Theirs a ckg:CountryOrRegion ; rdfs:label "Theirs"@en ; skos:exactMatch ex:Ours .
ex:TheirFirm a ckg:Firm ; rdfs:label "TheirFirm"@en ; ckg:basedIn ex:Theirs .
ex:OurFirm a ckg:Firm ; rdfs:label "OurFirm"@en ; skos:exactMatch ex:TheirFirm .
ex:Near a ckg:Firm ; rdfs:label "Near"@en ; skos:closeMatch ex:TheirFirm .
ex:Item a ckg:Material ; rdfs:label "Item"@en ; ckg:suppliedBy ex:OurFirm .
"""


def test_whatif_removal_follows_same_as_and_based_in_to_a_fixpoint(tmp_path):
    """Removing our country removes the one it is the same as, the firm based there, and our firm that is the same
    as that one (though our graph gives it no country); an overlapping firm (closeMatch) stays."""
    path = tmp_path / "linked.ttl"
    path.write_text(LINKED, encoding="utf-8")
    lg = project(ChipletKG(data=(ROOT / "ontology" / "chiplet.ttl", path), builtin=False))
    ex = "https://example.org/linked/"
    res = simulate(lg, [ex + "Ours"])
    assert res.removed == {ex + "Ours": ex + "Ours", ex + "Theirs": ex + "Ours", ex + "TheirFirm": ex + "Theirs",
                           ex + "OurFirm": ex + "TheirFirm"}
    assert res.status[ex + "Item"] == "blocked"


def test_whatif_without_share_data_is_unchanged(kg):
    """On the shipped graph (no provision records) the what-if still counts suppliers, with no share columns filled."""
    rows = whatif(project(kg), [D + "Netherlands"])
    assert [r["id"] for r in rows if r["section_code"] == "cut"] == ["ckgd:EUVLithography"]
    assert all(r["level"] == "" and r["share_lost"] == "" for r in rows)


# ---------------------------------------------------------------- traces, gaps, report, views


def test_gaps_and_policy_trace_show_measured_shares(g):
    """The gap report and the report's policy trace name the measured top shares behind our items."""
    euv = next(r for r in gaps(g) if r["id"] == "ckgd:EUVLithography")
    assert euv["measured_shares"] == ("= Extreme light printers: Lensmaker 100 % (2025), firm level; "
                                      "Netherlands (ETO) 100 % (2025), country level")
    trace = [r for r in policy_trace_rows(g) if r["item"] == "EUV lithography equipment"]
    assert trace and all("Lensmaker 100 % (2025)" in r["measured_shares"] for r in trace)


def test_policy_trace_query_reaches_shares(imported):
    """queries/policy-trace.rq: our supplier with its measured share, and the matched ETO item's providers."""
    kg = ChipletKG(data=(imported,))
    rows = list(kg.query("policy-trace", lang="en", policy="ckgd:InstrumentSpecialFund"))
    euv = {(str(r["supplier"]), r.get("supplierOf") and str(r["supplierOf"]), r.get("level") and str(r["level"]),
            r.get("share") and float(r["share"])) for r in rows if str(r["item"]) == D + "EUVLithography"}
    assert (D + "ASML", "item", "firm", 100.0) in euv
    assert (E + "P88", "matched item", "firm", 100.0) in euv and (E + "P45", "matched item", "country", 100.0) in euv


def test_report_and_views_show_shares_as_text(g):
    """Shares appear on supplied-by edges; a source note with markup stays text in the page and the report."""
    assert "supplied by 100 % (2025)" in render_view(g, "supply-chain")
    page = render_view(g, "overview")
    assert "supplied from 90 % (2019)" in page          # the country-level edge of the coatings
    assert "<script>alert(1)" not in page
    assert '\\u003cscript\\u003ealert(1)\\u003c/script\\u003e \\u0026 \\"notes\\" (2019)' in page
    report = report_html(g)
    assert "measured_shares" in report and "Lensmaker 100 % (2025)" in report
    assert "<script>alert(1)" not in report
    whatif_page = render_view(g, "whatif", remove=[E + "P7"], threshold=80)
    assert "at risk (the removed providers held at least the threshold)" in whatif_page


# ---------------------------------------------------------------- unnamed providers (aggregates)


def test_concentration_counts_named_providers_and_reports_unnamed_beside(g):
    """Sanders (N504): firm level Boxmaker 60, Cratefirm unknown, "Various companies" 25 → HHI 60² = 3,600 over the
    named providers, 25 % unnamed beside it; country level USA 60, China 15, "Various countries" 25 → 60² + 15² =
    3,825. Milling tools (N503), held 100 % by unnamed providers, has no index (it was 10,000) and no top provider."""
    rows = concentration(g)
    firm, country = conc(rows, "N504", "firm"), conc(rows, "N504", "country")
    assert (firm["hhi"], firm["top_provider"], firm["top_share"], firm["unnamed_share"], firm["known_total"]) == \
        (3600.0, "Boxmaker", 60.0, 25.0, 85.0)
    assert (firm["providers_known"], firm["providers_unknown"]) == (1, 1)
    assert (country["hhi"], country["unnamed_share"], country["known_total"], country["providers_known"]) == \
        (3825.0, 25.0, 100.0, 2)
    assert "Various companies" in firm["note"] and "named providers only" in firm["note"]
    for level in ("firm", "country"):
        milling = conc(rows, "N503", level)
        assert (milling["hhi"], milling["top_provider"], milling["unnamed_share"]) == ("", "", 100.0)
        assert "no named provider" in milling["note"]
    assert not {r["top_provider"] for r in rows} & {"Various companies", "Various countries"}
    # levels without an index still come last
    assert [r["hhi"] == "" for r in rows] == sorted(r["hhi"] == "" for r in rows)


def test_aggregate_is_never_a_chokepoint_nor_makes_one(g):
    """No chokepoint row names an aggregate, and an item held by unnamed providers is not single-source."""
    from chiplet_kg.analyze.chokepoints import chokepoints

    rows = chokepoints(g)
    assert not {r["id"] for r in rows} & {"eto:P370", "eto:P5"}
    assert not [r for r in rows if "Various" in r["concentration"] or "Various" in r["why"]]
    assert not [r for r in rows if r["id"] in ("eto:N503", "eto:N504") and r["concentration"]]


def test_whatif_neither_removes_nor_counts_the_aggregate(g):
    """Removing the USA and China takes every named provider of Sanders (N504), but the unnamed 25 % stays at both
    levels: at risk, never blocked; the aggregate is not removed, not lost and not counted among the providers."""
    res = simulate(g, [E + "P1", E + "P2"], threshold=50)
    assert not {E + "P370", E + "P5"} & set(res.removed)
    assert res.status[E + "N504"] == "at-risk"
    losses = {loss.level: loss for loss in res.losses[E + "N504"]}
    assert (losses["firm"].lost, losses["firm"].status, losses["firm"].providers) == (60.0, "at-risk", 2)
    assert (losses["country"].lost, losses["country"].status, losses["country"].providers) == (75.0, "at-risk", 2)
    assert all(r["provider"] not in (E + "P370", E + "P5") for loss in losses.values() for r in loss.removed)
    rows = rows_of(whatif(g, [E + "P1", E + "P2"], threshold=50), "risk", "N504")
    assert len(rows) == 2 and all("unnamed providers hold 25 % and stay" in r["why"] for r in rows)
    # before: the known shares, unnamed included (firm 60 + 25, country 60 + 15 + 25); after: what stays
    assert {(r["level"], r["before"], r["after"]) for r in rows} == {("firm", 85.0, 25.0), ("country", 100.0, 25.0)}
    assert E + "N503" not in res.cut and E + "N503" not in res.weakened


@pytest.mark.parametrize("node", ["P370", "P5"])
def test_whatif_refuses_to_remove_an_aggregate(g, node):
    with pytest.raises(UsageError, match="not one entity that can be cut off"):
        simulate(g, [E + node])


AGGREGATE = """\
@prefix ckg: <https://w3id.org/chiplet-kg/ontology/> .
@prefix ex: <https://example.org/agg/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Home a ckg:CountryOrRegion ; rdfs:label "Home"@en .
ex:Maker a ckg:Firm ; rdfs:label "Maker"@en ; ckg:basedIn ex:Home .
ex:Others a ckg:AggregateProvider ; rdfs:label "Other makers"@en .
ex:Tech a ckg:Technology ; rdfs:label "Tech"@en ; ckg:dependsOn ex:Item .
ex:Item a ckg:Material ; rdfs:label "Item"@en ; ckg:suppliedBy ex:Maker , ex:Others .
"""


def test_user_declared_aggregate_is_read_the_same_way(tmp_path):
    """An aggregate in the user's own data (typed ckg:AggregateProvider, no shares): the item it supplies with one
    firm is not single-source or single-country, losing that firm puts it at risk but does not block it, and the
    aggregate cannot be removed."""
    from chiplet_kg.analyze.chokepoints import chokepoints

    path = tmp_path / "agg.ttl"
    path.write_text(AGGREGATE, encoding="utf-8")
    ag = project(ChipletKG(data=(ROOT / "ontology" / "chiplet.ttl", ROOT / "ontology" / "eto.ttl", path),
                           builtin=False))
    ex = "https://example.org/agg/"
    rows = {r["entity"]: r for r in chokepoints(ag)}
    assert rows["Item"]["concentration"] == "" and "Other makers" not in rows
    assert rows.get("Maker", {}).get("concentration", "") == ""
    assert rows.get("Home", {}).get("concentration", "") == ""
    for removed in ("Maker", "Home"):  # every named supplier gone: at risk, never blocked
        res = simulate(ag, [ex + removed])
        assert res.status[ex + "Item"] == res.status[ex + "Tech"] == "at-risk"
    (row,) = rows_of(whatif(ag, [ex + "Maker"]), "risk", ex + "Item")
    assert "unnamed providers (an aggregate) also supply it" in row["why"] and "Other makers" not in row["why"]
    with pytest.raises(UsageError, match="not one entity that can be cut off"):
        simulate(ag, [ex + "Others"])


# ---------------------------------------------------------------- the command line


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_whatif_threshold(imported):
    result = invoke("analyze", "whatif", "--remove", "Boxmaker", "--threshold", "50", "--data", str(imported),
                    "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]["bindings"]
    risk = [r for r in rows if r["id"]["value"] == "eto:N501" and r["section"]["value"] == "item at risk"]
    assert risk and risk[0]["share_lost"]["value"] == "50.0" and risk[0]["level"]["value"] == "firm"


@pytest.mark.parametrize("threshold", ["0", "100.5", "-3", "half"])
def test_cli_whatif_bad_threshold_is_a_usage_error(threshold):
    result = CliRunner().invoke(cli, ["analyze", "whatif", "--remove", "Netherlands", "--threshold", threshold])
    assert result.exit_code == 2 and "--threshold" in result.output and "Traceback" not in result.output


def test_cli_whatif_unknown_entity_lists_close_matches(imported):
    result = CliRunner().invoke(cli, ["analyze", "whatif", "--remove", "Boxmakr", "--data", str(imported)])
    assert result.exit_code == 2
    assert "no entity named 'Boxmakr'" in result.output and "did you mean" in result.output and "Boxmaker" in result.output


def test_cli_whatif_refuses_an_aggregate_clearly(imported):
    result = CliRunner().invoke(cli, ["analyze", "whatif", "--remove", "Various companies", "--data", str(imported)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "not one entity that can be cut off" in result.output


def test_cli_chokepoints_by_concentration(imported):
    result = invoke("analyze", "chokepoints", "--by", "concentration", "--level", "country", "--data", str(imported),
                    "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.output.splitlines()))
    assert {r["level"] for r in rows} == {"country level"}
    assert rows[0]["hhi"] == "10000.0" and {r["id"] for r in rows} >= {"eto:N20", "eto:N501", "eto:N502", "eto:N31"}


@pytest.mark.parametrize("args, message", [
    (["--by", "concentration"], "needs measured provider shares"),
    (["--level", "firm"], "--level applies only to --by concentration"),
    (["--by", "concentration", "--level", "region"], "'region' is not one of"),
])
def test_cli_chokepoints_errors(args, message):
    result = CliRunner().invoke(cli, ["analyze", "chokepoints", *args])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_cli_gaps_column_only_with_shares(imported):
    plain = invoke("analyze", "gaps", "--format", "csv")
    merged = invoke("analyze", "gaps", "--format", "csv", "--data", str(imported))
    assert "measured_shares" not in plain.output.splitlines()[0]
    assert "measured_shares" in merged.output.splitlines()[0]


def test_build_data_merges_the_imported_file(imported, tmp_path):
    """`build --data eto.ttl`: the report and views of the build show the measured shares."""
    out = tmp_path / "build"
    result = invoke("build", "--out", str(out), "--data", str(imported), "--no-owl", "--no-reason")
    assert result.exit_code == 0, result.output
    assert "Lensmaker 100 % (2025)" in (out / "report.html").read_text(encoding="utf-8")
    assert "supplied by 100 % (2025)" in (out / "view-supply-chain.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the real dataset, where the user has it


@pytest.fixture(scope="module")
def real(tmp_path_factory, kg):
    out = tmp_path_factory.mktemp("eto-real-shares") / "eto.ttl"
    import_eto(ETO_DIR, out, kg=kg)
    merged = ChipletKG(data=(out,))
    return merged, project(merged)


@needs_copy
def test_real_asml_euv_concentration(real):
    """ASML holds 100 % of EUV lithography tools (N20, 2025): HHI 10,000 at firm level."""
    _, g = real
    row = conc(concentration(g, level="firm"), "N20", "firm")
    assert (row["hhi"], row["top_provider"], row["top_share"], row["year"]) == (10000.0, "ASML (ETO)", 100.0, 2025)


@needs_copy
def test_real_netherlands_blocks_euv_and_the_7nm_goal(real):
    """Removing the Netherlands blocks EUV lithography tools (N20) at both levels, 7 nm chiplets and the roadmap
    goal for 7 nm-and-below chiplets."""
    kg, g = real
    res = simulate(g, [str(kg.find("Netherlands"))], threshold=100)
    assert res.status[E + "N20"] == "blocked"
    assert {loss.level: (loss.lost, loss.status) for loss in res.losses[E + "N20"]} == {
        "firm": (100.0, "blocked"), "country": (100.0, "blocked")}
    assert res.status[D + "AdvancedNodeChiplet"] == "blocked"
    assert res.status[D + "GoalAdvancedNode"] == "blocked"


@needs_copy
def test_real_projection_has_every_provision_row(real):
    """Every provision row of the CSV reaches the projection's records, shares unknown where the CSV is empty."""
    _, g = real
    with open(ETO_DIR / "provision.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    records = [r for recs in g.graph["provisions"].values() for r in recs]
    assert len(records) == len(rows)
    assert sum(r["share"] is None for r in records) == sum(not row["share_provided"].strip() for row in rows)


@needs_copy
def test_real_country_sums_stay_within_rounding(real):
    """Known shares of one level add up to at most 102 % (ETO rounds), never to a firm + country double count."""
    _, g = real
    totals = [r["known_total"] for r in concentration(g) if r["known_total"] != ""]
    assert totals and max(totals) <= 102.0


@needs_copy
def test_real_aggregates_are_not_concentration(real):
    """Ion milling tools (N52), held 100 % by "Various companies" and "Various countries", is no longer at HHI 10,000,
    and no aggregate is a top provider or a chokepoint."""
    from chiplet_kg.analyze.chokepoints import chokepoints

    _, g = real
    rows = concentration(g)
    for level in ("firm", "country"):
        milling = conc(rows, "N52", level)
        assert milling["hhi"] == "" and milling["unnamed_share"] == 100.0
    assert not {r["top_provider"] for r in rows} & {"Various companies", "Various countries"}
    assert not [r for r in rows if r["hhi"] == 10000.0 and r["unnamed_share"] != ""]
    points = chokepoints(g)
    assert not {r["id"] for r in points} & {"eto:P370", "eto:P5"}
    assert not [r for r in points if "Various" in r["concentration"]]

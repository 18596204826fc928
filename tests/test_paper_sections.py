"""Section by section of the seed paper: its entities and key relations are in the graph.

The expectations are written from the paper (/work/shared/seed/000_*.txt), not from the data files:
entities are looked up by the Chinese words the paper uses, and each test's docstring names the sentence
it checks. Class membership follows rdfs:subClassOf; the transitive properties the ontology declares
(ckg:hasPart, ckg:isTypeOf, ckg:dependsOn, ckg:precedes) are followed as paths, and so is
ckg:usesTechnology ⊑ ckg:dependsOn and ckg:hasInstrument ⊑ ckg:hasPart; nothing else is inferred.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from chiplet_kg import CKG
from chiplet_kg.namespace import PREFIXES


# ---------------------------------------------------------------- helpers

def _ask(kg, query: str, **bindings) -> bool:
    return bool(kg.graph.query("ASK { " + query + " }", initNs=PREFIXES, initBindings=bindings).askAnswer)


def _select(kg, query: str, **bindings) -> list:
    return list(kg.graph.query(query, initNs=PREFIXES, initBindings=bindings))


def is_a(kg, x: URIRef, cls: URIRef) -> bool:
    """``x`` is an instance of ``cls`` or of one of its subclasses."""
    return _ask(kg, "?x a/rdfs:subClassOf* ?c", x=x, c=cls)


def reaches(kg, s: URIRef, path: str, o: URIRef) -> bool:
    """``s path o`` holds for a SPARQL property path (used only for the transitive properties)."""
    return _ask(kg, f"?s {path} ?o", s=s, o=o)


DEPENDS = "(ckg:dependsOn|ckg:usesTechnology)+"
PART = "(ckg:hasPart|ckg:hasInstrument)+"


def zh_label(kg, x: URIRef) -> str:
    return " ".join(str(lab) for lab in kg.graph.objects(x, RDFS.label) if lab.language == "zh")


@pytest.fixture(scope="module")
def chiplet(kg):
    return kg.find("Chiplet")


# ================================================================ 引言

def test_intro_chiplet_is_an_integration_approach(kg, chiplet):
    """引言: "Chiplet 技术作为一种创新的芯片集成方式" — Chiplet is an integration approach (a technology)."""
    assert is_a(kg, chiplet, CKG.IntegrationApproach)


def test_intro_chiplet_interconnects_with_advanced_packaging(kg, chiplet):
    """引言: "再利用先进封装技术实现互连" — Chiplet uses advanced packaging technology."""
    assert (chiplet, CKG.usesTechnology, kg.find("先进封装技术")) in kg.graph


def test_intro_moores_law_leads_to_rising_cost_and_development_time(kg, chiplet):
    """引言: "摩尔定律逐渐逼近物理极限，芯片制造面临成本攀升、研发周期延长等挑战" — and chiplets "有效降低成本…缩短研发周期"."""
    moore = kg.find("摩尔定律逐渐逼近物理极限")
    assert is_a(kg, moore, CKG.Condition)
    for challenge, advantage in (("成本攀升", "成本控制"), ("研发周期延长", "缩短研发周期")):
        c = kg.find(challenge)
        assert is_a(kg, c, CKG.Challenge)
        assert (moore, CKG.leadsTo, c) in kg.graph
        # a reader following the labels finds chiplets' answer: an advantage of chiplets counters the challenge
        assert _ask(kg, "?t ckg:hasAdvantage ?a . ?a ckg:counters ?c", t=chiplet, c=c), challenge
        assert (kg.find(advantage), CKG.counters, c) in kg.graph
    assert (chiplet, CKG.counters, moore) in kg.graph


@pytest.mark.parametrize("cause", ["研发投入少", "技术水平低", "产业结构不合理"])
def test_intro_why_china_sits_at_the_low_to_middle_end(kg, cause):
    """引言: "由于研发投入少、技术水平低、产业结构不合理，一直处于全球价值链中低端，在高端芯片技术方面仍面临诸多挑战"."""
    c = kg.find(cause)
    assert is_a(kg, c, CKG.Condition)
    assert (c, CKG.leadsTo, kg.find("处于全球价值链中低端")) in kg.graph
    assert (c, CKG.leadsTo, kg.find("在高端芯片技术方面仍面临诸多挑战")) in kg.graph


# ================================================================ §1.1 技术原理

@pytest.mark.parametrize("name, cls", [
    ("硅通孔", CKG.InterconnectTechnology),
    ("微凸块", CKG.InterconnectTechnology),
    ("2.5D 封装", CKG.PackagingArchitecture),
    ("3D 封装", CKG.PackagingArchitecture),
])
def test_1_1_chiplet_uses_interconnect_and_packaging(kg, chiplet, name, cls):
    """§1.1: "通过先进的互连技术（如硅通孔 TSV、微凸块等）与封装技术（如 2.5D、3D 封装）进行系统集成"."""
    tech = kg.find(name)
    assert is_a(kg, tech, cls), (name, cls)
    assert (chiplet, CKG.usesTechnology, tech) in kg.graph, name


def test_1_1_overall_performance(kg, chiplet):
    """§1.1: "这种模块化设计打破了传统单芯片集成的限制…提升了芯片设计的灵活性与整体性能" — advantages over the SoC."""
    perf = kg.find("整体性能")
    assert is_a(kg, perf, CKG.Advantage)
    assert (chiplet, CKG.hasAdvantage, perf) in kg.graph
    assert (perf, CKG.comparedWith, kg.find("SoC")) in kg.graph


def test_1_1_tsv_abbreviation_names_the_same_entity(kg):
    """§1.1: "硅通孔 TSV" — the paper's Chinese name and its abbreviation name one entity."""
    assert kg.find("TSV") == kg.find("硅通孔")


# ================================================================ §1.2 技术优势

@pytest.mark.parametrize("advantage", ["成本控制", "设计灵活性", "良率提升"])
def test_1_2_advantages_over_soc(kg, chiplet, advantage):
    """§1.2: "与传统 SoC 芯片相比，Chiplet 技术优势显著。在成本控制上…设计灵活性方面…良率提升上"."""
    adv = kg.find(advantage)
    assert is_a(kg, adv, CKG.Advantage)
    assert (chiplet, CKG.hasAdvantage, adv) in kg.graph
    assert (adv, CKG.comparedWith, kg.find("SoC")) in kg.graph


def test_1_2_soc_is_an_integration_approach(kg):
    """§1.2: "与传统 SoC 芯片相比" — the monolithic SoC is the alternative integration approach."""
    assert is_a(kg, kg.find("SoC"), CKG.IntegrationApproach)


def test_1_2_mature_process(kg):
    """§1.2: "部分对制程要求较低的模块可采用成熟工艺制造，降低整体成本" — mature process is a process technology."""
    assert is_a(kg, kg.find("成熟工艺"), CKG.ProcessTechnology)


# ================================================================ §2.1 技术研发进展

@pytest.mark.parametrize("name", ["硅通孔", "RDL"])
def test_2_1_key_technologies_tsv_and_rdl(kg, name):
    """§2.1: "在关键技术如 TSV、RDL（重分布层）等取得一定突破" — both are interconnect technologies."""
    assert is_a(kg, kg.find(name), CKG.InterconnectTechnology)


@pytest.mark.parametrize("name", ["硅通孔", "RDL"])
def test_2_1_domestic_breakthroughs(kg, chiplet, name):
    """§2.1: "中国科研机构与企业在 Chiplet 技术研发方面积极投入，在关键技术如 TSV、RDL（重分布层）等取得一定突破" — a
    Chinese group made breakthroughs in each, and each is a key technology chiplets use (RDL had no relation at all)."""
    tech = kg.find(name)
    group = kg.find("中国科研机构与企业")
    assert is_a(kg, group, CKG.ActorGroup)
    assert (group, CKG.basedIn, kg.find("中国")) in kg.graph
    assert (group, CKG.achievedBreakthroughIn, tech) in kg.graph
    assert (chiplet, CKG.usesTechnology, tech) in kg.graph


def test_2_1_rdl_chinese_name(kg):
    """§2.1: "RDL（重分布层）" — the abbreviation and the Chinese name name one entity."""
    assert kg.find("重分布层") == kg.find("RDL")


def test_2_1_jcet_xdfoi(kg):
    """§2.1: "部分企业已具备量产能力，如长电科技的 XDFOI™技术" — a packaging platform developed by JCET."""
    jcet, xdfoi = kg.find("长电科技"), kg.find("XDFOI")
    assert is_a(kg, jcet, CKG.Firm)
    assert is_a(kg, xdfoi, CKG.PackagingPlatform)
    assert (xdfoi, CKG.developedBy, jcet) in kg.graph


def test_2_1_xdfoi_is_not_a_kind_of_chiplet(kg, chiplet):
    """Regression (issue 14): XDFOI™ was typed as a kind of chiplet; it is JCET's platform that realises chiplet
    integration — §2.1 "长电科技的 XDFOI™技术，能实现多种异构芯片的高效集成"."""
    xdfoi = kg.find("XDFOI")
    assert not reaches(kg, xdfoi, "ckg:isTypeOf+", chiplet)
    assert (xdfoi, CKG.realises, chiplet) in kg.graph


def test_2_1_xdfoi_realises_heterogeneous_integration(kg):
    """§2.1: XDFOI™ "能实现多种异构芯片的高效集成" — heterogeneous integration is an integration approach it realises."""
    het = kg.find("异构集成")
    assert is_a(kg, het, CKG.IntegrationApproach)
    assert (kg.find("XDFOI"), CKG.realises, het) in kg.graph


def test_2_1_jcet_is_chinese(kg):
    """§2.1: "中国科研机构与企业…如长电科技" — JCET is based in China."""
    assert (kg.find("长电科技"), CKG.basedIn, kg.find("中国")) in kg.graph


@pytest.mark.parametrize("domain", ["高性能计算", "人工智能"])
def test_2_1_xdfoi_application_potential(kg, domain):
    """§2.1: XDFOI "在高性能计算、人工智能等领域展现出应用潜力"."""
    assert (kg.find("XDFOI"), CKG.appliedIn, kg.find(domain)) in kg.graph


@pytest.mark.parametrize("name, cls", [
    ("高端 EDA 工具", CKG.DesignTool),
    ("先进制程设备", CKG.ProcessEquipment),
    ("关键材料", CKG.Material),
])
def test_2_1_core_gaps_are_supply_chain_items(kg, name, cls):
    """§2.1: "在高端 EDA 工具、先进制程设备以及部分关键材料等核心技术环节，仍与国际先进水平存在差距"."""
    assert is_a(kg, kg.find(name), cls)


@pytest.mark.parametrize("name", ["高端 EDA 工具", "先进制程设备", "关键材料"])
def test_2_1_chiplet_depends_on_core_gaps(kg, chiplet, name):
    """§2.1: "依赖进口的现状制约着技术的快速发展" — Chiplet depends (directly or transitively) on each gap."""
    assert reaches(kg, chiplet, DEPENDS, kg.find(name))


# ================================================================ §2.2 市场应用情况

@pytest.mark.parametrize("domain", ["高性能计算", "数据中心", "5G 通信", "物联网", "汽车电子"])
def test_2_2_application_domains(kg, chiplet, domain):
    """§2.2: "从最初的高性能计算、数据中心，逐步延伸至 5G 通信、物联网、汽车电子等领域"."""
    d = kg.find(domain)
    assert is_a(kg, d, CKG.ApplicationDomain)
    assert (chiplet, CKG.appliedIn, d) in kg.graph


@pytest.mark.parametrize("firm", ["华为", "寒武纪"])
def test_2_2_firms_apply_chiplets_in_hpc(kg, chiplet, firm):
    """§2.2: "在高性能计算领域，华为、寒武纪等企业利用 Chiplet 技术提升芯片性能与计算效率"."""
    f = kg.find(firm)
    assert is_a(kg, f, CKG.Firm)
    assert _ask(kg, "?a a/rdfs:subClassOf* ckg:TechnologyApplication ; ckg:appliedBy ?f ; "
                    "ckg:appliesTechnology ?t ; ckg:inDomain ?d",
                f=f, t=chiplet, d=kg.find("高性能计算"))


@pytest.mark.parametrize("firm", ["华为", "寒武纪"])
def test_2_2_firms_are_chinese(kg, firm):
    """§2.2: "华为、寒武纪等企业" in "Chiplet 技术在中国市场的应用" — both are based in China."""
    assert (kg.find(firm), CKG.basedIn, kg.find("中国")) in kg.graph


def test_2_2_tracking_emerging_fields(kg):
    """§2.2: "这就需要中国…加强对新兴领域技术趋势的研究和跟踪，提前布局技术研发，抢占市场先机" — a recommendation with its aim."""
    rec = kg.find("加强对新兴领域技术趋势的研究和跟踪")
    assert is_a(kg, rec, CKG.Policy)
    aim = kg.find("抢占市场先机")
    assert is_a(kg, aim, CKG.Aim)
    assert (rec, CKG.aimsAt, aim) in kg.graph


def test_2_2_low_standardisation_concerns_standards(kg):
    """§2.2: "标准化程度低、生态不完善等问题限制了其大规模推广" — a bottleneck concerning the standards."""
    b = kg.find("标准化程度低、生态不完善")
    assert is_a(kg, b, CKG.Bottleneck)
    assert (b, CKG.concerns, kg.find("统一的标准和接口规范")) in kg.graph


# ================================================================ §2.3 产业生态建设 and Table 1

def test_2_3_standards_and_interface_specifications(kg):
    """§2.3: "缺乏统一的标准和接口规范，导致不同企业的 Chiplet 产品兼容性差" — a standard item exists."""
    assert is_a(kg, kg.find("统一的标准和接口规范"), CKG.Standard)


def test_2_3_lack_of_standards(kg):
    """§2.3: "一方面，企业间合作有待加强，缺乏统一的标准和接口规范，导致…兼容性差" — the weakness concerns the standards."""
    b = kg.find("企业间合作有待加强")
    assert is_a(kg, b, CKG.Bottleneck)
    assert (b, CKG.concerns, kg.find("统一的标准和接口规范")) in kg.graph


def test_2_3_industry_university_research_collaboration(kg):
    """§2.3: "产学研协同创新机制尚未充分发挥作用，高校和科研机构的研究成果向产业转化的效率不高"."""
    weakness = kg.find("产学研协同创新机制尚未充分发挥作用")
    assert is_a(kg, weakness, CKG.Bottleneck)


def test_2_3_ecosystem_weaknesses_belong_together(kg):
    """§2.3: "生态建设方面仍需完善。一方面，企业间合作有待加强…另一方面，产学研协同创新机制尚未充分发挥作用" — parts of one challenge."""
    assert _ask(kg, f"?c a/rdfs:subClassOf* ckg:Challenge ; {PART} ?a , ?b",
                a=kg.find("企业间合作有待加强"), b=kg.find("产学研协同创新机制尚未充分发挥作用"))


def test_2_3_industry_chain_coordination(kg):
    """§2.3: "为应对这些新的形势…还应进一步强化产业链协同发展" — a recommendation that addresses the ecosystem challenge, made
    of three parts with their actors: upstream and downstream firms share information; design firms design for what
    manufacturers can do; packaging and test firms join at the design stage."""
    coord = kg.find("强化产业链协同发展")
    assert is_a(kg, coord, CKG.Policy)
    assert (coord, CKG.addresses, kg.find("Chiplet 技术生态建设仍需完善")) in kg.graph
    parts = {
        "产业链上下游企业加强信息共享和技术交流": "产业链上下游企业",
        "根据制造工艺的特点和能力进行芯片架构设计": "芯片设计企业",
        "封装测试企业提前介入芯片设计阶段": "封装测试企业",
    }
    for part, actor in parts.items():
        p = kg.find(part)
        assert (coord, CKG.hasPart, p) in kg.graph, part
        assert (p, CKG.implementedBy, kg.find(actor)) in kg.graph, part
        assert is_a(kg, kg.find(actor), CKG.ActorGroup)
    dfm = kg.find("根据制造工艺的特点和能力进行芯片架构设计")
    assert (dfm, CKG.hasPartner, kg.find("制造企业")) in kg.graph
    # sharing information and designing with manufacturers answer "企业间合作有待加强"
    weak = kg.find("企业间合作有待加强")
    assert (kg.find("产业链上下游企业加强信息共享和技术交流"), CKG.addresses, weak) in kg.graph
    assert (dfm, CKG.addresses, weak) in kg.graph


TABLE_1 = [
    ("集成电路设计业", "4519", "43.21"),
    ("集成电路制造业", "3176", "30.37"),
    ("集成电路封测业", "2763", "26.42"),
]


def _figures(kg, segment):
    return _select(kg, "SELECT ?f WHERE { ?f a/rdfs:subClassOf* ckg:MarketFigure ; ckg:ofSegment ?s }", s=segment)


@pytest.mark.parametrize("segment", [row[0] for row in TABLE_1])
def test_table_1_segments(kg, segment):
    """表 1: "集成电路设计业 / 集成电路制造业 / 集成电路封测业" are industry-chain segments."""
    assert is_a(kg, kg.find(segment), CKG.IndustrySegment)


@pytest.mark.parametrize("segment, size, share", TABLE_1)
def test_table_1_market_figures(kg, segment, size, share):
    """表 1: "中国集成电路产业各环节市场规模占比（2021 年）" — size in 亿元 and share, exactly as decimals."""
    rows = _figures(kg, kg.find(segment))
    assert len(rows) == 1, rows
    fig = rows[0][0]
    size_lit = kg.graph.value(fig, CKG.marketSize)
    share_lit = kg.graph.value(fig, CKG.sharePercent)
    year_lit = kg.graph.value(fig, CKG.year)
    assert size_lit.datatype == XSD.decimal and share_lit.datatype == XSD.decimal
    assert size_lit.toPython() == Decimal(size)
    assert share_lit.toPython() == Decimal(share)
    assert year_lit.toPython() == 2021
    assert (fig, CKG.unit, kg.find("亿元")) in kg.graph
    assert (fig, CKG.inRegion, kg.find("中国")) in kg.graph


def test_table_1_shares_add_up(kg):
    """表 1: 43.21% + 30.37% + 26.42% = 100% of 4519 + 3176 + 2763 = 10458 亿元."""
    shares, sizes = Decimal(0), Decimal(0)
    for segment, _, _ in TABLE_1:
        (fig,), = _figures(kg, kg.find(segment))
        shares += kg.graph.value(fig, CKG.sharePercent).toPython()
        sizes += kg.graph.value(fig, CKG.marketSize).toPython()
    assert shares == Decimal("100.00")
    assert sizes == Decimal("10458")


# ================================================================ §3 路线图

@pytest.fixture(scope="module")
def phases(kg):
    """The roadmap's phases keyed 短期 / 中期 / 长期 by the paper's words in their Chinese labels."""
    roadmap = kg.find("中国 Chiplet 技术发展路线图")
    found = list(kg.graph.objects(roadmap, CKG.hasPhase))
    out = {}
    for key in ("短期", "中期", "长期"):
        hits = [p for p in found if key in zh_label(kg, p)]
        assert len(hits) == 1, (key, [zh_label(kg, p) for p in found])
        out[key] = hits[0]
    return out


def test_3_roadmap_has_three_phases(kg):
    """§3: "中国 Chiplet 技术发展路线图" has three phases (短期 / 中期 / 长期发展目标)."""
    roadmap = kg.find("中国 Chiplet 技术发展路线图")
    assert is_a(kg, roadmap, CKG.Roadmap)
    found = set(kg.graph.objects(roadmap, CKG.hasPhase))
    assert len(found) == 3
    assert all(is_a(kg, p, CKG.RoadmapPhase) for p in found)


@pytest.mark.parametrize("key, lo, hi", [("短期", 1, 3), ("中期", 3, 5), ("长期", 5, None)])
def test_3_phase_horizons(kg, phases, key, lo, hi):
    """§3: "短期发展目标（1-3 年）"; "中期发展目标（3-5 年）"; "长期发展目标（5 年以上）"."""
    p = phases[key]
    lo_lit = kg.graph.value(p, CKG.horizonMinYears)
    hi_lit = kg.graph.value(p, CKG.horizonMaxYears)
    assert lo_lit is not None and lo_lit.toPython() == lo
    if hi is None:
        assert hi_lit is None, "an open-ended phase ('5 年以上') has no upper bound"
    else:
        assert hi_lit is not None and hi_lit.toPython() == hi


def test_3_phases_in_order(kg, phases):
    """§3: the phases follow one another: 短期 → 中期 → 长期."""
    assert (phases["短期"], CKG.precedes, phases["中期"]) in kg.graph
    assert (phases["中期"], CKG.precedes, phases["长期"]) in kg.graph
    assert reaches(kg, phases["短期"], "ckg:precedes+", phases["长期"])
    assert not reaches(kg, phases["长期"], "ckg:precedes+", phases["短期"])


def _phase_targets(kg, phase, target) -> bool:
    return _ask(kg, "?p ckg:hasGoal ?g . ?g a/rdfs:subClassOf* ckg:RoadmapGoal ; ckg:targets ?t",
                p=phase, t=target)


@pytest.mark.parametrize("key, target", [
    ("短期", "高端 EDA 工具"),
    ("短期", "先进封装设备"),
    ("短期", "关键材料"),
    ("短期", "5G 通信"),
    ("短期", "物联网"),
    ("中期", "人工智能"),
    ("中期", "自动驾驶"),
    ("长期", "集成电路设计业"),
    ("长期", "集成电路制造业"),
    ("长期", "集成电路封测业"),
])
def test_3_phase_goals_target(kg, phases, key, target):
    """§3: 短期 "高端 EDA 工具、先进封装设备和关键材料…5G 通信、物联网"; 中期 "人工智能、自动驾驶"; 长期 "从芯片设计、制造到封装测试"."""
    assert _phase_targets(kg, phases[key], kg.find(target)), (key, target)


def test_3_short_term_targets_standards(kg, phases):
    """§3.1: "参与并主导部分 Chiplet 技术标准的制定，增强在国际标准制定中的话语权" — a short-term goal targets a standard."""
    assert _ask(kg, "?p ckg:hasGoal ?g . ?g ckg:targets ?s . ?s a/rdfs:subClassOf* ckg:Standard", p=phases["短期"])


def test_3_advanced_packaging_equipment_is_packaging_equipment(kg):
    """§3.1: "先进封装设备" is packaging equipment (not the "先进制程设备" of §2.1)."""
    assert is_a(kg, kg.find("先进封装设备"), CKG.PackagingEquipment)
    assert kg.find("先进封装设备") != kg.find("先进制程设备")


def test_3_mid_term_seven_nm_mass_production(kg, phases):
    """§3.2: "实现 7nm 及以下先进制程 Chiplet 技术的量产" — a mid-term goal targets the 7 nm-and-below process."""
    node = kg.find("7nm 及以下先进制程 Chiplet 技术")
    assert is_a(kg, node, CKG.ProcessTechnology)
    assert _phase_targets(kg, phases["中期"], node)


def test_3_mid_term_targets_research_collaboration(kg, phases):
    """§3.2: "完善产业生态建设，加强产学研深度融合，促进科研成果高效转化" — targets the §2.3 collaboration weakness."""
    assert _ask(kg, "?p ckg:hasGoal ?g . ?g ckg:targets ?t . ?t (ckg:hasPart)* ?b",
                p=phases["中期"], b=kg.find("产学研协同创新机制尚未充分发挥作用"))


def test_3_1_cooperation_is_its_own_goal(kg, phases):
    """Regression (issue 14): §3.1 "推动企业间的合作与交流，参与并主导部分 Chiplet 技术标准的制定" — two goals; the
    cooperation goal targets §2.3 "企业间合作有待加强", the standards goal only the standards."""
    coop, std = kg.find("推动企业间的合作与交流"), kg.find("参与并主导部分 Chiplet 技术标准的制定")
    weak = kg.find("企业间合作有待加强")
    assert (phases["短期"], CKG.hasGoal, coop) in kg.graph
    assert (coop, CKG.targets, weak) in kg.graph
    assert (std, CKG.targets, weak) not in kg.graph


@pytest.mark.parametrize("key, goal", [
    ("短期", "满足市场对中低端芯片的多样化需求，扩大市场份额"),
    ("中期", "缩小与国际先进水平的差距"),
    ("中期", "完善产业生态建设"),
    ("长期", "掌握核心技术与自主知识产权"),
    ("长期", "吸引全球优质资源"),
    ("长期", "提升中国半导体产业在全球的竞争力与影响力"),
    ("长期", "成为全球 Chiplet 技术创新与产业发展的引领者"),
])
def test_3_goals_that_lived_only_in_quotes(kg, phases, key, goal):
    """§3.1–§3.3: goals the paper states inside other goals' sentences are goals of their phase in their own right."""
    g = kg.find(goal)
    assert is_a(kg, g, CKG.RoadmapGoal)
    assert (phases[key], CKG.hasGoal, g) in kg.graph


def test_3_3_mature_ecosystem_targets_the_ecosystem_not_chiplets(kg, chiplet):
    """§3.3 "构建成熟、完善的产业生态系统" targets the ecosystem challenge; "成为全球 Chiplet 技术创新…的引领者" is the goal
    that targets chiplet technology (the former borrowed the latter's words)."""
    assert (kg.find("构建成熟、完善的产业生态系统"), CKG.targets, chiplet) not in kg.graph
    assert (kg.find("成为全球 Chiplet 技术创新与产业发展的引领者"), CKG.targets, chiplet) in kg.graph
    assert (kg.find("完善产业生态建设"), CKG.targets, kg.find("Chiplet 技术生态建设仍需完善")) in kg.graph


def test_3_long_term_targets_chiplet_leadership(kg, phases, chiplet):
    """§3.3: "在 Chiplet 技术领域达到国际领先水平…成为全球 Chiplet 技术创新与产业发展的引领者"."""
    assert _phase_targets(kg, phases["长期"], chiplet)


# ================================================================ §4 挑战

CHALLENGES = ["国际形势", "技术瓶颈", "市场竞争", "人才短缺"]


@pytest.mark.parametrize("order, name", list(enumerate(CHALLENGES, start=1)))
def test_4_four_challenges_in_order(kg, order, name):
    """§4: "（一）国际形势 （二）技术瓶颈 （三）市场竞争 （四）人才短缺"."""
    c = kg.find(name)
    assert is_a(kg, c, CKG.Challenge)
    assert kg.graph.value(c, CKG.sectionOrder).toPython() == order


@pytest.mark.parametrize("part", [
    "地缘政治因素影响供应链稳定",
    "对中国半导体产业进行“卡脖子”",
    "在国际市场上面临更为严格的审查和限制",
])
def test_4_1_parts_of_the_international_situation(kg, part):
    """§4.1: "供应链的稳定…"; "试图对中国半导体产业进行“卡脖子”"; "更为严格的审查和限制" — bottlenecks of 国际形势."""
    b = kg.find(part)
    assert is_a(kg, b, CKG.Bottleneck)
    assert reaches(kg, kg.find("国际形势"), PART, b)


def _international_causes(kg, cls, extra: str = "", **bindings) -> list:
    """External measures of class ``cls`` imposed by the USA that cause 国际形势 or one of its parts."""
    return _select(kg, "SELECT DISTINCT ?m WHERE { ?c (ckg:hasPart)* ?x . ?x ckg:causedBy ?m . "
                       "?m a/rdfs:subClassOf* ?cls ; ckg:imposedBy ?us . " + extra + " }",
                   c=kg.find("国际形势"), us=kg.find("美国"), cls=cls, **bindings)


def test_4_1_us_led_export_restrictions(kg):
    """§4.1: "以美国为首的部分国家通过出台一系列政策法规，限制高端半导体技术、设备和材料的出口" — a US export control."""
    assert _international_causes(kg, CKG.ExportControl)


def test_4_1_export_restrictions_restrict_equipment_and_materials(kg):
    """§4.1: "限制高端半导体技术、设备和材料的出口" — the US-led export control restricts equipment and materials."""
    assert _international_causes(kg, CKG.ExportControl,
                                 "?m ckg:restricts ?e , ?mat . ?e a/rdfs:subClassOf* ckg:Equipment . "
                                 "?mat a/rdfs:subClassOf* ckg:Material .")


def test_4_1_export_restrictions_target_china(kg):
    """§4.1: "试图对中国半导体产业进行“卡脖子”" — the US-led export control restricts China."""
    assert _international_causes(kg, CKG.ExportControl, "?m ckg:restricts ?cn .", cn=kg.find("中国"))


def test_4_1_chokehold_is_not_its_own_cause(kg):
    """Regression (issue 14): the bottleneck was labelled with the very words of the measure that 'caused' it. The
    bottleneck is the chokehold on China ("试图对中国半导体产业进行“卡脖子”"); the measure is what imposes it, and the
    measure's words name the measure."""
    choke, measure = kg.find("卡脖子"), kg.find("限制高端半导体技术、设备和材料的出口")
    assert is_a(kg, choke, CKG.Bottleneck) and is_a(kg, measure, CKG.ExportControl)
    assert (choke, CKG.causedBy, measure) in kg.graph
    assert not set(kg.graph.objects(choke, RDFS.label)) & set(kg.graph.objects(measure, RDFS.label))


def test_4_1_us_led_countries(kg):
    """§4.1: "以美国为首的部分国家通过出台一系列政策法规，限制高端半导体技术、设备和材料的出口" — a group of countries led
    by the US imposes the restrictions, which restrict high-end semiconductor technology too."""
    group = kg.find("以美国为首的部分国家")
    assert is_a(kg, group, CKG.CountryGroup)
    assert (group, CKG.ledBy, kg.find("美国")) in kg.graph
    measure = kg.find("限制高端半导体技术、设备和材料的出口")
    assert (measure, CKG.imposedByGroup, group) in kg.graph
    tech = kg.find("高端半导体技术")
    assert is_a(kg, tech, CKG.Technology)
    assert (measure, CKG.restricts, tech) in kg.graph


def test_4_1_chips_and_science_act(kg):
    """§4.1: "美国《芯片与科学法案》的实施…中国 Chiplet 企业…面临着更为严格的审查和限制" — a US law behind 国际形势."""
    act = kg.find("芯片与科学法案")
    assert is_a(kg, act, CKG.IndustrialLaw)
    assert (act, CKG.imposedBy, kg.find("美国")) in kg.graph
    assert act in {row[0] for row in _international_causes(kg, CKG.IndustrialLaw)}


@pytest.mark.parametrize("bottleneck, item", [
    ("高端 EDA 工具严重依赖进口", "高端 EDA 工具"),
    ("先进制程设备技术落后", "先进制程设备"),
    ("关键材料国产化率低", "关键材料"),
])
def test_4_2_technical_bottlenecks(kg, bottleneck, item):
    """§4.2: "高端 EDA 工具严重依赖进口"; "先进制程设备技术落后"; "关键材料国产化率低" — bottlenecks of 技术瓶颈."""
    b = kg.find(bottleneck)
    assert is_a(kg, b, CKG.Bottleneck)
    assert (kg.find("技术瓶颈"), CKG.hasPart, b) in kg.graph
    assert (b, CKG.concerns, kg.find(item)) in kg.graph


def test_4_2_domestic_eda_firms_lag_the_international_giants(kg):
    """§4.2: "国内 EDA 企业在技术水平、功能完整性和市场份额方面与国际巨头差距明显" — both groups make up the EDA bottleneck."""
    domestic, giants = kg.find("国内 EDA 企业"), kg.find("国际巨头")
    assert is_a(kg, giants, CKG.ActorGroup)
    assert (domestic, CKG.lagsBehind, giants) in kg.graph
    b = kg.find("高端 EDA 工具严重依赖进口")
    assert {(b, CKG.involvesActor, domestic), (b, CKG.involvesActor, giants)} <= set(kg.graph)


def test_5_1_foreign_partners(kg):
    """§5.1: "鼓励国内企业与国际先进企业、科研机构开展技术交流与合作" — the foreign partners are named, not implementers."""
    inst, partners = kg.find("加强国际科技合作"), kg.find("国际先进企业、科研机构")
    assert is_a(kg, partners, CKG.ActorGroup)
    assert (inst, CKG.hasPartner, partners) in kg.graph
    assert (inst, CKG.implementedBy, partners) not in kg.graph


@pytest.mark.parametrize("specific, general", [
    ("极紫外光刻（EUV）设备", "先进制程设备"),
    ("光刻胶", "关键材料"),
    ("封装基板", "关键材料"),
])
def test_4_2_examples_are_types_of_the_gaps(kg, specific, general):
    """§4.2: "先进制程设备技术落后，如极紫外光刻（EUV）设备"; "关键材料国产化率低，如光刻胶、高性能封装基板材料"."""
    assert reaches(kg, kg.find(specific), "ckg:isTypeOf+", kg.find(general))


def test_4_2_advanced_node_chiplets_depend_on_process_equipment(kg):
    """§4.2: "先进制程设备技术落后…限制了先进 Chiplet 产品的制造能力" — 7nm-and-below chiplets depend on it."""
    assert reaches(kg, kg.find("7nm 及以下先进制程 Chiplet 技术"), DEPENDS, kg.find("先进制程设备"))


@pytest.mark.parametrize("firm", ["英特尔", "台积电", "三星"])
def test_4_3_giants_lead_in_chiplets(kg, chiplet, firm):
    """§4.3: "国际半导体巨头…在 Chiplet技术领域占据领先地位…如英特尔、台积电、三星等"."""
    f = kg.find(firm)
    assert is_a(kg, f, CKG.Firm)
    assert (f, CKG.leadsIn, chiplet) in kg.graph


@pytest.mark.parametrize("firm", ["英特尔", "台积电", "三星"])
def test_4_3_giants_are_international(kg, firm):
    """§4.3: "国际半导体巨头" — each is based outside China's mainland (ISO code not CHN)."""
    assert _ask(kg, "?f ckg:basedIn ?c . ?c ckg:isoAlpha3 ?code FILTER(?code != 'CHN')", f=kg.find(firm))


@pytest.mark.parametrize("part", ["国际半导体巨头占据领先地位", "国内 Chiplet 市场尚处于发展初期"])
def test_4_3_parts_of_market_competition(kg, part):
    """§4.3: "国际半导体巨头…在 Chiplet技术领域占据领先地位"; "国内 Chiplet 市场尚处于发展初期" — parts of 市场竞争."""
    b = kg.find(part)
    assert is_a(kg, b, CKG.Bottleneck)
    assert reaches(kg, kg.find("市场竞争"), PART, b)


MARKET_FACTORS = ["对 Chiplet 技术的认知度和接受度有待提高", "市场规模较小，尚未形成规模效应",
                  "企业的盈利能力和发展动力受影响", "中国企业在国际市场拓展中面临较高壁垒"]


@pytest.mark.parametrize("factor", MARKET_FACTORS)
def test_4_3_market_factors_reachable_from_the_challenge(kg, factor):
    """§4.3: "消费者和企业对 Chiplet 技术的认知度和接受度有待提高，市场规模较小，尚未形成规模效应，影响企业的盈利能力…";
    "中国企业在国际市场拓展中面临较高壁垒" — each factor is reached from 市场竞争 through parts and what they lead to."""
    assert reaches(kg, kg.find("市场竞争"), "(ckg:hasPart|ckg:leadsTo)+", kg.find(factor))


def test_4_3_small_market_weakens_profitability(kg):
    """§4.3: "市场规模较小，尚未形成规模效应，影响企业的盈利能力和发展动力"."""
    assert (kg.find("市场规模较小，尚未形成规模效应"), CKG.leadsTo, kg.find("企业的盈利能力和发展动力受影响")) in kg.graph


def test_4_3_giants_first_mover_advantage_raises_barriers(kg):
    """§4.3: "英特尔、台积电、三星等…具有先发优势，中国企业在国际市场拓展中面临较高壁垒" — the giants are a named group."""
    giants = kg.find("国际半导体巨头")
    for firm in ("英特尔", "台积电", "三星"):
        assert (kg.find(firm), CKG.memberOf, giants) in kg.graph
    lead = kg.find("国际半导体巨头占据领先地位")
    assert (lead, CKG.involvesActor, giants) in kg.graph
    assert (lead, CKG.leadsTo, kg.find("中国企业在国际市场拓展中面临较高壁垒")) in kg.graph


def test_4_4_talent_shortage_concerns_talent(kg):
    """§4.4: "需要具备半导体设计、封装、材料等多方面知识的复合型人才…导致专业人才供应不足"."""
    talent = kg.find("复合型人才")
    assert is_a(kg, talent, CKG.Talent)
    assert reaches(kg, kg.find("人才短缺"), f"({PART})?/ckg:concerns", talent)


def test_4_4_brain_drain(kg):
    """§4.4: "跨国公司凭借优厚的待遇和良好的发展环境，吸引了大量国内优秀人才…人才流失" — a part of 人才短缺."""
    drain = kg.find("人才流失")
    assert is_a(kg, drain, CKG.Bottleneck)
    assert reaches(kg, kg.find("人才短缺"), PART, drain)


def test_4_4_multinationals_are_named(kg):
    """§4.4: "跨国公司凭借优厚的待遇和良好的发展环境，吸引了大量国内优秀人才" — the multinationals are a group of firms."""
    assert is_a(kg, kg.find("跨国公司"), CKG.ActorGroup)
    assert (kg.find("跨国公司"), CKG.memberType, CKG.Firm) in kg.graph


@pytest.mark.parametrize("cost", ["带走了先进技术和经验", "增加了企业的人才培养成本", "增加了技术研发风险"])
def test_4_4_what_talent_loss_costs(kg, cost):
    """§4.4: "人才流失不仅带走了先进技术和经验，还增加了企业的人才培养成本和技术研发风险"."""
    c = kg.find(cost)
    assert is_a(kg, c, CKG.Condition)
    assert (kg.find("人才流失"), CKG.leadsTo, c) in kg.graph


def test_4_4_multinationals_drive_the_brain_drain(kg):
    """§4.4: "跨国公司凭借优厚的待遇和良好的发展环境，吸引了大量国内优秀人才" — the brain drain involves them."""
    assert (kg.find("人才流失"), CKG.involvesActor, kg.find("跨国公司")) in kg.graph


def test_4_4_training_system(kg):
    """§4.4: "国内相关专业人才培养体系尚不完善" — a part of 人才短缺."""
    gap = kg.find("人才培养体系尚不完善")
    assert is_a(kg, gap, CKG.Bottleneck)
    assert reaches(kg, kg.find("人才短缺"), PART, gap)


# ================================================================ §5 政策建议

GROUPS = ["加大技术研发支持力度", "优化市场环境", "加强人才培养与引进", "发挥行业协会作用"]

INSTRUMENTS = [
    ("加大技术研发支持力度", "设立专项基金"),
    ("加大技术研发支持力度", "产学研用协同创新机制"),
    ("加大技术研发支持力度", "税收优惠、财政补贴等奖励"),
    ("加大技术研发支持力度", "加强国际科技合作"),
    ("加大技术研发支持力度", "支持国内企业参与国际 Chiplet 技术标准制定"),
    ("优化市场环境", "优先采用国产 Chiplet 产品"),
    ("优化市场环境", "政府采购、产业补贴"),
    ("优化市场环境", "加强市场监管"),
    ("优化市场环境", "建立健全知识产权保护体系"),
    ("加强人才培养与引进", "优化专业设置，增设 Chiplet 技术相关课程"),
    ("加强人才培养与引进", "建立实习基地和人才培养联盟"),
    ("加强人才培养与引进", "吸引海外高端人才回国创新创业"),
    ("加强人才培养与引进", "鼓励企业引进国外先进技术人才"),
    ("发挥行业协会作用", "组织企业参与国际技术交流活动"),
    ("发挥行业协会作用", "协调企业间的利益关系，避免恶性竞争"),
    ("发挥行业协会作用", "开展行业调研"),
]


@pytest.mark.parametrize("order, name", list(enumerate(GROUPS, start=1)))
def test_5_four_policy_groups(kg, order, name):
    """§5: "（一）加大技术研发支持力度 （二）优化市场环境 （三）加强人才培养与引进 （四）发挥行业协会作用"."""
    g = kg.find(name)
    assert is_a(kg, g, CKG.PolicyGroup)
    assert kg.graph.value(g, CKG.sectionOrder).toPython() == order


@pytest.mark.parametrize("group, instrument", INSTRUMENTS)
def test_5_group_has_instrument(kg, group, instrument):
    """§5.1–§5.4: each measure the paper lists under a heading is an instrument of that policy group."""
    inst = kg.find(instrument)
    assert is_a(kg, inst, CKG.PolicyInstrument)
    assert (kg.find(group), CKG.hasInstrument, inst) in kg.graph


def test_5_1_collaborative_mechanism_addresses_the_2_3_weakness(kg):
    """§5.1: "建立产学研用协同创新机制，加速科研成果转化为实际生产力" answers §2.3 "研究成果向产业转化的效率不高"."""
    assert (kg.find("产学研用协同创新机制"), CKG.addresses,
            kg.find("产学研协同创新机制尚未充分发挥作用")) in kg.graph


@pytest.mark.parametrize("item", ["高端 EDA 工具", "先进制程设备", "关键材料"])
def test_5_1_special_fund_addresses_gaps(kg, item):
    """§5.1: "政府应设立专项基金，重点支持 Chiplet关键技术研发，如高端 EDA工具、先进制程设备和关键材料等领域"."""
    assert (kg.find("设立专项基金"), CKG.addresses, kg.find(item)) in kg.graph


def test_5_1_special_fund_implemented_by_government(kg):
    """§5.1: "政府应设立专项基金"."""
    assert (kg.find("设立专项基金"), CKG.implementedBy, kg.find("政府")) in kg.graph


@pytest.mark.parametrize("domain", ["5G 通信", "物联网", "人工智能"])
def test_5_2_preferential_adoption_promotes_domains(kg, domain):
    """§5.2: "引导和鼓励国内企业在 5G、物联网、人工智能等领域优先采用国产 Chiplet 产品"."""
    assert (kg.find("优先采用国产 Chiplet 产品"), CKG.promotes, kg.find(domain)) in kg.graph


def test_5_2_market_instruments_promote_chiplets(kg, chiplet):
    """§5.2: "优先采用国产 Chiplet 产品，通过政府采购、产业补贴等方式…促进国产 Chiplet 技术的应用和推广"."""
    instruments = [kg.find("优先采用国产 Chiplet 产品"), kg.find("政府采购、产业补贴")]
    assert any((i, CKG.promotes, chiplet) in kg.graph for i in instruments)


def test_5_2_procurement_grows_domestic_demand(kg):
    """§5.2: "通过政府采购、产业补贴等方式，培育和扩大国内市场需求" answers §4.3 "国内 Chiplet 市场尚处于发展初期"."""
    assert _ask(kg, "?i ckg:addresses ?x . ?x (ckg:hasPart)* ?b",
                i=kg.find("政府采购、产业补贴"), b=kg.find("国内 Chiplet 市场尚处于发展初期"))


def _addresses_talent(kg, inst) -> bool:
    return _ask(kg, "{ ?i ckg:addresses ?c } UNION { ?i ckg:addresses ?t . ?t a/rdfs:subClassOf* ckg:Talent } "
                    "UNION { ?i ckg:addresses ?b . ?c (ckg:hasPart)+ ?b }",
                i=inst, c=kg.find("人才短缺"))


@pytest.mark.parametrize("instrument", [name for group, name in INSTRUMENTS if group == "加强人才培养与引进"])
def test_5_3_talent_instruments_address_talent_shortage(kg, instrument):
    """§5.3 answers §4.4: "培养…复合型专业人才"; "吸引海外…高端人才回国"; "引进国外先进技术人才" — address 人才短缺."""
    assert _addresses_talent(kg, kg.find(instrument))


def _implemented_by_kind(kg, inst, cls) -> bool:
    """``inst`` is implemented by an organisation of class ``cls`` or by a group whose members are."""
    return _ask(kg, "?i ckg:implementedBy ?o . { ?o a/rdfs:subClassOf* ?c } UNION { ?o ckg:memberType/rdfs:subClassOf* ?c }",
                i=inst, c=cls)


def test_5_3_curricula_implemented_by_universities(kg):
    """§5.3: "高校和职业院校应优化专业设置，增设 Chiplet 技术相关课程"."""
    assert _implemented_by_kind(kg, kg.find("优化专业设置，增设 Chiplet 技术相关课程"), CKG.ResearchInstitution)


@pytest.mark.parametrize("instrument", [name for group, name in INSTRUMENTS if group == "发挥行业协会作用"])
def test_5_4_association_instruments_implemented_by_associations(kg, instrument):
    """§5.4: "行业协会应充分发挥桥梁纽带作用，组织企业参与国际技术交流活动…协调企业间的利益关系…积极开展行业调研"."""
    assert _implemented_by_kind(kg, kg.find(instrument), CKG.IndustryAssociation)


def test_5_4_industry_surveys_inform_the_government(kg):
    """Regression (issue 14): §5.4 "积极开展行业调研，为政府制定产业政策提供数据支持" — the associations carry out the
    surveys; the government receives the data and does not implement them."""
    surveys, gov = kg.find("开展行业调研"), kg.find("政府")
    assert (surveys, CKG.informs, gov) in kg.graph
    assert (surveys, CKG.implementedBy, gov) not in kg.graph
    assert _implemented_by_kind(kg, surveys, CKG.IndustryAssociation)


def test_5_3_training_alliances_are_the_firms_with_universities_as_partners(kg):
    """§5.3: "企业应加强与高校的合作，建立实习基地和人才培养联盟" — the firms are called on; the universities are partners."""
    inst = kg.find("建立实习基地和人才培养联盟")
    assert (inst, CKG.implementedBy, kg.find("国内企业")) in kg.graph
    assert (inst, CKG.hasPartner, kg.find("高校和职业院校")) in kg.graph
    assert (inst, CKG.implementedBy, kg.find("高校和职业院校")) not in kg.graph


GROUPS_OF_ACTORS = [
    ("国内企业", CKG.Firm), ("国内 EDA 企业", CKG.Firm), ("跨国公司", CKG.Firm),
    ("高校和科研机构", CKG.ResearchInstitution), ("高校和职业院校", CKG.ResearchInstitution),
    ("industry associations", CKG.IndustryAssociation),
]


@pytest.mark.parametrize("name, member_type", GROUPS_OF_ACTORS)
def test_groups_of_actors_are_not_single_organisations(kg, name, member_type):
    """Regression (issue 14): "国内企业", "国内 EDA 企业", "跨国公司"… were typed as one firm; they are groups whose
    members are firms (or institutions, associations), so a count of firms no longer counts them."""
    group = kg.find(name)
    assert is_a(kg, group, CKG.ActorGroup)
    assert (group, CKG.memberType, member_type) in kg.graph
    for single in (CKG.Firm, CKG.ResearchInstitution, CKG.IndustryAssociation, CKG.GovernmentBody):
        assert not is_a(kg, group, single), (name, single)


# ================================================================ §6 结论

def _group_addresses(kg, group, challenge) -> bool:
    """The group addresses the challenge or one of its parts, itself or through an instrument
    (the ontology's chain hasInstrument ∘ addresses ⊑ addresses)."""
    return _ask(kg, "?g (ckg:hasInstrument)?/ckg:addresses ?x . ?c (ckg:hasPart)* ?x", g=group, c=challenge)


@pytest.mark.parametrize("group, challenge", [
    ("加大技术研发支持力度", "技术瓶颈"),
    ("优化市场环境", "市场竞争"),
    ("加强人才培养与引进", "人才短缺"),
])
def test_6_policy_groups_address_challenges(kg, group, challenge):
    """§6: "面临国际形势、技术瓶颈、市场竞争和人才短缺等挑战，但通过…加大技术研发投入、优化市场环境、加强人才培养与引进…"."""
    assert _group_addresses(kg, kg.find(group), kg.find(challenge))


@pytest.mark.parametrize("challenge", CHALLENGES)
def test_6_every_challenge_is_addressed(kg, challenge):
    """§6: the four challenges are each met by at least one of the four policy groups."""
    c = kg.find(challenge)
    assert any(_group_addresses(kg, kg.find(g), c) for g in GROUPS), challenge


@pytest.mark.parametrize("group", GROUPS)
def test_6_every_group_aims_to_overcome_the_four_challenges(kg, group):
    """§6: "面临国际形势、技术瓶颈、市场竞争和人才短缺等挑战，但通过…等措施，有望…突破发展障碍" — each of the four
    measures serves the aim of breaking through the obstacles, and that aim overcomes each of the four challenges."""
    g = kg.find(group)
    for c in CHALLENGES:
        assert _ask(kg, "?g ckg:aimsAt ?aim . ?aim a/rdfs:subClassOf* ckg:Aim ; ckg:overcomes ?c", g=g, c=kg.find(c)), (group, c)


@pytest.mark.parametrize("group", GROUPS)
def test_6_groups_are_not_paired_one_to_one_with_challenges(kg, group):
    """Regression (issue 14): §6 lists the challenges and the measures side by side without pairing them; a group
    reaches a challenge only through what its instruments address, never by a direct 'addresses'."""
    g = kg.find(group)
    assert not _select(kg, "SELECT ?c WHERE { ?g ckg:addresses ?c . ?c a ckg:Challenge }", g=g)


def test_5_1_tax_incentives_address_no_named_challenge(kg):
    """Regression (issue 14): §5.1 "对在 Chiplet 技术研发中取得重大突破的企业和科研机构给予税收优惠" rewards breakthroughs;
    the paper does not say which challenge they answer, so they address none (was: the technical bottlenecks)."""
    assert not list(kg.graph.objects(kg.find("税收优惠、财政补贴等奖励"), CKG.addresses))


def test_5_4_international_exchange_is_not_technology_import(kg):
    """Regression (issue 14): §5.4 exchanges serve "及时了解国际最新技术动态和市场信息", not the §4.1 obstacles to
    importing technology."""
    assert (kg.find("组织企业参与国际技术交流活动"), CKG.addresses, kg.find("关键技术引进、国际合作拓展受阻")) not in kg.graph


def test_3_1_chiplet_does_not_depend_on_what_a_goal_funds(kg, chiplet):
    """Regression (issue 14): §3.1 "加大在…先进封装设备…研发的投入" is a goal, not a statement that chiplets depend on
    advanced packaging equipment; the goal targets it, the technology does not depend on it."""
    assert (chiplet, CKG.dependsOn, kg.find("先进封装设备")) not in kg.graph


def test_6_moving_to_the_middle_to_high_end(kg):
    """§6: "…等措施，有望…推动中国半导体产业在全球产业链中迈向中高端水平" — the aim of all four groups and the roadmap,
    and it overcomes the introduction's "一直处于全球价值链中低端"."""
    aim = kg.find("推动中国半导体产业在全球产业链中迈向中高端水平")
    assert is_a(kg, aim, CKG.Aim)
    assert (aim, CKG.overcomes, kg.find("处于全球价值链中低端")) in kg.graph
    for g in GROUPS + ["中国 Chiplet 技术发展路线图"]:
        assert (kg.find(g), CKG.aimsAt, aim) in kg.graph, g


def test_software_tools_for_semiconductors_are_not_eda_as_a_whole(kg):
    """Issue 14: the December 2024 US rule names "three related types of software tools for developing or producing
    semiconductors", not EDA as a whole; the narrower item exists, with a primary source, and is no kind of EDA tool."""
    tools = kg.find("software tools for developing or producing semiconductors")
    assert is_a(kg, tools, CKG.SupplyChainItem)
    assert not reaches(kg, tools, "ckg:isTypeOf+", kg.find("EDA 工具"))
    assert any("govinfo.gov" in str(src) for src in kg.graph.objects(tools, DCTERMS.source))


# ================================================================ definitions (issue 14)

def _paper_entities(kg) -> list:
    return _select(kg, "SELECT DISTINCT ?e WHERE { ?e a/rdfs:subClassOf* ckg:Entity ; dcterms:source ?s . "
                       "?s dcterms:isPartOf+ ckgd:paper }")


def test_every_paper_entity_has_a_definition_in_both_languages(kg):
    """Every entity the paper names has a skos:definition in English and in Chinese."""
    from rdflib.namespace import SKOS

    rows = _paper_entities(kg)
    assert len(rows) >= 150
    missing = [kg.qname(e) for (e,) in rows if {d.language for d in kg.graph.objects(e, SKOS.definition)} < {"en", "zh"}]
    assert missing == []


@pytest.mark.parametrize("name, quote", [
    ("Chiplet 技术", "将不同功能的小芯片（Chiplet），依据各自最适配的制程工艺分别制造"),
    ("复合型人才", "需要具备半导体设计、封装、材料等多方面知识的复合型人才"),
    ("成本控制", "部分对制程要求较低的模块可采用成熟工艺制造，降低整体成本"),
])
def test_definitions_in_the_papers_words_cite_their_section(kg, paper_text, name, quote):
    """Where the paper defines a term, the Chinese definition is its own words, and an axiom names the section."""
    e = kg.find(name)
    rows = _select(kg, "SELECT ?d ?sec ?ev WHERE { ?e skos:definition ?d . FILTER(LANG(?d) = 'zh') "
                       "?ax owl:annotatedSource ?e ; owl:annotatedProperty skos:definition ; owl:annotatedTarget ?d ; "
                       "dcterms:source ?sec ; ckg:evidence ?ev }", e=e)
    assert rows, name
    d, sec, ev = rows[0]
    assert quote in str(d)
    assert "".join(str(d).split()).rstrip("。") in paper_text
    assert (sec, RDF.type, CKG.SourceSection) in kg.graph

"""Colour and shape per class, and the marks that views lay over them (gaps, removed, blocked)."""

from __future__ import annotations

from dataclasses import dataclass

from ..network import class_label

__all__ = ["Style", "GROUPS", "MARKS", "GLYPHS", "group_of", "group_label"]


@dataclass(frozen=True)
class Style:
    """How one group of classes is drawn."""

    key: str
    kind: str          # the class (qname) whose label names the group in the legend
    color: str
    shape: str


#: Most specific first: a node takes the first group whose class it is an instance of.
GROUPS: tuple[Style, ...] = (
    Style("policy-group", "ckg:PolicyGroup", "#1b5e20", "star"),
    Style("instrument", "ckg:PolicyInstrument", "#43a047", "diamond"),
    # Policies in force (issue 14) stand apart from the paper's proposals (green): blue, and China's own export
    # controls apart from the measures others impose on China (purple).
    Style("policy-in-force", "ckg:EnactedPolicy", "#1565c0", "star"),
    Style("domestic-control", "ckg:DomesticExportControl", "#0097a7", "triangle"),
    Style("policy", "ckg:Policy", "#43a047", "diamond"),
    Style("bottleneck", "ckg:Bottleneck", "#ef6c00", "triangleDown"),
    Style("challenge", "ckg:Challenge", "#c62828", "triangleDown"),
    Style("measure", "ckg:ExternalMeasure", "#6a1b9a", "triangle"),
    Style("standard", "ckg:Standard", "#5e35b1", "square"),
    Style("design-tool", "ckg:DesignTool", "#1565c0", "square"),
    Style("equipment", "ckg:Equipment", "#0277bd", "square"),
    Style("material", "ckg:Material", "#00838f", "square"),
    Style("talent", "ckg:Talent", "#3949ab", "square"),
    Style("item", "ckg:SupplyChainItem", "#1565c0", "square"),
    Style("technology", "ckg:Technology", "#f9a825", "dot"),
    Style("advantage", "ckg:Advantage", "#fdd835", "dot"),
    Style("organisation", "ckg:Organisation", "#6d4c41", "dot"),
    Style("country", "ckg:CountryOrRegion", "#37474f", "hexagon"),
    Style("domain", "ckg:ApplicationDomain", "#ad1457", "dot"),
    Style("application", "ckg:TechnologyApplication", "#ec407a", "dot"),
    Style("roadmap", "ckg:Roadmap", "#00695c", "star"),
    Style("phase", "ckg:RoadmapPhase", "#00897b", "hexagon"),
    Style("goal", "ckg:RoadmapGoal", "#26a69a", "diamond"),
    Style("segment", "ckg:IndustrySegment", "#757575", "dot"),
    Style("figure", "ckg:MarketFigure", "#9e9e9e", "dot"),
    Style("unit", "ckg:Unit", "#bdbdbd", "dot"),
    Style("entity", "ckg:Entity", "#9e9e9e", "dot"),
)

#: The legend's stand-in for each vis-network shape.
GLYPHS = {"star": "★", "diamond": "◆", "triangleDown": "▼", "triangle": "▲", "square": "■", "dot": "●",
          "hexagon": "⬢"}

#: Marks laid over the class colours: (border colour, background or None, en, zh).
MARKS = {
    "gap": ("#d50000", None, "addressed by no policy", "无政策针对"),
    "indirect": ("#ff9100", None, "addressed only indirectly", "仅被间接针对"),
    "removed": ("#000000", "#616161", "removed", "移除"),
    "cut": ("#b71c1c", "#e53935", "cut off (lost its suppliers)", "断供（失去供应商）"),
    "weakened": ("#f57f17", "#ffca28", "weakened (lost some suppliers)", "受削弱（失去部分供应商）"),
    "blocked": ("#bf360c", "#ff7043", "blocked", "受阻"),
    "at-risk": ("#6a1b9a", "#ce93d8", "at risk (the removed providers held at least the threshold)",
                "面临风险（被移除的供应方份额达到阈值）"),
    "idle": ("#d50000", None, "policy that addresses nothing", "未针对任何对象的政策"),
    "addressing": ("#1b5e20", None, "policy addressing the cut-off items", "针对断供要素的政策"),
    "focus": ("#000000", None, "focus", "焦点"),
}


def group_of(kinds) -> Style:
    """The drawing group of a node with the given class qnames (its class and ancestors)."""
    kinds = set(kinds)
    for style in GROUPS:
        if style.kind in kinds:
            return style
    return GROUPS[-1]


def group_label(g, style: Style, lang: str) -> str:
    return class_label(g, style.kind, lang)

"""The build's HTML report (gaps, chokepoints, the policy trace as tables) and the views it links to."""

from __future__ import annotations

from .. import __version__
from ..analyze._model import ITEM, PARTS, POLICY, Model, join, t
from ..analyze.shares import measured_text

__all__ = ["policy_trace_rows", "report_html", "build_outputs", "TRACE_COLUMNS", "BUILD_VIEWS", "SITE"]

TRACE_COLUMNS = ["policy_group", "instrument", "addresses", "item", "suppliers", "countries", "source"]

#: Where the static site is, relative to the views and the report in the build folder (chiplet_kg/site/).
SITE = "site/"
#: Views written by ``chiplet-kg build`` (each in English and Chinese).
BUILD_VIEWS = ("overview", "policy-trace", "supply-chain", "roadmap")

_CSS = """
body { font-family: "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", Arial, sans-serif; margin: 24px;
       color: #212121; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0 16px; }
th, td { border: 1px solid #cfd8dc; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #eceff1; }
td { max-width: 420px; overflow-wrap: anywhere; }
nav a { margin-right: 14px; }
.note { color: #616161; font-size: 13px; }
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="chiplet-kg {{ version }}">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
<h1>{{ title }}</h1>
<nav>{% for href, text in links %}<a href="{{ href }}">{{ text }}</a>{% endfor %}</nav>
{% for section in sections %}
<h2 id="{{ section.id }}">{{ section.title }}</h2>
<p class="note">{{ section.note }}</p>
<table>
<thead><tr>{% for c in section.columns %}<th>{{ c }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in section.rows %}<tr>{% for c in section.columns %}{% set cell = row.get(c, "") %}<td>{% if cell in pages %}<a href="{{ pages[cell] }}">{{ cell }}</a>{% else %}{{ cell }}{% endif %}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
{% endfor %}
</body>
</html>
"""


def policy_trace_rows(g, *, lang: str = "en") -> list[dict]:
    """The policy trace as rows: policy group, instrument, what it addresses, the supply-chain item behind it, the
    item's suppliers and their countries.

    An addressed bottleneck expands to the items it concerns; an addressed challenge to the items its parts
    concern; an item without suppliers of its own shows those of what it is a kind of. With measured shares
    (``chiplet-kg import eto``) each row also has ``measured_shares``: the item's top provider per level, or that of
    the items it is linked to by ``skos:exactMatch`` / ``skos:closeMatch``.
    """
    m = Model.of(g)
    rows: list[dict] = []
    groups = [p for p in m.nodes("ckg:PolicyGroup")]
    in_group = {i for grp in groups for i in m.succ(grp, *PARTS)}
    pairs = [(grp, inst) for grp in groups for inst in m.succ(grp, *PARTS)]
    pairs += [(grp, None) for grp in groups]
    pairs += [(None, p) for p in m.nodes(POLICY) if p not in in_group and p not in groups]
    for grp, inst in sorted(pairs, key=lambda gi: tuple(m.label(x, lang).casefold() if x else "" for x in gi)):
        policy = inst or grp
        for target in m.succ(policy, "ckg:addresses"):
            if m.is_(target, ITEM):
                items = [target]
            else:
                items = list(m.succ(target, "ckg:concerns"))
                for part in m.succ(target, *PARTS):
                    items += m.succ(part, "ckg:concerns")
                items = sorted(set(items))
            for item in items or [None]:
                orgs, inherited = m.suppliers(item) if item else (set(), [])
                countries = sorted({c for o in orgs for c in m.countries(o)})
                supplier_text = join(m.labels(orgs, lang), lang)
                if inherited:
                    supplier_text += t(lang, f" (as {join(m.labels(inherited, lang), lang)})",
                                       f"（按{join(m.labels(inherited, lang), lang)}）")
                rows.append({
                    "policy_group": m.label(grp, lang) if grp else "",
                    "instrument": m.label(inst, lang) if inst else "",
                    "addresses": m.label(target, lang),
                    "item": m.label(item, lang) if item else "",
                    "suppliers": supplier_text,
                    "countries": join(m.labels(countries, lang), lang),
                    "measured_shares": measured_text(m, item, lang) if item and m.provisions else "",
                    "source": "; ".join(m.edge_sources([(policy, "ckg:addresses", target)])),
                })
    return rows


def _page_links(g, lang: str, site: str) -> dict[str, str]:
    """Label (in ``lang``) → the entity page of the one node of ``g`` with that label (ambiguous labels: none)."""
    from ..network import node_label
    from ..site import page_path

    found: dict = {}
    for node in g.nodes:
        label = node_label(g, node, lang)
        path = page_path(node)
        found[label] = None if label in found or not path else site + path
    return {label: href for label, href in found.items() if href}


def report_html(g, *, lang: str = "en", view_links: dict[str, str] | None = None, kg=None,
                site: str | None = None) -> str:
    """The analysis report as one HTML page (tables only, no script), every value escaped.

    ``site`` is the relative path to the static site (``"site/"`` in ``build/``): the report then links to its
    index, and a cell that names one entity links to that entity's page.
    """
    from jinja2 import Environment
    from markupsafe import Markup

    from ..analyze.chokepoints import CHOKEPOINT_COLUMNS, chokepoints
    from ..analyze.gaps import GAP_COLUMNS, gaps
    from ..analyze.shares import share_columns
    from .select import VIEW_TITLES

    sections = [
        {"id": "gaps", "title": t(lang, "Gaps: what no policy addresses", "缺口：无政策针对的对象"),
         "note": t(lang, "Dependencies and bottlenecks that no policy addresses directly, and policies that address "
                         "nothing (chiplet-kg analyze gaps).",
                   "无政策直接针对的依赖与瓶颈，以及未针对任何对象的政策（chiplet-kg analyze gaps）。"),
         "columns": share_columns(g, GAP_COLUMNS), "rows": gaps(g, lang=lang, kg=kg)},
        {"id": "chokepoints", "title": t(lang, "Chokepoints", "卡点"),
         "note": t(lang, "Supply-chain items, suppliers and countries ranked by what depends on them "
                         "(chiplet-kg analyze chokepoints).",
                   "按依赖程度排序的供应链要素、供应商与国家或地区（chiplet-kg analyze chokepoints）。"),
         "columns": CHOKEPOINT_COLUMNS, "rows": chokepoints(g, lang=lang)},
        {"id": "policy-trace", "title": t(lang, "Policy trace", "政策追踪"),
         "note": t(lang, "Policy → instrument → what it addresses → supply-chain item → suppliers → countries.",
                   "政策类别 → 政策工具 → 针对对象 → 供应链要素 → 供应商 → 国家或地区。"),
         "columns": share_columns(g, TRACE_COLUMNS), "rows": policy_trace_rows(g, lang=lang)},
    ]
    links = [(href, VIEW_TITLES[name][1 if lang == "zh" else 0].split(":")[0].split("：")[0])
             for name, href in (view_links or {}).items()]
    if site is not None:
        links.append((site + "index.html", t(lang, "Entity pages", "实体页面")))
    env = Environment(autoescape=True)
    return env.from_string(_TEMPLATE).render(
        lang=lang, version=__version__, css=Markup(_CSS), links=links, sections=sections,
        pages=_page_links(g, lang, site) if site is not None else {},
        title=t(lang, "chiplet-kg report: policies, gaps and chokepoints", "chiplet-kg 报告：政策、缺口与卡点"))


def build_outputs(kg) -> dict[str, str]:
    """Every page ``chiplet-kg build`` writes for the views and the report: file name (under the build folder) →
    HTML. Rendered in full before anything is written, so a failure leaves the previous build as it was."""
    from ..network import project
    from . import render_view

    # The pages show what the files assert, each edge with its evidence; inferred edges would double many of them.
    g = project(kg, inferred=False)
    outputs: dict[str, str] = {}
    for lang in ("en", "zh"):
        suffix = "" if lang == "en" else ".zh"
        links = {}
        for view in BUILD_VIEWS:
            name = f"view-{view}{suffix}.html"
            outputs[name] = render_view(g, view, lang=lang, site=SITE)
            links[view] = name
        outputs[f"report{suffix}.html"] = report_html(g, lang=lang, view_links=links, kg=kg, site=SITE)
    return outputs

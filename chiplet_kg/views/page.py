"""One self-contained HTML page per view: vis-network and the page script inlined, the data as escaped JSON."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..network import class_label, edge_label, node_label, share_text
from .select import VIEW_TITLES, ViewSpec
from .style import GLYPHS, MARKS, group_label, group_of

__all__ = ["render_page", "json_for_script", "FREEZE_ABOVE"]

HERE = Path(__file__).parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"

#: Above this many nodes a physics layout is stabilised once and then frozen.
FREEZE_ABOVE = 100
#: Labels drawn on the canvas are cut to this many characters (the full label is in the tooltip and details).
LABEL_MAX = 42
#: … and shorter in layered views, where a label must fit between two layers.
LABEL_MAX_LAYERED = 32

UI = {
    "en": {"search": "Search labels (en / 中文)…", "fit": "Fit", "legend": "Legend", "details": "Details",
           "hint": "Click a node or an edge; hover for a tooltip.", "matches": "{n} match(es)",
           "nodes": "nodes", "edges": "edges", "label": "label", "other": "中文名", "class": "class",
           "source": "source", "evidence": "evidence", "iri": "IRI", "relation": "relation", "mark": "mark",
           "inferred": "inferred by the reasoner", "from": "from", "to": "to", "share": "share",
           "page": "page", "open": "open its page (or double-click the node)"},
    "zh": {"search": "搜索名称（中文 / en）…", "fit": "全图", "legend": "图例", "details": "详情",
           "hint": "点击节点或连线查看详情；悬停显示提示。", "matches": "{n} 个匹配",
           "nodes": "个节点", "edges": "条连线", "label": "名称", "other": "English", "class": "类别",
           "source": "来源", "evidence": "证据", "iri": "IRI", "relation": "关系", "mark": "标记",
           "inferred": "由推理机推出", "from": "起点", "to": "终点", "share": "份额",
           "page": "页面", "open": "打开其页面（或双击节点）"},
}

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_for_script(value) -> str:
    """JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` survive, so no
    text can close the element or open a comment.

    >>> json_for_script({"a": "</script><b>&"})
    '{"a": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False)
    return re.sub("[<>&\u2028\u2029]", lambda mo: _SCRIPT_ESCAPES[mo.group(0)], text)


@lru_cache(maxsize=None)
def _static(name: str) -> str:
    text = (STATIC / name).read_text(encoding="utf-8")
    # No source maps: a page that names one invites a request for it.
    text = re.sub(r"^//# sourceMappingURL=.*$", "", text, flags=re.M)
    text = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", text)
    closing = "</script" if name.endswith(".js") else "</style"
    if closing in text.lower():
        raise RuntimeError(f"{name} contains {closing!r} and cannot be inlined")
    return text


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def _short(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _mark_label(mark: str, lang: str) -> str:
    return MARKS[mark][3] if lang == "zh" else MARKS[mark][2]


def _node_payload(g, node: str, spec: ViewSpec, lang: str, ui: dict) -> dict:
    data = g.nodes[node]
    other = "zh" if lang == "en" else "en"
    style = group_of(data.get("kinds", ()))
    label = node_label(g, node, lang)
    cls = class_label(g, data.get("class", ""), lang)
    sources = list(data.get("source", []))
    mark = spec.marks.get(node)
    background, border, width = style.color, style.color, 1
    if mark:
        border = MARKS[mark][0]
        background = MARKS[mark][1] or background
        width = 4
    title = [label, node_label(g, node, other), cls]
    if sources:
        title.append(f"{ui['source']}: " + "; ".join(sources))
    if mark:
        title.append(f"{ui['mark']}: {_mark_label(mark, lang)}")
    title.append(data.get("qname", node))
    info = [[ui["label"], label], [ui["other"], node_label(g, node, other)], [ui["class"], cls],
            [ui["source"], "\n".join(sources)], [ui["iri"], str(node)]]
    if mark:
        info.append([ui["mark"], _mark_label(mark, lang)])
    payload = {
        "label": _short(label, LABEL_MAX if spec.levels is None else LABEL_MAX_LAYERED), "title": "\n".join(title), "shape": style.shape,
        "color": {"background": background, "border": border,
                  "highlight": {"background": background, "border": "#000000"},
                  "hover": {"background": background, "border": "#000000"}},
        "borderWidth": width, "size": 22 if node == spec.focus else 14,
        "search": " ".join([data.get("label_en", ""), data.get("label_zh", ""), data.get("qname", "")]).lower(),
        "info": info,
    }
    if spec.levels is not None:
        payload["level"] = spec.levels.get(node, 0)
    return payload


def _edge_payload(g, u: str, v: str, data: dict, lang: str, ui: dict) -> dict:
    rel = edge_label(data, lang)
    sources = list(data.get("source", []))
    quotes = list(data.get("evidence", []))
    title = [f"{node_label(g, u, lang)} → {rel} → {node_label(g, v, lang)}"]
    # A supplied-by edge with a measured share (chiplet-kg import eto) shows it on the canvas and in the tooltip.
    share = share_text(data.get("share"), data.get("year"), lang) if "share" in data else ""
    if share:
        title.append(f"{ui['share']}: {share}" + (f" — {data['share_source']}" if data.get("share_source") else ""))
    if sources:
        title.append(f"{ui['source']}: " + "; ".join(sources))
    title += [f"{ui['evidence']}: “{q}”" for q in quotes]
    if data.get("inferred"):
        title.append(ui["inferred"])
    info = [[ui["relation"], f"{rel} ({data.get('predicate', '')})"], [ui["from"], node_label(g, u, lang)],
            [ui["to"], node_label(g, v, lang)], [ui["source"], "\n".join(sources)],
            [ui["evidence"], "\n".join(quotes)]]
    if share:
        info.insert(3, [ui["share"], share + (f"\n{data['share_source']}" if data.get("share_source") else "")])
    if data.get("inferred"):
        info.append([ui["mark"], ui["inferred"]])
    return {"label": f"{rel} {share}" if share else rel, "title": "\n".join(title), "arrows": "to",
            "dashes": bool(data.get("inferred")), "info": info}


def _options(spec: ViewSpec, n_nodes: int) -> tuple[dict, bool]:
    options = {
        "autoResize": True,
        "interaction": {"hover": True, "tooltipDelay": 150, "multiselect": True, "hideEdgesOnDrag": n_nodes > 150},
        "nodes": {"font": {"size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "color": {"color": "#9e9e9e", "highlight": "#212121", "hover": "#424242"},
                  "font": {"size": 10, "align": "middle", "color": "#616161", "strokeWidth": 2,
                           "strokeColor": "#ffffff"},
                  "width": 1},
    }
    if spec.levels is not None:
        options["layout"] = {"hierarchical": {"enabled": True, "direction": "LR", "sortMethod": "directed",
                                              "levelSeparation": 330, "nodeSpacing": 40, "treeSpacing": 60,
                                              "blockShifting": True, "edgeMinimization": True,
                                              "parentCentralization": True}}
        # Layers fixed by level; hierarchical repulsion spreads each layer, then the layout is frozen.
        options["physics"] = {"enabled": True, "solver": "hierarchicalRepulsion",
                              "hierarchicalRepulsion": {"nodeDistance": 90, "springLength": 120,
                                                        "avoidOverlap": 1},
                              "stabilization": {"enabled": True, "iterations": 400, "fit": True}}
        # Trace views are tall: keep labels drawn when fitted (vis hides labels drawn under 5 px by default).
        options["nodes"]["scaling"] = {"label": {"drawThreshold": 2}}
        options["nodes"]["font"]["size"] = 16
        options["edges"]["smooth"] = {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal",
                                      "roundness": 0.4}
        return options, True
    # vis' "improved layout" gives up on larger graphs anyway and only costs time there.
    options["layout"] = {"improvedLayout": n_nodes <= FREEZE_ABOVE, "randomSeed": 7}
    options["physics"] = {"enabled": True, "solver": "forceAtlas2Based",
                          "forceAtlas2Based": {"gravitationalConstant": -70, "springLength": 110,
                                               "springConstant": 0.06, "avoidOverlap": 0.4},
                          # Fewer rounds for big graphs: each costs O(n log n), and the layout is frozen after.
                          "stabilization": {"enabled": True, "iterations": 500 if n_nodes <= 400 else 150,
                                            "updateInterval": 50, "fit": True}}
    # Curved edges are support points in the simulation: straight ones keep big graphs quick.
    options["edges"]["smooth"] = {"enabled": True, "type": "dynamic"} if n_nodes <= 400 else {"enabled": False}
    return options, n_nodes > FREEZE_ABOVE


def _legend(g, spec: ViewSpec, lang: str) -> list[dict]:
    counts: dict = {}
    for node in spec.graph.nodes:
        style = group_of(spec.graph.nodes[node].get("kinds", ()))
        counts[style] = counts.get(style, 0) + 1
    from .style import GROUPS

    legend = [{"label": group_label(g, s, lang), "glyph": GLYPHS.get(s.shape, "●"), "color": s.color,
               "count": counts[s]} for s in GROUPS if s in counts]
    used = {}
    for mark in spec.marks.values():
        used[mark] = used.get(mark, 0) + 1
    for mark, (border, background, en, zh) in MARKS.items():
        if mark in used:
            legend.append({"label": zh if lang == "zh" else en, "glyph": "◉", "color": background or "#ffffff",
                           "border": border, "count": used[mark]})
    return legend


def _vis_node(n_id, label=None, shape="dot", color="#97c2fc", **options) -> dict:
    """A node as vis-network takes it (what pyvis' ``Network.add_node`` builds, with its defaults)."""
    node = dict(options) if "group" in options else {"color": color, **options}
    node["id"] = n_id
    node["label"] = label if label else n_id
    node["shape"] = shape
    return node


def _vis_edge(source, dest, **options) -> dict:
    """A directed edge as vis-network takes it (what pyvis' ``Network.add_edge`` builds)."""
    edge = dict(options)
    edge["from"] = source
    edge["to"] = dest
    if "arrows" not in edge:
        edge["arrows"] = "to"
    return edge


def render_page(g, spec: ViewSpec, *, lang: str = "en", site: str | None = None) -> str:
    """The HTML page of ``spec`` (a :class:`~chiplet_kg.views.select.ViewSpec` over the projection ``g``).

    The page holds everything it needs (vis-network, its CSS, the page script and the data), so it opens from
    ``file://`` with no network; a Content-Security-Policy allows only its own two scripts, by hash. Labels,
    sources and evidence reach the page only as JSON text in a data block (``<``, ``>``, ``&`` escaped) and are
    put into the document with ``textContent`` and vis-network's text tooltips: no user text is ever parsed as
    HTML.

    ``site`` is the relative path from the page to the static site's root (``"site/"`` for the views that
    ``chiplet-kg build`` writes beside ``build/site/``): then each node links to its entity page
    (:func:`chiplet_kg.site.page_path`), in the details panel and on a double click.
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    if lang not in UI:
        raise ValueError(f"lang must be en or zh, not {lang!r}")
    ui = UI[lang]
    sub = spec.graph
    # The nodes and edges in vis-network's format, as pyvis' Network.add_node / add_edge made them. pyvis itself is
    # not used: importing it imports IPython (seconds), and its add_edge scans every node per edge (quadratic).
    nodes = [_vis_node(node, **_node_payload(g, node, spec, lang, ui)) for node in sub.nodes]
    if site is not None:
        from ..site import page_path

        for node in nodes:
            path = page_path(node["id"])
            if path:  # a path the site made (a-z, 0-9, ., _, -, /): safe as an href
                node["page"] = site + path
    edges = [_vis_edge(u, v, id=f"e{i}", **_edge_payload(g, u, v, data, lang, ui))
             for i, (u, v, key, data) in enumerate(sub.edges(keys=True, data=True))]
    options, freeze = _options(spec, sub.number_of_nodes())
    # Our own template (pyvis' loads Bootstrap and vis from CDNs), in an environment that autoescapes every plain
    # value.
    env = Environment(loader=FileSystemLoader(str(TEMPLATES) + "/"), autoescape=select_autoescape(
        enabled_extensions=("html", "j2"), default_for_string=True, default=True))

    title_en, title_zh = VIEW_TITLES.get(spec.name, (spec.name, spec.name))
    payload = {"nodes": nodes, "edges": edges, "options": options, "freeze": freeze,
               "legend": _legend(g, spec, lang), "ui": ui, "view": spec.name, "lang": lang}
    vis_js, page_js = _static("vis-network.min.js"), _static("view.js")
    csp = ("default-src 'none'; " f"script-src {_csp_hash(vis_js)} {_csp_hash(page_js)}; "
           "style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'")
    subtitle = spec.subtitle[1] if lang == "zh" else spec.subtitle[0]
    counts = f"{sub.number_of_nodes()} {ui['nodes']} · {sub.number_of_edges()} {ui['edges']}"
    template = env.get_template("view.html.j2")
    return template.render(
        lang=lang, view=spec.name, version=__version__, csp=csp,
        title=("chiplet-kg — " + (title_zh if lang == "zh" else title_en)), subtitle=subtitle, counts=counts, ui=ui,
        vis_css=Markup(_static("vis-network.min.css")), page_css=Markup(_static("view.css")),
        vis_js=Markup(vis_js), page_js=Markup(page_js), payload=Markup(json_for_script(payload)),
    )

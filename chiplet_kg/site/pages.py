"""The pages of the static site: one per entity and ontology term, an index with search, and the shared assets."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS

from .. import __version__
from ..namespace import CKG, CKGD, ETO
from .data import CLASS_TYPES, PROPERTY_TYPES, SiteData, collect, skos_definition
from .paths import page_path, relative

__all__ = ["build_site", "CSP", "ASSETS", "MAX_ROWS"]

HERE = Path(__file__).parent
VIEWS_STATIC = HERE.parent / "views" / "static"

#: The policy of every page: nothing from elsewhere; scripts only from the site's own files (vis-network sets
#: inline style attributes, so styles also allow 'unsafe-inline', as the views do).
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
       "connect-src 'none'; base-uri 'none'; form-action 'none'; object-src 'none'")
#: Shared files, written once under ``assets/`` (vis-network is the views' vendored copy).
ASSETS = {
    "assets/vis-network.min.js": VIEWS_STATIC / "vis-network.min.js",
    "assets/vis-network.min.css": VIEWS_STATIC / "vis-network.min.css",
    "assets/site.js": HERE / "static" / "site.js",
    "assets/site.css": HERE / "static" / "site.css",
    "assets/LICENSE-vis-network-APACHE-2.0": VIEWS_STATIC / "LICENSE-APACHE-2.0",
    "assets/LICENSE-vis-network-MIT": VIEWS_STATIC / "LICENSE-MIT",
}
#: Rows shown per relation on one page (a class has every instance as an incoming rdf:type); the rest is counted.
MAX_ROWS = 200
#: Neighbours drawn in the small network of a page.
MAX_NEIGHBOURS = 40

_WEB = ("http://", "https://")
_OWN = (str(CKGD), str(CKG._NS), str(ETO))
#: Vocabularies (rdf, owl, skos, dcterms, …): their terms are not sources to visit.
_VOCAB = ("http://www.w3.org/", "http://purl.org/dc/", "https://schema.org/", "http://xmlns.com/")
#: Shown in the page's head, not again among the statements.
_HEAD = {RDFS.label, SKOS.definition, SKOS.altLabel}
_MATCH = (SKOS.exactMatch, SKOS.closeMatch)

UI = {
    "statements_out": ("Statements", "陈述"),
    "statements_in": ("Statements about it from other entities", "其他实体指向它的陈述"),
    "relation": ("relation", "关系"), "value": ("value", "值"), "subject": ("from", "起点"),
    "source": ("source", "来源"), "evidence": ("evidence", "证据"), "inferred": ("inferred", "推理得出"),
    "more": ("more not shown", "条未显示"),
    "class": ("Class", "类别"), "definition": ("Definition", "定义"), "also": ("Also called", "又称"),
    "sources": ("Sources", "来源"), "iri": ("IRI", "IRI"), "rdf": ("As RDF", "RDF 格式"),
    "shares": ("Measured shares", "测得的市场份额"), "provider": ("provider", "供应方"), "item": ("item", "要素"),
    "year": ("year", "年份"), "share": ("share", "份额"), "level": ("level", "层级"),
    "unknown": ("not given", "未给出"),
    "aggregate": ("spread over unnamed providers", "分散于多家未具名供应方"), "firm": ("firm", "企业"), "country": ("country", "国家"),
    "depends": ("Dependencies", "依赖关系"), "depends_on": ("It depends on", "它依赖"),
    "dependents": ("What depends on it", "依赖它的"), "direct": ("directly", "直接"),
    "chain": ("through a chain", "经由依赖链"),
    "policies": ("Policies that address it", "针对它的政策"), "policy": ("policy", "政策"),
    "group": ("policy group", "政策类别"), "via": ("how", "方式"), "through": ("through", "经由"),
    "no_policy": ("No policy addresses it or a more specific kind of it (a gap).",
                  "没有任何政策针对它或其更具体的种类（缺口）。"),
    "measures": ("Measures that restrict it", "限制它的措施"), "measure": ("measure", "措施"),
    "restricted": ("restricts", "限制对象"), "imposer": ("imposed by", "实施方"),
    "reaches": ("What it reaches", "政策追踪"), "target": ("addresses", "针对"),
    "supplier": ("supplier", "供应商"),
    "cited": ("Statements it is the source of", "以它为来源的陈述"), "other_label": ("中文名", "English"),
    "network": ("Neighbourhood", "邻域"), "network_hint": ("Click a node to open its page.", "点击节点打开其页面。"),
    "index": ("All entities", "全部实体"), "search": ("Search labels (en / 中文)…", "搜索名称（中文 / en）…"),
    "all_classes": ("every class", "全部类别"), "all_countries": ("every country", "全部国家或地区"),
    "lang": ("中文", "English"), "home": ("Index", "索引"),
    "site_title": ("chiplet-kg: the knowledge graph, page by page", "chiplet-kg：知识图谱逐页浏览"),
    "domain": ("domain", "定义域"), "range": ("range", "值域"),
}
_VIA_ZH = {"addresses it": "直接针对", "addresses a challenge that concerns it": "针对涉及它的挑战或瓶颈",
           "addresses a broader item": "针对更宽泛的要素",
           "addresses a challenge that concerns a broader item": "针对涉及更宽泛要素的挑战或瓶颈"}


class _Site:
    """Everything one build of the site needs, read once; :meth:`page` renders one entity."""

    def __init__(self, kg):
        self.kg = kg
        self.d: SiteData = collect(kg)
        self.nodes = list(self.d.instances) + list(self.d.terms)
        self.paths = {n: page_path(n) for n in self.nodes}
        self._qnames: dict = {}
        self._provisions()
        self._dependencies()
        # source → the statements it is cited for (with their quotes), from the axioms
        self.cited = defaultdict(list)
        for triple, notes in self.d.axioms.items():
            for srcs, evidence in notes:
                for src in srcs:
                    self.cited[src].append((triple, evidence))
        self._named_queries()

    # ------------------------------------------------------------ what the pages link and show

    def qname(self, node) -> str:
        q = self._qnames.get(node)
        if q is None:
            q = self._qnames[node] = self.kg.qname(node)
        return q

    def labels(self, node) -> dict:
        """``{"en": …, "zh": …}`` (the title of a source without a label)."""
        d = self.d
        if node not in d.labels and isinstance(node, URIRef):
            titles = {o.language or "": str(o) for o in d.objects(node, DCTERMS.title) if isinstance(o, Literal)}
            if titles:
                en = titles.get("en") or titles.get("") or next(iter(titles.values()))
                return {"en": en, "zh": titles.get("zh", en)}
            if node not in self.paths:
                return {"en": self.qname(node), "zh": self.qname(node)}
        return {"en": d.label(node, "en"), "zh": d.label(node, "zh")}

    def link(self, node, here: str, web: bool = True) -> dict:
        """A link to ``node``: its labels, its page (relative to ``here``) and, for a web address, the address
        (not for a relation or a class from another vocabulary: ``web=False``)."""
        out = {"labels": self.labels(node), "href": None, "web": None, "qname": self.qname(node)}
        if node in self.paths:
            out["href"] = relative(here, self.paths[node])
        text = str(node)
        # Only http(s) addresses become outside links: a `javascript:` IRI in a --data file stays text.
        if web and text.startswith(_WEB) and not text.startswith(_OWN + _VOCAB):
            out["web"] = text
        return out

    def value(self, term, here: str) -> dict:
        if isinstance(term, Literal):
            dt = self.qname(term.datatype) if term.datatype else None
            return {"literal": str(term), "lang": term.language, "datatype": dt}
        return self.link(term, here)

    def notes(self, triple, here: str) -> tuple[list, list]:
        """The sources (links) and evidence quotes of a statement, from its ``owl:Axiom`` annotations."""
        sources, quotes, seen = [], [], set()
        for srcs, evidence in self.d.axioms.get(triple, ()):
            for s in srcs:
                if s not in seen:
                    seen.add(s)
                    sources.append(self.value(s, here))
            for q in evidence:
                quotes.append({"text": str(q), "lang": getattr(q, "language", None)})
        return sources, quotes

    # ------------------------------------------------------------ read once for every page

    def _provisions(self) -> None:
        d = self.d
        self.by_item, self.by_provider = defaultdict(list), defaultdict(list)
        self.records = {n for n in d.instances if d.is_a(n, CKG.Provision)}
        for rec in self.records:
            for item in d.objects(rec, CKG.providedItem):
                self.by_item[item].append(rec)
            for provider in d.objects(rec, CKG.provider):
                self.by_provider[provider].append(rec)

    def _dependencies(self) -> None:
        """``dependsOn`` both ways; ``dependencyOf`` is its inverse and ``goesInto`` a kind of ``dependencyOf``
        (ontology/chiplet.ttl); transitive, so the pages list the closure (:meth:`_closure`)."""
        d = self.d
        self.dep_on, self.dep_by = defaultdict(set), defaultdict(set)
        # asserted one-step links: the reasoner's closure puts every chain's end one (inferred) step away
        self.dep_on_asserted, self.dep_by_asserted = defaultdict(set), defaultdict(set)
        for s, pairs in d.out.items():
            for (p, o), inferred in pairs.items():
                if isinstance(o, Literal):
                    continue
                if p == CKG.dependsOn:
                    a, b = s, o
                elif p in (CKG.dependencyOf, CKG.goesInto):
                    a, b = o, s
                else:
                    continue
                self.dep_on[a].add(b)
                self.dep_by[b].add(a)
                if not inferred:
                    self.dep_on_asserted[a].add(b)
                    self.dep_by_asserted[b].add(a)
        # dependsOn ∘ isTypeOf ⊑ dependsOn (the ontology's property chain): what depends on photoresist depends on
        # key materials. A reasoned graph holds these links already; an unreasoned one gets them here.
        broader = defaultdict(set)
        for s, pairs in d.out.items():
            for (p, o) in pairs:
                if p == CKG.isTypeOf and not isinstance(o, Literal):
                    broader[s].add(o)
        for a, targets in list(self.dep_on.items()):
            for b in list(targets):
                for c in self._closure(b, broader):
                    if c != a:
                        self.dep_on[a].add(c)
                        self.dep_by[c].add(a)

    @staticmethod
    def _closure(start, step) -> set:
        seen, todo = set(), list(step.get(start, ()))
        while todo:
            n = todo.pop()
            if n not in seen and n != start:
                seen.add(n)
                todo.extend(step.get(n, ()))
        return seen

    def _named_queries(self) -> None:
        """The named queries the pages reuse, each run with its parameter bound as an RDF term."""
        from ..library import get_query

        d = self.d
        self.trace_text = get_query("dependency-trace").text
        self.policy_trace_text = get_query("policy-trace").text
        self.unaddressed = {r["item"] for r in self.kg.store.run(get_query("unaddressed-dependencies").text).rows}
        # Measures, what they restrict, and the technologies that depend on a restricted item (one run).
        self.restricting = defaultdict(list)
        for r in self.kg.store.run(get_query("restricted-items").text).rows:
            self.restricting[r["restricted"]].append((r["measure"], r["restricted"], r.get("source")))
            if "dependent" in r:
                self.restricting[r["dependent"]].append((r["measure"], r["restricted"], r.get("source")))
        self.traced = {n for n in d.instances
                       if any(d.is_a(n, c) for c in (CKG.SupplyChainItem, CKG.Bottleneck, CKG.Challenge))}
        self.policies = {n for n in d.instances
                         if any(d.is_a(n, c) for c in (CKG.PolicyGroup, CKG.PolicyInstrument, CKG.EnactedPolicy))}

    # ------------------------------------------------------------ one page

    def _groups(self, node, here: str, incoming: bool) -> list[dict]:
        d = self.d
        pairs = d.inc.get(node, {}) if incoming else d.out.get(node, {})
        grouped: dict = defaultdict(list)
        for key, inferred in pairs.items():
            a, p = key if incoming else key[::-1]  # inc: (subject, p); out: (p, object)
            if not incoming and p in _HEAD:
                continue
            grouped[p].append((a, inferred))
        groups = []
        for p in sorted(grouped, key=lambda p: (p != RDF.type, self.labels(p)["en"].casefold())):
            rows = grouped[p]
            rows.sort(key=lambda r: (r[1], self.labels(r[0])["en"].casefold() if not isinstance(r[0], Literal)
                                     else str(r[0])))
            shown = []
            for other, inferred in rows[:MAX_ROWS]:
                triple = (other, p, node) if incoming else (node, p, other)
                sources, quotes = self.notes(triple, here)
                shown.append({"value": self.value(other, here), "inferred": inferred, "sources": sources,
                              "evidence": quotes})
            groups.append({"relation": self.link(p, here, web=False), "rows": shown, "more": max(0, len(rows) - MAX_ROWS)})
        return groups

    def _shares(self, node, here: str) -> list[dict]:
        d = self.d
        linked = {node} | {o for p in _MATCH for o in d.objects(node, p)} | \
                 {s for p in _MATCH for s in d.subjects(p, node)}
        records = {r for n in linked for r in self.by_item.get(n, []) + self.by_provider.get(n, [])}
        rows = []
        for rec in records:
            share = [o for o in d.objects(rec, CKG.sharePercent)]
            year = [o for o in d.objects(rec, CKG.year)]
            providers = list(d.objects(rec, CKG.provider))
            rows.append({
                "record": self.link(rec, here),
                "provider": [self.link(o, here) for o in providers],
                # "Various companies": many providers with unknown shares, not one (issue 18), and said so.
                "aggregate": any(d.is_a(o, CKG.AggregateProvider) for o in providers),
                "item": [self.link(o, here) for o in d.objects(rec, CKG.providedItem)],
                "share": f"{float(share[0]):g} %" if share else None,
                "year": str(year[0]) if year else "",
                "level": "firm" if d.is_a(rec, CKG.FirmProvision) else "country",
                "sources": [self.value(o, here) for o in d.objects(rec, DCTERMS.source)],
                "note": " ".join(str(o) for o in d.objects(rec, CKG.sourceText)),
                "_sort": -(float(share[0]) if share else -1.0),
            })
        rows.sort(key=lambda r: (r["item"][0]["labels"]["en"] if r["item"] else "", r["level"], r["_sort"],
                                 r["year"]))
        return rows[:MAX_ROWS]

    def _policy_rows(self, node, here: str) -> list[dict]:
        if node not in self.traced:
            return []
        rows, seen = [], set()
        for r in self.kg.store.run(self.trace_text, {"item": node}).rows:
            key = (r["policy"], r.get("via"), r.get("through"))
            if key in seen:
                continue
            seen.add(key)
            via = str(r.get("via", ""))
            rows.append({"policy": self.link(r["policy"], here),
                         "group": self.link(r["group"], here) if "group" in r else None,
                         "via": {"en": via, "zh": _VIA_ZH.get(via, via)},
                         "through": self.link(r["through"], here) if "through" in r and r["through"] != node
                         else None,
                         "source": self.value(r["source"], here) if "source" in r else None})
        return rows

    def _reach_rows(self, node, here: str) -> list[dict]:
        if node not in self.policies:
            return []
        rows, seen = [], set()
        for r in self.kg.store.run(self.policy_trace_text, {"policy": node}, max_rows=2000).rows:
            key = (r.get("instrument"), r.get("target"), r.get("item"), r.get("supplier"))
            if key in seen or "target" not in r:
                continue
            seen.add(key)
            rows.append({k: self.link(r[k], here) if k in r else None
                         for k in ("instrument", "target", "item", "supplier", "country")}
                        | {"via": str(r.get("via", ""))})
        return rows[:MAX_ROWS]

    def _cited(self, node, here: str) -> tuple[list[dict], int]:
        """The statements ``node`` is the source of (a paper section, a news item), each with its quote."""
        found = self.cited.get(node, [])
        rows = []
        for (s, p, o), evidence in sorted(found, key=lambda c: (self.labels(c[0][0])["en"].casefold(),
                                                              str(c[0][1]), str(c[0][2])))[:MAX_ROWS]:
            rows.append({"subject": self.value(s, here), "relation": self.link(p, here, web=False),
                         "object": self.value(o, here),
                         "evidence": [{"text": str(q), "lang": getattr(q, "language", None)} for q in evidence]})
        return rows, max(0, len(found) - MAX_ROWS)

    def _measures(self, node, here: str) -> list[dict]:
        rows, seen = [], set()
        for measure, restricted, source in self.restricting.get(node, ()):
            if (measure, restricted) in seen:
                continue
            seen.add((measure, restricted))
            rows.append({"measure": self.link(measure, here), "restricted": self.link(restricted, here),
                         "imposer": [self.link(o, here) for o in self.d.objects(measure, CKG.imposedBy)],
                         "source": self.value(source, here) if source is not None else None})
        return rows

    def _network(self, node, here: str) -> dict:
        from ..views.style import group_of

        d = self.d
        seen: dict = {}
        edges = []
        skip = {RDF.type, DCTERMS.source, RDFS.subClassOf, RDFS.domain, RDFS.range, OWL.inverseOf}
        candidates = [(node, p, o, inf) for (p, o), inf in d.out.get(node, {}).items()] + \
                     [(s, p, node, inf) for (s, p), inf in d.inc.get(node, {}).items()]
        candidates.sort(key=lambda c: c[3])  # asserted first
        asserted = set()
        for s, p, o, inferred in candidates:
            other = o if s == node else s
            if p in skip or other not in self.paths or other == node or other in self.records:
                continue  # provision records are listed under the shares, not drawn (ontology/eto.ttl)
            # An inferred inverse (supplies for suppliedBy) would draw every asserted edge twice.
            if inferred and other in asserted:
                continue
            if not inferred:
                asserted.add(other)
            if other not in seen:
                if len(seen) >= MAX_NEIGHBOURS:
                    continue
                seen[other] = True
            rel = self.labels(p)
            edges.append({"from": str(s), "to": str(o), "en": rel["en"], "zh": rel["zh"], "dashes": inferred})
        nodes = []
        for n in [node, *seen]:
            kinds = {self.qname(c) for t in d.all_types.get(n, ()) for c in {t, *d.superclasses.get(t, ())}}
            style = group_of(kinds)
            lab = self.labels(n)
            nodes.append({"id": str(n), "en": lab["en"], "zh": lab["zh"], "href": relative(here, self.paths[n]),
                          "color": style.color, "shape": style.shape, "focus": n == node})
        return {"nodes": nodes, "edges": edges}

    def classes_of(self, node) -> list:
        d = self.d
        types = [t for t in d.types.get(node, ()) if isinstance(t, URIRef)]
        # The most specific: drop a class that another of the node's classes is a subclass of.
        return sorted((t for t in types if not any(t in d.superclasses.get(u, ()) for u in types if u != t)),
                      key=str)

    def page(self, node) -> dict:
        """The template's context for the page of ``node``."""
        d = self.d
        here = self.paths[node]
        dep_on_direct = self.dep_on_asserted.get(node, set())
        dep_by_direct = self.dep_by_asserted.get(node, set())
        dep_on_all = self._closure(node, self.dep_on)
        dep_by_all = self._closure(node, self.dep_by)

        def links(nodes):
            return sorted((self.link(n, here) for n in nodes), key=lambda x: x["labels"]["en"].casefold())

        stem = here[: -len(".html")].rsplit("/", 1)[1]
        term = node in d.terms
        ctx = {
            "here": here, "root": relative(here, ""), "labels": self.labels(node), "qname": self.qname(node),
            "iri": str(node), "ttl": stem + ".ttl", "jsonld": stem + ".jsonld",
            "classes": [self.link(c, here, web=False) for c in self.classes_of(node)],
            "definition": skos_definition(d, node),
            "also": [{"text": str(o), "lang": o.language} for o in d.objects(node, SKOS.altLabel)
                     if isinstance(o, Literal)],
            "statements_out": self._groups(node, here, incoming=False),
            "statements_in": self._groups(node, here, incoming=True),
            "shares": [] if term else self._shares(node, here),
            "depends_on": {"direct": links(dep_on_direct), "chain": links(dep_on_all - dep_on_direct)},
            "dependents": {"direct": links(dep_by_direct), "chain": links(dep_by_all - dep_by_direct)},
            "policies": self._policy_rows(node, here),
            "gap": node in self.unaddressed,
            "reaches": self._reach_rows(node, here),
            "measures": self._measures(node, here),
            "cited": self._cited(node, here),
            "term": term,
            "network": self._network(node, here),
        }
        return ctx


# ====================================================================== rendering

@lru_cache(maxsize=None)
def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(loader=FileSystemLoader(str(HERE / "templates")), undefined=StrictUndefined,
                       autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True,
                                                    default=True),
                       trim_blocks=True, lstrip_blocks=True)


def _index_entries(site: _Site) -> dict:
    d = site.d
    classes, countries, entries = {}, {}, []
    for node in site.nodes:
        if node in d.terms:
            kind = OWL.Class if d.types.get(node, set()) & CLASS_TYPES else OWL.ObjectProperty
            cls = [kind]
        else:
            cls = site.classes_of(node)
        key = site.qname(cls[0]) if cls else ""
        if cls and key not in classes:
            lab = site.labels(cls[0])
            classes[key] = [lab["en"], lab["zh"]]
        where = set(d.objects(node, CKG.basedIn)) | set(d.objects(node, CKG.suppliedFrom))
        if d.is_a(node, CKG.CountryOrRegion):
            where.add(node)
        keys = []
        for c in where:
            k = site.qname(c)
            if k not in countries:
                lab = site.labels(c)
                countries[k] = [lab["en"], lab["zh"]]
            keys.append(k)
        lab = site.labels(node)
        alt = " ".join(str(o) for o in d.objects(node, SKOS.altLabel))
        entries.append({"p": site.paths[node], "en": lab["en"], "zh": lab["zh"], "q": site.qname(node),
                        "a": alt, "c": key, "k": sorted(keys)})
    entries.sort(key=lambda e: e["en"].casefold())
    return {"entries": entries,
            "classes": dict(sorted(classes.items(), key=lambda kv: kv[1][0].casefold())),
            "countries": dict(sorted(countries.items(), key=lambda kv: kv[1][0].casefold()))}


def build_site(kg) -> dict[str, bytes]:
    """The whole static site of ``kg``: relative path → file content.

    ``index.html`` (search over labels in both languages, filters by class and country), one page per instance
    and per class and property of the ontology (``data/X.html``, ``ontology/T.html``, ``eto/N.html``,
    ``other/<hash>.html``; see :func:`~chiplet_kg.site.paths.page_path`), beside each its description as
    ``.ttl`` and ``.jsonld`` (:func:`chiplet_kg.describe.describe`), and the shared scripts and styles under
    ``assets/``. Links are relative; no page requests anything from elsewhere (see :data:`CSP`).

    Examples
    --------
    >>> from chiplet_kg import ChipletKG
    >>> site = build_site(ChipletKG(reason=False))
    >>> b'Content-Security-Policy' in site["data/Photoresist.html"], "data/Photoresist.ttl" in site
    (True, True)
    """
    from markupsafe import Markup

    from ..describe import describe_serialized
    from ..views.page import _static, json_for_script

    site = _Site(kg)
    env = _env()
    page_t = env.get_template("entity.html.j2")
    files: dict[str, bytes] = {}
    common = {"ui": UI, "csp": CSP, "version": __version__}
    for node in site.nodes:
        ctx = site.page(node)
        network = ctx.pop("network")
        html = page_t.render(**common, **ctx, network=Markup(json_for_script(network)))
        here = ctx["here"]
        files[here] = html.encode("utf-8")
        ttl, jsonld = describe_serialized(kg, node)
        base = here[: -len(".html")]
        files[base + ".ttl"] = ttl
        files[base + ".jsonld"] = jsonld
    index = _index_entries(site)
    files["index.html"] = env.get_template("index.html.j2").render(
        **common, root="", count=len(site.nodes), data=Markup(json_for_script(index))).encode("utf-8")
    for name, path in ASSETS.items():
        # The views' loader drops source-map comments: a page that names a map invites a request for it.
        files[name] = _static(path.name).encode("utf-8") if path.parent == VIEWS_STATIC and name.endswith(
            (".js", ".css")) else path.read_bytes()
    return files

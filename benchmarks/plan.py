"""What the benchmarks run: the engines, the named queries with their parameters bound, the query shapes."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

__all__ = ["ENGINES", "SHAPES", "PARAM_EXAMPLES", "builtin_files", "make_plan"]

ENGINES = ("pyoxigraph", "chiplet-kg", "rdflib")

#: The four query shapes of the issue, as free SPARQL over the synthetic graph (prefixes as the CLI predeclares).
SHAPES = {
    "join": """SELECT ?item ?class ?firm ?country ?code WHERE {
    ?item ckg:suppliedBy ?firm .
    ?firm ckg:basedIn ?country .
    ?country ckg:isoAlpha3 ?code .
    ?item a ?class .
}""",
    "transitive path": """SELECT DISTINCT ?technology ?dependency WHERE {
    ?technology a ckg:PackagingArchitecture ;
                ckg:dependsOn+ ?dependency .
}""",
    "group count": """SELECT ?country (COUNT(DISTINCT ?item) AS ?items) (COUNT(DISTINCT ?firm) AS ?firms) WHERE {
    ?item ckg:suppliedBy ?firm .
    ?firm ckg:basedIn ?country .
}
GROUP BY ?country
ORDER BY DESC(?items) ?country""",
    "not exists": """SELECT ?item WHERE {
    ?item a ?class .
    ?class rdfs:subClassOf* ckg:SupplyChainItem .
    FILTER NOT EXISTS { ?policy ckg:addresses ?item }
    FILTER NOT EXISTS { ?bottleneck ckg:concerns ?item }
}""",
}

#: Which example entity of the synthetic graph each query parameter takes.
PARAM_EXAMPLES = {"item": "item", "technology": "technology", "country": "country", "policy": "policy",
                  "entity": "firm", "text": "text", "year": "year"}

#: Argument relations that make up the supply network of ``analyze chokepoints`` (needs, kinds, suppliers, countries).
_SUPPLY_EDGES = """SELECT ?u ?v WHERE {
    { ?u ckg:dependsOn|ckg:usesTechnology|ckg:isTypeOf|ckg:suppliedBy ?v }
    UNION { ?u ckg:basedIn ?v . ?item ckg:suppliedBy ?u }
}"""
_NEEDS_EDGES = "SELECT ?u ?v WHERE { ?u ckg:dependsOn|ckg:usesTechnology ?v }"
_SUPPLIER_EDGES = "SELECT ?i ?f WHERE { ?i ckg:suppliedBy ?f }"
_PROJECTION_NODES = """SELECT ?e ?class ?en ?zh WHERE {
    ?e a ?class . ?class rdfs:subClassOf* ckg:Entity .
    OPTIONAL { ?e rdfs:label ?en FILTER(LANG(?en) = "en") }
    OPTIONAL { ?e rdfs:label ?zh FILTER(LANG(?zh) = "zh") }
}"""
_PROJECTION_EDGES = """SELECT ?s ?p ?o WHERE {
    ?p ckg:carriesArgument true .
    ?s ?p ?o .
    FILTER(isIRI(?o))
}"""


def builtin_files() -> list[str]:
    """The shipped ontology and graph data, in the order ChipletKG loads them."""
    from chiplet_kg.kg import ChipletKG

    return [str(p) for p in ChipletKG.ontology_files(ROOT)] + [str(p) for p in sorted((ROOT / "graph_data").glob("*.ttl"))]


def make_plan(data: Path, summary: dict, limit: float, repeat: int, skip: set[str], timed_out: dict) -> dict:
    """Every task with the exact text each engine runs: named queries (with their parameters bound) and shapes."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from chiplet_kg.library import load_library
    from chiplet_kg.sparql import sparql_iri, with_bindings, with_prefixes

    examples = summary["examples"]
    tasks = []
    for name, named in load_library().items():
        params, bindings = {}, {}
        for p in named.params:
            if not p.required:
                continue   # the query's 'all' form: the heavier and the more common one
            value = examples[PARAM_EXAMPLES[p.name]]
            params[p.name] = value
            bindings[p.name] = (URIRef(value) if p.kind == "entity" else
                                Literal(int(value), datatype=XSD.integer) if p.kind == "number" else Literal(value))
        if "?lang" in named.text:
            bindings["lang"] = Literal("en")
        tasks.append({"id": f"query {name}", "kind": "named", "name": name, "params": params,
                      "text": with_prefixes(with_bindings(named.text, bindings))})
    for shape, text in SHAPES.items():
        tasks.append({"id": f"shape: {shape}", "kind": "sparql", "sparql": text, "text": with_prefixes(text)})
    for task in ("projection", "analyze chokepoints", "analyze whatif", "viz overview"):
        tasks.append({"id": task, "kind": task.split()[0]})
    tasks = [t for t in tasks if t["id"] not in skip]
    return {"data": str(data), "builtin": builtin_files(), "examples": examples, "limit": limit, "repeat": repeat,
            "timed_out": timed_out,
            "tasks": tasks, "supply_edges": with_prefixes(_SUPPLY_EDGES), "needs_edges": with_prefixes(_NEEDS_EDGES),
            "supplier_edges": with_prefixes(_SUPPLIER_EDGES),
            "country_firms": with_prefixes(f"SELECT ?f WHERE {{ ?f ckg:basedIn {sparql_iri(examples['country'])} }}"),
            "projection_nodes": with_prefixes(_PROJECTION_NODES), "projection_edges": with_prefixes(_PROJECTION_EDGES)}


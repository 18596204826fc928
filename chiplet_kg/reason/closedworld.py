"""The closed world: members of the classes OWL cannot decide, computed by the named queries that define them."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from ..namespace import ASSERTED_GRAPH, CKG, bind_prefixes

__all__ = ["CLOSED_WORLD", "closed_world", "closed_world_members", "run_item_query", "store_with"]

#: Classes marked ``ckg:closedWorld true`` in the ontology → the named query (``queries/NAME.rq``) whose ``?item``
#: column lists their members. The query is the one definition: ``chiplet-kg query NAME`` and ``analyze gaps`` run it
#: too.
CLOSED_WORLD: dict[URIRef, str] = {
    CKG.UnaddressedDependency: "unaddressed-dependencies",
    CKG.ItemWithoutDomesticSupplier: "items-without-domestic-supplier",
}


def store_with(asserted: Graph, inferred: Graph | None = None, *, ox_store=None):
    """A query store (:class:`chiplet_kg.sparql.Store`) holding ``asserted`` and ``inferred``.

    With ``ox_store`` (a pyoxigraph store whose ``ASSERTED_GRAPH`` already holds ``asserted``, such as ``kg.ox``), its
    asserted quads are copied store to store instead of serialising ``asserted`` again.
    """
    from ..sparql import Store

    if ox_store is None:
        return Store(asserted, inferred)
    import pyoxigraph as ox

    copy = ox.Store()
    copy.bulk_extend(ox_store.quads_for_pattern(None, None, None, ox.NamedNode(str(ASSERTED_GRAPH))))
    return Store(None, inferred, ox_store=copy)


def closed_world_members(store, cls: URIRef) -> set[URIRef]:
    """The members of the closed-world class ``cls``: the ``?item`` column of its defining query, run on ``store``."""
    return run_item_query(store, CLOSED_WORLD[cls])


def closed_world(asserted: Graph, inferred: Graph, *, store=None) -> Graph:
    """Members of the ontology's closed-world classes (``ckg:closedWorld true``), computed over asserted + inferred.

    These are conclusions OWL cannot draw ("no policy addresses it"): they hold for the graph as loaded and may
    change when data is added. Only classes the loaded ontology declares and marks are computed, each by its named
    query (:data:`CLOSED_WORLD`) on a store holding the asserted and the materialised triples.

    Parameters
    ----------
    asserted, inferred : the asserted graph and what the reasoner inferred from it.
    store : a query store already holding both (else one is made).
    """
    out = bind_prefixes(Graph())
    marked = [cls for cls in CLOSED_WORLD if (cls, CKG.closedWorld, Literal(True)) in asserted]
    if not marked:
        return out
    store = store or store_with(asserted, inferred)
    for cls in marked:
        for x in closed_world_members(store, cls):
            if (x, RDF.type, cls) not in asserted:
                out.add((x, RDF.type, cls))
    return out


def run_item_query(store, name: str) -> set[URIRef]:
    """The IRIs in the ``?item`` column of the named query ``name`` run on ``store`` (a :class:`chiplet_kg.sparql.Store`)."""
    from ..library import get_query

    rows = store.run(get_query(name).text).rows
    return {r["item"] for r in rows if isinstance(r.get("item"), URIRef)}

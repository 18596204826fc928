"""Running SPARQL: :mod:`.checks` (what a read-only local graph refuses), :mod:`.terms` (RDF terms and query text),
:mod:`.store` (the local pyoxigraph store, time limits) and :mod:`.remote` (SPARQL 1.1 endpoints).

``from chiplet_kg.sparql import X`` works for every public name of the four modules.
"""

from __future__ import annotations

from .checks import FORMS, MAX_NESTING, check_nesting, check_query, quick_form, read_query_file
from .checks import _names  # noqa: F401 - not public; the tests walk parse trees with it
from .remote import run_remote
from .store import QueryResult, Store
from .terms import from_ox, sparql_iri, sparql_literal, term_to_sparql, to_ox, with_bindings, with_prefixes

__all__ = ["FORMS", "MAX_NESTING", "QueryResult", "Store", "check_nesting", "check_query", "from_ox", "quick_form",
           "read_query_file", "run_remote", "sparql_iri", "sparql_literal", "term_to_sparql", "to_ox", "with_bindings",
           "with_prefixes"]

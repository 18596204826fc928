"""The static site: a page for every entity and ontology term, an index with search, relative links, no requests out.

``chiplet-kg build`` writes it to ``build/site/`` (:func:`chiplet_kg.pipeline.outputs`); ``chiplet-kg serve``
answers the graph's IRIs with its pages.
"""

from __future__ import annotations

from .pages import build_site
from .paths import page_path

__all__ = ["build_site", "page_path"]

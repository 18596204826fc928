"""Interactive HTML views of the projection (vis-network, offline): overview, policy trace, supply chain, roadmap,
a neighbourhood, and a what-if scenario."""

from __future__ import annotations

from pathlib import Path

from .select import VIEW_NAMES, ViewSpec, choose_view, select

__all__ = ["VIEW_NAMES", "ViewSpec", "choose_view", "select", "render_view", "write_view"]


def render_view(g, view: str = "overview", *, lang: str = "en", focus: str | None = None, depth: int = 1,
                remove=(), threshold: float = 100.0, site: str | None = None) -> str:
    """The HTML page of one view of the projection ``g``.

    Parameters
    ----------
    g : the projection (``chiplet_kg.network.project``).
    view : one of ``VIEW_NAMES``.
    lang : ``en`` or ``zh``: labels on the canvas and the page's own words.
    focus, depth : the entity (node id) and radius of the ``focus`` view.
    remove, threshold : the removed node ids and the cut-off threshold (per cent) of the ``whatif`` view.
    site : the relative path from the page to the static site (``"site/"`` in ``build/``): nodes link to their
        entity pages. None (default): no links, for a page written on its own.

    Examples
    --------
    >>> from chiplet_kg import ChipletKG
    >>> from chiplet_kg.network import project
    >>> html = render_view(project(ChipletKG()), "roadmap", lang="zh")
    >>> html.startswith("<!DOCTYPE html>"), "http://" in html.split("<script")[0]
    (True, False)
    """
    from .page import render_page

    spec = select(g, view, focus=focus, depth=depth, remove=remove, threshold=threshold)
    return render_page(g, spec, lang=lang, site=site)


def write_view(path, g, view: str = "overview", **kwargs) -> Path:
    """Render a view (see :func:`render_view`) and write it atomically to ``path``."""
    from ..io import atomic_write

    return atomic_write(Path(path), render_view(g, view, **kwargs))

"""Reasoning: one HermiT run for consistency and class memberships, rules for the large ABox, the closed world, cached.

:func:`reason` is the one entry point: it gives HermiT the class and property axioms plus the individuals whose
classes only HermiT can decide (:mod:`.scope` says which, and why nothing is lost), materialises everything else by
rules (:mod:`.rules`), adds the members of the closed-world classes by their named queries
(:mod:`.closedworld`), and explains an inconsistent graph in plain words (:mod:`.explain`). The result, a
:class:`Reasoning`, carries the consistency verdict and the inferred triples together, so validation and the build
share one HermiT run. :func:`infer` and :func:`check_owl` are the older entry points, kept for callers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from rdflib import Graph, Literal
from rdflib.namespace import RDF

from ..cache import CACHE_ENV, cache_dir
from ..errors import UsageError, ValidationFailed
from ..namespace import CKG, bind_prefixes
from .cache import cache_key, read_cache, write_cache
from .closedworld import CLOSED_WORLD, closed_world, store_with
from .explain import Finding, OwlCheck, describe_class, explain_inconsistency, unsatisfiable_findings
from .hermit import HermitOutput, HermitUnavailable, run_hermit
from .rules import materialise, property_edges
from .scope import Scope, hermit_scope

__all__ = [
    "CACHE_ENV", "CLOSED_WORLD", "Finding", "HermitOutput", "OwlCheck", "Reasoning", "cache_dir", "cache_key",
    "check_owl", "closed_world", "count_inferred", "describe_class", "infer", "materialise", "reason",
    "reason_graph", "run_hermit",
]


@dataclass
class Reasoning:
    """What one reasoning run found.

    Attributes
    ----------
    consistent : True or False as HermiT decides; None when it could not run (``error`` says why).
    error : why HermiT could not run (Java missing, HermiT failed), else None.
    findings : what is wrong, in plain words: the individuals and axioms that clash when inconsistent, the
        unsatisfiable classes when consistent.
    inferred : the inferred triples (class memberships, property assertions, closed-world memberships), none of
        them asserted; empty unless ``consistent``.
    """

    consistent: bool | None
    error: str | None = None
    findings: list[Finding] = field(default_factory=list)
    inferred: Graph = field(default_factory=lambda: bind_prefixes(Graph()))

    def check(self) -> OwlCheck:
        """The verdict alone, as :func:`check_owl` returns it."""
        return OwlCheck(self.consistent, findings=list(self.findings), error=self.error)

    def inferred_or_raise(self) -> Graph:
        """The inferred triples; an error when HermiT could not run or found the graph inconsistent.

        Raises
        ------
        ValidationFailed
            The graph is OWL-inconsistent.
        UsageError
            Java is missing or HermiT failed.
        """
        return _inferred_or_raise(self)


def _hermit_over(graph: Graph) -> HermitOutput | Reasoning:
    """HermiT's answer for ``graph`` through :func:`run_hermit` (looked up here, so tests can stand in for it)."""
    import chiplet_kg.reason as package

    try:
        return package.run_hermit(graph)
    except HermitUnavailable as err:
        return Reasoning(None, error=err.detail)
    except UsageError as err:
        return Reasoning(None, error=str(err))
    except ValidationFailed:
        return Reasoning(False)


def reason_graph(graph: Graph, *, ox_store=None, scoped: bool = True, infer: bool = True) -> Reasoning:
    """Reason over ``graph`` (ontology and data): one HermiT run, rules for the rest, then the closed world.

    Parameters
    ----------
    graph : the asserted triples.
    ox_store : a pyoxigraph store whose asserted graph holds ``graph`` (``kg.ox``), for the closed-world queries.
    scoped : give HermiT only what it needs (:mod:`chiplet_kg.reason.scope`); False gives it the whole graph.
    infer : also materialise the inferred triples; False stops at the verdict and its findings.
    """
    edges = property_edges(graph)
    scope = hermit_scope(graph, edges) if scoped else Scope(graph=graph, whole="asked for the whole graph")
    answer = _hermit_over(scope.graph)
    if isinstance(answer, Reasoning):
        if answer.consistent is False:
            answer.findings = explain_inconsistency(graph)
        return answer
    answer.types = {x: cs for x, cs in answer.types.items() if not scope.is_stand_in(x)}
    if scope.rule_only and answer.unsatisfiable and _rules_meet_unsatisfiable(graph, scope, answer, edges):
        # An individual left to rules sits in an unsatisfiable class: the whole graph is inconsistent.
        return Reasoning(False, findings=explain_inconsistency(graph))
    findings = unsatisfiable_findings(graph, answer.unsatisfiable)
    if not infer:
        return Reasoning(True, findings=findings)
    inferred = materialise(graph, answer)
    inferred += closed_world(graph, inferred, store=store_with(graph, inferred, ox_store=ox_store))
    return Reasoning(True, findings=findings, inferred=inferred)


def _rules_meet_unsatisfiable(graph: Graph, scope: Scope, answer: HermitOutput, edges) -> bool:
    """Is an individual left to rules in a class HermiT finds unsatisfiable (so the whole graph is inconsistent)?"""
    from .rules import class_edges, closure, domain_range_types

    up = class_edges(graph, answer.subclass)
    implied = domain_range_types(graph, edges)
    for x in scope.rule_only:
        if closure(set(graph.objects(x, RDF.type)) | implied.get(x, set()), up) & answer.unsatisfiable:
            return True
    return False


def reason(kg, *, use_cache: bool = True, cache: str | os.PathLike | None = None) -> Reasoning:
    """Reason over ``kg`` once: HermiT's consistency verdict (explained when it fails) and the inferred triples.

    Parameters
    ----------
    kg : the loaded graph (:class:`chiplet_kg.ChipletKG`).
    use_cache : read and write the cache (the inferred triples of a consistent graph without findings, under
        :func:`cache_dir` by :func:`cache_key`; a file that cannot be read or does not check out is rebuilt).
    cache : the cache folder (default: ``$CHIPLET_KG_CACHE`` or ``build/.cache``).

    Returns
    -------
    Reasoning
        ``consistent`` (None when HermiT could not run), ``error``, ``findings`` and ``inferred``.

    Examples
    --------
    >>> from chiplet_kg import CKGD, ChipletKG
    >>> result = reason(ChipletKG(), use_cache=False)
    >>> result.consistent, (CKGD.AIB, RDF.type, CKG.UnaddressedDependency) in result.inferred
    (True, True)
    """
    key = cache_key(kg)
    path = cache_dir(cache) / f"reason-{key}.nt"
    if use_cache:
        cached = read_cache(path, key)
        if cached is not None:
            return Reasoning(True, inferred=cached)
    result = reason_graph(kg.graph, ox_store=getattr(kg, "ox", None))
    if use_cache and result.consistent and not result.findings:
        write_cache(path, key, result.inferred)
    return result


def infer(kg, *, cache: str | os.PathLike | None = None, use_cache: bool = True) -> Graph:
    """The triples a reasoner adds to ``kg.graph``: inferred class memberships and property assertions, nothing asserted.

    :func:`reason`'s inferred triples, for callers that want only them.

    Raises
    ------
    ValidationFailed
        The graph is OWL-inconsistent.
    UsageError
        Java is missing or HermiT failed.
    """
    return reason(kg, use_cache=use_cache, cache=cache).inferred_or_raise()


def _inferred_or_raise(result: "Reasoning") -> Graph:
    if result.consistent is None:
        raise UsageError(f"{result.error}; or pass --no-reason to skip reasoning")
    if not result.consistent:
        raise ValidationFailed("the graph is OWL-inconsistent, so nothing can be inferred from it: run "
                               "`chiplet-kg validate` to see which individuals and axioms clash")
    return result.inferred


def check_owl(graph: Graph) -> OwlCheck:
    """Check ``graph`` with HermiT: consistency, unsatisfiable classes, and a plain-words explanation of any clash.

    Examples
    --------
    >>> from chiplet_kg import ChipletKG
    >>> check_owl(ChipletKG().graph).consistent
    True
    """
    return reason_graph(graph, infer=False).check()


def count_inferred(kg) -> dict[str, int]:
    """How many inferred triples ``kg.inferred`` holds, by kind (class memberships, property assertions, closed world).

    Examples
    --------
    >>> from chiplet_kg import ChipletKG
    >>> count_inferred(ChipletKG(reason=False))
    {'total': 0, 'class_memberships': 0, 'property_assertions': 0, 'closed_world': 0}
    """
    marked = set(kg.graph.subjects(CKG.closedWorld, Literal(True)))
    types = [(s, o) for s, o in kg.inferred.subject_objects(RDF.type)]
    return {"total": len(kg.inferred), "class_memberships": len(types),
            "property_assertions": len(kg.inferred) - len(types),
            "closed_world": sum(1 for _, o in types if o in marked)}


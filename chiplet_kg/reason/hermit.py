"""Running HermiT (bundled with owlready2) over an rdflib graph: its direct types, class taxonomy and unsatisfiable classes."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ..errors import UsageError, ValidationFailed
from ..owl import owl_view

__all__ = ["HermitInconsistent", "HermitOutput", "HermitUnavailable", "Inconsistent", "ReasonerFailed", "hermit",
           "java_missing", "run_hermit"]


class Inconsistent(Exception):
    """HermiT found the ontology and data inconsistent."""


class ReasonerFailed(Exception):
    """HermiT could not run (Java missing, Java error); ``str(err)`` says why."""


@dataclass
class HermitOutput:
    """What HermiT says about a consistent graph: direct types, the class taxonomy and the unsatisfiable classes."""

    types: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    subclass: set[tuple[URIRef, URIRef]] = field(default_factory=set)
    unsatisfiable: set[URIRef] = field(default_factory=set)


def java_missing() -> str | None:
    """Why HermiT cannot run on this machine (no Java), or None."""
    import owlready2

    if shutil.which(owlready2.JAVA_EXE) is None:
        return "Java is not installed, so HermiT cannot run: install a Java runtime (e.g. Debian's default-jre-headless)"
    return None


def hermit(graph: Graph) -> HermitOutput:
    """Classify and realise ``graph`` with HermiT; raise :class:`Inconsistent` or :class:`ReasonerFailed`."""
    missing = java_missing()
    if missing:
        raise ReasonerFailed(missing)
    import owlready2

    with tempfile.TemporaryDirectory(prefix="chiplet-kg-reason-") as tmp:
        src = Path(tmp) / "input.nt"
        # owlready2 cannot read Turtle: hand it N-Triples, with owl:NamedIndividual declarations.
        view = owl_view(graph)
        # owlready2 loads every owl:imports target (a URL or a local file): reason over the given graph only.
        view.remove((None, OWL.imports, None))
        view.serialize(src, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            try:
                world.get_ontology(src.as_uri()).load()
            except owlready2.OwlReadyOntologyParsingError as err:
                # An ill-typed literal ("twelve"^^xsd:decimal) stops owlready2 before HermiT sees anything.
                raise ReasonerFailed(f"owlready2 could not read the graph for HermiT ({err}); "
                                     "run `chiplet-kg validate` to find ill-typed values") from None
            try:
                # Property values are not asked of HermiT: its command line leaves out those that follow from
                # sub-properties; materialise() derives them all from the property axioms instead.
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
            except owlready2.OwlReadyInconsistentOntologyError:
                raise Inconsistent() from None
            except owlready2.OwlReadyJavaError as err:
                lines = [ln for ln in str(err).splitlines() if ln.strip() and not ln.startswith(("\tat ", "Java error"))]
                raise ReasonerFailed("HermiT failed: " + (lines[0] if lines else "unknown Java error")) from None
            unsat = {URIRef(c.iri) for c in world.inconsistent_classes() if getattr(c, "iri", None)}
            out = Path(tmp) / "inferred.nt"
            world.get_ontology("http://inferrences/").save(str(out), format="ntriples")
        finally:
            world.close()
        raw = Graph().parse(out, format="nt")
    result = HermitOutput(unsatisfiable=unsat - {OWL.Nothing})
    for s, c in raw.subject_objects(RDF.type):
        # owlready2's result ontology declares itself an owl:Ontology: only memberships of domain classes count.
        if isinstance(s, URIRef) and isinstance(c, URIRef) and not str(c).startswith(str(OWL)):
            result.types.setdefault(s, set()).add(c)
    for a, b in raw.subject_objects(RDFS.subClassOf):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            result.subclass.add((a, b))
    for a, b in raw.subject_objects(OWL.equivalentClass):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            result.subclass |= {(a, b), (b, a)}
    return result


class HermitInconsistent(ValidationFailed):
    """:func:`run_hermit` found the graph OWL-inconsistent."""


class HermitUnavailable(UsageError):
    """:func:`run_hermit` could not run HermiT; ``detail`` says why without the command-line advice."""

    def __init__(self, message: str, detail: str):
        super().__init__(message)
        self.detail = detail


def run_hermit(graph: Graph) -> HermitOutput:
    """Run HermiT (bundled with owlready2) over ``graph``: its direct types, class taxonomy and unsatisfiable classes.

    Raises
    ------
    ValidationFailed
        The graph is OWL-inconsistent, so nothing can be inferred from it.
    UsageError
        Java is missing or HermiT failed; the message says what to do.
    """
    try:
        return hermit(graph)
    except Inconsistent:
        raise HermitInconsistent("the graph is OWL-inconsistent, so nothing can be inferred from it: run "
                                 "`chiplet-kg validate` to see which individuals and axioms clash") from None
    except ReasonerFailed as err:
        raise HermitUnavailable(f"{err}; or pass --no-reason to skip reasoning", str(err)) from None

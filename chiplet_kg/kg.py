"""The ChipletKG object: a holder over the one pyoxigraph store of the ontology, the graph data and the user's files."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path
from typing import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from .defaults import REASON_DEFAULT
from .errors import UsageError
from .home import project_root
from .namespace import ASSERTED_GRAPH, CKG, INFERRED_GRAPH, PREFIXES, bind_prefixes

__all__ = ["ChipletKG", "REASON_DEFAULT", "project_root"]


class _ReadOnlyGraph(Graph):
    """An rdflib graph made from the store's quads; changing it raises (change the store through the KG instead)."""

    _frozen = False

    def _refuse(self, *args, **kwargs):
        if self._frozen:
            raise TypeError("kg.graph and kg.inferred are read-only views of the store: change the graph with "
                            "kg.add_triples(triples) or kg.set_inferred(triples)")

    def add(self, triple):
        self._refuse()
        return super().add(triple)

    def addN(self, quads):  # noqa: N802 - rdflib's name
        self._refuse()
        return super().addN(quads)

    def remove(self, triple):
        self._refuse()
        return super().remove(triple)

    def set(self, triple):
        self._refuse()
        return super().set(triple)

    def parse(self, *args, **kwargs):
        self._refuse()
        return super().parse(*args, **kwargs)


class ChipletKG:
    """The knowledge graph: one pyoxigraph store holding the ontology, the shipped graph data and any extra RDF files.

    The store (``kg.ox``) is the only copy of the graph. Its named graph ``ASSERTED_GRAPH`` holds what the files
    say, ``INFERRED_GRAPH`` what the reasoner adds. Queries, label look-ups, ``find`` and the network projection
    read the store; ``kg.graph`` and ``kg.inferred`` are read-only rdflib views made from its quads when a
    library needs an rdflib graph (pySHACL, serialisers), cached until the store changes. Change the graph with
    :meth:`add_triples` and :meth:`set_inferred`.

    ``ChipletKG(...)`` runs the first stages of the pipeline: :func:`chiplet_kg.pipeline.load` (the files, or the
    build cache's store for the same files, into the store) and, with ``reason`` (the default,
    :data:`chiplet_kg.defaults.REASON_DEFAULT`, the same as on the command line), :func:`chiplet_kg.pipeline.reason`.
    :meth:`over` makes a KG over a store that is already loaded.

    Parameters
    ----------
    data : extra RDF files to merge (``--data FILE`` on the command line).
    builtin : load the shipped ontology and graph data (default) or only ``data``.
    root : the project folder; defaults to :func:`chiplet_kg.home.project_root`.
    reason : fill the inferred graph (HermiT, cached); default :data:`~chiplet_kg.defaults.REASON_DEFAULT` (True),
        as every command of the command line. ``reason=False`` answers from the asserted triples alone.
    use_cache : open the store that ``chiplet-kg build`` left for the same inputs (:mod:`chiplet_kg.cache`),
        when there is one, instead of parsing and reasoning again.

    Examples
    --------
    >>> kg = ChipletKG()
    >>> kg.label(kg.find("长电科技"), "en")
    'JCET Group'
    >>> kg.label(kg.find("JCET Group"), "zh")
    '长电科技'
    """

    def __init__(self, data: Iterable[str | os.PathLike] = (), builtin: bool = True, root: Path | None = None,
                 reason: bool = REASON_DEFAULT, use_cache: bool = False) -> None:
        from .pipeline import load, reason as reason_stage

        loaded = load(data, builtin=builtin, root=root, reasoned=reason, use_cache=use_cache)
        self._hold(loaded)
        if reason and not loaded.reasoned:
            reason_stage(self)

    @classmethod
    def over(cls, loaded) -> "ChipletKG":
        """A KG holding the store of ``loaded`` (:class:`chiplet_kg.load.Loaded`), as loaded: nothing is inferred."""
        kg = cls.__new__(cls)
        kg._hold(loaded)
        return kg

    def _hold(self, loaded) -> None:
        self._ox = loaded.ox
        self.files: list[Path] = list(loaded.files)
        self.root: Path | None = loaded.root
        self.builtin: bool = loaded.builtin
        self.data: tuple[Path, ...] = tuple(loaded.data)
        #: True when the store was read from the build cache (:mod:`chiplet_kg.cache`) instead of the files.
        self.from_cache: bool = loaded.from_cache
        #: True once the inferred graph holds the reasoner's triples (reasoned here or read from the build cache).
        self.reasoned: bool = loaded.reasoned
        #: True once the asserted triples were changed in memory: they are then no longer the files' triples.
        self.changed = False
        self._version = 0
        self._views: dict = {}
        self._length: tuple[int, int] | None = None
        self._store = None
        self._label_pattern = None
        self._lookup_cache = None

    @property
    def reason(self) -> bool:
        """Same as :attr:`reasoned` (the name of the constructor's parameter)."""
        return self.reasoned

    @property
    def ox(self):
        """The pyoxigraph store: the graph itself. Write to it through :meth:`add_triples` / :meth:`set_inferred`."""
        return self._ox

    # ------------------------------------------------------------ changing the store

    def add_triples(self, triples: Iterable, inferred: bool = False) -> None:
        """Add rdflib triples to the asserted graph (or, with ``inferred``, to the inferred one).

        Examples
        --------
        >>> from rdflib import URIRef, Literal
        >>> from rdflib.namespace import RDFS
        >>> kg = ChipletKG(reason=False)
        >>> kg.add_triples([(URIRef("urn:x:a"), RDFS.label, Literal("an added node", lang="en"))])
        >>> kg.label(URIRef("urn:x:a")), kg.changed
        ('an added node', True)
        """
        import pyoxigraph as ox

        from .sparql import to_ox

        from .load import note_datatypes

        graph = ox.NamedNode(str(INFERRED_GRAPH if inferred else ASSERTED_GRAPH))
        quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph) for s, p, o in triples]
        self._ox.extend(quads)
        note_datatypes(self._ox, quads)  # e.g. xsd:nonNegativeInteger, which the store files as xsd:integer
        if not inferred:
            self.changed = True
        self._touched()

    def set_inferred(self, triples: Iterable) -> None:
        """Replace the inferred graph with ``triples`` (what the reasoner found)."""
        import pyoxigraph as ox

        self._ox.clear_graph(ox.NamedNode(str(INFERRED_GRAPH)))
        self.add_triples(triples, inferred=True)
        self.reasoned = True

    def _touched(self) -> None:
        self._version += 1
        self._views.clear()

    # ------------------------------------------------------------ the two read-only rdflib views

    @property
    def graph(self) -> Graph:
        """The asserted triples as a read-only rdflib graph, made from the store's quads (cached until it changes)."""
        return self._view(ASSERTED_GRAPH)

    @property
    def inferred(self) -> Graph:
        """The inferred triples as a read-only rdflib graph (empty unless reasoning ran or the build cache held them)."""
        return self._view(INFERRED_GRAPH)

    @property
    def ontology(self) -> Graph:
        """The triples of the ontology files alone, as a read-only rdflib graph (empty without ``builtin``).

        They are the store's copy of those files (:data:`chiplet_kg.load.ONTOLOGY_GRAPH`); queries never see it.
        """
        from .load import ONTOLOGY_GRAPH

        return self._view(ONTOLOGY_GRAPH)

    def _view(self, name) -> Graph:
        view = self._views.get(name)
        if view is None:
            from rdflib.namespace import XSD

            from .load import datatype_notes
            from .sparql import from_ox

            terms: dict = {}
            retyped = datatype_notes(self._ox)  # literals the store re-typed: the views show the files' datatype

            def obj(q):
                note = retyped.get((q.subject, q.predicate, q.object)) if retyped else None
                if note is None:
                    return term(q.object)
                datatype, lexical = note
                return Literal(lexical if lexical is not None else q.object.value, datatype=URIRef(datatype))

            def term(t):
                found = terms.get(t)
                if found is None:
                    found = from_ox(t)
                    if isinstance(found, Literal) and found.datatype == XSD.string:
                        # RDF 1.1 makes "x" and "x"^^xsd:string one literal; rdflib tells them apart, and its parser
                        # reads "x" without a datatype: so must the view, or it would differ from the files.
                        found = Literal(str(found))
                    terms[t] = found
                return found

            view = bind_prefixes(_ReadOnlyGraph())
            view.addN((term(q.subject), term(q.predicate), obj(q), view) for q in self.quads(name))
            view._frozen = True
            self._views[name] = view
        return view

    def quads(self, name=ASSERTED_GRAPH, s=None, p=None, o=None):
        """The store's quads of the named graph ``name`` (None: asserted and inferred) matching pyoxigraph terms."""
        import pyoxigraph as ox

        if name is None:
            for graph in (ASSERTED_GRAPH, INFERRED_GRAPH):
                yield from self._ox.quads_for_pattern(s, p, o, ox.NamedNode(str(graph)))
        else:
            yield from self._ox.quads_for_pattern(s, p, o, ox.NamedNode(str(name)))

    def _ox_triples(self, name, s=None, p=None, o=None):
        """rdflib triples of the store's graph ``name`` (None: both) matching a pattern of rdflib terms."""
        from .sparql import from_ox, to_ox

        try:
            pattern = to_ox(s), to_ox(p), to_ox(o)
        except (ValueError, UsageError):  # not a valid IRI or literal: no triple can hold it
            return
        for q in self.quads(name, *pattern):
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)

    # ------------------------------------------------------------ the input files

    @staticmethod
    def ontology_files(root: Path) -> list[Path]:
        """The ontology's Turtle files (the shapes are kept apart: they are not part of the graph)."""
        from .load import ontology_files

        return ontology_files(root)

    @property
    def shapes_path(self) -> Path:
        return (self.root or project_root()) / "ontology" / "shapes.ttl"

    def input_hash(self) -> str:
        """A SHA-256 over the contents of every input file, in load order."""
        h = hashlib.sha256()
        for path in self.files:
            h.update(str(path.name).encode())
            h.update(path.read_bytes())
        return h.hexdigest()

    # ------------------------------------------------------------ looking things up

    def _objects(self, node, prop) -> list:
        """Objects of ``node prop`` among the asserted triples."""
        return [o for _, _, o in self._ox_triples(ASSERTED_GRAPH, node, prop)]

    def _subject_objects(self, prop) -> list:
        return [(s, o) for s, _, o in self._ox_triples(ASSERTED_GRAPH, None, prop)]

    def _has_subject(self, node) -> bool:
        return any(True for _ in self._ox_triples(ASSERTED_GRAPH, node))

    def label(self, node: URIRef, lang: str = "en") -> str:
        """The node's ``rdfs:label`` in ``lang``, else in the other language, else its local name."""
        labels = self._objects(node, RDFS.label)
        for want in (lang, "en", "zh", None):
            for lab in labels:
                if isinstance(lab, Literal) and (lab.language == want or want is None):
                    return str(lab)
        return self.qname(node)

    def qname(self, node: URIRef) -> str:
        """``ckgd:JCET`` for a data IRI, the full IRI where no prefix fits."""
        text = str(node)
        for prefix, ns in PREFIXES.items():
            if text.startswith(str(ns)) and len(text) > len(str(ns)):
                return f"{prefix}:{text[len(str(ns)):]}"
        return text

    def entities(self) -> list[URIRef]:
        """Every individual typed with an ontology class below ckg:Entity."""
        q = "SELECT DISTINCT ?e WHERE { ?e a/rdfs:subClassOf* ckg:Entity . FILTER(isIRI(?e)) }"
        return sorted(row["e"] for row in self.store.run(q, asserted_only=True).rows)

    def _lookup(self):
        """The look-up index (:mod:`chiplet_kg.lookup`), made once per version of the store."""
        from .lookup import build_index

        cached = self._lookup_cache
        if cached is None or cached[0] != self._version:
            cached = (self._version, build_index(self))
            self._lookup_cache = cached
        return cached[1]

    def find(self, text: str, *, entities_first: bool = True) -> URIRef:
        """The entity named by ``text``, as people type it.

        ``text`` may be a full IRI (with or without ``<>``), a prefixed name (``ckgd:JCET``, ``eto:N20``, any
        prefix of :data:`chiplet_kg.namespace.PREFIXES`), an ``rdfs:label`` or ``skos:altLabel`` in zh or en
        (case, spaces and full-width forms ignored), an ISO 3166 code of a country in the graph (alpha-3 as in
        ``ckg:isoAlpha3``, or alpha-2: ``NLD``, ``NL``), or an ETO Chip Explorer id (``P45``, ``N20``, ``S1``:
        the imported entity; before an import, the entity of ours ``skos:exactMatch`` links to it). A label
        comes before a code: ``Arm`` is the firm, not Armenia. Nodes that several hits name and that are the
        same by ``skos:exactMatch`` resolve to ours (``NLD`` with an ETO import: ckgd:Netherlands, not eto:P45).

        Parameters
        ----------
        text : what the user typed.
        entities_first : when a label names both an instance and an ontology term, take the instance; list
            instances first among close matches.

        Raises
        ------
        UsageError
            Nothing matches (the message lists close matches, ranked by how similar their labels are, as
            ``label en / label zh (prefixed name)``) or a label names several entities (the message lists them).

        Examples
        --------
        >>> kg = ChipletKG()
        >>> kg.qname(kg.find("NLD")), kg.qname(kg.find("nl")), kg.qname(kg.find("EUVlithographyequipment"))
        ('ckgd:Netherlands', 'ckgd:Netherlands', 'ckgd:EUVLithography')
        """
        from .lookup import resolve

        return resolve(self, self._lookup(), text, entities_first=entities_first)

    def close_matches(self, text: str, n: int = 5, *, entities_first: bool = True) -> list:
        """Up to ``n`` nodes whose labels are most like ``text``, best first (:class:`chiplet_kg.lookup.Match`).

        Examples
        --------
        >>> kg = ChipletKG()
        >>> kg.qname(kg.close_matches("photoresits")[0].node)
        'ckgd:Photoresist'
        """
        from .lookup import close_matches

        return close_matches(self, self._lookup(), text, n=n, entities_first=entities_first)

    def class_counts(self) -> list[tuple[URIRef, int]]:
        """Instances per ontology class (asserted types), most first."""
        counts = Counter(
            o for s, o in self._subject_objects(RDF.type)
            if isinstance(o, URIRef) and str(o).startswith(str(CKG._NS))
        )
        return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))

    def __len__(self) -> int:
        """The number of asserted triples."""
        if self._length is None or self._length[0] != self._version:
            self._length = (self._version, sum(1 for _ in self.quads(ASSERTED_GRAPH)))
        return self._length[1]

    # ------------------------------------------------------------ querying

    @property
    def store(self):
        """The query wrapper over the store (:class:`chiplet_kg.sparql.Store`): ``kg.store.run(text, bindings)``."""
        if self._store is None:
            from .sparql import Store

            self._store = Store(ox_store=self._ox)
        return self._store

    def sparql(self, text: str, *, endpoint: str | None = None, asserted_only: bool = False,
               timeout: float | None = None, max_rows: int | None = None, memory: int | None = None):
        """Run free SPARQL (SELECT, ASK, CONSTRUCT, DESCRIBE) locally or on ``endpoint``.

        ``max_rows`` (local queries) returns at most that many rows and sets ``result.truncated`` if there were more.
        ``memory`` (local queries, MB on top of the loaded graph) stops a query that takes more (QueryMemoryError).

        Examples
        --------
        >>> kg = ChipletKG()
        >>> kg.sparql("ASK { ckgd:JCET ckg:basedIn ckgd:China }").boolean
        True
        """
        from .sparql import run_remote

        if endpoint:
            return run_remote(endpoint, text, timeout=timeout)
        return self.store.run(text, asserted_only=asserted_only, timeout=timeout, max_rows=max_rows, memory=memory)

    def query(self, name: str, *, lang: str = "en", endpoint: str | None = None, asserted_only: bool = False,
              timeout: float | None = None, max_rows: int | None = None, memory: int | None = None, **params):
        """Run the named query ``name`` with ``params`` (strings, as on the command line); rows usable in a notebook.

        Examples
        --------
        >>> kg = ChipletKG()
        >>> rows = kg.query("policy-trace", policy="设立专项基金", lang="zh")
        >>> {"高端 EDA 工具", "先进制程设备", "关键材料", "光刻胶"} <= {str(r["itemLabel"]) for r in rows if "itemLabel" in r}
        True
        """
        from .library import add_labels, bind_params, get_query
        from .sparql import run_remote

        named = get_query(name)
        bindings = bind_params(named, {k: str(v) for k, v in params.items()}, self, lang)
        if endpoint:
            result = run_remote(endpoint, named.text, bindings, timeout=timeout)
        else:
            result = self.store.run(named.text, bindings, asserted_only=asserted_only, timeout=timeout,
                                    max_rows=max_rows, memory=memory)
        return add_labels(result, self.label_in, lang)

    def label_in(self, node: URIRef, lang: str = "en") -> str | None:
        """The node's ``rdfs:label`` in exactly ``lang`` (asserted or inferred), or None."""
        import pyoxigraph as ox

        if isinstance(node, URIRef):
            try:
                subject = ox.NamedNode(node)
            except ValueError:  # not a valid IRI: nothing is labelled by it
                return None
        elif isinstance(node, BNode):
            subject = ox.BlankNode(node)
        else:
            return None
        if self._label_pattern is None:
            self._label_pattern = (ox.NamedNode(str(RDFS.label)), ox.NamedNode(str(ASSERTED_GRAPH)),
                                   ox.NamedNode(str(INFERRED_GRAPH)))
        label, *graphs = self._label_pattern
        for graph in graphs:
            for q in self._ox.quads_for_pattern(subject, label, None, graph):
                obj = q.object
                if isinstance(obj, ox.Literal) and obj.language == lang:
                    return obj.value
        return None

    @classmethod
    def load(cls, data: Iterable[str | os.PathLike] = (), builtin: bool = True,
             reason: bool = REASON_DEFAULT) -> "ChipletKG":
        """Load the graph (the shipped one plus ``data``); the same as ``ChipletKG(data, builtin, reason=reason)``."""
        return cls(data=data, builtin=builtin, reason=reason)


"""The ChipletKG object: ontology, shipped graph data and the user's own RDF files in one rdflib graph."""

from __future__ import annotations

import difflib
import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .errors import InputError, UsageError
from .namespace import ASSERTED_GRAPH, CKG, CKGD, INFERRED_GRAPH, PREFIXES, bind_prefixes

__all__ = ["ChipletKG", "project_root"]


def project_root() -> Path:
    """The folder holding ``ontology/`` and ``graph_data/``: ``$CHIPLET_KG_HOME`` or the checkout."""
    env = os.environ.get("CHIPLET_KG_HOME")
    root = Path(env) if env else Path(__file__).resolve().parent.parent
    if not (root / "ontology").is_dir():
        raise InputError(f"cannot find the ontology folder under {root}; set CHIPLET_KG_HOME to the project folder")
    return root


class _TrackedGraph(Graph):
    """An rdflib graph that notes when it is changed, so that the query store can take the change over."""

    _ckg_dirty = False

    def add(self, triple):
        self._ckg_dirty = True
        return super().add(triple)

    def addN(self, quads):  # noqa: N802 - rdflib's name
        self._ckg_dirty = True
        return super().addN(quads)

    def remove(self, triple):
        self._ckg_dirty = True
        return super().remove(triple)


@dataclass
class ChipletKG:
    """The knowledge graph: the ontology, the shipped graph data and any extra RDF files, merged.

    The files are loaded once, into a pyoxigraph store that holds the asserted triples (named graph
    ``ASSERTED_GRAPH``) and the inferred ones (``INFERRED_GRAPH``); queries, label look-ups and ``find`` run
    on it. ``graph`` and ``inferred`` are the same triples as rdflib graphs, for code that needs the rdflib
    API (validation, the network projection, exports); they are read only when first used, and a change made
    to them (or a graph assigned to them) reaches the query store before the next query.

    Parameters
    ----------
    data : extra RDF files to merge (``--data FILE`` on the command line).
    builtin : load the shipped ontology and graph data (default) or only ``data``.
    root : the project folder; defaults to :func:`project_root`.
    reason : also fill ``inferred`` (HermiT, cached).
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

    data: tuple[Path, ...] = ()
    builtin: bool = True
    root: Path | None = None
    reason: bool = False
    use_cache: bool = False
    files: list[Path] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        import pyoxigraph as ox

        from .loader import load_into_store

        self.data = tuple(Path(p) for p in self.data)
        if self.builtin:
            self.root = Path(self.root) if self.root else project_root()
            self.files.extend(self.ontology_files(self.root))
            self.files.extend(sorted((self.root / "graph_data").glob("*.ttl")))
        self.files.extend(self.data)
        self._graph: Graph | None = None
        self._inferred: Graph | None = None
        self._synced: dict[str, tuple] = {}
        self._store = None
        self._ox = None
        self._label_pattern = None
        #: True when the store was read from the build cache (:mod:`chiplet_kg.cache`) instead of the files.
        self.from_cache = False
        #: True once the asserted triples were changed in memory: they are then no longer the files' triples.
        self.changed = False
        if self.use_cache:
            from .cache import open_cached

            self._ox = open_cached(self.files, reasoned=self.reason)
            self.from_cache = self._ox is not None
        if self._ox is None:
            from .progress import progress

            self._ox = ox.Store()
            asserted = ox.NamedNode(str(ASSERTED_GRAPH))
            with progress("loading", self.files) as step:
                for path in self.files:
                    load_into_store(self._ox, path, asserted, on_bytes=step(path))
            # What the reasoner adds is kept apart from what the files assert (issue: reasoning).
            if self.reason:
                from .reason import infer

                self.inferred = infer(self)

    # ------------------------------------------------------------ the two rdflib views

    @property
    def graph(self) -> Graph:
        """The asserted triples as an rdflib graph (parsed by rdflib from the files when first used)."""
        if self._graph is None:
            from .loader import parse_into

            graph = bind_prefixes(_TrackedGraph())
            for path in self.files:
                parse_into(graph, path)
            graph._ckg_dirty = False
            self._graph = graph
            self._synced["asserted"] = self._signature(graph)
        return self._graph

    @graph.setter
    def graph(self, value: Graph) -> None:
        self._graph = value

    @property
    def inferred(self) -> Graph:
        """The inferred triples as an rdflib graph (empty unless reasoning ran or the build cache held them)."""
        if self._inferred is None:
            graph = bind_prefixes(_TrackedGraph())
            graph.addN((s, p, o, graph) for s, p, o in self._ox_triples(INFERRED_GRAPH))
            graph._ckg_dirty = False
            self._inferred = graph
            self._synced["inferred"] = self._signature(graph)
        return self._inferred

    @inferred.setter
    def inferred(self, value: Graph) -> None:
        self._inferred = value

    @staticmethod
    def _signature(graph: Graph) -> tuple:
        return id(graph), len(graph), getattr(graph, "_ckg_dirty", False)

    def _ox_triples(self, name, s=None, p=None, o=None):
        """rdflib triples of the store's graph ``name`` (None: both) matching a pattern of rdflib terms."""
        from .sparql import from_ox, to_ox

        import pyoxigraph as ox

        graph = ox.NamedNode(str(name)) if name is not None else None
        try:
            pattern = to_ox(s), to_ox(p), to_ox(o)
        except (ValueError, UsageError):  # not a valid IRI or literal: no triple can hold it
            return
        for q in self._ox.quads_for_pattern(*pattern, graph):
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)

    def _sync(self) -> None:
        """Copy into the store an rdflib view that was assigned or changed since the store last saw it."""
        import pyoxigraph as ox

        for key, graph, name in (("asserted", self._graph, ASSERTED_GRAPH), ("inferred", self._inferred, INFERRED_GRAPH)):
            if graph is None or self._synced.get(key) == self._signature(graph):
                continue
            if key == "asserted":
                self.changed = True
            target = ox.NamedNode(str(name))
            self._ox.clear_graph(target)
            if len(graph):
                self._ox.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
                              to_graph=target)
            if isinstance(graph, _TrackedGraph):
                graph._ckg_dirty = False
            self._synced[key] = self._signature(graph)
            self._store = None

    @staticmethod
    def ontology_files(root: Path) -> list[Path]:
        """The ontology's Turtle files (the shapes are kept apart: they are not part of the graph)."""
        return sorted(p for p in (root / "ontology").glob("*.ttl") if p.name != "shapes.ttl")

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
        """Objects of ``node prop`` among the asserted triples (the rdflib view once it is in use, else the store)."""
        if self._graph is not None:
            return list(self._graph.objects(node, prop))
        return [o for _, _, o in self._ox_triples(ASSERTED_GRAPH, node, prop)]

    def _subject_objects(self, prop) -> list:
        if self._graph is not None:
            return list(self._graph.subject_objects(prop))
        return [(s, o) for s, _, o in self._ox_triples(ASSERTED_GRAPH, None, prop)]

    def _has_subject(self, node) -> bool:
        if self._graph is not None:
            return (node, None, None) in self._graph
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

    def _label_index(self) -> dict[str, set[URIRef]]:
        index: dict[str, set[URIRef]] = {}
        for prop in (RDFS.label, SKOS.altLabel):
            for s, o in self._subject_objects(prop):
                if isinstance(s, URIRef) and isinstance(o, Literal):
                    index.setdefault(_norm(str(o)), set()).add(s)
        for s, _ in self._subject_objects(RDFS.label):
            if isinstance(s, URIRef) and str(s).startswith(str(CKGD)):
                index.setdefault(_norm(str(s)[len(str(CKGD)):]), set()).add(s)
        return index

    def find(self, text: str) -> URIRef:
        """The entity named by ``text``: a full IRI, a prefixed name (``ckgd:JCET``) or a label in zh or en.

        Raises
        ------
        UsageError
            Nothing matches (the message lists close matches) or a label is ambiguous.
        """
        text = text.strip()
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1]
        if ":" in text and not text.startswith(("http://", "https://", "urn:")):
            prefix, _, local = text.partition(":")
            if prefix in PREFIXES:
                node = PREFIXES[prefix][local]
                if self._has_subject(node):
                    return node
        if text.startswith(("http://", "https://", "urn:")) and self._has_subject(URIRef(text)):
            return URIRef(text)
        index = self._label_index()
        hits = index.get(_norm(text), set())
        if len(hits) == 1:
            return next(iter(hits))
        if len(hits) > 1:
            names = ", ".join(f"{self.qname(h)} ({self.label(h)})" for h in sorted(hits))
            raise UsageError(f"'{text}' names several entities: {names}; give one of these instead")
        close = difflib.get_close_matches(_norm(text), list(index), n=5, cutoff=0.5)
        if not close:
            close = [k for k in index if _norm(text) in k][:5]
        suggestions = []
        for key in close:
            for hit in sorted(index[key]):
                shown = f"{self.label(hit, 'en')} / {self.label(hit, 'zh')} ({self.qname(hit)})"
                if shown not in suggestions:
                    suggestions.append(shown)
        hint = ("; did you mean: " + "; ".join(suggestions[:5])) if suggestions else ""
        raise UsageError(f"no entity named '{text}'{hint}")

    def class_counts(self) -> list[tuple[URIRef, int]]:
        """Instances per ontology class (asserted types), most first."""
        counts = Counter(
            o for s, o in self._subject_objects(RDF.type)
            if isinstance(o, URIRef) and str(o).startswith(str(CKG._NS))
        )
        return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))

    def __len__(self) -> int:
        """The number of asserted triples."""
        if self._graph is not None:
            return len(self._graph)
        import pyoxigraph as ox

        return sum(1 for _ in self._ox.quads_for_pattern(None, None, None, ox.NamedNode(str(ASSERTED_GRAPH))))

    # ------------------------------------------------------------ querying

    @property
    def store(self):
        """The query store: the pyoxigraph store the files were loaded into, with any change to the views."""
        self._sync()
        if self._store is None:
            from .sparql import Store

            self._store = Store(ox_store=self._ox)
        return self._store

    def sparql(self, text: str, *, endpoint: str | None = None, asserted_only: bool = False,
               timeout: float | None = None):
        """Run free SPARQL (SELECT, ASK, CONSTRUCT, DESCRIBE) locally or on ``endpoint``.

        Examples
        --------
        >>> kg = ChipletKG()
        >>> kg.sparql("ASK { ckgd:JCET ckg:basedIn ckgd:China }").boolean
        True
        """
        from .sparql import run_remote

        if endpoint:
            return run_remote(endpoint, text, timeout=timeout)
        return self.store.run(text, asserted_only=asserted_only, timeout=timeout)

    def query(self, name: str, *, lang: str = "en", endpoint: str | None = None, asserted_only: bool = False,
              timeout: float | None = None, **params):
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
            result = self.store.run(named.text, bindings, asserted_only=asserted_only, timeout=timeout)
        # Locally, self.store has just brought the store up to date: no need to check again for every label.
        return add_labels(result, self.label_in if endpoint else self._store_label, lang)

    def label_in(self, node: URIRef, lang: str = "en") -> str | None:
        """The node's ``rdfs:label`` in exactly ``lang`` (asserted or inferred), or None."""
        self._sync()  # the store holds whatever the views now say
        return self._store_label(node, lang)

    def _store_label(self, node, lang: str) -> str | None:
        """:meth:`label_in` straight from the store, without rdflib terms (a label column asks once per IRI)."""
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
    def load(cls, data: Iterable[str | os.PathLike] = (), builtin: bool = True) -> "ChipletKG":
        """Load the graph (the shipped one plus ``data``)."""
        return cls(data=tuple(Path(p) for p in data), builtin=builtin)


def _norm(text: str) -> str:
    # Case and white space do not count: the paper writes both "Chiplet 技术" and "Chiplet技术".
    return "".join(text.casefold().split())

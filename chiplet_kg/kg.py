"""The ChipletKG object: ontology, shipped graph data and the user's own RDF files in one rdflib graph."""

from __future__ import annotations

import difflib
import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .errors import InputError, UsageError
from .loader import parse_into
from .namespace import CKG, CKGD, PREFIXES, bind_prefixes

__all__ = ["ChipletKG", "project_root"]


def project_root() -> Path:
    """The folder holding ``ontology/`` and ``graph_data/``: ``$CHIPLET_KG_HOME`` or the checkout."""
    env = os.environ.get("CHIPLET_KG_HOME")
    root = Path(env) if env else Path(__file__).resolve().parent.parent
    if not (root / "ontology").is_dir():
        raise InputError(f"cannot find the ontology folder under {root}; set CHIPLET_KG_HOME to the project folder")
    return root


@dataclass
class ChipletKG:
    """The knowledge graph: the ontology, the shipped graph data and any extra RDF files, merged.

    Parameters
    ----------
    data : extra RDF files to merge (``--data FILE`` on the command line).
    builtin : load the shipped ontology and graph data (default) or only ``data``.
    root : the project folder; defaults to :func:`project_root`.

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
    graph: Graph = field(init=False, repr=False)
    inferred: Graph = field(init=False, repr=False)
    files: list[Path] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.data = tuple(Path(p) for p in self.data)
        self.graph = bind_prefixes(Graph())
        if self.builtin:
            self.root = Path(self.root) if self.root else project_root()
            self.files.extend(self.ontology_files(self.root))
            self.files.extend(sorted((self.root / "graph_data").glob("*.ttl")))
        self.files.extend(self.data)
        for path in self.files:
            parse_into(self.graph, path)
        # What the reasoner adds is kept apart from what the files assert (issue: reasoning).
        self.inferred = bind_prefixes(Graph())
        if self.reason:
            from .reason import infer

            self.inferred = infer(self)

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

    def label(self, node: URIRef, lang: str = "en") -> str:
        """The node's ``rdfs:label`` in ``lang``, else in the other language, else its local name."""
        labels = list(self.graph.objects(node, RDFS.label))
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
        return sorted(row[0] for row in self.graph.query(q, initNs=PREFIXES))

    def _label_index(self) -> dict[str, set[URIRef]]:
        index: dict[str, set[URIRef]] = {}
        for prop in (RDFS.label, SKOS.altLabel):
            for s, o in self.graph.subject_objects(prop):
                if isinstance(s, URIRef) and isinstance(o, Literal):
                    index.setdefault(_norm(str(o)), set()).add(s)
        for s in self.graph.subjects(RDFS.label, None):
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
                if (node, None, None) in self.graph:
                    return node
        if text.startswith(("http://", "https://", "urn:")) and (URIRef(text), None, None) in self.graph:
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
            o for s, o in self.graph.subject_objects(RDF.type)
            if isinstance(o, URIRef) and str(o).startswith(str(CKG._NS))
        )
        return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))

    def __len__(self) -> int:
        return len(self.graph)

    # ------------------------------------------------------------ querying

    @property
    def store(self):
        """The query store (pyoxigraph), built once from the asserted and inferred graphs."""
        if getattr(self, "_store", None) is None:
            from .sparql import Store

            self._store = Store.from_kg(self)
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
        return add_labels(result, self.label_in, lang)

    def label_in(self, node: URIRef, lang: str = "en") -> str | None:
        """The node's ``rdfs:label`` in exactly ``lang`` (asserted or inferred), or None."""
        for graph in (self.graph, self.inferred):
            for lab in graph.objects(node, RDFS.label):
                if isinstance(lab, Literal) and lab.language == lang:
                    return str(lab)
        return None

    @classmethod
    def load(cls, data: Iterable[str | os.PathLike] = (), builtin: bool = True) -> "ChipletKG":
        """Load the graph (the shipped one plus ``data``)."""
        return cls(data=tuple(Path(p) for p in data), builtin=builtin)


def _norm(text: str) -> str:
    # Case and white space do not count: the paper writes both "Chiplet 技术" and "Chiplet技术".
    return "".join(text.casefold().split())

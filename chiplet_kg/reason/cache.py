"""The reasoner's cache: the inferred triples of a consistent graph, in a file keyed by the inputs and the reasoner."""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import Graph

from ..cache import REASONING_FORMAT
from ..errors import ChipletKGError
from ..io import atomic_write
from ..namespace import bind_prefixes

__all__ = ["cache_key", "read_cache", "write_cache"]

#: Bump REASONING_FORMAT (in chiplet_kg/cache.py, which keys the build's store by it too) when what the reasoner
#: computes changes, so that older cache files are never reused.
_FORMAT = REASONING_FORMAT
_KEEP_CACHE_FILES = 16


def cache_key(kg) -> str:
    """SHA-256 over the input files' contents and the reasoner settings: it changes when either does."""
    from ..cache import owlready2_version  # not `import owlready2`: a cache hit must not pay for loading it

    h = hashlib.sha256()
    h.update(f"chiplet-kg reasoning format {_FORMAT}; HermiT from owlready2 {owlready2_version()}\n".encode())
    h.update(kg.input_hash().encode())
    h.update(str(len(kg)).encode())  # a graph changed in memory after loading is not the files' graph
    return h.hexdigest()


def read_cache(path: Path, key: str) -> Graph | None:
    """The cached inferred graph, or None when the file is missing, for another key, damaged or unreadable."""
    try:
        data = path.read_bytes()
        head, _, body = data.partition(b"\n\n")
        fields = dict(line[2:].split(": ", 1) for line in head.decode("ascii").splitlines()[1:])
        if fields.get("key") != key or fields.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        graph = bind_prefixes(Graph()).parse(data=body.decode("utf-8"), format="nt")
        return graph if len(graph) == int(fields.get("triples", -1)) else None
    except Exception:  # noqa: BLE001 - a cache that cannot be read is rebuilt, never trusted
        return None


def write_cache(path: Path, key: str, graph: Graph) -> None:
    """Write ``graph`` under ``key`` atomically, keeping the newest few cache files; a failure only costs the cache."""
    lines = sorted(ln for ln in graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines() if ln.strip())
    body = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    head = (f"# chiplet-kg inferred triples (a cache: safe to delete)\n# key: {key}\n# triples: {len(graph)}\n"
            f"# sha256: {hashlib.sha256(body).hexdigest()}\n\n").encode("ascii")
    try:
        atomic_write(path, head + body)
        old = sorted(path.parent.glob("reason-*.nt"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[_KEEP_CACHE_FILES:]:
            stale.unlink(missing_ok=True)
    except (ChipletKGError, OSError):
        pass  # no cache this time: reasoning still succeeded

"""The build cache: the loaded (and reasoned) store that ``chiplet-kg build`` leaves for later commands to reuse.

``build`` writes the two named graphs of its store (asserted and inferred triples) as one N-Quads file under
:func:`cache_dir`, named by :func:`cache_key` — a SHA-256 over every input file's path and bytes, the package
version, the cache format and whether the graph was reasoned. ``query``, ``analyze``, ``viz``, ``validate`` …
open that file instead of parsing the inputs and running the reasoner again. The file is written atomically and
carries its own checksum: a damaged, truncated or foreign file is ignored (the inputs are parsed as if there
were no cache), never trusted and never an error.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable

from . import __version__

__all__ = ["CACHE_ENV", "REASONING_FORMAT", "cache_dir", "cache_key", "cache_path", "open_cached", "owlready2_version",
           "write_cached", "write_kg"]

#: Environment variable naming the cache folder (default ``build/.cache`` in the current folder). The reasoner's
#: cache (:mod:`chiplet_kg.reason`) lives in the same folder.
CACHE_ENV = "CHIPLET_KG_CACHE"
#: Bump when what a cache file holds changes, so that older files are never read.
_FORMAT = 2  # 2: the store also holds the ontology files' copy (chiplet_kg.load.ONTOLOGY_GRAPH)
#: Bump when what the reasoner (:func:`chiplet_kg.reason.infer`) computes changes: its cache and every reasoned
#: store are then computed afresh. Kept here so that a cache look-up need not import the reasoning code.
REASONING_FORMAT = 2
#: Store files kept; older ones are removed when a new one is written (they can be large).
_KEEP_FILES = 4
_MAGIC = b"# chiplet-kg store cache"


def cache_dir(path: str | os.PathLike | None = None) -> Path:
    """The cache folder: ``path`` if given, else ``$CHIPLET_KG_CACHE``, else ``build/.cache`` in the current folder.

    Examples
    --------
    >>> str(cache_dir("/tmp/x"))
    '/tmp/x'
    """
    return Path(path or os.environ.get(CACHE_ENV) or Path("build") / ".cache")


def owlready2_version() -> str:
    """The installed owlready2's version (which bundles HermiT), read without importing it (that takes 0.2 s)."""
    from importlib import metadata

    try:
        return metadata.version("owlready2")
    except metadata.PackageNotFoundError:  # pragma: no cover - a declared dependency
        return "none"


def _reasoner_version() -> str:
    """What decides the inferred triples besides the inputs: the reasoning code's format and owlready2's HermiT."""
    return f"reasoning format {REASONING_FORMAT}, owlready2 {owlready2_version()}"


def code_fingerprint() -> str:
    """SHA-256 over the package's own files, the named and check queries and the SHACL shapes: what, besides the
    input files, decides what a build writes. A version number alone would not change while the code does.

    Examples
    --------
    >>> len(code_fingerprint()) == 64 and code_fingerprint() == code_fingerprint()
    True
    """
    global _FINGERPRINT
    if _FINGERPRINT is None:
        from .home import project_root

        package = Path(__file__).resolve().parent
        paths = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        try:
            root = project_root()
            paths += list((root / "queries").rglob("*.rq")) + [root / "ontology" / "shapes.ttl"]
        except Exception:  # noqa: BLE001 - an installed package without the project folder: its own files decide
            pass
        h = hashlib.sha256()
        for path in sorted(paths):
            try:
                h.update(f"{path.name}\n".encode("utf-8", "surrogateescape") + hashlib.sha256(path.read_bytes()).digest())
            except OSError:
                continue
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT


_FINGERPRINT: str | None = None


def cache_key(files: Iterable[str | os.PathLike], *, reasoned: bool) -> str | None:
    """SHA-256 over the input files (path and bytes, in load order), the package's code and ``reasoned``.

    Returns None when a file cannot be read: then there is nothing to look up, and loading reports the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.ttl"
    >>> _ = f.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .")
    >>> cache_key([f], reasoned=False) == cache_key([f], reasoned=False) != cache_key([f], reasoned=True)
    True
    """
    h = hashlib.sha256()
    h.update(f"chiplet-kg store cache {_FORMAT}; chiplet-kg {__version__} {code_fingerprint()}; "
             f"reasoned {bool(reasoned)}\n".encode())
    if reasoned:
        h.update(f"{_reasoner_version()}\n".encode())
    try:
        for path in files:
            path = Path(path).resolve()
            if not path.is_file():  # a pipe would block the read: loading reports it
                return None
            data = path.read_bytes()
            h.update(f"{path}\n{len(data)}\n".encode("utf-8", "surrogateescape"))
            h.update(hashlib.sha256(data).digest())
    except (OSError, RuntimeError):  # RuntimeError: a loop of symbolic links (Path.resolve)
        return None
    return h.hexdigest()


def cache_path(key: str, folder: str | os.PathLike | None = None) -> Path:
    """The file for ``key`` in the cache folder."""
    return cache_dir(folder) / f"store-{key}.nq"


def _read(path: Path, key: str):
    """The pyoxigraph store in the file at ``path``, or None when it is missing, for another key or damaged."""
    import pyoxigraph as ox

    from .namespace import ASSERTED_GRAPH, INFERRED_GRAPH

    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        head, sep, body = data.partition(b"\n\n")
        if not sep or not head.startswith(_MAGIC):
            return None
        fields = dict(line[2:].split(": ", 1) for line in head.decode("ascii").splitlines()[1:])
        if fields.get("key") != key or fields.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        store = ox.Store()
        if body:
            store.load(body, format=ox.RdfFormat.N_QUADS)
        if len(store) != int(fields.get("quads", -1)):
            return None
        from .load import DATATYPES_PREFIX, ONTOLOGY_GRAPH

        allowed = {ox.NamedNode(str(g)) for g in (ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH)}
        if any(g not in allowed and not g.value.startswith(DATATYPES_PREFIX) for g in store.named_graphs()):
            return None
        return store
    except Exception:  # noqa: BLE001 - a cache that cannot be read is ignored, never trusted
        return None


def open_cached(files: Iterable[str | os.PathLike], *, reasoned: bool, folder: str | os.PathLike | None = None):
    """The cached pyoxigraph store for ``files``, or None when there is none that checks out.

    ``reasoned=False`` also takes a reasoned entry for the same files (what ``build`` leaves) and drops its
    inferred graph, so that commands that do not reason still reuse the build.
    """
    import pyoxigraph as ox

    from .namespace import INFERRED_GRAPH

    files = list(files)
    for want in ((True,) if reasoned else (False, True)):
        key = cache_key(files, reasoned=want)
        if key is None:
            return None
        store = _read(cache_path(key, folder), key)
        if store is not None:
            if want and not reasoned:
                store.clear_graph(ox.NamedNode(str(INFERRED_GRAPH)))
            return store
    return None


def write_cached(store, files: Iterable[str | os.PathLike], *, reasoned: bool,
                 folder: str | os.PathLike | None = None) -> Path | None:
    """Write ``store`` (its asserted and inferred named graphs) as the cache entry for ``files``.

    Atomic (:func:`chiplet_kg.io.atomic_write`): a reader sees the previous file or the new one. A cache that
    cannot be written is no error: the path written, or None.
    """
    import pyoxigraph as ox

    from .errors import ChipletKGError
    from .io import atomic_write

    key = cache_key(files, reasoned=reasoned)
    if key is None:
        return None
    path = cache_path(key, folder)
    try:
        # pyoxigraph's in-memory store lists the newest quads first, and a query meets equal candidates in that
        # order (GROUP_CONCAT shows it): written oldest first, the cached store is read back in the order the
        # files were loaded, so that it answers exactly as a store loaded from them.
        lines = store.dump(format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)
        lines.reverse()
        body = b"".join(lines)
        head = (f"{_MAGIC.decode()} (safe to delete)\n# key: {key}\n# quads: {len(store)}\n"
                f"# sha256: {hashlib.sha256(body).hexdigest()}\n\n").encode("ascii")
        atomic_write(path, head + body)
        old = sorted(path.parent.glob("store-*.nq"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[_KEEP_FILES:]:
            stale.unlink(missing_ok=True)
        _remove_abandoned_temps(path.parent)
    except (ChipletKGError, OSError):
        return None
    return path


def _remove_abandoned_temps(folder: Path, age: float = 3600.0) -> None:
    """Remove temporary files of writers killed mid-write (``kill -9``) an hour or more ago.

    A younger one may belong to a writer still at work in another process, so it is left alone.
    """
    import time

    for tmp in folder.glob(".store-*.nq.*.tmp"):
        try:
            if time.time() - tmp.stat().st_mtime > age:
                tmp.unlink()
        except OSError:
            pass


def write_kg(kg, *, reasoned: bool, folder: str | os.PathLike | None = None) -> Path | None:
    """Cache the store of ``kg`` (what ``build`` calls); nothing when its triples were changed in memory.

    A graph changed after loading (``kg.changed``) is not what its files say, so it must not answer for them.
    ``reasoned`` says whether ``kg.inferred`` holds the reasoner's triples. Returns the path written, or None.
    """
    if kg.changed:
        return None
    return write_cached(kg.ox, kg.files, reasoned=reasoned, folder=folder)
